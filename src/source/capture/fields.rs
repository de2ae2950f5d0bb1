//! Byte-level helpers every capture parser shares: splitting a line on runs of whitespace
//! without allocating, strict decimal and hex numbers, state words (through
//! `TcpState::parse_word`, memoised so a repeated word costs one comparison), endpoints in the
//! `host:port`, `[v6]:port`, `host%scope:port` and BSD `host.port` spellings with wildcards and
//! resolved names, service names looked up once in /etc/services, and the timers of
//! netstat `-o` and ss `-o`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::socket::{Endpoint, Family, Timer, TimerKind};
use crate::tcp::state::TcpState;

#[inline]
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

/// The whitespace-separated fields of a line, in order.
pub(crate) struct Fields<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(s: &'a [u8]) -> Fields<'a> {
        Fields { s, i: 0 }
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];
    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let s = self.s;
        let mut i = self.i;
        while i < s.len() && is_space(s[i]) {
            i += 1;
        }
        if i == s.len() {
            self.i = i;
            return None;
        }
        let start = i;
        while i < s.len() && !is_space(s[i]) {
            i += 1;
        }
        self.i = i;
        Some(&s[start..i])
    }
}

/// Up to `N` leading fields of a line; the count is the number filled.
pub(crate) fn split<'a, const N: usize>(line: &'a [u8], out: &mut [&'a [u8]; N]) -> usize {
    let mut n = 0;
    for f in Fields::new(line) {
        if n == N {
            break;
        }
        out[n] = f;
        n += 1;
    }
    n
}

/// A non-empty run of ASCII digits as a number; `None` on anything else or on overflow.
#[inline]
pub(crate) fn dec(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// A queue size: decimal, clamped to `u32`.
#[inline]
pub(crate) fn queue(b: &[u8]) -> Option<u32> {
    dec(b).map(|v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// A non-empty run of hex digits (either case) of at most 16 digits.
#[inline]
pub(crate) fn hex(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = v << 4 | u64::from(d);
    }
    Some(v)
}

/// A field as text for messages, cut to a readable length.
pub(crate) fn show(b: &[u8]) -> String {
    const MAX: usize = 40;
    let cut = &b[..b.len().min(MAX)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if b.len() > MAX {
        s.push('…');
    }
    s
}

/// State words seen so far, so each distinct spelling goes through `TcpState::parse_word` once.
#[derive(Default)]
pub(crate) struct StateWords {
    seen: Vec<(Box<[u8]>, Option<TcpState>)>,
}

impl StateWords {
    /// The state a field spells, if it spells one.
    #[inline]
    pub(crate) fn get(&mut self, w: &[u8]) -> Option<TcpState> {
        // State words are short and start with a letter; anything else is not one.
        if w.is_empty() || w.len() > 24 || w[0].is_ascii_digit() || w.contains(&b':') {
            return None;
        }
        if let Some((_, s)) = self.seen.iter().find(|(k, _)| **k == *w) {
            return *s;
        }
        let s = std::str::from_utf8(w).ok().and_then(TcpState::parse_word);
        if self.seen.len() < 64 {
            self.seen.push((w.into(), s));
        }
        s
    }
}

/// What kind of host an endpoint field held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostKind {
    V4,
    V6,
    /// `*`: a wildcard whose family the row decides.
    Star,
    /// A resolved, truncated or redacted name.
    Name,
}

/// How the port is attached to the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortSep {
    /// Linux netstat, ss, Windows: the last `:`, or `[host]:port`.
    Colon,
    /// BSD/macOS netstat: the last `.`.
    Dot,
}

/// IPv4 dotted quad, strictly four decimal octets.
#[inline]
pub(crate) fn ipv4(b: &[u8]) -> Option<Ipv4Addr> {
    let mut oct = [0u8; 4];
    let mut k = 0;
    let mut v: u32 = 0;
    let mut digits = 0;
    for &c in b {
        if c == b'.' {
            if digits == 0 || k == 3 {
                return None;
            }
            oct[k] = v as u8;
            k += 1;
            v = 0;
            digits = 0;
        } else {
            let d = c.wrapping_sub(b'0');
            if d > 9 || digits == 3 {
                return None;
            }
            v = v * 10 + u32::from(d);
            if v > 255 {
                return None;
            }
            digits += 1;
        }
    }
    if digits == 0 || k != 3 {
        return None;
    }
    oct[3] = v as u8;
    Some(Ipv4Addr::from(oct))
}

fn ipv6(b: &[u8]) -> Option<Ipv6Addr> {
    if b.len() > 45 {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// Service names from /etc/services (tcp), read once, on the first name that needs it.
#[derive(Default)]
pub(crate) struct Services {
    table: Option<HashMap<Box<[u8]>, u16>>,
}

impl Services {
    pub(crate) fn port(&mut self, name: &[u8]) -> Option<u16> {
        let table = self.table.get_or_insert_with(load_services);
        table.get(name).copied()
    }
}

fn load_services() -> HashMap<Box<[u8]>, u16> {
    let mut m = HashMap::new();
    let Ok(text) = std::fs::read("/etc/services") else {
        return m;
    };
    for line in text.split(|&b| b == b'\n') {
        let line = line.split(|&b| b == b'#').next().unwrap_or(&[]);
        let mut f = Fields::new(line);
        let (Some(name), Some(pp)) = (f.next(), f.next()) else {
            continue;
        };
        let Some(slash) = pp.iter().position(|&b| b == b'/') else {
            continue;
        };
        if &pp[slash + 1..] != b"tcp" {
            continue;
        }
        let Some(port) = dec(&pp[..slash]).and_then(|p| u16::try_from(p).ok()) else {
            continue;
        };
        for n in std::iter::once(name).chain(f) {
            m.entry(n.into()).or_insert(port);
        }
    }
    m
}

/// Read one endpoint field. Never fails: what is not a number is kept as a name (the field as
/// written), with `ip`/`port` set where they could still be read.
pub(crate) fn endpoint(f: &[u8], sep: PortSep, svc: &mut Services) -> (Endpoint, HostKind) {
    let (host, port) = split_host_port(f, sep);
    let host_core = match host.iter().position(|&b| b == b'%') {
        Some(p) if p > 0 => &host[..p],
        _ => host,
    };
    let (ip, kind) = if host_core == b"*" {
        (None, HostKind::Star)
    } else if let Some(v4) = ipv4(host_core) {
        (Some(IpAddr::V4(v4)), HostKind::V4)
    } else if host_core.contains(&b':')
        && let Some(v6) = ipv6(host_core)
    {
        (Some(IpAddr::V6(v6)), HostKind::V6)
    } else {
        (None, HostKind::Name)
    };
    let (port_num, port_named) = match port {
        None => (None, true),
        Some(b"*") => (Some(0), false),
        Some(p) => match dec(p).and_then(|v| u16::try_from(v).ok()) {
            Some(v) => (Some(v), false),
            None => (svc.port(p), true),
        },
    };
    let name = (kind == HostKind::Name || port_named)
        .then(|| String::from_utf8_lossy(f).into_owned().into_boxed_str());
    let ep = Endpoint {
        ip,
        port: port_num,
        name,
    };
    (ep, kind)
}

fn split_host_port(f: &[u8], sep: PortSep) -> (&[u8], Option<&[u8]>) {
    if sep == PortSep::Colon
        && f.first() == Some(&b'[')
        && let Some(close) = f.iter().rposition(|&b| b == b']')
    {
        let host = &f[1..close];
        let rest = &f[close + 1..];
        return match rest.split_first() {
            Some((b':', port)) => (host, Some(port)),
            _ => (host, None),
        };
    }
    let c = if sep == PortSep::Colon { b':' } else { b'.' };
    match f.iter().rposition(|&b| b == c) {
        Some(p) => (&f[..p], Some(&f[p + 1..])),
        None => (f, None),
    }
}

/// Give an endpoint its final form once the row's family is known: a `*` host becomes the
/// unspecified address of the family, and a dotted IPv4 on an IPv6 socket (netstat's `tcp6`
/// rows) becomes the IPv4-mapped IPv6 address the kernel holds.
pub(crate) fn settle(ep: &mut Endpoint, kind: HostKind, family: Family) {
    match (kind, family, ep.ip) {
        (HostKind::Star, Family::V4, _) => ep.ip = Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        (HostKind::Star, Family::V6, _) => ep.ip = Some(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        (_, Family::V6, Some(IpAddr::V4(v4))) => ep.ip = Some(IpAddr::V6(v4.to_ipv6_mapped())),
        _ => {}
    }
}

/// The family a row's addresses show, if they show one.
pub(crate) fn family_of(a: HostKind, b: HostKind) -> Option<Family> {
    match (a, b) {
        (HostKind::V6, _) | (_, HostKind::V6) => Some(Family::V6),
        (HostKind::V4, _) | (_, HostKind::V4) => Some(Family::V4),
        _ => None,
    }
}

/// Seconds with an optional fraction (`6580.48`) as milliseconds.
fn secs_ms(b: &[u8]) -> Option<u64> {
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(p) => (&b[..p], &b[p + 1..]),
        None => (b, &b""[..]),
    };
    let mut ms = dec(int)?.checked_mul(1000)?;
    let mut scale = 100;
    for &c in frac.iter().take(3) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        ms += u64::from(d) * scale;
        scale /= 10;
    }
    Some(ms)
}

/// netstat `-o`'s timer: a word (`off`, `on`, `keepalive`, `timewait`, `probe`, `unkn-N`, or
/// zh_CN `关闭`, `打开`, `保持连接`) and `(secs/retransmits/probes)`.
pub(crate) fn netstat_timer(word: &[u8], paren: &[u8]) -> Option<Timer> {
    let kind = match word {
        b"off" => TimerKind::Off,
        b"on" => TimerKind::On,
        b"keepalive" => TimerKind::Keepalive,
        b"timewait" => TimerKind::TimeWait,
        b"probe" => TimerKind::Probe,
        _ if word == "关闭".as_bytes() => TimerKind::Off,
        _ if word == "打开".as_bytes() => TimerKind::On,
        _ if word == "保持连接".as_bytes() => TimerKind::Keepalive,
        _ if word.starts_with(b"unkn-") => TimerKind::Off,
        _ => return None,
    };
    let inner = paren.strip_prefix(b"(")?.strip_suffix(b")")?;
    let mut parts = inner.split(|&b| b == b'/');
    let expires_ms = secs_ms(parts.next()?)?;
    let retransmits = dec(parts.next()?).map(|v| u32::try_from(v).unwrap_or(u32::MAX))?;
    Some(Timer {
        kind,
        expires_ms,
        retransmits,
    })
}

/// ss `-o`'s `timer:(keepalive,10sec,0)`.
pub(crate) fn ss_timer(f: &[u8]) -> Option<Timer> {
    let inner = f.strip_prefix(b"timer:(")?;
    let inner = inner.strip_suffix(b")").unwrap_or(inner);
    let mut parts = inner.split(|&b| b == b',');
    let kind = match parts.next()? {
        b"on" => TimerKind::On,
        b"keepalive" => TimerKind::Keepalive,
        b"timewait" => TimerKind::TimeWait,
        b"persist" => TimerKind::Probe,
        _ => TimerKind::Off,
    };
    let expires_ms = ss_duration_ms(parts.next()?)?;
    let retransmits = parts
        .next()
        .and_then(dec)
        .map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX));
    Some(Timer {
        kind,
        expires_ms,
        retransmits,
    })
}

/// ss's timer durations: `12min`, `1min20sec`, `59sec`, `4.193ms` (4 s 193 ms), `193ms`.
fn ss_duration_ms(mut b: &[u8]) -> Option<u64> {
    let mut ms = 0u64;
    let num = |b: &[u8]| -> (u64, usize) {
        let n = b.iter().take_while(|c| c.is_ascii_digit()).count().min(12);
        (dec(&b[..n]).unwrap_or(0), n)
    };
    while !b.is_empty() {
        let (v, n) = num(b);
        if n == 0 {
            return None;
        }
        b = &b[n..];
        if let Some(r) = b.strip_prefix(b"min") {
            ms += v * 60_000;
            b = r;
        } else if let Some(r) = b.strip_prefix(b"sec") {
            ms += v * 1000;
            b = r;
        } else if let Some(r) = b.strip_prefix(b"ms") {
            ms += v;
            b = r;
        } else if let Some(r) = b.strip_prefix(b".") {
            ms += v * 1000;
            b = r;
        } else {
            return None;
        }
    }
    Some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(s: &str, sep: PortSep) -> (Endpoint, HostKind) {
        endpoint(s.as_bytes(), sep, &mut Services::default())
    }

    #[test]
    fn fields_split_on_any_whitespace_run() {
        let v: Vec<&[u8]> = Fields::new(b"  tcp \t 0\r\x0b0   a:1  ").collect();
        assert_eq!(v, [&b"tcp"[..], b"0", b"0", b"a:1"]);
        assert_eq!(Fields::new(b"   ").count(), 0);
    }

    #[test]
    fn numbers() {
        assert_eq!(dec(b"123"), Some(123));
        assert_eq!(dec(b""), None);
        assert_eq!(dec(b"1a"), None);
        assert_eq!(dec(b"99999999999999999999"), None);
        assert_eq!(queue(b"99999999999"), Some(u32::MAX));
        assert_eq!(hex(b"0100007F"), Some(0x0100_007f));
        assert_eq!(hex(b"zz"), None);
        assert_eq!(ipv4(b"127.0.0.1"), Some(Ipv4Addr::LOCALHOST));
        for bad in [
            "256.0.0.1",
            "1.2.3",
            "1.2.3.4.5",
            "1..2.3",
            "",
            "1.2.3.4x",
            "0001.2.3.4",
        ] {
            assert_eq!(ipv4(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn endpoints() {
        let (e, k) = ep("127.0.0.1:8001", PortSep::Colon);
        assert_eq!(
            (e.ip, e.port, e.name, k),
            (
                Some(Ipv4Addr::LOCALHOST.into()),
                Some(8001),
                None,
                HostKind::V4
            )
        );
        let (e, k) = ep(":::22", PortSep::Colon);
        assert_eq!(
            (e.ip, e.port, k),
            (Some(Ipv6Addr::UNSPECIFIED.into()), Some(22), HostKind::V6)
        );
        let (e, _) = ep("::ffff:127.0.0.1:45827", PortSep::Colon);
        assert_eq!(e.canonical_ip(), Some(Ipv4Addr::LOCALHOST.into()));
        let (e, k) = ep("[fe80::1%eth0]:123", PortSep::Colon);
        assert_eq!((e.port, k, e.name), (Some(123), HostKind::V6, None));
        let (e, k) = ep("127.0.0.53%lo:53", PortSep::Colon);
        assert_eq!((e.port, k), (Some(53), HostKind::V4));
        let (e, k) = ep("*:*", PortSep::Colon);
        assert_eq!(
            (e.ip, e.port, e.name, k),
            (None, Some(0), None, HostKind::Star)
        );
        let (e, k) = ep("localhost.localdo:35450", PortSep::Colon);
        assert_eq!((e.ip, e.port, k), (None, Some(35450), HostKind::Name));
        assert_eq!(e.name.as_deref(), Some("localhost.localdo:35450"));
        let (e, k) = ep("...", PortSep::Colon);
        assert_eq!(
            (e.ip, e.port, k, e.name.as_deref()),
            (None, None, HostKind::Name, Some("..."))
        );
        let (e, k) = ep("192.168.71.163.22", PortSep::Dot);
        assert_eq!((e.port, k), (Some(22), HostKind::V4));
        let (e, k) = ep("fe80::1%lo0.123", PortSep::Dot);
        assert_eq!((e.port, k), (Some(123), HostKind::V6));
        let (e, k) = ep("*.*", PortSep::Dot);
        assert_eq!((e.port, k), (Some(0), HostKind::Star));
        let (_, k) = ep("[]:", PortSep::Colon);
        assert_eq!(k, HostKind::Name);
    }

    #[test]
    fn timers() {
        let t = netstat_timer(b"keepalive", b"(6580.48/0/0)").unwrap();
        assert_eq!((t.kind, t.expires_ms), (TimerKind::Keepalive, 6_580_480));
        let t = netstat_timer("打开".as_bytes(), b"(0.14/1/0)").unwrap();
        assert_eq!(
            (t.kind, t.expires_ms, t.retransmits),
            (TimerKind::On, 140, 1)
        );
        assert!(netstat_timer(b"python3", b"(0/0/0)").is_none());
        let t = ss_timer(b"timer:(timewait,4.193ms,0)").unwrap();
        assert_eq!((t.kind, t.expires_ms), (TimerKind::TimeWait, 4193));
        assert_eq!(
            ss_timer(b"timer:(keepalive,1min20sec,2)")
                .unwrap()
                .expires_ms,
            80_000
        );
        assert_eq!(ss_timer(b"timer:(on,193ms,0)").unwrap().expires_ms, 193);
        assert!(ss_timer(b"timer:(on,x,0)").is_none());
    }

    #[test]
    fn state_words_memo() {
        let mut w = StateWords::default();
        assert_eq!(w.get(b"ESTABLISHED"), Some(TcpState::Established));
        assert_eq!(w.get(b"ESTABLISHED"), Some(TcpState::Established));
        assert_eq!(w.get(b"VERBUNDEN"), Some(TcpState::Established));
        assert_eq!(w.get(b"Foreign"), None);
        assert_eq!(w.get(b"7"), None);
        assert_eq!(w.get(b"a:b"), None);
    }
}

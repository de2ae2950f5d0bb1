//! Endpoint fields as captures write them: `host:port` split at the last colon, `[v6]:port`,
//! `host%scope:port` and `[v6]%scope:port`, BSD `host.port` split at the last dot, `*`
//! wildcards, and resolved or truncated names (`localhost.localdo:35450`) kept as the text
//! written, with the port still read when it is a number or a service name from /etc/services
//! (read once per process, on the first name). Addresses redacted by whoever saved the capture
//! (`...`, `x.x.x.x`, `<ip>`, `***`, `a.b.c.d:port`) are told apart: the host is unknown (no
//! ip, no name), a numeric port is kept. A port outside 0–65535 or neither a number nor a
//! service-name-shaped word, and a host that is neither an IP address, a host name nor a
//! redaction, make the field unreadable, with the reason. The common `a.b.c.d:port` and plain
//! IPv6 are read in one pass; other IPv6 forms go through std's parser.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use super::fields::{Fields, dec, show};
use super::shapes::{is_host_name, is_redacted, is_service_name};
use crate::socket::{Endpoint, Family};

/// What kind of host an endpoint field held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostKind {
    V4,
    V6,
    /// `*`: a wildcard whose family the row decides.
    Star,
    /// A resolved or truncated name.
    Name,
    /// Redacted by whoever saved the capture: the host is unknown.
    Redacted,
}

/// How the port is attached to the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortSep {
    /// Linux netstat, ss, Windows: the last `:`, or `[host]:port`.
    Colon,
    /// BSD/macOS netstat: the last `.`.
    Dot,
}

/// A dotted quad (strictly four decimal octets) from the start of `b` up to its end or a
/// colon, and where it stopped: `b.len()`, or the colon's index.
#[inline]
fn dotted_quad(b: &[u8]) -> Option<(Ipv4Addr, usize)> {
    // The octets gather in a register: bytes stored one by one into an array and read back
    // as a word stall the store-to-load forwarding on every address.
    let mut ip: u32 = 0;
    let mut k = 0;
    let mut v: u32 = 0;
    let mut digits = 0;
    let mut end = b.len();
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' {
            if digits == 0 || k == 3 {
                return None;
            }
            ip = ip << 8 | v;
            k += 1;
            v = 0;
            digits = 0;
        } else if c == b':' {
            end = i;
            break;
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
    Some((Ipv4Addr::from(ip << 8 | v), end))
}

/// IPv4 dotted quad, strictly four decimal octets.
#[inline]
pub(crate) fn ipv4(b: &[u8]) -> Option<Ipv4Addr> {
    dotted_quad(b).and_then(|(ip, end)| (end == b.len()).then_some(ip))
}

/// The common IPv6 cases: `[v6]:port` (ss) and `v6:port` (netstat), the port a number or
/// `*`, the address without a scope or an IPv4 tail; `None` sends anything else (and a bad
/// port, for its reason) to the general path.
#[inline]
fn ipv6_port(f: &[u8]) -> Option<(Ipv6Addr, u16)> {
    let (host, port) = if f.first() == Some(&b'[') {
        let close = f.iter().rposition(|&b| b == b']')?;
        (f.get(1..close)?, f[close + 1..].strip_prefix(b":")?)
    } else {
        let colon = f.iter().rposition(|&b| b == b':')?;
        (&f[..colon], &f[colon + 1..])
    };
    let ip = ipv6_plain(host)?;
    if port == b"*" {
        return Some((ip, 0));
    }
    Some((ip, u16::try_from(dec(port)?).ok()?))
}

/// The common case in one pass: `a.b.c.d:port` or `a.b.c.d:*`.
#[inline]
fn ipv4_colon_port(f: &[u8]) -> Option<(Ipv4Addr, u16)> {
    // The address is read up to the colon in the same pass that finds it.
    let (ip, colon) = dotted_quad(f)?;
    if colon == f.len() {
        return None;
    }
    let port = &f[colon + 1..];
    if port == b"*" {
        return Some((ip, 0));
    }
    let p = dec(port)?;
    Some((ip, u16::try_from(p).ok()?))
}

fn ipv6(b: &[u8]) -> Option<Ipv6Addr> {
    if let Some(a) = ipv6_plain(b) {
        return Some(a);
    }
    if b.len() > 45 {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// IPv6 without an embedded IPv4 tail, in one pass; `None` sends the rest to std's parser.
fn ipv6_plain(b: &[u8]) -> Option<Ipv6Addr> {
    let mut groups = [0u16; 8];
    let mut n = 0;
    let mut gap: Option<usize> = None;
    let mut i = 0;
    if b.starts_with(b"::") {
        gap = Some(0);
        i = 2;
        if i == b.len() {
            return Some(Ipv6Addr::UNSPECIFIED);
        }
    }
    loop {
        let start = i;
        let mut v: u32 = 0;
        while i < b.len() && i - start < 5 {
            let d = match b[i] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => break,
            };
            v = v << 4 | u32::from(d);
            i += 1;
        }
        if i == start || i - start > 4 || n == 8 {
            return None;
        }
        groups[n] = v as u16;
        n += 1;
        if i == b.len() {
            break;
        }
        if b[i] != b':' {
            return None;
        }
        i += 1;
        if b.get(i) == Some(&b':') {
            if gap.is_some() {
                return None;
            }
            gap = Some(n);
            i += 1;
            if i == b.len() {
                break;
            }
        } else if i == b.len() {
            return None;
        }
    }
    match gap {
        None if n == 8 => Some(Ipv6Addr::from(groups)),
        Some(at) if n <= 7 => {
            let mut out = [0u16; 8];
            out[..at].copy_from_slice(&groups[..at]);
            out[8 - (n - at)..].copy_from_slice(&groups[at..n]);
            Some(Ipv6Addr::from(out))
        }
        _ => None,
    }
}

/// Service names from /etc/services (tcp), read once per process, on the first name that
/// needs it.
#[derive(Default)]
pub(crate) struct Services {
    table: Option<&'static HashMap<Box<[u8]>, u16>>,
}

impl Services {
    pub(crate) fn port(&mut self, name: &[u8]) -> Option<u16> {
        static TABLE: OnceLock<HashMap<Box<[u8]>, u16>> = OnceLock::new();
        let table = *self
            .table
            .get_or_insert_with(|| TABLE.get_or_init(load_services));
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

/// Why an endpoint field cannot be read.
pub(crate) type BadEndpoint = Cow<'static, str>;

/// Read one endpoint field: what is not a number is kept as a name (the field as written),
/// with `ip`/`port` set where they could still be read; a redacted host is unknown.
pub(crate) fn endpoint(
    f: &[u8],
    sep: PortSep,
    svc: &mut Services,
) -> Result<(Endpoint, HostKind), BadEndpoint> {
    if sep == PortSep::Colon
        && let Some((ip, port)) = ipv4_colon_port(f)
    {
        return Ok((Endpoint::new(IpAddr::V4(ip), port), HostKind::V4));
    }
    if sep == PortSep::Colon
        && let Some((ip, port)) = ipv6_port(f)
    {
        return Ok((Endpoint::new(IpAddr::V6(ip), port), HostKind::V6));
    }
    any_endpoint(f, sep, svc)
}

/// `endpoint` for every form, the common ones included (which `endpoint` reads in one pass
/// before coming here).
fn any_endpoint(
    f: &[u8],
    sep: PortSep,
    svc: &mut Services,
) -> Result<(Endpoint, HostKind), BadEndpoint> {
    if is_redacted(f) {
        return Ok((unknown_host(None), HostKind::Redacted));
    }
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
    } else if is_redacted(host_core) {
        (None, HostKind::Redacted)
    } else if is_host_name(host_core) {
        (None, HostKind::Name)
    } else {
        return Err(Cow::Owned(format!(
            "'{}' is neither an IP address nor a host name",
            show(host)
        )));
    };
    let (port_num, port_named) = match port {
        None => (None, true),
        Some(b"*") => (Some(0), false),
        Some(p) if !p.is_empty() && p.iter().all(u8::is_ascii_digit) => {
            match dec(p).and_then(|v| u16::try_from(v).ok()) {
                Some(v) => (Some(v), false),
                None => {
                    return Err(Cow::Owned(format!("port {} is outside 0-65535", show(p))));
                }
            }
        }
        Some(p) if kind == HostKind::Redacted || is_redacted(p) => (None, false),
        Some(p) if is_service_name(p) => (svc.port(p), true),
        Some(p) => {
            return Err(Cow::Owned(format!(
                "port '{}' is neither a number nor a service name",
                show(p)
            )));
        }
    };
    if kind == HostKind::Redacted {
        return Ok((unknown_host(port_num), kind));
    }
    let name = (kind == HostKind::Name || port_named)
        .then(|| String::from_utf8_lossy(f).into_owned().into_boxed_str());
    let ep = Endpoint {
        ip,
        port: port_num,
        name,
    };
    Ok((ep, kind))
}

fn unknown_host(port: Option<u16>) -> Endpoint {
    Endpoint {
        ip: None,
        port,
        name: None,
    }
}

fn split_host_port(f: &[u8], sep: PortSep) -> (&[u8], Option<&[u8]>) {
    if sep == PortSep::Colon
        && f.first() == Some(&b'[')
        && let Some(close) = f.iter().rposition(|&b| b == b']')
    {
        let host = &f[1..close];
        let mut rest = &f[close + 1..];
        // New ss puts a link-local scope after the bracket: `[fe80::1]%v0:2222`.
        if rest.first() == Some(&b'%') {
            rest = match rest.iter().rposition(|&b| b == b':') {
                Some(c) => &rest[c..],
                None => &[],
            };
        }
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

#[cfg(test)]
mod tests;

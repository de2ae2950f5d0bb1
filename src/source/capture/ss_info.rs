//! The continuation lines of `ss -i` and `ss -m` records, read into the socket of the row
//! above: `cubic wscale:7,7 rto:204 rtt:0.5/0.25 mss:1448 cwnd:10 bytes_acked:… send 231.7Mbps
//! lastsnd:4 pacing_rate 463.4Mbps busy:4ms rwnd_limited:3ms(75.0%) retrans:0/2 …` fills
//! `TcpInfo` (times as ss prints them, in ms, kept in µs or ms as its fields say; rates in
//! bit/s), and `skmem:(r0,rb131072,t0,tb87040,f0,w0,o0,bl0,d0)` fills `SocketMemory`. Such a
//! line starts with a tab, spaces, or (pasted through e-mail) at column 0; it is one only when
//! every field is an ss `-i`/`-m` word, so a row is never taken for one; an indented line
//! that holds ss `-i` words also holds words tcpstate does not read (a newer ss's, `md5keys:`,
//! `tcp-ulp-*`): those are passed over and counted for a notice, the rest is read. Fields a
//! capture lacks stay unknown.

use super::fields::{Fields, dec, show};
use crate::socket::Socket;
use crate::tcpinfo::{SocketMemory, TcpInfo};

/// Congestion control names ss prints first on the line.
const CONGESTION: [&[u8]; 18] = [
    b"cubic",
    b"reno",
    b"bbr",
    b"bbr2",
    b"bbr3",
    b"dctcp",
    b"htcp",
    b"vegas",
    b"westwood",
    b"illinois",
    b"hybla",
    b"scalable",
    b"lp",
    b"veno",
    b"yeah",
    b"bic",
    b"highspeed",
    b"cdg",
];

/// Bare flag words of `ss -i`.
const FLAGS: [&[u8]; 8] = [
    b"ts",
    b"sack",
    b"ecn",
    b"ecnseen",
    b"app_limited",
    b"fastopen",
    b"<->",
    // Printed after `qack:` when the delayed-ACK quick count is odd.
    b"bidir",
];

/// Keys of `key:value` fields `ss -i` prints (those read and those passed over).
const KEYS: [&[u8]; 47] = [
    b"wscale",
    b"rto",
    b"backoff",
    b"qack",
    b"rehash",
    b"rtt",
    b"ato",
    b"mss",
    b"pmtu",
    b"rcvmss",
    b"advmss",
    b"cwnd",
    b"ssthresh",
    b"bytes_sent",
    b"bytes_retrans",
    b"bytes_acked",
    b"bytes_received",
    b"segs_out",
    b"segs_in",
    b"data_segs_out",
    b"data_segs_in",
    b"lastsnd",
    b"lastrcv",
    b"lastack",
    b"delivered",
    b"delivered_ce",
    b"busy",
    b"rwnd_limited",
    b"sndbuf_limited",
    b"unacked",
    b"retrans",
    b"lost",
    b"sacked",
    b"dsack_dups",
    b"fackets",
    b"reordering",
    b"reord_seen",
    b"rcv_rtt",
    b"rcv_space",
    b"rcv_ssthresh",
    b"rcv_ooopack",
    b"minrtt",
    b"notsent",
    b"snd_wnd",
    b"rcv_wnd",
    b"skmem",
    b"bbr",
];

/// Words followed by a rate field (`send 231.7Mbps`).
const RATE_WORDS: [&[u8]; 3] = [b"send", b"pacing_rate", b"delivery_rate"];

/// `1.5` (ms as ss prints them) in µs; `None` when not a number.
fn ms_to_us(b: &[u8]) -> Option<u32> {
    let v: f64 = std::str::from_utf8(b).ok()?.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * 1000.0).round().min(f64::from(u32::MAX)) as u32)
}

/// `4ms`, `12sec`, `1min` as ms.
fn duration_ms(b: &[u8]) -> Option<u64> {
    let split = b.iter().position(|c| !c.is_ascii_digit() && *c != b'.')?;
    let v: f64 = std::str::from_utf8(&b[..split]).ok()?.parse().ok()?;
    let scale = match &b[split..] {
        b"ms" => 1.0,
        b"sec" | b"s" => 1000.0,
        b"min" => 60_000.0,
        _ => return None,
    };
    Some((v * scale).round() as u64)
}

/// `231.7Mbps`, `238312727273bps` in bit/s.
fn rate_bps(b: &[u8]) -> Option<u64> {
    let body = b.strip_suffix(b"bps")?;
    let (num, scale) = match body.last() {
        Some(b'K') => (&body[..body.len() - 1], 1e3),
        Some(b'M') => (&body[..body.len() - 1], 1e6),
        Some(b'G') => (&body[..body.len() - 1], 1e9),
        _ => (body, 1.0),
    };
    let v: f64 = std::str::from_utf8(num).ok()?.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * scale).round() as u64)
}

fn u32_of(b: &[u8]) -> Option<u32> {
    dec(b).and_then(|v| u32::try_from(v).ok())
}

/// `skmem:(r0,rb131072,t0,tb87040,f0,w0,o0,bl0,d0)` into `m`; false when malformed.
fn skmem(inner: &[u8], m: &mut SocketMemory) -> bool {
    let Some(inner) = inner.strip_prefix(b"(").and_then(|i| i.strip_suffix(b")")) else {
        return false;
    };
    for part in inner.split(|&b| b == b',') {
        let digits = part
            .iter()
            .position(u8::is_ascii_digit)
            .unwrap_or(part.len());
        let (key, v) = part.split_at(digits);
        let v = u32_of(v);
        match key {
            b"r" => m.rmem_alloc = v,
            b"rb" => m.rcvbuf = v,
            b"t" => m.wmem_alloc = v,
            b"tb" => m.sndbuf = v,
            b"f" => m.fwd_alloc = v,
            b"w" => m.wmem_queued = v,
            b"o" => m.optmem = v,
            b"bl" => m.backlog = v,
            b"d" => m.drops = v,
            _ => return false,
        }
    }
    true
}

/// Keys of the fields a row of the listing carries after its peer (`-e`, `-o`, `-p`): an
/// indented line that holds one is the rest of a wrapped row, not an info line.
pub(crate) const ROW_KEYS: [&[u8]; 6] = [b"users", b"uid", b"ino", b"sk", b"cgroup", b"timer"];

/// Whether `f` is an ss `-i`/`-m` word; `after_rate` carries a rate word's value to the next
/// field.
fn is_info_word(f: &[u8], after_rate: &mut bool) -> bool {
    if *after_rate {
        *after_rate = false;
        return f.ends_with(b"bps");
    }
    if RATE_WORDS.contains(&f) {
        *after_rate = true;
        return true;
    }
    match f.iter().position(|&b| b == b':') {
        Some(k) => KEYS.contains(&&f[..k]),
        None => CONGESTION.contains(&f) || FLAGS.contains(&f),
    }
}

/// Whether `line` is an `ss -i`/`-m` continuation line: every field an ss `-i`/`-m` word, or,
/// for an indented line, at least one `key:value`, congestion or rate word of ss `-i` and no
/// field of a row's own (`users:`, `uid:`, `ino:`, `timer:`…).
fn is_continuation(line: &[u8]) -> bool {
    // Every word a continuation line starts with is lower case; a row of the listing starts
    // with its State (ESTAB, LISTEN…) or Netid: the common case, told at its first byte.
    if line
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| b.is_ascii_uppercase())
    {
        return false;
    }
    let indented = line.first().is_some_and(u8::is_ascii_whitespace);
    let (mut any, mut telling, mut unknown) = (false, false, false);
    let mut after_rate = false;
    for f in Fields::new(line) {
        any = true;
        let rate_value = after_rate;
        if is_info_word(f, &mut after_rate) {
            telling |= !rate_value && !FLAGS.contains(&f);
            continue;
        }
        let key = f.split(|&b| b == b':').next().unwrap_or(f);
        if !indented || ROW_KEYS.contains(&key) {
            return false;
        }
        unknown = true;
    }
    if unknown { telling } else { any }
}

/// ss `-i` fields tcpstate does not read, passed over on info lines: how many, and the first,
/// for the notice at the end of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PassedOver {
    fields: u64,
    first: Option<String>,
}

impl PassedOver {
    fn note(&mut self, f: &[u8]) {
        self.fields += 1;
        if self.first.is_none() {
            self.first = Some(show(f));
        }
    }

    /// Add what `before` counted to what was counted since `start` (a chunk read apart).
    pub(crate) fn add(&mut self, before: &PassedOver, start: &PassedOver) {
        self.fields = before.fields + (self.fields - start.fields);
        if before.first.is_some() {
            self.first.clone_from(&before.first);
        }
    }

    /// The notice for `file`, when fields were passed over.
    pub(crate) fn notice(&self, file: &str) -> Option<String> {
        let first = self.first.as_deref()?;
        let (n, fields, were) = match self.fields {
            1 => ("1".to_string(), "field", "was"),
            n => (n.to_string(), "fields", "were"),
        };
        Some(format!(
            "{file}: {n} {fields} of `ss -i` lines that tcpstate does not read (the first: \
             `{first}`) {were} passed over; the other fields of those lines were read"
        ))
    }
}

/// Read `line` into `out` when it is an `ss -i`/`-m` continuation line; false otherwise (and
/// `out` is left as it was).
pub(crate) fn amend(line: &[u8], out: &mut Socket, passed: &mut PassedOver) -> bool {
    if !is_continuation(line) {
        return false;
    }
    let (mut saw_info, mut saw_mem) = (out.info.is_some(), out.memory.is_some());
    let mut info = out.info.take().map_or_else(TcpInfo::default, |b| *b);
    let mut mem = out.memory.take().map_or_else(SocketMemory::default, |b| *b);
    let mut rate_for: Option<&[u8]> = None;
    for f in Fields::new(line) {
        if let Some(word) = rate_for.take() {
            let v = rate_bps(f);
            match word {
                b"pacing_rate" => info.pacing_rate_bps = v,
                b"delivery_rate" => info.delivery_rate_bps = v,
                _ => {}
            }
            continue;
        }
        if RATE_WORDS.contains(&f) {
            rate_for = Some(f);
            saw_info = true;
            continue;
        }
        let Some(k) = f.iter().position(|&b| b == b':') else {
            saw_info = true;
            match f {
                b"ts" => info.timestamps = Some(true),
                b"sack" => info.sack = Some(true),
                b"ecn" => info.ecn = Some(true),
                b"app_limited" => info.app_limited = Some(true),
                w if CONGESTION.contains(&w) => {
                    info.congestion = Some(String::from_utf8_lossy(w).into())
                }
                w if FLAGS.contains(&w) => {}
                w => passed.note(w),
            }
            continue;
        };
        let (key, v) = (&f[..k], &f[k + 1..]);
        if !KEYS.contains(&key) {
            passed.note(f);
            continue;
        }
        if key == b"skmem" {
            saw_mem |= skmem(v, &mut mem);
            continue;
        }
        saw_info = true;
        let pair = |v: &[u8], sep: u8| {
            let mut it = v.splitn(2, |&b| b == sep);
            (
                it.next().unwrap_or(&[]).to_vec(),
                it.next().map(<[u8]>::to_vec),
            )
        };
        match key {
            b"wscale" => {
                let (s, r) = pair(v, b',');
                info.snd_wscale = dec(&s).and_then(|x| u8::try_from(x).ok());
                info.rcv_wscale = r.and_then(|r| dec(&r)).and_then(|x| u8::try_from(x).ok());
            }
            b"rto" => info.rto_us = ms_to_us(v),
            b"rtt" => {
                let (rtt, var) = pair(v, b'/');
                info.rtt_us = ms_to_us(&rtt);
                info.rttvar_us = var.and_then(|x| ms_to_us(&x));
            }
            b"minrtt" => info.min_rtt_us = ms_to_us(v),
            b"mss" => info.mss = u32_of(v),
            b"rcvmss" => info.rcv_mss = u32_of(v),
            b"pmtu" => info.pmtu = u32_of(v),
            b"cwnd" => info.cwnd = u32_of(v),
            b"ssthresh" => info.ssthresh = u32_of(v),
            b"bytes_sent" => info.bytes_sent = dec(v),
            b"bytes_acked" => info.bytes_acked = dec(v),
            b"bytes_received" => info.bytes_received = dec(v),
            b"bytes_retrans" => info.bytes_retrans = dec(v),
            b"segs_out" => info.segs_out = u32_of(v),
            b"segs_in" => info.segs_in = u32_of(v),
            b"lastsnd" => info.last_send_ms = u32_of(v),
            b"lastrcv" => info.last_recv_ms = u32_of(v),
            b"lastack" => info.last_ack_ms = u32_of(v),
            b"busy" => info.busy_ms = duration_ms(v),
            b"rwnd_limited" | b"sndbuf_limited" => {
                let d = v.split(|&b| b == b'(').next().and_then(duration_ms);
                if key == b"rwnd_limited" {
                    info.rwnd_limited_ms = d;
                } else {
                    info.sndbuf_limited_ms = d;
                }
            }
            b"unacked" => info.unacked = u32_of(v),
            b"retrans" => {
                let (now, total) = pair(v, b'/');
                info.retrans = u32_of(&now);
                info.total_retrans = total.and_then(|t| u32_of(&t));
            }
            b"lost" => info.lost = u32_of(v),
            b"rcv_ooopack" => info.rcv_ooopack = u32_of(v),
            b"sacked" => info.sacked = u32_of(v),
            _ => {}
        }
    }
    if saw_info {
        out.info = Some(Box::new(info));
    }
    if saw_mem {
        out.memory = Some(Box::new(mem));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{Endpoint, Family};
    use crate::tcp::state::TcpState;

    fn sock() -> Socket {
        Socket::new(
            Family::V4,
            TcpState::Established,
            Endpoint::unspecified(),
            Endpoint::unspecified(),
        )
    }

    #[test]
    fn info_and_memory() {
        let mut s = sock();
        assert!(amend(
            b"\t skmem:(r0,rb131072,t0,tb87040,f3328,w768,o0,bl0,d2)",
            &mut s,
            &mut PassedOver::default()
        ));
        assert!(amend(
            b"cubic wscale:7,7 rto:204 rtt:0.5/0.25 mss:1448 cwnd:10 send 231.7Mbps \
              lastsnd:4 pacing_rate 463.4Mbps busy:4ms rwnd_limited:3ms(75.0%) retrans:0/2 \
              bytes_acked:3564 rcv_ooopack:5 backoff:2 qack:3 bidir rehash:1 ts sack",
            &mut s,
            &mut PassedOver::default()
        ));
        let i = s.info.as_deref().unwrap();
        assert_eq!(i.congestion.as_deref(), Some("cubic"));
        assert_eq!(
            (i.rtt_us, i.rttvar_us, i.rto_us),
            (Some(500), Some(250), Some(204_000))
        );
        assert_eq!((i.mss, i.cwnd, i.ssthresh), (Some(1448), Some(10), None));
        assert_eq!((i.snd_wscale, i.rcv_wscale), (Some(7), Some(7)));
        assert_eq!(i.pacing_rate_bps, Some(463_400_000));
        assert_eq!((i.busy_ms, i.rwnd_limited_ms), (Some(4), Some(3)));
        assert_eq!((i.retrans, i.total_retrans), (Some(0), Some(2)));
        assert_eq!((i.bytes_acked, i.last_send_ms), (Some(3564), Some(4)));
        // Linux 5.4+ prints the segments received out of order when there were any.
        assert_eq!(i.rcv_ooopack, Some(5));
        assert_eq!(
            (i.timestamps, i.sack, i.ecn),
            (Some(true), Some(true), None)
        );
        let m = s.memory.as_deref().unwrap();
        assert_eq!(
            (m.rcvbuf, m.sndbuf, m.fwd_alloc, m.wmem_queued, m.drops),
            (Some(131072), Some(87040), Some(3328), Some(768), Some(2))
        );
    }

    #[test]
    fn rows_and_prose_are_not_continuations() {
        let mut s = sock();
        for no in [
            "ESTAB 0 0 10.0.0.1:22 10.0.0.2:5",
            "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*",
            "cubic is a congestion control",
            "",
        ] {
            assert!(
                !amend(no.as_bytes(), &mut s, &mut PassedOver::default()),
                "{no}"
            );
        }
        assert!(s.info.is_none() && s.memory.is_none());
    }

    #[test]
    fn words_not_read_are_passed_over_and_counted() {
        let mut s = sock();
        let mut passed = PassedOver::default();
        // An indented info line with words of a newer ss, or of MD5 and ULP sockets.
        assert!(amend(
            b"\t cubic wscale:7,7 rto:204 rtt:0.5/0.25 md5keys:(null) mss:1448 tcp-ulp-mptcp cwnd:10",
            &mut s,
            &mut passed
        ));
        let info = s.info.as_deref().expect("info read");
        assert_eq!(
            (info.rtt_us, info.mss, info.cwnd),
            (Some(500), Some(1448), Some(10))
        );
        assert_eq!(passed.fields, 2);
        let notice = passed.notice("f.txt").expect("a notice");
        assert!(
            notice.contains("2 fields") && notice.contains("`md5keys:(null)`"),
            "{notice}"
        );
        // At column 0 (no indentation) every word must be known, so a row is never taken.
        let mut s = sock();
        assert!(!amend(b"cubic md5keys:(null) rtt:1/1", &mut s, &mut passed));
        // An indented line needs a word only `ss -i` prints, and no field a row carries.
        for no in [
            "\t <-> ts sack-ish",
            "\t users:((\"a\",pid=1,fd=3)) rtt:1/1",
            "\t x y z",
        ] {
            assert!(!amend(no.as_bytes(), &mut s, &mut passed), "{no}");
        }
        assert!(s.info.is_none());
        // Counted apart and added back: as if one reader had read both parts.
        let start = PassedOver::default();
        let mut later = PassedOver::default();
        later.note(b"version:");
        later.add(&passed, &start);
        assert_eq!(
            (later.fields, later.first.as_deref()),
            (3, Some("md5keys:(null)"))
        );
    }
}

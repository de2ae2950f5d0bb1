//! The timers listings print: netstat `-o`'s `word (secs/retransmits/probes)` (with zh_CN
//! words) and ss `-o`'s `timer:(kind,duration,retransmits)` with ss's durations (`1min20sec`,
//! `59sec`, `4.193ms` for 4 s 193 ms, `193ms`).

use super::fields::dec;
use crate::socket::{Timer, TimerKind};

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
}

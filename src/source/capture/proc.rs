//! `/proc/net/tcp` and `/proc/net/tcp6` dumps (one or both, as `cat` joins them, headers and
//! all): `sl: LOCAL:PORT REM:PORT st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …`.
//! Addresses are hex in host byte order, read as little-endian (x86, arm64): an IPv4 address is
//! one 32-bit word (`0100007F` is 127.0.0.1), an IPv6 address four words each little-endian;
//! ports are big-endian hex. `st` is the kernel state number; `tx_queue` is netstat's Send-Q and
//! `rx_queue` its Recv-Q; `tm->when` is in clock ticks (USER_HZ, 100 a second). Rows cut after
//! their `st` field still read, with the missing fields left empty.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::engine::{Ctx, ParsedRow, RowParser, blank, fix_mini_socket_uid};
use super::fields::{dec, hex, show, split};
use crate::socket::{Endpoint, Family, Socket, Timer, TimerKind};
use crate::tcp::state::TcpState;

#[derive(Clone)]
pub(crate) struct ProcTable;

fn addr(f: &[u8]) -> Option<(Endpoint, Family)> {
    let colon = f.iter().position(|&b| b == b':')?;
    let (a, p) = (&f[..colon], &f[colon + 1..]);
    if p.len() != 4 {
        return None;
    }
    let port = u16::try_from(hex(p)?).ok()?;
    let (ip, family) = match a.len() {
        8 => {
            let w = u32::try_from(hex(a)?).ok()?;
            (IpAddr::V4(Ipv4Addr::from(w.to_le_bytes())), Family::V4)
        }
        32 => {
            let mut bytes = [0u8; 16];
            for (k, chunk) in a.chunks(8).enumerate() {
                let w = u32::try_from(hex(chunk)?).ok()?;
                bytes[k * 4..k * 4 + 4].copy_from_slice(&w.to_le_bytes());
            }
            (IpAddr::V6(Ipv6Addr::from(bytes)), Family::V6)
        }
        _ => return None,
    };
    Some((Endpoint::new(ip, port), family))
}

/// `a:b` of two hex numbers.
fn pair(f: &[u8]) -> Option<(u64, u64)> {
    let colon = f.iter().position(|&b| b == b':')?;
    Some((hex(&f[..colon])?, hex(&f[colon + 1..])?))
}

impl RowParser for ProcTable {
    fn row(&mut self, line: &[u8], _cx: &mut Ctx, out: &mut Socket) -> ParsedRow {
        let mut t: [&[u8]; 10] = [&[]; 10];
        let n = split(line, &mut t);
        // A row starts with its slot number: `0:`, `12:`.
        match t[0].split_last() {
            Some((b':', sl)) if n >= 2 && dec(sl).is_some() => {}
            _ => return ParsedRow::Skip,
        }
        if n < 4 {
            return ParsedRow::Unread("the row ends before its st (state) field".into());
        }
        let Some((local, family)) = addr(t[1]) else {
            return ParsedRow::Unread(Cow::Owned(format!(
                "cannot read the local address '{}'",
                show(t[1])
            )));
        };
        let Some((remote, rfam)) = addr(t[2]) else {
            return ParsedRow::Unread(Cow::Owned(format!(
                "cannot read the remote address '{}'",
                show(t[2])
            )));
        };
        if rfam != family {
            return ParsedRow::Unread("the local and remote addresses differ in length".into());
        }
        let Some(state) = hex(t[3])
            .and_then(|v| u8::try_from(v).ok())
            .and_then(TcpState::from_kernel)
        else {
            return ParsedRow::Unread(Cow::Owned(format!(
                "'{}' is not a kernel TCP state number",
                show(t[3])
            )));
        };
        blank(out, family, state);
        out.local = local;
        out.remote = remote;
        if n > 4 {
            let queues = pair(t[4])
                .and_then(|(tx, rx)| Some((u32::try_from(tx).ok()?, u32::try_from(rx).ok()?)));
            let Some((tx, rx)) = queues else {
                return ParsedRow::Unread(Cow::Owned(format!(
                    "tx_queue:rx_queue '{}' is not two 32-bit hex numbers",
                    show(t[4])
                )));
            };
            // A listener's tx_queue is 0 here whatever its backlog: unknown, not 0.
            out.send_q = (state != TcpState::Listen).then_some(tx);
            out.recv_q = Some(rx);
        }
        if n > 5
            && let Some((tr, when)) = pair(t[5])
        {
            out.timer = Some(Timer {
                kind: TimerKind::from_kernel(u8::try_from(tr).unwrap_or(0)),
                expires_ms: when.saturating_mul(10),
                retransmits: if n > 6 {
                    hex(t[6]).map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX))
                } else {
                    0
                },
            });
        }
        if n > 7 {
            out.uid = dec(t[7]).and_then(|u| u32::try_from(u).ok());
        }
        if n > 9 {
            out.inode = dec(t[9]);
        }
        fix_mini_socket_uid(out);
        ParsedRow::Socket
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::capture::testutil;

    fn parse(line: &str) -> (ParsedRow, Socket) {
        testutil::parse(ProcTable, line)
    }

    #[test]
    fn decodes_addresses_and_fields() {
        let (r, s) = parse(
            "   2: 0100007F:1F42 0100007F:E988 08 00000010:00000001 01:0000001E 00000002  1000  0 14171 1 0000000004279df4 20 4 0 10 -1",
        );
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!(s.local.ip, Some(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!((s.local.port, s.remote.port), (Some(8002), Some(59784)));
        assert_eq!(
            (s.state, s.send_q, s.recv_q),
            (TcpState::CloseWait, Some(16), Some(1))
        );
        assert_eq!(
            s.timer.map(|t| (t.kind, t.expires_ms, t.retransmits)),
            Some((TimerKind::On, 300, 2))
        );
        assert_eq!((s.uid, s.inode), (Some(1000), Some(14171)));
        let (_, s) = parse(
            "0: 4606012600F1019E000000004C3A0000:E700 8028032A830031F10CB0CEFADE250000:0050 01 0:0",
        );
        assert_eq!(
            s.local.ip,
            Some("2601:646:9e01:f100::3a4c".parse().unwrap())
        );
        assert_eq!(s.local.port, Some(59136));
        assert_eq!(
            s.remote.ip,
            Some("2a03:2880:f131:83:face:b00c:0:25de".parse().unwrap())
        );
        let (_, s) = parse(
            "7: 0000000000000000FFFF00000100007F:DC10 0000000000000000FFFF00000100007F:1F41 01",
        );
        assert_eq!(
            s.local.canonical_ip(),
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
        let (_, s) = parse(
            "7: 0100007F:E956 0100007F:1F42 06 00000000:00000000 03:00001738 00000000     0        0 0 3 000000002a90b1aa",
        );
        assert_eq!(
            (s.state, s.uid, s.timer.map(|t| t.expires_ms)),
            (TcpState::TimeWait, None, Some(59_440))
        );
    }

    #[test]
    fn skipped_and_unread() {
        assert!(matches!(
            parse("  sl  local_address rem_address   st tx_queue").0,
            ParsedRow::Skip
        ));
        assert!(matches!(
            parse("tcp 0 0 1.1.1.1:1 2.2.2.2:2 LISTEN").0,
            ParsedRow::Skip
        ));
        for bad in [
            "1: 0100007F:1F42",
            "1: 0100007F:1F42 0100007F:1F42 0E",
            "1: XYZ 0100007F:1F42 01",
            "1: 0100007F:1F42 00000000000000000000000000000000:0000 01",
        ] {
            assert!(matches!(parse(bad).0, ParsedRow::Unread(_)), "{bad}");
        }
    }
}

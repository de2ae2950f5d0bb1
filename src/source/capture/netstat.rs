//! Linux net-tools `netstat` rows: `Proto Recv-Q Send-Q Local Foreign State [extras]` for
//! net-tools 1.60 (27-wide address columns, `tcp` with `::ffff:` addresses) and 2.x (23-wide,
//! `tcp6` with dotted IPv4 for v4-mapped sockets), any of `-n -a -t -u -l -p -o -e -W`, with
//! resolved and truncated names kept as names, and de_DE/zh_CN output (`VERBUNDEN`, zh timers).
//! Columns are never taken from header positions: fields are split on whitespace, the state is
//! the first known state word after Recv-Q and Send-Q and must follow exactly two address
//! fields; after it, `User Inode` (`-e`) and the two-token timer (`-o`) are read where present,
//! and program names (`-p`, which may contain spaces) are ignored. udp/raw/unix rows are skipped.

use super::endpoint::{PortSep, family_of};
use super::engine::{
    Ctx, ParsedRow, RowParser, fix_mini_socket_uid, netstat_row, row_with_bad_queues,
};
use super::fields::{dec, last_two, split};
use super::owners::netstat_program;
use super::shapes::is_redacted;
use super::timer::netstat_timer;
use crate::socket::{Family, Socket};
use crate::tcp::state::TcpState;

#[derive(Clone)]
pub(crate) struct Netstat;

/// Fields read from the start of a row: up to State (one or two words) and the three after it
/// (`User Inode`, `PID/Program name`); the timer is read from the end of the line.
const MAX_FIELDS: usize = 10;

impl RowParser for Netstat {
    fn row(&mut self, line: &[u8], cx: &mut Ctx, out: &mut Socket) -> ParsedRow {
        let mut t: [&[u8]; MAX_FIELDS] = [&[]; MAX_FIELDS];
        let n = split(line, &mut t);
        if n < 2 {
            return ParsedRow::Skip;
        }
        let proto_family = match t[0] {
            b"tcp" => None,
            b"tcp6" => Some(Family::V6),
            _ => return ParsedRow::Skip,
        };
        // `tcp` followed by a number is a row; `tcp connections:` in prose is not, but
        // `tcp x y a:1 b:2 ESTABLISHED` is a row whose queues cannot be read.
        if dec(t[1]).is_none() && !row_with_bad_queues(&t[..n], &mut cx.states) {
            return ParsedRow::Skip;
        }
        let family = |lk, rk| {
            proto_family
                .or_else(|| (family_of(lk, rk) == Some(Family::V6)).then_some(Family::V6))
                .unwrap_or(Family::V4)
        };
        if let Err(row) = netstat_row(&t[..n], cx, ("State column", PortSep::Colon), family, out) {
            return row;
        }
        // net-tools reads /proc/net/tcp, which has no backlog: a listener's Send-Q of 0 there
        // is not its value.
        if out.state == TcpState::Listen {
            out.send_q = None;
        }
        // A row whose one redaction stands for both addresses has its extras a field early, a
        // row whose state is two words (`POSLEDNÍ ACK`) a field late.
        let at = if cx.states.get(t[4]).is_some() && is_redacted(t[3]) {
            5
        } else {
            5 + cx.state_fields
        };
        extras(line, t.get(at..n).unwrap_or(&[]), out);
        fix_mini_socket_uid(out);
        ParsedRow::Socket
    }
}

/// The columns after State: `User Inode` (`-e`, first), `PID/Program name` (`-p`), `Timer`
/// (`-o`, last, two tokens). `x` holds the first fields after State.
fn extras(line: &[u8], x: &[&[u8]], out: &mut Socket) {
    let mut program_end = line.len();
    if x.len() >= 2
        && line.last() == Some(&b')')
        && let (Some(w), Some(p)) = last_two(line)
        && p.first() == Some(&b'(')
        && let Some(t) = netstat_timer(w, p)
    {
        out.timer = Some(t);
        program_end = (w.as_ptr() as usize).wrapping_sub(line.as_ptr() as usize);
    }
    netstat_program(line, x, program_end, &mut out.listed_owners);
    // `-e`: a user (number, or a name without `-n`) then a decimal inode. A `-p` column is
    // `pid/name` or `-`, a timer word is followed by `(`, so neither matches.
    if x.len() >= 2
        && !x[0].contains(&b'/')
        && x[0] != b"-"
        && let Some(inode) = dec(x[1])
    {
        out.uid = dec(x[0]).and_then(|u| u32::try_from(u).ok());
        out.inode = Some(inode);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::TimerKind;
    use crate::source::capture::testutil;
    use crate::tcp::state::TcpState;
    use std::net::{IpAddr, Ipv4Addr};

    fn parse(line: &str) -> (ParsedRow, Socket) {
        testutil::parse(Netstat, line)
    }

    fn ok(line: &str) -> Socket {
        testutil::ok(Netstat, line)
    }

    #[test]
    fn plain_and_extras() {
        let s = ok("tcp        0      0 127.0.0.1:8002          0.0.0.0:*               LISTEN");
        assert_eq!(
            (s.family, s.state, s.remote.port),
            (Family::V4, TcpState::Listen, Some(0))
        );
        let s = ok("tcp   12  34 10.0.0.1:22  10.0.0.2:5555  ESTABLISHED 0  14141  9430/python3");
        assert_eq!(
            (s.recv_q, s.send_q, s.uid, s.inode),
            (Some(12), Some(34), Some(0), Some(14141))
        );
        let s = ok("tcp 0 0 1.1.1.1:1 2.2.2.2:2 TIME_WAIT   timewait (59.50/0/0)");
        assert_eq!(
            s.timer.map(|t| (t.kind, t.expires_ms)),
            Some((TimerKind::TimeWait, 59_500))
        );
        let s = ok("tcp 0 0 1.1.1.1:1 2.2.2.2:2 TIME_WAIT   0   0   -");
        assert_eq!(s.uid, None);
        let s = ok("tcp 0 0 1.1.1.1:1 2.2.2.2:2 ESTABLISHED 600/sshd: /usr/sbin off (0.00/0/0)");
        // No -e: the inode is unknown, not 0.
        assert_eq!((s.state, s.inode), (TcpState::Established, None));
        let s = ok("tcp 0 0 1.1.1.1:1 2.2.2.2:2 VERBUNDEN   保持连接 (6580.48/0/0)");
        assert_eq!(
            (s.state, s.timer.map(|t| t.kind)),
            (TcpState::Established, Some(TimerKind::Keepalive))
        );
    }

    #[test]
    fn two_word_state_then_its_extras() {
        // cs_CZ: LAST_ACK is `POSLEDNÍ ACK`, one column of two words.
        let s = ok("tcp 0 0 10.0.0.1:22 10.0.0.2:5555 POSLEDNÍ ACK 0          14141      -");
        assert_eq!(
            (s.state, s.uid, s.inode),
            (TcpState::LastAck, Some(0), Some(14141))
        );
        let s = ok("tcp 1 2 10.0.0.1:22 10.0.0.2:5555 POSLEDNÍ ACK on (0.20/0/0)");
        assert_eq!(
            (s.state, s.recv_q, s.timer.map(|t| t.expires_ms)),
            (TcpState::LastAck, Some(1), Some(200))
        );
        let s = ok("tcp6 0 0 ::1:22 ::1:5555 POSLEDNÍ ACK");
        assert_eq!((s.family, s.state), (Family::V6, TcpState::LastAck));
        // Its first word alone, or two words that are no table word, are no state.
        for bad in [
            "tcp 0 0 1.1.1.1:1 2.2.2.2:2 POSLEDNÍ",
            "tcp 0 0 1.1.1.1:1 2.2.2.2:2 POSLEDNÍ 0 14141",
            "tcp 0 0 1.1.1.1:1 2.2.2.2:2 LAST ACK",
        ] {
            assert!(matches!(parse(bad).0, ParsedRow::Unread(_)), "{bad}");
        }
        // A one-word state is still followed by its user, not joined with it.
        let s = ok("tcp 0 0 1.1.1.1:1 2.2.2.2:2 SPOJENO 1000 99");
        assert_eq!(
            (s.state, s.uid, s.inode),
            (TcpState::Established, Some(1000), Some(99))
        );
    }

    #[test]
    fn mapped_and_named() {
        let s = ok("tcp6 0 0 127.0.0.1:56336 127.0.0.1:8001 ESTABLISHED");
        assert_eq!(s.family, Family::V6);
        assert_eq!(
            s.local.canonical_ip(),
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
        assert!(s.local.ip.unwrap().is_ipv6());
        let s = ok("tcp 0 0 ::ffff:127.0.0.1:8008 ::ffff:127.0.0.1:45827 ESTABLISHED");
        assert_eq!((s.family, s.remote.port), (Family::V6, Some(45827)));
        let s = ok("tcp 0 0 localhost.localdo:35450 lb-192-30-255-112:https ESTABLISHED");
        assert_eq!(s.local.ip, None);
        assert_eq!(s.local.name.as_deref(), Some("localhost.localdo:35450"));
        assert_eq!(s.remote.name.as_deref(), Some("lb-192-30-255-112:https"));
        let s = ok("tcp6 0 0 :::22 :::* LISTEN");
        assert_eq!(s.local.port, Some(22));
        let s = ok("tcp 0 0 *:ssh *:* LISTEN");
        assert_eq!(s.local.ip, Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
    }

    #[test]
    fn redacted_rows_keep_their_state() {
        let s = ok("tcp 0 0 ... ESTABLISHED");
        assert_eq!(
            (s.state, s.local.ip, s.remote.ip),
            (TcpState::Established, None, None)
        );
        let s = ok("tcp6 0 0 x.x.x.x:443 <ip>:51234 TIME_WAIT");
        assert_eq!(
            (s.family, s.local.port, s.remote.port),
            (Family::V6, Some(443), Some(51234))
        );
    }

    #[test]
    fn not_rows_and_unread() {
        for skip in [
            "udp 0 0 127.0.0.1:60496 127.0.0.53:53 ESTABLISHED",
            "raw6 0 0 :::58 :::* 7",
            "unix 3 [ ] STREAM CONNECTED 14179 /tmp/x",
            "Proto Recv-Q Send-Q Local Address Foreign Address State",
            "tcp connections are fine",
            "tcp",
        ] {
            assert!(matches!(parse(skip).0, ParsedRow::Skip), "{skip}");
        }
        for bad in [
            "tcp 0 0 127.0.0.1:8002 127.0.0.1:59",
            "tcp 0 0 1.1.1.1:1 2.2.2.2:2 BOGUS",
            "tcp 0",
            "tcp x y 1.2.3.4:80 5.6.7.8:1 ESTABLISHED",
            "tcp -5 0 1.2.3.4:80 5.6.7.8:1 ESTABLISHED",
            "tcp 99999999999999999999 0 1.2.3.4:80 5.6.7.8:1 ESTABLISHED",
            "tcp 0 4294967296 1.2.3.4:80 5.6.7.8:1 ESTABLISHED",
            "tcp 0 0 1.2.3.4:99999 5.6.7.8:1 ESTABLISHED",
            "tcp 0 0 127.101.0.1:10X6 5.6.7.8:1 ESTABLISHED",
        ] {
            assert!(matches!(parse(bad).0, ParsedRow::Unread(_)), "{bad}");
        }
    }
}

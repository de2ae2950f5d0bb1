//! FreeBSD and macOS `netstat` rows: `tcp4|tcp6|tcp46|tcp Recv-Q Send-Q Local Foreign (state)`,
//! with the port after the **last dot** (`192.168.71.163.22`, `*.*`, `::1.631`,
//! `fe80::1%lo0.123`), BSD state spellings (`SYN_RCVD`, `FIN_WAIT_1`), and macOS `-v` columns
//! after the state (`rhiwat shiwat pid epid state options`, whose `state` is a hex flags word,
//! so the state is found by position, never as `$NF`). `tcp46` is a dual-stack IPv6 socket;
//! FreeBSD writes `toe4`/`toe6`/`toe46` for a connection offloaded to the card (TOE).
//! FreeBSD `-A` puts a control-block pointer column first (`Tcpcb`), macOS `-A` a socket
//! pointer and with `-b` a flow hash (`Socket Flowhash`): leading hex columns before the Proto
//! word are passed over, as are the columns after the state (FreeBSD `-P`'s Log ID, macOS `-b`'s
//! byte counts). HP-UX and OpenBSD print `tcp` with `host.port` addresses like FreeBSD; their
//! raw `ip` rows are skipped.
//! udp rows and the unix tables (rows starting with a hex address) are skipped. macOS may leave
//! TIME_WAIT sockets out of its listing; a notice says so when a listing with macOS's title
//! (which FreeBSD's `netstat -n` shares, so the notice does not claim which it is) shows none.
//!
//! FreeBSD `netstat -T` prints `Proto Rexmit OOORcv 0-win Local Foreign` (with `-A` the Tcpcb
//! column first, with `-P` a Log ID last): three counters where the queues were and **no
//! state**. Such a row is told by its shape (`host.port` addresses as fields 5 and 6, where a
//! normal row has an address and its state word), tried only once the normal reading failed —
//! so rows with a state pay nothing for it — or, after a first such row, before it. Its socket
//! is of `TcpState::Unknown` (or the state `--assume-state` names), never guessed; its
//! queues are unknown; Rexmit (segments retransmitted) is its tcp_info's `total_retrans`,
//! OOORcv (segments received out of order) its `rcv_ooopack`; 0-win (zero windows sent) has no
//! counterpart in Linux's tcp_info and is not kept. A notice says how many sockets had no state.

use std::borrow::Cow;

use super::endpoint::{HostKind, PortSep, family_of};
use super::engine::{Ctx, ParsedRow, RowParser, fill, netstat_row, row_with_bad_queues};
use super::fields::{dec, hex, queue, show, split};
use crate::socket::{Family, Socket};
use crate::tcp::state::TcpState;
use crate::tcpinfo::TcpInfo;

#[derive(Default, Clone)]
pub(crate) struct Bsd {
    macos: bool,
    time_wait: u64,
    /// `netstat -T` rows read as sockets of unknown state.
    stateless: u64,
    /// A `netstat -T` row was read: try that reading first. A hint for speed only (either
    /// order reads a row the same), so not compared by `same_state`.
    counters_first: bool,
}

impl Bsd {
    pub(crate) fn same_state(&self, other: &Bsd) -> bool {
        self.macos == other.macos
    }

    /// Add what `before` counted beyond `start` (see `Parsers::take_counts`).
    pub(crate) fn add_counts(&mut self, before: &Bsd, start: &Bsd) {
        self.time_wait = before.time_wait + (self.time_wait - start.time_wait);
        self.stateless = before.stateless + (self.stateless - start.stateless);
    }

    /// `counters_row`, counting the sockets of unknown state it reads.
    fn counters(
        &mut self,
        t: &[&[u8]],
        cx: &mut Ctx,
        family: impl FnOnce(HostKind, HostKind) -> Family,
        out: &mut Socket,
    ) -> Option<ParsedRow> {
        let row = counters_row(t, cx, family, out)?;
        if matches!(row, ParsedRow::Socket) {
            self.counters_first = true;
            self.stateless += u64::from(out.state == TcpState::Unknown);
        }
        Some(row)
    }
}

impl RowParser for Bsd {
    fn row(&mut self, line: &[u8], cx: &mut Ctx, out: &mut Socket) -> ParsedRow {
        let mut all: [&[u8]; 16] = [&[]; 16];
        let n = split(line, &mut all);
        if n < 2 {
            return ParsedRow::Skip;
        }
        let lead = pointer_columns(&all[..n]);
        let t = &all[lead..n];
        if t.len() < 2 {
            return ParsedRow::Skip;
        }
        if line == b"Active Internet connections" || memchr::memmem::find(line, b"rhiwat").is_some()
        {
            self.macos = true;
        }
        let proto_family = match t[0] {
            // FreeBSD prints `toe` for a connection offloaded to the network card (TOE).
            b"tcp4" | b"toe4" => Some(Family::V4),
            b"tcp6" | b"tcp46" | b"toe6" | b"toe46" => Some(Family::V6),
            b"tcp" => None,
            _ => return ParsedRow::Skip,
        };
        if dec(t[1]).is_none() && !row_with_bad_queues(t, &mut cx.states) && !counters_shaped(t) {
            return ParsedRow::Skip;
        }
        let family = |lk, rk| {
            proto_family
                .or_else(|| family_of(lk, rk))
                .unwrap_or(Family::V4)
        };
        // A row is read the same whichever reading is tried first (a counter row has an
        // address where a normal row has its state word): in a `-T` listing the counters
        // are tried first, so its rows do not pay for a failed normal reading.
        if self.counters_first
            && let Some(row) = self.counters(t, cx, family, out)
        {
            return row;
        }
        let state = match netstat_row(t, cx, ("(state) column", PortSep::Dot), family, out) {
            Ok(s) => s,
            Err(row) => return self.counters(t, cx, family, out).unwrap_or(row),
        };
        if state == TcpState::TimeWait {
            self.time_wait += 1;
        }
        // A BSD listener's Recv-Q and Send-Q are its socket buffers, not its accept queue and
        // backlog (those need `netstat -L`): unknown here.
        if state == TcpState::Listen {
            out.recv_q = None;
            out.send_q = None;
        }
        ParsedRow::Socket
    }

    fn finish(&mut self, file: &str, notices: &mut Vec<String>) {
        if self.stateless > 0 {
            notices.push(format!(
                "{file}: a FreeBSD `netstat -T` listing carries no State column (it prints \
                 retransmit counters instead): its {} counted as unknown state and matched by no \
                 state filter; save `netstat -an` (without -T) for the states",
                if self.stateless == 1 {
                    "1 socket is".to_string()
                } else {
                    format!("{} sockets are", self.stateless)
                }
            ));
        }
        // macOS netstat has no -T: counter rows make the listing FreeBSD's, whose `-n` title
        // is macOS's too.
        if self.macos && self.time_wait == 0 && self.stateless == 0 {
            notices.push(format!(
                "{file}: this BSD netstat listing shows no TIME_WAIT sockets; if it comes from \
                 macOS (whose title and columns FreeBSD's `netstat -n` shares), macOS may leave \
                 them out (Apple radar 22975100), so the real count is unknown"
            ));
        }
    }
}

/// Whether fields `t` (pointer columns passed over) are shaped as a FreeBSD `netstat -T` row,
/// `Proto Rexmit OOORcv 0-win Local Foreign [Log ID]`: six or seven fields, the fifth and
/// sixth `host.port` addresses (a normal row has its state word sixth).
fn counters_shaped(t: &[&[u8]]) -> bool {
    (6..=7).contains(&t.len()) && t[4].contains(&b'.') && t[5].contains(&b'.')
}

/// A FreeBSD `netstat -T` row (see `counters_shaped`): its socket, of unknown state unless
/// `--assume-state` names one, written into `out`, or why the row cannot be read; `None` when
/// the row is not shaped so.
fn counters_row(
    t: &[&[u8]],
    cx: &mut Ctx,
    family: impl FnOnce(HostKind, HostKind) -> Family,
    out: &mut Socket,
) -> Option<ParsedRow> {
    if !counters_shaped(t) {
        return None;
    }
    let mut counters = [0u32; 3];
    for (i, name) in ["Rexmit", "OOORcv", "0-win"].into_iter().enumerate() {
        match queue(t[i + 1]) {
            Some(n) => counters[i] = n,
            None => {
                return Some(ParsedRow::Unread(Cow::Owned(format!(
                    "the {name} counter '{}' is not a whole number from 0 to 4294967295",
                    show(t[i + 1])
                ))));
            }
        }
    }
    let local = match cx.endpoint(t[4], PortSep::Dot, "local") {
        Ok(e) => e,
        Err(row) => return Some(row),
    };
    let remote = match cx.endpoint(t[5], PortSep::Dot, "foreign") {
        Ok(e) => e,
        Err(row) => return Some(row),
    };
    let state = cx.assume_state.unwrap_or(TcpState::Unknown);
    // The row before's tcp_info box, if any, is written over rather than allocated anew.
    let mut info = out.info.take().unwrap_or_default();
    *info = TcpInfo {
        total_retrans: Some(counters[0]),
        rcv_ooopack: Some(counters[1]),
        ..TcpInfo::default()
    };
    fill(out, family(local.1, remote.1), state, (0, 0), local, remote);
    out.recv_q = None;
    out.send_q = None;
    out.info = Some(info);
    Some(ParsedRow::Socket)
}

/// How many kernel-pointer columns open a row (`-A`: FreeBSD's Tcpcb, macOS's Socket and,
/// with `-b`, Flowhash): up to two leading hex fields of 8 or more digits followed by a Proto
/// word. The unix table's rows also open with a hex address, followed by a socket type.
pub(crate) fn pointer_columns(t: &[&[u8]]) -> usize {
    let pointer = |f: &[u8]| f.len() >= 8 && hex(f.strip_prefix(b"0x").unwrap_or(f)).is_some();
    let proto = |f: &[u8]| f.starts_with(b"tcp") || f.starts_with(b"udp") || f.starts_with(b"toe");
    (0..=2)
        .find(|&k| t.len() > k && t[..k].iter().all(|f| pointer(f)) && proto(t[k]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::capture::testutil;
    use std::net::{IpAddr, Ipv6Addr};

    fn parse(line: &str) -> (ParsedRow, Socket) {
        testutil::parse(Bsd::default(), line)
    }

    #[test]
    fn rows() {
        let (r, s) =
            parse("tcp4       0      0  192.168.71.163.22      192.168.71.1.52918     ESTABLISHED");
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!(
            (s.local.port, s.remote.port, s.family),
            (Some(22), Some(52918), Family::V4)
        );
        let (_, s) =
            parse("tcp46      0      0  *.80                   *.*                    LISTEN");
        assert_eq!(
            (s.family, s.local.ip),
            (Family::V6, Some(IpAddr::V6(Ipv6Addr::UNSPECIFIED)))
        );
        let (_, s) = parse(
            "tcp4  0 0  127.0.0.1.49152  127.0.0.1.8080  SYN_RCVD  131072 131072 321 0 0x0102 0x00000008",
        );
        assert_eq!(s.state, TcpState::SynRecv);
        let (_, s) = parse("tcp6  0 0  fe80::1%lo0.123  *.*  FIN_WAIT_1");
        assert_eq!((s.state, s.local.port), (TcpState::FinWait1, Some(123)));
        // A TCP connection offloaded to the card (TOE), with -A's pointer first.
        let (_, s) = parse(
            "fffff80012345678 toe4       0      0 10.0.0.1.3260      10.0.0.2.51000     ESTABLISHED",
        );
        assert_eq!(
            (s.state, s.family, s.local.port),
            (TcpState::Established, Family::V4, Some(3260))
        );
        assert!(matches!(parse("udp4 0 0 *.5353 *.*").0, ParsedRow::Skip));
        assert!(matches!(parse("fffff80012345678 tcp4").0, ParsedRow::Skip));
        assert!(matches!(
            parse("fffff80003a5b000 stream 0 0 0 0 0 0 /tmp/x").0,
            ParsedRow::Skip
        ));
        assert!(matches!(
            parse("tcp4 0 0 127.0.0.1.25").0,
            ParsedRow::Unread(_)
        ));
    }

    #[test]
    fn pointer_columns_first() {
        let (r, s) = parse(
            "fffff80012345678 tcp4       0      0 10.0.0.1.22        10.0.0.2.51234     ESTABLISHED",
        );
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!((s.state, s.local.port), (TcpState::Established, Some(22)));
        let (r, s) = parse(
            "a1b2c3d4e5f60718 9f8e7d6c tcp4 0 0 192.168.1.5.52344 17.57.146.52.5223 ESTABLISHED 1234 5678",
        );
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!(s.remote.port, Some(5223));
        // FreeBSD -P: a Log ID after the state.
        let (_, s) = parse("tcp4 0 0 10.0.0.1.22 10.0.0.2.5 ESTABLISHED 0x1f2e");
        assert_eq!(s.state, TcpState::Established);
    }

    #[test]
    fn counter_rows_of_netstat_t() {
        // FreeBSD -T: no state, so the socket is of unknown state; Rexmit is its total of
        // retransmits, the queues are unknown.
        let (r, s) =
            parse("tcp4       3      0      0 10.0.0.1.22            10.0.0.2.51234         ");
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!(
            (s.state, s.local.port, s.remote.port, s.recv_q, s.send_q),
            (TcpState::Unknown, Some(22), Some(51234), None, None)
        );
        let info = s.info.unwrap();
        assert_eq!((info.total_retrans, info.rcv_ooopack), (Some(3), Some(0)));
        // -A (a Tcpcb pointer first) and -P (a Log ID last); tcp46 is an IPv6 socket.
        let (_, s) = parse(
            "fffff80012345c00 tcp46      0      0      0 *.22               *.*                ",
        );
        assert_eq!((s.state, s.family), (TcpState::Unknown, Family::V6));
        let (_, s) =
            parse("tcp6      12      4      1 2001:db8::1.443        2001:db8::9.50000       -");
        assert_eq!((s.state, s.local.port), (TcpState::Unknown, Some(443)));
        // A counter or an address that cannot be read: unread, with why.
        match parse("tcp4 x 0 0 10.0.0.1.22 10.0.0.2.5").0 {
            ParsedRow::Unread(w) => assert!(w.contains("Rexmit counter 'x'"), "{w}"),
            _ => panic!("a bad counter is unread"),
        }
        assert!(matches!(
            parse("tcp4 0 0 0 10.0.0.1.99999 10.0.0.2.5").0,
            ParsedRow::Unread(_)
        ));
        // --assume-state names the state of rows that carry none.
        let mut cx = Ctx {
            assume_state: Some(TcpState::Established),
            ..Ctx::default()
        };
        let (_, s) = testutil::parse_with(
            &mut Bsd::default(),
            &mut cx,
            "tcp4 0 0 0 10.0.0.1.22 10.0.0.2.5",
        );
        assert_eq!(s.state, TcpState::Established);
        // A normal row with an unknown state word keeps its own reason.
        match parse("tcp4 0 0 10.0.0.1.22 10.0.0.2.5 FOO").0 {
            ParsedRow::Unread(w) => assert!(w.contains("no TCP state word"), "{w}"),
            _ => panic!("an unknown state word is unread"),
        }
    }
}

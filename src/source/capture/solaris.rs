//! Solaris 11 (and illumos) `netstat -an` rows: sections titled `TCP: IPv4` and `TCP: IPv6`
//! (also `UDP: …`, `SCTP: …`, `Active UNIX domain sockets`, whose rows are skipped), with no
//! protocol column; a TCP row is `Local Remote Swind Send-Q Rwind Recv-Q State [If]`, addresses
//! with the port after the last dot (`10.0.0.5.22`, `*.*`, `::1.5999`). Besides the BSD state
//! words Solaris prints `IDLE` (a socket not yet bound, counted as CLOSE) and `BOUND` (bound,
//! neither listening nor connected, also counted as CLOSE, see `STATES_WITHOUT_LINUX_NAME`). A listener's queues are
//! unknown (the columns hold its windows' state, not its accept queue).

use std::borrow::Cow;

use super::endpoint::{HostKind, PortSep};
use super::engine::{Ctx, ParsedRow, RowParser, fill};
use super::fields::{queue, show, split};
use crate::socket::{Family, Socket};
use crate::tcp::state::TcpState;

/// The section a line is in.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before any title, or in a section that is not TCP.
    #[default]
    Other,
    Tcp(Family),
}

#[derive(Default, Clone)]
pub(crate) struct Solaris {
    section: Section,
}

impl Solaris {
    pub(crate) fn same_state(&self, other: &Solaris) -> bool {
        self.section == other.section
    }
}

/// The family of a section title (`TCP: IPv4`), or `None` for another protocol's title.
pub(crate) fn section_title(line: &[u8]) -> Option<Option<Family>> {
    let mut t: [&[u8]; 3] = [&[]; 3];
    let n = split(line, &mut t);
    if n == 0
        || n > 2
        || !t[0].ends_with(b":")
        || !t[0][..t[0].len() - 1].iter().all(u8::is_ascii_uppercase)
    {
        return None;
    }
    Some(match (&t[..n], t[0]) {
        ([_, b"IPv4"], b"TCP:") => Some(Family::V4),
        ([_, b"IPv6"], b"TCP:") => Some(Family::V6),
        _ => None,
    })
}

impl RowParser for Solaris {
    fn row(&mut self, line: &[u8], cx: &mut Ctx, out: &mut Socket) -> ParsedRow {
        if let Some(title) = section_title(line) {
            self.section = title.map_or(Section::Other, Section::Tcp);
            return ParsedRow::Skip;
        }
        if line.starts_with(b"Active ") {
            self.section = Section::Other;
            return ParsedRow::Skip;
        }
        let Section::Tcp(family) = self.section else {
            return ParsedRow::Skip;
        };
        let mut t: [&[u8]; 8] = [&[]; 8];
        let n = split(line, &mut t);
        // Headers (`Local Address …`) and rules (`-----`) are not rows.
        if n < 2 || t[0] == b"Local" || t[0].starts_with(b"--") {
            return ParsedRow::Skip;
        }
        if n < 7 {
            return ParsedRow::Unread("the row ends before its State column".into());
        }
        let Some(state) = cx.states.get(t[6]) else {
            return ParsedRow::Unread(Cow::Owned(format!(
                "'{}' is not a TCP state (the State column follows Swind, Send-Q, Rwind, \
                 Recv-Q)",
                show(t[6])
            )));
        };
        let (Some(send_q), Some(recv_q)) = (queue(t[3]), queue(t[5])) else {
            return ParsedRow::Unread(Cow::Owned(format!(
                "Send-Q '{}' or Recv-Q '{}' is not a queue size",
                show(t[3]),
                show(t[5])
            )));
        };
        let local = match cx.endpoint(t[0], PortSep::Dot, "local") {
            Ok(e) => e,
            Err(row) => return row,
        };
        let remote = match cx.endpoint(t[1], PortSep::Dot, "remote") {
            Ok(e) => e,
            Err(row) => return row,
        };
        // An IPv4 address in the IPv6 section is a mapped one; the section is the family.
        let family = match (family, local.1) {
            (Family::V4, HostKind::V6) => Family::V6,
            (f, _) => f,
        };
        fill(out, family, state, (recv_q, send_q), local, remote);
        if matches!(
            state,
            TcpState::Listen | TcpState::Close | TcpState::BoundInactive
        ) {
            out.recv_q = None;
            out.send_q = None;
        }
        ParsedRow::Socket
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::capture::testutil::parse_with;

    #[test]
    fn sections_and_rows() {
        let mut p = Solaris::default();
        let mut cx = Ctx::default();
        let mut go = |l: &str| parse_with(&mut p, &mut cx, l);
        assert!(matches!(
            go("10.0.0.5.22 10.0.0.9.5 64128 0 128872 0 ESTABLISHED").0,
            ParsedRow::Skip
        ));
        assert!(matches!(go("TCP: IPv4").0, ParsedRow::Skip));
        assert!(matches!(
            go("   Local Address        Remote Address    Swind Send-Q Rwind Recv-Q    State").0,
            ParsedRow::Skip
        ));
        let (r, s) =
            go("10.0.0.5.22          10.0.0.9.51234       64128     52 128872      7 ESTABLISHED");
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!(
            (s.state, s.family, s.local.port, s.send_q, s.recv_q),
            (
                TcpState::Established,
                Family::V4,
                Some(22),
                Some(52),
                Some(7)
            )
        );
        let (_, s) =
            go("      *.*                  *.*                0      0 128000      0 IDLE");
        assert_eq!((s.state, s.recv_q), (TcpState::Close, None));
        let (_, s) =
            go("      *.5432               *.*                0      0 128000      0 BOUND");
        assert_eq!(s.state, TcpState::Close);
        assert!(matches!(go("TCP: IPv6").0, ParsedRow::Skip));
        let (_, s) = go(
            "::1.5999                                *.*                             0      0 128000      0 LISTEN      lo0",
        );
        assert_eq!((s.family, s.local.port), (Family::V6, Some(5999)));
        assert!(matches!(
            go("10.0.0.5.22 10.0.0.9.5 64128 0 128872").0,
            ParsedRow::Unread(_)
        ));
        assert!(matches!(go("UDP: IPv4").0, ParsedRow::Skip));
        assert!(matches!(
            go("      *.514                               Idle").0,
            ParsedRow::Skip
        ));
    }
}

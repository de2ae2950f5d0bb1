//! Saved summaries: `STATE COUNT` lines as the awk one-liner prints them
//! (`netstat -n | awk '/^tcp/ {++S[$NF]} END {for (a in S) print a, S[a]}'`), `COUNT STATE`
//! lines as `sort | uniq -c` prints them, in any spelling the state table knows
//! (`TIME_WAIT`, `time-wait`, `SYN_RCVD`, `Time_wait`, also `TIME_WAIT:`). They carry counts, not
//! sockets, and come out as `ParsedRow::Count`. A two-field line with a number and a word that is
//! not a state is unread, except the header words an awk one-liner without `/^tcp/` counts
//! (`Foreign`, `established)`, `servers)`…), which are noise; other lines are skipped.

use std::borrow::Cow;

use super::engine::{Ctx, ParsedRow, RowParser};
use super::fields::{dec, show, split};
use crate::socket::Socket;

pub(crate) struct SummaryLines;

/// Header words `awk '{print $6}'` picks up from netstat's titles and column header.
const HEADER_NOISE: [&[u8]; 8] = [
    b"Foreign",
    b"State",
    b"established)",
    b"servers)",
    b"Address",
    b"Timer",
    b"I-Node",
    b"(state)",
];

impl RowParser for SummaryLines {
    fn row(&mut self, line: &[u8], cx: &mut Ctx, _out: &mut Socket) -> ParsedRow {
        let mut t: [&[u8]; 3] = [&[]; 3];
        if split(line, &mut t) != 2 {
            return ParsedRow::Skip;
        }
        let (word, n) = match (dec(t[0]), dec(t[1])) {
            (Some(n), None) => (t[1], n),
            (None, Some(n)) => (t[0], n),
            _ => return ParsedRow::Skip,
        };
        let word = word.strip_suffix(b":").unwrap_or(word);
        match cx.states.get(word) {
            Some(s) => ParsedRow::Count(None, s, n),
            None if HEADER_NOISE.contains(&word) => ParsedRow::Skip,
            None => ParsedRow::Unread(Cow::Owned(format!("'{}' is not a TCP state", show(word)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{Endpoint, Family};
    use crate::tcp::state::TcpState;

    fn parse(line: &str) -> ParsedRow {
        let mut s = Socket::new(
            Family::V4,
            TcpState::Close,
            Endpoint::unspecified(),
            Endpoint::unspecified(),
        );
        SummaryLines.row(line.as_bytes(), &mut Ctx::default(), &mut s)
    }

    #[test]
    fn both_orders() {
        assert!(matches!(
            parse("TIME_WAIT 9137"),
            ParsedRow::Count(None, TcpState::TimeWait, 9137)
        ));
        assert!(matches!(
            parse("    597 ESTABLISHED"),
            ParsedRow::Count(None, TcpState::Established, 597)
        ));
        assert!(matches!(
            parse("SYN_RCVD: 3"),
            ParsedRow::Count(None, TcpState::SynRecv, 3)
        ));
        assert!(matches!(parse("Foreign 1"), ParsedRow::Skip));
        assert!(matches!(
            parse("$ netstat -n | awk '/^tcp/ {++S[$NF]}'"),
            ParsedRow::Skip
        ));
        assert!(matches!(parse("BOGUS 12"), ParsedRow::Unread(_)));
    }
}

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

#[derive(Clone)]
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
            (None, None) => return bad_count(t[0], t[1], cx),
            (Some(_), Some(_)) => return ParsedRow::Skip,
        };
        let word = word.strip_suffix(b":").unwrap_or(word);
        match cx.states.get(word) {
            Some(s) => ParsedRow::Count(None, s, n),
            None if HEADER_NOISE.contains(&word) => ParsedRow::Skip,
            None => ParsedRow::Unread(Cow::Owned(format!("'{}' is not a TCP state", show(word)))),
        }
    }
}

/// A `STATE COUNT` (or `COUNT STATE`) line whose count is not a whole number that fits 64
/// bits (`TIME_WAIT abc`, `TIME_WAIT -5`, `ESTABLISHED 18446744073709551615`) is unread; two
/// words neither of which is a state are not a summary line.
fn bad_count(a: &[u8], b: &[u8], cx: &mut Ctx) -> ParsedRow {
    let state = |w: &[u8], cx: &mut Ctx| cx.states.get(w.strip_suffix(b":").unwrap_or(w));
    let count = match (state(a, cx), state(b, cx)) {
        (Some(_), None) => b,
        (None, Some(_)) => a,
        _ => return ParsedRow::Skip,
    };
    ParsedRow::Unread(Cow::Owned(format!(
        "the count '{}' is not a whole number of at most 19 digits",
        show(count)
    )))
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
        for bad in [
            "TIME_WAIT abc",
            "TIME_WAIT -5",
            "ESTABLISHED 18446744073709551615",
            "-5 TIME_WAIT",
        ] {
            assert!(matches!(parse(bad), ParsedRow::Unread(_)), "{bad}");
        }
        assert!(matches!(parse("hello world"), ParsedRow::Skip));
    }
}

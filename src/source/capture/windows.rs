//! Windows `netstat -an` / `-ano` rows: `TCP Local Foreign State [PID]`, indented two spaces,
//! with English or localised (zh-CN `活动连接`, `协议 本地地址 …`; German `Proto.`) headers and
//! state words (German `ABHÖREN`, in the console's code page when saved from `cmd`; a state
//! may be wider than its column, or `-t`'s offload column may follow it), bracketed IPv6
//! (`[::1]:50515`, `[fe80::…%12]:port`), `LISTENING`, a foreign `0.0.0.0:0` / `[::]:0` for
//! listeners, and CRLF line ends. There are no queue columns (Recv-Q and Send-Q read as 0).
//! UDP rows (no state) and `-b` lines (`[svchost.exe]`, `Can not obtain ownership
//! information`) are skipped.

use std::borrow::Cow;

use super::endpoint::{PortSep, family_of};
use super::engine::{Ctx, ParsedRow, RowParser, fill, state_after_addresses};
use super::fields::{show, split};
use crate::socket::{Family, Socket};

#[derive(Clone)]
pub(crate) struct Windows;

impl RowParser for Windows {
    fn row(&mut self, line: &[u8], cx: &mut Ctx, out: &mut Socket) -> ParsedRow {
        let mut t: [&[u8]; 8] = [&[]; 8];
        let n = split(line, &mut t);
        if n < 2 || t[0] != b"TCP" || !t[1].contains(&b':') {
            return ParsedRow::Skip;
        }
        let state = match state_after_addresses(
            &t[..n],
            &mut cx.states,
            &mut cx.state_fields,
            3,
            || match t[..n].get(3) {
                None => "the row ends before its State column".into(),
                Some(f) => Cow::Owned(format!("'{}' is not a TCP state", show(f))),
            },
        ) {
            Ok(s) => s,
            Err(row) => return row,
        };
        let local = match cx.endpoint(t[1], PortSep::Colon, "local") {
            Ok(e) => e,
            Err(row) => return row,
        };
        let remote = match cx.endpoint(t[2], PortSep::Colon, "foreign") {
            Ok(e) => e,
            Err(row) => return row,
        };
        let family = family_of(local.1, remote.1).unwrap_or(Family::V4);
        fill(out, family, state, (0, 0), local, remote);
        // Windows listings have no queue columns.
        out.recv_q = None;
        out.send_q = None;
        ParsedRow::Socket
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::capture::testutil;
    use crate::tcp::state::TcpState;

    fn parse(line: &str) -> (ParsedRow, Socket) {
        testutil::parse(Windows, line)
    }

    #[test]
    fn rows() {
        let (r, s) =
            parse("  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1234");
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!((s.state, s.local.port), (TcpState::Listen, Some(135)));
        let (_, s) =
            parse("  TCP    [::1]:50515            [::1]:50516            ESTABLISHED     4321");
        assert_eq!(s.family, Family::V6);
        let (_, s) = parse("  TCP    [fe80::1c2d:3e4f:5a6b:7c8d%12]:139  [::]:0  LISTENING  4");
        assert_eq!((s.family, s.local.port), (Family::V6, Some(139)));
        assert!(matches!(
            parse("  UDP    0.0.0.0:500            *:*                                    4321").0,
            ParsedRow::Skip
        ));
        assert!(matches!(parse(" [svchost.exe]").0, ParsedRow::Skip));
        // German: a state wider than its column pushes the PID along; `-t` adds an offload
        // column after the state.
        let (_, s) = parse(
            "  TCP    127.0.0.1:54995        127.0.0.1:1110         SCHLIESSEN_WARTEN    12600",
        );
        assert_eq!((s.state, s.remote.port), (TcpState::CloseWait, Some(1110)));
        let (_, s) = parse(
            "  TCP    127.0.0.1:1110         127.0.0.1:54995        FIN_WARTEN_2    InHost      ",
        );
        assert_eq!(s.state, TcpState::FinWait2);
        assert!(matches!(
            parse("  TCP    10.0.0.1:50000  10.0.0.2:443").0,
            ParsedRow::Unread(_)
        ));
    }
}

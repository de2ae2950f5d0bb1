//! iproute2 `ss` rows: `[Netid] [State] Recv-Q Send-Q Local:Port Peer:Port [extras]`, with or
//! without the Netid column (old `ss -t` has none), with or without a header (`-H`), and without
//! the State column when the listing was made with a state filter (then the state comes from
//! `--assume-state`). Addresses may be bracketed (new ss) or not (old ss), carry `%scope`, or
//! be `*`, which new ss prints for a dual-stack IPv6 wildcard and old ss for IPv4's; the parser
//! tells new from old by the `Process` header column or any bracketed address. Extras are read
//! from anywhere after the peer: `uid:`, `ino:` (`-e`), `timer:(…)` (`-o`); `users:(…)` in its
//! old and new forms, `sk:`, `cgroup:` and the like are passed over. Continuation lines of
//! `-i`/`-m` records (indented, `cubic wscale:…`, `skmem:(…)`, or at column 0 where an e-mail
//! client moved them) never read as rows: they amend the socket of the row above (`ss_info`).

use std::borrow::Cow;

use super::endpoint::{HostKind, PortSep, family_of};
use super::engine::{Ctx, ParsedRow, RowParser, fill, fix_mini_socket_uid};
use super::fields::{Fields, after, dec, is_space, queue, show, split};
use super::owners::ss_users;
use super::ss_info::{PassedOver, ROW_KEYS};
use super::timer::ss_timer;
use crate::socket::{Family, Socket};
use memchr::memmem;

#[derive(Clone)]
pub(crate) struct Ss {
    /// New ss (bracketed IPv6, `Process` column): a `*` host is the IPv6 wildcard.
    new_style: bool,
    /// Finds `Address:Port`, the mark of a header line, built once rather than on every line.
    header: memmem::Finder<'static>,
    /// Fields of `-i` lines passed over, for the notice at the end.
    passed: PassedOver,
    /// Lines that held only the owner, inode and timer fields of the row above (its tail,
    /// moved to the next line by an e-mail client), read as that row's.
    tails: u64,
}

impl Default for Ss {
    fn default() -> Ss {
        Ss {
            new_style: false,
            header: memmem::Finder::new(b"Address:Port"),
            passed: PassedOver::default(),
            tails: 0,
        }
    }
}

impl Ss {
    pub(crate) fn same_state(&self, other: &Ss) -> bool {
        self.new_style == other.new_style
    }

    /// Add what `before` counted to what was counted since `start` (see
    /// `Parsers::take_counts`).
    pub(crate) fn add_counts(&mut self, before: &Ss, start: &Ss) {
        self.passed.add(&before.passed, &start.passed);
        self.tails = before.tails + (self.tails - start.tails);
    }
}

fn looks_like_address(f: &[u8]) -> bool {
    f.contains(&b':') || f == b"*"
}

impl RowParser for Ss {
    fn row(&mut self, line: &[u8], cx: &mut Ctx, out: &mut Socket) -> ParsedRow {
        let mut t: [&[u8]; 8] = [&[]; 8];
        let n = split(line, &mut t);
        if n < 2 {
            return ParsedRow::Skip;
        }
        // Netid: `tcp`, or any other word followed by a state or a number (udp, u_str, nl…).
        // A row starts with `tcp` or a state word; only a line that starts otherwise is looked
        // at as a header (`State …`, `Netid …`, or `Recv-Q …` under a state filter).
        let mut i = 0;
        let mut tcp_row = false;
        let mut first_state = None;
        if t[0] == b"tcp" {
            tcp_row = true;
            i = 1;
        } else {
            first_state = cx.states.get(t[0]);
            if first_state.is_none() {
                if self.header.find(line).is_some() {
                    if memmem::find(line, b"Process").is_some() {
                        self.new_style = true;
                    }
                    return ParsedRow::Skip;
                }
                if dec(t[0]).is_none() && (cx.states.get(t[1]).is_some() || dec(t[1]).is_some()) {
                    return ParsedRow::Skip;
                }
            }
        }
        let head_state = if tcp_row {
            cx.states.get(t[i])
        } else {
            first_state
        };
        let state = if let Some(s) = head_state {
            i += 1;
            let row_shaped = || n >= i + 4 && looks_like_address(t[i + 2]);
            if !tcp_row && (i >= n || (dec(t[i]).is_none() && !row_shaped())) {
                // A sentence that starts with a state word.
                return ParsedRow::Skip;
            }
            s
        } else if dec(t[i]).is_some() {
            // No State column (a state filter), or prose starting with a number.
            let row_shaped = n >= i + 4 && looks_like_address(t[i + 2]);
            if !tcp_row && !row_shaped {
                return ParsedRow::Skip;
            }
            match cx.assume_state {
                Some(s) => s,
                None => return ParsedRow::NoState,
            }
        } else if tcp_row {
            return ParsedRow::Unread(Cow::Owned(format!("'{}' is not a TCP state", show(t[i]))));
        } else {
            return ParsedRow::Skip;
        };
        if n < i + 4 {
            return ParsedRow::Unread("the row ends before its peer address".into());
        }
        let (Some(recv_q), Some(send_q)) = (queue(t[i]), queue(t[i + 1])) else {
            return ParsedRow::Unread(Cow::Owned(format!(
                "Recv-Q/Send-Q '{} {}' are not queue sizes (whole numbers from 0 to \
                 4294967295)",
                show(t[i]),
                show(t[i + 1])
            )));
        };
        let (lf, pf) = (t[i + 2], t[i + 3]);
        if lf.first() == Some(&b'[') || pf.first() == Some(&b'[') {
            self.new_style = true;
        }
        let local = match cx.endpoint(lf, PortSep::Colon, "local") {
            Ok(e) => e,
            Err(row) => return row,
        };
        let remote = match cx.endpoint(pf, PortSep::Colon, "peer") {
            Ok(e) => e,
            Err(row) => return row,
        };
        let star = if self.new_style {
            Family::V6
        } else {
            Family::V4
        };
        let family = match local.1 {
            HostKind::V4 => Family::V4,
            HostKind::V6 => Family::V6,
            HostKind::Star => star,
            HostKind::Name | HostKind::Redacted => {
                family_of(local.1, remote.1).unwrap_or(Family::V4)
            }
        };
        fill(out, family, state, (recv_q, send_q), local, remote);
        extras(after(line, pf), out);
        fix_mini_socket_uid(out);
        ParsedRow::Socket
    }

    fn amend(&mut self, line: &[u8], out: &mut Socket) -> bool {
        if super::ss_info::amend(line, out, &mut self.passed) {
            return true;
        }
        if !is_row_tail(line) {
            return false;
        }
        extras(line, out);
        fix_mini_socket_uid(out);
        self.tails += 1;
        true
    }

    fn finish(&mut self, file: &str, notices: &mut Vec<String>) {
        notices.extend(self.passed.notice(file));
        if self.tails > 0 {
            notices.push(format!(
                "{file}: {} indented line{} held only the owner, inode and timer fields of the \
                 row above (wrapped by an e-mail client) and {} read as that row's",
                self.tails,
                if self.tails == 1 { "" } else { "s" },
                if self.tails == 1 { "was" } else { "were" }
            ));
        }
    }

    fn continues(&self) -> bool {
        true
    }
}

/// Whether `line` is the tail of the row above moved to a line of its own: indented, and every
/// field one a row carries after its peer (`users:(…)`, `uid:`, `ino:`, `sk:`, `cgroup:`,
/// `timer:(…)`, `<->`).
fn is_row_tail(line: &[u8]) -> bool {
    if !line.first().is_some_and(u8::is_ascii_whitespace) {
        return false;
    }
    let mut fields = Fields::new(line).peekable();
    fields.peek().is_some()
        && fields.all(|f| {
            f == b"<->"
                || f.iter()
                    .position(|&b| b == b':')
                    .is_some_and(|k| ROW_KEYS.contains(&&f[..k]))
        })
}

/// `uid:N`, `ino:N`, `timer:(…)` anywhere in `rest`, the line after the peer. ss prints
/// `uid:` only when it is not 0, so with `-e` (an `ino:` of a full socket) and no `uid:` the
/// owner is root.
fn extras(rest: &[u8], out: &mut Socket) {
    // Most rows end at the peer (a plain `ss -tan`): nothing to look for.
    if rest.iter().all(|&b| is_space(b)) {
        return;
    }
    let mut saw_uid = false;
    let mut saw_ino = false;
    for f in Fields::new(rest) {
        if let Some(v) = f.strip_prefix(b"uid:") {
            out.uid = dec(v).and_then(|u| u32::try_from(u).ok());
            saw_uid = true;
        } else if let Some(v) = f.strip_prefix(b"ino:") {
            out.inode = dec(v);
            saw_ino = true;
        } else if f.starts_with(b"timer:(")
            && let Some(t) = ss_timer(f)
        {
            out.timer = Some(t);
        }
    }
    ss_users(rest, &mut out.listed_owners);
    if saw_ino && !saw_uid && out.owned_inode().is_some() {
        out.uid = Some(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::TimerKind;
    use crate::source::capture::testutil;
    use crate::tcp::state::TcpState;
    use std::net::{IpAddr, Ipv6Addr};

    use crate::source::capture::testutil::parse_with;

    fn ok(line: &str) -> Socket {
        testutil::ok(Ss::default(), line)
    }

    #[test]
    fn a_row_tail_on_the_next_line_is_read_as_the_rows() {
        let mut p = Ss::default();
        let mut s = ok("ESTAB 0 0 10.0.0.1:22 10.0.0.2:5555");
        assert!(p.amend(b"\t users:((\"sshd\",pid=7,fd=3)) ino:123 sk:1 <->", &mut s));
        assert_eq!((s.inode, s.uid), (Some(123), Some(0)));
        assert_eq!(s.listed_owners.iter().collect::<Vec<_>>(), [(7, "sshd")]);
        // Not indented, or holding a field no row carries: not the row's tail.
        assert!(!p.amend(b"users:((\"sshd\",pid=7,fd=3)) ino:123", &mut s));
        assert!(!p.amend(b"\t ino:123 mystery:1", &mut s));
        let mut notices = Vec::new();
        p.finish("f.txt", &mut notices);
        assert!(
            notices[0].contains("1 indented line held only"),
            "{notices:?}"
        );
    }

    #[test]
    fn layouts() {
        let s = ok("ESTAB 0 0 127.0.0.1:8001 127.0.0.1:56334");
        assert_eq!((s.state, s.family), (TcpState::Established, Family::V4));
        let s = ok(
            "tcp   TIME-WAIT  0 0  [::1]:39762  [::1]:8004  timer:(timewait,59sec,0) ino:0 sk:1008",
        );
        assert_eq!(
            (s.state, s.family, s.timer.map(|t| t.kind)),
            (TcpState::TimeWait, Family::V6, Some(TimerKind::TimeWait))
        );
        assert_eq!(s.uid, None);
        let s = ok(
            "LISTEN 0 64 127.0.0.1:8002 0.0.0.0:* users:((\"python3\",pid=9430,fd=4)) ino:14141 sk:10 <->",
        );
        assert_eq!((s.send_q, s.inode, s.uid), (Some(64), Some(14141), Some(0)));
        let s = ok(
            "ESTAB 0 0 10.0.0.1:22 10.0.0.2:4 users:((\"nginx\",1234,5)) uid:112 ino:25147 sk:ffff88007861ec00",
        );
        assert_eq!(s.uid, Some(112));
        let s = ok("LISTEN 0 128 :::22 :::*");
        assert_eq!(s.family, Family::V6);
        let s = ok("UNCONN 0 0 [fe80::1%eth0]:123 [::]:*");
        assert_eq!((s.state, s.local.port), (TcpState::Close, Some(123)));
        let s = ok("ESTAB 0 0 [::ffff:127.0.0.1]:7474 [::ffff:127.0.0.1]:5000");
        assert_eq!(s.family, Family::V6);
    }

    #[test]
    fn star_follows_the_ss_generation() {
        let mut cx = Ctx::default();
        let mut old = Ss::default();
        let (_, s) = parse_with(&mut old, &mut cx, "LISTEN 0 128 *:22 *:*");
        assert_eq!(s.family, Family::V4);
        let mut new = Ss::default();
        let _ = parse_with(
            &mut new,
            &mut cx,
            "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
        );
        let (_, s) = parse_with(&mut new, &mut cx, "LISTEN 0 128 *:22 *:*");
        assert_eq!(
            (s.family, s.local.ip),
            (Family::V6, Some(IpAddr::V6(Ipv6Addr::UNSPECIFIED)))
        );
    }

    #[test]
    fn stateless_rows_need_a_state() {
        let mut cx = Ctx::default();
        let line = "0 0 127.0.0.1:59734 127.0.0.1:8002";
        assert!(matches!(
            parse_with(&mut Ss::default(), &mut cx, line).0,
            ParsedRow::NoState
        ));
        assert!(matches!(
            parse_with(&mut Ss::default(), &mut cx, &format!("tcp {line}")).0,
            ParsedRow::NoState
        ));
        cx.assume_state = Some(TcpState::TimeWait);
        let (r, s) = parse_with(&mut Ss::default(), &mut cx, line);
        assert!(matches!(r, ParsedRow::Socket));
        assert_eq!(s.state, TcpState::TimeWait);
    }

    #[test]
    fn skipped_and_unread() {
        let mut cx = Ctx::default();
        for skip in [
            "udp UNCONN 0 0 127.0.0.1:9001 0.0.0.0:*",
            "u_str ESTAB 0 0 /tmp/x 14179 * 14178",
            "nl UNCONN 0 0 0:0 *",
            "\t cubic wscale:7,7 rto:204 rtt:0.5/0.25",
            "\t skmem:(r0,rb131072,t0,tb2626560,f0,w0,o0,bl0,d0)",
            "LISTEN sockets are fine",
            "Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port",
            "12 apples",
        ] {
            assert!(
                matches!(
                    parse_with(&mut Ss::default(), &mut cx, skip).0,
                    ParsedRow::Skip
                ),
                "{skip}"
            );
        }
        for bad in [
            "tcp UNKNOWN 0 0 1.1.1.1:1 2.2.2.2:2",
            "ESTAB 0 0 1.1.1.1:1",
            "tcp ESTAB 0",
            "ESTAB -5 0 1.1.1.1:1 2.2.2.2:2",
            "ESTAB 99999999999999999999 0 1.1.1.1:1 2.2.2.2:2",
        ] {
            assert!(
                matches!(
                    parse_with(&mut Ss::default(), &mut cx, bad).0,
                    ParsedRow::Unread(_)
                ),
                "{bad}"
            );
        }
    }
}

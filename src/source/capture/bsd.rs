//! FreeBSD and macOS `netstat` rows: `tcp4|tcp6|tcp46|tcp Recv-Q Send-Q Local Foreign (state)`,
//! with the port after the **last dot** (`192.168.71.163.22`, `*.*`, `::1.631`,
//! `fe80::1%lo0.123`), BSD state spellings (`SYN_RCVD`, `FIN_WAIT_1`), and macOS `-v` columns
//! after the state (`rhiwat shiwat pid epid state options`, whose `state` is a hex flags word,
//! so the state is found by position, never as `$NF`). `tcp46` is a dual-stack IPv6 socket.
//! udp rows and the unix tables (rows starting with a hex address) are skipped. macOS may leave
//! TIME_WAIT sockets out of its listing; a notice says so when a macOS capture shows none.

use std::borrow::Cow;

use super::endpoint::{PortSep, endpoint, family_of, settle};
use super::engine::{Ctx, Row, RowParser, blank};
use super::fields::{dec, queue, show, split};
use crate::socket::{Family, Socket};
use crate::tcp::state::TcpState;

#[derive(Default)]
pub(crate) struct Bsd {
    macos: bool,
    time_wait: u64,
}

impl RowParser for Bsd {
    fn row(&mut self, line: &[u8], cx: &mut Ctx, out: &mut Socket) -> Row {
        let mut t: [&[u8]; 16] = [&[]; 16];
        let n = split(line, &mut t);
        if n < 2 {
            return Row::Skip;
        }
        if line == b"Active Internet connections" || memchr::memmem::find(line, b"rhiwat").is_some()
        {
            self.macos = true;
        }
        let proto_family = match t[0] {
            b"tcp4" => Some(Family::V4),
            b"tcp6" | b"tcp46" => Some(Family::V6),
            b"tcp" => None,
            _ => return Row::Skip,
        };
        if dec(t[1]).is_none() {
            return Row::Skip;
        }
        let Some(si) = (3..n).find(|&i| cx.states.get(t[i]).is_some()) else {
            return Row::Unread(if n < 6 {
                "the row ends before its (state) column".into()
            } else {
                Cow::Owned(format!(
                    "no TCP state word after the addresses (field 6 is '{}')",
                    show(t[5])
                ))
            });
        };
        if si != 5 {
            return Row::Unread(Cow::Owned(format!(
                "expected two address fields before the state {}, found {}",
                show(t[si]),
                si - 3
            )));
        }
        let state = cx.states.get(t[si]).expect("found above");
        let (Some(recv_q), Some(send_q)) = (queue(t[1]), queue(t[2])) else {
            return Row::Unread(Cow::Owned(format!(
                "Send-Q '{}' is not a number",
                show(t[2])
            )));
        };
        let (mut local, lk) = endpoint(t[3], PortSep::Dot, &mut cx.services);
        let (mut remote, rk) = endpoint(t[4], PortSep::Dot, &mut cx.services);
        let family = proto_family
            .or_else(|| family_of(lk, rk))
            .unwrap_or(Family::V4);
        settle(&mut local, lk, family);
        settle(&mut remote, rk, family);
        blank(out, family, state);
        out.recv_q = recv_q;
        out.send_q = send_q;
        out.local = local;
        out.remote = remote;
        if state == TcpState::TimeWait {
            self.time_wait += 1;
        }
        Row::Socket
    }

    fn finish(&mut self, file: &str, notices: &mut Vec<String>) {
        if self.macos && self.time_wait == 0 {
            notices.push(format!(
                "{file}: a macOS netstat listing shows no TIME_WAIT sockets; macOS may leave them \
                 out (Apple radar 22975100), so the real count is unknown"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::Endpoint;
    use std::net::{IpAddr, Ipv6Addr};

    fn parse(line: &str) -> (Row, Socket) {
        let mut s = Socket::new(
            Family::V4,
            TcpState::Close,
            Endpoint::unspecified(),
            Endpoint::unspecified(),
        );
        let r = Bsd::default().row(line.as_bytes(), &mut Ctx::default(), &mut s);
        (r, s)
    }

    #[test]
    fn rows() {
        let (r, s) =
            parse("tcp4       0      0  192.168.71.163.22      192.168.71.1.52918     ESTABLISHED");
        assert!(matches!(r, Row::Socket));
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
        assert!(matches!(parse("udp4 0 0 *.5353 *.*").0, Row::Skip));
        assert!(matches!(
            parse("fffff80003a5b000 stream 0 0 0 0 0 0 /tmp/x").0,
            Row::Skip
        ));
        assert!(matches!(parse("tcp4 0 0 127.0.0.1.25").0, Row::Unread(_)));
    }
}

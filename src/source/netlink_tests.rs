//! Byte-level tests of the sock_diag requests and the reply decoder, without a kernel: each
//! request is compared with the layout of the kernel's UAPI structs (`struct nlmsghdr` of
//! `linux/netlink.h`, `struct inet_diag_req_v2`, `struct inet_diag_req` and
//! `struct inet_diag_sockid` of `linux/inet_diag.h`), written out field by field here, and
//! hand-built replies (`struct inet_diag_msg` followed by attributes) are decoded, truncated
//! and garbled.

use std::net::{Ipv6Addr, SocketAddr};

use super::*;
use crate::tcpinfo::Extensions;

// ---- the kernel's numbers (linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h) ----

const NLMSG_HDRLEN: usize = 16;
const NLM_F_REQUEST_BIT: u16 = 0x01;
const NLM_F_ROOT_BIT: u16 = 0x100;
const NLM_F_MATCH_BIT: u16 = 0x200;
const NLMSG_ERROR_TYPE: u16 = 2;
const NLMSG_DONE_TYPE: u16 = 3;
const SOCK_DIAG_BY_FAMILY_TYPE: u16 = 20;
const TCPDIAG_GETSOCK_TYPE: u16 = 18;
const AF_INET_NUM: u8 = 2;
const AF_INET6_NUM: u8 = 10;
const IPPROTO_TCP_NUM: u8 = 6;
/// `sizeof(struct inet_diag_req_v2)`: family, protocol, ext, pad, states (8) + sockid (48).
const REQ_V2_LEN: usize = 56;
/// `sizeof(struct inet_diag_req)`: family, src_len, dst_len, ext (4) + sockid (48) + states,
/// dbs (8).
const REQ_V1_LEN: usize = 60;
/// `sizeof(struct inet_diag_msg)`.
const MSG_LEN: usize = 72;
/// `INET_DIAG_SHUTDOWN`, a one-byte attribute of every dump reply.
const INET_DIAG_SHUTDOWN: u16 = 8;
/// `INET_DIAG_INFO` (struct tcp_info), only sent when asked for.
const INET_DIAG_INFO: u16 = 2;

/// The fields of `struct nlmsghdr` at the start of `b`.
fn header(b: &[u8]) -> (u32, u16, u16, u32, u32) {
    (
        u32::from_ne_bytes(b[0..4].try_into().expect("4 bytes")),
        u16::from_ne_bytes(b[4..6].try_into().expect("2 bytes")),
        u16::from_ne_bytes(b[6..8].try_into().expect("2 bytes")),
        u32::from_ne_bytes(b[8..12].try_into().expect("4 bytes")),
        u32::from_ne_bytes(b[12..16].try_into().expect("4 bytes")),
    )
}

fn u32_of(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

// ---- requests ----

#[test]
fn dump_request_is_nlmsghdr_and_inet_diag_req_v2() {
    let states = (1 << TcpState::Established.kernel()) | (1 << TcpState::TimeWait.kernel());
    for (family, af) in [(Family::V4, AF_INET_NUM), (Family::V6, AF_INET6_NUM)] {
        let req = request(family, states, Extensions::default(), None, 0x0102_0304);
        assert_eq!(req.len(), NLMSG_HDRLEN + REQ_V2_LEN);
        let (len, ty, flags, seq, pid) = header(&req);
        assert_eq!(len as usize, req.len());
        assert_eq!(ty, SOCK_DIAG_BY_FAMILY_TYPE);
        // NLM_F_DUMP is NLM_F_ROOT | NLM_F_MATCH.
        assert_eq!(flags, NLM_F_REQUEST_BIT | NLM_F_ROOT_BIT | NLM_F_MATCH_BIT);
        assert_eq!(seq, 0x0102_0304);
        assert_eq!(pid, 0);
        let p = &req[NLMSG_HDRLEN..];
        assert_eq!(p[0], af, "sdiag_family");
        assert_eq!(p[1], IPPROTO_TCP_NUM, "sdiag_protocol");
        assert_eq!(p[2], 0, "idiag_ext: no extensions asked for");
        assert_eq!(p[3], 0, "pad");
        assert_eq!(u32_of(p, 4), states, "idiag_states");
        // The socket id: ports, addresses, interface and cookie all zero (no filter).
        assert!(p[8..56].iter().all(|&b| b == 0), "{:?}", &p[8..56]);
    }
}

#[test]
fn dump_request_carries_every_state_bit_it_is_given() {
    for bits in [0u32, 0xfff, 0x3ffe, 1 << TcpState::BoundInactive.kernel()] {
        let req = request(Family::V4, bits, Extensions::default(), None, 1);
        assert_eq!(u32_of(&req[NLMSG_HDRLEN..], 4), bits);
    }
}

#[test]
fn both_families_request_is_nlmsghdr_and_inet_diag_req() {
    let states = 1 << TcpState::Listen.kernel();
    let req = request_both(states, Extensions::default(), None, 77);
    assert_eq!(req.len(), NLMSG_HDRLEN + REQ_V1_LEN);
    let (len, ty, flags, seq, pid) = header(&req);
    assert_eq!(len as usize, req.len());
    assert_eq!(ty, TCPDIAG_GETSOCK_TYPE);
    assert_eq!(flags, NLM_F_REQUEST_BIT | NLM_F_ROOT_BIT | NLM_F_MATCH_BIT);
    assert_eq!((seq, pid), (77, 0));
    let p = &req[NLMSG_HDRLEN..];
    assert_eq!(&p[..4], &[0, 0, 0, 0], "AF_UNSPEC, src_len, dst_len, ext");
    assert!(p[4..52].iter().all(|&b| b == 0), "sockid");
    assert_eq!(u32_of(p, 52), states, "idiag_states");
    assert_eq!(u32_of(p, 56), 0, "idiag_dbs");
}

#[test]
fn lookup_request_names_one_socket_by_its_endpoints() {
    let local: SocketAddr = "10.1.2.3:40000".parse().expect("address");
    let remote: SocketAddr = "192.0.2.9:443".parse().expect("address");
    let mut req = Vec::new();
    exact_request(
        &mut req,
        SOCK_DIAG_BY_FAMILY,
        NLM_F_REQUEST,
        (Family::V4, local, remote, None),
        9,
    );
    assert_eq!(req.len(), NLMSG_HDRLEN + REQ_V2_LEN);
    let (len, ty, flags, seq, pid) = header(&req);
    assert_eq!(
        (len as usize, ty, flags, seq, pid),
        (72, 20, NLM_F_REQUEST_BIT, 9, 0)
    );
    let p = &req[NLMSG_HDRLEN..];
    assert_eq!(&p[..4], &[AF_INET_NUM, IPPROTO_TCP_NUM, 0, 0]);
    assert_eq!(u32_of(p, 4), u32::MAX, "any state");
    // inet_diag_sockid: ports in network byte order, addresses in 4 x __be32.
    assert_eq!(&p[8..10], &40000u16.to_be_bytes());
    assert_eq!(&p[10..12], &443u16.to_be_bytes());
    assert_eq!(&p[12..16], &[10, 1, 2, 3]);
    assert!(p[16..28].iter().all(|&b| b == 0));
    assert_eq!(&p[28..32], &[192, 0, 2, 9]);
    assert!(p[32..44].iter().all(|&b| b == 0));
    assert_eq!(u32_of(p, 44), 0, "idiag_if");
    assert_eq!(&p[48..56], &[0xff; 8], "INET_DIAG_NOCOOKIE");

    // A second lookup is appended whole, the IPv6 addresses in full.
    let l6: SocketAddr = "[2001:db8::1]:1234".parse().expect("address");
    let r6: SocketAddr = "[2001:db8::2]:80".parse().expect("address");
    exact_request(
        &mut req,
        SOCK_DIAG_BY_FAMILY,
        NLM_F_REQUEST,
        (Family::V6, l6, r6, None),
        10,
    );
    assert_eq!(req.len(), 2 * 72);
    let p = &req[72 + NLMSG_HDRLEN..];
    assert_eq!(header(&req[72..]).3, 10);
    assert_eq!(p[0], AF_INET6_NUM);
    assert_eq!(
        &p[12..28],
        &"2001:db8::1".parse::<Ipv6Addr>().expect("v6").octets()
    );
    assert_eq!(
        &p[28..44],
        &"2001:db8::2".parse::<Ipv6Addr>().expect("v6").octets()
    );
}

// ---- replies ----

/// A `struct inet_diag_msg`, field by field.
struct DiagMsg {
    family: u8,
    state: u8,
    timer: u8,
    retrans: u8,
    sport: u16,
    dport: u16,
    src: [u8; 16],
    dst: [u8; 16],
    cookie: u64,
    expires: u32,
    rqueue: u32,
    wqueue: u32,
    uid: u32,
    inode: u32,
}

impl DiagMsg {
    fn v4_established() -> DiagMsg {
        let mut src = [0; 16];
        src[..4].copy_from_slice(&[127, 0, 0, 1]);
        let mut dst = [0; 16];
        dst[..4].copy_from_slice(&[10, 0, 0, 7]);
        DiagMsg {
            family: AF_INET_NUM,
            state: 1,
            timer: 2,
            retrans: 3,
            sport: 8080,
            dport: 51000,
            src,
            dst,
            cookie: 0x1122_3344_5566_7788,
            expires: 7200,
            rqueue: 10,
            wqueue: 20,
            uid: 1000,
            inode: 123_456,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut b = vec![self.family, self.state, self.timer, self.retrans];
        b.extend_from_slice(&self.sport.to_be_bytes());
        b.extend_from_slice(&self.dport.to_be_bytes());
        b.extend_from_slice(&self.src);
        b.extend_from_slice(&self.dst);
        b.extend_from_slice(&0u32.to_ne_bytes()); // idiag_if
        // idiag_cookie[2]: the low word first.
        b.extend_from_slice(&(self.cookie as u32).to_ne_bytes());
        b.extend_from_slice(&((self.cookie >> 32) as u32).to_ne_bytes());
        for v in [self.expires, self.rqueue, self.wqueue, self.uid, self.inode] {
            b.extend_from_slice(&v.to_ne_bytes());
        }
        assert_eq!(b.len(), MSG_LEN);
        b
    }
}

/// One `struct rtattr` with its payload, padded to 4 bytes.
fn attr(ty: u16, data: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
    b.extend_from_slice(&ty.to_ne_bytes());
    b.extend_from_slice(data);
    b.resize(b.len().next_multiple_of(4), 0);
    b
}

/// One netlink message with `payload`, padded to 4 bytes.
fn nlmsg(ty: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&((NLMSG_HDRLEN + payload.len()) as u32).to_ne_bytes());
    b.extend_from_slice(&ty.to_ne_bytes());
    b.extend_from_slice(&0x2u16.to_ne_bytes()); // NLM_F_MULTI
    b.extend_from_slice(&seq.to_ne_bytes());
    b.extend_from_slice(&0u32.to_ne_bytes());
    b.extend_from_slice(payload);
    b.resize(b.len().next_multiple_of(4), 0);
    b
}

fn done() -> Vec<u8> {
    nlmsg(NLMSG_DONE_TYPE, 1, &0i32.to_ne_bytes())
}

/// A reply message: the fixed part and the attributes a dump carries.
fn reply(m: &DiagMsg) -> Vec<u8> {
    let mut p = m.bytes();
    p.extend(attr(INET_DIAG_SHUTDOWN, &[0]));
    p.extend(attr(INET_DIAG_INFO, &[0xee; 232]));
    nlmsg(SOCK_DIAG_BY_FAMILY_TYPE, 1, &p)
}

/// Decode `buf` as one received buffer: the sockets, whether the dump ended, or the error.
fn decode_all(buf: &[u8]) -> Result<(Vec<Socket>, bool), SourceError> {
    let mut got = Vec::new();
    let mut pushed = 0;
    let mut sink = |s: &Socket| {
        got.push(s.clone());
        Flow::Continue
    };
    let (ended, _) = decode_buffer(buf, 4026531840, false, &mut sink, &mut pushed)?;
    assert_eq!(pushed as usize, got.len());
    Ok((got, ended))
}

#[test]
fn a_reply_with_attributes_is_the_right_socket() {
    let mut buf = reply(&DiagMsg::v4_established());
    buf.extend(done());
    let (got, ended) = decode_all(&buf).expect("a good reply");
    assert!(ended);
    let [s] = got.as_slice() else {
        panic!("one socket expected: {got:?}")
    };
    assert_eq!(s.family, Family::V4);
    assert_eq!(s.state, TcpState::Established);
    assert_eq!(
        s.local,
        Endpoint::new("127.0.0.1".parse().expect("ip"), 8080)
    );
    assert_eq!(
        s.remote,
        Endpoint::new("10.0.0.7".parse().expect("ip"), 51000)
    );
    assert_eq!((s.recv_q, s.send_q), (Some(10), Some(20)));
    assert_eq!(s.uid, Some(1000));
    assert_eq!(s.inode, Some(123_456));
    assert_eq!(s.cookie, Some(0x1122_3344_5566_7788));
    let t = s.timer.expect("sock_diag carries the timer");
    assert_eq!(t.kind, TimerKind::from_kernel(2));
    assert_eq!(t.expires_ms, 7200);
    assert_eq!(t.retransmits, 3);
    assert_eq!(s.netns, 4026531840);
}

#[test]
fn ipv6_and_mini_sockets_decode() {
    let v6 = DiagMsg {
        family: AF_INET6_NUM,
        state: 10, // LISTEN
        src: "2001:db8::1".parse::<Ipv6Addr>().expect("v6").octets(),
        dst: [0; 16],
        dport: 0,
        ..DiagMsg::v4_established()
    };
    let tw = DiagMsg {
        state: 6, // TIME_WAIT: no owner
        uid: 0,
        inode: 0,
        ..DiagMsg::v4_established()
    };
    let req = DiagMsg {
        state: 12, // NEW_SYN_RECV is listed as SYN_RECV
        uid: 0,
        inode: 0,
        ..DiagMsg::v4_established()
    };
    let mut buf = Vec::new();
    for m in [&v6, &tw, &req] {
        buf.extend(reply(m));
    }
    let (got, ended) = decode_all(&buf).expect("good replies");
    assert!(!ended, "no NLMSG_DONE yet");
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].family, Family::V6);
    assert_eq!(got[0].state, TcpState::Listen);
    assert_eq!(
        got[0].local,
        Endpoint::new("2001:db8::1".parse().expect("ip"), 8080)
    );
    assert_eq!(got[0].remote, Endpoint::new("::".parse().expect("ip"), 0));
    assert_eq!(got[1].state, TcpState::TimeWait);
    assert_eq!(got[1].uid, None);
    assert_eq!(got[2].state, TcpState::SynRecv);
    assert_eq!(got[2].uid, None);
}

#[test]
fn the_sink_can_stop_the_decoding() {
    let mut buf = Vec::new();
    for _ in 0..3 {
        buf.extend(reply(&DiagMsg::v4_established()));
    }
    let mut n = 0;
    let mut pushed = 0;
    let mut sink = |_: &Socket| {
        n += 1;
        Flow::Stop
    };
    let r = decode_buffer(&buf, 0, false, &mut sink, &mut pushed).expect("good replies");
    assert_eq!(r, (false, Flow::Stop));
    assert_eq!((n, pushed), (1, 1));
}

#[test]
fn unknown_families_and_states_are_skipped() {
    let unix = DiagMsg {
        family: 1,
        ..DiagMsg::v4_established()
    };
    let future_state = DiagMsg {
        state: 200,
        ..DiagMsg::v4_established()
    };
    let mut buf = reply(&unix);
    buf.extend(reply(&future_state));
    buf.extend(done());
    let (got, ended) = decode_all(&buf).expect("skipped, not an error");
    assert!(got.is_empty() && ended);
}

#[test]
fn a_kernel_error_is_an_error_and_an_ack_ends_the_dump() {
    // struct nlmsgerr: the negative errno, then the request's header.
    let mut payload = (-libc::EPERM).to_ne_bytes().to_vec();
    payload.extend_from_slice(
        &request(Family::V4, 0xfff, Extensions::default(), None, 1)[..NLMSG_HDRLEN],
    );
    match decode_all(&nlmsg(NLMSG_ERROR_TYPE, 1, &payload)) {
        Err(SourceError::Netlink(e)) => assert_eq!(e.raw_os_error(), Some(libc::EPERM)),
        other => panic!("expected EPERM, got {other:?}"),
    }
    let mut ack = 0i32.to_ne_bytes().to_vec();
    ack.extend_from_slice(&[0; NLMSG_HDRLEN]);
    let (got, ended) = decode_all(&nlmsg(NLMSG_ERROR_TYPE, 1, &ack)).expect("an ack");
    assert!(got.is_empty() && ended);
}

#[test]
fn truncated_and_garbled_replies_are_errors_not_panics() {
    let good = {
        let mut b = reply(&DiagMsg::v4_established());
        b.extend(done());
        b
    };
    // Every prefix of a good buffer: either whole messages (fine) or an error, never a panic.
    let boundaries = [0, reply(&DiagMsg::v4_established()).len(), good.len()];
    for cut in 1..good.len() {
        let r = decode_all(&good[..cut]);
        if boundaries.contains(&cut) {
            assert!(r.is_ok(), "cut at {cut}: {r:?}");
        } else {
            assert!(
                matches!(r, Err(SourceError::Malformed(_))),
                "cut at {cut}: {r:?}"
            );
        }
    }

    // A length below the header's own.
    let mut short = reply(&DiagMsg::v4_established());
    short[0..4].copy_from_slice(&8u32.to_ne_bytes());
    assert!(matches!(decode_all(&short), Err(SourceError::Malformed(_))));

    // A length past the end of the buffer.
    let mut long = reply(&DiagMsg::v4_established());
    long[0..4].copy_from_slice(&4096u32.to_ne_bytes());
    assert!(matches!(decode_all(&long), Err(SourceError::Malformed(_))));

    // A socket message whose inet_diag_msg is cut short (the header's length agrees).
    let cut_msg = nlmsg(
        SOCK_DIAG_BY_FAMILY_TYPE,
        1,
        &DiagMsg::v4_established().bytes()[..40],
    );
    assert!(matches!(
        decode_all(&cut_msg),
        Err(SourceError::Malformed(_))
    ));

    // An error message too short to hold its errno.
    let cut_err = nlmsg(NLMSG_ERROR_TYPE, 1, &[0xff, 0xff]);
    assert!(matches!(
        decode_all(&cut_err),
        Err(SourceError::Malformed(_))
    ));

    // Random bytes: an error or nothing, never a panic.
    let mut x: u32 = 0x9e37_79b9;
    for len in 0..300 {
        let noise: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let _ = decode_all(&noise);
        let _ = ends_dump(&noise);
        let _ = decode(&noise, 0);
    }
}

#[test]
fn ends_dump_sees_done_and_error_anywhere_in_a_buffer() {
    let mut buf = reply(&DiagMsg::v4_established());
    assert!(!ends_dump(&buf));
    buf.extend(done());
    assert!(ends_dump(&buf));
    assert!(ends_dump(&nlmsg(NLMSG_ERROR_TYPE, 1, &[0; 20])));
    assert!(!ends_dump(&[]));
}

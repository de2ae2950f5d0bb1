//! The bytes of the sock_diag dump requests tcpstate sends: the per-family
//! `SOCK_DIAG_BY_FAMILY` request and the older `TCPDIAG_GETSOCK` one that walks both families
//! at once, each with its state mask, the extensions (tcp_info, memory) asked for and, when
//! the command has an ss expression, its bytecode (`INET_DIAG_REQ_BYTECODE`); and the
//! request about one socket by its exact endpoints (a lookup, or `SOCK_DESTROY`).

use netlink_packet_core::{
    NLM_F_DUMP, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage, NetlinkPayload,
};
use netlink_packet_sock_diag::{
    SockDiagMessage,
    constants::{AF_INET, AF_INET6, IPPROTO_TCP},
    inet::{ExtensionFlags, InetRequest, SocketId, StateFlags},
};

use crate::socket::Family;
use crate::tcpinfo::Extensions;

/// The bytes of a dump request for one family, a state mask and the extensions asked for.
pub(super) fn request(
    family: Family,
    states: u32,
    ext: Extensions,
    bytecode: Option<&[u8]>,
    seq: u32,
) -> Vec<u8> {
    let (af, socket_id) = match family {
        Family::V4 => (AF_INET, SocketId::new_v4()),
        Family::V6 => (AF_INET6, SocketId::new_v6()),
    };
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    header.sequence_number = seq;
    let mut msg = NetlinkMessage::new(
        header,
        NetlinkPayload::from(SockDiagMessage::InetRequest(InetRequest {
            family: af,
            protocol: IPPROTO_TCP,
            extensions: ExtensionFlags::from_bits_retain(ext.bits()),
            states: StateFlags::from_bits_retain(states),
            socket_id,
        })),
    );
    msg.finalize();
    let mut req = vec![0u8; msg.buffer_len()];
    msg.serialize(&mut req);
    append_bytecode(&mut req, bytecode);
    req
}

/// Append the filter program as an `INET_DIAG_REQ_BYTECODE` attribute and fix the message's
/// length. Programs are a multiple of 4 bytes long, so no padding is needed.
fn append_bytecode(req: &mut Vec<u8>, bytecode: Option<&[u8]>) {
    let Some(bc) = bytecode else { return };
    let attr_len = (4 + bc.len()) as u16;
    req.extend_from_slice(&attr_len.to_ne_bytes());
    req.extend_from_slice(&crate::filter::ss::bytecode::INET_DIAG_REQ_BYTECODE.to_ne_bytes());
    req.extend_from_slice(bc);
    let len = req.len() as u32;
    req[0..4].copy_from_slice(&len.to_ne_bytes());
}

/// The bytes of the older `TCPDIAG_GETSOCK` dump request, which the kernel answers for both
/// families in one walk of its socket hash table (the per-family request walks it once per
/// family, about 40 % more kernel time). Built by hand: `struct inet_diag_req` has no type in
/// the crate. Layout: nlmsghdr (16) + family, src_len, dst_len, ext (4) + inet_diag_sockid (48)
/// + states (4) + dbs (4).
pub(super) fn request_both(
    states: u32,
    ext: Extensions,
    bytecode: Option<&[u8]>,
    seq: u32,
) -> Vec<u8> {
    const TCPDIAG_GETSOCK: u16 = 18;
    const LEN: usize = 16 + 4 + 48 + 8;
    let mut req = vec![0u8; LEN];
    req[0..4].copy_from_slice(&(LEN as u32).to_ne_bytes());
    req[4..6].copy_from_slice(&TCPDIAG_GETSOCK.to_ne_bytes());
    req[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    req[8..12].copy_from_slice(&seq.to_ne_bytes());
    // Family AF_UNSPEC (0): every family; the socket id stays zero (no filter).
    req[16 + 3] = ext.bits();
    req[16 + 52..16 + 56].copy_from_slice(&states.to_ne_bytes());
    append_bytecode(&mut req, bytecode);
    req
}

/// One socket by its exact identity: family, local and remote endpoints, and the kernel's
/// cookie (`None`: any socket with these endpoints).
pub(super) type ExactId = (
    Family,
    std::net::SocketAddr,
    std::net::SocketAddr,
    Option<u64>,
);

/// Append to `req` the bytes of one request about one socket (`SOCK_DIAG_BY_FAMILY` without
/// `NLM_F_DUMP` to look it up, `SOCK_DESTROY` to close it): nlmsghdr (16) +
/// `inet_diag_req_v2` (56) naming it by its endpoints, in any state.
pub(super) fn exact_request(req: &mut Vec<u8>, msg_type: u16, flags: u16, id: ExactId, seq: u32) {
    let (family, local, remote, cookie) = id;
    req.extend_from_slice(&72u32.to_ne_bytes());
    req.extend_from_slice(&msg_type.to_ne_bytes());
    req.extend_from_slice(&flags.to_ne_bytes());
    req.extend_from_slice(&seq.to_ne_bytes());
    req.extend_from_slice(&0u32.to_ne_bytes());
    req.push(match family {
        Family::V4 => AF_INET,
        Family::V6 => AF_INET6,
    });
    req.push(IPPROTO_TCP);
    req.extend_from_slice(&[0, 0]);
    req.extend_from_slice(&u32::MAX.to_ne_bytes());
    req.extend_from_slice(&local.port().to_be_bytes());
    req.extend_from_slice(&remote.port().to_be_bytes());
    for ip in [local.ip(), remote.ip()] {
        let mut a = [0u8; 16];
        match ip {
            std::net::IpAddr::V4(v4) => a[..4].copy_from_slice(&v4.octets()),
            std::net::IpAddr::V6(v6) => a.copy_from_slice(&v6.octets()),
        }
        req.extend_from_slice(&a);
    }
    req.extend_from_slice(&0u32.to_ne_bytes());
    match cookie {
        Some(c) => {
            req.extend_from_slice(&(c as u32).to_ne_bytes());
            req.extend_from_slice(&((c >> 32) as u32).to_ne_bytes());
        }
        // INET_DIAG_NOCOOKIE: any socket with these endpoints.
        None => req.extend_from_slice(&[0xff; 8]),
    }
}

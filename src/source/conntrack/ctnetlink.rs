//! ctnetlink, the netfilter conntrack subsystem's netlink interface, spoken directly: the
//! dump of the table (asked for TCP only, which kernels since 5.10 filter themselves; older
//! ones send everything and the reader passes other protocols over), the per-CPU statistics
//! and the global entry count and limit. Messages are an nlmsghdr, nfnetlink's 4-byte
//! `nfgenmsg`, then attributes; the attribute numbers are those of the kernel's uapi header
//! `linux/netfilter/nfnetlink_conntrack.h`.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::{
    NLA_F_NESTED, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NetlinkBuffer,
};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_NETFILTER};

use crate::conntrack::{CtEntry, CtState, CtStats, CtTable, CtTuple};

const NFNL_SUBSYS_CTNETLINK: u16 = 1;
const IPCTNL_MSG_CT_GET: u16 = 1;
const IPCTNL_MSG_CT_GET_STATS_CPU: u16 = 4;
const IPCTNL_MSG_CT_GET_STATS: u16 = 5;

const NLA_TYPE_MASK: u16 = 0x3fff;

// enum ctattr_type
const CTA_TUPLE_ORIG: u16 = 1;
const CTA_TUPLE_REPLY: u16 = 2;
const CTA_STATUS: u16 = 3;
const CTA_PROTOINFO: u16 = 4;
const CTA_TIMEOUT: u16 = 7;
const CTA_MARK: u16 = 8;
const CTA_ZONE: u16 = 18;
const CTA_FILTER: u16 = 25;
// enum ctattr_tuple, ctattr_ip, ctattr_l4proto
const CTA_TUPLE_IP: u16 = 1;
const CTA_TUPLE_PROTO: u16 = 2;
const CTA_IP_V4_SRC: u16 = 1;
const CTA_IP_V4_DST: u16 = 2;
const CTA_IP_V6_SRC: u16 = 3;
const CTA_IP_V6_DST: u16 = 4;
const CTA_PROTO_NUM: u16 = 1;
const CTA_PROTO_SRC_PORT: u16 = 2;
const CTA_PROTO_DST_PORT: u16 = 3;
// enum ctattr_protoinfo, ctattr_protoinfo_tcp
const CTA_PROTOINFO_TCP: u16 = 1;
const CTA_PROTOINFO_TCP_STATE: u16 = 1;
// enum ctattr_filter
const CTA_FILTER_ORIG_FLAGS: u16 = 1;
const CTA_FILTER_FLAG_CTA_PROTO_NUM: u32 = 1 << 3;
// enum ctattr_stats_cpu, ctattr_stats_global
const CTA_STATS_FOUND: u16 = 2;
const CTA_STATS_INVALID: u16 = 4;
const CTA_STATS_INSERT: u16 = 8;
const CTA_STATS_INSERT_FAILED: u16 = 9;
const CTA_STATS_DROP: u16 = 10;
const CTA_STATS_EARLY_DROP: u16 = 11;
const CTA_STATS_ERROR: u16 = 12;
const CTA_STATS_SEARCH_RESTART: u16 = 13;
const CTA_STATS_GLOBAL_ENTRIES: u16 = 1;
const CTA_STATS_GLOBAL_MAX_ENTRIES: u16 = 2;
// enum ip_conntrack_status bits
const IPS_SEEN_REPLY: u32 = 1 << 1;
const IPS_ASSURED: u32 = 1 << 2;

const IPPROTO_TCP: u8 = 6;
const RECV_BUF: usize = 256 * 1024;

/// What can go wrong talking to ctnetlink.
#[derive(Debug, thiserror::Error)]
pub enum CtnetlinkError {
    #[error("cannot open a netfilter netlink socket: {0}")]
    Open(io::Error),
    /// The kernel refused: errno as it sent it.
    #[error("the kernel refused the conntrack request: {0}")]
    Refused(io::Error),
    #[error("the kernel's conntrack reply is malformed: {0}")]
    Malformed(String),
    #[error("the conntrack dump failed: {0}")]
    Io(io::Error),
}

impl CtnetlinkError {
    /// The errno the kernel answered with, if it refused.
    pub fn errno(&self) -> Option<i32> {
        match self {
            CtnetlinkError::Refused(e) | CtnetlinkError::Open(e) => e.raw_os_error(),
            _ => None,
        }
    }
}

/// A ctnetlink socket of the namespace it was opened in.
pub struct Ctnetlink {
    sock: Socket,
    seq: u32,
    buf: Vec<u8>,
}

/// Append one attribute (header, payload, padding to 4 bytes).
fn put_attr(out: &mut Vec<u8>, kind: u16, payload: &[u8]) {
    let len = 4 + payload.len();
    out.extend_from_slice(&(len as u16).to_ne_bytes());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(payload);
    out.resize(out.len().next_multiple_of(4), 0);
}

/// How a request is answered: a dump (many messages, then DONE) or one reply and an ACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Dump,
    Single,
}

/// A request: nlmsghdr, nfgenmsg (`family`; AF_UNSPEC: both), then `attrs`.
pub fn request(msg: u16, seq: u32, family: u8, answer: Answer, attrs: &[u8]) -> Vec<u8> {
    let flags = match answer {
        Answer::Dump => NLM_F_REQUEST | NLM_F_DUMP,
        Answer::Single => NLM_F_REQUEST | NLM_F_ACK,
    };
    let len = 16 + 4 + attrs.len();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&(len as u32).to_ne_bytes());
    out.extend_from_slice(&(NFNL_SUBSYS_CTNETLINK << 8 | msg).to_ne_bytes());
    out.extend_from_slice(&flags.to_ne_bytes());
    out.extend_from_slice(&seq.to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes());
    out.extend_from_slice(&[family, 0, 0, 0]);
    out.extend_from_slice(attrs);
    out
}

/// The attributes asking the kernel for TCP entries only: an original tuple whose protocol
/// is 6, and a filter saying the protocol number is what to compare.
pub fn tcp_filter_attrs() -> Vec<u8> {
    let mut proto = Vec::new();
    put_attr(&mut proto, CTA_PROTO_NUM, &[IPPROTO_TCP]);
    let mut tuple = Vec::new();
    put_attr(&mut tuple, CTA_TUPLE_PROTO | NLA_F_NESTED, &proto);
    let mut flags = Vec::new();
    put_attr(
        &mut flags,
        CTA_FILTER_ORIG_FLAGS,
        &CTA_FILTER_FLAG_CTA_PROTO_NUM.to_ne_bytes(),
    );
    let mut out = Vec::new();
    put_attr(&mut out, CTA_TUPLE_ORIG | NLA_F_NESTED, &tuple);
    put_attr(&mut out, CTA_FILTER | NLA_F_NESTED, &flags);
    out
}

/// The attributes in `b`: (type without flags, payload). Stops at the first attribute whose
/// length does not fit, which `check_attrs` reports.
fn attrs(b: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = b;
    std::iter::from_fn(move || {
        if rest.len() < 4 {
            return None;
        }
        let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
        let kind = u16::from_ne_bytes([rest[2], rest[3]]) & NLA_TYPE_MASK;
        if len < 4 || len > rest.len() {
            return None;
        }
        let payload = &rest[4..len];
        rest = &rest[len.next_multiple_of(4).min(rest.len())..];
        Some((kind, payload))
    })
}

fn be16(b: &[u8]) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(..2)?.try_into().ok()?))
}

fn be32(b: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(..4)?.try_into().ok()?))
}

fn be64_or_32(b: &[u8]) -> Option<u64> {
    match b.len() {
        8 => Some(u64::from_be_bytes(b.try_into().ok()?)),
        _ => be32(b).map(u64::from),
    }
}

/// A tuple (CTA_TUPLE_ORIG or _REPLY), and its protocol number.
fn tuple(b: &[u8]) -> Option<(CtTuple, u8)> {
    let (mut src, mut dst, mut sport, mut dport, mut proto) = (None, None, None, None, None);
    for (kind, p) in attrs(b) {
        match kind {
            CTA_TUPLE_IP => {
                for (k, a) in attrs(p) {
                    let addr = match a.len() {
                        4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(a).ok()?)),
                        16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(a).ok()?)),
                        _ => return None,
                    };
                    match k {
                        CTA_IP_V4_SRC | CTA_IP_V6_SRC => src = Some(addr),
                        CTA_IP_V4_DST | CTA_IP_V6_DST => dst = Some(addr),
                        _ => {}
                    }
                }
            }
            CTA_TUPLE_PROTO => {
                for (k, a) in attrs(p) {
                    match k {
                        CTA_PROTO_NUM => proto = a.first().copied(),
                        CTA_PROTO_SRC_PORT => sport = be16(a),
                        CTA_PROTO_DST_PORT => dport = be16(a),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Some((
        CtTuple {
            src: src?,
            dst: dst?,
            sport: sport?,
            dport: dport?,
        },
        proto?,
    ))
}

/// One conntrack message's attributes (after nfgenmsg) as an entry: `Ok(None)` for another
/// protocol, `Err` for a TCP entry that lacks what every entry has.
pub fn entry(b: &[u8]) -> Result<Option<CtEntry>, String> {
    let (mut orig, mut reply, mut state) = (None, None, None);
    let mut e_status = 0u32;
    let (mut timeout, mut mark, mut zone) = (None, None, 0u16);
    for (kind, p) in attrs(b) {
        match kind {
            CTA_TUPLE_ORIG => orig = tuple(p),
            CTA_TUPLE_REPLY => reply = tuple(p),
            CTA_STATUS => e_status = be32(p).unwrap_or(0),
            CTA_TIMEOUT => timeout = be32(p),
            CTA_MARK => mark = be32(p),
            CTA_ZONE => zone = be16(p).unwrap_or(0),
            CTA_PROTOINFO => {
                for (k, tcp) in attrs(p) {
                    if k == CTA_PROTOINFO_TCP {
                        for (k2, s) in attrs(tcp) {
                            if k2 == CTA_PROTOINFO_TCP_STATE {
                                state = s.first().copied();
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let Some((orig, proto)) = orig else {
        return Err("an entry without a readable original tuple".into());
    };
    if proto != IPPROTO_TCP {
        return Ok(None);
    }
    let Some((reply, _)) = reply else {
        return Err("a TCP entry without a readable reply tuple".into());
    };
    let state = match state {
        Some(n) => CtState::from_kernel(n).ok_or(format!("TCP conntrack state {n} is unknown"))?,
        None => return Err("a TCP entry without its TCP state".into()),
    };
    Ok(Some(CtEntry {
        state,
        orig,
        reply,
        timeout,
        mark,
        zone,
        assured: e_status & IPS_ASSURED != 0,
        unreplied: e_status & IPS_SEEN_REPLY == 0,
    }))
}

/// Add one CPU's statistics message to `s`.
pub fn add_cpu_stats(s: &mut CtStats, b: &[u8]) {
    for (kind, p) in attrs(b) {
        let Some(v) = be32(p).map(u64::from) else {
            continue;
        };
        match kind {
            CTA_STATS_FOUND => s.found += v,
            CTA_STATS_INVALID => s.invalid += v,
            CTA_STATS_INSERT => s.insert += v,
            CTA_STATS_INSERT_FAILED => s.insert_failed += v,
            CTA_STATS_DROP => s.drop += v,
            CTA_STATS_EARLY_DROP => s.early_drop += v,
            CTA_STATS_ERROR => s.error += v,
            CTA_STATS_SEARCH_RESTART => s.search_restart += v,
            _ => {}
        }
    }
}

impl Ctnetlink {
    /// Open a socket in the current namespace.
    pub fn open() -> Result<Ctnetlink, CtnetlinkError> {
        let mut sock = Socket::new(NETLINK_NETFILTER).map_err(CtnetlinkError::Open)?;
        sock.bind_auto().map_err(CtnetlinkError::Open)?;
        sock.connect(&SocketAddr::new(0, 0))
            .map_err(CtnetlinkError::Open)?;
        let _ = sock.set_rx_buf_sz(1 << 20);
        Ok(Ctnetlink {
            sock,
            seq: 0,
            buf: Vec::with_capacity(RECV_BUF),
        })
    }

    /// Send a dump request and hand each reply message's attributes (after nfgenmsg) to
    /// `each` until the dump is done or `each` returns false (the rest is still read, so the
    /// socket stays usable).
    fn dump(
        &mut self,
        msg: u16,
        family: u8,
        answer: Answer,
        attrs: &[u8],
        each: &mut dyn FnMut(&[u8]) -> Result<bool, CtnetlinkError>,
    ) -> Result<(), CtnetlinkError> {
        self.seq = self.seq.wrapping_add(1);
        let req = request(msg, self.seq, family, answer, attrs);
        self.sock.send(&req, 0).map_err(CtnetlinkError::Io)?;
        let mut wanted = true;
        loop {
            self.buf.clear();
            let n = self
                .sock
                .recv(&mut self.buf, 0)
                .map_err(CtnetlinkError::Io)?;
            if n == 0 {
                return Err(CtnetlinkError::Malformed("an empty read".into()));
            }
            let mut off = 0usize;
            while self.buf.len() - off >= 16 {
                let nl = NetlinkBuffer::new_checked(&self.buf[off..]).map_err(|e| {
                    CtnetlinkError::Malformed(format!(
                        "a message in a read of {} bytes: {e}",
                        self.buf.len() - off
                    ))
                })?;
                let len = nl.length() as usize;
                if len < 16 {
                    return Err(CtnetlinkError::Malformed(format!(
                        "a message of {len} bytes"
                    )));
                }
                off = (off + len.next_multiple_of(4)).min(self.buf.len());
                let body = nl.payload();
                match nl.message_type() {
                    NLMSG_DONE => return Ok(()),
                    NLMSG_ERROR => {
                        let code = body
                            .get(..4)
                            .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                            .unwrap_or(0);
                        if code == 0 {
                            return Ok(());
                        }
                        return Err(CtnetlinkError::Refused(io::Error::from_raw_os_error(-code)));
                    }
                    _ => {
                        if wanted && body.len() >= 4 {
                            wanted = each(&body[4..])?;
                        }
                    }
                }
            }
        }
    }

    /// Push each TCP entry of the families asked for into `each` until it returns false.
    /// The kernel filters to TCP one family at a time (its filter needs a family); a kernel
    /// without the filter (before 5.10) is asked for everything and other protocols and
    /// families are passed over here.
    pub fn entries(
        &mut self,
        v4: bool,
        v6: bool,
        each: &mut dyn FnMut(CtEntry) -> bool,
    ) -> Result<(), CtnetlinkError> {
        let mut going = true;
        let mut run = |me: &mut Ctnetlink, family: u8, attrs: &[u8]| {
            me.dump(IPCTNL_MSG_CT_GET, family, Answer::Dump, attrs, &mut |b| {
                if !going {
                    return Ok(false);
                }
                match entry(b) {
                    Ok(Some(e)) if (e.is_v4() && v4) || (!e.is_v4() && v6) => {
                        going = each(e);
                        Ok(going)
                    }
                    Ok(_) => Ok(true),
                    Err(why) => Err(CtnetlinkError::Malformed(why)),
                }
            })
        };
        let filter = tcp_filter_attrs();
        let families = [(v4, libc::AF_INET as u8), (v6, libc::AF_INET6 as u8)];
        let mut first = true;
        for (wanted, family) in families {
            if !wanted {
                continue;
            }
            match run(self, family, &filter) {
                Err(e) if first && matches!(e.errno(), Some(libc::EINVAL | libc::EOPNOTSUPP)) => {
                    return run(self, libc::AF_UNSPEC as u8, &[]);
                }
                r => r?,
            }
            first = false;
        }
        Ok(())
    }

    /// The statistics, summed over every CPU.
    pub fn stats(&mut self) -> Result<CtStats, CtnetlinkError> {
        let mut s = CtStats::default();
        self.dump(
            IPCTNL_MSG_CT_GET_STATS_CPU,
            0,
            Answer::Dump,
            &[],
            &mut |b| {
                add_cpu_stats(&mut s, b);
                Ok(true)
            },
        )?;
        Ok(s)
    }

    /// The number of entries (every protocol) and the limit.
    pub fn table(&mut self) -> Result<CtTable, CtnetlinkError> {
        let mut t = CtTable::default();
        self.dump(IPCTNL_MSG_CT_GET_STATS, 0, Answer::Single, &[], &mut |b| {
            for (kind, p) in attrs(b) {
                match kind {
                    CTA_STATS_GLOBAL_ENTRIES => t.entries = be64_or_32(p),
                    CTA_STATS_GLOBAL_MAX_ENTRIES => t.max = be64_or_32(p),
                    _ => {}
                }
            }
            Ok(true)
        })?;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(kind: u16, inner: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        put_attr(&mut v, kind | NLA_F_NESTED, inner);
        v
    }

    fn tuple_attr(kind: u16, src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16) -> Vec<u8> {
        let mut ip = Vec::new();
        put_attr(&mut ip, CTA_IP_V4_SRC, &src);
        put_attr(&mut ip, CTA_IP_V4_DST, &dst);
        let mut proto = Vec::new();
        put_attr(&mut proto, CTA_PROTO_NUM, &[6]);
        put_attr(&mut proto, CTA_PROTO_SRC_PORT, &sport.to_be_bytes());
        put_attr(&mut proto, CTA_PROTO_DST_PORT, &dport.to_be_bytes());
        let mut t = nested(CTA_TUPLE_IP, &ip);
        t.extend(nested(CTA_TUPLE_PROTO, &proto));
        nested(kind, &t)
    }

    #[test]
    fn request_header_names_the_subsystem_and_asks_a_dump() {
        let r = request(IPCTNL_MSG_CT_GET, 7, 2, Answer::Dump, &tcp_filter_attrs());
        assert_eq!(
            u32::from_ne_bytes(r[0..4].try_into().unwrap()) as usize,
            r.len()
        );
        assert_eq!(u16::from_ne_bytes([r[4], r[5]]), 0x0101);
        assert_eq!(u16::from_ne_bytes([r[6], r[7]]), 0x0301);
        assert_eq!(r[16], 2);
        assert_eq!(r.len() % 4, 0);
    }

    #[test]
    fn an_entry_decodes_tuples_state_status_and_mark() {
        let mut b = tuple_attr(CTA_TUPLE_ORIG, [10, 0, 0, 1], [10, 0, 0, 2], 40000, 80);
        b.extend(tuple_attr(
            CTA_TUPLE_REPLY,
            [10, 0, 0, 2],
            [10, 0, 0, 1],
            80,
            40000,
        ));
        put_attr(
            &mut b,
            CTA_STATUS,
            &(IPS_ASSURED | IPS_SEEN_REPLY).to_be_bytes(),
        );
        put_attr(&mut b, CTA_TIMEOUT, &120u32.to_be_bytes());
        put_attr(&mut b, CTA_MARK, &5u32.to_be_bytes());
        let mut st = Vec::new();
        put_attr(&mut st, CTA_PROTOINFO_TCP_STATE, &[7]);
        b.extend(nested(CTA_PROTOINFO, &nested(CTA_PROTOINFO_TCP, &st)));
        let e = entry(&b).unwrap().unwrap();
        assert_eq!(e.state, CtState::TimeWait);
        assert_eq!(e.orig.sport, 40000);
        assert_eq!(e.reply.dport, 40000);
        assert_eq!((e.timeout, e.mark, e.zone), (Some(120), Some(5), 0));
        assert!(e.assured && !e.unreplied);
    }

    #[test]
    fn a_tcp_entry_without_state_is_an_error_and_truncation_does_not_panic() {
        let mut b = tuple_attr(CTA_TUPLE_ORIG, [10, 0, 0, 1], [10, 0, 0, 2], 1, 2);
        b.extend(tuple_attr(
            CTA_TUPLE_REPLY,
            [10, 0, 0, 2],
            [10, 0, 0, 1],
            2,
            1,
        ));
        assert!(entry(&b).is_err());
        for cut in 0..b.len() {
            let _ = entry(&b[..cut]);
        }
    }
}

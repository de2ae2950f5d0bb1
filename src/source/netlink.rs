//! The default live source: a sock_diag (`NETLINK_SOCK_DIAG`) dump of the kernel's TCP sockets,
//! IPv4 and IPv6, with the wanted states handed to the kernel as its state mask so unwanted
//! sockets never cross into user space. Requests are built with `netlink-packet-sock-diag`;
//! replies are decoded here from the fixed `inet_diag_msg` layout, straight out of the receive
//! buffer, without an allocation per socket (the crate's decoder drops TIME_WAIT expiry times
//! and allocates attribute lists we never read).

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::{
    NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NetlinkBuffer, NetlinkHeader,
    NetlinkMessage, NetlinkPayload,
};
use netlink_packet_sock_diag::{
    AF_INET, AF_INET6, IPPROTO_TCP, SockDiagMessage,
    inet::{ExtensionFlags, InetRequest, SocketId, StateFlags},
};
use netlink_sys::{Socket as NlSocket, SocketAddr as NlAddr, protocols::NETLINK_SOCK_DIAG};

use super::{Query, Report, Source, SourceError};
use crate::socket::{Endpoint, Family, Flow, Sink, Socket, Timer, TimerKind};
use crate::tcp::state::TcpState;

/// Size of the receive buffer; the kernel fills up to about 32 KiB per message batch.
const RECV_BUF: usize = 256 * 1024;
/// Length of the fixed `struct inet_diag_msg`.
const DIAG_MSG_LEN: usize = 72;

/// A sock_diag dumper. One netlink socket, reused for every family and every run; it stays
/// bound to the network namespace it was opened in.
pub struct NetlinkSource {
    sock: NlSocket,
    buf: Vec<u8>,
    seq: u32,
    netns: u64,
    /// Whether the kernel answers the both-families request (assumed until it refuses).
    both_in_one_dump: bool,
}

impl NetlinkSource {
    /// Open the netlink socket in the calling thread's current network namespace.
    pub fn open() -> Result<NetlinkSource, SourceError> {
        let mut sock = NlSocket::new(NETLINK_SOCK_DIAG).map_err(SourceError::NetlinkUnavailable)?;
        sock.bind_auto().map_err(SourceError::NetlinkUnavailable)?;
        sock.connect(&NlAddr::new(0, 0))
            .map_err(SourceError::NetlinkUnavailable)?;
        // A larger socket buffer lets the kernel batch more per wake-up; failure is harmless.
        let _ = sock.set_rx_buf_sz(1 << 20);
        Ok(NetlinkSource {
            sock,
            buf: Vec::with_capacity(RECV_BUF),
            seq: 0,
            netns: current_netns_inode(),
            both_in_one_dump: true,
        })
    }

    fn send_request(&mut self, family: u8, states: u32) -> Result<(), SourceError> {
        let socket_id = if family == AF_INET {
            SocketId::new_v4()
        } else {
            SocketId::new_v6()
        };
        let mut header = NetlinkHeader::default();
        header.flags = NLM_F_REQUEST | NLM_F_DUMP;
        self.seq = self.seq.wrapping_add(1);
        header.sequence_number = self.seq;
        let mut msg = NetlinkMessage::new(
            header,
            NetlinkPayload::from(SockDiagMessage::InetRequest(InetRequest {
                family,
                protocol: IPPROTO_TCP,
                extensions: ExtensionFlags::empty(),
                states: StateFlags::from_bits_retain(states),
                socket_id,
            })),
        );
        msg.finalize();
        let mut req = vec![0u8; msg.buffer_len()];
        msg.serialize(&mut req);
        self.sock.send(&req, 0).map_err(SourceError::Netlink)?;
        Ok(())
    }

    /// Dump one family, pushing each socket into `sink`. Returns the sockets pushed and
    /// whether the sink asked to stop.
    fn dump_family(
        &mut self,
        family: Family,
        states: u32,
        sink: &mut dyn Sink,
    ) -> Result<(u64, Flow), SourceError> {
        let af = match family {
            Family::V4 => AF_INET,
            Family::V6 => AF_INET6,
        };
        self.send_request(af, states)?;
        self.receive(sink)
    }

    /// Send the older `TCPDIAG_GETSOCK` dump request, which the kernel answers for both
    /// families in one walk of its socket hash tables (the per-family request walks them once
    /// per family). Built by hand: `struct inet_diag_req` has no type in the crate.
    fn send_request_both(&mut self, states: u32) -> Result<(), SourceError> {
        const TCPDIAG_GETSOCK: u16 = 18;
        // nlmsghdr (16) + inet_diag_req: family, src_len, dst_len, ext (4), inet_diag_sockid
        // (48), states (4), dbs (4).
        const LEN: usize = 16 + 4 + 48 + 8;
        self.seq = self.seq.wrapping_add(1);
        let mut req = [0u8; LEN];
        req[0..4].copy_from_slice(&(LEN as u32).to_ne_bytes());
        req[4..6].copy_from_slice(&TCPDIAG_GETSOCK.to_ne_bytes());
        req[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
        req[8..12].copy_from_slice(&self.seq.to_ne_bytes());
        // family AF_UNSPEC (0): every family; the socket id stays zero (no filter).
        req[16 + 52..16 + 56].copy_from_slice(&states.to_ne_bytes());
        self.sock.send(&req, 0).map_err(SourceError::Netlink)?;
        Ok(())
    }

    /// Read one dump's replies, pushing each socket into `sink`, up to the end of the dump.
    fn receive(&mut self, sink: &mut dyn Sink) -> Result<(u64, Flow), SourceError> {
        let mut pushed = 0u64;
        let mut flow = Flow::Continue;
        loop {
            self.buf.clear();
            let n = self
                .sock
                .recv(&mut self.buf, 0)
                .map_err(SourceError::Netlink)?;
            if n == 0 {
                return Err(SourceError::Malformed("empty netlink read".into()));
            }
            let mut off = 0usize;
            while off < self.buf.len() {
                let nl = NetlinkBuffer::new_checked(&self.buf[off..])
                    .map_err(|e| SourceError::Malformed(e.to_string()))?;
                let len = nl.length() as usize;
                if len < 16 {
                    return Err(SourceError::Malformed(format!(
                        "netlink message of {len} bytes"
                    )));
                }
                match nl.message_type() {
                    NLMSG_DONE => return Ok((pushed, flow)),
                    NLMSG_ERROR => {
                        let p = nl.payload();
                        let code = p
                            .get(..4)
                            .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                            .unwrap_or(0);
                        if code == 0 {
                            return Ok((pushed, flow));
                        }
                        return Err(SourceError::Netlink(io::Error::from_raw_os_error(-code)));
                    }
                    _ if flow == Flow::Continue => {
                        if let Some(s) = decode(nl.payload(), self.netns) {
                            pushed += 1;
                            flow = sink.socket(&s);
                        }
                    }
                    // The sink stopped: drain the rest of the dump so the socket can be reused.
                    _ => {}
                }
                off += (len + 3) & !3;
            }
        }
    }

    /// Dump everything `query` asks for and count the bytes received, decoding nothing: the
    /// floor a socket dump can reach (used by the benchmark).
    pub fn dump_raw(&mut self, query: &Query) -> Result<u64, SourceError> {
        let mut bytes = 0u64;
        for family in query.families() {
            let af = if family == Family::V4 {
                AF_INET
            } else {
                AF_INET6
            };
            self.send_request(af, query.states.bits())?;
            'recv: loop {
                self.buf.clear();
                let n = self
                    .sock
                    .recv(&mut self.buf, 0)
                    .map_err(SourceError::Netlink)?;
                bytes += n as u64;
                let mut off = 0usize;
                while off + 16 <= self.buf.len() {
                    let nl = NetlinkBuffer::new(&self.buf[off..]);
                    let len = nl.length() as usize;
                    if nl.message_type() == NLMSG_DONE
                        || nl.message_type() == NLMSG_ERROR
                        || len < 16
                    {
                        break 'recv;
                    }
                    off += (len + 3) & !3;
                }
            }
        }
        Ok(bytes)
    }
}

impl Source for NetlinkSource {
    fn run(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        let mut report = Report::default();
        for family in query.families() {
            let (n, flow) = self.dump_family(family, query.states.bits(), sink)?;
            report.sockets += n;
            if flow == Flow::Stop {
                break;
            }
        }
        Ok(report)
    }

    fn run_unordered(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        if !(query.v4 && query.v6 && self.both_in_one_dump) {
            return self.run(query, sink);
        }
        self.send_request_both(query.states.bits())?;
        match self.receive(sink) {
            Ok((n, _)) => Ok(Report {
                sockets: n,
                ..Report::default()
            }),
            // A kernel without the older request: per family from now on.
            Err(SourceError::Netlink(e))
                if matches!(
                    e.raw_os_error(),
                    Some(libc::EINVAL | libc::EOPNOTSUPP | libc::ENOENT)
                ) =>
            {
                self.both_in_one_dump = false;
                self.run(query, sink)
            }
            Err(e) => Err(e),
        }
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn port_at(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn addr_at(b: &[u8], at: usize, family: Family) -> IpAddr {
    match family {
        Family::V4 => IpAddr::V4(Ipv4Addr::new(b[at], b[at + 1], b[at + 2], b[at + 3])),
        Family::V6 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[at..at + 16]);
            IpAddr::V6(Ipv6Addr::from(a))
        }
    }
}

/// Decode one `inet_diag_msg`. Unknown families or states yield `None`.
fn decode(p: &[u8], netns: u64) -> Option<Socket> {
    if p.len() < DIAG_MSG_LEN {
        return None;
    }
    let family = match p[0] {
        AF_INET => Family::V4,
        AF_INET6 => Family::V6,
        _ => return None,
    };
    let state = TcpState::from_kernel(p[1])?.reported();
    let timer = TimerKind::from_kernel(p[2]);
    let cookie = u64::from(u32_at(p, 44)) | (u64::from(u32_at(p, 48)) << 32);
    let uid = u32_at(p, 64);
    let inode = u64::from(u32_at(p, 68));
    // Mini-sockets carry no owner: the kernel reports uid 0 and inode 0 for them.
    let mini = matches!(state, TcpState::TimeWait | TcpState::SynRecv) && inode == 0;
    Some(Socket {
        family,
        state,
        recv_q: u32_at(p, 56),
        send_q: u32_at(p, 60),
        local: Endpoint::new(addr_at(p, 8, family), port_at(p, 4)),
        remote: Endpoint::new(addr_at(p, 24, family), port_at(p, 6)),
        uid: if mini { None } else { Some(uid) },
        inode,
        cookie: Some(cookie),
        timer: Timer {
            kind: timer,
            expires_ms: u64::from(u32_at(p, 52)),
            retransmits: u32::from(p[3]),
        },
        netns,
    })
}

/// Inode of the calling thread's network namespace, 0 when it cannot be read.
pub fn current_netns_inode() -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/thread-self/ns/net")
        .map(|m| m.ino())
        .unwrap_or(0)
}

//! The default live source: a sock_diag (`NETLINK_SOCK_DIAG`) dump of the kernel's TCP sockets,
//! IPv4 and IPv6, with the wanted states handed to the kernel as its state mask so unwanted
//! sockets never cross into user space. Requests are built with `netlink-packet-sock-diag`;
//! replies are decoded here from the fixed `inet_diag_msg` layout, straight out of the receive
//! buffer, without an allocation per socket (the crate's decoder drops TIME_WAIT expiry times
//! and allocates attribute lists we never read).

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

use netlink_packet_core::{NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NetlinkBuffer};
use netlink_packet_sock_diag::{AF_INET, AF_INET6};
use netlink_sys::{Socket as NlSocket, SocketAddr as NlAddr, protocols::NETLINK_SOCK_DIAG};

use super::diag_request::{exact_request, request, request_both};
use super::{Query, Report, Source, SourceError};
use crate::sink::{Flow, Sink};
use crate::socket::{Endpoint, Family, ListedOwners, Socket, Timer, TimerKind};
use crate::tcp::state::{StateSet, TcpState};

/// Size of one receive buffer. The kernel hands out at most about 32 KiB per read of a dump.
const RECV_BUF: usize = 64 * 1024;
/// Filled buffers that may wait between a dump thread and the decoder, per family.
const IN_FLIGHT: usize = 4;
/// Length of the fixed `struct inet_diag_msg`.
const DIAG_MSG_LEN: usize = 72;

/// A sock_diag dumper with one netlink socket per family, opened in the calling thread's
/// network namespace (a netlink socket stays bound to the namespace it was opened in, so the
/// source can be opened in a thread that entered another namespace and used anywhere).
///
/// A run dumps both families at once, each from a thread of its own receiving into a small
/// ring of buffers, while the calling thread decodes and pushes sockets into the sink in
/// order (IPv4 first): the kernel's walk of its tables and our decoding overlap, and memory
/// stays bounded whatever the number of sockets.
pub struct NetlinkSource {
    pub(super) socks: [NlSocket; 2],
    pub(super) seq: u32,
    netns: u64,
    /// Whether the kernel answers the older both-families request (cleared on first refusal).
    both_in_one_dump: bool,
}

fn open_socket() -> Result<NlSocket, SourceError> {
    let mut sock = NlSocket::new(NETLINK_SOCK_DIAG).map_err(SourceError::NetlinkUnavailable)?;
    sock.bind_auto().map_err(SourceError::NetlinkUnavailable)?;
    sock.connect(&NlAddr::new(0, 0))
        .map_err(SourceError::NetlinkUnavailable)?;
    // A larger socket buffer lets the kernel batch more per wake-up; failure is harmless.
    let _ = sock.set_rx_buf_sz(1 << 20);
    Ok(sock)
}

/// Whether a received buffer ends the dump (holds NLMSG_DONE or NLMSG_ERROR).
fn ends_dump(buf: &[u8]) -> bool {
    let mut off = 0usize;
    while off + 16 <= buf.len() {
        let nl = NetlinkBuffer::new(&buf[off..]);
        let len = nl.length() as usize;
        if matches!(nl.message_type(), NLMSG_DONE | NLMSG_ERROR) || len < 16 {
            return true;
        }
        off += (len + 3) & !3;
    }
    false
}

/// A dump thread: send the request, then pass every received buffer on. When the decoder has
/// gone (the sink stopped), keep reading to the end so the socket is clean for the next run.
fn dump_thread(
    sock: &NlSocket,
    req: &[u8],
    tx: SyncSender<Result<Vec<u8>, SourceError>>,
    back: Receiver<Vec<u8>>,
) {
    if let Err(e) = sock.send(req, 0) {
        let _ = tx.send(Err(SourceError::Netlink(e)));
        return;
    }
    let mut decoder_gone = false;
    loop {
        let mut buf = back
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(RECV_BUF));
        buf.clear();
        match sock.recv(&mut buf, 0) {
            Ok(0) => {
                let _ = tx.send(Err(SourceError::Malformed("empty netlink read".into())));
                return;
            }
            Ok(_) => {}
            Err(e) => {
                let _ = tx.send(Err(SourceError::Netlink(e)));
                return;
            }
        }
        let done = ends_dump(&buf);
        if !decoder_gone && tx.send(Ok(buf)).is_err() {
            decoder_gone = true;
        }
        if done {
            return;
        }
    }
}

/// The netlink message at `off` of `buf`, checked, and the offset of the one after it.
pub(super) fn message_at(
    buf: &[u8],
    off: usize,
) -> Result<(NetlinkBuffer<&[u8]>, usize), SourceError> {
    let nl = NetlinkBuffer::new_checked(&buf[off..])
        .map_err(|e| SourceError::Malformed(e.to_string()))?;
    let len = nl.length() as usize;
    if len < 16 {
        return Err(SourceError::Malformed(format!(
            "netlink message of {len} bytes"
        )));
    }
    Ok((nl, off + ((len + 3) & !3)))
}

/// The (negative errno or 0) code of an NLMSG_ERROR message.
pub(super) fn error_code(nl: &NetlinkBuffer<&[u8]>) -> Result<i32, SourceError> {
    nl.payload()
        .get(..4)
        .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| SourceError::Malformed("netlink error cut short".into()))
}

/// Decode one received buffer into the sink. Returns whether the dump ended in it. `bound`:
/// the buffer answers a walk of the bind table, whose sockets the kernel reports as CLOSE but
/// are bound and inactive (BOUND_INACTIVE).
fn decode_buffer(
    buf: &[u8],
    netns: u64,
    bound: bool,
    sink: &mut dyn Sink,
    pushed: &mut u64,
) -> Result<(bool, Flow), SourceError> {
    let mut off = 0usize;
    while off < buf.len() {
        let (nl, next) = message_at(buf, off)?;
        off = next;
        match nl.message_type() {
            NLMSG_DONE => return Ok((true, Flow::Continue)),
            NLMSG_ERROR => {
                let code = error_code(&nl)?;
                if code == 0 {
                    return Ok((true, Flow::Continue));
                }
                return Err(SourceError::Netlink(io::Error::from_raw_os_error(-code)));
            }
            _ => {
                // A socket's reply (type of the request: SOCK_DIAG_BY_FAMILY, or 18 for the
                // older TCPDIAG_GETSOCK) must hold a whole inet_diag_msg.
                let socket_reply = matches!(nl.message_type(), SOCK_DIAG_BY_FAMILY | 18);
                if socket_reply && nl.payload().len() < DIAG_MSG_LEN {
                    return Err(SourceError::Malformed(format!(
                        "inet_diag_msg of {} bytes",
                        nl.payload().len()
                    )));
                }
                if let Some(mut s) = decode(nl.payload(), netns) {
                    if bound {
                        s.state = TcpState::BoundInactive;
                    }
                    *pushed += 1;
                    if sink.socket(&s).map_err(SourceError::Sink)? == Flow::Stop {
                        return Ok((false, Flow::Stop));
                    }
                }
            }
        }
    }
    Ok((false, Flow::Continue))
}

impl NetlinkSource {
    /// Open the netlink sockets in the calling thread's current network namespace.
    pub fn open() -> Result<NetlinkSource, SourceError> {
        Ok(NetlinkSource {
            socks: [open_socket()?, open_socket()?],
            seq: 0,
            netns: current_netns_inode(),
            both_in_one_dump: true,
        })
    }

    /// Inode of the namespace the sockets are bound to.
    pub fn netns(&self) -> u64 {
        self.netns
    }

    /// Dump everything `query` asks for, one family after the other on the calling thread,
    /// and count the bytes received, decoding nothing: the floor a socket dump can reach
    /// (used by the benchmark).
    pub fn dump_raw(&mut self, query: &Query) -> Result<u64, SourceError> {
        let mut bytes = 0u64;
        let mut buf = Vec::with_capacity(RECV_BUF);
        for family in query.families() {
            self.seq = self.seq.wrapping_add(1);
            let sock = &self.socks[family.index()];
            sock.send(
                &request(
                    family,
                    query.states.bits(),
                    query.extensions,
                    query.bytecode.as_deref(),
                    self.seq,
                ),
                0,
            )
            .map_err(SourceError::Netlink)?;
            loop {
                buf.clear();
                bytes += sock.recv(&mut buf, 0).map_err(SourceError::Netlink)? as u64;
                if ends_dump(&buf) {
                    break;
                }
            }
        }
        Ok(bytes)
    }
}

/// `SOCK_DIAG_BY_FAMILY`.
pub(super) const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// Exact lookups sent per `send`: their replies must fit the receive buffer.
pub(super) const LOOKUP_BATCH: usize = 64;
/// Room for one reply to an exact lookup (an `inet_diag_msg` and a few attributes).
pub(super) const SLOT: usize = 1024;

/// Read the answers to a batch of `want` requests sent on `sock`, each message handed to
/// `take` with its index in the batch (its sequence number less `first_seq`); `take` says
/// whether the message answered its request. Returns when every request was answered.
pub(super) fn read_answers(
    sock: &NlSocket,
    slots: &mut [u8],
    want: usize,
    first_seq: u32,
    mut take: impl FnMut(usize, &NetlinkBuffer<&[u8]>) -> Result<bool, SourceError>,
) -> Result<(), SourceError> {
    let mut answered = 0usize;
    while answered < want {
        // One reply per datagram: take as many as are queued in one system call.
        let lens = recv_many(sock, slots, want - answered)?;
        for (k, &n) in lens.iter().enumerate() {
            let msg = &slots[k * SLOT..k * SLOT + n.min(SLOT)];
            let mut off = 0usize;
            while off + 16 <= msg.len() {
                let (nl, next) = message_at(msg, off)?;
                off = next;
                let i = nl.sequence_number().wrapping_sub(first_seq) as usize;
                if take(i, &nl)? {
                    answered += 1;
                }
            }
        }
    }
    Ok(())
}

/// Receive up to `want` datagrams into `SLOT`-sized slots of `buf` with one `recvmmsg`,
/// waiting for the first only. Returns each datagram's length.
pub(super) fn recv_many(
    sock: &NlSocket,
    buf: &mut [u8],
    want: usize,
) -> Result<Vec<usize>, SourceError> {
    use std::os::fd::AsRawFd;
    let n = want.min(buf.len() / SLOT).max(1);
    let mut iov: Vec<libc::iovec> = buf
        .chunks_mut(SLOT)
        .take(n)
        .map(|c| libc::iovec {
            iov_base: c.as_mut_ptr().cast(),
            iov_len: c.len(),
        })
        .collect();
    let mut msgs: Vec<libc::mmsghdr> = iov
        .iter_mut()
        .map(|v| {
            // SAFETY: an all-zero mmsghdr is valid; only the iovec is set.
            let mut m: libc::mmsghdr = unsafe { std::mem::zeroed() };
            m.msg_hdr.msg_iov = v;
            m.msg_hdr.msg_iovlen = 1;
            m
        })
        .collect();
    loop {
        // SAFETY: msgs and the iovecs point into `buf`, which outlives the call.
        let r = unsafe {
            libc::recvmmsg(
                sock.as_raw_fd(),
                msgs.as_mut_ptr(),
                msgs.len() as _,
                libc::MSG_WAITFORONE as _,
                std::ptr::null_mut(),
            )
        };
        if r >= 0 {
            return Ok(msgs[..r as usize]
                .iter()
                .map(|m| m.msg_len as usize)
                .collect());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(SourceError::Netlink(e));
        }
    }
}

impl NetlinkSource {
    /// Look up sockets by their exact endpoints `(family, local, remote)`, many per system
    /// call: the kernel's own hash lookup, which also finds TIME_WAIT mini-sockets (reported
    /// with their sub-state: TIME_WAIT, or FIN_WAIT2 while the peer's FIN is awaited). Returns
    /// one entry per key, `None` where no socket has those endpoints.
    pub fn lookup_exact(
        &mut self,
        keys: &[(Family, std::net::SocketAddr, std::net::SocketAddr)],
    ) -> Result<Vec<Option<Socket>>, SourceError> {
        let mut out: Vec<Option<Socket>> = Vec::with_capacity(keys.len());
        let mut req = Vec::with_capacity(LOOKUP_BATCH * 72);
        let mut slots = vec![0u8; LOOKUP_BATCH * SLOT];
        for chunk in keys.chunks(LOOKUP_BATCH) {
            req.clear();
            let first_seq = self.seq.wrapping_add(1);
            for (family, local, remote) in chunk {
                self.seq = self.seq.wrapping_add(1);
                exact_request(
                    &mut req,
                    SOCK_DIAG_BY_FAMILY,
                    NLM_F_REQUEST,
                    (*family, *local, *remote, None),
                    self.seq,
                );
            }
            self.socks[0].send(&req, 0).map_err(SourceError::Netlink)?;
            let base = out.len();
            out.resize(base + chunk.len(), None);
            let netns = self.netns;
            read_answers(
                &self.socks[0],
                &mut slots,
                chunk.len(),
                first_seq,
                |i, nl| {
                    if i >= chunk.len() {
                        return Ok(false);
                    }
                    if nl.message_type() == SOCK_DIAG_BY_FAMILY {
                        out[base + i] = decode(nl.payload(), netns);
                    }
                    Ok(true)
                },
            )?;
        }
        Ok(out)
    }
}

impl NetlinkSource {
    /// Send each request on its socket from a dump thread of its own, and decode the replies
    /// on the calling thread, one stream after the other, into `sink`.
    fn run_requests(
        &mut self,
        reqs: &[(usize, Vec<u8>)],
        bound: bool,
        sink: &mut dyn Sink,
    ) -> Result<Report, SourceError> {
        let mut report = Report::default();
        let netns = self.netns;
        let socks = &self.socks;
        std::thread::scope(|scope| {
            let mut streams = Vec::new();
            for (sock, req) in reqs {
                let (tx, rx) = sync_channel(IN_FLIGHT);
                let (back_tx, back_rx) = channel();
                let sock = &socks[*sock];
                scope.spawn(move || dump_thread(sock, req, tx, back_rx));
                streams.push((rx, back_tx));
            }
            let mut flow = Flow::Continue;
            for (rx, back_tx) in streams {
                if flow == Flow::Stop {
                    break; // dropping rx lets the dump thread drain on its own
                }
                for msg in &rx {
                    let buf = msg?;
                    let (done, f) = decode_buffer(&buf, netns, bound, sink, &mut report.sockets)?;
                    let _ = back_tx.send(buf);
                    flow = f;
                    if done || flow == Flow::Stop {
                        break;
                    }
                }
            }
            Ok(report)
        })
    }
}

impl NetlinkSource {
    /// The bound-inactive sockets of the query's families: a dump whose state mask holds
    /// only BOUND_INACTIVE makes the kernel walk its bind table. Older kernels (before 6.5)
    /// do not know the state and answer with nothing, so they are refused with a notice
    /// rather than counted as 0.
    fn run_bound(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        if !kernel_lists_bound_inactive() {
            return Ok(Report {
                notices: vec![
                    "this kernel cannot list bound-inactive sockets (Linux 6.5 and later can); \
                     BOUND_INACTIVE is not counted"
                        .into(),
                ],
                ..Report::default()
            });
        }
        let states = StateSet::of(&[TcpState::BoundInactive]).bits();
        let mut reqs = Vec::new();
        for f in query.families() {
            self.seq = self.seq.wrapping_add(1);
            let bc = query.bytecode.as_deref();
            reqs.push((
                f.index(),
                request(f, states, query.extensions, bc, self.seq),
            ));
        }
        self.run_requests(&reqs, true, sink)
    }
}

/// Whether the running kernel reports bound-inactive sockets (Linux 6.5 and later).
fn kernel_lists_bound_inactive() -> bool {
    let uname = rustix::system::uname();
    let release = uname.release().to_string_lossy();
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor) >= (6, 5)
}

impl Source for NetlinkSource {
    fn filters_in_kernel(&self) -> bool {
        true
    }

    fn destroy(
        &mut self,
        sockets: &[Socket],
    ) -> Result<Vec<super::destroy::Destroyed>, SourceError> {
        NetlinkSource::destroy(self, sockets)
    }

    fn lookup_exact(
        &mut self,
        keys: &[(Family, std::net::SocketAddr, std::net::SocketAddr)],
    ) -> Result<Vec<Option<Socket>>, SourceError> {
        NetlinkSource::lookup_exact(self, keys)
    }

    /// Both families at once, IPv4 first in the output; then, when asked for, the sockets
    /// that are bound and inactive, from a walk of the bind table (kernels 6.5 and later).
    fn run(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        let bound = query.states.contains(TcpState::BoundInactive);
        let states = query.states.without(TcpState::BoundInactive).bits();
        let mut reqs = Vec::new();
        if states != 0 {
            for f in query.families() {
                self.seq = self.seq.wrapping_add(1);
                let bc = query.bytecode.as_deref();
                reqs.push((
                    f.index(),
                    request(f, states, query.extensions, bc, self.seq),
                ));
            }
        }
        if !bound {
            return self.run_requests(&reqs, false, sink);
        }
        // A second dump follows: note whether the sink stopped during the first.
        let mut noted = crate::sink::StopNoted::new(sink);
        let mut report = self.run_requests(&reqs, false, &mut noted)?;
        if !noted.stopped {
            report.merge(self.run_bound(query, noted.inner)?);
        }
        Ok(report)
    }

    /// Both families in one walk of the kernel's table, interleaved (for counting sinks).
    fn run_unordered(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        let bound = query.states.contains(TcpState::BoundInactive);
        if bound || !(query.v4 && query.v6 && self.both_in_one_dump) {
            return self.run(query, sink);
        }
        self.seq = self.seq.wrapping_add(1);
        let bc = query.bytecode.as_deref();
        let req = request_both(query.states.bits(), query.extensions, bc, self.seq);
        match self.run_requests(&[(0, req)], false, sink) {
            // A kernel without the older request: per family from now on. It refuses before
            // sending any socket, so nothing was pushed twice.
            Err(SourceError::Netlink(e))
                if matches!(
                    e.raw_os_error(),
                    Some(libc::EINVAL | libc::EOPNOTSUPP | libc::ENOENT)
                ) =>
            {
                self.both_in_one_dump = false;
                self.run(query, sink)
            }
            other => other,
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
    let (info, memory) = crate::tcpinfo::read_attributes(&p[DIAG_MSG_LEN..]);
    Some(Socket {
        family,
        state,
        recv_q: Some(u32_at(p, 56)),
        send_q: Some(u32_at(p, 60)),
        local: Endpoint::new(addr_at(p, 8, family), port_at(p, 4)),
        remote: Endpoint::new(addr_at(p, 24, family), port_at(p, 6)),
        uid: if mini { None } else { Some(uid) },
        inode: Some(inode),
        cookie: Some(cookie),
        timer: Some(Timer {
            kind: timer,
            expires_ms: u64::from(u32_at(p, 52)),
            retransmits: u32::from(p[3]),
        }),
        netns,
        info,
        memory,
        listed_owners: ListedOwners::default(),
    })
}

/// Inode of the calling thread's network namespace, 0 when it cannot be read.
pub fn current_netns_inode() -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/thread-self/ns/net")
        .map(|m| m.ino())
        .unwrap_or(0)
}

#[cfg(test)]
#[path = "netlink_tests.rs"]
mod tests;

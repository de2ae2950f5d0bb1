//! The health check's one pass over the sockets: a `Sink` that builds every rule's aggregates
//! at once — counts per state, client sockets per (local address, remote address, remote port)
//! in the ephemeral range, listeners and their SYN_RECV, CLOSE_WAIT per local port, closing
//! states and stuck queues per peer. Memory grows with the number of distinct tuples, ports,
//! listeners and peers, not with the number of sockets; the one exception is the identity
//! (8 bytes) of each CLOSE_WAIT socket, kept only when a second sample will look for the same
//! sockets again.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::IpAddr;

use crate::analyze::count::Counts;
use crate::analyze::stats::StatsAccumulator;
use std::sync::Arc;

use crate::sink::{Flow, Sink};
use crate::socket::Socket;
use crate::source::process::ProcessMap;
use crate::tcp::state::TcpState;

/// A host as a key (one definition, beside `Endpoint`).
pub use crate::socket::Host;

/// What the sink needs to know before the pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SinkConfig {
    /// `ip_local_port_range`, when known: client sockets are those whose local port is in it.
    pub ephemeral: Option<(u16, u16)>,
    /// Send-Q or Recv-Q at or above this many bytes makes a connected socket stuck.
    pub stuck_bytes: u64,
    /// Keep the identity of each CLOSE_WAIT socket for a later sample.
    pub remember_close_wait: bool,
}

impl Default for SinkConfig {
    fn default() -> SinkConfig {
        SinkConfig {
            ephemeral: None,
            stuck_bytes: 1 << 20,
            remember_close_wait: false,
        }
    }
}

/// Client sockets towards one (local address, remote address, remote port).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tuple {
    pub local: IpAddr,
    pub remote: IpAddr,
    pub remote_port: u16,
}

/// Local ports in use towards one tuple, by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TupleUse {
    pub time_wait: u64,
    pub established: u64,
    pub syn_sent: u64,
}

impl TupleUse {
    pub fn total(&self) -> u64 {
        self.time_wait + self.established + self.syn_sent
    }
}

/// A listening socket's queues (one definition for every view).
use crate::analyze::listener::ListenQueue;

/// CLOSE_WAIT sockets of one local port (and owner, once known).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CloseWaitCount {
    pub count: u64,
    /// Of those, the ones already in CLOSE_WAIT in the previous sample.
    pub persistent: u64,
}

/// Sockets towards one peer in the states that say something about the peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeerCounts {
    pub fin_wait1: u64,
    pub closing: u64,
    pub last_ack: u64,
    pub fin_wait2: u64,
    pub time_wait: u64,
    /// Connected sockets with a stuck queue.
    pub stuck: u64,
    pub max_send_q: u64,
    pub max_recv_q: u64,
    /// Sockets limited by their send buffer for most of their busy time.
    pub sndbuf_limited: u64,
}

/// A socket is judged for its send buffer once it has been busy (data in flight) this long.
pub const SNDBUF_MIN_BUSY_MS: u64 = 1000;

/// Whether a socket's send buffer held it back for most (over half) of its busy time; `None`
/// when it has not been busy `SNDBUF_MIN_BUSY_MS` or its kernel does not say.
pub fn sndbuf_bound(s: &Socket) -> Option<bool> {
    let i = s.info.as_deref()?;
    let (busy, limited) = (i.busy_ms?, i.sndbuf_limited_ms?);
    (busy >= SNDBUF_MIN_BUSY_MS).then_some(limited * 2 > busy)
}

/// Every aggregate of one sample.
pub struct CheckSink {
    cfg: SinkConfig,
    /// The process map, when processes were scanned: CLOSE_WAIT is then grouped by owner
    /// as well as by port.
    owners: Option<Arc<ProcessMap>>,
    previous_close_wait: Option<HashSet<u64>>,
    pub counts: Counts,
    pub tuples: HashMap<Tuple, TupleUse>,
    pub listeners: Vec<ListenQueue>,
    pub syn_recv_by_port: HashMap<u16, u64>,
    pub close_wait_by_port: HashMap<(u16, Option<Box<str>>), CloseWaitCount>,
    pub close_wait_ids: HashSet<u64>,
    /// CLOSE_WAIT sockets also present in the previous sample; `None` without one.
    pub close_wait_persistent: Option<u64>,
    pub peers: HashMap<Host, PeerCounts>,
    /// Connected sockets that carried tcp_info (0 when the dump did not ask for it).
    pub with_info: u64,
    /// Each peer's rtt and retransmissions, from the tcp_info of its connections.
    pub peer_stats: HashMap<Host, StatsAccumulator>,
    /// Sockets busy long enough to judge their send buffer, and those it held back.
    pub sndbuf_judged: u64,
    pub sndbuf_limited: u64,
    /// The most retransmissions of any FIN_WAIT1 socket's FIN.
    pub fin_wait1_max_retransmits: u32,
    /// FIN_WAIT2 sockets still held by the application (not orphaned): no timeout applies.
    pub fin_wait2_held: u64,
    /// FIN_WAIT2 sockets whose inode the input does not carry (held or orphaned: unknown).
    pub fin_wait2_unknown: u64,
    pub stuck: u64,
}

impl CheckSink {
    pub fn new(cfg: SinkConfig) -> CheckSink {
        CheckSink {
            cfg,
            owners: None,
            previous_close_wait: None,
            counts: Counts::new(),
            tuples: HashMap::new(),
            listeners: Vec::new(),
            syn_recv_by_port: HashMap::new(),
            close_wait_by_port: HashMap::new(),
            close_wait_ids: HashSet::new(),
            close_wait_persistent: None,
            peers: HashMap::new(),
            with_info: 0,
            peer_stats: HashMap::new(),
            sndbuf_judged: 0,
            sndbuf_limited: 0,
            fin_wait1_max_retransmits: 0,
            fin_wait2_held: 0,
            fin_wait2_unknown: 0,
            stuck: 0,
        }
    }

    /// Group CLOSE_WAIT by owner (`1234/java`) as well as port.
    pub fn with_owners(mut self, owners: Option<Arc<ProcessMap>>) -> CheckSink {
        self.owners = owners;
        self
    }

    /// Count the CLOSE_WAIT sockets that were already in CLOSE_WAIT in a previous sample
    /// (its `close_wait_ids`).
    pub fn compare_with(mut self, previous: HashSet<u64>) -> CheckSink {
        self.previous_close_wait = Some(previous);
        self.close_wait_persistent = Some(0);
        self
    }

    pub fn config(&self) -> SinkConfig {
        self.cfg
    }

    /// Sockets seen.
    pub fn total(&self) -> u64 {
        self.counts.total()
    }

    fn peer(&mut self, s: &Socket) -> &mut PeerCounts {
        self.peers.entry(s.remote.host()).or_default()
    }

    fn close_wait(&mut self, s: &Socket) {
        let id = crate::analyze::persist::identity(s);
        let persistent = self
            .previous_close_wait
            .as_ref()
            .is_some_and(|p| p.contains(&id));
        if persistent && let Some(n) = self.close_wait_persistent.as_mut() {
            *n += 1;
        }
        if self.cfg.remember_close_wait {
            self.close_wait_ids.insert(id);
        }
        if let Some(port) = s.local.port {
            let owner = self.owners.as_deref().and_then(|m| {
                m.owners(s)
                    .owners()
                    .next()
                    .map(|o| format!("{}/{}", o.pid, o.command).into_boxed_str())
            });
            let e = self.close_wait_by_port.entry((port, owner)).or_default();
            e.count += 1;
            e.persistent += u64::from(persistent);
        }
    }

    fn client(&mut self, s: &Socket) {
        let Some((lo, hi)) = self.cfg.ephemeral else {
            return;
        };
        let (Some(lport), Some(local), Some(remote), Some(remote_port)) = (
            s.local.port,
            s.local.canonical_ip(),
            s.remote.canonical_ip(),
            s.remote.port,
        ) else {
            return;
        };
        if lport < lo || lport > hi {
            return;
        }
        let u = self
            .tuples
            .entry(Tuple {
                local,
                remote,
                remote_port,
            })
            .or_default();
        match s.state {
            TcpState::TimeWait => u.time_wait += 1,
            TcpState::SynSent => u.syn_sent += 1,
            _ => u.established += 1,
        }
    }
}

impl CheckSink {
    /// What a connection's tcp_info says: its peer's rtt and retransmissions, and whether its
    /// send buffer held it back.
    fn inside(&mut self, s: &Socket) {
        self.with_info += 1;
        self.peer_stats.entry(s.remote.host()).or_default().add(s);
        if let Some(bound) = sndbuf_bound(s) {
            self.sndbuf_judged += 1;
            if bound {
                self.sndbuf_limited += 1;
                self.peer(s).sndbuf_limited += 1;
            }
        }
    }
}

impl CheckSink {
    /// Take one socket into the aggregates.
    #[inline]
    pub fn add_socket(&mut self, s: &Socket) -> Flow {
        self.counts.add_socket(s);
        // A socket of unknown state may be a listener, whose tcp_info says nothing of a peer.
        if s.info.is_some() && !matches!(s.state, TcpState::Listen | TcpState::Unknown) {
            self.inside(s);
        }
        match s.state.reported() {
            TcpState::Listen => {
                // A listener a capture named by service (no port) cannot be judged per port.
                if let Some(l) = ListenQueue::of(s).filter(|l| l.port().is_some()) {
                    self.listeners.push(l);
                }
            }
            TcpState::SynRecv => {
                if let Some(port) = s.local.port {
                    *self.syn_recv_by_port.entry(port).or_default() += 1;
                }
            }
            TcpState::CloseWait => self.close_wait(s),
            TcpState::FinWait1 => {
                if let Some(t) = s.timer {
                    self.fin_wait1_max_retransmits =
                        self.fin_wait1_max_retransmits.max(t.retransmits);
                }
                self.peer(s).fin_wait1 += 1;
            }
            TcpState::Closing => self.peer(s).closing += 1,
            TcpState::LastAck => self.peer(s).last_ack += 1,
            TcpState::FinWait2 => {
                match s.inode {
                    Some(0) => {}
                    Some(_) => self.fin_wait2_held += 1,
                    // A capture without inodes cannot tell an orphan from a held socket.
                    None => self.fin_wait2_unknown += 1,
                }
                self.peer(s).fin_wait2 += 1;
            }
            TcpState::TimeWait => {
                self.peer(s).time_wait += 1;
                self.client(s);
            }
            TcpState::SynSent => self.client(s),
            TcpState::Established => {
                self.client(s);
                // Queues the input does not carry (Windows) are not judged.
                let (sq, rq) = (s.send_q.map_or(0, u64::from), s.recv_q.map_or(0, u64::from));
                if sq >= self.cfg.stuck_bytes || rq >= self.cfg.stuck_bytes {
                    self.stuck += 1;
                    let p = self.peer(s);
                    p.stuck += 1;
                    p.max_send_q = p.max_send_q.max(sq);
                    p.max_recv_q = p.max_recv_q.max(rq);
                }
            }
            _ => {}
        }
        Flow::Continue
    }
}

impl Sink for CheckSink {
    #[inline]
    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        Ok(self.add_socket(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::check::rules::tests::sock;

    #[test]
    fn one_pass_builds_every_aggregate() {
        let mut k = CheckSink::new(SinkConfig {
            ephemeral: Some((40000, 40019)),
            stuck_bytes: 1000,
            remember_close_wait: true,
        });
        let mut l = sock(TcpState::Listen, 80, 0);
        l.recv_q = Some(3);
        l.send_q = Some(2);
        k.add_socket(&l);
        for p in 40000..40010 {
            k.add_socket(&sock(TcpState::TimeWait, p, 80));
        }
        k.add_socket(&sock(TcpState::Established, 50000, 80)); // outside the range
        k.add_socket(&sock(TcpState::SynRecv, 80, 50001));
        k.add_socket(&sock(TcpState::SynRecv, 80, 50002));
        let mut cw = sock(TcpState::CloseWait, 8080, 40001);
        cw.cookie = Some(7);
        k.add_socket(&cw);
        let mut big = sock(TcpState::Established, 80, 50003);
        big.recv_q = Some(5000);
        k.add_socket(&big);
        assert_eq!(k.total(), 16);
        assert_eq!(k.tuples.len(), 1);
        assert_eq!(k.tuples.values().next().unwrap().time_wait, 10);
        assert_eq!(k.syn_recv_by_port.get(&80), Some(&2));
        assert_eq!(k.listeners[0].queued, Some(3));
        assert_eq!(k.close_wait_by_port.get(&(8080, None)).unwrap().count, 1);
        assert_eq!(k.stuck, 1);
        assert_eq!(k.close_wait_persistent, None);

        let ids = k.close_wait_ids.clone();
        let mut k2 = CheckSink::new(SinkConfig::default()).compare_with(ids);
        k2.add_socket(&cw);
        let mut other = cw.clone();
        other.cookie = Some(8);
        k2.add_socket(&other);
        assert_eq!(k2.close_wait_persistent, Some(1));
        assert!(k2.close_wait_ids.is_empty(), "not remembered unless asked");
    }
}

//! What the exporter reports about one network namespace's sockets, filled in one pass: counts
//! per family and state, queued bytes per state, listener health per port (accept queue and
//! backlog) and, for a bounded set of tracked ports, counts per state and direction. The sink
//! keeps its scratch space between scrapes, so a scrape allocates nothing per socket.
//!
//! Which ports get per-port series is only known once the listeners are known, so a scrape
//! asks the source twice per family — LISTEN sockets first, then every other state — and each
//! socket still crosses the sink once (the kernel walks its listening table and its
//! established table separately anyway). Sources that ignore the state mask (`/proc`) are
//! handled by the sink itself: in each phase it ignores the sockets of the other one. With
//! `--peers N` the second phase also asks for tcp_info, and the N peers with the most
//! connections get their rtt and retransmission figures (`analyze::stats`).

use std::collections::HashMap;

use crate::analyze::count::Counts;
use crate::analyze::stats::{GroupStats, StatsAccumulator};
use crate::filter::PortRange;
use crate::sink::{Flow, Sink};
use crate::socket::Host;
use crate::socket::Socket;
use crate::source::Query;
use crate::tcp::state::{STATE_SLOTS, StateSet, TcpState};
use std::io;

/// Which ports get `by_port` series, and how many at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortPlan {
    /// Ports asked for by number or range, tracked first.
    pub explicit: Vec<PortRange>,
    /// Also track every port that has a LISTEN socket.
    pub listeners: bool,
    /// At most this many tracked ports, and at most this many listener rows.
    pub max_ports: usize,
    /// Per-peer figures for this many peers, those with the most connections (0: none, and
    /// no tcp_info is asked for).
    pub peers: usize,
}

impl Default for PortPlan {
    fn default() -> PortPlan {
        PortPlan {
            explicit: Vec::new(),
            listeners: false,
            max_ports: 50,
            peers: 0,
        }
    }
}

/// Per-state counts of one tracked port, in both directions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortCounts {
    pub port: u16,
    /// Sockets whose local port is `port`, by kernel state number.
    pub local: [u64; STATE_SLOTS],
    /// Sockets whose remote port is `port`.
    pub remote: [u64; STATE_SLOTS],
}

impl PortCounts {
    fn new(port: u16) -> PortCounts {
        PortCounts {
            port,
            local: [0; STATE_SLOTS],
            remote: [0; STATE_SLOTS],
        }
    }

    /// Sockets in `state` with this port on the `local` (or remote) side.
    pub fn get(&self, local: bool, state: TcpState) -> u64 {
        let i = usize::from(state.reported().kernel());
        if local { self.local[i] } else { self.remote[i] }
    }
}

pub use crate::analyze::listener::ListenerPort;
use crate::analyze::listener::per_port;

/// The result of one scrape of one namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scrape {
    /// Sockets per family and state.
    pub counts: Counts,
    /// Bytes received but not read, per state (LISTEN excluded: its Recv-Q is a count).
    pub recv_bytes: [u64; STATE_SLOTS],
    /// Bytes sent but not acknowledged, per state (LISTEN excluded: its Send-Q is a limit).
    pub send_bytes: [u64; STATE_SLOTS],
    /// Listening ports, lowest first, at most `max_ports` of them.
    pub listeners: Vec<ListenerPort>,
    /// Tracked ports: explicit ones first (in the order asked), then listening ones.
    pub ports: Vec<PortCounts>,
    /// Ports that wanted a `by_port` row but were over `max_ports`.
    pub truncated_ports: u64,
    /// Listening ports left out of `listeners` because they were over `max_ports`.
    pub truncated_listeners: u64,
    /// Sockets that crossed the sink.
    pub sockets: u64,
    /// The peers with the most connections (with tcp_info), most first, at most `peers`.
    pub peers: Vec<PeerFigures>,
    /// Peers left out of `peers`; `None` when no peer figures were asked for.
    pub truncated_peers: Option<u64>,
}

/// One peer's figures, from the tcp_info of its connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerFigures {
    pub host: Host,
    pub stats: GroupStats,
}

impl Scrape {
    /// Queued bytes of `state` in the receive (`recv`) or send direction.
    pub fn queue_bytes(&self, recv: bool, state: TcpState) -> u64 {
        let i = usize::from(state.reported().kernel());
        if recv {
            self.recv_bytes[i]
        } else {
            self.send_bytes[i]
        }
    }
}

/// Slot table value for a port that is not tracked.
const UNTRACKED: u16 = u16::MAX;

/// Which half of the scrape a sink is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Listeners,
    Rest,
}

/// The exporter's sink: one per namespace, reused across scrapes.
pub struct ScrapeSink {
    plan: PortPlan,
    /// Port -> index into `out.ports`, `UNTRACKED` otherwise (128 KiB, allocated once).
    slot: Box<[u16]>,
    /// Raw (port, queue, backlog) of the LISTEN sockets seen, merged per port afterwards.
    raw_listeners: Vec<(u16, Option<u64>, Option<u64>)>,
    /// (port, drops) of each LISTEN socket of the scrape.
    raw_drops: Vec<(u16, Option<u64>)>,
    /// Each peer's running figures, when `plan.peers` asks for them.
    peer_figures: HashMap<Host, StatsAccumulator>,
    phase: Phase,
    out: Scrape,
}

impl ScrapeSink {
    pub fn new(plan: PortPlan) -> ScrapeSink {
        ScrapeSink {
            plan,
            slot: vec![UNTRACKED; 1 << 16].into_boxed_slice(),
            raw_listeners: Vec::new(),
            raw_drops: Vec::new(),
            peer_figures: HashMap::new(),
            phase: Phase::Listeners,
            out: Scrape::default(),
        }
    }

    /// The states of each phase, within what the caller asked for.
    pub fn phases(query: &Query) -> [Query; 2] {
        let listen = StateSet::EMPTY.with(TcpState::Listen);
        let mut first = query.clone();
        first.states = StateSet::from_bits(query.states.bits() & listen.bits());
        // The listeners' memory holds their drops: few sockets, so it costs nothing.
        first.extensions.memory = true;
        let mut second = query.clone();
        second.states = query.states.without(TcpState::Listen);
        [first, second]
    }

    /// Run one scrape: `dump(query, sink)` is called once per phase with the phase's query
    /// and must push that phase's sockets into the sink. The first error ends the scrape.
    pub fn scrape<E>(
        &mut self,
        query: &Query,
        mut dump: impl FnMut(&Query, &mut dyn Sink) -> Result<(), E>,
    ) -> Result<&Scrape, E> {
        self.reset();
        self.out.counts = Counts::asked(query.states);
        let [first, mut second] = ScrapeSink::phases(query);
        // Per-peer figures need every connection's tcp_info: asked only when wanted.
        second.extensions.info |= self.plan.peers > 0;
        self.phase = Phase::Listeners;
        if !first.states.is_empty() {
            dump(&first, self)?;
        }
        self.end_listeners();
        self.phase = Phase::Rest;
        if !second.states.is_empty() {
            dump(&second, self)?;
        }
        self.end_peers();
        Ok(&self.out)
    }

    /// The last scrape's result.
    pub fn result(&self) -> &Scrape {
        &self.out
    }

    fn reset(&mut self) {
        for p in &self.out.ports {
            self.slot[usize::from(p.port)] = UNTRACKED;
        }
        let ports = std::mem::take(&mut self.out.ports);
        let listeners = std::mem::take(&mut self.out.listeners);
        self.out = Scrape {
            ports,
            listeners,
            ..Scrape::default()
        };
        self.out.ports.clear();
        self.out.listeners.clear();
        self.raw_listeners.clear();
        self.raw_drops.clear();
        self.peer_figures.clear();
    }

    /// After the dump: the peers with the most connections, at most `plan.peers`.
    fn end_peers(&mut self) {
        if self.plan.peers == 0 {
            return;
        }
        let mut all: Vec<PeerFigures> = self
            .peer_figures
            .drain()
            .map(|(host, acc)| PeerFigures {
                host,
                stats: acc.finish(),
            })
            .collect();
        all.sort_by(|a, b| {
            b.stats
                .with_info
                .cmp(&a.stats.with_info)
                .then_with(|| a.host.cmp(&b.host))
        });
        let over = all.len().saturating_sub(self.plan.peers);
        all.truncate(self.plan.peers);
        self.out.peers = all;
        self.out.truncated_peers = Some(over as u64);
    }

    /// Start tracking `port`, unless it is already tracked or the plan is full.
    fn track(&mut self, port: u16) {
        if self.slot[usize::from(port)] != UNTRACKED {
            return;
        }
        if self.out.ports.len() >= self.plan.max_ports {
            self.out.truncated_ports += 1;
            return;
        }
        // max_ports is far below u16::MAX (checked by the caller), so the index fits.
        self.slot[usize::from(port)] = self.out.ports.len() as u16;
        self.out.ports.push(PortCounts::new(port));
    }

    /// Between the phases: merge the listeners per port, then decide the tracked ports.
    fn end_listeners(&mut self) {
        self.out.listeners = per_port(self.raw_listeners.drain(..));
        // Each port's drops: the sum over its listeners, unknown if one of them is.
        self.raw_drops.sort_unstable_by_key(|d| d.0);
        for l in &mut self.out.listeners {
            let mut mine = self.raw_drops.iter().filter(|d| d.0 == l.port);
            l.drops = mine.try_fold(0u64, |sum, d| Some(sum + d.1?));
        }
        self.raw_drops.clear();
        let explicit = std::mem::take(&mut self.plan.explicit);
        for r in &explicit {
            for p in r.lo..=r.hi {
                self.track(p);
            }
        }
        self.plan.explicit = explicit;
        if self.plan.listeners {
            for i in 0..self.out.listeners.len() {
                self.track(self.out.listeners[i].port);
            }
        }
        let listen = usize::from(TcpState::Listen.kernel());
        for l in &self.out.listeners {
            let s = self.slot[usize::from(l.port)];
            if s != UNTRACKED {
                self.out.ports[usize::from(s)].local[listen] += l.sockets;
            }
        }
        if self.out.listeners.len() > self.plan.max_ports {
            self.out.truncated_listeners = (self.out.listeners.len() - self.plan.max_ports) as u64;
            self.out.listeners.truncate(self.plan.max_ports);
        }
    }
}

impl ScrapeSink {
    /// Take one socket into the aggregates.
    #[inline]
    pub fn add_socket(&mut self, s: &Socket) -> Flow {
        let listen = s.state == TcpState::Listen;
        match self.phase {
            Phase::Listeners if !listen => return Flow::Continue,
            Phase::Rest if listen => return Flow::Continue,
            _ => {}
        }
        self.out.sockets += 1;
        self.out.counts.add(s.family, s.state, 1);
        let i = usize::from(s.state.reported().kernel());
        if listen {
            if let Some(port) = s.local.port {
                self.raw_listeners
                    .push((port, s.recv_q.map(u64::from), s.send_q.map(u64::from)));
                let drops = s.memory.as_ref().and_then(|m| m.drops).map(u64::from);
                self.raw_drops.push((port, drops));
            }
            return Flow::Continue;
        }
        self.out.recv_bytes[i] += s.recv_q.map_or(0, u64::from);
        self.out.send_bytes[i] += s.send_q.map_or(0, u64::from);
        if self.plan.peers > 0 && s.info.is_some() {
            self.peer_figures.entry(s.remote.host()).or_default().add(s);
        }
        if let Some(p) = s.local.port {
            let slot = self.slot[usize::from(p)];
            if slot != UNTRACKED {
                self.out.ports[usize::from(slot)].local[i] += 1;
            }
        }
        if let Some(p) = s.remote.port {
            let slot = self.slot[usize::from(p)];
            if slot != UNTRACKED {
                self.out.ports[usize::from(slot)].remote[i] += 1;
            }
        }
        Flow::Continue
    }
}

impl Sink for ScrapeSink {
    #[inline]
    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        Ok(self.add_socket(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{Endpoint, Family};
    use std::net::{IpAddr, Ipv4Addr};

    fn sock(state: TcpState, lport: u16, rport: u16, rq: u32, sq: u32) -> Socket {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let mut s = Socket::new(
            Family::V4,
            state,
            Endpoint::new(ip, lport),
            Endpoint::new(ip, rport),
        );
        s.recv_q = Some(rq);
        s.send_q = Some(sq);
        s
    }

    /// A source that ignores the state mask, like /proc: the sink must sort it out.
    fn all_at_once(
        socks: &[Socket],
    ) -> impl FnMut(&Query, &mut dyn Sink) -> Result<(), std::convert::Infallible> + '_ {
        move |_q, sink| {
            for s in socks {
                // A scrape sink takes every socket and never fails.
                let _ = sink.socket(s);
            }
            Ok(())
        }
    }

    #[test]
    fn one_pass_fills_every_aggregate() {
        let socks = [
            sock(TcpState::TimeWait, 80, 40000, 0, 0),
            sock(TcpState::Established, 80, 40001, 10, 20),
            sock(TcpState::Listen, 80, 0, 3, 128),
            sock(TcpState::Listen, 80, 0, 1, 128),
            sock(TcpState::Listen, 22, 0, 0, 5),
            sock(TcpState::CloseWait, 50000, 443, 7, 0),
            sock(TcpState::NewSynRecv, 22, 41000, 0, 0),
        ];
        let plan = PortPlan {
            explicit: vec![PortRange { lo: 443, hi: 443 }],
            listeners: true,
            max_ports: 50,
            peers: 0,
        };
        let mut sink = ScrapeSink::new(plan);
        let r = sink
            .scrape(&Query::default(), all_at_once(&socks))
            .unwrap()
            .clone();
        assert_eq!(r.sockets, 7);
        assert_eq!(r.counts.get(TcpState::Listen), 3);
        assert_eq!(r.counts.get(TcpState::SynRecv), 1);
        assert_eq!(r.queue_bytes(true, TcpState::Established), 10);
        assert_eq!(r.queue_bytes(false, TcpState::Established), 20);
        assert_eq!(r.queue_bytes(true, TcpState::Listen), 0);
        assert_eq!(r.queue_bytes(true, TcpState::CloseWait), 7);
        assert_eq!(
            r.listeners,
            vec![
                ListenerPort {
                    port: 22,
                    queue: Some(0),
                    backlog: Some(5),
                    sockets: 1,
                    drops: None,
                },
                ListenerPort {
                    port: 80,
                    queue: Some(4),
                    backlog: Some(256),
                    sockets: 2,
                    drops: None,
                },
            ]
        );
        let ports: Vec<u16> = r.ports.iter().map(|p| p.port).collect();
        assert_eq!(ports, vec![443, 22, 80]);
        let p80 = &r.ports[2];
        assert_eq!(p80.get(true, TcpState::Listen), 2);
        assert_eq!(p80.get(true, TcpState::TimeWait), 1);
        assert_eq!(p80.get(true, TcpState::Established), 1);
        assert_eq!(p80.get(false, TcpState::Established), 0);
        assert_eq!(r.ports[0].get(false, TcpState::CloseWait), 1);
        assert_eq!(r.ports[1].get(true, TcpState::SynRecv), 1);
        assert_eq!(r.truncated_ports, 0);
    }

    #[test]
    fn ports_are_bounded_and_reset_between_scrapes() {
        let socks: Vec<Socket> = (1000..1010)
            .map(|p| sock(TcpState::Listen, p, 0, 0, 1))
            .collect();
        let plan = PortPlan {
            explicit: vec![],
            listeners: true,
            max_ports: 4,
            peers: 0,
        };
        let mut sink = ScrapeSink::new(plan);
        let r = sink.scrape(&Query::default(), all_at_once(&socks)).unwrap();
        assert_eq!(r.ports.len(), 4);
        assert_eq!(r.listeners.len(), 4);
        // 6 ports could not be tracked and 6 listener rows were dropped.
        assert_eq!(r.truncated_ports, 6);
        assert_eq!(r.truncated_listeners, 6);
        let r = sink.scrape(&Query::default(), all_at_once(&[])).unwrap();
        assert!(r.ports.is_empty() && r.listeners.is_empty());
        assert_eq!(r.truncated_ports + r.truncated_listeners, 0);
        assert_eq!(r.sockets, 0);
    }

    #[test]
    fn phases_split_the_state_mask() {
        let [a, b] = ScrapeSink::phases(&Query::default());
        assert_eq!(a.states, StateSet::EMPTY.with(TcpState::Listen));
        assert!(!b.states.contains(TcpState::Listen));
        assert!(b.states.contains(TcpState::TimeWait));
        let q = Query {
            states: StateSet::EMPTY.with(TcpState::TimeWait),
            ..Query::default()
        };
        let [a, _] = ScrapeSink::phases(&q);
        assert!(a.states.is_empty());
    }

    #[test]
    fn peers_are_bounded_and_ask_for_tcp_info() {
        use crate::tcpinfo::TcpInfo;
        let with_info = |rport: u16, peer: u8| {
            let mut s = sock(TcpState::Established, 40000, rport, 0, 0);
            s.remote.ip = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, peer)));
            s.info = Some(Box::new(TcpInfo {
                rtt_us: Some(1000 * u32::from(peer)),
                ..TcpInfo::default()
            }));
            s
        };
        let socks: Vec<Socket> = [(1, 3), (2, 1), (3, 2)]
            .into_iter()
            .flat_map(|(peer, n)| (0..n).map(move |i| with_info(443 + i, peer)))
            .collect();
        let mut sink = ScrapeSink::new(PortPlan {
            peers: 2,
            ..PortPlan::default()
        });
        let mut asked = Vec::new();
        let r = sink
            .scrape(&Query::default(), |q, s| {
                asked.push(q.extensions.info);
                all_at_once(&socks)(q, s)
            })
            .unwrap();
        assert_eq!(asked, [false, true], "tcp_info only for the connections");
        let peers: Vec<_> = r
            .peers
            .iter()
            .map(|p| (p.host.clone(), p.stats.with_info))
            .collect();
        let host = |n| Host::Ip(IpAddr::V4(Ipv4Addr::new(10, 0, 0, n)));
        assert_eq!(peers, [(host(1), 3), (host(3), 2)]);
        assert_eq!(r.truncated_peers, Some(1));
        // Without --peers: no figures, nothing truncated, no tcp_info asked.
        let mut plain = ScrapeSink::new(PortPlan::default());
        let r = plain
            .scrape(&Query::default(), |q, s| {
                assert!(!q.extensions.info);
                all_at_once(&socks)(q, s)
            })
            .unwrap();
        assert!(r.peers.is_empty() && r.truncated_peers.is_none());
    }
}

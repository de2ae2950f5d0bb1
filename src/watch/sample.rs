//! Collecting one sample for `watch`: per-state counts, the groups of the selected state, every
//! listener's accept queue against its backlog, the sockets of one state (only while the socket
//! list is open) and the kernel counters. All socket-derived parts come from a single pass of
//! the source through one combined sink, so a sample costs what `tcpstate summary` costs plus
//! a hash insert for each socket of the selected state. Nothing here draws: the dashboard and
//! the plain lines both read a `Sample`.

use std::io;
use std::time::{Instant, SystemTime};

use anyhow::Result;

use crate::analyze::check::traced::TracedCounts;
use crate::analyze::count::Counts;
use crate::analyze::group::{Group, GroupBy, Grouper, Grouping};
use crate::analyze::listener::ListenQueue;
use crate::kernel::counters::Counters;
use crate::sink::{Flow, Sink};
use crate::socket::{Family, Socket};
use crate::source::Report;
use crate::source::conntrack::CtCensus;
use crate::tcp::state::TcpState;

/// The most sockets the socket list keeps; the rest are counted, not kept.
pub const SOCKET_LIMIT: usize = 100_000;

/// Where samples come from: a pass of the sockets (through the shared filter) and the kernel
/// counters of the same network namespace. The live probe sits in `cmd::watch`; a namespace
/// or a capture plugs in by implementing this.
pub trait Probe {
    /// Push the sockets through the filter into `sink`, once; `listener_memory`: the LISTEN
    /// sockets with their memory (their drops), when the source can give it.
    fn scan(&mut self, sink: &mut dyn Sink, listener_memory: bool) -> Result<Report>;
    /// The kernel counters, when this probe has them (a capture has none).
    fn counters(&mut self) -> Option<Counters>;
    /// The conntrack table of the probe's namespace, when it has one.
    fn conntrack(&mut self) -> Option<CtCensus> {
        None
    }

    /// The traced events since the previous call, when this probe traces (`--events`).
    fn events(&mut self) -> Option<TracedCounts> {
        None
    }
}

/// What a sample should hold besides the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SampleRequest {
    /// Group the sockets of this state by this key.
    pub groups: Option<(TcpState, GroupBy)>,
    /// Keep every LISTEN socket's queue and backlog.
    pub listeners: bool,
    /// Keep the sockets of this state (for the socket list).
    pub sockets: Option<TcpState>,
    /// Read the kernel counters.
    pub counters: bool,
}

/// The groups of one state by one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSample {
    pub state: TcpState,
    pub by: GroupBy,
    /// Every group, largest first.
    pub groups: Vec<Group>,
}

/// The sockets of one state, sorted by local then remote address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketSample {
    pub state: TcpState,
    pub sockets: Vec<Socket>,
    /// How many there were (more than `sockets.len()` past `SOCKET_LIMIT`).
    pub seen: u64,
}

/// One sample.
#[derive(Debug, Clone)]
pub struct Sample {
    /// When the pass ended (monotonic, for rates).
    pub taken: Instant,
    /// When the pass ended (wall clock, for time stamps).
    pub wall: SystemTime,
    pub counts: Counts,
    pub groups: Option<GroupSample>,
    /// Every listener, worst first (fullest accept queue).
    pub listeners: Vec<ListenQueue>,
    pub sockets: Option<SocketSample>,
    pub counters: Option<Counters>,
    /// The conntrack table's census (with the counters), when the namespace has a table.
    pub conntrack: Option<CtCensus>,
    /// Traced events since the previous sample (`--events`).
    pub events: Option<TracedCounts>,
}

/// The combined sink: counts every socket, and on the way groups, keeps listeners and keeps
/// sockets as the request says.
struct SampleSink {
    counts: Counts,
    group_state: Option<TcpState>,
    grouper: Option<Grouper>,
    listeners: Option<Vec<ListenQueue>>,
    socket_state: Option<TcpState>,
    sockets: Vec<Socket>,
    seen: u64,
}

impl Sink for SampleSink {
    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        self.counts.add_socket(s);
        let state = s.state.reported();
        if self.group_state == Some(state)
            && let Some(g) = self.grouper.as_mut()
        {
            g.add_socket(s);
        }
        if state == TcpState::Listen
            && let Some(l) = self.listeners.as_mut()
        {
            l.extend(ListenQueue::of(s));
        }
        if self.socket_state == Some(state) {
            self.seen += 1;
            if self.sockets.len() < SOCKET_LIMIT {
                self.sockets.push(s.clone());
            }
        }
        Ok(Flow::Continue)
    }

    /// A saved summary's counts are counted; they have no groups, listeners or sockets.
    fn aggregate(&mut self, family: Option<Family>, state: TcpState, n: u64) -> io::Result<Flow> {
        self.counts.aggregate(family, state, n)
    }
}

/// Order listeners worst first: fullest queue, then longest queue, then by address; those
/// whose fill is unknown last.
fn sort_listeners(l: &mut [ListenQueue]) {
    l.sort_by(|a, b| {
        let fill = |x: &ListenQueue| x.fill().unwrap_or(-1.0);
        fill(b)
            .total_cmp(&fill(a))
            .then(b.queued.cmp(&a.queued))
            .then_with(|| a.local.port.cmp(&b.local.port))
            .then_with(|| a.local.ip.cmp(&b.local.ip))
    });
}

/// Take one sample: one pass of the probe's sockets, then its counters.
pub fn take(probe: &mut dyn Probe, req: &SampleRequest) -> Result<Sample> {
    let mut sink = SampleSink {
        counts: Counts::new(),
        group_state: req.groups.map(|(s, _)| s.reported()),
        grouper: req.groups.map(|(_, by)| Grouper::new(Grouping::one(by))),
        listeners: req.listeners.then(Vec::new),
        socket_state: req.sockets.map(TcpState::reported),
        sockets: Vec::new(),
        seen: 0,
    };
    probe.scan(&mut sink, req.listeners)?;
    let counters = if req.counters { probe.counters() } else { None };
    let conntrack = if req.counters {
        probe.conntrack()
    } else {
        None
    };
    let events = probe.events();
    let taken = Instant::now();
    let wall = SystemTime::now();
    let groups = match (req.groups, sink.grouper) {
        (Some((state, by)), Some(g)) => Some(GroupSample {
            state: state.reported(),
            by,
            groups: g.finish(None),
        }),
        _ => None,
    };
    let mut listeners = sink.listeners.unwrap_or_default();
    sort_listeners(&mut listeners);
    let sockets = req.sockets.map(|state| {
        let mut v = sink.sockets;
        v.sort_by(|a, b| {
            (a.local.ip, a.local.port, a.remote.ip, a.remote.port).cmp(&(
                b.local.ip,
                b.local.port,
                b.remote.ip,
                b.remote.port,
            ))
        });
        SocketSample {
            state: state.reported(),
            sockets: v,
            seen: sink.seen,
        }
    });
    Ok(Sample {
        taken,
        wall,
        counts: sink.counts,
        groups,
        listeners,
        sockets,
        counters,
        conntrack,
        events,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::socket::Endpoint;
    use std::net::{IpAddr, Ipv4Addr};

    /// A probe that replays a fixed list of sockets.
    pub(crate) struct Fixed(pub Vec<Socket>);

    impl Probe for Fixed {
        fn scan(&mut self, sink: &mut dyn Sink, _listener_memory: bool) -> Result<Report> {
            for s in &self.0 {
                if sink.socket(s)? == Flow::Stop {
                    break;
                }
            }
            Ok(Report::default())
        }
        fn counters(&mut self) -> Option<Counters> {
            None
        }
    }

    pub(crate) fn sock(state: TcpState, lport: u16, rip: u8, rport: u16) -> Socket {
        let lo = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
        let mut s = Socket::new(
            Family::V4,
            state,
            Endpoint::new(lo, lport),
            Endpoint::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, rip)), rport),
        );
        if state == TcpState::Listen {
            s.remote = Endpoint::unspecified();
        }
        s
    }

    #[test]
    fn one_pass_fills_every_part() {
        let mut l1 = sock(TcpState::Listen, 80, 0, 0);
        l1.recv_q = Some(1);
        l1.send_q = Some(128);
        let mut l2 = sock(TcpState::Listen, 81, 0, 0);
        l2.recv_q = Some(5);
        l2.send_q = Some(5);
        let mut probe = Fixed(vec![
            l1,
            l2,
            sock(TcpState::Established, 80, 2, 1000),
            sock(TcpState::Established, 80, 2, 1001),
            sock(TcpState::Established, 80, 3, 1002),
            sock(TcpState::SynRecv, 80, 4, 1003),
            sock(TcpState::TimeWait, 80, 5, 1004),
        ]);
        let req = SampleRequest {
            groups: Some((TcpState::Established, GroupBy::RemoteIp)),
            listeners: true,
            sockets: Some(TcpState::SynRecv),
            counters: true,
        };
        let s = take(&mut probe, &req).unwrap();
        assert_eq!(s.counts.get(TcpState::Established), 3);
        assert_eq!(s.counts.get(TcpState::SynRecv), 1);
        assert_eq!(s.counts.total(), 7);
        let g = s.groups.unwrap();
        assert_eq!(g.groups.len(), 2);
        assert_eq!(g.groups[0].total, 2);
        assert_eq!(g.groups[0].key.to_string(), "127.0.0.2");
        // Worst first: the full queue of port 81 before the nearly empty one of port 80.
        assert_eq!(s.listeners.len(), 2);
        assert_eq!(s.listeners[0].local.port, Some(81));
        assert_eq!(s.listeners[0].fill(), Some(1.0));
        let socks = s.sockets.unwrap();
        assert_eq!(socks.seen, 1);
        assert_eq!(socks.sockets[0].remote.port, Some(1003));
        assert!(s.counters.is_none());
    }
}

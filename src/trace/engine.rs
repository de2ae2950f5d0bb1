//! The trace engine: turns the kernel's time-ordered state changes into transitions worth
//! showing. Per socket (keyed by the kernel's socket pointer) it remembers the current state
//! and since when, so each transition carries the time spent in the old state; sockets that
//! existed before the trace are known from a starting snapshot (their time is a lower bound,
//! `≥`); each move is checked against the state machine and flagged when not allowed; the
//! owner is worked out (see `owner`); closes from FIN_WAIT2/CLOSING are queued for the
//! TIME_WAIT check; and every transition that passes the filter is added to the summary.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::net::SocketAddr;

use super::event::RawEvent;
pub use super::fastmap::{FastMap, PtrHasher};
use super::filter::TraceFilter;
use super::fsm_check::TransitionCheck;
use super::owner::{CommCache, OwnerSource, ProcessOwners, TracedOwner};
use super::summary::{Stuck, Summary};
use super::timewait::{Endpoints, TimeWaitInference, TimeWaitProbe};
use crate::filter::Filter;
use crate::socket::{Family, Socket};
use crate::tcp::state::TcpState;

/// Time spent in the old state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dwell {
    /// Not known: the socket's entry into the state was not seen.
    Unknown,
    /// Exactly this many nanoseconds.
    Exact(u64),
    /// At least this long: the socket was already in the state when the trace started.
    AtLeast(u64),
}

/// One transition as shown: a kernel event, or a move into TIME_WAIT confirmed by a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// CLOCK_MONOTONIC, nanoseconds; for an inferred move, when the snapshot saw it.
    pub ts: u64,
    pub cpu: u32,
    /// The kernel's socket pointer.
    pub skaddr: u64,
    pub family: Family,
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub old: TcpState,
    pub new: TcpState,
    pub dwell: Dwell,
    pub owner: TracedOwner,
    /// The state machine does not allow this move.
    pub unexpected: bool,
    /// Not reported by the kernel: a TIME_WAIT socket seen in a snapshot.
    pub inferred: bool,
    /// On a move to CLOSE: the time since the connection left ESTABLISHED.
    pub closing_for: Option<u64>,
    /// The socket was in the starting snapshot (or a TIME_WAIT lookup found it), so it lives
    /// in the network namespace the snapshot read; otherwise its namespace is unknown (the
    /// tracepoint sees every namespace and does not say which).
    pub in_snapshot: bool,
}

/// What is remembered of one socket.
#[derive(Debug, Clone)]
struct Track {
    state: TcpState,
    since: u64,
    /// False when `since` is only the trace start (the socket came from the snapshot).
    exact: bool,
    /// When the connection left ESTABLISHED (or SYN_RECV) towards closing.
    closing_since: Option<u64>,
    /// The owner, once known better than "on the CPU".
    owner: Option<TracedOwner>,
    /// Whether the process scan was asked about this socket already.
    scanned: bool,
    /// Whether the socket was in the starting snapshot.
    in_snapshot: bool,
    family: Family,
    local: SocketAddr,
    remote: SocketAddr,
}

type SocketKey = (Family, SocketAddr, SocketAddr);

/// Owners of sockets closed lately, kept for the events that follow a close (a socket's
/// error report comes after its move to CLOSE); cleared when it grows past this.
const RECENT_CLOSED: usize = 4096;

/// What the trace knows of a socket, by its kernel pointer.
#[derive(Debug, Clone)]
pub struct KnownSocket {
    pub family: Family,
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub state: TcpState,
    pub owner: Option<TracedOwner>,
    pub in_snapshot: bool,
}

/// What working out an owner needs.
struct Owners<'a, P> {
    comms: &'a mut CommCache,
    listeners: &'a mut FastMap<u16, (u64, TracedOwner)>,
    procs: &'a mut P,
}

/// Move a socket's record through one event: its owner (see the module `owner`), when it
/// started closing, and its new state. Returns the owner to show and, on a move to CLOSE,
/// how long the close took.
fn advance<P: ProcessOwners>(
    track: &mut Track,
    ev: &RawEvent,
    ctx: &mut Owners<'_, P>,
) -> (TracedOwner, Option<u64>) {
    match (ev.old, ev.new) {
        (TcpState::Close, TcpState::SynSent) | (TcpState::Close, TcpState::Listen) => {
            let source = if ev.new == TcpState::Listen {
                OwnerSource::Listen
            } else {
                OwnerSource::Connect
            };
            let o = TracedOwner {
                pid: ev.pid,
                comm: ctx.comms.get(ev.pid),
                source,
            };
            if ev.new == TcpState::Listen {
                ctx.listeners
                    .insert(ev.local.port(), (ev.skaddr, o.clone()));
            }
            track.owner = Some(o);
        }
        (TcpState::Listen, TcpState::SynRecv) if track.owner.is_none() => {
            if let Some((_, o)) = ctx.listeners.get(&ev.local.port()) {
                track.owner = Some(TracedOwner {
                    source: OwnerSource::Listener,
                    ..o.clone()
                });
            }
        }
        (TcpState::Listen, TcpState::Close)
            if ctx
                .listeners
                .get(&ev.local.port())
                .is_some_and(|(sk, _)| *sk == ev.skaddr) =>
        {
            ctx.listeners.remove(&ev.local.port());
        }
        _ => {}
    }
    if track.owner.is_none() && !track.scanned && ev.local.port() != 0 {
        track.scanned = true;
        if let Some((pid, comm)) = ctx.procs.owner(ev.family, ev.local, ev.remote) {
            track.owner = Some(TracedOwner {
                pid,
                comm: comm.into(),
                source: OwnerSource::Process,
            });
        }
    }
    let owner = match &track.owner {
        Some(o) => o.clone(),
        None => TracedOwner {
            pid: ev.pid,
            comm: ctx.comms.get(ev.pid),
            source: OwnerSource::OnCpu,
        },
    };
    if matches!(ev.old, TcpState::Established | TcpState::SynRecv)
        && matches!(ev.new, TcpState::FinWait1 | TcpState::CloseWait)
    {
        track.closing_since = Some(ev.ts);
    }
    let closing_for = if ev.new == TcpState::Close {
        track.closing_since.map(|c| ev.ts.saturating_sub(c))
    } else {
        None
    };
    track.state = ev.new;
    track.since = ev.ts;
    track.exact = true;
    track.family = ev.family;
    track.local = ev.local;
    track.remote = ev.remote;
    (owner, closing_for)
}

/// The trace engine; see the module documentation.
pub struct Engine<C, P> {
    tracks: FastMap<u64, Track>,
    /// Sockets of the starting snapshot not yet seen in an event.
    seed: HashMap<SocketKey, TcpState>,
    /// Owners of listening sockets by local port (skaddr, owner), for accepted connections.
    listeners: FastMap<u16, (u64, TracedOwner)>,
    pub comms: CommCache,
    check: C,
    procs: P,
    filter: TraceFilter,
    start: u64,
    tw: TimeWaitInference,
    summary: Summary,
    /// Whether transitions are shown and counted (`--events` has `state`); sockets are
    /// followed either way, to name the sockets of other events.
    show_transitions: bool,
    /// Owners of sockets closed lately, by address.
    recent: HashMap<SocketKey, TracedOwner>,
    /// Local ports of the listeners in the starting snapshot.
    seed_listen_ports: std::collections::HashSet<u16>,
}

impl<C: TransitionCheck, P: ProcessOwners> Engine<C, P> {
    /// An engine for a trace that started at `start` (CLOCK_MONOTONIC ns).
    pub fn new(filter: &Filter, check: C, procs: P, start: u64) -> Engine<C, P> {
        Engine {
            tracks: FastMap::default(),
            seed: HashMap::new(),
            listeners: FastMap::default(),
            comms: CommCache::default(),
            check,
            procs,
            filter: TraceFilter::new(filter),
            start,
            tw: TimeWaitInference::default(),
            summary: Summary::default(),
            show_transitions: true,
            recent: HashMap::new(),
            seed_listen_ports: Default::default(),
        }
    }

    /// Whether a listener is known on the local port `port` (from the snapshot or a listen()
    /// the trace saw): a connection on it is one this host serves.
    pub fn is_listening_port(&self, port: u16) -> bool {
        self.listeners.contains_key(&port) || self.seed_listen_ports.contains(&port)
    }

    /// Follow sockets without showing or counting their transitions.
    pub fn hide_transitions(&mut self) {
        self.show_transitions = false;
    }

    pub fn filter(&self) -> &TraceFilter {
        &self.filter
    }

    /// The socket the kernel pointer `skaddr` is, if an event showed it.
    pub fn known_socket(&self, skaddr: u64) -> Option<KnownSocket> {
        let t = self.tracks.get(&skaddr)?;
        Some(KnownSocket {
            family: t.family,
            local: t.local,
            remote: t.remote,
            state: t.state,
            owner: t.owner.clone(),
            in_snapshot: t.in_snapshot,
        })
    }

    /// Whether the starting snapshot had a socket with these addresses.
    pub fn in_snapshot(&self, family: Family, local: SocketAddr, remote: SocketAddr) -> bool {
        self.seed.contains_key(&(family, local, remote))
    }

    /// The owner of the socket with these addresses, when known better than "on the CPU":
    /// a socket closed lately, the process scan, or the listener on the local port.
    pub fn owner_by_tuple(
        &mut self,
        family: Family,
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Option<TracedOwner> {
        if let Some(o) = self.recent.get(&(family, local, remote)) {
            return Some(o.clone());
        }
        if let Some((pid, comm)) = self.procs.owner(family, local, remote) {
            return Some(TracedOwner {
                pid,
                comm: comm.into(),
                source: OwnerSource::Process,
            });
        }
        self.listeners
            .get(&local.port())
            .filter(|_| remote.port() != 0)
            .map(|(_, o)| TracedOwner {
                source: OwnerSource::Listener,
                ..o.clone()
            })
    }

    /// The task on the CPU as an owner of last resort.
    pub fn on_cpu(&mut self, pid: u32) -> TracedOwner {
        TracedOwner {
            pid,
            comm: self.comms.get(pid),
            source: OwnerSource::OnCpu,
        }
    }

    /// Remember a socket that existed when the trace started.
    pub fn seed(&mut self, s: &Socket) {
        let (Some(lip), Some(lport), Some(rip), Some(rport)) =
            (s.local.ip, s.local.port, s.remote.ip, s.remote.port)
        else {
            return;
        };
        // The tracepoint never fires for mini-sockets (TIME_WAIT, request sockets), and
        // sockets the filter leaves out never show their time in state.
        if matches!(
            s.state,
            TcpState::TimeWait | TcpState::SynRecv | TcpState::NewSynRecv
        ) || !self.filter.endpoints(
            s.family,
            SocketAddr::new(lip, lport),
            SocketAddr::new(rip, rport),
        ) {
            return;
        }
        self.summary.seeded += 1;
        if s.state == TcpState::Listen {
            self.seed_listen_ports.insert(lport);
        }
        self.seed.insert(
            (
                s.family,
                SocketAddr::new(lip, lport),
                SocketAddr::new(rip, rport),
            ),
            s.state,
        );
    }

    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    pub fn summary_mut(&mut self) -> &mut Summary {
        &mut self.summary
    }

    /// Process one kernel event (in time order). Returns the transition when the filter
    /// shows it; the socket's record is updated either way.
    pub fn event(&mut self, ev: &RawEvent) -> Option<Transition> {
        self.summary.seen += 1;
        if ev.old == ev.new {
            if self
                .filter
                .matches(ev.family, ev.local, ev.remote, ev.old, ev.new)
            {
                self.summary.same_state += 1;
            }
            return None;
        }
        let closing = ev.new == TcpState::Close;
        let ctx = &mut Owners {
            comms: &mut self.comms,
            listeners: &mut self.listeners,
            procs: &mut self.procs,
        };
        let (dwell, owner, closing_for, in_snapshot) = match self.tracks.entry(ev.skaddr) {
            Entry::Occupied(mut o) => {
                let t = o.get_mut();
                let dwell = if t.state == ev.old {
                    let d = ev.ts.saturating_sub(t.since);
                    if t.exact {
                        Dwell::Exact(d)
                    } else {
                        Dwell::AtLeast(d)
                    }
                } else {
                    // We missed events for this socket (lost, or its pointer was reused).
                    t.closing_since = None;
                    Dwell::Unknown
                };
                let in_snapshot = t.in_snapshot;
                let (owner, closing_for) = advance(t, ev, ctx);
                if closing {
                    if self.recent.len() >= RECENT_CLOSED {
                        self.recent.clear();
                    }
                    self.recent
                        .insert((ev.family, ev.local, ev.remote), owner.clone());
                    o.remove();
                }
                (dwell, owner, closing_for, in_snapshot)
            }
            Entry::Vacant(v) => {
                let seeded = if self.seed.is_empty()
                    || ev.old == TcpState::Close
                    || (ev.old == TcpState::Listen && ev.new == TcpState::SynRecv)
                {
                    None
                } else {
                    self.seed.remove(&(ev.family, ev.local, ev.remote))
                };
                let dwell = match seeded {
                    Some(s) if s == ev.old => Dwell::AtLeast(ev.ts.saturating_sub(self.start)),
                    _ => Dwell::Unknown,
                };
                let mut t = Track {
                    state: ev.old,
                    since: ev.ts,
                    exact: true,
                    closing_since: None,
                    owner: None,
                    scanned: false,
                    in_snapshot: seeded.is_some(),
                    family: ev.family,
                    local: ev.local,
                    remote: ev.remote,
                };
                let (owner, closing_for) = advance(&mut t, ev, ctx);
                let in_snapshot = t.in_snapshot;
                if !closing {
                    v.insert(t);
                }
                (dwell, owner, closing_for, in_snapshot)
            }
        };

        let endpoints_ok = self.filter.endpoints(ev.family, ev.local, ev.remote);
        if self.show_transitions
            && ev.new == TcpState::Close
            && matches!(ev.old, TcpState::FinWait2 | TcpState::Closing)
            && endpoints_ok
        {
            self.tw.add(
                Endpoints {
                    family: ev.family,
                    local: ev.local,
                    remote: ev.remote,
                },
                ev.old,
                ev.ts,
                ev.skaddr,
                ev.cpu,
                owner.clone(),
            );
        }

        if !(self.show_transitions && endpoints_ok && self.filter.states(ev.old, ev.new)) {
            return None;
        }
        let t = Transition {
            ts: ev.ts,
            cpu: ev.cpu,
            skaddr: ev.skaddr,
            family: ev.family,
            local: ev.local,
            remote: ev.remote,
            old: ev.old,
            new: ev.new,
            dwell,
            owner,
            unexpected: !self.check.allowed(ev.old, ev.new),
            inferred: false,
            closing_for,
            in_snapshot,
        };
        self.summary.add(&t);
        Some(t)
    }

    /// Whether a TIME_WAIT lookup batch is due.
    pub fn time_wait_due(&self, now: u64) -> bool {
        self.show_transitions && self.tw.due(now)
    }

    /// Run one TIME_WAIT lookup batch; returns the confirmed moves the filter shows (to be
    /// merged into the stream by time and then passed to [`Engine::inferred`]).
    pub fn time_wait_batch(&mut self, probe: &mut dyn TimeWaitProbe, now: u64) -> Vec<Transition> {
        let check = &self.check;
        let filter = &self.filter;
        self.tw
            .run(probe, now, |a, b| check.allowed(a, b))
            .into_iter()
            .filter(|t| filter.states(t.old, t.new))
            .collect()
    }

    /// Why TIME_WAIT inference stopped, if it did.
    pub fn time_wait_failure(&self) -> Option<&str> {
        self.tw.failed.as_deref()
    }

    /// An inferred transition reached its place in the stream: count it.
    pub fn inferred(&mut self, t: &Transition) {
        self.summary.add(t);
    }

    /// Finish: connections left in CLOSE_WAIT, TIME_WAIT checks left open. Returns the
    /// summary.
    pub fn finish(&mut self, end: u64) -> &Summary {
        self.summary.duration_ns = end.saturating_sub(self.start);
        self.summary.tw_unconfirmed = self.tw.unconfirmed;
        self.summary.tw_pending = self.tw.pending() as u64;
        let mut groups: HashMap<(u16, Option<(u32, OwnerSource)>), Stuck> = HashMap::new();
        let mut add = |port: u16, owner: Option<TracedOwner>, age: u64, at_least: bool| {
            let key = (port, owner.as_ref().map(|o| (o.pid, o.source)));
            let g = groups.entry(key).or_insert(Stuck {
                local_port: port,
                owner,
                count: 0,
                oldest_ns: 0,
                at_least: false,
            });
            g.count += 1;
            if age >= g.oldest_ns {
                g.oldest_ns = age;
                g.at_least = at_least;
            }
        };
        let tracks = self.tracks.values().filter(|_| self.show_transitions);
        for t in tracks {
            if t.state == TcpState::CloseWait
                && self
                    .filter
                    .matches(t.family, t.local, t.remote, t.state, t.state)
            {
                add(
                    t.local.port(),
                    t.owner.clone(),
                    end.saturating_sub(t.since),
                    !t.exact,
                );
            }
        }
        let seeded: Vec<SocketKey> = self
            .seed
            .iter()
            .filter(|&(_, &s)| self.show_transitions && s == TcpState::CloseWait)
            .map(|(k, _)| *k)
            .collect();
        for (family, local, remote) in seeded {
            if self.filter.matches(
                family,
                local,
                remote,
                TcpState::CloseWait,
                TcpState::CloseWait,
            ) {
                let owner =
                    self.procs
                        .owner(family, local, remote)
                        .map(|(pid, comm)| TracedOwner {
                            pid,
                            comm: comm.into(),
                            source: OwnerSource::Process,
                        });
                add(local.port(), owner, end.saturating_sub(self.start), true);
            }
        }
        let mut v: Vec<Stuck> = groups.into_values().collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.local_port.cmp(&b.local_port)));
        self.summary.close_wait = v;
        &self.summary
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;

//! Live TCP state transitions from the kernel tracepoint `sock:inet_sock_set_state`, and
//! with `--events` the retransmits, resets, drops, SYN-ACK retransmits and socket errors that
//! say why connections fail, read through perf (no eBPF, no compiler): `tracefs` finds the
//! tracepoints and `format` their record layouts, `perf` opens them on every CPU into one ring
//! buffer per CPU, `decode` tells records apart, `event` and `incident` decode them (TCP only),
//! `attribute` ties incidents to sockets and names their reasons (`kallsyms` their places),
//! `causes` adds them up,
//! `reader` empties the buffers on a thread of its own, `merge` puts the
//! CPUs' events back in time order, `engine` turns them into transitions
//! (time in the old state, owner, state-machine check, filters), `timewait` confirms the moves
//! into TIME_WAIT the tracepoint never reports, and `summary` adds everything up. [`Tracer`]
//! ties them together for `tcpstate trace`; rendering lives in `render::trace`.

pub mod attribute;
pub mod causes;
pub mod decode;
pub mod engine;
pub mod event;
pub mod fastmap;
pub mod filter;
pub mod format;
pub mod fsm_check;
pub mod incident;
pub mod kallsyms;
pub mod kinds;
pub mod merge;
pub mod owner;
pub mod perf;
pub mod reader;
pub mod summary;
pub mod timewait;
pub mod tracefs;

pub use attribute::{Incident, IncidentKind};
pub use engine::{Dwell, Engine, Transition};
pub use filter::TraceFilter;
pub use fsm_check::{StateMachine, TransitionCheck};
pub use kinds::{EventKind, EventKinds};
pub use owner::{NoProcessScan, OwnerSource, ProcessOwners, ScannedOwners, TracedOwner};
pub use summary::Summary;

use attribute::Attributor;
use decode::Decoders;
use event::RawEvent;
use format::Symbols;
use incident::RawIncident;
use kallsyms::Kallsyms;
use merge::{Reorder, Timed};
use perf::{PerfError, PerfSet};
use reader::{Reader, TaskNote};
use tracefs::TracefsError;

use crate::filter::Filter;
use crate::sink::Flow;
use crate::source::{Query, Source, SourceError};

/// Why a trace could not start.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error(transparent)]
    Tracefs(#[from] TracefsError),
    #[error(transparent)]
    Perf(#[from] PerfError),
    #[error("the starting snapshot of existing sockets failed: {0}")]
    Snapshot(SourceError),
    #[error("cannot start the thread that reads the ring buffers: {0}")]
    Thread(std::io::Error),
}

/// How to trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceOptions {
    /// Ring buffer data pages per CPU (a power of two).
    pub buffer_pages: usize,
    /// What to show and count.
    pub events: EventKinds,
    /// Add incidents up per peer, port and reason for the summary (a long-running consumer
    /// that counts on its own turns this off: the per-peer tables grow with the peers).
    pub keep_causes: bool,
}

impl Default for TraceOptions {
    fn default() -> TraceOptions {
        TraceOptions {
            buffer_pages: 512,
            events: EventKinds::STATE,
            keep_causes: true,
        }
    }
}

/// What a step hands out: a transition or an incident.
#[derive(Debug, Clone, Copy)]
pub enum Shown<'a> {
    Transition(&'a Transition),
    Incident(&'a Incident),
}

/// An item of the merged stream.
#[derive(Debug)]
enum Item {
    Kernel(RawEvent),
    Incident(RawIncident),
    Inferred(Box<Transition>),
    Task(TaskNote),
}

impl Timed for Item {
    fn ts(&self) -> u64 {
        match self {
            Item::Kernel(e) => e.ts,
            Item::Incident(i) => i.ts,
            Item::Inferred(t) => t.ts,
            Item::Task(n) => n.ts(),
        }
    }
}

/// A running trace.
pub struct Tracer<C, P> {
    reader: Reader,
    reorder: Reorder<Item>,
    engine: Engine<C, P>,
    attributor: Attributor,
    keep_causes: bool,
    probe: Option<Box<dyn Source + Send>>,
    /// Latest timestamp seen per CPU, and the time before which every event has been read.
    latest: Vec<u64>,
    complete_before: u64,
    other_protocol: u64,
    malformed: u64,
    /// When tracing started (CLOCK_MONOTONIC ns) and the wall clock then.
    pub start: u64,
    pub start_wall: u64,
    notices: Vec<String>,
    told_tw_failure: bool,
}

impl<C: TransitionCheck, P: ProcessOwners> Tracer<C, P> {
    /// Find the tracepoint, open it on every CPU, enable it, then take the starting
    /// snapshot of the sockets that already exist through `snapshot` (the live source of the
    /// caller's namespace), which then also confirms TIME_WAIT by exact lookups.
    pub fn start(
        opts: TraceOptions,
        filter: &Filter,
        check: C,
        procs: P,
        snapshot: Option<Box<dyn Source + Send>>,
    ) -> Result<Tracer<C, P>, TraceError> {
        let tp = tracefs::open()?;
        let mut decoders = Decoders::new(tp.id, tp.layout);
        let mut more = Vec::new();
        let mut drop_reasons = Symbols::default();
        let mut reset_reasons = Symbols::default();
        for kind in opts.events.iter() {
            for &name in kind.tracepoints() {
                let t = tracefs::open_incident(name)?;
                match name {
                    "skb:kfree_skb" => drop_reasons = Symbols::new(t.format.symbols("reason")),
                    "tcp:tcp_send_reset" => {
                        reset_reasons = Symbols::new(t.format.symbols("reason"))
                    }
                    _ => {}
                }
                decoders.add(t.id, t.layout);
                more.push((t.id, EventKind::kernel_filter(name).map(String::from)));
            }
        }
        let (perf, filtered) = PerfSet::open(tp.id, opts.buffer_pages, &more)?;
        perf.enable()?;
        let start = perf::monotonic_ns();
        let start_wall = perf::realtime_ns();
        let reader = Reader::start(perf, decoders).map_err(TraceError::Thread)?;
        let mut engine = Engine::new(filter, check, procs, start);
        if !opts.events.contains(EventKind::State) {
            engine.hide_transitions();
        }
        let mut notices = Vec::new();
        for ((_, f), took) in more.iter().zip(&filtered) {
            if f.is_some() && !took {
                notices.push(
                    "the kernel did not take the tracepoint filter for skb:kfree_skb: every dropped packet is delivered and sorted here"
                        .into(),
                );
            }
        }
        let kallsyms = if opts.events.contains(EventKind::Drop) {
            let k = Kallsyms::load();
            if !k.available() {
                notices.push(
                    "/proc/kallsyms hides kernel addresses (kernel.kptr_restrict, or no privilege): drop locations are not named".into(),
                );
            }
            k
        } else {
            Kallsyms::default()
        };
        let attributor = Attributor::new(drop_reasons, reset_reasons, kallsyms);
        let probe = match snapshot {
            Some(mut nl) => {
                // Mini-sockets (TIME_WAIT, SYN_RECV) never reach the tracepoint: leave
                // them in the kernel.
                let q = Query {
                    states: crate::tcp::state::StateSet::ALL
                        .without(crate::tcp::state::TcpState::TimeWait)
                        .without(crate::tcp::state::TcpState::SynRecv),
                    ..Query::default()
                };
                nl.run(&q, &mut |s: &crate::socket::Socket| {
                    engine.seed(s);
                    Flow::Continue
                })
                .map_err(TraceError::Snapshot)?;
                Some(nl)
            }
            None => {
                notices.push(
                    "no starting snapshot and no TIME_WAIT confirmation: no live source".into(),
                );
                None
            }
        };
        Ok(Tracer {
            latest: vec![0; reader.cpus()],
            reader,
            reorder: Reorder::default(),
            engine,
            attributor,
            keep_causes: opts.keep_causes,
            probe,
            complete_before: 0,
            other_protocol: 0,
            malformed: 0,
            start,
            start_wall,
            notices,
            told_tw_failure: false,
        })
    }

    /// Notices for stderr gathered so far (each returned once).
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    pub fn cpus(&self) -> usize {
        self.reader.cpus()
    }

    /// Sockets known from the starting snapshot.
    pub fn seeded(&self) -> u64 {
        self.engine.summary().seeded
    }

    /// Take what the reader has (waiting up to `timeout_ms` for something).
    fn gather(&mut self, timeout_ms: u64) {
        let c = self.reader.take(timeout_ms);
        self.reorder.extend(c.tasks.into_iter().map(Item::Task));
        self.reorder.extend(c.events.into_iter().map(Item::Kernel));
        self.reorder
            .extend(c.incidents.into_iter().map(Item::Incident));
        for (a, b) in self.latest.iter_mut().zip(&c.latest) {
            *a = (*a).max(*b);
        }
        self.complete_before = self.complete_before.max(c.complete_before);
        self.other_protocol += c.other_protocol;
        self.malformed += c.malformed;
        if c.lost_now > 0 {
            self.notices.push(format!(
                "the kernel dropped {} events (ring buffer full); the trace is incomplete — try a larger --buffer-pages",
                c.lost_now
            ));
        }
    }

    /// Wait up to `timeout_ms` for events, release every event that is safely in order
    /// through the engine, and run a TIME_WAIT lookup batch when one is due. `out` gets each
    /// transition and incident to show and returns false to stop; `step` then returns false
    /// too. With `last` (after [`Tracer::stop`]), everything still queued is released.
    pub fn step(
        &mut self,
        timeout_ms: u64,
        last: bool,
        out: &mut dyn FnMut(Shown<'_>) -> bool,
    ) -> bool {
        self.gather(if last { 0 } else { timeout_ms });
        let limit = if last {
            u64::MAX
        } else {
            let min_latest = self.latest.iter().copied().min().unwrap_or(0);
            min_latest.max(self.complete_before)
        };
        let mut go = self.release(limit, out);
        let now = perf::monotonic_ns();
        if go && (self.engine.time_wait_due(now) || last) {
            if let Some(probe) = self.probe.as_mut() {
                let moves = self.engine.time_wait_batch(probe, now);
                if !self.told_tw_failure
                    && let Some(why) = self.engine.time_wait_failure()
                {
                    self.told_tw_failure = true;
                    self.notices.push(format!(
                        "TIME_WAIT confirmation stopped, later closes are counted unconfirmed: {why}"
                    ));
                }
                for t in moves {
                    self.reorder.push(Item::Inferred(Box::new(t)));
                }
            }
            if last {
                go = self.release(u64::MAX, out);
            }
        }
        go
    }

    fn release(&mut self, limit: u64, out: &mut dyn FnMut(Shown<'_>) -> bool) -> bool {
        let engine = &mut self.engine;
        let attributor = &mut self.attributor;
        let keep_causes = self.keep_causes;
        let mut go = true;
        self.reorder.flush(limit, |item| {
            let t = match item {
                Item::Kernel(ev) => engine.event(&ev),
                Item::Incident(raw) => {
                    if let Some(i) = attributor.incident(engine, &raw) {
                        if keep_causes {
                            engine.summary_mut().causes.add(&i);
                        }
                        go = out(Shown::Incident(&i));
                    }
                    None
                }
                Item::Inferred(t) => {
                    engine.inferred(&t);
                    Some(*t)
                }
                Item::Task(TaskNote::Comm { pid, name, .. }) => {
                    engine.comms.set(pid, &name);
                    None
                }
                Item::Task(TaskNote::Fork { pid, ppid, .. }) => {
                    engine.comms.fork(pid, ppid);
                    None
                }
            };
            if let Some(t) = t {
                go = out(Shown::Transition(&t));
            }
            go
        });
        go
    }

    /// Events the kernel dropped so far because a ring buffer was full.
    pub fn lost_so_far(&self) -> u64 {
        self.reader.losses().lost.iter().map(|&(_, n)| n).sum()
    }

    /// Stop the kernel side and read the buffers one last time; then call
    /// `step(0, true, …)` once and `finish`.
    pub fn stop(&mut self) {
        self.reader.stop();
    }

    /// The summary of the whole trace.
    pub fn finish(&mut self) -> &Summary {
        let end = perf::monotonic_ns();
        let losses = self.reader.losses();
        let s = self.engine.summary_mut();
        s.lost = losses.lost.into_iter().filter(|&(_, n)| n > 0).collect();
        s.undelivered = losses.undelivered;
        s.throttled = losses.throttled;
        s.late = self.reorder.late;
        s.other_protocol = self.other_protocol + self.attributor.other_protocol;
        s.malformed = self.malformed;
        self.engine.finish(end)
    }
}

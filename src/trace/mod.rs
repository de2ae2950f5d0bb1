//! Live TCP state transitions from the kernel tracepoint `sock:inet_sock_set_state`, read
//! through perf (no eBPF, no compiler): `tracefs` finds the tracepoint and its record layout,
//! `perf` opens it on every CPU and reads the ring buffers, `event` decodes records (TCP only),
//! `merge` puts the CPUs' events back in time order, `engine` turns them into transitions
//! (time in the old state, owner, state-machine check, filters), `timewait` confirms the moves
//! into TIME_WAIT the tracepoint never reports, and `summary` adds everything up. [`Tracer`]
//! ties them together for `tcpstate trace`; rendering lives in `render::trace`.

pub mod check;
pub mod engine;
pub mod event;
pub mod hist;
pub mod merge;
pub mod owner;
pub mod perf;
pub mod summary;
pub mod timewait;
pub mod tracefs;

use std::collections::HashMap;

pub use check::{MinimalTable, TransitionCheck};
pub use engine::{Dwell, Engine, TraceFilter, Transition};
pub use owner::{NoProcessScan, Owner, OwnerSource, ProcessOwners};
pub use summary::Summary;

use event::{Decoded, Layout, RawEvent};
use merge::{Reorder, Timed};
use perf::{PerfError, PerfSet, Record};
use tracefs::TracefsError;

use crate::filter::Filter;
use crate::socket::Flow;
use crate::source::netlink::NetlinkSource;
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
}

/// How to trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Ring buffer data pages per CPU (a power of two).
    pub buffer_pages: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { buffer_pages: 512 }
    }
}

/// An item of the merged stream.
#[derive(Debug)]
enum Item {
    Kernel(RawEvent),
    Inferred(Transition),
}

impl Timed for Item {
    fn ts(&self) -> u64 {
        match self {
            Item::Kernel(e) => e.ts,
            Item::Inferred(t) => t.ts,
        }
    }
}

/// How long an event may be in flight (stamped but not yet visible in its ring buffer)
/// before we assume no older event can still appear.
const IN_FLIGHT_NS: u64 = 10_000_000;

/// A running trace.
pub struct Tracer<C, P> {
    perf: PerfSet,
    layout: Layout,
    reorder: Reorder<Item>,
    engine: Engine<C, P>,
    probe: Option<NetlinkSource>,
    /// Latest timestamp seen per CPU.
    latest: HashMap<u32, u64>,
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
    /// snapshot of the sockets that already exist (in this network namespace).
    pub fn start(
        opts: Options,
        filter: &Filter,
        check: C,
        procs: P,
    ) -> Result<Tracer<C, P>, TraceError> {
        let tp = tracefs::open()?;
        let perf = PerfSet::open(tp.id, opts.buffer_pages)?;
        perf.enable()?;
        let start = perf::monotonic_ns();
        let start_wall = perf::realtime_ns();
        let mut engine = Engine::new(filter, check, procs, start);
        let mut notices = Vec::new();
        let probe = match NetlinkSource::open() {
            Ok(mut nl) => {
                let q = Query::default();
                nl.run(&q, &mut |s: &crate::socket::Socket| {
                    engine.seed(s);
                    Flow::Continue
                })
                .map_err(TraceError::Snapshot)?;
                Some(nl)
            }
            Err(e) => {
                notices.push(format!(
                    "no starting snapshot and no TIME_WAIT confirmation: {e}"
                ));
                None
            }
        };
        Ok(Tracer {
            perf,
            layout: tp.layout,
            reorder: Reorder::default(),
            engine,
            probe,
            latest: HashMap::new(),
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
        self.perf.buffers.len()
    }

    /// Sockets known from the starting snapshot.
    pub fn seeded(&self) -> u64 {
        self.engine.summary().seeded
    }

    /// Samples lost so far.
    pub fn lost(&self) -> u64 {
        self.perf.lost()
    }

    /// Wait for events, a signal, or `timeout_ms`.
    pub fn wait(&mut self, timeout_ms: i32) {
        self.perf.wait(timeout_ms);
    }

    fn drain(&mut self) {
        let layout = self.layout;
        let reorder = &mut self.reorder;
        let latest = &mut self.latest;
        let comms = &mut self.engine.comms;
        let other = &mut self.other_protocol;
        let malformed = &mut self.malformed;
        let mut lost_now = 0u64;
        for buf in &mut self.perf.buffers {
            buf.drain(|cpu, rec| match rec {
                Record::Sample {
                    pid,
                    tid,
                    time,
                    raw,
                } => match layout.decode(raw, time, cpu, pid, tid) {
                    Decoded::Tcp(ev) => {
                        let l = latest.entry(cpu).or_insert(0);
                        *l = (*l).max(time);
                        reorder.push(Item::Kernel(ev));
                    }
                    Decoded::OtherProtocol => *other += 1,
                    Decoded::Malformed => *malformed += 1,
                },
                Record::Comm { pid, name } => comms.set(pid, name),
                Record::Fork { pid, ppid } => comms.fork(pid, ppid),
                Record::Lost(n) => lost_now += n,
                Record::Throttle => {}
            });
        }
        if lost_now > 0 {
            self.notices.push(format!(
                "the kernel dropped {lost_now} events (ring buffer full); the trace is incomplete — try a larger --buffer-pages"
            ));
        }
    }

    /// Read what the kernel has published, release every event that is safely in order
    /// through the engine, and run a TIME_WAIT lookup batch when one is due. `out` gets each
    /// transition to show and returns false to stop; `step` then returns false too. With
    /// `last`, everything still queued is released.
    pub fn step(&mut self, last: bool, out: &mut dyn FnMut(&Transition) -> bool) -> bool {
        let now = perf::monotonic_ns();
        self.drain();
        let limit = if last {
            u64::MAX
        } else {
            let min_latest = if self.latest.len() == self.perf.buffers.len() {
                self.latest.values().copied().min().unwrap_or(0)
            } else {
                0
            };
            min_latest.max(now.saturating_sub(IN_FLIGHT_NS))
        };
        let mut go = self.release(limit, out);
        if go && (self.engine.time_wait_due(now) || last) {
            if let Some(probe) = self.probe.as_mut() {
                let moves = self.engine.time_wait_batch(probe, perf::monotonic_ns());
                if !self.told_tw_failure
                    && let Some(why) = self.engine.time_wait_failure()
                {
                    self.told_tw_failure = true;
                    self.notices.push(format!(
                        "TIME_WAIT confirmation stopped, later closes are counted unconfirmed: {why}"
                    ));
                }
                for t in moves {
                    self.reorder.push(Item::Inferred(t));
                }
            }
            if last {
                go = self.release(u64::MAX, out);
            }
        }
        go
    }

    fn release(&mut self, limit: u64, out: &mut dyn FnMut(&Transition) -> bool) -> bool {
        let engine = &mut self.engine;
        let mut go = true;
        self.reorder.flush(limit, |item| {
            let t = match item {
                Item::Kernel(ev) => engine.event(&ev),
                Item::Inferred(t) => {
                    engine.inferred(&t);
                    Some(t)
                }
            };
            if let Some(t) = t {
                go = out(&t);
            }
            go
        });
        go
    }

    /// Stop the kernel side; the caller then calls `step(true, …)` once and `finish`.
    pub fn stop(&self) {
        self.perf.disable();
    }

    /// The summary of the whole trace.
    pub fn finish(&mut self) -> &Summary {
        let end = perf::monotonic_ns();
        let lost: Vec<(u32, u64)> = self
            .perf
            .buffers
            .iter()
            .filter(|b| b.lost > 0)
            .map(|b| (b.cpu(), b.lost))
            .collect();
        let throttled = self.perf.buffers.iter().map(|b| b.throttled).sum();
        let s = self.engine.summary_mut();
        s.lost = lost;
        s.throttled = throttled;
        s.late = self.reorder.late;
        s.other_protocol = self.other_protocol;
        s.malformed = self.malformed;
        self.engine.finish(end)
    }
}

//! The ring-buffer reader thread. Emptying the kernel's per-CPU buffers is cheap; turning
//! events into output is not. If one thread did both, a burst of processing (or a busy CPU
//! that leaves the tracer little time) would let the buffers fill and the kernel drop events.
//! So this thread does nothing but wait for a buffer to pass its watermark, copy every record
//! out (decoded, TCP only) into a chunk, and hand the chunk over; the trace engine works on
//! chunks at its own pace. Handed-over events are bounded in number: past the bound the reader
//! stops emptying the buffers, and the kernel's own lost-event records say what was dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use super::decode::Decoders;
use super::event::{Decoded, RawEvent};
use super::incident::RawIncident;
use super::perf::{self, PerfSet, Record};

/// How long an event may be in flight (stamped but not yet visible in its ring buffer)
/// before we assume no older event can still appear.
pub const IN_FLIGHT_NS: u64 = 10_000_000;

/// Most events handed over and not yet taken (about 100 MB).
const MAX_QUEUED: usize = 1_000_000;

/// A task's name changed, or a process was created, at `ts`.
#[derive(Debug, Clone)]
pub enum TaskNote {
    Comm { ts: u64, pid: u32, name: Box<[u8]> },
    Fork { ts: u64, pid: u32, ppid: u32 },
}

impl TaskNote {
    pub fn ts(&self) -> u64 {
        match self {
            TaskNote::Comm { ts, .. } | TaskNote::Fork { ts, .. } => *ts,
        }
    }
}

/// What the reader hands over.
#[derive(Debug, Default)]
pub struct Chunk {
    pub events: Vec<RawEvent>,
    /// Retransmits, resets, drops and socket errors.
    pub incidents: Vec<RawIncident>,
    pub tasks: Vec<TaskNote>,
    /// Every event stamped before this (CLOCK_MONOTONIC ns) has been read.
    pub complete_before: u64,
    /// Latest timestamp per CPU index (0 when none yet).
    pub latest: Vec<u64>,
    pub other_protocol: u64,
    pub malformed: u64,
    /// New lost-event counts since the last chunk.
    pub lost_now: u64,
}

#[derive(Debug, Default)]
struct Queue {
    chunk: Chunk,
    /// Lost events per CPU, cumulative: (cpu, lost).
    lost: Vec<(u32, u64)>,
    /// Per CPU, tracepoint hits the kernel counted but never delivered as a sample nor
    /// reported lost (known once reading has stopped).
    undelivered: Vec<(u32, u64)>,
    throttled: u64,
    done: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    stop: AtomicBool,
}

fn lock(m: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the kernel did not deliver.
#[derive(Debug, Clone, Default)]
pub struct Losses {
    /// Samples dropped because a buffer was full, per CPU `(cpu, n)`.
    pub lost: Vec<(u32, u64)>,
    /// Tracepoint hits counted but never delivered nor reported lost, per CPU (known after
    /// `stop`).
    pub undelivered: Vec<(u32, u64)>,
    /// Throttle records.
    pub throttled: u64,
}

/// The running reader.
pub struct Reader {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    cpus: usize,
}

impl Reader {
    /// Start reading `perf` (already enabled) on a thread of its own.
    pub fn start(perf: PerfSet, decoders: Decoders) -> std::io::Result<Reader> {
        let cpus = perf.buffers.len();
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                chunk: Chunk {
                    latest: vec![0; cpus],
                    ..Chunk::default()
                },
                lost: perf.buffers.iter().map(|b| (b.cpu(), 0)).collect(),
                ..Queue::default()
            }),
            ready: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("tcpstate-ring".into())
            .spawn(move || run(perf, decoders, &s))?;
        Ok(Reader {
            shared,
            thread: Some(thread),
            cpus,
        })
    }

    pub fn cpus(&self) -> usize {
        self.cpus
    }

    /// Wait up to `timeout_ms` for a chunk with something in it; take what there is.
    pub fn take(&self, timeout_ms: u64) -> Chunk {
        let mut q = lock(&self.shared.queue);
        if q.chunk.events.is_empty() && q.chunk.incidents.is_empty() && !q.done && timeout_ms > 0 {
            q = self
                .shared
                .ready
                .wait_timeout(q, Duration::from_millis(timeout_ms))
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0);
        }
        let cpus = q.chunk.latest.len();
        let latest = q.chunk.latest.clone();
        let complete_before = q.chunk.complete_before;
        let mut c = std::mem::take(&mut q.chunk);
        q.chunk.latest = latest;
        q.chunk.complete_before = complete_before;
        if c.latest.len() != cpus {
            c.latest = vec![0; cpus];
        }
        c
    }

    /// Stop reading: the thread disables the events, empties the buffers one last time and
    /// ends; what it read is still there for `take`.
    pub fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// What did not arrive, so far.
    pub fn losses(&self) -> Losses {
        let q = lock(&self.shared.queue);
        Losses {
            lost: q.lost.clone(),
            undelivered: q.undelivered.clone(),
            throttled: q.throttled,
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(mut perf: PerfSet, decoders: Decoders, shared: &Shared) {
    let cpus = perf.buffers.len();
    let mut local = Chunk {
        latest: vec![0; cpus],
        ..Chunk::default()
    };
    loop {
        let stopping = shared.stop.load(Ordering::SeqCst);
        if stopping {
            perf.disable();
        } else {
            perf.wait(50);
        }
        let full = {
            let q = lock(&shared.queue);
            q.chunk.events.len() + q.chunk.incidents.len() >= MAX_QUEUED
        };
        if full && !stopping {
            // The engine is behind: leave the records in the kernel's buffers for now.
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let began = perf::monotonic_ns();
        let mut lost_now = 0;
        for (i, buf) in perf.buffers.iter_mut().enumerate() {
            let latest = &mut local.latest[i];
            let events = &mut local.events;
            let incidents = &mut local.incidents;
            let tasks = &mut local.tasks;
            let other = &mut local.other_protocol;
            let malformed = &mut local.malformed;
            buf.drain(|cpu, rec| match rec {
                Record::Sample {
                    pid,
                    tid,
                    time,
                    raw,
                } => match decoders.decode(raw, time, cpu, pid, tid) {
                    Decoded::Tcp(ev) => {
                        *latest = (*latest).max(time);
                        events.push(ev);
                    }
                    Decoded::Incident(i) => {
                        *latest = (*latest).max(time);
                        incidents.push(i);
                    }
                    Decoded::OtherProtocol => *other += 1,
                    Decoded::Malformed => *malformed += 1,
                },
                Record::Comm { pid, name, time } => tasks.push(TaskNote::Comm {
                    ts: time,
                    pid,
                    name: name.into(),
                }),
                Record::Fork { pid, ppid, time } => tasks.push(TaskNote::Fork {
                    ts: time,
                    pid,
                    ppid,
                }),
                Record::Lost(n) => lost_now += n,
                Record::Throttle => {}
            });
        }
        {
            let mut q = lock(&shared.queue);
            let c = &mut q.chunk;
            c.events.append(&mut local.events);
            c.incidents.append(&mut local.incidents);
            c.tasks.append(&mut local.tasks);
            c.other_protocol += std::mem::take(&mut local.other_protocol);
            c.malformed += std::mem::take(&mut local.malformed);
            c.lost_now += lost_now;
            c.complete_before = began.saturating_sub(IN_FLIGHT_NS);
            for (a, b) in c.latest.iter_mut().zip(&local.latest) {
                *a = (*a).max(*b);
            }
            for (slot, b) in q.lost.iter_mut().zip(&perf.buffers) {
                slot.1 = b.lost;
            }
            q.throttled = perf.buffers.iter().map(|b| b.throttled).sum();
            if stopping {
                // Some kernels count a tracepoint hit yet deliver no sample (seen for hits
                // while the idle task is current): compare the counters with what arrived.
                q.undelivered = perf
                    .buffers
                    .iter()
                    .filter_map(|b| {
                        let n = b.count()?.saturating_sub(b.samples + b.lost);
                        (n > 0).then_some((b.cpu(), n))
                    })
                    .collect();
                q.done = true;
            }
        }
        shared.ready.notify_one();
        if stopping {
            return;
        }
    }
}

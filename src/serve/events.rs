//! Event counters (`serve --events retrans,reset,drop`, also `check --events` and `watch
//! --events`): a thread of its own runs a trace of the chosen tracepoints (the kernel filters
//! drops down to IPv4 and IPv6 before delivering them) and counts every incident into a shared
//! [`Tally`] — the exporter's [`EventCounts`], copied into each collection's snapshot and
//! bounded however long the exporter runs, or the check's per-peer [`TracedCounts`], which
//! live for one interval or one refresh. Nothing is printed per event.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use anyhow::{Context, Result, anyhow};

use crate::analyze::check::traced::TracedCounts;
use crate::analyze::event_counts::EventCounts;
use crate::filter::Filter;
use crate::source::Source;
use crate::trace::attribute::Incident;
use crate::trace::{EventKinds, ScannedOwners, Shown, StateMachine, TraceOptions, Tracer};

/// What the counter thread counts into.
pub trait Tally: Send + 'static {
    /// Count one incident.
    fn add(&mut self, i: &Incident);
    /// Events the kernel lost or never delivered so far.
    fn set_lost(&mut self, lost: u64);
}

impl Tally for EventCounts {
    fn add(&mut self, i: &Incident) {
        EventCounts::add(self, i);
    }
    fn set_lost(&mut self, lost: u64) {
        self.lost = lost;
    }
}

impl Tally for TracedCounts {
    fn add(&mut self, i: &Incident) {
        TracedCounts::add(self, i);
    }
    fn set_lost(&mut self, lost: u64) {
        self.lost = lost;
    }
}

/// Shared counters, read by the collector.
pub type SharedCounts<T = EventCounts> = Arc<Mutex<T>>;

/// Lock the counters, whatever a panicking holder left.
pub fn lock<T>(c: &Arc<Mutex<T>>) -> MutexGuard<'_, T> {
    c.lock().unwrap_or_else(|p| p.into_inner())
}

/// The running counter thread; stops when dropped.
pub struct EventCounters<T: Tally = EventCounts> {
    pub counts: SharedCounts<T>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl<T: Tally> EventCounters<T> {
    /// Start tracing `kinds` with `pages` ring-buffer pages per CPU into `counts`; `snapshot`
    /// (the live source of this namespace) tells which local ports have listeners. The
    /// tracer's notices go to stderr after `tcpstate {who}:`. Fails with the tracer's one
    /// sentence (privilege, tracefs, a missing tracepoint).
    pub fn start(
        kinds: EventKinds,
        filter: Filter,
        counts: T,
        pages: usize,
        snapshot: Option<Box<dyn Source + Send>>,
        who: &'static str,
    ) -> Result<EventCounters<T>> {
        let counts: SharedCounts<T> = Arc::new(Mutex::new(counts));
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<(), String>>(1);
        let (c, s) = (counts.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("event-counters".into())
            .spawn(move || {
                let opts = TraceOptions {
                    buffer_pages: pages,
                    events: kinds,
                    keep_causes: false,
                };
                let started = Tracer::start(
                    opts,
                    &filter,
                    StateMachine,
                    ScannedOwners::default(),
                    snapshot,
                );
                let mut tracer = match started {
                    Ok(t) => {
                        let _ = ready_tx.send(Ok(()));
                        t
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                for n in tracer.take_notices() {
                    eprintln!("tcpstate {who}: {n}");
                }
                while !s.load(Ordering::Relaxed) {
                    tracer.step(200, false, &mut |shown| {
                        if let Shown::Incident(i) = shown {
                            lock(&c).add(i);
                        }
                        true
                    });
                    let lost = tracer.lost_so_far();
                    lock(&c).set_lost(lost);
                    for n in tracer.take_notices() {
                        eprintln!("tcpstate {who}: {n}");
                    }
                }
                // What is still queued counts too: a check's interval ends here.
                tracer.stop();
                tracer.step(0, true, &mut |shown| {
                    if let Shown::Incident(i) = shown {
                        lock(&c).add(i);
                    }
                    true
                });
                let lost = tracer.lost_so_far();
                lock(&c).set_lost(lost);
            })
            .context("starting the event counter thread")?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(EventCounters {
                counts,
                stop,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(anyhow!(e))
            }
            Err(_) => {
                let _ = thread.join();
                Err(anyhow!("the event counter thread ended before tracing"))
            }
        }
    }
}

impl<T: Tally> Drop for EventCounters<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

//! The exporter's event counters (`serve --events retrans,reset,drop`): a thread of its own
//! runs a trace of the chosen tracepoints (the kernel filters drops down to IPv4 and IPv6
//! before delivering them) and counts every incident into shared [`EventCounts`], which each
//! collection copies into its snapshot. Nothing is printed per event and nothing is kept per
//! peer, so memory stays bounded however long the exporter runs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use anyhow::{Context, Result, anyhow};

use crate::analyze::event_counts::EventCounts;
use crate::filter::Filter;
use crate::source::Source;
use crate::trace::{EventKinds, ScannedOwners, Shown, StateMachine, TraceOptions, Tracer};

/// Shared counters, read by the collector.
pub type SharedCounts = Arc<Mutex<EventCounts>>;

/// Lock the counters, whatever a panicking holder left.
pub fn lock(c: &SharedCounts) -> MutexGuard<'_, EventCounts> {
    c.lock().unwrap_or_else(|p| p.into_inner())
}

/// The running counter thread; stops when dropped.
pub struct EventCounters {
    pub counts: SharedCounts,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EventCounters {
    /// Start tracing `kinds` with `pages` ring-buffer pages per CPU; `snapshot` (the live
    /// source of this namespace) tells which local ports have listeners. Fails with the
    /// tracer's one sentence (privilege, tracefs, a missing tracepoint).
    pub fn start(
        kinds: EventKinds,
        filter: Filter,
        max_ports: usize,
        pages: usize,
        snapshot: Option<Box<dyn Source + Send>>,
    ) -> Result<EventCounters> {
        let counts: SharedCounts = Arc::new(Mutex::new(EventCounts::new(max_ports)));
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
                    eprintln!("tcpstate serve: {n}");
                }
                while !s.load(Ordering::Relaxed) {
                    tracer.step(200, false, &mut |shown| {
                        if let Shown::Incident(i) = shown {
                            lock(&c).add(i);
                        }
                        true
                    });
                    let lost = tracer.lost_so_far();
                    lock(&c).lost = lost;
                    for n in tracer.take_notices() {
                        eprintln!("tcpstate serve: {n}");
                    }
                }
                tracer.stop();
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

impl Drop for EventCounters {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

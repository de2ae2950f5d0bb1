//! The tracer under test: `tcpstate trace --format json` started inside a namespace and
//! stopped with SIGINT, a port and loopback address unique to each test (the tracepoint sees
//! every namespace on the host), retries of a scenario whose trace the kernel left incomplete,
//! and busy CPUs so that timer-driven transitions are delivered.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::process::ChildGuard;
use crate::common::{Netns, poll};

pub(super) const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

pub(super) use crate::common::traffic::unique_endpoint;

/// A running `tcpstate trace --format json` inside a namespace.
pub(super) struct Trace {
    child: ChildGuard,
    dir: tempfile::TempDir,
    pid: Option<i32>,
}

impl Trace {
    /// Start it and wait until it says it is ready. `None` (reason printed) when this host
    /// cannot trace.
    pub(super) fn start(ns: &Netns, args: &[&str]) -> Option<Trace> {
        let dir = tempfile::tempdir().expect("tempdir");
        let ready = dir.path().join("ready");
        let out = std::fs::File::create(dir.path().join("out")).expect("out file");
        let err = std::fs::File::create(dir.path().join("err")).expect("err file");
        let child = ChildGuard::spawn(
            "tcpstate trace",
            ns.command(BIN)
                .args(["trace", "--format", "json", "--ready-file"])
                .arg(&ready)
                .args(args)
                .stdout(out)
                .stderr(err),
        );
        let mut t = Trace {
            child,
            dir,
            pid: None,
        };
        let started = poll(Duration::from_secs(30), Duration::from_millis(20), || {
            let pid = std::fs::read_to_string(&ready)
                .ok()
                .and_then(|text| text.trim().parse().ok());
            match pid {
                Some(pid) => Some(Ok(pid)),
                None => t.child.exited().map(Err),
            }
        });
        match started.expect("tcpstate trace never got ready") {
            Ok(pid) => {
                t.pid = Some(pid);
                Some(t)
            }
            Err(status) => {
                let err = t.stderr();
                if err.contains("root") || err.contains("tracefs") || err.contains("CAP_PERFMON") {
                    // Not the fixture's skip: a kernel or container without tracing is no
                    // missing tool, so TCPSTATE_REQUIRE_NETNS=1 does not make it a failure.
                    eprintln!("skipped: this host cannot trace: {}", err.trim());
                    return None;
                }
                panic!("tcpstate trace exited ({status}) before it was ready: {err}");
            }
        }
    }

    pub(super) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(super) fn stderr(&self) -> String {
        std::fs::read_to_string(self.path("err")).unwrap_or_default()
    }

    pub(super) fn lines(&self) -> Vec<Value> {
        std::fs::read_to_string(self.path("out"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Wait (bounded) until the output so far satisfies `pred`.
    pub(super) fn wait_for(&mut self, what: &str, pred: impl Fn(&[Value]) -> bool) {
        if !self.wait_until(20, pred) {
            // Let it print its summary before failing: it says what it saw.
            self.interrupt();
            let _ = self.child.child.wait();
            panic!(
                "timed out waiting for {what}; output:\n{}\nstderr:\n{}",
                std::fs::read_to_string(self.path("out")).unwrap_or_default(),
                self.stderr()
            );
        }
    }

    /// Wait up to `secs` until the output satisfies `pred`; whether it did.
    pub(super) fn wait_until(&self, secs: u64, pred: impl Fn(&[Value]) -> bool) -> bool {
        poll(Duration::from_secs(secs), Duration::from_millis(50), || {
            pred(&self.lines()).then_some(())
        })
        .is_some()
    }

    pub(super) fn interrupt(&self) {
        if let Some(pid) = self.pid {
            // SAFETY: signalling the tracer process this test started.
            unsafe {
                libc::kill(pid, libc::SIGINT);
            }
        }
    }

    /// Stop it with SIGINT; return its transitions and its summary.
    pub(super) fn stop(self) -> (Vec<Value>, Value) {
        let (lines, summary) = self.stop_all();
        let events = lines
            .into_iter()
            .filter(|v| v["type"] == "transition")
            .collect();
        (events, summary)
    }

    /// Stop it with SIGINT; return every line before the summary (transitions and
    /// incidents) and the summary.
    pub(super) fn stop_all(mut self) -> (Vec<Value>, Value) {
        self.interrupt();
        let status = self.child.child.wait().expect("wait for tcpstate");
        assert!(status.success(), "tcpstate trace failed: {}", self.stderr());
        let lines = self.lines();
        let summary = lines
            .iter()
            .find(|v| v["type"] == "summary")
            .cloned()
            .unwrap_or_else(|| panic!("no summary line; stderr: {}", self.stderr()));
        let events = lines
            .into_iter()
            .filter(|v| v["type"] != "summary")
            .collect();
        (events, summary)
    }
}

/// Run a traced scenario until its check passes. A failed check is retried only when the
/// tracer itself said its trace was incomplete (some kernels count tracepoint hits they never
/// deliver, see `Summary::undelivered`): that is the kernel's doing, and tcpstate said so.
pub(super) fn until_complete(
    name: &str,
    mut attempt: impl FnMut() -> Option<(Value, Result<(), String>)>,
) {
    for n in 1..=5 {
        let Some((summary, outcome)) = attempt() else {
            return;
        };
        match outcome {
            Ok(()) => return,
            Err(why) if summary["complete"] == false => {
                eprintln!(
                    "{name}: attempt {n}: the kernel did not deliver every event ({} undelivered, {} lost), so: {why}; trying again",
                    summary["events"]["undelivered"], summary["events"]["lost"]
                );
            }
            Err(why) => panic!("{name}: {why}\nsummary: {summary}"),
        }
    }
    panic!("{name}: no complete trace in 5 attempts");
}

/// Busy threads on every CPU until dropped (at most 30 s): timers then fire in the context of
/// a running task rather than of an idle CPU, whose tracepoint samples some kernels drop.
pub(super) struct Busy {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Busy {
    pub(super) fn new() -> Busy {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        let threads = (0..n)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let end = Instant::now() + Duration::from_secs(30);
                    while !stop.load(Ordering::Relaxed) && Instant::now() < end {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        Busy { stop, threads }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

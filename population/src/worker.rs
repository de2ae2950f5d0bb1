//! Worker processes: a `Job` made and held in a process of its own, so that a population
//! larger than one process's descriptor limit can be built. The parent starts each worker with
//! a command of its choosing (typically itself through `ip netns exec`, with the job on its
//! command line), waits for its "ready" line, and ends it by closing its stdin (or killing it)
//! when the `Worker` is dropped. `serve` is the worker's side of that exchange.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::plan::Job;

/// A running worker process.
#[derive(Debug)]
pub struct Worker {
    pub job: Job,
    child: Child,
}

impl Worker {
    /// Starts `cmd`, which must run `serve(job)` (in the intended namespace), with piped stdin
    /// and stdout.
    pub fn start(mut cmd: Command, job: Job) -> Result<Worker> {
        let child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting a population worker for {job:?}"))?;
        Ok(Worker { job, child })
    }

    /// Waits for the worker's "ready" line.
    pub fn wait_ready(&mut self) -> Result<()> {
        let out = self.child.stdout.take().context("worker stdout")?;
        let mut line = String::new();
        BufReader::new(out).read_line(&mut line)?;
        if line.trim() != "ready" {
            bail!("worker {:?} failed: {:?}", self.job, line.trim());
        }
        Ok(())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The worker's body: makes the job's sockets, prints "ready" and holds them until stdin
/// closes.
pub fn serve(job: Job) -> Result<()> {
    let held = job.make()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    drop(out);
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(held);
    Ok(())
}

//! The worker threads that ask the `Handler` for answers, so a handler that waits (the
//! exporter waits for a collection, which takes a while at a million sockets) never holds up
//! the readiness loop. A worker gets a request by value, never a connection; it hands the
//! response back on a channel and wakes the loop through a descriptor the loop polls.

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;

use super::{Handler, Request, Response};

/// A complete, valid request, owned, for a worker.
pub(super) struct Job {
    pub(super) id: u64,
    pub(super) method: String,
    pub(super) path: String,
    pub(super) accept: Option<String>,
}

/// A worker's answer to the job `id`.
pub(super) struct Answer {
    pub(super) id: u64,
    pub(super) response: Response,
}

/// The pool: jobs in, answers out, a wake-up descriptor readable when answers wait.
pub(super) struct Workers {
    jobs: Sender<Job>,
    answers: Receiver<Answer>,
    wake: UnixStream,
}

impl Workers {
    pub(super) fn start(count: usize, handler: Arc<dyn Handler>) -> io::Result<Workers> {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (answer_tx, answers) = mpsc::channel::<Answer>();
        let (wake, waker) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        waker.set_nonblocking(true)?;
        for n in 0..count.max(1) {
            let job_rx = Arc::clone(&job_rx);
            let answer_tx = answer_tx.clone();
            let handler = Arc::clone(&handler);
            let waker = waker.try_clone()?;
            thread::Builder::new()
                .name(format!("http-{n}"))
                .spawn(move || {
                    loop {
                        let next = match job_rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        let Ok(job) = next else { break };
                        let req = Request {
                            method: &job.method,
                            path: &job.path,
                            accept: job.accept.as_deref(),
                        };
                        // A bug in a handler must not take the worker (and the pool) down.
                        let response = catch_unwind(AssertUnwindSafe(|| handler.handle(&req)))
                            .unwrap_or_else(|_| Response::status(500));
                        if answer_tx
                            .send(Answer {
                                id: job.id,
                                response,
                            })
                            .is_err()
                        {
                            break;
                        }
                        // A full pipe already wakes the loop: a lost byte loses nothing.
                        let _ = (&waker).write(&[1]);
                    }
                })?;
        }
        Ok(Workers {
            jobs,
            answers,
            wake,
        })
    }

    /// Queue a request; false when the pool is gone.
    pub(super) fn submit(&self, job: Job) -> bool {
        self.jobs.send(job).is_ok()
    }

    /// Readable when answers are waiting.
    pub(super) fn wakeup(&self) -> BorrowedFd<'_> {
        self.wake.as_fd()
    }

    /// The answers ready now. Empties the wake-up descriptor first, so an answer sent after
    /// this wakes the loop again.
    pub(super) fn ready(&self) -> Vec<Answer> {
        let mut buf = [0u8; 256];
        while matches!((&self.wake).read(&mut buf), Ok(n) if n > 0) {}
        self.answers.try_iter().collect()
    }
}

//! The one way a long-running command (serve, watch, trace) learns it should stop: a `Stop`
//! that chosen signals (SIGTERM, SIGINT, SIGHUP…) or the program itself set off. It is a flag
//! to look at between steps and a descriptor that becomes readable at the same moment, so a
//! loop blocked in `poll` wakes at once. Once installed, those signals no longer kill the
//! process: each command ends through its normal path (summary printed, terminal restored,
//! connections answered).

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The signals that end serve and trace.
pub const TERMINATE: &[libc::c_int] = &[libc::SIGTERM, libc::SIGINT];

/// The signals that end the dashboard: also SIGHUP, for a terminal that went away.
pub const TERMINATE_OR_HANGUP: &[libc::c_int] = &[libc::SIGTERM, libc::SIGINT, libc::SIGHUP];

/// A stop request: a flag and a wake-up descriptor.
#[derive(Debug)]
pub struct Stop {
    flag: Arc<AtomicBool>,
    rx: UnixStream,
    tx: UnixStream,
}

impl Stop {
    /// A stop only `trigger` sets off.
    pub fn new() -> io::Result<Stop> {
        let (rx, tx) = UnixStream::pair()?;
        rx.set_nonblocking(true)?;
        tx.set_nonblocking(true)?;
        Ok(Stop {
            flag: Arc::new(AtomicBool::new(false)),
            rx,
            tx,
        })
    }

    /// A stop that `signals` also set off.
    pub fn on_signals(signals: &[libc::c_int]) -> io::Result<Stop> {
        let stop = Stop::new()?;
        for &sig in signals {
            signal_hook::flag::register(sig, Arc::clone(&stop.flag))?;
            signal_hook::low_level::pipe::register(sig, stop.tx.try_clone()?)?;
        }
        Ok(stop)
    }

    /// A stop that `signals` set off, where a second signal, once the stop was asked for,
    /// ends the process at once with status 128 + signal: for a command whose orderly stop
    /// may take a moment (serve lets answers in flight finish) and whose operator may not
    /// want to wait for it.
    pub fn on_signals_then_exit(signals: &[libc::c_int]) -> io::Result<Stop> {
        let stop = Stop::new()?;
        for &sig in signals {
            // Registered first, so it runs before the flag is set: the first signal finds the
            // flag down and only sets it, a later one finds it up and exits.
            signal_hook::flag::register_conditional_shutdown(
                sig,
                128 + sig,
                Arc::clone(&stop.flag),
            )?;
            signal_hook::flag::register(sig, Arc::clone(&stop.flag))?;
            signal_hook::low_level::pipe::register(sig, stop.tx.try_clone()?)?;
        }
        Ok(stop)
    }

    /// Ask for the stop.
    pub fn trigger(&self) {
        self.flag.store(true, Ordering::SeqCst);
        let _ = (&self.tx).write(&[1]);
    }

    /// Whether the stop was asked for.
    pub fn raised(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// The flag alone, for a thread that only looks (the dashboard's hang-up watchdog).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.flag)
    }

    /// Readable once the stop was asked for: put it in a `poll` beside the real work.
    pub fn wakeup(&self) -> BorrowedFd<'_> {
        self.rx.as_fd()
    }

    /// Empty the wake-up descriptor (after a poll saw it) so it can be polled again.
    pub fn drain(&self) {
        let mut buf = [0u8; 64];
        while matches!((&self.rx).read(&mut buf), Ok(n) if n > 0) {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_raises_the_flag_and_wakes_a_poll() {
        // SIGUSR2: nothing else in the test binary uses it.
        let stop = Stop::on_signals(&[libc::SIGUSR2]).unwrap();
        assert!(!stop.raised());
        // SAFETY: raising a signal that has a handler installed above.
        unsafe { libc::raise(libc::SIGUSR2) };
        assert!(stop.raised());
        let wakeup = stop.wakeup();
        let mut fds = [rustix::event::PollFd::new(
            &wakeup,
            rustix::event::PollFlags::IN,
        )];
        let ready = rustix::event::poll(&mut fds, None).unwrap();
        assert_eq!(ready, 1);
        stop.drain();
    }

    #[test]
    fn trigger_without_signals() {
        let stop = Stop::new().unwrap();
        stop.trigger();
        assert!(stop.raised());
    }
}

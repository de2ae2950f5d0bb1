//! `ChildGuard`: a child process the test started (a server under test, Prometheus, a helper
//! holding sockets), killed by its own pid and reaped when the guard is dropped, also when the
//! test fails; and bounded waits for it to exit.

use std::process::{Child, Command, ExitStatus};
use std::time::Duration;

use super::poll;

/// A child process, killed (if it still runs) and reaped on drop.
#[derive(Debug)]
pub struct ChildGuard {
    pub child: Child,
}

impl ChildGuard {
    /// Starts `cmd`; `what` names it in the panic message when it cannot start.
    pub fn spawn(what: &str, cmd: &mut Command) -> ChildGuard {
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        ChildGuard { child }
    }

    /// Its process id (with `ip netns exec`, which execs the command, the command's own).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it has exited, with its status.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Waits for it to exit, at most `limit`.
    pub fn wait_for(&mut self, limit: Duration) -> Option<ExitStatus> {
        poll(limit, Duration::from_millis(20), || self.exited())
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.exited().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

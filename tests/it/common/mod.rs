//! Shared fixture for the integration tests: a throw-away network namespace per test
//! (`Netns`), a way to create sockets inside it from the test process, and a `Population` of
//! TCP sockets in chosen states (ESTABLISHED, LISTEN, TIME_WAIT, CLOSE_WAIT, FIN_WAIT2,
//! SYN_SENT, SYN_RECV, FIN_WAIT1, LAST_ACK, CLOSING) for IPv4 and IPv6 loopback, together with
//! the exact per-state, per-family counts a correct tool must report. Tests that need root or
//! an external tool skip with a one-line reason on stderr instead of failing; set
//! `TCPSTATE_REQUIRE_NETNS=1` to turn those skips into failures (for CI runs that must
//! exercise the fixture). Also: `process::ChildGuard` (a child process killed on drop),
//! `tmux::Tmux` (an interactive program in a real terminal), `ss` (the kernel's view, read back
//! with `ss`) and `poll` (the one bounded wait). The sockets themselves are made by the
//! workspace's `tcpstate-population` crate, whose `Family` this re-exports.

pub mod capture;
pub mod netns;
pub mod population;
pub mod process;
pub mod ss;
pub mod tmux;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

pub use netns::Netns;
pub use population::{Counts, Expected, Population};
pub use tcpstate_population::Family;

/// One TCP state as the tools spell it: netstat's name (the key of `Expected`), the word `ss`
/// takes after `state`, and the word `ss` prints in its first column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateName {
    pub netstat: &'static str,
    pub ss_filter: &'static str,
    pub ss_shown: &'static str,
}

const fn state(
    netstat: &'static str,
    ss_filter: &'static str,
    ss_shown: &'static str,
) -> StateName {
    StateName {
        netstat,
        ss_filter,
        ss_shown,
    }
}

/// The states a `Population` can make, in the kernel's order.
pub const STATES: [StateName; 10] = [
    state("ESTABLISHED", "established", "ESTAB"),
    state("SYN_SENT", "syn-sent", "SYN-SENT"),
    state("SYN_RECV", "syn-recv", "SYN-RECV"),
    state("FIN_WAIT1", "fin-wait-1", "FIN-WAIT-1"),
    state("FIN_WAIT2", "fin-wait-2", "FIN-WAIT-2"),
    state("TIME_WAIT", "time-wait", "TIME-WAIT"),
    state("CLOSE_WAIT", "close-wait", "CLOSE-WAIT"),
    state("LAST_ACK", "last-ack", "LAST-ACK"),
    state("LISTEN", "listening", "LISTEN"),
    state("CLOSING", "closing", "CLOSING"),
];

/// The keys tcpstate gives the eleven states of a TCP socket in JSON, CSV and perfdata, in the
/// kernel's order: the ten a `Population` makes and `close`.
pub const STATE_KEYS: [&str; 11] = [
    "established",
    "syn_sent",
    "syn_recv",
    "fin_wait1",
    "fin_wait2",
    "time_wait",
    "close",
    "close_wait",
    "last_ack",
    "listen",
    "closing",
];

/// The state `ss` printed, as netstat names it (`UNCONN` is a closed socket, `CLOSE`).
pub fn state_from_ss(shown: &str) -> Option<&'static str> {
    if shown == "UNCONN" {
        return Some("CLOSE");
    }
    STATES
        .iter()
        .find(|s| s.ss_shown == shown)
        .map(|s| s.netstat)
}

/// Whether this process runs as root (namespaces and nftables need it).
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Says why a test does not run. With `TCPSTATE_REQUIRE_NETNS=1` in the environment a skip is
/// a failure instead, so that a CI run that is meant to exercise the fixture cannot pass
/// vacuously.
pub fn skip(reason: &str) {
    if std::env::var_os("TCPSTATE_REQUIRE_NETNS").is_some_and(|v| v == "1") {
        panic!("TCPSTATE_REQUIRE_NETNS=1 but the test would skip: {reason}");
    }
    eprintln!("skipping: {reason}");
}

/// Whether `name` is an executable on `PATH`; if not, says so through `skip` and returns false.
/// `if !require_tool("nft") { return; }`
pub fn require_tool(name: &str) -> bool {
    if find_tool(name) {
        return true;
    }
    skip(&format!("needs `{name}` on PATH"));
    false
}

/// Whether `name` is an executable on `PATH`, silently.
pub fn find_tool(name: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| is_executable(&dir.join(name)))
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Calls `probe` until it returns `Some`, pausing `pause` in between, for at most `timeout`;
/// returns what it returned, or `None` when the time is up. The tests wait for the kernel, a
/// child process or a screen through this, so every wait is bounded.
pub fn poll<T>(
    timeout: Duration,
    pause: Duration,
    mut probe: impl FnMut() -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = probe() {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(pause);
    }
}

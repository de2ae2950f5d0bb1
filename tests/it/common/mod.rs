//! Shared fixture for the integration tests. The sockets and their namespaces come from the
//! workspace crate `tcpstate-population`, re-exported here: `Netns` (a throw-away network
//! namespace per test, wrapped with the tests' skip policy), `Population` (TCP sockets in
//! chosen states, ESTABLISHED, LISTEN, TIME_WAIT, CLOSE_WAIT, FIN_WAIT2, SYN_SENT, SYN_RECV,
//! FIN_WAIT1, LAST_ACK and CLOSING, for IPv4 and IPv6 loopback, with the exact per-state,
//! per-family counts a correct tool must report) and `ss` (the kernel's view, read back with
//! `ss`). Tests that need root or an external tool skip with a one-line reason on stderr
//! instead of failing; set `TCPSTATE_REQUIRE_NETNS=1` to turn those skips into failures (for
//! CI runs that must exercise the fixture). Also: `capture` (saved captures), `process::
//! ChildGuard` (a child process killed on drop), `tmux::Tmux` (an interactive program in a
//! real terminal) and `poll` (the one bounded wait).

pub mod capture;
pub mod netns;
pub mod process;
pub mod tmux;
pub mod traffic;

use std::time::{Duration, Instant};

pub use netns::Netns;
pub use tcpstate_population::census::{self as ss, STATES};
pub use tcpstate_population::exact as population;
pub use tcpstate_population::netns::find_tool;
pub use tcpstate_population::{Counts, Expected, Family, Population};

/// The tcpstate binary under test, as a command to add arguments to.
pub fn tcpstate() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("tcpstate").expect("the tcpstate binary is built")
}

/// What `tcpstate ARGS --format json` prints, parsed; the run must succeed.
pub fn json(args: &[&str]) -> serde_json::Value {
    let out = tcpstate()
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("tcpstate runs");
    assert!(
        out.status.success(),
        "tcpstate {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

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

//! Reading the namespace's TCP sockets back with `ss -Htan`: one parsed line per socket
//! (state, family, local and peer port) and a census that counts them per state and family,
//! optionally only those that touch a given set of ports, or per state with both families
//! together, and a bounded wait for those counts; also how netstat and `ss` spell the states.
//! The population builder and the tests check sockets with this, independently of tcpstate.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{Family, Netns};

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

/// The states a population can make, in the kernel's order.
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

/// Counts per (netstat state name, family). Zero counts are left out.
pub type Census = BTreeMap<(&'static str, Family), usize>;

/// One line of `ss -Htan`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsSocket {
    /// netstat's name of the state (`ESTABLISHED`, `SYN_RECV`, ...).
    pub state: &'static str,
    pub family: Family,
    pub local_port: Option<u16>,
    pub peer_port: Option<u16>,
}

/// Every TCP socket of `family` in the namespace, as `ss -Htan -4|-6` lists it.
pub fn sockets(ns: &Netns, family: Family) -> Result<Vec<SsSocket>> {
    let text = ns.check_output("ss", &["-Htan", family.flag()])?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| parse_line(line, family).with_context(|| format!("ss printed {line:?}")))
        .collect()
}

/// Parses `STATE RECV-Q SEND-Q LOCAL:PORT PEER:PORT`.
fn parse_line(line: &str, family: Family) -> Result<SsSocket> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let shown = fields.first().context("empty line")?;
    let state = state_from_ss(shown).with_context(|| format!("unknown state {shown}"))?;
    let local = fields.get(3).context("no local address")?;
    let peer = fields.get(4).context("no peer address")?;
    Ok(SsSocket {
        state,
        family,
        local_port: port_of(local),
        peer_port: port_of(peer),
    })
}

/// The port after the last colon; `*` (a listener's peer) is none.
fn port_of(endpoint: &str) -> Option<u16> {
    endpoint.rsplit_once(':').and_then(|(_, p)| p.parse().ok())
}

/// Counts the namespace's sockets per state and family, only those whose local or peer port
/// `keep` accepts.
pub fn census(ns: &Netns, keep: impl Fn(u16) -> bool) -> Result<Census> {
    let mut counts = Census::new();
    for family in Family::ALL {
        for s in sockets(ns, family)? {
            let touches = s.local_port.is_some_and(&keep) || s.peer_port.is_some_and(&keep);
            if touches {
                *counts.entry((s.state, family)).or_default() += 1;
            }
        }
    }
    Ok(counts)
}

/// Counts every TCP socket of the namespace per state and family.
pub fn census_all(ns: &Netns) -> Result<Census> {
    census(ns, |_| true)
}

/// Counts per netstat state name, IPv4 and IPv6 together. Zero counts are left out.
pub type States = BTreeMap<&'static str, usize>;

/// Counts every TCP socket of the namespace per state, both families together.
pub fn states(ns: &Netns) -> Result<States> {
    let mut counts = States::new();
    for ((state, _), n) in census_all(ns)? {
        *counts.entry(state).or_default() += n;
    }
    Ok(counts)
}

/// Reads `states` again and again (at most `timeout`) until `done` accepts the counts, and
/// returns them; fails with the last counts seen when the time is up.
pub fn wait_states(
    ns: &Netns,
    timeout: Duration,
    done: impl Fn(&States) -> bool,
) -> Result<States> {
    let deadline = Instant::now() + timeout;
    loop {
        let seen = states(ns)?;
        if done(&seen) {
            return Ok(seen);
        }
        if Instant::now() >= deadline {
            bail!("after {timeout:?} ss in {} still shows {seen:?}", ns.name());
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The entries where two censuses differ, as `STATE/IPvN expected X, seen Y`, or an empty
/// string when they agree.
pub fn diff(expected: &Census, seen: &Census) -> String {
    let mut keys: Vec<_> = expected.keys().chain(seen.keys()).copied().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let e = expected.get(&key).copied().unwrap_or(0);
            let s = seen.get(&key).copied().unwrap_or(0);
            (e != s).then(|| format!("{}/{} expected {e}, seen {s}", key.0, key.1))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The namespace's non-zero TCP counters (`TcpExt` of /proc/net/netstat: TIME_WAIT overflows,
/// listen drops, aborts, ...), `name=value` separated by spaces: what a failure report needs to
/// say where sockets went.
pub fn tcp_counters(ns: &Netns) -> Result<String> {
    let text = ns.check_output("cat", &["/proc/net/netstat"])?;
    let mut lines = text.lines().filter(|l| l.starts_with("TcpExt:"));
    let (Some(names), Some(values)) = (lines.next(), lines.next()) else {
        return Ok(String::from("(no TcpExt lines)"));
    };
    let pairs: Vec<String> = names
        .split_whitespace()
        .zip(values.split_whitespace())
        .skip(1)
        .filter(|(_, v)| *v != "0")
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    Ok(pairs.join(" "))
}

//! Reading the namespace's TCP sockets back with `ss -Htan`: one parsed line per socket
//! (state, family, local and peer port) and a census that counts them per state and family,
//! optionally only those that touch a given set of ports, or per state with both families
//! together, and a bounded wait for those counts. The fixture and the tests check sockets
//! with this, independently of the code under test.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::{Family, Netns, poll, state_from_ss};

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
    let mut last = States::new();
    let found = poll(timeout, Duration::from_millis(25), || match states(ns) {
        Ok(seen) if done(&seen) => Some(Ok(seen)),
        Ok(seen) => {
            last = seen;
            None
        }
        Err(e) => Some(Err(e)),
    });
    match found {
        Some(result) => result,
        None => bail!("after {timeout:?} ss in {} still shows {last:?}", ns.name()),
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

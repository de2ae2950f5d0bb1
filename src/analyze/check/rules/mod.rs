//! The rules of the health check. Each reads the sample's aggregates, the host facts when
//! there are any, and the thresholds, and returns one [`Finding`]. A rule that lacks an input
//! (a second sample, a sysctl, the counters of a capture) judges what it can and says in a
//! note what it skipped; it never fails silently.

mod close_wait;
mod closing;
mod conntrack;
mod inside;
mod memory;
mod ports;
mod queues;
mod states;
mod timewait;
mod traced;

use std::cmp::Reverse;
use std::net::IpAddr;

use super::facts::HostFacts;
use super::messages::{CheckMsg, Measure};
use super::sink::Host;
use super::thresholds::{Limit, Thresholds};
use super::{AdviceSettings, Finding, Observation, Offender, OffenderKey, Rule, Severity, TOP};
use crate::tcp::state::TcpState;

pub use close_wait::close_wait;
pub use closing::{closing_peers, fin_wait2};
pub use conntrack::conntrack;
pub use inside::{listener_drops, slow_peers, sndbuf_limited};
pub use memory::{memory, orphans};
pub use ports::ephemeral_ports;
pub use queues::{accept_queue, stuck_queues, syn_backlog};
pub use states::{GENERIC_STATES, state_counts};
pub use timewait::time_wait;
pub use traced::{kernel_drops, peer_retransmits, resets_sent};

/// Every rule, in display order; `state_counts` only when one of its states has a threshold.
pub fn all(t: &Thresholds, obs: &Observation) -> Vec<Finding> {
    let out = vec![
        accept_queue(t, obs),
        syn_backlog(t, obs),
        listener_drops(t, obs),
        close_wait(t, obs),
        ephemeral_ports(t, obs),
        time_wait(t, obs),
        closing_peers(t, obs),
        fin_wait2(t, obs),
        stuck_queues(t, obs),
        slow_peers(t, obs),
        sndbuf_limited(t, obs),
        peer_retransmits(t, obs),
        kernel_drops(t, obs),
        resets_sent(t, obs),
        orphans(t, obs),
        memory(t, obs),
        conntrack(t, obs),
    ];
    // Sockets of unknown state raise no alarm and are in no state's count: every rule that
    // judges states says it could not judge them, so its OK is not read as covering them.
    let unknown = obs.sockets.counts.get(TcpState::Unknown);
    out.into_iter()
        .chain(state_counts(t, obs))
        .map(|mut f| {
            if unknown > 0 && f.rule.judges_states() {
                f.notes.push(CheckMsg::UnknownStates { count: unknown });
            }
            f.settled()
        })
        .collect()
}

fn finding(rule: Rule, advice: AdviceSettings, summary: CheckMsg) -> Finding {
    Finding {
        rule,
        severity: Severity::Ok,
        summary,
        evidence: Vec::new(),
        offenders: Vec::new(),
        advice,
        notes: Vec::new(),
        metrics: Vec::new(),
        cause: None,
    }
}

impl Finding {
    /// Raise the severity by the rule's main measure (its summary already says it).
    fn raise(&mut self, s: Severity) {
        if s > self.severity {
            self.severity = s;
            self.cause = None;
        }
    }

    /// Raise the severity by a secondary measure, which then heads the finding.
    fn raise_because(&mut self, s: Severity, cause: CheckMsg) {
        if s > self.severity {
            self.severity = s;
            self.cause = Some(cause);
        }
    }

    /// The finding as shown: headed by what made it worse than OK.
    fn settled(mut self) -> Finding {
        if let Some(c) = self.cause.take() {
            self.summary = c;
        }
        self
    }

    fn skipped(mut self, why: CheckMsg) -> Finding {
        self.summary = CheckMsg::Skipped {
            why: Box::new(why.clone()),
        };
        self.notes.push(why);
        self
    }
}

/// Whether a measure beside the rule's main one heads the finding when it raised it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Heads {
    Yes,
    No,
}

fn secs(obs: &Observation) -> f64 {
    obs.interval.map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// One TcpExt counter a rule judges by its increase over the interval, optionally counted
/// beyond the increase of another (`ListenDrops` beyond `ListenOverflows`).
struct Counter<'a> {
    name: &'static str,
    beyond: Option<&'static str>,
    limit: &'a Limit,
}

fn counter<'a>(name: &'static str, limit: &'a Limit) -> Counter<'a> {
    Counter {
        name,
        beyond: None,
        limit,
    }
}

/// Judge the increases of TcpExt counters over the interval; with one sample, one note. A
/// counter that raised the severity heads the finding.
fn increases(f: &mut Finding, obs: &Observation, counters: &[Counter<'_>]) {
    let (Some(now), Some(then)) = (obs.facts, obs.previous) else {
        if obs.facts.is_some() {
            f.notes.push(CheckMsg::NeedsInterval {
                counters: counters.iter().map(|c| c.name).collect(),
            });
        }
        return;
    };
    for c in counters {
        let other = match c.beyond {
            Some(o) => match now.increase(then, o) {
                Some(by) => Some((o, by)),
                None => {
                    f.notes.push(CheckMsg::CountersMissing);
                    continue;
                }
            },
            None => None,
        };
        match now.increase(then, c.name) {
            Some(raw) => {
                let by = raw.saturating_sub(other.map_or(0, |o| o.1));
                let said = CheckMsg::Increase {
                    counter: c.name,
                    beyond: other,
                    by,
                    secs: secs(obs),
                    limit: *c.limit,
                };
                f.raise_because(c.limit.severity(by, 0), said.clone());
                f.evidence.push(said);
                f.metrics.push((metric_name(c.name), raw));
            }
            None => f.notes.push(CheckMsg::CountersMissing),
        }
    }
}

fn metric_name(counter: &'static str) -> &'static str {
    match counter {
        "TCPTimeWaitOverflow" => "tw_overflow_increase",
        "SyncookiesSent" => "syncookies_sent_increase",
        "ListenDrops" => "listen_drops_increase",
        "ListenOverflows" => "listen_overflows_increase",
        _ => "counter_increase",
    }
}

/// Judge the count of state `s` against its thresholds and say it in the evidence. `Heads::No`
/// when the rule's summary already says the count; `Heads::Yes` when the count is beside the
/// rule's main measure, so that a count that raised the severity heads the finding.
fn state_evidence(
    f: &mut Finding,
    t: &Thresholds,
    obs: &Observation,
    s: TcpState,
    heads: Heads,
) -> u64 {
    let counts = &obs.sockets.counts;
    let (n, total) = (counts.get(s), counts.total());
    let limit = t.state(s);
    let said = CheckMsg::StateCount {
        state: s,
        count: n,
        total,
        limit,
    };
    match heads {
        Heads::Yes => f.raise_because(limit.severity(n, total), said.clone()),
        Heads::No => f.raise(limit.severity(n, total)),
    }
    f.evidence.push(said);
    f.metrics.push((s.key(), n));
    n
}

/// Facts, or a note that there are none (a capture).
fn facts<'a>(f: &mut Finding, obs: &Observation<'a>) -> Option<&'a HostFacts> {
    if obs.facts.is_none() {
        f.notes.push(CheckMsg::NoHostFacts);
    }
    obs.facts
}

/// Sort by a descending key and keep the top few.
fn top<T, K: Ord>(mut v: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    v.sort_by_key(|x| Reverse(key(x)));
    v.truncate(TOP);
    v
}

/// Rank by fill: `a/b` compared exactly as `a * b'` against `a' * b`; an empty limit is full.
fn fill_key(n: u64, limit: u64) -> (u128, u64) {
    // Scaled to a common denominator of 2^32 so fills compare without floats.
    let scaled = if limit == 0 {
        u128::MAX
    } else {
        (u128::from(n) << 32) / u128::from(limit)
    };
    (scaled, n)
}

fn peer_offenders<'a>(
    mut peers: Vec<(&'a Host, &'a crate::analyze::check::sink::PeerCounts)>,
    count: impl Fn(&crate::analyze::check::sink::PeerCounts) -> u64,
    text: impl Fn(&crate::analyze::check::sink::PeerCounts) -> CheckMsg,
) -> Vec<Offender> {
    peers.sort_by(|a, b| a.0.cmp(b.0));
    top(peers, |(_, p)| count(p))
        .into_iter()
        .map(|(h, p)| Offender {
            key: OffenderKey::Peer(h.clone()),
            count: count(p),
            limit: None,
            text: text(p),
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;

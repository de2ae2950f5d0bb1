//! The rules of the health check. Each reads the sample's aggregates, the host facts when
//! there are any, and the thresholds, and returns one [`Finding`]. A rule that lacks an input
//! (a second sample, a sysctl, the counters of a capture) judges what it can and says in a
//! note what it skipped; it never fails silently.

mod close_wait;
mod closing;
mod memory;
mod ports;
mod queues;
mod states;
mod timewait;

use std::cmp::Reverse;

use super::facts::HostFacts;
use super::messages::{CheckMsg, Measure};
use super::sink::Host;
use super::thresholds::{Limit, Thresholds};
use super::{AdviceSettings, Finding, Observation, Offender, OffenderKey, Rule, Severity, TOP};
use crate::tcp::state::TcpState;

pub use close_wait::close_wait;
pub use closing::{closing_peers, fin_wait2};
pub use memory::{memory, orphans};
pub use ports::ephemeral_ports;
pub use queues::{accept_queue, stuck_queues, syn_backlog};
pub use states::{GENERIC_STATES, state_counts};
pub use timewait::time_wait;

/// Every rule, in display order; `state_counts` only when one of its states has a threshold.
pub fn all(t: &Thresholds, obs: &Observation) -> Vec<Finding> {
    let mut out = vec![
        accept_queue(t, obs),
        syn_backlog(t, obs),
        close_wait(t, obs),
        ephemeral_ports(t, obs),
        time_wait(t, obs),
        closing_peers(t, obs),
        fin_wait2(t, obs),
        stuck_queues(t, obs),
        orphans(t, obs),
        memory(t, obs),
    ];
    if let Some(f) = state_counts(t, obs) {
        out.push(f);
    }
    out
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
    }
}

impl Finding {
    fn raise(&mut self, s: Severity) {
        self.severity = self.severity.max(s);
    }

    fn skipped(mut self, why: CheckMsg) -> Finding {
        self.summary = CheckMsg::Skipped {
            why: Box::new(why.clone()),
        };
        self.notes.push(why);
        self
    }
}

fn secs(obs: &Observation) -> f64 {
    obs.interval.map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Judge the increases of TcpExt counters over the interval; with one sample, one note.
fn increases(f: &mut Finding, obs: &Observation, counters: &[(&'static str, &Limit)]) {
    let (Some(now), Some(then)) = (obs.facts, obs.previous) else {
        if obs.facts.is_some() {
            f.notes.push(CheckMsg::NeedsInterval {
                counters: counters.iter().map(|c| c.0).collect(),
            });
        }
        return;
    };
    for &(name, limit) in counters {
        match now.increase(then, name) {
            Some(by) => {
                f.raise(limit.severity(by, 0));
                f.evidence.push(CheckMsg::Increase {
                    counter: name,
                    by,
                    secs: secs(obs),
                    limit: *limit,
                });
                f.metrics.push((metric_name(name), by));
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

fn state_evidence(f: &mut Finding, t: &Thresholds, obs: &Observation, s: TcpState) -> u64 {
    let counts = &obs.sockets.counts;
    let (n, total) = (counts.get(s), counts.total());
    let limit = t.state(s);
    f.raise(limit.severity(n, total));
    f.evidence.push(CheckMsg::StateCount {
        state: s,
        count: n,
        total,
        limit,
    });
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

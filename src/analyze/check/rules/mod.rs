//! The rules of the health check. Each reads the sample's aggregates, the host facts when
//! there are any, and the thresholds, and returns one [`Finding`]. A rule that lacks an input
//! (a second sample, a sysctl, the counters of a capture) judges what it can and says in a
//! note what it skipped; it never fails silently.

use std::cmp::Reverse;

use super::facts::HostFacts;
use super::messages::{CheckMsg, Measure};
use super::sink::Host;
use super::thresholds::{Limit, Thresholds};
use super::{AdviceSettings, Finding, Observation, Offender, OffenderKey, Rule, Severity, TOP};
use crate::tcp::state::TcpState;

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

/// The states judged by the generic `state_counts` rule; every other state belongs to a rule
/// of its own.
pub const GENERIC_STATES: [TcpState; 5] = [
    TcpState::Established,
    TcpState::SynSent,
    TcpState::Listen,
    TcpState::Close,
    TcpState::BoundInactive,
];

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

pub fn accept_queue(t: &Thresholds, obs: &Observation) -> Finding {
    let listeners = &obs.sockets.listeners;
    let mut f = finding(
        Rule::AcceptQueue,
        AdviceSettings::default(),
        CheckMsg::AcceptQueueSummary {
            listeners: listeners.len() as u64,
            worst: None,
        },
    );
    for l in listeners {
        f.raise(t.accept_queue.severity(l.queued, l.backlog));
    }
    let busy: Vec<_> = listeners.iter().filter(|l| l.queued > 0).collect();
    let busy = top(busy, |l| fill_key(l.queued, l.backlog));
    if let Some(w) = busy.first() {
        f.summary = CheckMsg::AcceptQueueSummary {
            listeners: listeners.len() as u64,
            worst: Some((w.port, w.queued, w.backlog)),
        };
        f.metrics.push(("worst_queued", w.queued));
        f.metrics.push(("worst_backlog", w.backlog));
    }
    f.offenders = busy
        .into_iter()
        .map(|l| Offender {
            key: OffenderKey::Listener {
                host: l.host.clone(),
                port: l.port,
            },
            count: l.queued,
            limit: Some(l.backlog),
            text: CheckMsg::QueueFill {
                queued: l.queued,
                backlog: l.backlog,
            },
        })
        .collect();
    f.evidence.push(CheckMsg::Listeners {
        count: listeners.len() as u64,
    });
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::QueueOfBacklog,
        limit: t.accept_queue,
    });
    if let Some(h) = facts(&mut f, obs) {
        if let Some(v) = h.somaxconn {
            f.evidence.push(CheckMsg::Sysctl {
                name: "net.core.somaxconn",
                value: v,
            });
        }
        increases(&mut f, obs, &[("ListenOverflows", &t.listen_overflows)]);
    }
    f
}

pub fn syn_backlog(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let syncookies = obs.facts.and_then(|h| h.syncookies);
    let mut f = finding(
        Rule::SynBacklog,
        AdviceSettings {
            syncookies,
            ..AdviceSettings::default()
        },
        CheckMsg::SynBacklogSummary {
            count: 0,
            worst: None,
        },
    );
    let count = state_evidence(&mut f, t, obs, TcpState::SynRecv);
    // Per listening port: SYN_RECV against the sum of the backlogs listening there (IPv4 and
    // IPv6 listeners, SO_REUSEPORT groups).
    let mut ports: Vec<(u16, u64, u64)> = k
        .syn_recv_by_port
        .iter()
        .filter_map(|(&port, &n)| {
            let backlog: u64 = k
                .listeners
                .iter()
                .filter(|l| l.port == port)
                .map(|l| l.backlog)
                .sum();
            k.listeners
                .iter()
                .any(|l| l.port == port)
                .then_some((port, n, backlog))
        })
        .collect();
    ports.sort_by_key(|&(port, ..)| port);
    for &(_, n, backlog) in &ports {
        f.raise(t.syn_backlog.severity(n, backlog));
    }
    let ports = top(ports, |&(_, n, b)| fill_key(n, b));
    f.summary = CheckMsg::SynBacklogSummary {
        count,
        worst: ports.first().copied(),
    };
    f.offenders = ports
        .into_iter()
        .map(|(port, n, backlog)| Offender {
            key: OffenderKey::Port { port, owner: None },
            count: n,
            limit: Some(backlog),
            text: CheckMsg::SynRecvPort { count: n, backlog },
        })
        .collect();
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::SynRecvOfBacklog,
        limit: t.syn_backlog,
    });
    if let Some(h) = facts(&mut f, obs) {
        if let Some(v) = h.syncookies {
            f.evidence.push(CheckMsg::Syncookies { value: v });
        }
        if let Some(v) = h.max_syn_backlog {
            f.evidence.push(CheckMsg::Sysctl {
                name: "net.ipv4.tcp_max_syn_backlog",
                value: v,
            });
        }
        increases(
            &mut f,
            obs,
            &[
                ("SyncookiesSent", &t.syncookies_sent),
                ("ListenDrops", &t.listen_drops),
            ],
        );
    }
    f
}

pub fn close_wait(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let mut f = finding(
        Rule::CloseWait,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let count = state_evidence(&mut f, t, obs, TcpState::CloseWait);
    match k.close_wait_persistent {
        Some(p) => {
            f.raise(t.close_wait_persistent.severity(p, count));
            f.evidence.push(CheckMsg::Persistent {
                count: p,
                of: count,
                secs: secs(obs),
                limit: t.close_wait_persistent,
            });
            f.metrics.push(("persistent", p));
        }
        None => f.notes.push(CheckMsg::NeedsIntervalPersistence),
    }
    f.summary = CheckMsg::CloseWaitSummary {
        count,
        ports: k.close_wait_by_port.len() as u64,
        persistent: k.close_wait_persistent,
        secs: secs(obs),
    };
    let mut ports: Vec<_> = k.close_wait_by_port.iter().collect();
    ports.sort_by(|a, b| a.0.cmp(b.0));
    f.offenders = top(ports, |(_, c)| (c.count, c.persistent))
        .into_iter()
        .map(|((port, owner), c)| Offender {
            key: OffenderKey::Port {
                port: *port,
                owner: owner.clone(),
            },
            count: c.count,
            limit: None,
            text: CheckMsg::CloseWaitPort {
                count: c.count,
                persistent: k.close_wait_persistent.map(|_| c.persistent),
            },
        })
        .collect();
    f
}

pub fn ephemeral_ports(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let tw_reuse = obs.facts.and_then(|h| h.tw_reuse);
    let f = finding(
        Rule::EphemeralPorts,
        AdviceSettings {
            tw_reuse,
            ..AdviceSettings::default()
        },
        CheckMsg::EphemeralNone { size: 0 },
    );
    let Some(h) = obs.facts else {
        return f.skipped(CheckMsg::NoHostFacts);
    };
    let (Some((lo, hi)), Some(_)) = (h.port_range, k.config().ephemeral) else {
        return f.skipped(CheckMsg::SysctlMissing {
            name: "net.ipv4.ip_local_port_range",
        });
    };
    let mut f = f;
    let size = u64::from(hi.saturating_sub(lo)) + 1;
    let mut tuples: Vec<_> = k.tuples.iter().collect();
    tuples.sort_by(|a, b| a.0.cmp(b.0));
    let sockets: u64 = tuples.iter().map(|(_, u)| u.total()).sum();
    let n_tuples = tuples.len() as u64;
    let tuples = top(tuples, |(_, u)| u.total());
    let max = tuples.first().map(|(_, u)| u.total()).unwrap_or(0);
    f.raise(t.ephemeral_tuple.severity(max, size));
    f.summary = match tuples.first() {
        Some((tuple, u)) => CheckMsg::EphemeralBusiest {
            used: u.total(),
            size,
            tuple: **tuple,
        },
        None => CheckMsg::EphemeralNone { size },
    };
    f.offenders = tuples
        .iter()
        .map(|(tuple, u)| Offender {
            key: OffenderKey::Tuple(**tuple),
            count: u.total(),
            limit: Some(size),
            text: CheckMsg::TupleUse {
                used: u.total(),
                size,
                time_wait: u.time_wait,
                established: u.established,
                syn_sent: u.syn_sent,
            },
        })
        .collect();
    f.evidence.push(CheckMsg::PortRange { lo, hi, size });
    if let Some(v) = tw_reuse {
        f.evidence.push(CheckMsg::TwReuse { value: v });
    }
    f.evidence.push(CheckMsg::ClientTuples {
        tuples: n_tuples,
        sockets,
    });
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::TupleOfRange,
        limit: t.ephemeral_tuple,
    });
    f.metrics.extend([
        ("range_size", size),
        ("tuple_max", max),
        ("client_sockets", sockets),
        ("destinations", n_tuples),
    ]);
    f
}

pub fn time_wait(t: &Thresholds, obs: &Observation) -> Finding {
    let mut f = finding(
        Rule::TimeWait,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let count = state_evidence(&mut f, t, obs, TcpState::TimeWait);
    let mut max = None;
    if let Some(h) = facts(&mut f, obs) {
        // The bucket limit is per network namespace: compare the kernel's own count.
        let tw = h.counters.as_ref().map(|c| c.sockstat.tw).unwrap_or(count);
        match h.max_tw_buckets {
            Some(m) => {
                let m = to_u64(m);
                max = Some(m);
                f.raise(t.tw_buckets.severity(tw, m));
                f.evidence.push(CheckMsg::TwBuckets {
                    count: tw,
                    max: m,
                    limit: t.tw_buckets,
                });
                f.metrics.push(("max_tw_buckets", m));
            }
            None => f.notes.push(CheckMsg::SysctlMissing {
                name: "net.ipv4.tcp_max_tw_buckets",
            }),
        }
        increases(&mut f, obs, &[("TCPTimeWaitOverflow", &t.tw_overflow)]);
    }
    f.summary = CheckMsg::TimeWaitSummary { count, max };
    let peers: Vec<_> = obs
        .sockets
        .peers
        .iter()
        .filter(|(_, p)| p.time_wait > 0)
        .collect();
    f.offenders = peer_offenders(
        peers,
        |p| p.time_wait,
        |p| CheckMsg::PeerTimeWait { count: p.time_wait },
    );
    f
}

fn peer_offenders<'a>(
    mut peers: Vec<(&'a Host, &'a super::sink::PeerCounts)>,
    count: impl Fn(&super::sink::PeerCounts) -> u64,
    text: impl Fn(&super::sink::PeerCounts) -> CheckMsg,
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

pub fn closing_peers(t: &Thresholds, obs: &Observation) -> Finding {
    let mut f = finding(
        Rule::ClosingPeers,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let fin_wait1 = state_evidence(&mut f, t, obs, TcpState::FinWait1);
    let closing = state_evidence(&mut f, t, obs, TcpState::Closing);
    let last_ack = state_evidence(&mut f, t, obs, TcpState::LastAck);
    f.summary = CheckMsg::ClosingSummary {
        fin_wait1,
        closing,
        last_ack,
    };
    if obs.sockets.fin_wait1_max_retransmits > 0 {
        f.evidence.push(CheckMsg::FinRetransmits {
            max: obs.sockets.fin_wait1_max_retransmits,
        });
    }
    let sum = |p: &super::sink::PeerCounts| p.fin_wait1 + p.closing + p.last_ack;
    let peers: Vec<_> = obs
        .sockets
        .peers
        .iter()
        .filter(|(_, p)| sum(p) > 0)
        .collect();
    f.offenders = peer_offenders(peers, sum, |p| CheckMsg::PeerClosing {
        fin_wait1: p.fin_wait1,
        closing: p.closing,
        last_ack: p.last_ack,
    });
    f
}

pub fn fin_wait2(t: &Thresholds, obs: &Observation) -> Finding {
    let mut f = finding(
        Rule::FinWait2,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let count = state_evidence(&mut f, t, obs, TcpState::FinWait2);
    let held = obs.sockets.fin_wait2_held;
    f.summary = CheckMsg::FinWait2Summary { count, held };
    if count > 0 {
        f.evidence.push(CheckMsg::FinWait2Held { held });
    }
    f.metrics.push(("held", held));
    if let Some(v) = obs.facts.and_then(|h| h.fin_timeout) {
        f.evidence.push(CheckMsg::Sysctl {
            name: "net.ipv4.tcp_fin_timeout",
            value: v,
        });
    }
    let peers: Vec<_> = obs
        .sockets
        .peers
        .iter()
        .filter(|(_, p)| p.fin_wait2 > 0)
        .collect();
    f.offenders = peer_offenders(
        peers,
        |p| p.fin_wait2,
        |p| CheckMsg::PeerFinWait2 { count: p.fin_wait2 },
    );
    f
}

pub fn stuck_queues(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let bytes = k.config().stuck_bytes;
    let mut f = finding(
        Rule::StuckQueues,
        AdviceSettings::default(),
        CheckMsg::StuckSummary {
            count: k.stuck,
            bytes,
        },
    );
    let established = k.counts.get(TcpState::Established);
    f.raise(t.stuck_sockets.severity(k.stuck, established));
    f.evidence.push(CheckMsg::StuckSockets {
        count: k.stuck,
        bytes,
        limit: t.stuck_sockets,
    });
    f.metrics.push(("stuck", k.stuck));
    let peers: Vec<_> = k.peers.iter().filter(|(_, p)| p.stuck > 0).collect();
    f.offenders = peer_offenders(
        peers,
        |p| p.stuck,
        |p| CheckMsg::PeerStuck {
            sockets: p.stuck,
            max_send_q: p.max_send_q,
            max_recv_q: p.max_recv_q,
        },
    );
    f
}

pub fn orphans(t: &Thresholds, obs: &Observation) -> Finding {
    let f = finding(
        Rule::Orphans,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let Some(h) = obs.facts else {
        return f.skipped(CheckMsg::NoHostFacts);
    };
    let Some(c) = &h.counters else {
        return f.skipped(CheckMsg::CountersMissing);
    };
    let Some(max) = h.max_orphans.map(to_u64) else {
        return f.skipped(CheckMsg::SysctlMissing {
            name: "net.ipv4.tcp_max_orphans",
        });
    };
    let mut f = f;
    let n = c.sockstat.orphan;
    f.raise(t.orphans.severity(n, max));
    f.summary = CheckMsg::OrphansSummary { count: n, max };
    f.evidence.push(CheckMsg::Orphans {
        count: n,
        max,
        limit: t.orphans,
    });
    f.metrics.extend([("orphans", n), ("max_orphans", max)]);
    f
}

pub fn memory(t: &Thresholds, obs: &Observation) -> Finding {
    let f = finding(
        Rule::Memory,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let Some(h) = obs.facts else {
        return f.skipped(CheckMsg::NoHostFacts);
    };
    let Some(c) = &h.counters else {
        return f.skipped(CheckMsg::CountersMissing);
    };
    let Some([min, pressure, max]) = h.tcp_mem.map(|m| m.map(to_u64)) else {
        return f.skipped(CheckMsg::SysctlMissing {
            name: "net.ipv4.tcp_mem",
        });
    };
    let mut f = f;
    let pages = c.sockstat.mem;
    if t.memory_pressure && pages > pressure {
        f.raise(Severity::Warning);
    }
    f.raise(t.memory.severity(pages, max));
    f.summary = CheckMsg::MemorySummary {
        pages,
        pressure,
        max,
    };
    f.evidence.push(CheckMsg::TcpMem {
        pages,
        min,
        pressure,
        max,
        limit: t.memory,
        pressure_warn: t.memory_pressure,
    });
    f.metrics
        .extend([("pages", pages), ("pressure", pressure), ("max", max)]);
    f
}

pub fn state_counts(t: &Thresholds, obs: &Observation) -> Option<Finding> {
    let judged: Vec<TcpState> = GENERIC_STATES
        .into_iter()
        .filter(|&s| t.state(s).is_set())
        .collect();
    if judged.is_empty() {
        return None;
    }
    let mut f = finding(
        Rule::StateCounts,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let counts = &obs.sockets.counts;
    let mut worst: Option<(Severity, TcpState, u64)> = None;
    for s in judged.iter().copied() {
        let n = state_evidence(&mut f, t, obs, s);
        let sev = t.state(s).severity(n, counts.total());
        if sev > Severity::Ok && worst.is_none_or(|w| sev > w.0) {
            worst = Some((sev, s, n));
        }
    }
    f.summary = CheckMsg::StateCountsSummary {
        worst: worst.map(|(_, s, n)| (s, n)),
        states: judged.len() as u64,
    };
    Some(f)
}

#[cfg(test)]
pub(crate) mod tests;

//! The rules over traced events (`check --interval D --events retrans,drop,reset`): peers
//! retransmitted to faster than a threshold, kernel drops rising for a reason, resets sent.
//! Each judges a rate per second over the interval. Without `--events` for its kind the rule
//! is skipped; when tracing could not start it is UNKNOWN with the tracer's sentence; when
//! events were lost its counts are lower bounds, so it never says OK — UNKNOWN, incomplete.

use super::*;
use crate::analyze::check::traced::{Traced, TracedCounts, per_second};
use crate::trace::EventKind;

/// The counts to judge for `kind`; `None` when there are none, `f` then says why (skipped
/// without `--events KIND`, UNKNOWN when tracing could not start).
fn counted<'a>(
    f: &mut Finding,
    obs: &Observation<'a>,
    kind: EventKind,
) -> Option<&'a TracedCounts> {
    match obs.traced {
        Some(t) if t.kinds().contains(kind) => match t {
            Traced::Counted(c) => Some(c),
            Traced::Unavailable { why, .. } => {
                *f = f
                    .clone()
                    .skipped(CheckMsg::EventsUnavailable { why: why.clone() });
                f.severity = Severity::Unknown;
                None
            }
        },
        _ => {
            *f = f
                .clone()
                .skipped(CheckMsg::NeedsEvents { kind: kind.key() });
            None
        }
    }
}

/// Lost events make the counts lower bounds: said in a note, and what would be OK is
/// UNKNOWN (incomplete) instead.
fn settle_lost(mut f: Finding, c: &TracedCounts) -> Finding {
    if c.lost > 0 {
        f.notes.push(CheckMsg::EventsLost { lost: c.lost });
        f.metrics.push(("events_lost", c.lost));
        f.raise_because(
            Severity::Unknown,
            CheckMsg::EventsIncomplete { lost: c.lost },
        );
    }
    f
}

fn rate_offender(key: OffenderKey, count: u64, secs: f64) -> Offender {
    Offender {
        key,
        count,
        limit: None,
        text: CheckMsg::EventRate { count, secs },
    }
}

pub fn peer_retransmits(t: &Thresholds, obs: &Observation) -> Finding {
    let s = secs(obs);
    let mut f = finding(
        Rule::PeerRetransmits,
        AdviceSettings::default(),
        CheckMsg::RetransmitsSummary {
            total: 0,
            peers: 0,
            over: 0,
            secs: s,
        },
    );
    let Some(c) = counted(&mut f, obs, EventKind::Retrans) else {
        return f;
    };
    let s = c.traced_for.map_or(s, |d| d.as_secs_f64());
    let mut over: Vec<(IpAddr, u64)> = Vec::new();
    for (&peer, &n) in &c.retrans_by_peer {
        let sev = t.peer_retransmits.severity(per_second(n, s), 0);
        f.raise(sev);
        if sev > Severity::Ok {
            over.push((peer, n));
        }
    }
    let total = c.retransmits();
    f.summary = CheckMsg::RetransmitsSummary {
        total,
        peers: c.retrans_by_peer.len() as u64,
        over: over.len() as u64,
        secs: s,
    };
    f.metrics.push(("retransmits", total));
    f.metrics.push(("peers_retransmitting", over.len() as u64));
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::PeerRetransPerSec,
        limit: t.peer_retransmits,
    });
    f.offenders = top(over, |&(_, n)| n)
        .into_iter()
        .map(|(peer, n)| rate_offender(OffenderKey::Peer(Host::Ip(peer)), n, s))
        .collect();
    settle_lost(f, c)
}

pub fn kernel_drops(t: &Thresholds, obs: &Observation) -> Finding {
    let s = secs(obs);
    let mut f = finding(
        Rule::KernelDrops,
        AdviceSettings::default(),
        CheckMsg::DropsSummary {
            total: 0,
            worst: None,
            secs: s,
        },
    );
    let Some(c) = counted(&mut f, obs, EventKind::Drop) else {
        return f;
    };
    let s = c.traced_for.map_or(s, |d| d.as_secs_f64());
    let judged: Vec<(&String, u64)> = c
        .drops
        .iter()
        .filter(|(r, _)| !t.drops_ignored.contains(r))
        .map(|(r, &n)| (r, n))
        .collect();
    let mut over = Vec::new();
    for &(r, n) in &judged {
        let sev = t.kernel_drops.severity(per_second(n, s), 0);
        f.raise(sev);
        if sev > Severity::Ok {
            over.push((r, n));
        }
    }
    let total: u64 = judged.iter().map(|&(_, n)| n).sum();
    let worst = judged.iter().max_by_key(|&&(_, n)| n);
    f.summary = CheckMsg::DropsSummary {
        total,
        worst: worst.map(|&(r, n)| (r.clone(), n)),
        secs: s,
    };
    f.metrics.push(("drops", total));
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::DropsPerSec,
        limit: t.kernel_drops,
    });
    if !t.drops_ignored.is_empty() {
        f.notes.push(CheckMsg::DropsIgnored {
            reasons: t.drops_ignored.clone(),
        });
    }
    f.offenders = top(over, |&(_, n)| n)
        .into_iter()
        .map(|(r, n)| rate_offender(OffenderKey::Reason(r.as_str().into()), n, s))
        .collect();
    settle_lost(f, c)
}

pub fn resets_sent(t: &Thresholds, obs: &Observation) -> Finding {
    let s = secs(obs);
    let mut f = finding(
        Rule::ResetsSent,
        AdviceSettings::default(),
        CheckMsg::ResetsSummary {
            sent: 0,
            received: 0,
            secs: s,
        },
    );
    let Some(c) = counted(&mut f, obs, EventKind::Reset) else {
        return f;
    };
    let s = c.traced_for.map_or(s, |d| d.as_secs_f64());
    let sent: u64 = c.resets_sent.values().sum();
    f.raise(t.resets_sent.severity(per_second(sent, s), 0));
    f.summary = CheckMsg::ResetsSummary {
        sent,
        received: c.resets_received,
        secs: s,
    };
    f.metrics.push(("resets_sent", sent));
    f.metrics.push(("resets_received", c.resets_received));
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::ResetsSentPerSec,
        limit: t.resets_sent,
    });
    let reasons: Vec<(&String, u64)> = c.resets_sent.iter().map(|(r, &n)| (r, n)).collect();
    f.offenders = top(reasons, |&(_, n)| n)
        .into_iter()
        .map(|(r, n)| rate_offender(OffenderKey::Reason(r.as_str().into()), n, s))
        .collect();
    settle_lost(f, c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::check::sink::{CheckSink, SinkConfig};
    use crate::trace::EventKinds;
    use std::time::Duration;

    fn judge(traced: Option<&Traced>, rule: fn(&Thresholds, &Observation) -> Finding) -> Finding {
        let sink = CheckSink::new(SinkConfig::default());
        let obs = Observation {
            sockets: &sink,
            facts: None,
            previous: None,
            previous_listeners: None,
            interval: Some(Duration::from_secs(2)),
            traced,
        };
        Finding::settled(rule(&Thresholds::default(), &obs))
    }

    fn counts() -> TracedCounts {
        let mut c = TracedCounts::new(EventKinds::of(&[
            EventKind::Retrans,
            EventKind::Drop,
            EventKind::Reset,
        ]));
        c.retrans_by_peer.insert([10, 0, 0, 2].into(), 400);
        c.retrans_by_peer.insert([10, 0, 0, 3].into(), 4);
        c.retrans_by_port.insert(443, 404);
        c.drops.insert("NETFILTER_DROP".into(), 30);
        c.drops.insert("NO_SOCKET".into(), 2);
        c
    }

    #[test]
    fn names_the_peer_past_the_rate_only() {
        let t = Traced::Counted(counts());
        let f = judge(Some(&t), peer_retransmits);
        // 400 in 2 s is 200/s, past the critical 100/s; 4 in 2 s is 2/s, under 10/s.
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.offenders.len(), 1);
        assert_eq!(
            f.offenders[0].key,
            OffenderKey::Peer(Host::Ip([10, 0, 0, 2].into()))
        );
        let d = judge(Some(&t), kernel_drops);
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(
            d.offenders[0].key,
            OffenderKey::Reason("NETFILTER_DROP".into())
        );
        assert_eq!(d.offenders.len(), 1);
        assert_eq!(judge(Some(&t), resets_sent).severity, Severity::Ok);
    }

    #[test]
    fn lost_events_never_make_an_ok() {
        let mut c = TracedCounts::new(EventKinds::of(&[EventKind::Reset]));
        c.lost = 3;
        let f = judge(Some(&Traced::Counted(c)), resets_sent);
        assert_eq!(f.severity, Severity::Unknown);
        assert_eq!(f.summary, CheckMsg::EventsIncomplete { lost: 3 });
        let mut c = counts();
        c.lost = 3;
        let f = judge(Some(&Traced::Counted(c)), peer_retransmits);
        assert_eq!(f.severity, Severity::Critical, "a real problem stays one");
        assert!(f.notes.contains(&CheckMsg::EventsLost { lost: 3 }));
    }

    #[test]
    fn unavailable_is_unknown_and_not_asked_is_skipped() {
        let t = Traced::Unavailable {
            kinds: EventKinds::of(&[EventKind::Drop]),
            why: "tracing needs CAP_PERFMON".into(),
        };
        let f = judge(Some(&t), kernel_drops);
        assert_eq!(f.severity, Severity::Unknown);
        assert!(matches!(f.summary, CheckMsg::Skipped { .. }));
        // Not asked for: skipped, OK.
        let f = judge(Some(&t), peer_retransmits);
        assert_eq!(f.severity, Severity::Ok);
        assert_eq!(f.notes, vec![CheckMsg::NeedsEvents { kind: "retrans" }]);
        assert_eq!(judge(None, resets_sent).severity, Severity::Ok);
    }
}

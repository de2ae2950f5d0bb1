//! The conntrack table: when it is full, new flows are dropped (`nf_conntrack: table full,
//! dropping packet`). The rule judges the table's fill against nf_conntrack_max, the increase
//! of its insert_failed and drop statistics over the interval, and says how much of the TCP
//! part is TIME_WAIT and CLOSE, which shorter nf_conntrack_tcp_timeout_* would free.

use super::*;
use crate::conntrack::CtState;

pub fn conntrack(t: &Thresholds, obs: &Observation) -> Finding {
    let mut f = finding(
        Rule::Conntrack,
        AdviceSettings::default(),
        CheckMsg::ConntrackNone,
    );
    let Some(h) = facts(&mut f, obs) else {
        return f.skipped(CheckMsg::NoHostFacts);
    };
    let c = match &h.conntrack {
        None => return f,
        Some(Err(why)) => {
            f.severity = Severity::Unknown;
            f.summary = CheckMsg::ConntrackUnreadable { why: why.clone() };
            return f;
        }
        Some(Ok(c)) => c,
    };
    let tcp = c.counts.total();
    f.summary = CheckMsg::ConntrackSummary {
        tcp,
        entries: c.table.entries,
        max: c.table.max,
    };
    if let (Some(entries), Some(max)) = (c.table.entries, c.table.max) {
        f.raise(t.conntrack_fill.severity(entries, max));
        f.evidence.push(CheckMsg::ConntrackFill {
            entries,
            max,
            limit: t.conntrack_fill,
        });
        f.metrics.push(("conntrack_entries", entries));
        f.metrics.push(("conntrack_max", max));
    }
    let (time_wait, close) = (
        c.counts.get(CtState::TimeWait),
        c.counts.get(CtState::Close),
    );
    f.metrics.push(("conntrack_tcp", tcp));
    f.evidence.push(CheckMsg::ConntrackClosing {
        time_wait,
        close,
        tcp,
    });
    if let Some((stale, lost)) = h.conntrack_reconciled {
        let said = CheckMsg::ConntrackReconciled {
            stale,
            lost,
            stale_limit: t.conntrack_stale,
            lost_limit: t.conntrack_lost,
        };
        let worst = t
            .conntrack_stale
            .severity(stale, 0)
            .max(t.conntrack_lost.severity(lost, 0));
        f.raise_because(worst, said.clone());
        f.evidence.push(said);
        f.metrics.push(("conntrack_stale", stale));
        f.metrics.push(("conntrack_lost", lost));
    }
    let before = obs
        .previous
        .and_then(|p| p.conntrack.as_ref())
        .and_then(|r| r.as_ref().ok())
        .and_then(|p| p.stats);
    match (c.stats, before) {
        (Some(now), Some(then)) => {
            for (stat, by, limit) in [
                (
                    "insert_failed",
                    now.insert_failed.saturating_sub(then.insert_failed),
                    t.conntrack_insert_failed,
                ),
                ("drop", now.drop.saturating_sub(then.drop), t.conntrack_drop),
            ] {
                let said = CheckMsg::ConntrackIncrease {
                    stat,
                    by,
                    secs: secs(obs),
                    limit,
                };
                f.raise_because(limit.severity(by, 0), said.clone());
                f.evidence.push(said);
            }
        }
        (Some(_), None) => f.notes.push(CheckMsg::ConntrackNeedsInterval),
        (None, _) => {}
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::check::rules::tests::facts;
    use crate::analyze::check::sink::{CheckSink, SinkConfig};
    use crate::conntrack::{CtCounts, CtStats, CtTable};
    use crate::source::conntrack::CtCensus;
    use std::time::Duration;

    fn census(entries: u64, drop: u64) -> CtCensus {
        let mut counts = CtCounts::default();
        for _ in 0..3 {
            counts.add(CtState::TimeWait);
        }
        counts.add(CtState::Established);
        CtCensus {
            counts,
            table: CtTable {
                entries: Some(entries),
                max: Some(100),
            },
            stats: Some(CtStats {
                drop,
                ..CtStats::default()
            }),
        }
    }

    fn judge(now: Option<Result<CtCensus, String>>, then: Option<CtCensus>) -> Finding {
        let k = CheckSink::new(SinkConfig::default());
        let mut h = facts(&[]);
        h.conntrack = now;
        let mut p = facts(&[]);
        p.conntrack = then.map(Ok);
        let obs = Observation {
            sockets: &k,
            facts: Some(&h),
            previous: p.conntrack.is_some().then_some(&p),
            interval: Some(Duration::from_secs(2)),
            previous_listeners: None,
            traced: None,
        };
        conntrack(&Thresholds::default(), &obs).settled()
    }

    #[test]
    fn fill_rising_drops_and_no_table() {
        assert_eq!(judge(Some(Ok(census(50, 0))), None).severity, Severity::Ok);
        assert_eq!(
            judge(Some(Ok(census(85, 0))), None).severity,
            Severity::Warning
        );
        let full = judge(Some(Ok(census(96, 0))), None);
        assert_eq!(full.severity, Severity::Critical);
        assert!(full.notes.contains(&CheckMsg::ConntrackNeedsInterval));
        assert!(full.evidence.contains(&CheckMsg::ConntrackClosing {
            time_wait: 3,
            close: 0,
            tcp: 4
        }));
        // Drops rising between the samples: critical, and it heads the finding.
        let dropping = judge(Some(Ok(census(50, 7))), Some(census(50, 2)));
        assert_eq!(dropping.severity, Severity::Critical);
        assert!(matches!(
            dropping.summary,
            CheckMsg::ConntrackIncrease {
                stat: "drop",
                by: 5,
                ..
            }
        ));
        let none = judge(None, None);
        assert_eq!(
            (none.severity, none.summary),
            (Severity::Ok, CheckMsg::ConntrackNone)
        );
        let unread = judge(Some(Err("no privilege".into())), None);
        assert_eq!(unread.severity, Severity::Unknown);
    }
}

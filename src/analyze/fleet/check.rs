//! `tcpstate fleet check`: the state thresholds of `tcpstate check` (defaults, `--config`'s
//! `[states]`, `--warn`/`--crit`) judged for every instance of the fleet from its counts in
//! Prometheus. A count that is unknown cannot be judged and makes that state UNKNOWN; the
//! rules that need the sockets themselves or the kernel's counters and sysctls cannot run on
//! counts and are reported as skipped. The fleet's status is the worst of its instances'.

use super::{Gap, Instance};
use crate::analyze::check::thresholds::{Level, Limit, Thresholds};
use crate::analyze::check::{Rule, Severity};
use crate::tcp::state::TcpState;

/// The rules that need sockets, counters, sysctls or traced events: on Prometheus's counts
/// they are skipped. (close_wait, time_wait, closing_peers and fin_wait2 are judged on their
/// state counts.)
pub const SKIPPED: [Rule; 12] = [
    Rule::AcceptQueue,
    Rule::SynBacklog,
    Rule::ListenerDrops,
    Rule::EphemeralPorts,
    Rule::StuckQueues,
    Rule::SlowPeers,
    Rule::SndbufLimited,
    Rule::PeerRetransmits,
    Rule::KernelDrops,
    Rule::ResetsSent,
    Rule::Orphans,
    Rule::Memory,
];

/// One state of one instance against its thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct StateVerdict {
    pub state: TcpState,
    /// `None` when the count is unknown.
    pub value: Option<u64>,
    pub limit: Limit,
    /// The largest counts that do not warn and do not alert critical ("alert above" numbers,
    /// shares resolved against the instance's total), when known.
    pub warn_above: Option<u64>,
    pub crit_above: Option<u64>,
    pub severity: Severity,
}

/// One instance's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceVerdict {
    pub label: String,
    pub total: Option<u64>,
    pub severity: Severity,
    /// Every state with a threshold, in kernel order.
    pub states: Vec<StateVerdict>,
    pub gap: Option<Gap>,
}

impl InstanceVerdict {
    /// The states that are not OK.
    pub fn problems(&self) -> impl Iterator<Item = &StateVerdict> {
        self.states.iter().filter(|s| s.severity > Severity::Ok)
    }
}

/// The fleet's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetVerdict {
    pub severity: Severity,
    pub instances: Vec<InstanceVerdict>,
}

/// Judge every instance's state counts against `t`.
pub fn judge(fleet: &[Instance], t: &Thresholds) -> FleetVerdict {
    let instances: Vec<InstanceVerdict> = fleet.iter().map(|i| judge_one(i, t)).collect();
    let severity = instances
        .iter()
        .map(|i| i.severity)
        .max()
        .unwrap_or(Severity::Unknown);
    FleetVerdict {
        severity,
        instances,
    }
}

fn judge_one(i: &Instance, t: &Thresholds) -> InstanceVerdict {
    let total = i.total();
    let states: Vec<StateVerdict> = TcpState::REPORTED
        .into_iter()
        .filter(|&s| t.state(s).is_set())
        .map(|s| {
            let limit = t.state(s);
            let value = i.get(s);
            let shares = [limit.warn, limit.crit]
                .into_iter()
                .flatten()
                .any(|l| matches!(l, Level::Percent(_)));
            // A share needs the total; a count needs only the value.
            let base = if shares { total } else { Some(0) };
            let severity = match (value, base) {
                (Some(v), Some(b)) => limit.severity(v, b),
                _ => Severity::Unknown,
            };
            let above = |l: Option<Level>| l.and_then(|l| base.map(|b| l.highest_ok(b)));
            StateVerdict {
                state: s,
                value,
                limit,
                warn_above: above(limit.warn),
                crit_above: above(limit.crit),
                severity,
            }
        })
        .collect();
    let mut severity = states
        .iter()
        .map(|s| s.severity)
        .max()
        .unwrap_or(Severity::Ok);
    if matches!(i.gap, Some(Gap::ScrapeFailed | Gap::DumpFailed)) {
        severity = severity.max(Severity::Unknown);
    }
    InstanceVerdict {
        label: i.label.clone(),
        total,
        severity,
        states,
        gap: i.gap,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{InstanceKey, every_state};
    use super::*;
    use crate::analyze::check::thresholds::parse_state_level;
    use crate::analyze::count::Counts;
    use crate::socket::Family;
    use crate::tcp::state::StateSet;

    fn instance(label: &str, est: u64, unknown: StateSet, gap: Option<Gap>) -> Instance {
        let mut counts = Counts::new();
        counts.add(Family::V4, TcpState::Established, est);
        counts.add(Family::V4, TcpState::Listen, 1);
        Instance {
            key: InstanceKey {
                job: "j".into(),
                instance: label.into(),
                netns: None,
            },
            label: label.into(),
            counts,
            unknown,
            gap,
        }
    }

    #[test]
    fn worst_instance_decides() {
        let mut t = Thresholds::default();
        t.apply_cli(
            &[parse_state_level("established=5").unwrap()],
            &[parse_state_level("established=50").unwrap()],
        );
        let fleet = [
            instance("a", 3, StateSet::EMPTY, None),
            instance("b", 6, StateSet::EMPTY, None),
        ];
        let v = judge(&fleet, &t);
        assert_eq!(v.severity, Severity::Warning);
        assert_eq!(v.instances[0].severity, Severity::Ok);
        let b: Vec<_> = v.instances[1].problems().collect();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].state, TcpState::Established);
        assert_eq!(b[0].value, Some(6));
        assert_eq!(b[0].warn_above, Some(5));
        // An instance that could not be scraped is UNKNOWN, below a real warning.
        let fleet = [
            instance("a", 3, StateSet::EMPTY, None),
            instance("c", 0, every_state(), Some(Gap::ScrapeFailed)),
        ];
        let v = judge(&fleet, &t);
        assert_eq!(v.severity, Severity::Unknown);
        assert_eq!(v.instances[1].states[0].value, None);
    }

    #[test]
    fn shares_need_the_total() {
        let mut t = Thresholds::default();
        t.apply_cli(&[parse_state_level("established=50%").unwrap()], &[]);
        let unknown_listen = StateSet::of(&[TcpState::Listen]);
        let fleet = [
            instance("a", 3, StateSet::EMPTY, None),
            instance("b", 3, unknown_listen, None),
        ];
        let v = judge(&fleet, &t);
        // a: 3 of 4 sockets is 75%.
        assert_eq!(v.instances[0].severity, Severity::Warning);
        assert_eq!(v.instances[0].states[0].warn_above, Some(1));
        assert_eq!(v.instances[1].severity, Severity::Unknown);
    }
}

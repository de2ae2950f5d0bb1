//! The generic rule: per-state thresholds of the user's own (--warn/--crit, the [states] section
//! of --config) for the states no other rule owns, reported only when one of them has a threshold.

use super::*;

/// The states judged by the generic `state_counts` rule; every other state belongs to a rule
/// of its own.
pub const GENERIC_STATES: [TcpState; 5] = [
    TcpState::Established,
    TcpState::SynSent,
    TcpState::Listen,
    TcpState::Close,
    TcpState::BoundInactive,
];

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
        let n = state_evidence(&mut f, t, obs, s, Heads::No);
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

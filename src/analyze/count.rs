//! Per-state, per-family counts: the summary's one pass over the sockets. A `Counts` is a sink
//! of fixed size, so counting a million sockets takes the same memory as counting ten. Counts
//! saturate at `u64::MAX` rather than wrap (saved summaries can carry any number; a capture
//! whose own counts overflow is refused where it is read). Sockets whose input carried no
//! state (`TcpState::Unknown`) are counted in slot 0, which no kernel state uses: they are in
//! the total and have a row of their own when there are any.

use crate::sink::{Flow, Sink};
use crate::socket::{Family, Socket};
use crate::tcp::state::{STATE_SLOTS, StateSet, TcpState};
use std::io;

/// Socket counts by family and state, plus counts known only in aggregate (saved summaries
/// that did not say the family).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    by_family: [[u64; STATE_SLOTS]; 2],
    unknown_family: [u64; STATE_SLOTS],
    /// Whether BOUND_INACTIVE was asked of the source: the kernel lists those sockets only
    /// when asked, so otherwise their count is unknown, not 0.
    bound_inactive_asked: bool,
}

/// One row of a summary: a state, its count and its share of the total.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub state: TcpState,
    pub count: u64,
    pub share: f64,
}

impl Counts {
    pub fn new() -> Counts {
        Counts::default()
    }

    /// Counts of a run that asked its sources for `states` (BOUND_INACTIVE is known only
    /// when asked for).
    pub fn asked(states: StateSet) -> Counts {
        Counts {
            bound_inactive_asked: states.contains(TcpState::BoundInactive),
            ..Counts::default()
        }
    }

    /// The count of `state` when it is known: BOUND_INACTIVE is unknown unless it was asked
    /// for or seen (a capture that lists such sockets).
    pub fn known(&self, state: TcpState) -> Option<u64> {
        let n = self.get(state);
        let unknown = state == TcpState::BoundInactive && !self.bound_inactive_asked && n == 0;
        (!unknown).then_some(n)
    }

    /// `known` for one family.
    pub fn known_family(&self, family: Family, state: TcpState) -> Option<u64> {
        self.known(state).map(|_| self.get_family(family, state))
    }

    pub fn add(&mut self, family: Family, state: TcpState, n: u64) {
        let c = &mut self.by_family[family.index()][usize::from(state.reported().kernel())];
        *c = c.saturating_add(n);
    }

    /// Sockets in `state`, both families.
    pub fn get(&self, state: TcpState) -> u64 {
        let i = usize::from(state.reported().kernel());
        self.by_family[0][i]
            .saturating_add(self.by_family[1][i])
            .saturating_add(self.unknown_family[i])
    }

    /// Sockets in `state` of one family (aggregates of unknown family are not included).
    pub fn get_family(&self, family: Family, state: TcpState) -> u64 {
        self.by_family[family.index()][usize::from(state.reported().kernel())]
    }

    /// Every socket counted, those of unknown state included.
    pub fn total(&self) -> u64 {
        TcpState::COUNTED
            .iter()
            .fold(0u64, |t, &s| t.saturating_add(self.get(s)))
    }

    pub fn family_total(&self, family: Family) -> u64 {
        self.by_family[family.index()]
            .iter()
            .fold(0u64, |t, &n| t.saturating_add(n))
    }

    /// Whether the counts include aggregates that did not say their family.
    pub fn has_unknown_family(&self) -> bool {
        self.unknown_family.iter().any(|&n| n > 0)
    }

    /// The non-zero states, largest first (ties in kernel order; sockets of unknown state,
    /// when there are any, have a row of their own).
    pub fn rows(&self) -> Vec<Row> {
        let total = self.total();
        let mut rows: Vec<Row> = TcpState::COUNTED
            .iter()
            .map(|&s| Row {
                state: s,
                count: self.get(s),
                share: share(self.get(s), total),
            })
            .filter(|r| r.count > 0)
            .collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.state.cmp(&b.state)));
        rows
    }

    /// Every reported state in kernel order, zeros included; then sockets of unknown state,
    /// when there are any.
    pub fn all_rows(&self) -> Vec<Row> {
        let total = self.total();
        TcpState::COUNTED
            .iter()
            .filter(|&&s| s != TcpState::Unknown || self.get(s) > 0)
            .map(|&s| Row {
                state: s,
                count: self.get(s),
                share: share(self.get(s), total),
            })
            .collect()
    }

    pub fn merge(&mut self, other: &Counts) {
        self.bound_inactive_asked |= other.bound_inactive_asked;
        for f in 0..2 {
            for i in 0..STATE_SLOTS {
                self.by_family[f][i] = self.by_family[f][i].saturating_add(other.by_family[f][i]);
            }
        }
        for i in 0..STATE_SLOTS {
            self.unknown_family[i] = self.unknown_family[i].saturating_add(other.unknown_family[i]);
        }
    }
}

/// `n` as a percentage of `total` (0 when the total is 0).
pub fn share(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 * 100.0 / total as f64
    }
}

impl Counts {
    /// Take one socket into the aggregates.
    #[inline]
    pub fn add_socket(&mut self, s: &Socket) -> Flow {
        self.by_family[s.family.index()][usize::from(s.state.reported().kernel())] += 1;
        Flow::Continue
    }
}

impl Sink for Counts {
    #[inline]
    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        Ok(self.add_socket(s))
    }

    /// Counts from a saved summary; those that did not say their family are kept apart.
    fn aggregate(&mut self, family: Option<Family>, state: TcpState, n: u64) -> io::Result<Flow> {
        let i = usize::from(state.reported().kernel());
        let c = match family {
            Some(f) => &mut self.by_family[f.index()][i],
            None => &mut self.unknown_family[i],
        };
        *c = c.saturating_add(n);
        Ok(Flow::Continue)
    }

    fn counts_only(&self) -> bool {
        true
    }
}

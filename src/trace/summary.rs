//! What a trace adds up to: the transitions matrix (from × to counts of the transitions
//! shown), time spent in each state (a histogram per state, for percentiles), the slowest
//! handshakes and closes, the connections stuck in CLOSE_WAIT at the end, and the honesty
//! counters — events lost by the kernel, late, not TCP, TIME_WAIT inferred or not confirmed.

use std::net::SocketAddr;

use super::causes::Causes;
use super::engine::{Dwell, Transition};
use super::owner::TracedOwner;
use crate::analyze::hist::Histogram;
use crate::socket::Family;
use crate::tcp::state::{STATE_SLOTS, TcpState};

/// How many slowest handshakes and closes to keep.
pub const TOP: usize = 5;

/// One slow handshake or close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slow {
    pub ns: u64,
    /// When it finished (CLOCK_MONOTONIC ns).
    pub ts: u64,
    pub family: Family,
    pub local: SocketAddr,
    pub remote: SocketAddr,
    /// The state it finished from (SYN_SENT/SYN_RECV for handshakes; the last state before
    /// CLOSE for closes).
    pub from: TcpState,
    pub owner: TracedOwner,
}

/// The `n` largest, largest first.
#[derive(Debug, Clone, Default)]
pub struct TopN {
    pub items: Vec<Slow>,
}

impl TopN {
    pub fn offer(&mut self, s: Slow) {
        if self.items.len() == TOP && self.items.last().is_some_and(|l| l.ns >= s.ns) {
            return;
        }
        let at = self.items.partition_point(|x| x.ns >= s.ns);
        self.items.insert(at, s);
        self.items.truncate(TOP);
    }
}

/// Connections in CLOSE_WAIT when the trace ended, by local port and owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuck {
    pub local_port: u16,
    /// `pid/comm` with how it was found, or "?" when unknown.
    pub owner: Option<TracedOwner>,
    pub count: u64,
    /// The longest time one of them has been in CLOSE_WAIT (ns).
    pub oldest_ns: u64,
    /// Whether some were already in CLOSE_WAIT when the trace started (so `oldest_ns` is a
    /// lower bound).
    pub at_least: bool,
}

/// Time in one state.
#[derive(Debug, Clone, Default)]
pub struct StateTimes {
    /// Exact durations: we saw the socket enter and leave the state.
    pub exact: Histogram,
    /// The socket was already in the state when the trace started: only a lower bound.
    pub at_least: u64,
    /// We never saw it enter (created before the trace in another namespace, or events lost).
    pub unknown: u64,
}

/// The whole trace in numbers.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Transitions shown, by kernel state number: `matrix[from][to]`.
    pub matrix: [[u64; STATE_SLOTS]; STATE_SLOTS],
    /// Moves into TIME_WAIT confirmed by a snapshot, by the state they came from.
    pub inferred: [u64; STATE_SLOTS],
    pub times: Vec<StateTimes>,
    pub handshakes: TopN,
    pub closes: TopN,
    /// Kernel transitions shown (after filters).
    pub shown: u64,
    /// Of those, moves the state machine does not allow.
    pub unexpected: u64,
    /// Kernel reports of a socket set to the state it was already in (close() after
    /// shutdown() reports FIN_WAIT1 → FIN_WAIT1): not transitions, not shown, counted here.
    pub same_state: u64,
    /// TCP transitions decoded, before filters.
    pub seen: u64,
    /// Records of other protocols sharing the tracepoint (MPTCP, SCTP).
    pub other_protocol: u64,
    /// Records that could not be decoded.
    pub malformed: u64,
    /// Events that arrived after newer ones had been shown.
    pub late: u64,
    /// Samples the kernel dropped, per CPU `(cpu, lost)`, only CPUs that lost any.
    pub lost: Vec<(u32, u64)>,
    /// Tracepoint hits the kernel counted but delivered no sample for, per CPU `(cpu, n)`
    /// (some kernels drop samples taken while the CPU idles), only CPUs with any.
    pub undelivered: Vec<(u32, u64)>,
    /// Throttle records (the kernel limiting the sample rate).
    pub throttled: u64,
    /// Closes from FIN_WAIT2/CLOSING whose TIME_WAIT successor a snapshot did not find
    /// (expired, in another namespace, or the TIME_WAIT table was full).
    pub tw_unconfirmed: u64,
    /// Closes still waiting for their TIME_WAIT confirmation when the trace ended.
    pub tw_pending: u64,
    /// Sockets known from the starting snapshot.
    pub seeded: u64,
    /// Length of the trace (ns).
    pub duration_ns: u64,
    pub close_wait: Vec<Stuck>,
    /// Retransmits, resets, drops, SYN-ACK retransmits and socket errors.
    pub causes: Causes,
}

impl Default for Summary {
    fn default() -> Summary {
        Summary {
            matrix: [[0; STATE_SLOTS]; STATE_SLOTS],
            inferred: [0; STATE_SLOTS],
            times: (0..STATE_SLOTS).map(|_| StateTimes::default()).collect(),
            handshakes: TopN::default(),
            closes: TopN::default(),
            shown: 0,
            unexpected: 0,
            same_state: 0,
            seen: 0,
            other_protocol: 0,
            malformed: 0,
            late: 0,
            lost: Vec::new(),
            undelivered: Vec::new(),
            throttled: 0,
            tw_unconfirmed: 0,
            tw_pending: 0,
            seeded: 0,
            duration_ns: 0,
            close_wait: Vec::new(),
            causes: Causes::default(),
        }
    }
}

fn slot(s: TcpState) -> usize {
    usize::from(s.kernel())
}

impl Summary {
    /// Count one transition that was shown.
    pub fn add(&mut self, t: &Transition) {
        if t.inferred {
            self.inferred[slot(t.old)] += 1;
            return;
        }
        self.shown += 1;
        self.matrix[slot(t.old)][slot(t.new)] += 1;
        if t.unexpected {
            self.unexpected += 1;
        }
        // A socket's time in CLOSE before its first move, and an accepted socket's
        // inherited LISTEN, are not times anyone waited: leave them out.
        let meaningful =
            t.old != TcpState::Close && !(t.old == TcpState::Listen && t.new == TcpState::SynRecv);
        if meaningful {
            let times = &mut self.times[slot(t.old)];
            match t.dwell {
                Dwell::Exact(ns) => times.exact.record(ns),
                Dwell::AtLeast(_) => times.at_least += 1,
                Dwell::Unknown => times.unknown += 1,
            }
        }
        let slow = |ns| Slow {
            ns,
            ts: t.ts,
            family: t.family,
            local: t.local,
            remote: t.remote,
            from: t.old,
            owner: t.owner.clone(),
        };
        if t.new == TcpState::Established
            && matches!(t.old, TcpState::SynSent | TcpState::SynRecv)
            && let Dwell::Exact(ns) = t.dwell
        {
            self.handshakes.offer(slow(ns));
        }
        if let Some(ns) = t.closing_for {
            self.closes.offer(slow(ns));
        }
    }

    /// Samples lost, all CPUs.
    pub fn lost_total(&self) -> u64 {
        self.lost.iter().map(|&(_, n)| n).sum()
    }

    /// Tracepoint hits never delivered, all CPUs.
    pub fn undelivered_total(&self) -> u64 {
        self.undelivered.iter().map(|&(_, n)| n).sum()
    }

    /// Whether every transition the kernel reported reached us.
    pub fn complete(&self) -> bool {
        self.lost_total() == 0 && self.undelivered_total() == 0
    }

    /// States that appear in the matrix, as a `from` or a `to`, in lifecycle order.
    pub fn matrix_states(&self) -> Vec<TcpState> {
        TcpState::LIFE_CYCLE
            .into_iter()
            .filter(|&s| {
                let i = slot(s);
                self.matrix[i].iter().any(|&n| n > 0)
                    || self.matrix.iter().any(|row| row[i] > 0)
                    || self.inferred[i] > 0
                    || (s == TcpState::TimeWait && self.inferred.iter().any(|&n| n > 0))
            })
            .collect()
    }

    /// `(from, to, count)` for every non-zero cell, in lifecycle order.
    pub fn cells(&self) -> Vec<(TcpState, TcpState, u64)> {
        let mut v = Vec::new();
        for from in TcpState::LIFE_CYCLE {
            for to in TcpState::LIFE_CYCLE {
                let n = self.matrix[slot(from)][slot(to)];
                if n > 0 {
                    v.push((from, to, n));
                }
            }
        }
        v
    }

    pub fn get(&self, from: TcpState, to: TcpState) -> u64 {
        self.matrix[slot(from)][slot(to)]
    }

    pub fn inferred_total(&self) -> u64 {
        self.inferred.iter().sum()
    }

    /// States with any time recorded, in lifecycle order.
    pub fn timed_states(&self) -> Vec<TcpState> {
        TcpState::LIFE_CYCLE
            .into_iter()
            .filter(|&s| {
                let t = &self.times[slot(s)];
                t.exact.count() + t.at_least + t.unknown > 0
            })
            .collect()
    }

    pub fn times_of(&self, s: TcpState) -> &StateTimes {
        &self.times[slot(s)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::owner::OwnerSource;
    use std::rc::Rc;

    fn slow(ns: u64) -> Slow {
        Slow {
            ns,
            ts: 0,
            family: Family::V4,
            local: "127.0.0.1:1".parse().unwrap(),
            remote: "127.0.0.1:2".parse().unwrap(),
            from: TcpState::SynSent,
            owner: TracedOwner {
                pid: 1,
                comm: Rc::from("x"),
                source: OwnerSource::OnCpu,
            },
        }
    }

    #[test]
    fn top_keeps_the_largest() {
        let mut t = TopN::default();
        for ns in [5, 1, 9, 7, 3, 8, 2, 6] {
            t.offer(slow(ns));
        }
        let got: Vec<u64> = t.items.iter().map(|s| s.ns).collect();
        assert_eq!(got, vec![9, 8, 7, 6, 5]);
    }
}

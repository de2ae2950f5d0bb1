//! TIME_WAIT, inferred and confirmed. The tracepoint never reports a move into TIME_WAIT: when
//! a closing socket (FIN_WAIT2 or CLOSING) is done, the kernel reports `→ CLOSE` and puts a
//! TIME_WAIT mini-socket with the same endpoints in its place. So after such a close we look
//! the endpoints up in the kernel's socket table — batched, at most once per
//! [`TimeWaitInference::INTERVAL`], with exact sock_diag lookups — and only when a TIME_WAIT
//! socket is there do we report `→ TIME_WAIT (inferred)`. A mini-socket still in its FIN_WAIT2
//! sub-state (waiting for the peer's FIN) is looked at again on the next batches until it
//! turns to TIME_WAIT, disappears, or its time is up; closes never confirmed are counted.

use std::net::SocketAddr;

use super::engine::{Dwell, Transition};
use super::owner::TracedOwner;
use crate::socket::Family;
use crate::source::Source;
use crate::source::SourceError;
use crate::tcp::state::TcpState;

/// A socket's endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoints {
    pub family: Family,
    pub local: SocketAddr,
    pub remote: SocketAddr,
}

/// Something that can say which state the kernel holds for sockets with given endpoints.
pub trait TimeWaitProbe {
    /// One answer per key: the state of the socket with exactly those endpoints, `None`
    /// where there is none.
    fn lookup(&mut self, keys: &[Endpoints]) -> Result<Vec<Option<TcpState>>, SourceError>;
}

impl TimeWaitProbe for Box<dyn Source + Send> {
    fn lookup(&mut self, keys: &[Endpoints]) -> Result<Vec<Option<TcpState>>, SourceError> {
        let k: Vec<_> = keys.iter().map(|e| (e.family, e.local, e.remote)).collect();
        Ok(self
            .lookup_exact(&k)?
            .into_iter()
            .map(|s| s.map(|s| s.state))
            .collect())
    }
}

#[derive(Debug, Clone)]
struct Pending {
    key: Endpoints,
    from: TcpState,
    skaddr: u64,
    cpu: u32,
    owner: TracedOwner,
    deadline: u64,
}

/// Closes waiting for their TIME_WAIT confirmation.
#[derive(Debug, Default)]
pub struct TimeWaitInference {
    pending: Vec<Pending>,
    last: u64,
    /// Closes whose TIME_WAIT successor was not found.
    pub unconfirmed: u64,
    /// Set when the probe failed: inference is off for the rest of the trace.
    pub failed: Option<String>,
}

impl TimeWaitInference {
    /// At most one batch of lookups per this many nanoseconds (100 ms).
    pub const INTERVAL: u64 = 100_000_000;
    /// How long a mini-socket may stay in its FIN_WAIT2 sub-state before we stop looking
    /// (a little more than the default net.ipv4.tcp_fin_timeout of 60 s).
    pub const PATIENCE: u64 = 65_000_000_000;
    /// Closes kept waiting at most; past this they are counted unconfirmed at once.
    pub const MAX_PENDING: usize = 200_000;

    /// A socket moved from `from` (FIN_WAIT2 or CLOSING) to CLOSE at `ts`.
    pub fn add(
        &mut self,
        key: Endpoints,
        from: TcpState,
        ts: u64,
        skaddr: u64,
        cpu: u32,
        owner: TracedOwner,
    ) {
        if self.failed.is_some() || self.pending.len() >= Self::MAX_PENDING {
            self.unconfirmed += 1;
            return;
        }
        self.pending.push(Pending {
            key,
            from,
            skaddr,
            cpu,
            owner,
            deadline: ts.saturating_add(Self::PATIENCE),
        });
    }

    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Whether a batch is due at `now`.
    pub fn due(&self, now: u64) -> bool {
        !self.pending.is_empty() && now.saturating_sub(self.last) >= Self::INTERVAL
    }

    /// Look every pending close up once. Confirmed ones come back as inferred transitions
    /// stamped `now` (when the snapshot saw them); `allowed` is the state machine's verdict.
    pub fn run(
        &mut self,
        probe: &mut dyn TimeWaitProbe,
        now: u64,
        allowed: impl Fn(TcpState, TcpState) -> bool,
    ) -> Vec<Transition> {
        self.last = now;
        if self.pending.is_empty() {
            return Vec::new();
        }
        let keys: Vec<Endpoints> = self.pending.iter().map(|p| p.key).collect();
        let states = match probe.lookup(&keys) {
            Ok(s) => s,
            Err(e) => {
                self.failed = Some(e.to_string());
                self.unconfirmed += self.pending.len() as u64;
                self.pending.clear();
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        let mut keep = Vec::new();
        for (p, st) in std::mem::take(&mut self.pending).into_iter().zip(states) {
            match st {
                Some(TcpState::TimeWait) => out.push(Transition {
                    ts: now,
                    cpu: p.cpu,
                    skaddr: p.skaddr,
                    family: p.key.family,
                    local: p.key.local,
                    remote: p.key.remote,
                    old: p.from,
                    new: TcpState::TimeWait,
                    dwell: Dwell::Unknown,
                    owner: p.owner,
                    unexpected: !allowed(p.from, TcpState::TimeWait),
                    inferred: true,
                    closing_for: None,
                    // The lookup found it in the namespace the snapshot reads.
                    in_snapshot: true,
                }),
                Some(TcpState::FinWait2) if now < p.deadline => keep.push(p),
                _ => self.unconfirmed += 1,
            }
        }
        self.pending = keep;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::owner::OwnerSource;
    use std::rc::Rc;

    struct Fake(Vec<Option<TcpState>>);

    impl TimeWaitProbe for Fake {
        fn lookup(&mut self, keys: &[Endpoints]) -> Result<Vec<Option<TcpState>>, SourceError> {
            assert_eq!(keys.len(), self.0.len());
            Ok(self.0.clone())
        }
    }

    fn key(port: u16) -> Endpoints {
        Endpoints {
            family: Family::V4,
            local: SocketAddr::from(([127, 0, 0, 1], port)),
            remote: SocketAddr::from(([127, 0, 0, 1], 80)),
        }
    }

    #[test]
    fn confirms_waits_and_gives_up() {
        let owner = TracedOwner {
            pid: 1,
            comm: Rc::from("c"),
            source: OwnerSource::Connect,
        };
        let mut tw = TimeWaitInference::default();
        for port in 1..=3 {
            tw.add(
                key(port),
                TcpState::FinWait2,
                0,
                port.into(),
                0,
                owner.clone(),
            );
        }
        assert!(tw.due(TimeWaitInference::INTERVAL));
        let mut probe = Fake(vec![
            Some(TcpState::TimeWait),
            Some(TcpState::FinWait2),
            None,
        ]);
        let out = tw.run(&mut probe, 200, |_, _| true);
        assert_eq!(out.len(), 1);
        assert!(out[0].inferred && out[0].new == TcpState::TimeWait && out[0].ts == 200);
        assert_eq!((tw.pending(), tw.unconfirmed), (1, 1));
        let mut probe = Fake(vec![Some(TcpState::FinWait2)]);
        tw.run(&mut probe, TimeWaitInference::PATIENCE + 1, |_, _| true);
        assert_eq!((tw.pending(), tw.unconfirmed), (0, 2));
    }
}

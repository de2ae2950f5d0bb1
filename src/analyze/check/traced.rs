//! What `check --interval D --events …` traced during the interval, as data for the rules:
//! retransmits sent per peer (remote address) and per local port, kernel drops per reason,
//! resets sent per reason and resets received, and the events the kernel lost or never
//! delivered (which make every count a lower bound). When tracing could not start, the one
//! sentence saying what is missing (CAP_PERFMON, tracefs) is kept instead, so the rules report
//! UNKNOWN rather than an OK made from nothing.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use crate::analyze::event_counts::count_by;
use crate::trace::EventKinds;
use crate::trace::attribute::{Incident, IncidentKind};

/// The label of what the kernel did not name.
pub const UNNAMED: &str = "unknown";

/// The outcome of tracing during the interval.
#[derive(Debug, Clone, PartialEq)]
pub enum Traced {
    /// Tracing ran; these are its counts.
    Counted(TracedCounts),
    /// Tracing could not start: the tracer's sentence (privilege, tracefs, a tracepoint).
    Unavailable { kinds: EventKinds, why: String },
}

impl Traced {
    /// The kinds asked for.
    pub fn kinds(&self) -> EventKinds {
        match self {
            Traced::Counted(c) => c.kinds,
            Traced::Unavailable { kinds, .. } => *kinds,
        }
    }
}

/// Counted incidents; see the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct TracedCounts {
    pub kinds: EventKinds,
    /// Retransmitted segments sent, by the peer's address.
    pub retrans_by_peer: BTreeMap<IpAddr, u64>,
    /// Retransmitted segments sent, by local port.
    pub retrans_by_port: BTreeMap<u16, u64>,
    /// Packets dropped, by the kernel's reason.
    pub drops: BTreeMap<String, u64>,
    /// Resets sent, by the kernel's reason.
    pub resets_sent: BTreeMap<String, u64>,
    pub resets_received: u64,
    /// Events lost in the ring buffer or never delivered: the counts are low by that much.
    pub lost: u64,
    /// How long the tracer counted, when the counting is over (rates are over this time).
    pub traced_for: Option<Duration>,
}

impl TracedCounts {
    pub fn new(kinds: EventKinds) -> TracedCounts {
        TracedCounts {
            kinds,
            retrans_by_peer: BTreeMap::new(),
            retrans_by_port: BTreeMap::new(),
            drops: BTreeMap::new(),
            resets_sent: BTreeMap::new(),
            resets_received: 0,
            lost: 0,
            traced_for: None,
        }
    }

    /// Count one incident. A retransmit the kernel says failed (a negative result) sent
    /// nothing and is not counted; one without addresses counts in neither map.
    pub fn add(&mut self, i: &Incident) {
        let reason = i.reason.as_deref().unwrap_or(UNNAMED);
        match i.kind {
            IncidentKind::Retransmit if i.result.is_none_or(|r| r == 0) => {
                if let Some(r) = i.remote {
                    *self.retrans_by_peer.entry(r.ip()).or_default() += 1;
                }
                if let Some(l) = i.local {
                    *self.retrans_by_port.entry(l.port()).or_default() += 1;
                }
            }
            IncidentKind::ResetSent => count_by(&mut self.resets_sent, reason),
            IncidentKind::ResetReceived => self.resets_received += 1,
            IncidentKind::Drop => count_by(&mut self.drops, reason),
            _ => {}
        }
    }

    pub fn retransmits(&self) -> u64 {
        self.retrans_by_port.values().sum()
    }
}

/// Events per second over `secs`, rounded up so that any event at all is at least 1/s (a
/// threshold of 0 then alerts on the first one); the count itself when no time passed.
pub fn per_second(count: u64, secs: f64) -> u64 {
    if count == 0 || secs <= 0.0 {
        return count;
    }
    (count as f64 / secs).ceil() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::Family;
    use crate::trace::EventKind;

    fn incident(kind: IncidentKind, remote: [u8; 4], reason: Option<&str>) -> Incident {
        Incident {
            ts: 0,
            cpu: 0,
            kind,
            skaddr: None,
            family: Family::V4,
            local: Some(([10, 0, 0, 1], 443).into()),
            remote: Some((remote, 50000).into()),
            state: None,
            reason: reason.map(Into::into),
            location: None,
            result: Some(0),
            tcp: Some(true),
            owner: None,
            in_snapshot: false,
            server: Some(true),
        }
    }

    #[test]
    fn counts_by_peer_port_and_reason() {
        let mut c = TracedCounts::new(EventKinds::of(&[EventKind::Retrans, EventKind::Drop]));
        c.add(&incident(IncidentKind::Retransmit, [10, 0, 0, 2], None));
        c.add(&incident(IncidentKind::Retransmit, [10, 0, 0, 2], None));
        c.add(&incident(IncidentKind::Retransmit, [10, 0, 0, 3], None));
        let mut failed = incident(IncidentKind::Retransmit, [10, 0, 0, 3], None);
        failed.result = Some(-105);
        c.add(&failed);
        c.add(&incident(
            IncidentKind::Drop,
            [10, 0, 0, 2],
            Some("NETFILTER_DROP"),
        ));
        c.add(&incident(IncidentKind::Drop, [10, 0, 0, 2], None));
        c.add(&incident(
            IncidentKind::ResetSent,
            [10, 0, 0, 2],
            Some("NO_SOCKET"),
        ));
        assert_eq!(c.retrans_by_peer[&IpAddr::from([10, 0, 0, 2])], 2);
        assert_eq!(c.retrans_by_peer[&IpAddr::from([10, 0, 0, 3])], 1);
        assert_eq!(c.retrans_by_port[&443], 3);
        assert_eq!(c.retransmits(), 3);
        assert_eq!(c.drops["NETFILTER_DROP"], 1);
        assert_eq!(c.drops[UNNAMED], 1);
        assert_eq!(c.resets_sent["NO_SOCKET"], 1);
    }

    #[test]
    fn rates_round_up() {
        assert_eq!(per_second(0, 2.0), 0);
        assert_eq!(per_second(1, 2.0), 1);
        assert_eq!(per_second(10, 2.0), 5);
        assert_eq!(per_second(11, 2.0), 6);
        assert_eq!(per_second(3, 0.0), 3);
    }
}

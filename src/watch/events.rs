//! The dashboard's traced events (`watch --events retrans,drop,reset`): the counts since the
//! previous sample turned into rates per second — the peers retransmitted to most, the drop
//! reasons, resets sent and received — and the events the kernel lost so far, which make the
//! panel say INCOMPLETE rather than show counts it knows are short.

use std::net::IpAddr;
use std::time::Duration;

use crate::analyze::check::traced::TracedCounts;
use crate::trace::{EventKind, EventKinds};

/// Rows per list.
pub const TOP: usize = 5;

/// Rates over one refresh.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRates {
    pub kinds: EventKinds,
    /// Segments retransmitted per second, all peers.
    pub retransmits: f64,
    /// The peers retransmitted to most, per second, highest first.
    pub peers: Vec<(IpAddr, f64)>,
    /// Packets dropped per second, all reasons.
    pub dropped: f64,
    /// Packets dropped per second, by reason, highest first.
    pub drops: Vec<(String, f64)>,
    pub resets_sent: f64,
    pub resets_received: f64,
    /// Events lost or never delivered since tracing started.
    pub lost: u64,
}

fn ranked<K: Clone + Ord>(counts: impl Iterator<Item = (K, u64)>, secs: f64) -> Vec<(K, f64)> {
    let mut v: Vec<(K, u64)> = counts.filter(|(_, n)| *n > 0).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(TOP);
    v.into_iter().map(|(k, n)| (k, n as f64 / secs)).collect()
}

impl EventRates {
    /// The rates of `c`, counted over `elapsed`.
    pub fn of(c: &TracedCounts, elapsed: Duration) -> EventRates {
        let secs = elapsed.as_secs_f64().max(0.001);
        EventRates {
            kinds: c.kinds,
            retransmits: c.retransmits() as f64 / secs,
            peers: ranked(c.retrans_by_peer.iter().map(|(&p, &n)| (p, n)), secs),
            dropped: c.drops.values().sum::<u64>() as f64 / secs,
            drops: ranked(c.drops.iter().map(|(r, &n)| (r.clone(), n)), secs),
            resets_sent: c.resets_sent.values().sum::<u64>() as f64 / secs,
            resets_received: c.resets_received as f64 / secs,
            lost: c.lost,
        }
    }

    pub fn shows(&self, k: EventKind) -> bool {
        self.kinds.contains(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_ranked_per_second() {
        let mut c = TracedCounts::new(EventKinds::of(&[EventKind::Retrans, EventKind::Drop]));
        c.retrans_by_peer.insert([10, 0, 0, 2].into(), 10);
        c.retrans_by_peer.insert([10, 0, 0, 3].into(), 40);
        c.retrans_by_port.insert(443, 50);
        c.drops.insert("NETFILTER_DROP".into(), 4);
        c.drops.insert("NO_SOCKET".into(), 0);
        let r = EventRates::of(&c, Duration::from_secs(2));
        assert_eq!(r.retransmits, 25.0);
        assert_eq!(
            r.peers,
            vec![([10, 0, 0, 3].into(), 20.0), ([10, 0, 0, 2].into(), 5.0)]
        );
        assert_eq!(r.drops, vec![("NETFILTER_DROP".to_string(), 2.0)]);
        assert_eq!(r.dropped, 2.0);
        assert!(r.shows(EventKind::Drop) && !r.shows(EventKind::Reset));
    }
}

//! What the incidents of a trace add up to — the answers to "why do connections fail":
//! retransmits per peer and per local port, resets sent and received per peer with their
//! reasons, drops per reason and kernel location and per listener, SYN-ACK retransmits per
//! listener, socket errors per peer. Counts only of incidents shown (after filters); ranking
//! and cutting to the top happen when rendering.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::rc::Rc;

use super::attribute::{Incident, IncidentKind};
use crate::tcp::state::TcpState;

/// A reason or location name; `None` when the kernel did not give one.
pub type Name = Option<Rc<str>>;

/// The incidents of a trace in numbers.
#[derive(Debug, Clone, Default)]
pub struct Causes {
    /// Retransmits the kernel sent (its result 0, or no result recorded).
    pub retransmits: u64,
    /// Retransmits the kernel tried and failed to send (a non-zero result).
    pub retransmits_failed: u64,
    /// Sent retransmits per peer address and per local port.
    pub retrans_by_peer: HashMap<IpAddr, u64>,
    pub retrans_by_port: HashMap<u16, u64>,
    /// Of the retransmits, those of a SYN (the peer never answered the handshake).
    pub syn_retransmits: u64,
    pub resets_sent: u64,
    pub resets_received: u64,
    /// Resets per (we sent it, peer, reason); the peer is `None` when not known.
    pub resets: HashMap<(bool, Option<IpAddr>, Name), u64>,
    pub drops: u64,
    /// Drops per (reason, kernel location).
    pub drops_by_reason: HashMap<(Name, Name), u64>,
    /// Drops tied to a listening socket, per (listener address, reason).
    pub drops_by_listener: HashMap<(SocketAddr, Name), u64>,
    /// Drops tied to a socket tcpstate knows (so with addresses and owner).
    pub drops_tied: u64,
    /// Drops whose protocol nothing in the event tells (counted, not claimed TCP's).
    pub drops_protocol_unknown: u64,
    pub synack_retransmits: u64,
    pub synack_by_listener: HashMap<SocketAddr, u64>,
    pub errors: u64,
    /// Socket errors per (peer, error name).
    pub errors_by_peer: HashMap<(Option<IpAddr>, Rc<str>), u64>,
}

impl Causes {
    /// Count one incident that was shown.
    pub fn add(&mut self, i: &Incident) {
        let peer = i.remote.map(|r| r.ip());
        match i.kind {
            IncidentKind::Retransmit => {
                if i.result.is_some_and(|r| r != 0) {
                    self.retransmits_failed += 1;
                    return;
                }
                self.retransmits += 1;
                if i.state == Some(TcpState::SynSent) {
                    self.syn_retransmits += 1;
                }
                if let Some(p) = peer {
                    *self.retrans_by_peer.entry(p).or_default() += 1;
                }
                if let Some(l) = i.local {
                    *self.retrans_by_port.entry(l.port()).or_default() += 1;
                }
            }
            IncidentKind::ResetSent | IncidentKind::ResetReceived => {
                let sent = i.kind == IncidentKind::ResetSent;
                if sent {
                    self.resets_sent += 1;
                } else {
                    self.resets_received += 1;
                }
                *self
                    .resets
                    .entry((sent, peer, i.reason.clone()))
                    .or_default() += 1;
            }
            IncidentKind::Drop => {
                self.drops += 1;
                *self
                    .drops_by_reason
                    .entry((i.reason.clone(), i.location.clone()))
                    .or_default() += 1;
                if i.local.is_some() {
                    self.drops_tied += 1;
                }
                if i.tcp.is_none() {
                    self.drops_protocol_unknown += 1;
                }
                if i.state == Some(TcpState::Listen)
                    && let Some(l) = i.local
                {
                    *self
                        .drops_by_listener
                        .entry((l, i.reason.clone()))
                        .or_default() += 1;
                }
            }
            IncidentKind::SynAckRetransmit => {
                self.synack_retransmits += 1;
                if let Some(l) = i.local {
                    *self.synack_by_listener.entry(l).or_default() += 1;
                }
            }
            IncidentKind::SocketError => {
                self.errors += 1;
                if let Some(r) = &i.reason {
                    *self.errors_by_peer.entry((peer, r.clone())).or_default() += 1;
                }
            }
        }
    }

    /// Whether any incident was counted.
    pub fn any(&self) -> bool {
        self.retransmits
            + self.retransmits_failed
            + self.resets_sent
            + self.resets_received
            + self.drops
            + self.synack_retransmits
            + self.errors
            > 0
    }
}

/// The entries of `m`, largest count first (ties in key order), and how many there were.
pub fn ranked<K: Clone + Ord>(m: &HashMap<K, u64>) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = m.iter().map(|(k, n)| (k.clone(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::Family;

    fn incident(kind: IncidentKind, remote: &str, result: Option<i32>) -> Incident {
        Incident {
            ts: 0,
            cpu: 0,
            kind,
            skaddr: None,
            family: Family::V4,
            local: Some("10.0.0.1:8080".parse().unwrap()),
            remote: Some(remote.parse().unwrap()),
            state: Some(TcpState::Established),
            reason: None,
            location: None,
            result,
            tcp: Some(true),
            owner: None,
            in_snapshot: false,
            server: Some(true),
        }
    }

    #[test]
    fn counts_and_ranks_retransmits() {
        let mut c = Causes::default();
        for r in ["10.0.0.2:1", "10.0.0.3:1", "10.0.0.3:2"] {
            c.add(&incident(IncidentKind::Retransmit, r, Some(0)));
        }
        c.add(&incident(IncidentKind::Retransmit, "10.0.0.2:1", Some(-16)));
        assert_eq!((c.retransmits, c.retransmits_failed), (3, 1));
        let r = ranked(&c.retrans_by_peer);
        assert_eq!(r[0], ("10.0.0.3".parse().unwrap(), 2));
        assert_eq!(r[1].1, 1);
        assert_eq!(c.retrans_by_port.get(&8080), Some(&3));
        assert!(c.any());
    }
}

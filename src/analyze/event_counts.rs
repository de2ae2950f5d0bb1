//! Counters of traced incidents for the exporter (`serve --events`): retransmits by service
//! port and direction, resets by direction and reason, drops by reason, each label set bounded
//! (ports by `--max-ports`, the rest by the kernel's own reason lists). A port once given its
//! own series keeps it, so every counter only grows.

use std::collections::{BTreeMap, BTreeSet};

use crate::trace::attribute::{Incident, IncidentKind};

/// The label value for what the kernel did not name.
pub const UNKNOWN: &str = "unknown";
/// The port label of ports past the cap.
pub const OTHER_PORT: &str = "other";

/// Counted incidents; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct EventCounts {
    /// Retransmits sent, by (service port, direction): `inbound` when a listener is known on
    /// the local port (the port is then the local one), `outbound` otherwise (the remote
    /// port).
    pub retransmits: BTreeMap<(String, &'static str), u64>,
    /// Resets by (direction `sent`/`received`, reason).
    pub resets: BTreeMap<(&'static str, String), u64>,
    /// Drops by reason.
    pub drops: BTreeMap<String, u64>,
    /// Events the kernel lost or never delivered: the counters are low by that much.
    pub lost: u64,
    ports: BTreeSet<u16>,
    max_ports: usize,
}

impl EventCounts {
    pub fn new(max_ports: usize) -> EventCounts {
        EventCounts {
            max_ports,
            ..EventCounts::default()
        }
    }

    fn port_label(&mut self, port: u16) -> String {
        if self.ports.contains(&port) || self.ports.len() < self.max_ports {
            self.ports.insert(port);
            port.to_string()
        } else {
            OTHER_PORT.to_string()
        }
    }

    /// Count one incident.
    pub fn add(&mut self, i: &Incident) {
        let reason = || i.reason.as_deref().unwrap_or(UNKNOWN).to_string();
        match i.kind {
            IncidentKind::Retransmit if i.result.is_none_or(|r| r == 0) => {
                let (port, direction) = match (i.server, i.local, i.remote) {
                    (Some(true), Some(l), _) => (l.port(), "inbound"),
                    (_, _, Some(r)) => (r.port(), "outbound"),
                    _ => return,
                };
                let port = self.port_label(port);
                *self.retransmits.entry((port, direction)).or_default() += 1;
            }
            IncidentKind::ResetSent => *self.resets.entry(("sent", reason())).or_default() += 1,
            IncidentKind::ResetReceived => {
                *self.resets.entry(("received", reason())).or_default() += 1
            }
            IncidentKind::Drop => count_by(&mut self.drops, i.reason.as_deref().unwrap_or(UNKNOWN)),
            _ => {}
        }
    }
}

/// Add one to `key`'s count, making the key's own copy only the first time it is seen (drops
/// can come by the thousand a second, nearly all under a handful of reasons).
pub(crate) fn count_by(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::Family;

    fn retrans(local: u16, remote: u16, server: bool) -> Incident {
        Incident {
            ts: 0,
            cpu: 0,
            kind: IncidentKind::Retransmit,
            skaddr: None,
            family: Family::V4,
            local: Some(([10, 0, 0, 1], local).into()),
            remote: Some(([10, 0, 0, 2], remote).into()),
            state: None,
            reason: None,
            location: None,
            result: Some(0),
            tcp: Some(true),
            owner: None,
            in_snapshot: false,
            server: Some(server),
        }
    }

    #[test]
    fn ports_capped_and_directions() {
        let mut c = EventCounts::new(2);
        c.add(&retrans(443, 50000, true));
        c.add(&retrans(50001, 5432, false));
        c.add(&retrans(50002, 6379, false));
        c.add(&retrans(443, 50003, true));
        assert_eq!(c.retransmits[&("443".into(), "inbound")], 2);
        assert_eq!(c.retransmits[&("5432".into(), "outbound")], 1);
        assert_eq!(c.retransmits[&(OTHER_PORT.into(), "outbound")], 1);
        let mut failed = retrans(443, 1, true);
        failed.result = Some(-105);
        c.add(&failed);
        assert_eq!(c.retransmits.values().sum::<u64>(), 4);
        let mut reset = retrans(443, 1, true);
        reset.kind = IncidentKind::ResetReceived;
        c.add(&reset);
        assert_eq!(c.resets[&("received", UNKNOWN.into())], 1);
    }
}

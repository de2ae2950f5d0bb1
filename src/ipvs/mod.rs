//! The IPVS (Linux Virtual Server) connection table's domain, without I/O: IPVS's own TCP
//! states (a director sees a flow from the middle, and on direct routing only the client's
//! half, so its states are not `TcpState`), one connection (client, virtual service, real
//! server, seconds left), and counts per state, per virtual service and per real server.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;

/// A TCP state of an IPVS connection, as the kernel names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IpvsState {
    None,
    Established,
    SynSent,
    SynRecv,
    FinWait,
    TimeWait,
    Close,
    CloseWait,
    LastAck,
    Listen,
    SynAck,
}

impl IpvsState {
    /// Every state, in the kernel's order.
    pub const ALL: [IpvsState; 11] = [
        IpvsState::None,
        IpvsState::Established,
        IpvsState::SynSent,
        IpvsState::SynRecv,
        IpvsState::FinWait,
        IpvsState::TimeWait,
        IpvsState::Close,
        IpvsState::CloseWait,
        IpvsState::LastAck,
        IpvsState::Listen,
        IpvsState::SynAck,
    ];

    pub fn name(self) -> &'static str {
        match self {
            IpvsState::None => "NONE",
            IpvsState::Established => "ESTABLISHED",
            IpvsState::SynSent => "SYN_SENT",
            IpvsState::SynRecv => "SYN_RECV",
            IpvsState::FinWait => "FIN_WAIT",
            IpvsState::TimeWait => "TIME_WAIT",
            IpvsState::Close => "CLOSE",
            IpvsState::CloseWait => "CLOSE_WAIT",
            IpvsState::LastAck => "LAST_ACK",
            IpvsState::Listen => "LISTEN",
            IpvsState::SynAck => "SYNACK",
        }
    }

    pub fn parse(word: &str) -> Option<IpvsState> {
        IpvsState::ALL.into_iter().find(|s| s.name() == word)
    }
}

impl fmt::Display for IpvsState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One TCP connection of the IPVS table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpvsConn {
    pub state: IpvsState,
    /// The client.
    pub client: SocketAddr,
    /// The virtual service the client connected to.
    pub service: SocketAddr,
    /// The real server IPVS chose.
    pub real: SocketAddr,
    /// Seconds until the entry expires.
    pub expires: Option<u32>,
}

/// Entries per IPVS state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IpvsCounts([u64; 11]);

impl IpvsCounts {
    pub fn add(&mut self, s: IpvsState) {
        self.0[s as usize] += 1;
    }

    pub fn get(&self, s: IpvsState) -> u64 {
        self.0[s as usize]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    pub fn all(&self) -> impl Iterator<Item = (IpvsState, u64)> + '_ {
        IpvsState::ALL.into_iter().map(|s| (s, self.get(s)))
    }
}

/// The table counted three ways: per state, per virtual service, per (service, real server).
#[derive(Debug, Clone, Default)]
pub struct IpvsCensus {
    pub states: IpvsCounts,
    pub services: BTreeMap<SocketAddr, IpvsCounts>,
    pub reals: BTreeMap<(SocketAddr, SocketAddr), IpvsCounts>,
}

impl IpvsCensus {
    pub fn add(&mut self, c: &IpvsConn) {
        self.states.add(c.state);
        self.services.entry(c.service).or_default().add(c.state);
        self.reals
            .entry((c.service, c.real))
            .or_default()
            .add(c.state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_census_counts_three_ways() {
        for s in IpvsState::ALL {
            assert_eq!(IpvsState::parse(s.name()), Some(s));
        }
        let conn = |state, real: &str| IpvsConn {
            state,
            client: "192.0.2.1:5000".parse().unwrap(),
            service: "203.0.113.10:80".parse().unwrap(),
            real: real.parse().unwrap(),
            expires: None,
        };
        let mut c = IpvsCensus::default();
        c.add(&conn(IpvsState::Established, "10.0.0.2:80"));
        c.add(&conn(IpvsState::TimeWait, "10.0.0.3:80"));
        c.add(&conn(IpvsState::Established, "10.0.0.3:80"));
        assert_eq!(c.states.get(IpvsState::Established), 2);
        assert_eq!(c.services.len(), 1);
        assert_eq!(c.reals.len(), 2);
        let r3 = (
            "203.0.113.10:80".parse().unwrap(),
            "10.0.0.3:80".parse().unwrap(),
        );
        assert_eq!(c.reals[&r3].total(), 2);
    }
}

//! Which transitions a trace shows: the filter every command shares (`Filter`: states,
//! ports, addresses, family), read for a move between two states — the endpoints and family
//! as for any socket, and `--state` matching when either the old or the new state is wanted.

use std::net::SocketAddr;

use crate::filter::Filter;
use crate::socket::{Endpoint, Family, Socket};
use crate::tcp::state::{StateSet, TcpState};

/// The shared filter applied to transitions: the endpoints and family as for any socket, and
/// the states matching when either the old or the new state is wanted.
#[derive(Debug, Clone)]
pub struct TraceFilter {
    endpoints: Filter,
    states: StateSet,
    any_endpoint: bool,
}

impl TraceFilter {
    pub fn new(filter: &Filter) -> TraceFilter {
        let mut endpoints = filter.clone();
        endpoints.states = StateSet::from_bits(u32::MAX);
        TraceFilter {
            any_endpoint: filter.only_states() && filter.v4 && filter.v6,
            states: filter.states,
            endpoints,
        }
    }

    /// Whether the family and endpoints match (states aside).
    pub fn endpoints(&self, family: Family, local: SocketAddr, remote: SocketAddr) -> bool {
        if self.any_endpoint {
            return true;
        }
        let s = Socket::new(
            family,
            TcpState::Established,
            Endpoint::new(local.ip(), local.port()),
            Endpoint::new(remote.ip(), remote.port()),
        );
        self.endpoints.matches(&s)
    }

    /// Whether an event that carries no addresses (a drop the kernel did not tie to a
    /// socket) may be shown: only when no address or port is asked for, and its family is.
    pub fn without_tuple(&self, family: Family) -> bool {
        self.endpoints.only_states()
            && match family {
                Family::V4 => self.endpoints.v4,
                Family::V6 => self.endpoints.v6,
            }
    }

    pub fn states(&self, old: TcpState, new: TcpState) -> bool {
        self.states.contains(old) || self.states.contains(new)
    }

    pub fn matches(
        &self,
        family: Family,
        local: SocketAddr,
        remote: SocketAddr,
        old: TcpState,
        new: TcpState,
    ) -> bool {
        self.states(old, new) && self.endpoints(family, local, remote)
    }
}

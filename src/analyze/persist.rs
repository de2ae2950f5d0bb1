//! Which sockets stayed put between two samples: a socket's identity across samples (its
//! kernel cookie, or its endpoints when the input carries no cookie) and the set of
//! (identity, state) pairs of a first sample, asked of each socket of a later one. `check
//! --interval` counts the CLOSE_WAIT sockets that persisted with it; `kill --older-than`
//! closes only sockets seen in the same state in both samples.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::socket::Socket;
use crate::tcp::state::TcpState;

/// A socket's identity across samples: its cookie, or its addresses when there is none.
pub fn identity(s: &Socket) -> u64 {
    let mut h = DefaultHasher::new();
    match s.cookie {
        Some(c) => c.hash(&mut h),
        None => (&s.local, &s.remote).hash(&mut h),
    }
    h.finish()
}

/// The sockets of a first sample, each with its state.
#[derive(Debug, Default, Clone)]
pub struct FirstSample(HashSet<(u64, TcpState)>);

impl FirstSample {
    pub fn add(&mut self, s: &Socket) {
        self.0.insert((identity(s), s.state));
    }

    /// Whether `s` was in the first sample in the same state.
    pub fn stayed(&self, s: &Socket) -> bool {
        self.0.contains(&(identity(s), s.state))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{Endpoint, Family};
    use std::net::{IpAddr, Ipv4Addr};

    fn sock(cookie: u64, state: TcpState) -> Socket {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let mut s = Socket::new(
            Family::V4,
            state,
            Endpoint::new(ip, 1),
            Endpoint::new(ip, 2),
        );
        s.cookie = Some(cookie);
        s
    }

    #[test]
    fn same_cookie_and_state_stayed_a_new_state_did_not() {
        let mut first = FirstSample::default();
        first.add(&sock(7, TcpState::CloseWait));
        assert!(first.stayed(&sock(7, TcpState::CloseWait)));
        assert!(!first.stayed(&sock(7, TcpState::LastAck)));
        assert!(!first.stayed(&sock(8, TcpState::CloseWait)));
    }
}

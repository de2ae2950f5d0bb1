//! Splitting one socket stream by network namespace: `PerNetns` hands each socket to a sink
//! of its own namespace (by `Socket::netns`), made on first use, so `--all-netns` can count or
//! group every namespace in one pass and show one column per namespace.

use std::collections::HashMap;

use crate::socket::{Flow, Sink, Socket};

/// A sink per namespace inode.
pub struct PerNetns<S, F: FnMut() -> S> {
    make: F,
    parts: HashMap<u64, S>,
}

impl<S, F: FnMut() -> S> PerNetns<S, F> {
    pub fn new(make: F) -> PerNetns<S, F> {
        PerNetns {
            make,
            parts: HashMap::new(),
        }
    }

    /// The sink of namespace `inode`, or a fresh one when it had no socket.
    pub fn take(&mut self, inode: u64) -> S {
        self.parts.remove(&inode).unwrap_or_else(|| (self.make)())
    }
}

impl<S: Sink, F: FnMut() -> S> Sink for PerNetns<S, F> {
    fn socket(&mut self, s: &Socket) -> Flow {
        let make = &mut self.make;
        self.parts.entry(s.netns).or_insert_with(make).socket(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::count::Counts;
    use crate::socket::{Endpoint, Family};
    use crate::tcp::state::TcpState;

    #[test]
    fn splits_by_namespace() {
        let mut p = PerNetns::new(Counts::new);
        for (ns, st) in [
            (1, TcpState::Listen),
            (2, TcpState::TimeWait),
            (1, TcpState::TimeWait),
        ] {
            let mut s = Socket::new(
                Family::V4,
                st,
                Endpoint::unspecified(),
                Endpoint::unspecified(),
            );
            s.netns = ns;
            p.socket(&s);
        }
        assert_eq!(p.take(1).total(), 2);
        assert_eq!(p.take(2).get(TcpState::TimeWait), 1);
        assert_eq!(p.take(3).total(), 0);
    }
}

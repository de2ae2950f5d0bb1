//! Reconciling the conntrack table with the sockets of one namespace, without I/O. A flow
//! has a local end when an address of the namespace is the original source (this host
//! opened it) or the reply source (this host answers it, after any DNAT). Two findings:
//! *stale* entries — conntrack holds the flow ESTABLISHED while no socket exists at its local
//! end (the connection ended without conntrack seeing it; the entry keeps a table slot and
//! any NAT mapping until its timeout, five days by default) — and *lost* flows — an
//! ESTABLISHED socket whose flow conntrack has no entry for (deleted, or expired while idle).

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};

use crate::conntrack::{CtEntry, CtState, CtTuple};
use crate::socket::Socket;
use crate::tcp::state::TcpState;

/// A socket's (local, remote) ends, addresses canonical (IPv4-mapped IPv6 as IPv4).
pub type Ends = (SocketAddr, SocketAddr);

fn canonical(ip: IpAddr, port: u16) -> SocketAddr {
    SocketAddr::new(ip.to_canonical(), port)
}

/// The socket ends this tuple's source would hold: (source, destination).
fn ends_of(t: &CtTuple) -> Ends {
    (canonical(t.src, t.sport), canonical(t.dst, t.dport))
}

/// The comparison being built: sockets first, then every conntrack entry.
#[derive(Debug, Default)]
pub struct Reconciler {
    local: HashSet<IpAddr>,
    /// Connected sockets (every state but LISTEN), and whether their state is ESTABLISHED.
    sockets: HashMap<Ends, bool>,
    /// ESTABLISHED sockets some entry accounts for.
    matched: HashSet<Ends>,
    /// Stale candidates and their local ends.
    stale: Vec<(CtEntry, Vec<Ends>)>,
    /// Socket ends of the second socket dump (after the conntrack dump).
    later: HashSet<Ends>,
    /// Entries with a local end, looked at.
    local_entries: u64,
}

/// What the reconciliation found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// ESTABLISHED conntrack entries with a local end and no socket there.
    pub stale: Vec<CtEntry>,
    /// ESTABLISHED sockets (local, remote) with no conntrack entry.
    pub lost: Vec<Ends>,
    /// Conntrack TCP entries with a local end.
    pub local_entries: u64,
    /// Connected sockets compared.
    pub sockets: u64,
}

impl Reconciler {
    /// Start with the namespace's addresses (canonical).
    pub fn new(local: impl IntoIterator<Item = IpAddr>) -> Reconciler {
        Reconciler {
            local: local.into_iter().map(|a| a.to_canonical()).collect(),
            ..Reconciler::default()
        }
    }

    /// One socket of the namespace (listeners and sockets without both ends are passed over).
    pub fn socket(&mut self, s: &Socket) {
        if s.state == TcpState::Listen {
            return;
        }
        let (Some(lip), Some(lp), Some(rip), Some(rp)) =
            (s.local.ip, s.local.port, s.remote.ip, s.remote.port)
        else {
            return;
        };
        self.sockets.insert(
            (canonical(lip, lp), canonical(rip, rp)),
            s.state == TcpState::Established,
        );
    }

    /// A socket of the dump made after the conntrack dump: a connection opened while the
    /// table was read is not stale. (Only the first dump's sockets can be lost: a socket
    /// opened after the conntrack dump has an entry the dump could not see.)
    pub fn socket_after(&mut self, s: &Socket) {
        if let (Some(lip), Some(lp), Some(rip), Some(rp)) =
            (s.local.ip, s.local.port, s.remote.ip, s.remote.port)
        {
            self.later.insert((canonical(lip, lp), canonical(rip, rp)));
        }
    }

    /// One conntrack TCP entry (after every socket of the first dump).
    pub fn entry(&mut self, e: &CtEntry) {
        let opener = ends_of(&e.orig);
        let answerer = ends_of(&e.reply);
        let mut local = false;
        let mut seen = false;
        let mut ends_here = Vec::new();
        for (ends, is_local) in [
            (opener, self.local.contains(&opener.0.ip())),
            (answerer, self.local.contains(&answerer.0.ip())),
        ] {
            if !is_local {
                continue;
            }
            local = true;
            ends_here.push(ends);
            if let Some(&established) = self.sockets.get(&ends) {
                seen = true;
                if established {
                    self.matched.insert(ends);
                }
            }
        }
        if local {
            self.local_entries += 1;
            if !seen && e.state == CtState::Established {
                self.stale.push((e.clone(), ends_here));
            }
        }
    }

    pub fn finish(self) -> Reconciled {
        let mut lost: Vec<Ends> = self
            .sockets
            .iter()
            .filter(|&(ends, &established)| established && !self.matched.contains(ends))
            .map(|(ends, _)| *ends)
            .collect();
        lost.sort();
        let later = &self.later;
        let stale = self
            .stale
            .into_iter()
            .filter(|(_, ends)| !ends.iter().any(|x| later.contains(x)))
            .map(|(e, _)| e)
            .collect();
        Reconciled {
            stale,
            lost,
            local_entries: self.local_entries,
            sockets: self.sockets.len() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{Endpoint, Family};

    fn tuple(src: &str, sport: u16, dst: &str, dport: u16) -> CtTuple {
        CtTuple {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            sport,
            dport,
        }
    }

    fn entry(orig: CtTuple, reply: CtTuple) -> CtEntry {
        CtEntry {
            state: CtState::Established,
            orig,
            reply,
            timeout: Some(1),
            mark: None,
            zone: 0,
            assured: true,
            unreplied: false,
        }
    }

    fn socket(local: &str, lp: u16, remote: &str, rp: u16) -> Socket {
        Socket::new(
            Family::V4,
            TcpState::Established,
            Endpoint::new(local.parse().unwrap(), lp),
            Endpoint::new(remote.parse().unwrap(), rp),
        )
    }

    #[test]
    fn stale_lost_and_forwarded_flows() {
        let mut r = Reconciler::new(["10.0.0.1".parse().unwrap()]);
        // Held: this host opened it; the socket is there.
        r.socket(&socket("10.0.0.1", 40000, "10.9.9.9", 443));
        // Lost: a socket conntrack has no entry for.
        r.socket(&socket("10.0.0.1", 40001, "10.9.9.9", 443));
        r.entry(&entry(
            tuple("10.0.0.1", 40000, "10.9.9.9", 443),
            tuple("10.9.9.9", 443, "10.0.0.1", 40000),
        ));
        // Stale: answered here after DNAT, no socket.
        let stale = entry(
            tuple("192.0.2.7", 5000, "203.0.113.1", 80),
            tuple("10.0.0.1", 8080, "192.0.2.7", 5000),
        );
        r.entry(&stale);
        // Forwarded: neither end local, not this host's business.
        r.entry(&entry(
            tuple("172.17.0.2", 1, "8.8.8.8", 53),
            tuple("8.8.8.8", 53, "172.17.0.2", 1),
        ));
        // Opened while the table was read: in the later dump, so not stale.
        let racing = entry(
            tuple("10.0.0.1", 40002, "10.9.9.9", 443),
            tuple("10.9.9.9", 443, "10.0.0.1", 40002),
        );
        r.entry(&racing);
        r.socket_after(&socket("10.0.0.1", 40002, "10.9.9.9", 443));
        let out = r.finish();
        assert_eq!(out.stale, vec![stale]);
        assert_eq!(out.lost.len(), 1);
        assert_eq!(out.lost[0].0.port(), 40001);
        assert_eq!(out.local_entries, 3);
    }
}

//! Listeners, one way for every view: a LISTEN socket's accept queue against its backlog
//! (`ListenQueue`, what the dashboard lists and the check judges), and the listeners of one
//! port summed over their addresses, families and SO_REUSEPORT members (`ListenerPort`, what
//! the exporter publishes and the SYN backlog is judged against). For a LISTEN socket the
//! kernel reports the accept queue as Recv-Q and the backlog limit as Send-Q.

use crate::socket::{Endpoint, Family, Host, Socket};
use crate::tcp::state::TcpState;

/// One listening socket's accept queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenQueue {
    pub family: Family,
    pub local: Endpoint,
    /// Connections completed and waiting for accept(); `None` when the input does not
    /// carry it.
    pub queued: Option<u64>,
    /// The backlog limit: listen()'s backlog capped by net.core.somaxconn; `None` when the
    /// input does not carry it (/proc/net/tcp, netstat, BSD and Windows listings).
    pub backlog: Option<u64>,
    /// Connection requests dropped on this socket since it was opened (its `sk_drops`, from
    /// the socket memory: accept-queue overflows and every other drop); `None` when the dump
    /// did not carry the memory.
    pub drops: Option<u64>,
    /// The kernel's socket cookie, which tells one listener from another across samples
    /// (and namespaces); `None` when the input does not carry it.
    pub cookie: Option<u64>,
}

impl ListenQueue {
    /// The queue of `s`, when it is a LISTEN socket.
    pub fn of(s: &Socket) -> Option<ListenQueue> {
        (s.state == TcpState::Listen).then(|| ListenQueue {
            family: s.family,
            local: s.local.clone(),
            queued: s.recv_q.map(u64::from),
            backlog: s.send_q.map(u64::from),
            drops: s.memory.as_ref().and_then(|m| m.drops).map(u64::from),
            cookie: s.cookie,
        })
    }

    /// Whether `other` is the same listening socket seen in another sample: the same cookie
    /// when both carry one, else the same family and local endpoint.
    pub fn same_socket(&self, other: &ListenQueue) -> bool {
        match (self.cookie, other.cookie) {
            (Some(a), Some(b)) => a == b,
            _ => self.family == other.family && self.local == other.local,
        }
    }

    /// Drops per second since `prev` (the same socket `elapsed` earlier); `None` when either
    /// count is unknown, no time passed, or the count went down (not the same socket).
    pub fn drop_rate(&self, prev: &ListenQueue, elapsed: std::time::Duration) -> Option<f64> {
        let secs = elapsed.as_secs_f64();
        let (now, before) = (self.drops?, prev.drops?);
        (secs > 0.0 && now >= before).then(|| (now - before) as f64 / secs)
    }

    /// The local port; `None` only for a capture that named the service instead.
    pub fn port(&self) -> Option<u16> {
        self.local.port
    }

    /// The local address as a key.
    pub fn host(&self) -> Host {
        self.local.host()
    }

    /// How full the accept queue is, 0.0 to 1.0 and beyond (a queue can pass the backlog by
    /// one before the kernel drops). A zero backlog with a waiting connection counts as full.
    /// `None` when the queue or the backlog is unknown.
    pub fn fill(&self) -> Option<f64> {
        Some(match (self.queued?, self.backlog?) {
            (0, _) => 0.0,
            (_, 0) => 1.0,
            (q, b) => q as f64 / b as f64,
        })
    }
}

/// The LISTEN sockets of one port, summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerPort {
    pub port: u16,
    /// Sum of the accept queues: connections completed but not yet accepted; `None` when
    /// one of them is unknown.
    pub queue: Option<u64>,
    /// Sum of the backlog limits; `None` when one of them is unknown.
    pub backlog: Option<u64>,
    /// How many LISTEN sockets share the port (addresses, families, SO_REUSEPORT).
    pub sockets: u64,
    /// Connection requests the port's listeners dropped (each LISTEN socket's `sk_drops`:
    /// accept-queue overflows and every other drop on that socket), summed; `None` when the
    /// source did not give them.
    pub drops: Option<u64>,
}

/// Sum `(port, queued, backlog)` of each listener per port, in port order. A sum with an
/// unknown part is unknown.
pub fn per_port(
    listeners: impl IntoIterator<Item = (u16, Option<u64>, Option<u64>)>,
) -> Vec<ListenerPort> {
    let mut raw: Vec<(u16, Option<u64>, Option<u64>)> = listeners.into_iter().collect();
    raw.sort_unstable_by_key(|l| l.0);
    let mut out: Vec<ListenerPort> = Vec::new();
    for (port, queue, backlog) in raw {
        match out.last_mut() {
            Some(l) if l.port == port => {
                l.queue = l.queue.zip(queue).map(|(a, b)| a + b);
                l.backlog = l.backlog.zip(backlog).map(|(a, b)| a + b);
                l.sockets += 1;
            }
            _ => out.push(ListenerPort {
                port,
                queue,
                backlog,
                sockets: 1,
                drops: None,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    #[test]
    fn queues_and_ports() {
        let mut s = Socket::new(
            Family::V4,
            TcpState::Listen,
            Endpoint::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 80),
            Endpoint::unspecified(),
        );
        s.recv_q = Some(3);
        s.send_q = Some(4);
        let q = ListenQueue::of(&s).expect("a listener");
        assert_eq!(
            (q.port(), q.queued, q.backlog),
            (Some(80), Some(3), Some(4))
        );
        assert_eq!(q.fill(), Some(0.75));
        s.state = TcpState::Established;
        assert!(ListenQueue::of(&s).is_none());
        let ports = per_port([
            (443, Some(1), Some(128)),
            (80, Some(0), None),
            (443, Some(2), Some(128)),
        ]);
        assert_eq!(ports.len(), 2);
        assert_eq!(
            ports[1],
            ListenerPort {
                port: 443,
                queue: Some(3),
                backlog: Some(256),
                sockets: 2,
                drops: None,
            }
        );
        // An unknown backlog (/proc, netstat) stays unknown in the sum.
        assert_eq!((ports[0].queue, ports[0].backlog), (Some(0), None));
        let full = ListenQueue {
            queued: Some(1),
            backlog: Some(0),
            ..q.clone()
        };
        assert_eq!(full.fill(), Some(1.0));
        let unknown = ListenQueue { backlog: None, ..q };
        assert_eq!(unknown.fill(), None);
    }

    #[test]
    fn drop_rates_of_the_same_socket_only() {
        use std::time::Duration;
        let ip = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
        let at = |drops: Option<u64>, cookie: Option<u64>| ListenQueue {
            family: Family::V4,
            local: Endpoint::new(ip, 80),
            queued: Some(0),
            backlog: Some(128),
            drops,
            cookie,
        };
        let two = Duration::from_secs(2);
        let now = at(Some(30), Some(7));
        assert_eq!(now.drop_rate(&at(Some(10), Some(7)), two), Some(10.0));
        assert!(now.same_socket(&at(None, Some(7))));
        // Reopened on the same address: another cookie, another socket.
        assert!(!now.same_socket(&at(Some(10), Some(8))));
        // Without cookies the address decides.
        assert!(at(Some(1), None).same_socket(&at(Some(1), Some(9))));
        assert_eq!(now.drop_rate(&at(Some(40), Some(7)), two), None);
        assert_eq!(now.drop_rate(&at(None, Some(7)), two), None);
        assert_eq!(now.drop_rate(&at(Some(10), Some(7)), Duration::ZERO), None);
    }
}

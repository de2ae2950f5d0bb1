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
}

impl ListenQueue {
    /// The queue of `s`, when it is a LISTEN socket.
    pub fn of(s: &Socket) -> Option<ListenQueue> {
        (s.state == TcpState::Listen).then(|| ListenQueue {
            family: s.family,
            local: s.local.clone(),
            queued: s.recv_q.map(u64::from),
            backlog: s.send_q.map(u64::from),
        })
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
}

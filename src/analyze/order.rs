//! Ordering a socket list (`list --sort`): by the queues an operator looks at first (largest
//! first), by state, by local or remote endpoint, or by the time left on the timer. Sorting
//! needs every socket at hand, so it is the one list mode whose memory grows with the
//! sockets; without `--sort` the list streams.

use std::cmp::Ordering;

use crate::socket::{Endpoint, Socket};

/// What `list --sort` orders by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortBy {
    /// Recv-Q, largest first (for LISTEN: the accept queue).
    RecvQ,
    /// Send-Q, largest first (for LISTEN: the backlog).
    SendQ,
    /// State, in the kernel's order.
    State,
    /// Local address, then port.
    Local,
    /// Remote address, then port.
    Remote,
    /// Time left on the timer, soonest first.
    Timer,
}

/// Endpoints in address order (names from captures after addresses, unknown last).
fn endpoint_order(a: &Endpoint, b: &Endpoint) -> Ordering {
    let key = |e: &Endpoint| {
        (
            e.canonical_ip().is_none(),
            e.canonical_ip(),
            e.name.clone(),
            e.port,
        )
    };
    key(a).cmp(&key(b))
}

/// A value that may be unknown: known values first, in `order`, unknown last.
fn known_first<T: Ord>(a: Option<T>, b: Option<T>, order: impl Fn(T, T) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => order(a, b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

impl SortBy {
    /// The order of two sockets; ties keep the order they came in (the sort is stable).
    pub fn compare(self, a: &Socket, b: &Socket) -> Ordering {
        match self {
            SortBy::RecvQ => known_first(a.recv_q, b.recv_q, |x, y| y.cmp(&x)),
            SortBy::SendQ => known_first(a.send_q, b.send_q, |x, y| y.cmp(&x)),
            SortBy::State => a.state.cmp(&b.state),
            SortBy::Local => endpoint_order(&a.local, &b.local),
            SortBy::Remote => endpoint_order(&a.remote, &b.remote),
            SortBy::Timer => {
                // An armed timer's time left; an idle or unknown timer sorts last.
                let left = |s: &Socket| {
                    s.timer
                        .filter(|t| t.kind != crate::socket::TimerKind::Off)
                        .map(|t| t.expires_ms)
                };
                known_first(left(a), left(b), |x, y| x.cmp(&y))
            }
        }
    }

    /// Sort `(target, socket)` pairs.
    pub fn sort<T>(self, rows: &mut [(T, Socket)]) {
        rows.sort_by(|a, b| self.compare(&a.1, &b.1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{Family, Timer, TimerKind};
    use crate::tcp::state::TcpState;
    use std::net::{IpAddr, Ipv4Addr};

    fn sock(port: u16, recv_q: Option<u32>, expires: Option<u64>) -> Socket {
        let ip = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let mut s = Socket::new(
            Family::V4,
            TcpState::Established,
            Endpoint::new(ip, port),
            Endpoint::new(ip, 1),
        );
        s.recv_q = recv_q;
        s.timer = expires.map(|ms| Timer {
            kind: TimerKind::On,
            expires_ms: ms,
            retransmits: 0,
        });
        s
    }

    #[test]
    fn largest_queue_first_unknown_last() {
        let mut rows = vec![
            (0, sock(1, Some(10), None)),
            (0, sock(2, None, Some(5))),
            (0, sock(3, Some(4194304), Some(9))),
            (0, sock(4, Some(0), Some(1))),
        ];
        SortBy::RecvQ.sort(&mut rows);
        let ports: Vec<_> = rows.iter().map(|r| r.1.local.port).collect();
        assert_eq!(ports, [Some(3), Some(1), Some(4), Some(2)]);
        SortBy::Timer.sort(&mut rows);
        let ports: Vec<_> = rows.iter().map(|r| r.1.local.port).collect();
        assert_eq!(ports, [Some(4), Some(2), Some(3), Some(1)]);
        SortBy::Local.sort(&mut rows);
        let ports: Vec<_> = rows.iter().map(|r| r.1.local.port).collect();
        assert_eq!(ports, [Some(1), Some(2), Some(3), Some(4)]);
    }
}

//! `Server`: one server port on loopback, where its listener binds and where client number `i`
//! connects. By default both are the family's loopback address (127.0.0.1 or ::1). For IPv4 a
//! spread of `n` addresses makes the listener bind 0.0.0.0 and clients connect to 127.0.0.1
//! through 127.0.0.n in turn, so that more connections fit towards one port than the range of
//! ephemeral source ports allows for one 4-tuple destination (the benchmark's large
//! populations need this; the tests do not).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use socket2::SockAddr;

use crate::Family;

/// A server port on loopback and the addresses its clients use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Server {
    pub family: Family,
    pub port: u16,
    spread: u8,
}

impl Server {
    /// `port` on the family's loopback address; every client connects to that address.
    pub fn new(family: Family, port: u16) -> Server {
        Server {
            family,
            port,
            spread: 1,
        }
    }

    /// Spreads IPv4 clients over 127.0.0.1 ..= 127.0.0.`n` (at least 1); IPv6 has one loopback
    /// address, so an IPv6 server ignores this.
    pub fn spread(mut self, n: u8) -> Server {
        self.spread = if self.family == Family::V4 {
            n.max(1)
        } else {
            1
        };
        self
    }

    /// The same spread, another port.
    pub fn with_port(self, port: u16) -> Server {
        Server { port, ..self }
    }

    /// Where the listener binds: the loopback address, or any address when spread.
    pub fn bind_addr(&self) -> SockAddr {
        let ip = if self.spread > 1 {
            self.family.unspecified()
        } else {
            self.family.loopback()
        };
        SockAddr::from(SocketAddr::new(ip, self.port))
    }

    /// Where client number `i` connects.
    pub fn dest(&self, i: usize) -> SockAddr {
        let ip = if self.spread > 1 {
            // The remainder is below `spread`, itself a u8, so the cast cannot truncate.
            let host = (i % usize::from(self.spread)) as u8 + 1;
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, host))
        } else {
            self.family.loopback()
        };
        SockAddr::from(SocketAddr::new(ip, self.port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_cycles_over_loopback_addresses() {
        let s = Server::new(Family::V4, 80).spread(3);
        let hosts: Vec<_> = (0..4)
            .map(|i| s.dest(i).as_socket().map(|a| a.ip()))
            .collect();
        let want: Vec<_> = [1, 2, 3, 1]
            .map(|h| Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, h))))
            .into();
        assert_eq!(hosts, want);
        assert_eq!(
            s.bind_addr().as_socket(),
            Some(SocketAddr::new(Family::V4.unspecified(), 80))
        );
    }

    #[test]
    fn ipv6_and_default_stay_on_loopback() {
        for s in [
            Server::new(Family::V6, 81).spread(200),
            Server::new(Family::V4, 81),
        ] {
            let lo = Some(SocketAddr::new(s.family.loopback(), 81));
            assert_eq!(s.bind_addr().as_socket(), lo);
            assert_eq!(s.dest(7).as_socket(), lo);
        }
    }
}

//! `make`: one kind of socket in bulk on one server port range, kept open as a `Held` until it
//! is dropped. This is what a benchmark worker process does (each holds at most a given
//! number of descriptors, so a large population is split over several of them) and what the
//! `socket_population` example does for one kind. The SYN_RECV kind needs a rule, set by the
//! caller, that drops the listener's SYN-ACKs; otherwise its clients simply connect.

use std::fmt;
use std::net::Shutdown;
use std::str::FromStr;

use anyhow::{Context, Result};
use socket2::Socket;

use crate::Server;
use crate::sockets::{self, pair_backlog};

/// What one `make` call creates, per unit of its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A connection: two ESTABLISHED sockets, plus the listener.
    Established,
    /// A TIME_WAIT socket (no descriptor), plus the listener.
    TimeWait,
    /// A connection whose client shut down writing: CLOSE_WAIT and FIN_WAIT2, plus the
    /// listener.
    CloseWait,
    /// An unanswered connect: a SYN_RECV request socket and its SYN_SENT client, plus the
    /// listener (its SYN-ACKs must be dropped by the caller's rule).
    SynRecv,
    /// A listener, on consecutive ports from the server's.
    Listen,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Established,
        Kind::TimeWait,
        Kind::CloseWait,
        Kind::SynRecv,
        Kind::Listen,
    ];

    /// The kind's name on a command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Established => "established",
            Kind::TimeWait => "time-wait",
            Kind::CloseWait => "close-wait",
            Kind::SynRecv => "syn-recv",
            Kind::Listen => "listen",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Kind::ALL.iter().map(|k| k.name()).collect();
                format!("unknown socket kind {s:?}; one of {}", names.join(", "))
            })
    }
}

/// Sockets kept open until this is dropped (an ordinary close, so connections end with FINs).
#[derive(Debug, Default)]
pub struct Held {
    sockets: Vec<Socket>,
}

impl Held {
    /// Descriptors it holds.
    pub fn descriptors(&self) -> usize {
        self.sockets.len()
    }
}

/// `count` units of `kind` (see `Kind`) for `server`, kept until the result is dropped.
pub fn make(kind: Kind, server: Server, count: usize) -> Result<Held> {
    let mut sockets = Vec::new();
    match kind {
        Kind::Listen => {
            for i in 0..count {
                let port = u16::try_from(i)
                    .ok()
                    .and_then(|i| server.port.checked_add(i))
                    .context("listener ports past 65535")?;
                sockets.push(sockets::listener(server.with_port(port), 128)?);
            }
        }
        Kind::Established | Kind::CloseWait => {
            let l = sockets::listener(server, pair_backlog(count))?;
            let pairs = sockets::connect_pairs_on(&l, server, count)?;
            if kind == Kind::CloseWait {
                for c in &pairs.clients {
                    c.shutdown(Shutdown::Write)
                        .context("CLOSE_WAIT: client shutdown")?;
                }
            }
            sockets.extend(pairs.into_sockets());
            sockets.push(l);
        }
        Kind::TimeWait => {
            let l = sockets::listener(server, pair_backlog(count))?;
            sockets::time_wait_on(&l, server, count)?;
            sockets.push(l);
        }
        Kind::SynRecv => {
            // Twice the requests plus some: a request queue over half full gets old requests
            // pruned early.
            let l = sockets::listener(server, count.saturating_mul(4).max(64))?;
            for i in 0..count {
                sockets.push(sockets::connect_unanswered(server, i, None).context("SYN_RECV")?);
            }
            sockets.push(l);
        }
    }
    Ok(Held { sockets })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(k.name().parse::<Kind>(), Ok(k));
        }
        assert!("closing".parse::<Kind>().is_err());
    }
}

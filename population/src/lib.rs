//! The one socket population builder of the tcpstate project, shared by the integration tests,
//! the benchmark (`tcpstate-bench`) and the `socket_population` example: it makes TCP sockets
//! on loopback and drives them into chosen states (LISTEN, ESTABLISHED, TIME_WAIT, CLOSE_WAIT
//! with its FIN_WAIT2 peer, SYN_SENT, and SYN_RECV when the caller's nftables rules drop the
//! SYN-ACKs). `sockets` holds the socket-level steps, `server` says where a server listens and
//! where its clients connect (optionally spread over many IPv4 loopback addresses, for more
//! connections to one port than one range of ephemeral ports allows), `hold` makes one kind of
//! socket in bulk and keeps it open, `plan` splits a large population into jobs that fit one
//! process's descriptor budget, and `worker` runs such a job in a process of its own. Callers
//! run these in the network namespace the sockets should belong to; the tests add exact
//! per-state counts, nftables rules for the rarer states and verification on top.

pub mod family;
pub mod hold;
pub mod plan;
pub mod server;
pub mod sockets;
pub mod worker;

pub use family::Family;
pub use hold::{Held, Kind};
pub use server::Server;

//! The one socket population builder of the tcpstate project, shared by the integration tests,
//! the benchmark (`tcpstate-bench`) and the `socket_population` example: it makes TCP sockets
//! on loopback inside a network namespace and drives them into chosen states. `sockets` holds
//! the socket-level steps and `server` says where a server listens and where its clients
//! connect (optionally spread over many IPv4 loopback addresses, for more connections to one
//! port than one range of ephemeral ports allows). On top of them, two ways to build: `exact`
//! makes exactly the requested number of sockets in each of ten states for IPv4 and IPv6
//! (nftables rules hold the rarer states) and verifies them with `ss` (`census`), as the tests
//! need; `hold` makes one kind of socket in bulk, `plan` splits a large population into such
//! jobs within one process's descriptor budget and `worker` runs each in a process of its own,
//! as the benchmark needs. `netns` is the throw-away namespace both build in.

pub mod census;
pub mod exact;
pub mod family;
pub mod hold;
pub mod netns;
pub mod plan;
pub mod server;
pub mod sockets;
pub mod worker;

pub use exact::{Counts, Expected, Population};
pub use family::Family;
pub use hold::{Held, Kind};
pub use netns::Netns;
pub use server::Server;

//! tcpstate: what this host's TCP connections are doing, whether that is healthy, and what
//! changed. The library holds the domain (`tcp`), the socket record (`socket`), the sources of
//! sockets (`source`), filters, analyses and renderers; the binary (`main.rs` with its `cli/` and `cmd/`)
//! composes them.

pub mod analyze;
pub mod conntrack;
pub mod filter;
pub mod i18n;
pub mod ipvs;
pub mod kernel;
pub mod render;
pub mod serve;
pub mod sink;
pub mod socket;
pub mod source;
pub mod stop;
pub mod tcp;
pub mod tcpinfo;
pub mod trace;
pub mod watch;

pub use filter::Filter;
pub use i18n::Lang;
pub use sink::{Flow, Sink, TargetInfo};
pub use socket::{Endpoint, Family, Socket, Timer, TimerKind};
pub use tcp::state::{StateSet, TcpState};

/// The package version (`0.1.0`), as manual pages and `tcpstate_build_info` show it.
pub const PACKAGE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What `tcpstate --version` prints after the name: the package version, the git commit and
/// the build date (`0.1.0 (commit 1a2b3c4, built 2026-12-06)`; see build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("TCPSTATE_BUILD"), ")");

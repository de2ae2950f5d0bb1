//! tcpstate: what this host's TCP connections are doing, whether that is healthy, and what
//! changed. The library holds the domain (`tcp`), the socket record (`socket`), the sources of
//! sockets (`source`), filters, analyses and renderers; the binary (`main.rs` with its `cli/` and `cmd/`)
//! composes them.

pub mod analyze;
pub mod filter;
pub mod i18n;
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

//! Sources of sockets: the live kernel (sock_diag netlink by default, `/proc/net/tcp{,6}` as
//! the fallback) in this or other network namespaces, and saved captures; and what labels
//! them (namespace names, owning processes). Every source pushes `&Socket` into a `Sink`; what it could
//! not read is returned in its `Report`, never dropped silently.

pub mod capture;
pub mod conntrack;
pub mod destroy;
mod diag_request;
pub mod ipvs;
pub mod netlink;
pub mod netns;
pub mod process;
pub mod procfs;
pub mod prometheus;
pub mod scope;
pub mod table;
pub mod target;

pub use crate::filter::Query;
use crate::sink::Sink;
use crate::socket::{Family, Socket};

/// A line of input a source could not read (captures), with where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub file: String,
    pub line: u64,
    pub why: String,
}

/// What a source says after a run besides the sockets themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Sockets pushed into the sink.
    pub sockets: u64,
    /// Lines that looked like TCP rows but could not be read.
    pub unread: Vec<Unread>,
    /// Once-per-run notices for stderr (fallbacks, hidden information).
    pub notices: Vec<String>,
    /// Targets of a run over several captures that could not be read, by position, each with
    /// its one sentence; the other targets were read (see `Scope::keep_going`).
    pub failed: Vec<(usize, String)>,
}

impl Report {
    /// Add another run's report to this one.
    pub fn merge(&mut self, other: Report) {
        self.sockets = self.sockets.saturating_add(other.sockets);
        self.unread.extend(other.unread);
        self.notices.extend(other.notices);
        self.failed.extend(other.failed);
    }
}

/// Errors a source can end with.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot open a sock_diag netlink socket: {0}")]
    NetlinkUnavailable(std::io::Error),
    #[error("the kernel's sock_diag dump failed: {0}")]
    Netlink(std::io::Error),
    #[error("the kernel's sock_diag reply is malformed: {0}")]
    Malformed(String),
    #[error("cannot read {path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error("{file}:{line}: {why}")]
    Parse {
        file: String,
        line: u64,
        why: String,
    },
    #[error("{0}")]
    Other(String),
    /// The sink ended the run with an error (a closed pipe, a write that failed).
    #[error("{0}")]
    Sink(std::io::Error),
}

/// A producer of sockets.
pub trait Source {
    /// Push every socket matching `query` into `sink`, until the sink says stop.
    fn run(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError>;

    /// Like `run`, for callers that do not mind IPv4 and IPv6 sockets interleaved (counting
    /// sinks): a source may then read both families in one pass (netlink: one walk of the
    /// kernel's hash tables instead of one per family, about 40 % less kernel time).
    fn run_unordered(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        self.run(query, sink)
    }

    /// Whether the source hands the query's bytecode to the kernel, so that only matching
    /// sockets come out (sock_diag); others deliver everything and the filter's evaluator
    /// decides.
    fn filters_in_kernel(&self) -> bool {
        false
    }

    /// Close each socket (`SOCK_DESTROY`): one outcome per socket. Only the live kernel's
    /// sock_diag can; every other source says so.
    fn destroy(&mut self, _sockets: &[Socket]) -> Result<Vec<destroy::Destroyed>, SourceError> {
        Err(SourceError::Other(
            "closing sockets needs sock_diag netlink (not /proc, not a saved capture)".into(),
        ))
    }

    /// Look sockets up by their exact endpoints `(family, local, remote)`: one answer per
    /// key, `None` where no socket has them. Only the live kernel's sock_diag can; every
    /// other source says so.
    fn lookup_exact(
        &mut self,
        _keys: &[(Family, std::net::SocketAddr, std::net::SocketAddr)],
    ) -> Result<Vec<Option<Socket>>, SourceError> {
        Err(SourceError::Other(
            "looking sockets up by their endpoints needs sock_diag netlink".into(),
        ))
    }
}

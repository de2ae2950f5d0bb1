//! The meaning of an ss filter expression, independent of how it was typed: a tree of
//! `and`/`or`/`not` over conditions the kernel's inet_diag bytecode can test (an address
//! block and/or port on one side, a port bound on one side, the device, the mark, the cgroup,
//! an automatically bound port). The parser builds it, the evaluator and the bytecode
//! compiler read it, and both must agree on every socket.

use std::net::IpAddr;

/// Which end of the connection a condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The local end: `src`, `sport`.
    Local,
    /// The remote end: `dst`, `dport`.
    Remote,
}

/// An address block and/or a port, as `src`/`dst` (and `sport =`/`dport =`) take them.
/// `None` parts match anything. The block keeps the family it was written in: an IPv4 block
/// also matches IPv4-mapped addresses of IPv6 sockets (as the kernel does), an IPv6 block
/// never matches an IPv4 socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostCond {
    pub net: Option<(IpAddr, u8)>,
    pub port: Option<u16>,
}

/// One test on a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    /// The side's address is in the block and its port is the port.
    Host(Side, HostCond),
    /// The side's port is at least this.
    PortGe(Side, u16),
    /// The side's port is at most this.
    PortLe(Side, u16),
    /// Bound to this interface index.
    Dev(u32),
    /// `mark & mask == value`.
    Mark { value: u32, mask: u32 },
    /// In the cgroup (v2) with this id.
    Cgroup(u64),
    /// The local port was picked by the kernel, not bound by the application.
    Autobound,
}

impl Cond {
    /// Whether only the live kernel can answer the test (saved text and /proc do not carry
    /// it); names the word for the message.
    pub fn kernel_only(&self) -> Option<&'static str> {
        match self {
            Cond::Dev(_) => Some("dev"),
            Cond::Mark { .. } => Some("mark"),
            Cond::Cgroup(_) => Some("cgroup"),
            Cond::Autobound => Some("autobound"),
            _ => None,
        }
    }
}

/// A filter expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Cond(Cond),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn negate(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }

    pub fn and(a: Expr, b: Expr) -> Expr {
        Expr::And(Box::new(a), Box::new(b))
    }

    pub fn or(a: Expr, b: Expr) -> Expr {
        Expr::Or(Box::new(a), Box::new(b))
    }

    /// The first test that only the live kernel can answer, if any.
    pub fn kernel_only(&self) -> Option<&'static str> {
        match self {
            Expr::Cond(c) => c.kernel_only(),
            Expr::Not(e) => e.kernel_only(),
            Expr::And(a, b) | Expr::Or(a, b) => a.kernel_only().or_else(|| b.kernel_only()),
        }
    }
}

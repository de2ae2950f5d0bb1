//! The user-space evaluator of an ss expression: whether one socket matches, with the
//! kernel's own rules (a port condition fails on an unknown port, an IPv4 block matches the
//! IPv4-mapped address of an IPv6 socket, an IPv6 block never matches an IPv4 socket). It
//! filters what the kernel could not: saved captures and the /proc fallback. The bytecode
//! compiler is tested against it.

use std::net::IpAddr;

use super::expr::{Cond, Expr, HostCond, Side};
use crate::socket::{Endpoint, Family, Socket};

/// Whether the first `len` bits of `a` and `b` agree.
fn prefix_match(a: &[u8], b: &[u8], len: u8) -> bool {
    let full = usize::from(len / 8);
    let rest = len % 8;
    if a.len() < full || b.len() < full || a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    match (a.get(full), b.get(full)) {
        (Some(x), Some(y)) => x & mask == y & mask,
        _ => false,
    }
}

/// The kernel's address test of a host condition on a socket of `family`.
fn addr_matches(family: Family, ip: Option<IpAddr>, net: IpAddr, len: u8) -> bool {
    let Some(ip) = ip else { return false };
    match (family, net, ip) {
        (Family::V4, IpAddr::V4(n), IpAddr::V4(a)) => prefix_match(&a.octets(), &n.octets(), len),
        (Family::V6, IpAddr::V6(n), IpAddr::V6(a)) => prefix_match(&a.octets(), &n.octets(), len),
        // An IPv4 block on an IPv6 socket: only its IPv4-mapped addresses.
        (Family::V6, IpAddr::V4(n), IpAddr::V6(a)) => a
            .to_ipv4_mapped()
            .is_some_and(|m| prefix_match(&m.octets(), &n.octets(), len)),
        // A capture may keep an IPv4 address on a tcp6 row.
        (Family::V6, IpAddr::V4(n), IpAddr::V4(a)) => prefix_match(&a.octets(), &n.octets(), len),
        _ => false,
    }
}

fn host_matches(family: Family, e: &Endpoint, h: &HostCond) -> bool {
    if let Some(p) = h.port
        && e.port != Some(p)
    {
        return false;
    }
    match h.net {
        None => true,
        // A zero-length block checks nothing but the family.
        Some((net, 0)) => match (family, net) {
            (Family::V4, IpAddr::V4(_)) | (Family::V6, IpAddr::V6(_)) => true,
            (Family::V6, IpAddr::V4(_)) => addr_matches(family, e.ip, net, 0),
            _ => false,
        },
        Some((net, len)) => addr_matches(family, e.ip, net, len),
    }
}

fn end(s: &Socket, side: Side) -> &Endpoint {
    match side {
        Side::Local => &s.local,
        Side::Remote => &s.remote,
    }
}

/// Whether the condition holds; `None` when the socket does not carry what it tests (the
/// device, mark, cgroup or port allocation, which only the live kernel knows).
pub fn cond(c: &Cond, s: &Socket) -> Option<bool> {
    Some(match c {
        Cond::Host(side, h) => host_matches(s.family, end(s, *side), h),
        Cond::PortGe(side, p) => end(s, *side).port.is_some_and(|x| x >= *p),
        Cond::PortLe(side, p) => end(s, *side).port.is_some_and(|x| x <= *p),
        Cond::Dev(_) | Cond::Mark { .. } | Cond::Cgroup(_) | Cond::Autobound => return None,
    })
}

/// Whether the socket matches; `None` when a test it needs cannot be answered.
pub fn matches(e: &Expr, s: &Socket) -> Option<bool> {
    match e {
        Expr::Cond(c) => cond(c, s),
        Expr::Not(e) => matches(e, s).map(|b| !b),
        Expr::And(a, b) => match matches(a, s)? {
            false => Some(false),
            true => matches(b, s),
        },
        Expr::Or(a, b) => match matches(a, s)? {
            true => Some(true),
            false => matches(b, s),
        },
    }
}

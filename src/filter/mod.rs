//! Which sockets a command looks at: states, ports (numbers, ranges, service names), addresses
//! and CIDR blocks, families, and an ss filter expression (`ss`). One `Filter` is built from
//! the shared command-line flags and the trailing ss words, and is applied to every source's
//! stream; the parts the kernel can do (states, family, the expression as bytecode) are also
//! handed down as a `Query`.

pub mod ss;

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use crate::socket::{Endpoint, Family, Socket};
use crate::tcp::state::{StateSet, TcpState};
use crate::tcpinfo::Extensions;

/// An inclusive port range; a single port is a range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub lo: u16,
    pub hi: u16,
}

impl PortRange {
    pub fn contains(&self, p: u16) -> bool {
        self.lo <= p && p <= self.hi
    }
}

/// Why a filter argument could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error(
        "bad port '{0}': expected a number 0-65535, a range like 8000-8100, or a service name from /etc/services"
    )]
    Port(String),
    #[error(
        "bad port range '{0}': it is reversed (the first port must not be above the second); write {1}-{2}"
    )]
    Reversed(String, u16, u16),
    #[error("bad address '{input}': {why}")]
    Address { input: String, why: String },
}

/// Parse a port argument: `80`, `8000-8100`, or a service name (`http`, `ssh`) looked up in
/// /etc/services for tcp.
pub fn parse_port(s: &str) -> Result<PortRange, FilterError> {
    let s = s.trim();
    let err = || FilterError::Port(s.to_string());
    if let Some((a, b)) = s.split_once('-')
        && let (Ok(lo), Ok(hi)) = (a.trim().parse::<u16>(), b.trim().parse::<u16>())
    {
        if lo > hi {
            return Err(FilterError::Reversed(s.to_string(), hi, lo));
        }
        return Ok(PortRange { lo, hi });
    }
    if let Ok(p) = s.parse::<u16>() {
        return Ok(PortRange { lo: p, hi: p });
    }
    if s.is_empty() || s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    service_port(s)
        .map(|p| PortRange { lo: p, hi: p })
        .ok_or_else(err)
}

/// The tcp port of a service name in /etc/services, if any.
pub fn service_port(name: &str) -> Option<u16> {
    let text = std::fs::read_to_string("/etc/services").ok()?;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let (Some(svc), Some(pp)) = (words.next(), words.next()) else {
            continue;
        };
        let Some((port, proto)) = pp.split_once('/') else {
            continue;
        };
        if proto != "tcp" {
            continue;
        }
        if svc.eq_ignore_ascii_case(name) || words.any(|alias| alias.eq_ignore_ascii_case(name)) {
            return port.parse().ok();
        }
    }
    None
}

/// Parse an address or CIDR block, v4 or v6. A plain address is a /32 or /128. IPv4-mapped
/// IPv6 blocks are turned into IPv4 ones.
pub fn parse_net(s: &str) -> Result<IpNet, FilterError> {
    let input = s.trim();
    let bad = |why: String| FilterError::Address {
        input: input.to_string(),
        why,
    };
    let unbracketed = input.trim_start_matches('[').trim_end_matches(']');
    let (addr_part, len_part) = match unbracketed.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (unbracketed, None),
    };
    let addr: IpAddr = addr_part.parse().map_err(|_| {
        bad(format!(
            "'{addr_part}' is not an IPv4 or IPv6 address (write 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)"
        ))
    })?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len: u8 = match len_part {
        None => max,
        Some(l) => l.parse::<u8>().ok().filter(|&n| n <= max).ok_or_else(|| {
            bad(format!(
                "prefix length '/{l}' must be a number from 0 to {max}"
            ))
        })?,
    };
    let net = IpNet::new(addr, len).map_err(|e| bad(e.to_string()))?;
    Ok(match net {
        IpNet::V6(v6) if len >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => IpNet::new(IpAddr::V4(v4), len - 96).unwrap_or(net),
            None => net,
        },
        n => n,
    })
}

/// An expression word only the live kernel can answer, asked of a source that cannot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the filter word '{0}' tests what only the live kernel's sock_diag knows; /proc and saved captures do not carry it"
)]
pub struct KernelOnly(pub &'static str);

/// The filter built from the shared flags. Empty lists mean "any".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub states: StateSet,
    pub v4: bool,
    pub v6: bool,
    /// Local port in any of these ranges.
    pub sport: Vec<PortRange>,
    /// Remote port in any of these ranges.
    pub dport: Vec<PortRange>,
    /// Local or remote port in any of these ranges.
    pub port: Vec<PortRange>,
    /// Local address in any of these blocks.
    pub src: Vec<IpNet>,
    /// Remote address in any of these blocks.
    pub dst: Vec<IpNet>,
    /// ss's expression (`dport = :5432 or sport = :5432`), on top of the flags.
    pub expr: Option<ss::Expr>,
}

impl Default for Filter {
    fn default() -> Filter {
        Filter {
            states: StateSet::ALL,
            v4: true,
            v6: true,
            sport: Vec::new(),
            dport: Vec::new(),
            port: Vec::new(),
            src: Vec::new(),
            dst: Vec::new(),
            expr: None,
        }
    }
}

fn port_in(e: &Endpoint, ranges: &[PortRange]) -> bool {
    e.port.is_some_and(|p| ranges.iter().any(|r| r.contains(p)))
}

fn ip_in(e: &Endpoint, nets: &[IpNet]) -> bool {
    e.canonical_ip()
        .is_some_and(|ip| nets.iter().any(|n| n.contains(&ip)))
}

impl Filter {
    /// The part of the filter the kernel (or a cheap source) can apply.
    pub fn query(&self) -> Query {
        Query {
            states: self.states,
            v4: self.v4,
            v6: self.v6,
            extensions: Extensions::default(),
            bytecode: self
                .expr
                .as_ref()
                .and_then(ss::bytecode::compile)
                .map(Arc::from),
        }
    }

    /// What is left to test in user space after a source ran `query`: the filter without
    /// its expression when the kernel applied the expression's bytecode (`in_kernel`), the
    /// whole filter otherwise — unless the expression tests what only the kernel knows.
    pub fn left_after(
        &self,
        query: &Query,
        in_kernel: bool,
    ) -> Result<std::borrow::Cow<'_, Filter>, KernelOnly> {
        let Some(e) = &self.expr else {
            return Ok(std::borrow::Cow::Borrowed(self));
        };
        if in_kernel && query.bytecode.is_some() {
            return Ok(std::borrow::Cow::Owned(Filter {
                expr: None,
                ..self.clone()
            }));
        }
        match e.kernel_only() {
            Some(word) => Err(KernelOnly(word)),
            None => Ok(std::borrow::Cow::Borrowed(self)),
        }
    }

    /// Whether only states and families are restricted, so that counts known only in
    /// aggregate (a saved summary) can still be filtered.
    pub fn only_states(&self) -> bool {
        self.sport.is_empty()
            && self.dport.is_empty()
            && self.port.is_empty()
            && self.src.is_empty()
            && self.dst.is_empty()
            && self.expr.is_none()
    }

    pub fn matches_state(&self, s: TcpState) -> bool {
        self.states.contains(s)
    }

    pub fn matches_family(&self, f: Family) -> bool {
        match f {
            Family::V4 => self.v4,
            Family::V6 => self.v6,
        }
    }

    /// Whether the port and address flags (`--sport`, `--dport`, `--port`, `--src`, `--dst`)
    /// accept this pair of ends: a socket's, or a conntrack entry's original tuple.
    pub fn matches_ends(&self, local: &Endpoint, remote: &Endpoint) -> bool {
        (self.sport.is_empty() || port_in(local, &self.sport))
            && (self.dport.is_empty() || port_in(remote, &self.dport))
            && (self.port.is_empty() || port_in(local, &self.port) || port_in(remote, &self.port))
            && (self.src.is_empty() || ip_in(local, &self.src))
            && (self.dst.is_empty() || ip_in(remote, &self.dst))
    }

    pub fn matches(&self, s: &Socket) -> bool {
        self.matches_state(s.state)
            && self.matches_family(s.family)
            && self.matches_ends(&s.local, &s.remote)
            // A test the socket cannot answer (only the live kernel knows a socket's mark)
            // was refused before the run; here it does not match.
            && self
                .expr
                .as_ref()
                .is_none_or(|e| ss::eval::matches(e, s).unwrap_or(false))
    }
}

/// What the caller wants from a source: the states (handed to the kernel as its state mask),
/// the families, what the kernel should add to each socket (tcp_info, memory), and the
/// expression compiled to inet_diag bytecode for sources that can hand it to the kernel.
/// Sources may deliver more; the filter has the last word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub states: StateSet,
    pub v4: bool,
    pub v6: bool,
    pub extensions: Extensions,
    pub bytecode: Option<Arc<[u8]>>,
}

impl Default for Query {
    fn default() -> Query {
        Query {
            states: StateSet::ALL,
            v4: true,
            v6: true,
            extensions: Extensions::default(),
            bytecode: None,
        }
    }
}

impl Query {
    pub fn families(&self) -> impl Iterator<Item = Family> {
        [(self.v4, Family::V4), (self.v6, Family::V6)]
            .into_iter()
            .filter_map(|(on, f)| on.then_some(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    #[test]
    fn ports() {
        assert_eq!(parse_port("80").unwrap(), PortRange { lo: 80, hi: 80 });
        assert_eq!(
            parse_port("8000-8100").unwrap(),
            PortRange { lo: 8000, hi: 8100 }
        );
        assert!(parse_port("9-1").is_err());
        assert!(parse_port("70000").is_err());
        assert!(parse_port("").is_err());
        assert!(parse_port("no-such-service-xyz").is_err());
    }

    #[test]
    fn nets() {
        assert_eq!(parse_net("10.0.0.0/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_net("192.0.2.7").unwrap().to_string(), "192.0.2.7/32");
        assert_eq!(
            parse_net("::ffff:10.1.0.0/112").unwrap().to_string(),
            "10.1.0.0/16"
        );
        let e = parse_net("10.0.0.0/33").unwrap_err().to_string();
        assert!(e.contains("'/33'"), "{e}");
        let e = parse_net("10.0.300.1/8").unwrap_err().to_string();
        assert!(e.contains("'10.0.300.1'"), "{e}");
    }

    #[test]
    fn an_expression_too_long_for_the_kernel_is_left_to_user_space() {
        let one = ss::parse(&["src [2001:db8::1]:80"]).unwrap().expr.unwrap();
        let mut e = one.clone();
        for _ in 0..2500 {
            e = ss::Expr::or(e, one.clone());
        }
        let f = Filter {
            expr: Some(e),
            ..Filter::default()
        };
        let q = f.query();
        assert!(q.bytecode.is_none());
        // The kernel did not filter, so the expression stays for the evaluator.
        assert!(f.left_after(&q, true).unwrap().expr.is_some());
        let small = Filter {
            expr: Some(one),
            ..Filter::default()
        };
        let q = small.query();
        assert!(q.bytecode.is_some());
        assert!(small.left_after(&q, true).unwrap().expr.is_none());
        assert!(small.left_after(&q, false).unwrap().expr.is_some());
    }

    #[test]
    fn mapped_addresses_match_v4_blocks() {
        let mut f = Filter::default();
        f.dst.push(parse_net("10.0.0.0/8").unwrap());
        let mapped: Ipv6Addr = "::ffff:10.2.3.4".parse().unwrap();
        let s = Socket::new(
            Family::V6,
            TcpState::Established,
            Endpoint::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 1),
            Endpoint::new(IpAddr::V6(mapped), 2),
        );
        assert!(f.matches(&s));
    }
}

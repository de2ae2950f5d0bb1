//! Live host facts the health check judges sockets against: the kernel's TCP counters and the
//! sysctls that set TCP's limits. They exist only for a live target (a saved capture has
//! none), so the check takes them as an `Option`. The sysctls are read from the calling
//! thread's network namespace (a target reads them from inside its own); a sysctl that
//! namespace does not show (`tcp_mem` and `tcp_max_orphans` are host-wide and only visible in
//! the initial namespace) is `None`. The counters come from files a target opened once.

use std::time::Instant;

use crate::kernel::counters::Counters;
use crate::kernel::sysctl;

/// Counters and sysctls at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct HostFacts {
    /// `None` when /proc/net/netstat, snmp or sockstat could not be read.
    pub counters: Option<Counters>,
    /// `net.ipv4.ip_local_port_range`.
    pub port_range: Option<(u16, u16)>,
    pub tw_reuse: Option<i64>,
    pub max_tw_buckets: Option<i64>,
    pub syncookies: Option<i64>,
    pub max_syn_backlog: Option<i64>,
    pub somaxconn: Option<i64>,
    pub fin_timeout: Option<i64>,
    pub max_orphans: Option<i64>,
    /// `net.ipv4.tcp_mem`: min, pressure, max, in pages.
    pub tcp_mem: Option<[i64; 3]>,
    /// The conntrack table's census: `None` when the namespace has none (nf_conntrack not
    /// loaded), an error sentence when it could not be read.
    pub conntrack: Option<Result<crate::source::conntrack::CtCensus, String>>,
    /// Stale conntrack entries and lost flows (`conntrack --reconcile`), when the check was
    /// asked to judge them.
    pub conntrack_reconciled: Option<(u64, u64)>,
    /// When the counters were read.
    pub at: Instant,
}

impl HostFacts {
    /// Read the sysctls of the calling thread's network namespace, with no counters (a target
    /// adds those from its own files).
    pub fn read_sysctls() -> HostFacts {
        let port_range =
            sysctl::read_values("net.ipv4.ip_local_port_range").and_then(|v| match v.as_slice() {
                [lo, hi] => Some((u16::try_from(*lo).ok()?, u16::try_from(*hi).ok()?)),
                _ => None,
            });
        let tcp_mem = sysctl::read_values("net.ipv4.tcp_mem").and_then(|v| match v.as_slice() {
            [a, b, c] => Some([*a, *b, *c]),
            _ => None,
        });
        HostFacts {
            counters: None,
            port_range,
            tw_reuse: sysctl::read_i64("net.ipv4.tcp_tw_reuse"),
            max_tw_buckets: sysctl::read_i64("net.ipv4.tcp_max_tw_buckets"),
            syncookies: sysctl::read_i64("net.ipv4.tcp_syncookies"),
            max_syn_backlog: sysctl::read_i64("net.ipv4.tcp_max_syn_backlog"),
            somaxconn: sysctl::read_i64("net.core.somaxconn"),
            fin_timeout: sysctl::read_i64("net.ipv4.tcp_fin_timeout"),
            max_orphans: sysctl::read_i64("net.ipv4.tcp_max_orphans"),
            tcp_mem,
            conntrack: None,
            conntrack_reconciled: None,
            at: Instant::now(),
        }
    }

    /// A TcpExt counter, if the counters were read.
    pub fn ext(&self, name: &str) -> Option<i64> {
        let c = self.counters.as_ref()?;
        c.tcp_ext.get(name).copied()
    }

    /// How much a TcpExt counter rose since `earlier` (0 if it went down: a counter reset).
    pub fn increase(&self, earlier: &HostFacts, name: &str) -> Option<u64> {
        let now = self.ext(name)?;
        let then = earlier.ext(name)?;
        Some(u64::try_from(now.saturating_sub(then)).unwrap_or(0))
    }
}

/// The TcpExt counters the check reads, with the perfdata label each is published under.
pub const COUNTERS: [(&str, &str); 5] = [
    ("ListenOverflows", "listen_overflows"),
    ("ListenDrops", "listen_drops"),
    ("SyncookiesSent", "syncookies_sent"),
    ("TCPTimeWaitOverflow", "tw_overflow"),
    ("TCPAbortOnMemory", "abort_on_memory"),
];

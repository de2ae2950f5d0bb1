//! What the kernel says about TCP besides the sockets themselves: counters
//! (`/proc/net/netstat`, `/proc/net/snmp`, `/proc/net/sockstat`) and sysctls. Read through
//! `/proc/thread-self` and `/proc/sys`, so a thread that entered another network namespace
//! sees that one. Each reader returns what it read or why it could not, and never panics on a
//! missing or unreadable file.

pub mod addrs;
pub mod counters;
pub mod facts;
pub mod sysctl;

/// The name of this host, for column headings (`localhost` when it has none).
pub fn hostname() -> String {
    sysctl::read_string("kernel.hostname")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

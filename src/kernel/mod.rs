//! What the kernel says about TCP besides the sockets themselves: counters
//! (`/proc/net/netstat`, `/proc/net/snmp`, `/proc/net/sockstat`) and sysctls. Read through
//! `/proc/thread-self` and `/proc/sys`, so a thread that entered another network namespace
//! sees that one. Each reader returns what it read or why it could not, and never panics on a
//! missing or unreadable file.

pub mod counters;
pub mod sysctl;

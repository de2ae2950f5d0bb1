//! What the kernel says about TCP besides the sockets themselves: counters
//! (`/proc/net/netstat`, `/proc/net/snmp`, `/proc/net/sockstat`) and sysctls. Read through
//! `/proc/thread-self`, so a thread that entered another network namespace sees that one.

pub mod counters;
pub mod sysctl;

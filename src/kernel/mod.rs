//! Reading kernel state that is not a socket: sysctls under /proc/sys (and, later, the kernel's
//! TCP counters). Each reader returns what it read or why it could not, and never panics on a
//! missing or unreadable file.

pub mod sysctl;

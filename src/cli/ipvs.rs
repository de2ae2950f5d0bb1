//! The long help of `tcpstate ipvs` (it has no flags of its own: the shared ones choose the
//! namespace, the captures and the format).

use clap::Args;

/// The long help of `tcpstate ipvs`.
pub const IPVS_ABOUT: &str = "\
Count the TCP connections of the IPVS (Linux Virtual Server) table of a director, per IPVS
state (NONE, ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT, TIME_WAIT, CLOSE, CLOSE_WAIT,
LAST_ACK, LISTEN, SYNACK), per virtual service and per real server. These connections own no
socket on the director, so `tcpstate` itself never sees them. Read from /proc/net/ip_vs_conn;
--from reads saved /proc/net/ip_vs_conn or `ipvsadm -lnc` text.";

/// Flags of `ipvs`.
#[derive(Debug, Clone, Default, Args)]
pub struct IpvsArgs {}

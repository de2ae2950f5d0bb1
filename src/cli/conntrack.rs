//! Flags and long help of `tcpstate conntrack` (counts of the netfilter connection tracking
//! table's TCP entries, or groups of them) and `tcpstate conntrack list` (its entries).

use clap::{Args, Subcommand};

use super::parse_top;
use tcpstate::analyze::conntrack::CtKey;

/// The long help of `tcpstate conntrack`.
pub const CONNTRACK_ABOUT: &str = "\
Count the TCP entries of the netfilter connection tracking table (NAT gateways, Docker and
Kubernetes nodes keep every flow there, socket or not) per conntrack state, with the table's
size, its limit (net.netfilter.nf_conntrack_max) and how full it is, and the statistics of
the table (insert_failed, drop, early_drop, search_restart, summed over every CPU).

The states are conntrack's own: SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT,
LAST_ACK, TIME_WAIT, CLOSE, SYN_SENT2 and NONE. --state takes the socket state words and
maps them (fin-wait-1 and fin-wait-2 both select FIN_WAIT); the port and address filters
apply to the original tuple (the initiator's side of the flow).

The table is read through ctnetlink (needs CAP_NET_ADMIN), /proc/net/nf_conntrack when
ctnetlink is unavailable (--source proc forces it); --from reads saved `conntrack -L` or
/proc/net/nf_conntrack text.";

/// Flags of `conntrack`.
#[derive(Debug, Clone, Default, Args)]
pub struct ConntrackArgs {
    #[command(subcommand)]
    pub command: Option<ConntrackCommand>,

    /// Group by one key or several of the original tuple, comma-separated (`dst,dport`).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KEY[,KEY…]")]
    pub by: Vec<CtKey>,

    /// Compare the table with the sockets of the namespace: entries conntrack holds
    /// ESTABLISHED while no socket exists at their local end (stale: they keep a table slot
    /// and any NAT mapping), and ESTABLISHED sockets whose flow conntrack has no entry for
    /// (lost). Live namespaces only.
    #[arg(long, conflicts_with = "by")]
    pub reconcile: bool,

    /// With --by: only the N largest groups (N at least 1).
    #[arg(long, value_name = "N", requires = "by", value_parser = parse_top)]
    pub top: Option<usize>,
}

/// What `conntrack` does besides counting.
#[derive(Debug, Clone, Subcommand)]
pub enum ConntrackCommand {
    /// List the TCP entries: state, original and reply tuples, NAT, mark, zone, timeout
    /// left, ASSURED/UNREPLIED.
    #[command(after_long_help = super::help::after_long_help("conntrack-list"))]
    List(ConntrackListArgs),
}

/// Flags of `conntrack list`.
#[derive(Debug, Clone, Default, Args)]
pub struct ConntrackListArgs {
    /// Stop after N entries.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

//! The command line (clap derive). Flags shared by every command — filters, the source, the
//! output format — are defined once here as global flags, so they work before or after the
//! command word (`tcpstate --state listen list` and `tcpstate list --state listen`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ipnet::IpNet;

use crate::analyze::group::GroupBy;
use crate::filter::{Filter, PortRange, parse_net, parse_port};
use crate::render::Format;
use crate::tcp::state::StateSet;

const ABOUT: &str =
    "What are this host's TCP connections doing, is that healthy, and what changed?";

const AFTER: &str = "\
With no command, tcpstate prints the summary: counts per state of every TCP socket in the
current network namespace, IPv4 and IPv6, LISTEN, SYN_RECV and TIME_WAIT included.

Examples:
  tcpstate                                  counts per state, largest first
  tcpstate --format plain                   STATE COUNT lines, as the netstat+awk one-liner
  tcpstate summary --by remote-ip --state time-wait --top 10
  tcpstate list --state close-wait --sport 8080
  tcpstate list -eo --dst 10.0.0.0/8";

#[derive(Debug, Parser)]
#[command(name = "tcpstate", version, about = ABOUT, after_help = AFTER)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Summary flags, usable without the word `summary`.
    #[command(flatten)]
    pub summary: SummaryArgs,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Count sockets per state (the default command).
    Summary(SummaryArgs),
    /// List sockets with netstat's six columns.
    #[command(long_about = LIST_ABOUT)]
    List(ListArgs),
    /// Trace TCP state transitions live (root or CAP_PERFMON).
    #[command(long_about = crate::cmd::trace::TRACE_ABOUT)]
    Trace(crate::cmd::trace::TraceArgs),
}

const LIST_ABOUT: &str = "\
List sockets with netstat's six columns: Proto (tcp/tcp6), Recv-Q, Send-Q, Local Address,
Foreign Address, State.

Recv-Q is the data received but not yet read by the application; Send-Q the data sent but not
yet acknowledged by the peer. For LISTEN sockets they mean something else: Recv-Q is the
accept queue now (connections completed but not yet accepted) and Send-Q is the backlog limit
the application asked for (capped by net.core.somaxconn).";

/// Where sockets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SourceKind {
    /// sock_diag netlink, falling back to /proc when netlink is unavailable.
    #[default]
    Auto,
    /// sock_diag netlink only.
    Netlink,
    /// /proc/net/tcp and /proc/net/tcp6.
    Proc,
}

/// Flags every command shares.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group
    /// (all, connected, synchronized, bucket, big, closing-all); comma-separated.
    #[arg(long, short = 's', global = true, value_name = "STATE[,STATE…]")]
    pub state: Option<StateSet>,

    /// Local port: a number, a range (8000-8100) or a service name; comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_port, value_name = "PORT")]
    pub sport: Vec<PortRange>,

    /// Remote port: a number, a range or a service name; comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_port, value_name = "PORT")]
    pub dport: Vec<PortRange>,

    /// Local or remote port: a number, a range or a service name; comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_port, value_name = "PORT")]
    pub port: Vec<PortRange>,

    /// Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_net, value_name = "CIDR")]
    pub src: Vec<IpNet>,

    /// Remote address or CIDR block; comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_net, value_name = "CIDR")]
    pub dst: Vec<IpNet>,

    /// IPv4 sockets only.
    #[arg(short = '4', long = "ipv4", global = true, conflicts_with = "ipv6")]
    pub ipv4: bool,

    /// IPv6 sockets only.
    #[arg(short = '6', long = "ipv6", global = true)]
    pub ipv6: bool,

    /// Live source of sockets.
    #[arg(long, global = true, value_enum, default_value_t = SourceKind::Auto)]
    pub source: SourceKind,

    /// Output format.
    #[arg(long, short = 'f', global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD,
    /// Windows output, or a saved summary); repeatable, `-` for standard input.
    #[arg(long, global = true, value_name = "FILE")]
    pub from: Vec<PathBuf>,
}

impl Common {
    /// The filter the flags describe.
    pub fn filter(&self) -> Filter {
        Filter {
            states: self.state.unwrap_or(StateSet::ALL),
            v4: !self.ipv6,
            v6: !self.ipv4,
            sport: self.sport.clone(),
            dport: self.dport.clone(),
            port: self.port.clone(),
            src: self.src.clone(),
            dst: self.dst.clone(),
        }
    }
}

/// Flags of `summary`.
#[derive(Debug, Clone, Default, Args)]
pub struct SummaryArgs {
    /// Group by a key: one row per key with its total and its count in each state.
    #[arg(long, value_enum)]
    pub by: Option<GroupBy>,

    /// With --by: only the N largest groups.
    #[arg(long, value_name = "N", requires = "by")]
    pub top: Option<usize>,
}

/// Flags of `list`.
#[derive(Debug, Clone, Default, Args)]
pub struct ListArgs {
    /// Extended columns: uid, inode and the kernel's socket cookie.
    #[arg(short = 'e', long)]
    pub extended: bool,

    /// Timer column as netstat -o shows it: kind (remaining seconds/retransmits/probes).
    #[arg(short = 'o', long)]
    pub timers: bool,

    /// Stop after N sockets.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

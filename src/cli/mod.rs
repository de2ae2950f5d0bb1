//! The command line (clap derive): every flag of every command is defined under `cli/`, and
//! the commands in `cmd/` import their arguments from here, never the reverse. Flags shared by every command — filters, the source, the
//! output format — are defined once here as global flags, so they work before or after the
//! command word (`tcpstate --state listen list` and `tcpstate list --state listen`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;

use clap::ValueEnum;
use tcpstate::analyze::group::GroupBy;
use tcpstate::filter::{Filter, PortRange, parse_net, parse_port};
use tcpstate::i18n::Lang;
use tcpstate::render::Format;
use tcpstate::source::capture::InputFormat;
use tcpstate::source::scope::{CaptureSpec, LiveSource, Place, ScopeSpec, Unsupported};
use tcpstate::tcp::state::{StateSet, TcpState};

pub mod check;
pub mod completions;
pub mod conntrack;
pub mod duration;
pub mod explain;
pub mod fleet;
pub mod fsm;
pub mod help;
pub mod ipvs;
pub mod kill;
pub mod serve;
pub mod ss_filter;
pub mod state;
pub mod trace;
pub mod watch;

pub use check::CheckArgs;
pub use completions::CompletionsArgs;
pub use conntrack::ConntrackArgs;
pub use explain::ExplainArgs;
pub use fleet::FleetArgs;
pub use fsm::FsmArgs;
pub use kill::KillArgs;
pub use serve::ServeArgs;
pub use ss_filter::SsFilterArgs;
pub use trace::TraceArgs;
pub use watch::WatchArgs;

/// `--top N`: a number of groups, at least one.
pub(crate) fn parse_top(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("--top 0 would show no group; give 1 or more".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a number of groups")),
    }
}

fn parse_input_format(s: &str) -> Result<InputFormat, String> {
    s.parse::<InputFormat>().map_err(|e| e.to_string())
}

const ABOUT: &str =
    "What are this host's TCP connections doing, is that healthy, and what changed?";

const AFTER: &str = "\
With no command, tcpstate prints the summary: counts per state of every TCP socket in the
current network namespace, IPv4 and IPv6, LISTEN, SYN_RECV and TIME_WAIT included.
`tcpstate --help` shows examples by task; `tcpstate COMMAND --help` those of a command.";

/// Help headings of the global flags, grouped by task.
const FILTERS: &str = "Filters";
const INPUT: &str = "Input";
const OUTPUT: &str = "Output";

#[derive(Debug, Parser)]
#[command(
    name = "tcpstate",
    version = tcpstate::VERSION,
    about = ABOUT,
    after_help = AFTER,
    after_long_help = help::after_long_help(""),
    next_help_heading = "Summary options"
)]
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
    #[command(after_long_help = help::after_long_help("summary"))]
    Summary(SummaryArgs),
    /// List sockets with netstat's six columns.
    #[command(long_about = LIST_ABOUT, after_long_help = help::after_long_help("list"))]
    List(ListArgs),
    /// What TCP states mean, how long they last, and what a large count means.
    #[command(after_long_help = help::after_long_help("explain"))]
    Explain(ExplainArgs),
    /// The TCP state machine: table, diagram, client/server paths, sequence check.
    #[command(after_long_help = help::after_long_help("fsm"))]
    Fsm(FsmArgs),
    /// Health check with advice; exit code and `--format nagios` as a monitoring plugin.
    #[command(long_about = check::CHECK_ABOUT, after_long_help = help::after_long_help("check"))]
    Check(CheckArgs),
    /// Watch the counts live: a dashboard on a terminal, one line per interval otherwise.
    #[command(long_about = watch::WATCH_ABOUT, after_long_help = help::after_long_help("watch"))]
    Watch(WatchArgs),
    /// Prometheus exporter: serve /metrics over HTTP (loopback port 10011 by default).
    #[command(after_long_help = help::after_long_help("serve"))]
    Serve(ServeArgs),
    /// Trace TCP state transitions live (root or CAP_PERFMON).
    #[command(long_about = trace::TRACE_ABOUT, after_long_help = help::after_long_help("trace"))]
    Trace(TraceArgs),
    /// Close the sockets a filter selects, as `ss -K` does, but safely (root).
    #[command(short_flag = 'K', long_about = kill::KILL_ABOUT,
              after_long_help = help::after_long_help("kill"))]
    Kill(KillArgs),
    /// State counts of every host beside each other, from the Prometheus that scrapes them.
    #[command(long_about = fleet::FLEET_ABOUT, after_long_help = help::after_long_help("fleet"))]
    Fleet(FleetArgs),
    /// The netfilter conntrack table's TCP entries: counts per state, fill, list.
    #[command(long_about = conntrack::CONNTRACK_ABOUT, after_long_help = help::after_long_help("conntrack"),
              args_conflicts_with_subcommands = true)]
    Conntrack(ConntrackArgs),
    /// The IPVS connection table of a director: counts per state, virtual service, real server.
    #[command(long_about = ipvs::IPVS_ABOUT, after_long_help = help::after_long_help("ipvs"))]
    Ipvs(ipvs::IpvsArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell.
    #[command(after_long_help = help::after_long_help("completions"))]
    Completions(CompletionsArgs),
}

const LIST_ABOUT: &str = "\
List sockets with netstat's six columns: Proto (tcp/tcp6), Recv-Q, Send-Q, Local Address,
Foreign Address, State.

Recv-Q is the data received but not yet read by the application; Send-Q the data sent but not
yet acknowledged by the peer. For LISTEN sockets they mean something else: Recv-Q is the
accept queue now (connections completed but not yet accepted) and Send-Q is the backlog limit
the application asked for (capped by net.core.somaxconn).";

/// Flags every command shares.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// States to include: any spelling (time-wait, TIME_WAIT, TIME-WAIT, SYN_RCVD…) or a group
    /// (all, connected, synchronized, bucket, big, closing-all); comma-separated or repeated
    /// (`-s listen -s time-wait`).
    #[arg(long, short = 's', global = true, value_name = "STATE[,STATE…]",
          value_parser = state::StateSetParser, hide_possible_values = true,
          help_heading = FILTERS)]
    pub state: Vec<StateSet>,

    /// Local port: a number, a range (8000-8100) or a service name; comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_port, value_name = "PORT", help_heading = FILTERS)]
    pub sport: Vec<PortRange>,

    /// Remote port: a number, a range or a service name; comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_port, value_name = "PORT", help_heading = FILTERS)]
    pub dport: Vec<PortRange>,

    /// Local or remote port: a number, a range or a service name; comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_port, value_name = "PORT", help_heading = FILTERS)]
    pub port: Vec<PortRange>,

    /// Local address or CIDR block (v4 or v6; IPv4-mapped IPv6 matches IPv4); comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_net, value_name = "CIDR", help_heading = FILTERS)]
    pub src: Vec<IpNet>,

    /// Remote address or CIDR block; comma-separated.
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_net, value_name = "CIDR", help_heading = FILTERS)]
    pub dst: Vec<IpNet>,

    /// IPv4 sockets only.
    #[arg(short = '4', long = "ipv4", global = true, conflicts_with = "ipv6", help_heading = FILTERS)]
    pub ipv4: bool,

    /// IPv6 sockets only.
    #[arg(short = '6', long = "ipv6", global = true, help_heading = FILTERS)]
    pub ipv6: bool,

    /// Live source of sockets (default: auto). Not with --from, which reads no live source.
    #[arg(long, global = true, value_enum, help_heading = INPUT)]
    pub source: Option<LiveSource>,

    /// Output format.
    #[arg(long, short = 'f', global = true, value_enum, default_value_t = Format::Table, help_heading = OUTPUT)]
    pub format: Format,

    /// Read a saved capture instead of the live host (netstat, ss, /proc/net/tcp, BSD,
    /// Solaris, Windows or PowerShell output, or a saved summary); repeatable, `-` for
    /// standard input.
    #[arg(long, global = true, value_name = "FILE", help_heading = INPUT)]
    pub from: Vec<PathBuf>,

    /// Format of the --from files: auto, netstat, ss, proc, bsd, windows, solaris, powershell
    /// or summary (default: detected per file).
    #[arg(long, global = true, value_name = "FORMAT", default_value = "auto",
          value_parser = parse_input_format, help_heading = INPUT)]
    pub input_format: InputFormat,

    /// The state of every row of a listing with no State column: `ss … state S`, FreeBSD
    /// `netstat -T` (whose rows are otherwise counted as of unknown state).
    #[arg(long, global = true, value_name = "STATE", value_parser = state::StateParser,
          hide_possible_values = true, help_heading = INPUT)]
    pub assume_state: Option<TcpState>,

    /// Fail (exit 1) on the first capture line that looks like a TCP row but cannot be read,
    /// instead of reporting such lines at the end.
    #[arg(long, global = true, help_heading = INPUT)]
    pub strict: bool,

    /// Name for the host of each --from file, in order (default: the file's stem).
    #[arg(long, global = true, value_name = "NAME", help_heading = INPUT)]
    pub label: Vec<String>,

    /// Language of explanations and advice: en or zh (default: from LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, global = true, value_enum, help_heading = OUTPUT)]
    pub lang: Option<Lang>,

    /// Look into another network namespace: a name from /run/netns (as `ip netns add`
    /// makes them), a path to a namespace file, or a process id (the namespace it is in).
    /// Needs root.
    #[arg(long, global = true, value_name = "NAME|PATH|PID", conflicts_with_all = ["all_netns", "from"], help_heading = INPUT)]
    pub netns: Option<String>,

    /// Every network namespace on the host (/run/netns and those of every process), each
    /// on its own — one column per namespace in summaries, a NETNS column in lists — plus
    /// the total. Namespaces are named `host`, by their /run/netns name, their container or
    /// Kubernetes pod, or `pid N (command)` of a process inside. Needs root.
    #[arg(long, global = true, conflicts_with = "from", help_heading = INPUT)]
    pub all_netns: bool,
}

impl Common {
    /// The flags given that choose or filter this host's sockets (for a command that reads
    /// no sockets of its own, `fleet`, to refuse as one).
    pub fn local_flags_used(&self) -> Vec<&'static str> {
        [
            ("--from", !self.from.is_empty()),
            ("--netns", self.netns.is_some()),
            ("--all-netns", self.all_netns),
            ("--state", !self.state.is_empty()),
            ("--sport", !self.sport.is_empty()),
            ("--dport", !self.dport.is_empty()),
            ("--port", !self.port.is_empty()),
            ("--src", !self.src.is_empty()),
            ("--dst", !self.dst.is_empty()),
            ("-4/-6", self.ipv4 || self.ipv6),
        ]
        .into_iter()
        .filter_map(|(flag, set)| set.then_some(flag))
        .collect()
    }

    /// Whether a flag that selects sockets (--state, --sport, --dport, --port, --src, --dst)
    /// was given.
    pub fn selects(&self) -> bool {
        !(self.state.is_empty()
            && self.sport.is_empty()
            && self.dport.is_empty()
            && self.port.is_empty()
            && self.src.is_empty()
            && self.dst.is_empty())
    }

    /// The states `--state` names (every state when it is not given).
    pub fn states(&self) -> StateSet {
        self.state
            .iter()
            .copied()
            .reduce(StateSet::union)
            .unwrap_or(StateSet::ALL)
    }

    /// The scope the flags name; `owners`: scan processes too. Flags that do not go with
    /// `--from` (an explicit `--source`, more `--label`s than files) are refused.
    pub fn scope_spec(&self, owners: bool) -> Result<ScopeSpec, Unsupported> {
        if !self.from.is_empty()
            && let Some(s) = self.source
        {
            return Err(Unsupported(format!(
                "--source {} reads the live host, --from reads saved captures: give one of them",
                s.to_possible_value()
                    .map_or("?".into(), |v| v.get_name().to_string())
            )));
        }
        if self.label.len() > self.from.len() {
            return Err(Unsupported(format!(
                "{} --label given for {} --from file{}: each --label names one --from file, in order",
                self.label.len(),
                self.from.len(),
                if self.from.len() == 1 { "" } else { "s" }
            )));
        }
        let place = if !self.from.is_empty() {
            Place::Captures(
                self.from
                    .iter()
                    .enumerate()
                    .map(|(i, path)| CaptureSpec {
                        path: path.clone(),
                        label: self.label.get(i).cloned(),
                        format: self.input_format,
                        assume_state: self.assume_state,
                        strict: self.strict,
                    })
                    .collect(),
            )
        } else if self.all_netns {
            Place::AllNetns
        } else if let Some(n) = &self.netns {
            Place::Netns(n.clone())
        } else {
            Place::Here
        };
        Ok(ScopeSpec {
            place,
            live: self.source.unwrap_or_default(),
            owners,
            states: self.states(),
        })
    }

    /// The filter the flags and ss's trailing `words` describe; a bad word is an error
    /// naming it.
    pub fn filter(&self, words: &SsFilterArgs) -> Result<Filter, tcpstate::filter::ss::SsError> {
        let ss = tcpstate::filter::ss::parse(&words.filter)?;
        let mut states = self.states();
        if words.listening {
            states = StateSet::from_bits(states.bits() & StateSet::of(&[TcpState::Listen]).bits());
        }
        if let Some(s) = ss.states {
            states = StateSet::from_bits(states.bits() & s.bits());
        }
        Ok(Filter {
            states,
            v4: !self.ipv6,
            v6: !self.ipv4,
            sport: self.sport.clone(),
            dport: self.dport.clone(),
            port: self.port.clone(),
            src: self.src.clone(),
            dst: self.dst.clone(),
            expr: ss.expr,
        })
    }
}

/// Flags of `summary`.
#[derive(Debug, Clone, Default, Args)]
pub struct SummaryArgs {
    /// Group by one key or several, comma-separated (`remote-ip,local-port`): one row per
    /// key (or combination) with its total and its count in each state.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KEY[,KEY…]")]
    pub by: Vec<GroupBy>,

    /// With --by: only the N largest groups (N at least 1; largest by --sort).
    #[arg(long, value_name = "N", requires = "by", value_parser = parse_top)]
    pub top: Option<usize>,

    /// With --by: what is inside each group's connections, from the kernel's tcp_info of the
    /// same dump — rtt p50 and p99, the retransmitted share of the bytes sent, sockets
    /// retransmitting now, send and receive queue totals (listeners left out).
    #[arg(long, requires = "by")]
    pub stats: bool,

    /// With --by: rank the groups by total (the default) or, with --stats, by rtt-p50,
    /// rtt-p99, retrans-share, retransmitting, recv-q or send-q; largest first, unknown last.
    #[arg(long, value_enum, value_name = "KEY", requires = "by")]
    pub sort: Option<tcpstate::analyze::stats::GroupOrder>,

    /// Add each state's one-line meaning to the summary (not with --by).
    #[arg(long, conflicts_with = "by")]
    pub explain: bool,

    /// Numeric addresses and ports (always so; accepted for ss's -n).
    #[arg(short = 'n', long)]
    pub numeric: bool,

    #[command(flatten)]
    pub ss: SsFilterArgs,
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

    /// Inside each connection: the kernel's tcp_info (rtt, cwnd, retransmits, bytes, rates,
    /// congestion algorithm) on a second line, an `info` object in JSON, columns in CSV;
    /// with -e, every field. From the same dump, never a call per socket.
    #[arg(short = 'i', long)]
    pub info: bool,

    /// The socket's memory (buffers, queued bytes, drops; for a listener, the drops of its
    /// queue): a line, a `memory` object, columns.
    #[arg(short = 'm', long)]
    pub memory: bool,

    /// Order the list: recv-q or send-q (largest first), state, local, remote, or timer
    /// (soonest first). Sorting holds every socket in memory; without it the list streams.
    #[arg(long, value_enum, value_name = "KEY")]
    pub sort: Option<tcpstate::analyze::order::SortBy>,

    /// Stop after N sockets (after sorting, with --sort).
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,

    /// PID/Program column: the processes holding each socket (`1874/nginx,1875/nginx`).
    /// TIME_WAIT and SYN_RECV sockets have no owner: they are credited to the process
    /// listening on their local port, marked `(via listener)`; a client's TIME_WAIT shows `-`.
    #[arg(short = 'p', long)]
    pub processes: bool,

    /// No header line in the table or CSV (ss's -H).
    #[arg(short = 'H', long)]
    pub no_header: bool,

    /// Numeric addresses and ports (always so; accepted for ss's -n).
    #[arg(short = 'n', long)]
    pub numeric: bool,

    #[command(flatten)]
    pub ss: SsFilterArgs,
}

//! Flags and long help of `tcpstate check`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use tcpstate::analyze::check::thresholds::{StateLevel, parse_state_level};
use tcpstate::trace::EventKinds;

/// The long help of `tcpstate check`.
pub const CHECK_ABOUT: &str = "\
Judge the health of this host's TCP connections: the accept queues and SYN backlogs of
listeners, CLOSE_WAIT leaks, ephemeral port pressure per destination, TIME_WAIT against
tcp_max_tw_buckets, peers that do not acknowledge or do not close, stuck send/receive queues,
orphans and TCP memory. Each finding has a severity, the evidence, the top offenders and advice
(English or Chinese).

The exit code is the severity, as for a monitoring plugin: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. `--format nagios` prints the plugin status line with perfdata for every state.
Rules that need two samples (counter increases, sockets stuck in CLOSE_WAIT) run with
--interval and say they were skipped otherwise. With --interval and --events retrans,drop,reset
the check also traces the kernel's events during the interval (root or CAP_PERFMON, and
tracefs) and judges peers retransmitted to, packets dropped by reason and resets sent.";

/// The thresholds of `check` and `fleet check`: levels per state and the configuration file.
#[derive(Debug, Clone, Default, Args)]
pub struct ThresholdArgs {
    /// Warning level of a state: STATE=N (more than N sockets), STATE=N% (N% of all sockets
    /// or more) or STATE=off; the state in any spelling; repeatable or comma-separated.
    #[arg(long, value_name = "STATE=N", value_delimiter = ',', value_parser = parse_state_level)]
    pub warn: Vec<StateLevel>,

    /// Critical level of a state, as --warn.
    #[arg(long, value_name = "STATE=N", value_delimiter = ',', value_parser = parse_state_level)]
    pub crit: Vec<StateLevel>,

    /// TOML file with thresholds for every rule (README, "Health check"); --warn and --crit
    /// apply on top of it. A regular file of at most 1 MiB. (`fleet check` reads its [states]
    /// section: counts are all it has.)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Flags of `check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub thresholds: ThresholdArgs,

    /// Take two samples this far apart (2s, 500ms, 1m) to judge counter increases and
    /// sockets that stay in CLOSE_WAIT.
    #[arg(long, value_name = "DURATION", value_parser = super::duration::check_interval)]
    pub interval: Option<Duration>,

    /// During --interval, trace these events and judge them, comma-separated: retrans
    /// (peer_retransmits), drop (kernel_drops), reset (resets_sent). Needs root or
    /// CAP_PERFMON and tracefs; without them those rules are UNKNOWN. The tracepoints see
    /// every network namespace of the host; --port, --src and --dst narrow what is counted.
    #[arg(long, value_parser = tcpstate::trace::kinds::parse_kinds, value_name = "KINDS", requires = "interval")]
    pub events: Option<EventKinds>,

    /// Ring buffer size per CPU for --events, in 4 KiB pages, a power of two.
    #[arg(long, value_parser = super::trace::parse_pages, default_value_t = 64, value_name = "N")]
    pub events_buffer_pages: usize,

    /// Show the evidence and top offenders of OK findings too.
    #[arg(short = 'v', long)]
    pub verbose: bool,

    #[command(flatten)]
    pub ss: super::SsFilterArgs,
}

//! Flags and long help of `tcpstate fleet` and `tcpstate fleet check`: the Prometheus server to
//! ask, which series, at what time, and how to lay out or judge the answer.

use clap::{Args, Subcommand, ValueEnum};
use tcpstate::tcp::state::TcpState;

/// The long help of `tcpstate fleet`.
pub const FLEET_ABOUT: &str = "\
TCP state counts host beside host, for the whole fleet, from the Prometheus server that
scrapes every host's `tcpstate serve`: one instant query of tcpstate_connections (and of
tcpstate_scrape_success and up, to name the instances whose counts are unknown). One column per
instance (`--rows`: one row each), every state, the totals; the same formats as the summary.

A series missing for an instance is unknown, never 0: it shows as `?` (null in JSON, an empty
CSV field), and a note says why (the scrape failed, the exporter could not read its sockets,
series are missing). `fleet check` judges every instance with check's state thresholds.

Examples:
  tcpstate fleet --prometheus http://prometheus:9090
  tcpstate fleet --prometheus http://prometheus:9090 --match '{job=\"tcpstate\"}' --rows
  tcpstate fleet --sort time-wait --top 5 --at 2024-05-01T12:00:00Z
  tcpstate fleet --by port --format csv
  tcpstate fleet check --warn close-wait=50 --crit close-wait=500 --format nagios";

/// Where to ask, what, and when: shared by `fleet` and `fleet check`, before or after `check`.
#[derive(Debug, Clone, Default, Args)]
pub struct FleetQuery {
    /// The Prometheus server that scrapes the exporters (http://host:9090, with its path
    /// prefix if it has one; https too).
    #[arg(long, global = true, env = "TCPSTATE_PROMETHEUS", value_name = "URL")]
    pub prometheus: Option<String>,

    /// Only the series matching this label selector, e.g. '{job="tcpstate",env="prod"}'
    /// (the braces may be left out).
    #[arg(long = "match", global = true, value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// The counts at this time instead of now: RFC 3339 (2024-05-01T12:00:00Z) or unix seconds.
    #[arg(long, global = true, value_name = "TIME")]
    pub at: Option<String>,
}

/// Flags of `fleet`.
#[derive(Debug, Clone, Args)]
pub struct FleetArgs {
    #[command(subcommand)]
    pub command: Option<FleetCommand>,

    #[command(flatten)]
    pub query: FleetQuery,

    /// One row per instance (and one column per state) instead of one column per instance.
    #[arg(long, conflicts_with = "by")]
    pub rows: bool,

    /// Order instances by their count of this state, largest first (default: by name).
    #[arg(long, value_name = "STATE", value_parser = super::state::StateParser,
          hide_possible_values = true)]
    pub sort: Option<TcpState>,

    /// Keep only the N largest instances (by --sort's state, else by total); with --by, the
    /// N largest ports of each instance.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Per-port counts (tcpstate_connections_by_port: serve's --by-port and --listeners):
    /// `port` (or local-port) where the instance serves, remote-port where it is a client.
    #[arg(long, value_enum, value_name = "KEY")]
    pub by: Option<FleetBy>,
}

impl FleetArgs {
    /// Whether this is `fleet check`.
    pub fn is_check(&self) -> bool {
        self.command.is_some()
    }
}

/// What `fleet --by` groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FleetBy {
    /// The port the instance serves on (`direction="local"`).
    #[value(alias = "local-port")]
    Port,
    /// The port of the peers the instance is a client of (`direction="remote"`).
    RemotePort,
}

#[derive(Debug, Clone, Subcommand)]
pub enum FleetCommand {
    /// Judge every instance with check's state thresholds; exit code 0 OK, 1 WARNING,
    /// 2 CRITICAL, 3 UNKNOWN (the worst instance).
    #[command(after_long_help = super::help::after_long_help("fleet-check"))]
    Check(FleetCheckArgs),
}

/// Flags of `fleet check`: the thresholds of `check`.
#[derive(Debug, Clone, Default, Args)]
pub struct FleetCheckArgs {
    #[command(flatten)]
    pub thresholds: super::check::ThresholdArgs,
}

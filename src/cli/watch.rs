//! Flags and long help of `tcpstate watch`.

use std::time::Duration;

use clap::{Args, ValueEnum};
use tcpstate::analyze::group::GroupBy;

pub const WATCH_ABOUT: &str = "\
Watch the counts per state live. On a terminal: a dashboard with the change since the last
sample, a rate per second and a sparkline per state; the groups of the selected state that
moved most; every listener's accept queue against its backlog; and the kernel counters that
matter (ListenOverflows, ListenDrops, TCPTimeWaitOverflow, resets) as rates; with --events,
the peers retransmitted to most, drop reasons and resets, traced, per second. Keys: up/down
select a state, Enter lists its sockets, g changes the grouping, p pauses, ? helps, q quits.

To a pipe or a file, or with --plain: one line per interval, the time (UTC) then STATE=COUNT
for the non-zero states (--all-states for all); --format json writes one object per line,
--format csv one row per line.";

/// Flags of `watch`.
#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Time between samples: 1s, 500ms, 2m; a bare number is seconds.
    #[arg(long, short = 'n', default_value = "1s", value_parser = super::duration::watch, value_name = "DURATION")]
    pub interval: Duration,

    /// How far back the sparklines reach.
    #[arg(long, default_value = "5m", value_parser = super::duration::watch, value_name = "DURATION")]
    pub history: Duration,

    /// How the selected state's sockets are grouped at start (g changes it): remote-ip,
    /// local-port, remote-port or local-ip.
    #[arg(long, default_value = "remote-ip", value_parser = parse_grouping, value_name = "KEY")]
    pub by: GroupBy,

    /// One line per interval instead of the dashboard (the default when stdout is not a
    /// terminal, or with --format plain, json or csv).
    #[arg(long)]
    pub plain: bool,

    /// Stop after N samples.
    #[arg(long, short = 'c', value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Trace these events and show them as rates, comma-separated: retrans (the peers
    /// retransmitted to most), drop (drop reasons), reset (resets sent and received). Needs
    /// root or CAP_PERFMON and tracefs. The tracepoints see every network namespace of the
    /// host; --port, --src and --dst narrow what is counted.
    #[arg(long, value_parser = tcpstate::trace::kinds::parse_kinds, value_name = "KINDS")]
    pub events: Option<tcpstate::trace::EventKinds>,

    /// Ring buffer size per CPU for --events, in 4 KiB pages, a power of two.
    #[arg(long, value_parser = super::trace::parse_pages, default_value_t = 64, value_name = "N")]
    pub events_buffer_pages: usize,

    /// Plain lines: every state, zeros included.
    #[arg(long)]
    pub all_states: bool,

    /// Plain lines: no header line.
    #[arg(long)]
    pub no_header: bool,

    #[command(flatten)]
    pub ss: super::SsFilterArgs,
}

/// A grouping for the selected state: any `GroupBy` but `state` (the table already is that).
fn parse_grouping(s: &str) -> Result<GroupBy, String> {
    match GroupBy::from_str(s, true) {
        Ok(GroupBy::State) => Err(
            "watch groups the sockets of one state, so 'state' is no grouping here; use remote-ip, local-port, remote-port or local-ip".into(),
        ),
        Ok(GroupBy::Netns) => Err(
            "watch does not group by namespace (summary --by netns does); use remote-ip, local-port, remote-port or local-ip".into(),
        ),
        Ok(g) => Ok(g),
        Err(_) => Err(format!(
            "unknown grouping '{s}'; use remote-ip, local-port, remote-port or local-ip"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groupings() {
        assert_eq!(parse_grouping("local-port"), Ok(GroupBy::LocalPort));
        assert!(parse_grouping("state").unwrap_err().contains("no grouping"));
        assert!(parse_grouping("bogus").is_err());
    }
}

//! `tcpstate watch`: the counts per state, live. On a terminal, a dashboard (`watch::run`);
//! to a pipe or a file, or with `--plain`, one line per interval like vmstat
//! (`render::watch`). Both sample through `cmd::scan` with the shared filter, so every filter
//! and source flag works here as it does everywhere.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::scope::{Scope, Want};
use super::{hostname, scan, stdout};
use crate::analyze::group::GroupBy;
use crate::cli::Common;
use crate::filter::Filter;
use crate::kernel::counters::{CounterFiles, Counters};
use crate::render::Format;
use crate::render::watch::{IntervalWriter, LineOptions};
use crate::socket::Sink;
use crate::source::Report;
use crate::source::netns::{self, Namespace, NetnsSpec};
use crate::tcp::state::StateSet;
use crate::watch::app::{App, Options};
use crate::watch::sample::{self, Probe, Request};
use crate::watch::term::StderrCapture;

pub const WATCH_ABOUT: &str = "\
Watch the counts per state live. On a terminal: a dashboard with the change since the last
sample, a rate per second and a sparkline per state; the groups of the selected state that
moved most; every listener's accept queue against its backlog; and the kernel counters that
matter (ListenOverflows, ListenDrops, TCPTimeWaitOverflow, resets) as rates. Keys: up/down
select a state, Enter lists its sockets, g changes the grouping, p pauses, ? helps, q quits.

To a pipe or a file, or with --plain: one line per interval, the time (UTC) then STATE=COUNT
for the non-zero states (--all-states for all); --format json writes one object per line,
--format csv one row per line.";

/// Flags of `watch`.
#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Time between samples: 1s, 500ms, 2m; a bare number is seconds.
    #[arg(long, short = 'n', default_value = "1s", value_parser = parse_duration, value_name = "DURATION")]
    pub interval: Duration,

    /// How far back the sparklines reach.
    #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
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

    /// Plain lines: every state, zeros included.
    #[arg(long)]
    pub all_states: bool,

    /// Plain lines: no header line.
    #[arg(long)]
    pub no_header: bool,
}

/// The longest interval or history accepted.
const LONGEST: Duration = Duration::from_secs(7 * 24 * 3600);

/// Parse `200ms`, `1s`, `1.5s`, `5m`, `2h`, `1h30m`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let bad = || {
        format!("bad duration '{s}': expected a number with a unit, like 500ms, 1s, 1.5s, 5m or 1h")
    };
    if t.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    let mut rest = t;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_end].parse().map_err(|_| bad())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = rest[..unit_end].trim();
        rest = &rest[unit_end..];
        let secs = match unit {
            "" if rest.is_empty() && total == 0.0 => n,
            "ms" => n / 1000.0,
            "s" | "sec" => n,
            "m" | "min" => n * 60.0,
            "h" => n * 3600.0,
            _ => return Err(bad()),
        };
        total += secs;
    }
    if !total.is_finite() || total <= 0.0 {
        return Err(format!("bad duration '{s}': it must be more than zero"));
    }
    let d = Duration::from_secs_f64(total);
    if d < Duration::from_millis(10) {
        return Err(format!("bad duration '{s}': the shortest is 10ms"));
    }
    if d > LONGEST {
        return Err(format!("bad duration '{s}': the longest is 7 days"));
    }
    Ok(d)
}

/// A grouping for the selected state: any `GroupBy` but `state` (the table already is that).
fn parse_grouping(s: &str) -> Result<GroupBy, String> {
    match GroupBy::from_str(s, true) {
        Ok(GroupBy::State) => Err(
            "watch groups the sockets of one state, so 'state' is no grouping here; use remote-ip, local-port, remote-port or local-ip".into(),
        ),
        Ok(g) => Ok(g),
        Err(_) => Err(format!(
            "unknown grouping '{s}'; use remote-ip, local-port, remote-port or local-ip"
        )),
    }
}

/// Samples of the live host, a namespace (`--netns`), every namespace (`--all-netns`) or saved
/// captures, and the kernel counters of the namespace watched. The namespaces and their
/// sources are opened once and read again on every sample.
struct LiveProbe<'a> {
    common: &'a Common,
    filter: Filter,
    /// The live namespaces, opened once (`None` for captures).
    scope: Option<Scope>,
    /// Counter files of the watched namespace (`None`: captures, or several namespaces).
    counters: Option<CounterFiles>,
}

impl<'a> LiveProbe<'a> {
    fn open(common: &'a Common, filter: Filter) -> Result<LiveProbe<'a>> {
        if !common.from.is_empty() {
            // A capture has no counters, and the live host's would not be its.
            return Ok(LiveProbe {
                common,
                filter,
                scope: None,
                counters: None,
            });
        }
        let scope = Scope::open(common, filter.states, Want::default())?;
        let counters = if common.all_netns {
            None
        } else if let Some(spec) = &common.netns {
            let ns = Namespace::open(&NetnsSpec::parse(spec))?;
            netns::within(&[&ns], |_| CounterFiles::open().ok())
                .into_iter()
                .next()
                .and_then(|r| r.ok().flatten())
        } else {
            CounterFiles::open().ok()
        };
        Ok(LiveProbe {
            common,
            filter,
            scope: Some(scope),
            counters,
        })
    }
}

impl Probe for LiveProbe<'_> {
    fn scan(&mut self, sink: &mut dyn Sink) -> Result<Report> {
        match self.scope.as_mut() {
            Some(scope) => scope.scan_unordered(&self.filter, sink),
            None => scan(self.common, &self.filter, sink),
        }
    }

    fn counters(&mut self) -> Option<Counters> {
        self.counters.as_mut().and_then(|f| f.read().ok())
    }
}

pub fn run(common: &Common, args: &WatchArgs) -> Result<()> {
    let filter = common.filter();
    let states = filter.states;
    let mut probe = LiveProbe::open(common, filter)?;
    let plain = args.plain || common.format != Format::Table || !std::io::stdout().is_terminal();
    if plain {
        return run_plain(&mut probe, common, args, states);
    }
    let app = App::new(Options {
        interval: args.interval,
        history: args.history.max(args.interval * 2),
        by: args.by,
        states,
        host: hostname(),
    });
    crate::watch::run(&mut probe, app, args.count)
}

fn run_plain(
    probe: &mut dyn Probe,
    common: &Common,
    args: &WatchArgs,
    states: StateSet,
) -> Result<()> {
    // Notices a source prints at every pass are printed once.
    let capture = StderrCapture::start(true).ok();
    let result = plain_loop(probe, common, args, states);
    if let Some(c) = capture {
        c.finish();
    }
    result
}

fn plain_loop(
    probe: &mut dyn Probe,
    common: &Common,
    args: &WatchArgs,
    states: StateSet,
) -> Result<()> {
    let mut out = stdout();
    let mut w = IntervalWriter::new(
        &mut out,
        LineOptions {
            format: super::data_format("watch", common.format)?,
            all_states: args.all_states,
            states,
            millis: args.interval.subsec_nanos() != 0,
        },
    );
    if !args.no_header {
        w.header(&hostname(), args.interval)?;
    }
    let req = Request::default();
    let mut next = Instant::now();
    let mut taken = 0u64;
    loop {
        let s = sample::take(probe, &req)?;
        w.line(s.wall, &s.counts)?;
        taken += 1;
        if args.count.is_some_and(|c| taken >= c) {
            return Ok(());
        }
        next += args.interval;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        } else {
            next = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(parse_duration("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("1ms").is_err());
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("1x").is_err());
        assert!(parse_duration("1 2").is_err());
        assert!(parse_duration("30d").is_err());
    }

    #[test]
    fn groupings() {
        assert_eq!(parse_grouping("local-port"), Ok(GroupBy::LocalPort));
        assert!(parse_grouping("state").unwrap_err().contains("no grouping"));
        assert!(parse_grouping("bogus").is_err());
    }
}

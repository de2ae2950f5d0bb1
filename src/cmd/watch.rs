//! `tcpstate watch`: the counts per state, live. On a terminal, a dashboard (`watch::run`);
//! to a pipe or a file, or with `--plain`, one line per interval like vmstat
//! (`render::watch`). Both sample through `cmd::scan` with the shared filter, so every filter
//! and source flag works here as it does everywhere.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::Result;

use super::scope::{Scope, Want};
use super::{hostname, scan, stdout};
use crate::cli::Common;
use crate::cli::WatchArgs;
use tcpstate::filter::Filter;
use tcpstate::kernel::counters::{CounterFiles, Counters};
use tcpstate::render::Format;
use tcpstate::render::watch::{IntervalWriter, LineOptions};
use tcpstate::socket::Sink;
use tcpstate::source::Report;
use tcpstate::source::netns::{self, Namespace, NetnsSpec};
use tcpstate::tcp::state::StateSet;
use tcpstate::watch::app::{App, Options};
use tcpstate::watch::sample::{self, Probe, Request};
use tcpstate::watch::term::StderrCapture;

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
    tcpstate::watch::run(&mut probe, app, args.count)
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

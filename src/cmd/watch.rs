//! `tcpstate watch`: the counts per state, live. On a terminal, a dashboard (`watch::run`);
//! to a pipe or a file, or with `--plain`, one line per interval like vmstat
//! (`render::watch`). Both sample the scope's targets through the shared filter, so every
//! filter and source flag works here as it does everywhere.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::Result;
use tcpstate::source::conntrack::{CtCensus, census_here};

use super::events::{self, Counting};
use super::{UsageError, open_scope, print_lines, stdout};
use crate::cli::{Common, WatchArgs};
use tcpstate::analyze::check::traced::TracedCounts;
use tcpstate::filter::Filter;
use tcpstate::kernel::counters::Counters;
use tcpstate::render::watch::{IntervalWriter, LineOptions};
use tcpstate::render::{Format, OutputKind};
use tcpstate::serve::events::{EventCounters, lock};
use tcpstate::sink::Sink;
use tcpstate::source::Report;
use tcpstate::source::scope::{Order, Scope};
use tcpstate::tcp::state::StateSet;
use tcpstate::tcpinfo::Extensions;
use tcpstate::trace::EventKinds;
use tcpstate::watch::app::{App, WatchOptions};
use tcpstate::watch::events::EventRates;
use tcpstate::watch::sample::{self, Probe, SampleRequest};
use tcpstate::watch::term::StderrCapture;

/// Samples of whatever the scope holds (this namespace, `--netns`, every namespace, saved
/// captures), and the kernel counters of the one live namespace watched. The scope's sources
/// and counter files are opened once and read again on every sample; with `--all-netns` the
/// namespaces are found again before each sample.
struct ScopeProbe {
    filter: Filter,
    scope: Scope,
    /// The event counters of `--events`, emptied at every sample.
    events: Option<(EventCounters<TracedCounts>, EventKinds)>,
}

impl Probe for ScopeProbe {
    /// One pass of the sockets; when the listener panel wants their drops, from the kernel,
    /// the listeners first with their memory (few sockets, so it costs nothing), then the
    /// rest without, as the exporter does.
    fn scan(&mut self, sink: &mut dyn Sink, listener_memory: bool) -> Result<Report> {
        self.scope.refresh()?;
        print_lines(&self.scope.take_notices());
        if !listener_memory {
            return self.scope.scan(&self.filter, sink, Order::Any);
        }
        let memory = Extensions {
            info: false,
            memory: true,
        };
        self.scope.scan_listeners_apart(
            &self.filter,
            sink,
            Order::Any,
            memory,
            Extensions::default(),
        )
    }

    fn counters(&mut self) -> Option<Counters> {
        // Several namespaces have several sets of counters: the panel stays empty.
        self.scope
            .single_live()
            .and_then(|one| one.counters())
            .and_then(|r| r.ok())
    }

    fn conntrack(&mut self) -> Option<CtCensus> {
        // One namespace's table, like the counters; an unreadable table shows nothing.
        self.scope
            .single_live()
            .and_then(|one| one.inside(census_here).ok())
            .and_then(|r| r.ok())
            .flatten()
    }

    fn events(&mut self) -> Option<TracedCounts> {
        let (counters, kinds) = self.events.as_ref()?;
        let mut c = lock(&counters.counts);
        // The lost count is the tracer's running total: it stays.
        let lost = c.lost;
        let mut fresh = TracedCounts::new(*kinds);
        fresh.lost = lost;
        Some(std::mem::replace(&mut *c, fresh))
    }
}

pub fn run(common: &Common, args: &WatchArgs) -> Result<()> {
    let filter = common.filter(&args.ss)?;
    let states = filter.states;
    let scope = open_scope(common, false)?;
    let looked_at = scope.describe();
    if args.events.is_some() && common.format == Format::Csv {
        return Err(UsageError(
            "watch --events writes the dashboard, plain lines or json lines; csv rows have a fixed column per state".into(),
        )
        .into());
    }
    let events = match args.events {
        Some(kinds) => {
            let counting = Counting {
                who: "watch",
                instead: "run it inside the namespace with ip netns exec, narrowed with --port, --src or --dst",
            };
            let c = events::start(
                common,
                &args.ss,
                &counting,
                kinds,
                args.events_buffer_pages,
                &scope,
                TracedCounts::new(kinds),
            )?;
            Some((c, kinds))
        }
        None => None,
    };
    let mut probe = ScopeProbe {
        filter,
        scope,
        events,
    };
    let plain = args.plain || common.format != Format::Table || !std::io::stdout().is_terminal();
    if plain {
        return run_plain(&mut probe, common, args, states, &looked_at);
    }
    let app = App::new(WatchOptions {
        interval: args.interval,
        history: args.history.max(args.interval * 2),
        by: args.by,
        states,
        host: looked_at,
        events: args.events.is_some(),
    });
    tcpstate::watch::run(&mut probe, app, args.count)
}

fn run_plain(
    probe: &mut dyn Probe,
    common: &Common,
    args: &WatchArgs,
    states: StateSet,
    looked_at: &str,
) -> Result<()> {
    // Notices a source prints at every pass are printed once.
    let capture = StderrCapture::start(true).ok();
    let result = plain_loop(probe, common, args, states, looked_at);
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
    looked_at: &str,
) -> Result<()> {
    let mut out = stdout();
    let mut w = IntervalWriter::new(
        &mut out,
        LineOptions {
            format: common.format.data(OutputKind::Watch)?,
            all_states: args.all_states,
            states,
            millis: args.interval.subsec_nanos() != 0,
            events: args.events.is_some(),
        },
    );
    if !args.no_header {
        w.header(looked_at, args.interval)?;
    }
    let req = SampleRequest::default();
    let mut next = Instant::now();
    let mut taken = 0u64;
    let mut previous: Option<Instant> = None;
    loop {
        let s = sample::take(probe, &req)?;
        // Rates from the second line on: the first has no interval to divide by.
        let rates = match (&s.events, previous) {
            (Some(c), Some(then)) => Some(EventRates::of(c, s.taken.duration_since(then))),
            _ => None,
        };
        previous = Some(s.taken);
        w.line(s.wall, &s.counts, rates.as_ref())?;
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

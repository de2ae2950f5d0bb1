//! `tcpstate trace`: state transitions live, from the kernel tracepoint, one line each, with
//! a summary at the end (or only the summary with `--summary`). Stops after `--duration`,
//! after `--count` transitions, or on Ctrl-C / SIGTERM, always printing the summary.

use std::io::{self, Write};

use anyhow::{Context, Result};

use super::UsageError;
use super::stdout;
use crate::cli::Common;
use crate::cli::TraceArgs;
use tcpstate::render::trace::{TimeBase, TraceInfo, TraceWriter, summary};
use tcpstate::render::{DataFormat as Format, OutputKind, Style};
use tcpstate::stop::{self, Stop};
use tcpstate::tcp::state::StateSet;
use tcpstate::trace::perf::monotonic_ns;
use tcpstate::trace::{ScannedOwners, Shown, StateMachine, TraceOptions, Tracer};

/// Hands transitions to the writer and counts them against `--count`.
struct Emitter<'w> {
    writer: TraceWriter<'w>,
    per_event: bool,
    shown: u64,
    limit: u64,
    err: Option<io::Error>,
}

impl Emitter<'_> {
    /// Show one transition or incident; false when the trace should stop (count reached, or
    /// output failed).
    fn emit(&mut self, shown: Shown<'_>) -> bool {
        let written = match shown {
            _ if !self.per_event => Ok(()),
            Shown::Transition(t) => self.writer.transition(t),
            Shown::Incident(i) => self.writer.incident(i),
        };
        if let Err(e) = written {
            self.err = Some(e);
            return false;
        }
        self.shown += 1;
        self.shown < self.limit
    }
}

pub fn run(common: &Common, args: &TraceArgs) -> Result<()> {
    let filter = common.filter(&args.ss)?;
    // Transitions are matched in user space, on their addresses and ports only.
    if let Some(word) = filter.expr.as_ref().and_then(|e| e.kernel_only()) {
        return Err(UsageError(format!(
            "trace cannot filter by '{word}': a transition carries addresses and ports only"
        ))
        .into());
    }
    let mut scope = super::open_scope(common, false)?;
    let looked_at = scope.describe();
    // The name events carry when their socket is one the snapshot saw: this namespace's.
    let snapshot_of =
        tcpstate::source::netns::name_of(tcpstate::source::netlink::current_netns_inode());
    if scope.is_captures() {
        return Err(UsageError(
            "trace follows the live kernel; --from (saved captures) does not apply to it".into(),
        )
        .into());
    }
    if !scope.is_caller_namespace() {
        // The tracepoint reports every namespace's sockets and carries nothing that tells
        // them apart, so a namespace filter could only guess.
        return Err(UsageError(
            "trace cannot pick out one network namespace (the kernel's tracepoint does not say \
             which namespace a socket is in); run it inside the namespace instead: \
             `ip netns exec NAME tcpstate trace` (the starting snapshot and TIME_WAIT checks then \
             read that namespace), and narrow the events with --port or --src/--dst"
                .into(),
        )
        .into());
    }
    let format = common.format.data(OutputKind::Trace)?;
    // Ctrl-C and SIGTERM end the trace cleanly, with its summary.
    let stop =
        Stop::on_signals(stop::TERMINATE).context("installing the SIGTERM/SIGINT handlers")?;
    let opts = TraceOptions {
        buffer_pages: args.buffer_pages,
        events: args.events,
        keep_causes: true,
    };
    // Owners of the sockets that exist now: one process scan, every listener known.
    let owners = scope.find_owners(StateSet::ALL).map(|()| scope.owners());
    // Said once the tracepoint is open: without the privilege to trace, one sentence only.
    let mut notices = scope.take_notices();
    let mut target = scope
        .into_targets()
        .pop()
        .context("the scope holds no target")?;
    let procs = match owners {
        Ok(Some(map)) => ScannedOwners::scan(&mut target, map),
        Ok(None) => ScannedOwners::default(),
        Err(e) => {
            notices.push(format!(
                "no process scan, owners come from the tracepoint: {e:#}"
            ));
            ScannedOwners::default()
        }
    };
    let mut tracer = Tracer::start(
        opts,
        &filter,
        StateMachine,
        procs,
        target.into_live_source(),
    )?;
    super::print_lines(&notices);
    for n in tracer.take_notices() {
        eprintln!("tcpstate: notice: {n}");
    }
    let info = TraceInfo {
        cpus: tracer.cpus(),
        buffer_pages: args.buffer_pages,
        events: args.events,
    };
    let time = TimeBase {
        mono: tracer.start,
        wall: tracer.start_wall,
    };
    let deadline = args.duration.map(|d| {
        tracer
            .start
            .saturating_add(d.as_nanos().min(u128::from(u64::MAX)) as u64)
    });
    let per_event = !args.summary;
    let style = Style::for_stdout();
    let mut out = stdout();
    let mut writer = TraceWriter::new(&mut out, format, style, time).with_netns(snapshot_of);
    if args.events.has_incidents() {
        writer = writer.with_incidents();
    }
    let mut em = Emitter {
        writer,
        per_event,
        shown: 0,
        limit: args.count.unwrap_or(u64::MAX),
        err: None,
    };
    if per_event {
        em.writer.begin()?;
    }
    let what = if args.events == tcpstate::trace::EventKinds::STATE {
        "TCP state transitions".to_string()
    } else {
        format!("TCP events ({})", args.events.label())
    };
    eprintln!(
        "tcpstate: tracing {what} on {} CPUs ({} pages per CPU, {} existing sockets known); Ctrl-C to stop",
        info.cpus,
        info.buffer_pages,
        tracer.seeded()
    );
    eprintln!(
        "tcpstate: the tracepoint sees every network namespace; the starting snapshot, owners and TIME_WAIT checks read {looked_at} only"
    );
    if let Some(path) = &args.ready_file {
        // Written aside and renamed, so a watcher never reads it half-written.
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        std::fs::write(&tmp, format!("{}\n", std::process::id()))
            .and_then(|()| std::fs::rename(&tmp, path))
            .with_context(|| format!("cannot write the ready file {}", path.display()))?;
    }
    let mut stopped_early = em.limit == 0;
    while !stopped_early && !stop.raised() {
        let now = monotonic_ns();
        let mut timeout_ms = 100u64;
        if let Some(d) = deadline {
            if now >= d {
                break;
            }
            timeout_ms = timeout_ms.min((d - now) / 1_000_000 + 1);
        }
        stopped_early = !tracer.step(timeout_ms, false, &mut |t| em.emit(t));
        if per_event && em.err.is_none() {
            em.err = em.writer.flush().err();
            stopped_early |= em.err.is_some();
        }
        for n in tracer.take_notices() {
            eprintln!("tcpstate: notice: {n}");
        }
    }
    tracer.stop();
    if !stopped_early {
        tracer.step(0, true, &mut |t| em.emit(t));
    }
    let write_err = em.err.take();
    drop(em);
    if let Some(e) = write_err {
        return Err(anyhow::Error::new(e).context("writing the trace"));
    }
    for n in tracer.take_notices() {
        eprintln!("tcpstate: notice: {n}");
    }
    let sum = tracer.finish();
    if per_event && format == Format::Csv {
        // Keep the CSV one table: the summary goes to stderr for people.
        out.flush().context("writing the trace")?;
        let mut err = io::stderr().lock();
        summary(&mut err, Format::Table, Style::default(), sum, &info)?;
    } else {
        summary(&mut out, format, style, sum, &info)?;
    }
    out.flush().context("writing the trace")?;
    if !sum.complete() {
        eprintln!(
            "tcpstate: warning: {} events were lost; the trace is incomplete",
            sum.lost_total()
        );
    }
    Ok(())
}

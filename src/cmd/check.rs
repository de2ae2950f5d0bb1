//! `tcpstate check`: the health check. Reads the thresholds (defaults, `--config`, `--warn` /
//! `--crit`), takes one sample of the sockets and the host facts (or two, `--interval` apart),
//! runs the rules and writes the report. Its exit code is the check's severity as monitoring
//! plugins report it: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the check could not run: a bad
//! configuration, no permission, any runtime error).

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use tcpstate::source::conntrack::{CtReader, reconcile};

use super::events::{self, Counting};
use super::{UsageError, is_broken_pipe, open_scope, print_lines, print_notices, stdout};
use crate::cli::CheckArgs;
use crate::cli::Common;
use crate::cli::check::ThresholdArgs;
use tcpstate::analyze::check::facts::HostFacts;
use tcpstate::analyze::check::sink::{CheckSink, SinkConfig};
use tcpstate::analyze::check::thresholds::Thresholds;
use tcpstate::analyze::check::traced::{Traced, TracedCounts};
use tcpstate::analyze::check::{CheckReport, Observation, Severity, evaluate};
use tcpstate::filter::Filter;
use tcpstate::i18n::Lang;
use tcpstate::render::check::CheckView;
use tcpstate::render::{self, Format, OutputKind, Style};
use tcpstate::serve::events::lock;
use tcpstate::source::Report;
use tcpstate::source::scope::{Order, Scope};
use tcpstate::tcp::state::{StateSet, TcpState};
use tcpstate::tcpinfo::Extensions;

/// The thresholds the flags give: the defaults, the configuration file, then --warn/--crit.
pub fn thresholds(args: &ThresholdArgs) -> Result<Thresholds> {
    let mut t = Thresholds::default();
    if let Some(file) = &args.config {
        t.apply_toml(&read_config(file)?, file)?;
    }
    t.apply_cli(&args.warn, &args.crit);
    Ok(t)
}

/// Run the check and write its report; the exit code is its severity.
pub fn run(common: &Common, args: &CheckArgs) -> ExitCode {
    let lang = super::lang_or_env(common.lang);
    let outcome = sample_and_judge(common, args).and_then(|(report, looked_at)| {
        write(common.format, args, lang, &report, &looked_at)?;
        Ok(report.severity)
    });
    plugin_exit(common.format, outcome)
}

/// A monitoring plugin's exit: its severity, 0 when its output pipe closed, and UNKNOWN (3)
/// with the reason (the nagios status line in that format) when it could not run.
pub fn plugin_exit(format: Format, outcome: Result<Severity>) -> ExitCode {
    match outcome {
        Ok(sev) => ExitCode::from(sev.exit_code()),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = super::error_sentence(&e);
            if format == Format::Nagios {
                let mut out = stdout();
                // Nothing more can be said if standard output is gone too.
                let _ = render::nagios::unknown(&mut out, &msg);
                let _ = std::io::Write::flush(&mut out);
            } else {
                eprintln!("tcpstate: {msg}");
            }
            ExitCode::from(Severity::Unknown.exit_code())
        }
    }
}

/// The largest configuration file read: thresholds take a few hundred bytes.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The text of the configuration file: a regular file of at most `MAX_CONFIG_BYTES`, so a
/// device, a pipe or a huge file is refused at once with one sentence naming it.
pub fn read_config(file: &Path) -> Result<String> {
    let shown = file.display();
    // Non-blocking, so opening a FIFO does not wait for a writer before it can be refused.
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(file)
        .map_err(|e| anyhow::anyhow!("cannot read the configuration {shown}: {e}"))?;
    let meta = f
        .metadata()
        .map_err(|e| anyhow::anyhow!("cannot read the configuration {shown}: {e}"))?;
    if !meta.is_file() {
        bail!("the configuration {shown} is not a regular file; give a TOML file");
    }
    if meta.len() > MAX_CONFIG_BYTES {
        bail!(
            "the configuration {shown} is {} bytes, more than the 1 MiB a configuration may have",
            meta.len()
        );
    }
    // Bounded also if the file grows while it is read.
    let mut text = String::new();
    f.take(MAX_CONFIG_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| anyhow::anyhow!("cannot read the configuration {shown}: {e}"))?;
    if text.len() as u64 > MAX_CONFIG_BYTES {
        bail!("the configuration {shown} grew past 1 MiB while it was read");
    }
    Ok(text)
}

/// Thresholds, one or two samples, the rules; and what was looked at, for the header.
pub fn sample_and_judge(common: &Common, args: &CheckArgs) -> Result<(CheckReport, String)> {
    if common.format == Format::Csv {
        bail!("check writes --format table, plain, json or nagios, not csv");
    }
    let t = thresholds(&args.thresholds)?;
    let mut scope = open_scope(common, false)?;
    if scope.is_captures() && args.interval.is_some() {
        bail!("--interval takes two samples of the live host; it cannot be used with --from");
    }
    // CLOSE_WAIT is a leak in the process that holds it: name that process where the host
    // can tell (a capture has no process table).
    if !scope.is_captures() {
        scope.find_owners(StateSet::of(&[TcpState::CloseWait]))?;
        print_lines(&scope.take_notices());
    }
    let owners = scope.owners();
    let filter = common.filter(&args.ss)?;
    let facts1 = facts(&mut scope, &t)?;
    let cfg = SinkConfig {
        ephemeral: facts1.as_ref().and_then(|f| f.port_range),
        stuck_bytes: t.stuck_bytes,
        remember_close_wait: args.interval.is_some(),
    };
    let mut first = CheckSink::new(cfg).with_owners(owners.clone());
    print_notices(&scan(&mut scope, &filter, &mut first)?);
    let Some(interval) = args.interval else {
        let obs = Observation {
            sockets: &first,
            facts: facts1.as_ref(),
            previous: None,
            previous_listeners: None,
            interval: None,
            traced: None,
        };
        return Ok((evaluate(&t, &obs), scope.describe()));
    };
    let traced = trace_during(common, args, &scope, interval)?;
    let facts2 = facts(&mut scope, &t)?;
    let mut second = CheckSink::new(SinkConfig {
        ephemeral: facts2.as_ref().and_then(|f| f.port_range),
        remember_close_wait: false,
        ..cfg
    })
    .with_owners(owners)
    .compare_with(std::mem::take(&mut first.close_wait_ids));
    let first_listeners = std::mem::take(&mut first.listeners);
    drop(first);
    print_notices(&scan(&mut scope, &filter, &mut second)?);
    let measured = match (&facts1, &facts2) {
        (Some(f1), Some(f2)) => f2.at.duration_since(f1.at),
        _ => interval,
    };
    let obs = Observation {
        sockets: &second,
        facts: facts2.as_ref(),
        previous: facts1.as_ref(),
        previous_listeners: Some(&first_listeners),
        interval: Some(measured),
        traced: traced.as_ref(),
    };
    Ok((evaluate(&t, &obs), scope.describe()))
}

/// Wait out the interval, tracing `--events` meanwhile. Tracing that cannot start (no
/// privilege, no tracefs) is no error of the check: the rules that need it say UNKNOWN with
/// the tracer's sentence, and the rest are judged. A refusal of the flags is an error.
fn trace_during(
    common: &Common,
    args: &CheckArgs,
    scope: &Scope,
    interval: Duration,
) -> Result<Option<Traced>> {
    let Some(kinds) = args.events else {
        std::thread::sleep(interval);
        return Ok(None);
    };
    let counting = Counting {
        who: "check",
        instead: "run the check without --netns or --all-netns (inside the namespace, with ip netns exec, its sockets are judged and the host's events counted), narrowed with --port, --src or --dst",
    };
    let started = events::start(
        common,
        &args.ss,
        &counting,
        kinds,
        args.events_buffer_pages,
        scope,
        TracedCounts::new(kinds),
    );
    let counters = match started {
        Ok(c) => c,
        Err(e) if e.downcast_ref::<UsageError>().is_some() => return Err(e),
        Err(e) => {
            std::thread::sleep(interval);
            let why = super::error_sentence(&e);
            return Ok(Some(Traced::Unavailable { kinds, why }));
        }
    };
    let started = Instant::now();
    std::thread::sleep(interval);
    let shared = counters.counts.clone();
    // Dropping the counters stops the tracer after it has read what is still queued.
    drop(counters);
    let mut counted = lock(&shared).clone();
    counted.traced_for = Some(started.elapsed());
    Ok(Some(Traced::Counted(counted)))
}

/// One sample of the sockets: the listeners with their memory (their drops), the rest with
/// their tcp_info (rtt, retransmissions, send-buffer limits), from the kernel's dump.
fn scan(scope: &mut Scope, filter: &Filter, sink: &mut CheckSink) -> Result<Report> {
    let memory = Extensions {
        info: false,
        memory: true,
    };
    let info = Extensions {
        info: true,
        memory: false,
    };
    scope.scan_listeners_apart(filter, sink, Order::Any, memory, info)
}

/// Counters and sysctls of the one live target the sockets come from (this namespace or the
/// one `--netns` names, read inside it). A capture has none, and neither has a run over every
/// namespace (each has its own), so the rules that need them say they were skipped.
fn facts(scope: &mut Scope, t: &Thresholds) -> Result<Option<HostFacts>> {
    match scope.single_live() {
        Some(one) => {
            let mut facts = one.facts()?;
            // Stale entries and lost flows only when a limit asks for them (two more dumps).
            if let Some(f) = facts.as_mut()
                && t.wants_reconcile()
                && matches!(f.conntrack, Some(Ok(_)))
            {
                let (r, _) = reconcile(one, CtReader::Auto)?;
                f.conntrack_reconciled = Some((r.stale.len() as u64, r.lost.len() as u64));
            }
            Ok(facts)
        }
        None => Ok(None),
    }
}

fn write(
    format: Format,
    args: &CheckArgs,
    lang: Lang,
    report: &CheckReport,
    host: &str,
) -> Result<()> {
    let view = CheckView {
        report,
        host,
        lang,
        verbose: args.verbose,
    };
    let format = format.for_view(OutputKind::Check)?;
    let mut out = stdout();
    render::check::write(&mut out, format, Style::for_stdout(), &view)?;
    super::finish(out)
}

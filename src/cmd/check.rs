//! `tcpstate check`: the health check. Reads the thresholds (defaults, `--config`, `--warn` /
//! `--crit`), takes one sample of the sockets and the host facts (or two, `--interval` apart),
//! runs the rules and writes the report. Its exit code is the check's severity as monitoring
//! plugins report it: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the check could not run: a bad
//! configuration, no permission, any runtime error).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::{is_broken_pipe, open_scope, print_lines, print_notices, stdout};
use crate::cli::CheckArgs;
use crate::cli::Common;
use tcpstate::analyze::check::facts::HostFacts;
use tcpstate::analyze::check::sink::{CheckSink, SinkConfig};
use tcpstate::analyze::check::thresholds::Thresholds;
use tcpstate::analyze::check::{CheckReport, Observation, Severity, evaluate};
use tcpstate::i18n::Lang;
use tcpstate::render::check::CheckView;
use tcpstate::render::{self, Format, OutputKind, Style};
use tcpstate::source::scope::{Order, Scope};
use tcpstate::tcp::state::{StateSet, TcpState};

/// Run the check and write its report; the exit code is its severity.
pub fn run(common: &Common, args: &CheckArgs) -> ExitCode {
    let lang = super::lang_or_env(common.lang);
    let outcome = sample_and_judge(common, args).and_then(|(report, looked_at)| {
        write(common.format, args, lang, &report, &looked_at)?;
        Ok(report.severity)
    });
    match outcome {
        Ok(sev) => ExitCode::from(sev.exit_code()),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = super::error_sentence(&e);
            if common.format == Format::Nagios {
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

/// Thresholds, one or two samples, the rules; and what was looked at, for the header.
pub fn sample_and_judge(common: &Common, args: &CheckArgs) -> Result<(CheckReport, String)> {
    if common.format == Format::Csv {
        bail!("check writes --format table, plain, json or nagios, not csv");
    }
    let mut t = Thresholds::default();
    if let Some(file) = &args.config {
        t.apply_file(file)?;
    }
    t.apply_cli(&args.warn, &args.crit);
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
    let filter = common.filter();
    let facts1 = facts(&mut scope)?;
    let cfg = SinkConfig {
        ephemeral: facts1.as_ref().and_then(|f| f.port_range),
        stuck_bytes: t.stuck_bytes,
        remember_close_wait: args.interval.is_some(),
    };
    let mut first = CheckSink::new(cfg).with_owners(owners.clone());
    print_notices(&scope.scan(&filter, &mut first, Order::Any)?);
    let Some(interval) = args.interval else {
        let obs = Observation {
            sockets: &first,
            facts: facts1.as_ref(),
            previous: None,
            interval: None,
        };
        return Ok((evaluate(&t, &obs), scope.describe()));
    };
    std::thread::sleep(interval);
    let facts2 = facts(&mut scope)?;
    let mut second = CheckSink::new(SinkConfig {
        ephemeral: facts2.as_ref().and_then(|f| f.port_range),
        remember_close_wait: false,
        ..cfg
    })
    .with_owners(owners)
    .compare_with(std::mem::take(&mut first.close_wait_ids));
    drop(first);
    print_notices(&scope.scan(&filter, &mut second, Order::Any)?);
    let measured = match (&facts1, &facts2) {
        (Some(f1), Some(f2)) => f2.at.duration_since(f1.at),
        _ => interval,
    };
    let obs = Observation {
        sockets: &second,
        facts: facts2.as_ref(),
        previous: facts1.as_ref(),
        interval: Some(measured),
    };
    Ok((evaluate(&t, &obs), scope.describe()))
}

/// Counters and sysctls of the one live target the sockets come from (this namespace or the
/// one `--netns` names, read inside it). A capture has none, and neither has a run over every
/// namespace (each has its own), so the rules that need them say they were skipped.
fn facts(scope: &mut Scope) -> Result<Option<HostFacts>> {
    if scope.is_many() {
        return Ok(None);
    }
    match scope.targets_mut() {
        [one] => one.facts(),
        _ => Ok(None),
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

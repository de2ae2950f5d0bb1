//! `tcpstate check`: the health check. Reads the thresholds (defaults, `--config`, `--warn` /
//! `--crit`), takes one sample of the sockets and the host facts (or two, `--interval` apart),
//! runs the rules and writes the report. Its exit code is the check's severity as monitoring
//! plugins report it: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the check could not run: a bad
//! configuration, no permission, any runtime error).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::Args;

use super::UsageError;
use super::{hostname, is_broken_pipe, scan, stdout};
use crate::analyze::check::facts::HostFacts;
use crate::analyze::check::sink::{CheckSink, SinkConfig};
use crate::analyze::check::thresholds::{StateLevel, Thresholds, parse_state_level};
use crate::analyze::check::{CheckReport, Observation, Severity, evaluate};
use crate::cli::Common;
use crate::i18n::Lang;
use crate::render::check::CheckView;
use crate::render::{self, Format, Style};
use crate::source::netns::{self, Namespace, NetnsSpec};

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
--interval and say they were skipped otherwise.";

/// Flags of `check`.
#[derive(Debug, Clone, Default, Args)]
pub struct CheckArgs {
    /// Warning level of a state: STATE=N (more than N sockets), STATE=N% (N% of all sockets
    /// or more) or STATE=off; the state in any spelling; repeatable or comma-separated.
    #[arg(long, value_name = "STATE=N", value_delimiter = ',', value_parser = parse_state_level)]
    pub warn: Vec<StateLevel>,

    /// Critical level of a state, as --warn.
    #[arg(long, value_name = "STATE=N", value_delimiter = ',', value_parser = parse_state_level)]
    pub crit: Vec<StateLevel>,

    /// TOML file with thresholds for every rule (README, "Health check"); --warn and --crit
    /// apply on top of it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Take two samples this far apart (2s, 500ms, 1m) to judge counter increases and
    /// sockets that stay in CLOSE_WAIT.
    #[arg(long, value_name = "DURATION", value_parser = parse_interval)]
    pub interval: Option<Duration>,

    /// Show the evidence and top offenders of OK findings too.
    #[arg(short = 'v', long)]
    pub verbose: bool,
}

/// Parse a duration such as `2s`, `500ms`, `1m`.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text.trim())
        .map_err(|e| format!("'{text}' is not a duration ({e}); write e.g. 2s or 500ms"))?;
    if d.is_zero() {
        return Err("the interval must be longer than zero".to_string());
    }
    if d > Duration::from_secs(3600) {
        return Err("the interval must be at most an hour".to_string());
    }
    Ok(d)
}

/// Run the check and write its report; the exit code is its severity.
pub fn run(common: &Common, args: &CheckArgs) -> ExitCode {
    let lang = super::lang_or_env(common.lang);
    let outcome = sample_and_judge(common, args).and_then(|report| {
        write(common.format, args, lang, &report)?;
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

/// Thresholds, one or two samples, the rules.
pub fn sample_and_judge(common: &Common, args: &CheckArgs) -> Result<CheckReport> {
    if common.format == Format::Csv {
        bail!("check writes --format table, plain, json or nagios, not csv");
    }
    let mut t = Thresholds::default();
    if let Some(file) = &args.config {
        t.apply_file(file)?;
    }
    t.apply_cli(&args.warn, &args.crit);
    // Counters and sysctls describe the live host; a capture has none.
    let live = common.from.is_empty();
    if !live && args.interval.is_some() {
        bail!("--interval takes two samples of the live host; it cannot be used with --from");
    }
    let filter = common.filter();
    let facts1 = facts(common)?;
    let cfg = SinkConfig {
        ephemeral: facts1.as_ref().and_then(|f| f.port_range),
        stuck_bytes: t.stuck_bytes,
        remember_close_wait: args.interval.is_some(),
    };
    let mut first = CheckSink::new(cfg);
    scan(common, &filter, &mut first)?;
    let Some(interval) = args.interval else {
        let obs = Observation {
            sockets: &first,
            facts: facts1.as_ref(),
            previous: None,
            interval: None,
        };
        return Ok(evaluate(&t, &obs));
    };
    std::thread::sleep(interval);
    let facts2 = facts(common)?;
    let mut second = CheckSink::new(SinkConfig {
        ephemeral: facts2.as_ref().and_then(|f| f.port_range),
        remember_close_wait: false,
        ..cfg
    })
    .compare_with(std::mem::take(&mut first.close_wait_ids));
    drop(first);
    scan(common, &filter, &mut second)?;
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
    Ok(evaluate(&t, &obs))
}

/// Counters and sysctls of the namespace the sockets come from: this one, or the one `--netns`
/// names (read from a thread inside it). A capture has none, and neither has a run over every
/// namespace (each has its own), so the rules that need them say they were skipped.
fn facts(common: &Common) -> Result<Option<HostFacts>> {
    if !common.from.is_empty() || common.all_netns {
        return Ok(None);
    }
    let Some(spec) = &common.netns else {
        return Ok(Some(HostFacts::read()));
    };
    let ns = Namespace::open(&NetnsSpec::parse(spec))?;
    let read = netns::within(&[&ns], |_| HostFacts::read());
    Ok(read.into_iter().next().transpose()?)
}

fn write(format: Format, args: &CheckArgs, lang: Lang, report: &CheckReport) -> Result<()> {
    let host = hostname();
    let view = CheckView {
        report,
        host: &host,
        lang,
        verbose: args.verbose,
    };
    let mut out = stdout();
    match format {
        Format::Table => render::check::human(&mut out, Style::for_stdout(), &view)?,
        Format::Plain => render::check::human(&mut out, Style::default(), &view)?,
        Format::Json => render::check::json(&mut out, &view)?,
        Format::Nagios => render::nagios::check(&mut out, &view)?,
        Format::Csv | Format::Dot | Format::Mermaid => {
            return Err(UsageError::format("check", format, "table, plain, json, nagios").into());
        }
    }
    super::finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_interval("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_interval("0s").is_err());
        assert!(parse_interval("soon").unwrap_err().contains("'soon'"));
    }
}

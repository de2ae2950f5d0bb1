//! The `tcpstate` binary: parse the command line, run one command, map the outcome to an exit
//! code — 0 success, 1 runtime error, 2 usage error (clap) — with one clear sentence on stderr.
//! A closed pipe (`tcpstate list | head`) ends quietly with success.

use std::io::Write;
use std::process::ExitCode;

mod cli;
mod cmd;

use clap::Parser;
use cli::{Cli, Command};

/// Run a command that writes to a buffered stdout and flush it.
fn with_stdout(
    f: impl FnOnce(&mut dyn Write) -> anyhow::Result<ExitCode>,
) -> anyhow::Result<ExitCode> {
    let mut out = cmd::stdout();
    let code = f(&mut out)?;
    out.flush()?;
    Ok(code)
}

/// Whether a command line that clap could not parse asked for `--format nagios`.
fn asks_nagios(args: &[String]) -> bool {
    args.windows(2)
        .any(|w| (w[0] == "-f" || w[0] == "--format") && w[1] == "nagios")
        || args
            .iter()
            .any(|a| a == "--format=nagios" || a == "-fnagios" || a == "-f=nagios")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let informational =
                matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
            let _ = e.print();
            if informational {
                return ExitCode::SUCCESS;
            }
            // A monitoring plugin answers a bad command line with UNKNOWN (3), not 2, and in
            // the plugin format with its status line.
            let args: Vec<String> = std::env::args().skip(1).collect();
            if !args.iter().any(|a| a == "check") {
                return ExitCode::from(2);
            }
            if asks_nagios(&args) {
                let first = e.to_string();
                let reason = first
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("bad command line")
                    .trim_start_matches("error: ");
                let mut out = std::io::stdout();
                let _ = tcpstate::render::nagios::unknown(&mut out, reason);
            }
            return ExitCode::from(3);
        }
    };
    let result = match &cli.command {
        None => cmd::summary::run(&cli.common, &cli.summary).map(|()| ExitCode::SUCCESS),
        Some(Command::Summary(a)) => cmd::summary::run(&cli.common, a).map(|()| ExitCode::SUCCESS),
        Some(Command::List(a)) => cmd::list::run(&cli.common, a).map(|()| ExitCode::SUCCESS),
        Some(Command::Explain(a)) => with_stdout(|out| cmd::explain::run_for(&cli.common, a, out)),
        Some(Command::Fsm(a)) => with_stdout(|out| cmd::fsm::run(a, cli.common.format, out)),
        // The check's exit code is its severity (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
        Some(Command::Check(a)) => return cmd::check::run(&cli.common, a),
        Some(Command::Watch(a)) => cmd::watch::run(&cli.common, a).map(|()| ExitCode::SUCCESS),
        Some(Command::Serve(a)) => cmd::serve::run(&cli.common, a).map(|()| ExitCode::SUCCESS),
        Some(Command::Trace(a)) => cmd::trace::run(&cli.common, a).map(|()| ExitCode::SUCCESS),
        // `fleet check`'s exit code is the worst instance's severity, as check's.
        // kill's exit code says whether every selected socket was closed.
        Some(Command::Kill(a)) => cmd::kill::run(&cli.common, a),
        Some(Command::Fleet(a)) if a.is_check() => return cmd::fleet::run_check(&cli.common, a),
        Some(Command::Fleet(a)) => cmd::fleet::run(&cli.common, a).map(|()| ExitCode::SUCCESS),
        Some(Command::Conntrack(a)) => {
            cmd::conntrack::run(&cli.common, a).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Ipvs(_)) => cmd::ipvs::run(&cli.common).map(|()| ExitCode::SUCCESS),
        Some(Command::Completions(a)) => {
            with_stdout(|out| cmd::completions::run(a, out).map(|()| ExitCode::SUCCESS))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) if cmd::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if cmd::is_usage_error(&e) => {
            eprintln!("tcpstate: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            let msg = cmd::error_sentence(&e);
            eprintln!("tcpstate: {msg}");
            ExitCode::FAILURE
        }
    }
}

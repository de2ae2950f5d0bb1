//! The `tcpstate` binary: parse the command line, run one command, map the outcome to an exit
//! code — 0 success, 1 runtime error, 2 usage error (clap) — with one clear sentence on stderr.
//! A closed pipe (`tcpstate list | head`) ends quietly with success.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use tcpstate::cli::{Cli, Command};
use tcpstate::cmd;

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        None => cmd::summary::run(&cli.common, &cli.summary, None),
        Some(Command::Summary(a)) => cmd::summary::run(&cli.common, a, None),
        Some(Command::List(a)) => cmd::list::run(&cli.common, a),
        Some(Command::Trace(a)) => cmd::trace::run(&cli.common, a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = e
                .chain()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(": ");
            eprintln!("tcpstate: {msg}");
            ExitCode::FAILURE
        }
    }
}

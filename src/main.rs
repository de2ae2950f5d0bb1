//! tcpstate's binary: parse the command line, run one command, map errors to exit codes.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match &cli.command {
        Command::Explain(args) => tcpstate::cmd::explain::run(args, &mut out),
        Command::Fsm(args) => tcpstate::cmd::fsm::run(args, &mut out),
    };
    let result = result.and_then(|code| out.flush().map(|_| code).map_err(Into::into));
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcpstate: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Writing to a closed pipe (`tcpstate explain | head`) ends quietly.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

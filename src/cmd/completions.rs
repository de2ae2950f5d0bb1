//! `tcpstate completions SHELL`: the shell's completion script, from the clap definitions in
//! `cli/`, on standard output. State words, groups and every `--by`/`--format` value complete.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut cmd = Cli::command();
    // Generated into memory first: the generator cannot report a write error (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "tcpstate", &mut script);
    out.write_all(&script)?;
    Ok(())
}

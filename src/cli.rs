//! The command line (minimal wiring for the `explain` branch): global `--lang` and the
//! `explain` and `fsm` subcommands. The lead's cli.rs takes `ExplainArgs` and `FsmArgs` as
//! they are.

use clap::{Parser, Subcommand};

use tcpstate::cmd::{explain::ExplainArgs, fsm::FsmArgs};
use tcpstate::i18n::Lang;

#[derive(Debug, Parser)]
#[command(name = "tcpstate", version, about)]
pub struct Cli {
    /// Language of messages and explanations (default: from LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// What TCP states mean, how long they last, and what a large count means.
    Explain(ExplainArgs),
    /// The TCP state machine: table, diagram, client/server paths, sequence check.
    Fsm(FsmArgs),
}

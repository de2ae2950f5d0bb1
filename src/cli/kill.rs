//! Flags and long help of `tcpstate kill`: close the sockets a filter selects, as `ss -K`
//! does, with the safety ss lacks (a filter or `--all` required, `--dry-run`, a question on a
//! terminal, `--yes` without one, `--older-than` for sockets that stayed put).

use std::time::Duration;

use clap::Args;

/// The long help of `tcpstate kill`.
pub const KILL_ABOUT: &str = "\
Close the sockets a filter selects (SOCK_DESTROY, as `ss -K` does): the application sees its
connection aborted (ECONNABORTED) and the peer gets a reset. The filter is ss's words
(`dst 10.2.3.4`, `state close-wait sport = :8080`) and/or the --state/--sport/--dst… flags;
without any, --all is needed to mean every socket.

On a terminal the sockets are listed and you are asked; without one, --yes is needed.
--dry-run lists them and closes nothing. --older-than 30s takes two samples 30 s apart and
closes only the sockets seen in the same state in both. Each socket closed is printed, and
each one not closed with the reason (no CAP_NET_ADMIN, a kernel without
CONFIG_INET_DIAG_DESTROY, a state the kernel does not close). Needs root (CAP_NET_ADMIN).";

/// Flags of `kill`.
#[derive(Debug, Clone, Args)]
pub struct KillArgs {
    /// Close every socket the flags select, also with no filter at all.
    #[arg(long)]
    pub all: bool,

    /// List the sockets that would be closed; close nothing.
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,

    /// Close without asking (needed when standard input is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Only sockets seen in the same state across two samples this far apart (30s, 5m).
    #[arg(long, value_name = "DURATION", value_parser = super::duration::check_interval)]
    pub older_than: Option<Duration>,

    #[command(flatten)]
    pub ss: super::SsFilterArgs,
}

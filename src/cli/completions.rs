//! Flags of `tcpstate completions`: print a shell's completion script. The manual pages and
//! the scripts checked in under `contrib/` are written by the workspace's `xtask` from the
//! same definitions (`cargo run -p xtask -- generate contrib`).

use clap::Args;
use clap_complete::Shell;

/// Flags of `completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to print the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

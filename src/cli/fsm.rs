//! Flags of `tcpstate fsm`: which side's path to show, or a sequence of states to check.

use tcpstate::i18n::Lang;
use tcpstate::tcp::fsm::Role;
use tcpstate::tcp::state::{TcpState, UnknownState};

/// Which side's normal path `--role` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    Client,
    Server,
    /// Both, side by side.
    Both,
}

impl RoleArg {
    pub fn roles(self) -> &'static [Role] {
        match self {
            RoleArg::Client => &[Role::Client],
            RoleArg::Server => &[Role::Server],
            RoleArg::Both => &[Role::Client, Role::Server],
        }
    }
}

/// A sequence of states given to `--check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatePath(pub Vec<TcpState>);

/// Parse `S1,S2,…`: states in any spelling (CLOSE or CLOSED; groups are not states).
pub fn parse_state_path(arg: &str) -> Result<StatePath, UnknownState> {
    let states = arg
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::parse::<TcpState>)
        .collect::<Result<Vec<_>, _>>()?;
    if states.is_empty() {
        return Err(UnknownState::state(arg));
    }
    Ok(StatePath(states))
}

/// Show the TCP state machine (RFC 9293 with Linux annotations), the normal path of a client
/// and a server, or check a sequence of states.
#[derive(Debug, Clone, clap::Args)]
pub struct FsmArgs {
    /// Show the normal path of a client, a server, or both side by side (the default).
    #[arg(
        long,
        value_enum,
        num_args = 0..=1,
        default_missing_value = "both",
        conflicts_with = "check"
    )]
    pub role: Option<RoleArg>,

    /// Check whether a sequence of states is a possible life of one socket; exit 0 if so,
    /// 1 if not.
    #[arg(long, value_name = "S1,S2,...", value_parser = parse_state_path)]
    pub check: Option<StatePath>,

    /// Language (set by the global --lang).
    #[arg(from_global)]
    pub lang: Option<Lang>,
}

//! `tcpstate fsm`: the TCP state machine as a table or diagram (text, DOT, Mermaid, JSON), the
//! normal path of a client and a server (`--role`), and `--check S1,S2,…`, which tells whether
//! a sequence of states is a possible life of one socket (exit 0) or not (exit 1).

use std::io::Write;
use std::process::ExitCode;

use super::UsageError;
use crate::i18n::{Lang, Msg};
use crate::render::Format;
use crate::render::{fsm as render, fsm_path};
use crate::tcp::fsm::{self, Role};
use crate::tcp::state::{TcpState, UnknownState};

/// Output formats of `fsm` (`--check` prints text or json).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FsmFormat {
    #[default]
    Text,
    Dot,
    Mermaid,
    Json,
}

impl TryFrom<Format> for FsmFormat {
    type Error = UsageError;
    fn try_from(f: Format) -> Result<Self, UsageError> {
        match f {
            Format::Table => Ok(FsmFormat::Text),
            Format::Json => Ok(FsmFormat::Json),
            Format::Dot => Ok(FsmFormat::Dot),
            Format::Mermaid => Ok(FsmFormat::Mermaid),
            other => Err(UsageError::format("fsm", other, "text, dot, mermaid, json")),
        }
    }
}

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
        return Err(UnknownState(arg.to_string()));
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

pub fn run(args: &FsmArgs, format: Format, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let format = FsmFormat::try_from(format)?;
    let lang = super::lang_or_env(args.lang);
    let code = if let Some(StatePath(states)) = &args.check {
        let verdict = fsm::check_path(states);
        match format {
            FsmFormat::Json => fsm_path::check_json(out, states, &verdict, lang)?,
            _ => fsm_path::check_text(out, states, &verdict, lang)?,
        }
        if verdict.is_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    } else if let Some(role) = args.role {
        let roles = role.roles();
        match format {
            FsmFormat::Text => fsm_path::ladder_text(out, roles, lang)?,
            FsmFormat::Json => fsm_path::ladder_json(out, roles, lang)?,
            FsmFormat::Dot => render::dot(
                out,
                fsm_path::ladder_title(lang),
                &fsm_path::ladder_edges(roles, lang),
                lang,
            )?,
            FsmFormat::Mermaid => render::mermaid(
                out,
                fsm_path::ladder_title(lang),
                &fsm_path::ladder_edges(roles, lang),
                lang,
            )?,
        }
        ExitCode::SUCCESS
    } else {
        let title = lang.msg(Msg::FsmTitle);
        match format {
            FsmFormat::Text => render::text(out, lang)?,
            FsmFormat::Json => render::json(out, lang)?,
            FsmFormat::Dot => render::dot(out, title, &render::table_edges(lang), lang)?,
            FsmFormat::Mermaid => render::mermaid(out, title, &render::table_edges(lang), lang)?,
        }
        ExitCode::SUCCESS
    };
    out.flush()?;
    Ok(code)
}

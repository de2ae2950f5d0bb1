//! `tcpstate fsm`: the TCP state machine as a table or diagram (text, DOT, Mermaid, JSON), the
//! normal path of a client and a server (`--role`), and `--check S1,S2,…`, which tells whether
//! a sequence of states is a possible life of one socket (exit 0) or not (exit 1).

use std::io::Write;
use std::process::ExitCode;

use super::UsageError;
use crate::cli::FsmArgs;
use crate::cli::fsm::StatePath;
use tcpstate::i18n::Msg;
use tcpstate::render::Format;
use tcpstate::render::{fsm as render, fsm_path};
use tcpstate::tcp::fsm::{self};

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

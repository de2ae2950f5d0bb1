//! `tcpstate fsm`: the TCP state machine as a table or diagram (text, DOT, Mermaid, JSON), the
//! normal path of a client and a server (`--role`), and `--check S1,S2,…`, which tells whether
//! a sequence of states is a possible life of one socket (exit 0) or not (exit 1).

use std::io::Write;
use std::process::ExitCode;

use crate::cli::FsmArgs;
use crate::cli::fsm::StatePath;
use tcpstate::i18n::Msg;
use tcpstate::render::{Format, OutputKind};
use tcpstate::render::{fsm as render, fsm_path};
use tcpstate::tcp::fsm::{self};

pub fn run(args: &FsmArgs, format: Format, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let format = format.for_view(OutputKind::Fsm)?;
    let lang = super::lang_or_env(args.lang);
    let code = if let Some(StatePath(states)) = &args.check {
        let verdict = fsm::check_path(states);
        match format {
            Format::Json => fsm_path::check_json(out, states, &verdict, lang)?,
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
            Format::Json => fsm_path::ladder_json(out, roles, lang)?,
            Format::Dot => render::dot(
                out,
                fsm_path::ladder_title(lang),
                &fsm_path::ladder_edges(roles, lang),
                lang,
            )?,
            Format::Mermaid => render::mermaid(
                out,
                fsm_path::ladder_title(lang),
                &fsm_path::ladder_edges(roles, lang),
                lang,
            )?,
            _ => fsm_path::ladder_text(out, roles, lang)?,
        }
        ExitCode::SUCCESS
    } else {
        let title = lang.msg(Msg::FsmTitle);
        match format {
            Format::Json => render::json(out, lang)?,
            Format::Dot => render::dot(out, title, &render::table_edges(lang), lang)?,
            Format::Mermaid => render::mermaid(out, title, &render::table_edges(lang), lang)?,
            _ => render::text(out, lang)?,
        }
        ExitCode::SUCCESS
    };
    out.flush()?;
    Ok(code)
}

//! Commands: each is a thin composition — ask the scope for its targets, push them through
//! the filter into an analysis sink, hand the result to a renderer. This module holds what
//! they share: opening the scope the flags name, printing notices, the buffered standard
//! output, and the mapping of errors to sentences.

pub mod check;
pub mod completions;
pub mod conntrack;
pub mod events;
pub mod explain;
pub mod fleet;
pub mod fsm;
pub mod ipvs;
pub mod kill;
pub mod list;
pub mod serve;
pub mod summary;
pub mod trace;
pub mod watch;

use std::io::{self, BufWriter, Write};

use anyhow::{Context, Result};

use crate::cli::Common;
use tcpstate::i18n::Lang;
use tcpstate::source::Report;
use tcpstate::source::scope::Scope;

/// Open the scope the flags name — this namespace, `--netns`, `--all-netns` or the `--from`
/// captures — and say on stderr what opening it had to say. `owners`: scan processes too.
pub fn open_scope(common: &Common, owners: bool) -> Result<Scope> {
    let mut scope = Scope::open(common.scope_spec(owners)?)?;
    print_lines(&scope.take_notices());
    Ok(scope)
}

/// Print notices on stderr, one line each.
pub fn print_lines(notices: &[String]) {
    for n in notices {
        eprintln!("tcpstate: notice: {n}");
    }
}

/// An error and its causes as one sentence: `cannot read x: No such file or directory`.
pub fn error_sentence(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

/// Whether an error is a write into a closed pipe (`tcpstate … | head`), which ends quietly.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// After the readable captures of a run over several were shown: the run fails with the
/// sentence of the last that could not be read, the sentences of any others printed first.
pub fn fail_if_any_failed(failed: &[(usize, String)]) -> Result<()> {
    let Some(((_, last), others)) = failed.split_last() else {
        return Ok(());
    };
    for (_, message) in others {
        eprintln!("tcpstate: {message}");
    }
    Err(anyhow::anyhow!("{last}"))
}

/// Print a source's notices, and the lines it could not read, on stderr.
pub fn print_notices(report: &Report) {
    print_lines(&report.notices);
    if !report.unread.is_empty() {
        let shown: Vec<String> = report
            .unread
            .iter()
            .take(10)
            .map(|u| format!("{}:{}", u.file, u.line))
            .collect();
        let more = if report.unread.len() > 10 {
            ", …"
        } else {
            ""
        };
        let n = report.unread.len();
        let lines = if n == 1 { "line" } else { "lines" };
        eprintln!(
            "tcpstate: {n} {lines} not understood: {}{more}",
            shown.join(", ")
        );
        for u in report.unread.iter().take(3) {
            eprintln!("tcpstate:   {}:{}: {}", u.file, u.line, u.why);
        }
        eprintln!("tcpstate:   (--strict makes unreadable lines an error)");
    }
}

/// Whether an error is the user's to fix on the command line (exit 2).
pub fn is_usage_error(e: &anyhow::Error) -> bool {
    e.downcast_ref::<UsageError>().is_some()
        || e.downcast_ref::<tcpstate::filter::ss::SsError>().is_some()
        || e.downcast_ref::<tcpstate::source::scope::Unsupported>()
            .is_some()
        || e.downcast_ref::<tcpstate::render::UnwritableFormat>()
            .is_some()
}

/// Standard output, buffered in large blocks.
pub fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(256 * 1024, io::stdout().lock())
}

/// Flush and turn a write error into an error of the run.
pub fn finish(mut out: impl Write) -> Result<()> {
    out.flush().context("writing the output")?;
    Ok(())
}

/// The language asked for with `--lang`, else the locale's.
pub fn lang_or_env(lang: Option<Lang>) -> Lang {
    lang.unwrap_or_else(Lang::from_env)
}

/// A usage error found after parsing (a format a command cannot write, flags that do not go
/// together): the binary prints it and exits with 2, like clap's own. The library's
/// `source::scope::Unsupported` is treated the same way.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

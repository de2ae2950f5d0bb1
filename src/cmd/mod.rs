//! Commands: each is a thin composition of a source, the filter, an analysis and a renderer.
//! This module holds what they share: opening the live source (netlink with the /proc
//! fallback) in the namespaces asked for (`scope`), the buffered standard output, and the
//! host label.

pub mod check;
pub mod explain;
pub mod fsm;
pub mod list;
pub mod scope;
pub mod serve;
pub mod summary;
pub mod trace;
pub mod watch;

use std::io::{self, BufWriter, Write};

use anyhow::{Context, Result};

use crate::cli::{Common, SourceKind};
use scope::{Scope, Want};
use tcpstate::filter::{Filter, Filtered};
use tcpstate::i18n::Lang;
use tcpstate::socket::{AggregateSink, Sink};
use tcpstate::source::capture::CaptureSource;
use tcpstate::source::netlink::NetlinkSource;
use tcpstate::source::procfs::ProcSource;
use tcpstate::source::{Report, Source, SourceError};

/// Open the live source the flags ask for, in the calling thread's network namespace. With
/// `auto`, a netlink failure falls back to /proc with one notice on stderr.
pub fn open_live(common: &Common) -> Result<Box<dyn Source + Send>> {
    match common.source {
        SourceKind::Proc => Ok(Box::new(ProcSource::new())),
        SourceKind::Netlink => Ok(Box::new(
            NetlinkSource::open().context("--source netlink was asked for")?,
        )),
        SourceKind::Auto => match NetlinkSource::open() {
            Ok(s) => Ok(Box::new(s)),
            Err(SourceError::NetlinkUnavailable(e)) => {
                eprintln!(
                    "tcpstate: notice: sock_diag netlink is unavailable ({e}); reading /proc/net/tcp instead"
                );
                Ok(Box::new(ProcSource::new()))
            }
            Err(e) => Err(e.into()),
        },
    }
}

/// One host's sockets: the live host (this namespace) or one saved capture.
pub struct Host {
    pub label: String,
    input: HostInput,
}

enum HostInput {
    Live,
    Capture(Box<CaptureSource>),
}

/// The hosts the flags name: one per `--from` file (labelled by `--label` or the file's stem),
/// or the live host.
pub fn hosts(common: &Common) -> Vec<Host> {
    if common.from.is_empty() {
        return vec![Host {
            label: hostname(),
            input: HostInput::Live,
        }];
    }
    common
        .from
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let mut src = CaptureSource::open(path)
                .with_format(common.input_format)
                .with_assume_state(common.assume_state)
                .with_strict(common.strict);
            if let Some(l) = common.label.get(i) {
                src = src.with_label(l.clone());
            }
            Host {
                label: src.label().to_string(),
                input: HostInput::Capture(Box::new(src)),
            }
        })
        .collect()
}

impl Host {
    /// Push this host's sockets, filtered, into `sink`.
    pub fn run(&mut self, common: &Common, filter: &Filter, sink: &mut dyn Sink) -> Result<Report> {
        let mut f = Filtered {
            filter,
            inner: sink,
        };
        Ok(match &mut self.input {
            HostInput::Live => open_live(common)?.run(&filter.query(), &mut f)?,
            HostInput::Capture(c) => c.run(&filter.query(), &mut f)?,
        })
    }

    /// Like `run`, for a counting sink, which can also take a saved summary's counts (only
    /// state and family filters apply to those).
    pub fn run_counts(
        &mut self,
        common: &Common,
        filter: &Filter,
        sink: &mut dyn AggregateSink,
    ) -> Result<Report> {
        let summary = match &mut self.input {
            HostInput::Capture(c) => c.holds_summary()?,
            HostInput::Live => false,
        };
        match &mut self.input {
            HostInput::Capture(c) if summary => {
                if !filter.only_states() {
                    return Err(UsageError(format!(
                        "{} holds a saved summary (counts per state, no addresses or ports): \
                         only --state, -4 and -6 can filter it",
                        c.name()
                    ))
                    .into());
                }
                let mut f = Filtered {
                    filter,
                    inner: sink,
                };
                Ok(c.run_counts(&filter.query(), &mut f)?)
            }
            _ => self.run(common, filter, sink),
        }
    }
}

/// Run the sources the flags select — the live host, the namespaces `--netns` and
/// `--all-netns` name, or the `--from` captures — through `filter` into one `sink`, and
/// report what could not be read. Live IPv4 and IPv6 sockets may come interleaved (one walk
/// of the kernel's table); a listing that wants them in order scans through `scope::Scope`. Every command collects sockets through this one function,
/// so a new kind of source reaches them all at once. Live sockets carry their namespace's
/// inode (`Socket::netns`); a command that needs namespace names or socket owners opens a
/// `scope::Scope` itself and scans through it.
pub fn scan(common: &Common, filter: &Filter, sink: &mut dyn Sink) -> Result<Report> {
    if common.from.is_empty() {
        return Scope::open(common, filter.states, Want::default())?.scan_unordered(filter, sink);
    }
    let mut all = Report::default();
    for mut h in hosts(common) {
        all.merge(h.run(common, filter, sink)?);
    }
    print_notices(&all);
    Ok(all)
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

/// Print a source's notices, and the lines it could not read, on stderr.
pub fn print_notices(report: &Report) {
    for n in &report.notices {
        eprintln!("tcpstate: notice: {n}");
    }
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

/// Standard output, buffered in large blocks.
pub fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(256 * 1024, io::stdout().lock())
}

/// The name of this host, for column headings.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
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
/// together): the binary prints it and exits with 2, like clap's own.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl UsageError {
    /// `--format F` is not one `command` writes.
    pub fn format(command: &str, f: tcpstate::render::Format, valid: &str) -> UsageError {
        use clap::ValueEnum;
        let name = f
            .to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        UsageError(format!(
            "`{command}` cannot write --format {name}; it writes: {valid}"
        ))
    }
}

/// The data format (table, plain, json, csv) `--format` asks `command` for.
pub fn data_format(
    command: &str,
    f: tcpstate::render::Format,
) -> Result<tcpstate::render::DataFormat> {
    tcpstate::render::DataFormat::of(f)
        .ok_or_else(|| UsageError::format(command, f, "table, plain, json, csv").into())
}

//! Commands: each is a thin composition of a source, the filter, an analysis and a renderer.
//! This module holds what they share: opening the live source (netlink with the /proc
//! fallback), the buffered standard output, and the host label.

pub mod explain;
pub mod fsm;
pub mod list;
pub mod summary;

use std::io::{self, BufWriter, Write};

use anyhow::{Context, Result};

use crate::cli::{Common, SourceKind};
use crate::filter::{Filter, Filtered};
use crate::i18n::Lang;
use crate::socket::Sink;
use crate::source::netlink::NetlinkSource;
use crate::source::procfs::ProcSource;
use crate::source::{Report, Source, SourceError};

/// Open the live source the flags ask for. With `auto`, a netlink failure falls back to /proc
/// with one notice on stderr.
pub fn open_live(common: &Common) -> Result<Box<dyn Source>> {
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

/// Run the source the flags select (today the live host; `--from` captures and `--netns`
/// plug in here) through `filter` into `sink`. Every command collects sockets through this
/// one function, so a new kind of source reaches them all at once.
pub fn scan(common: &Common, filter: &Filter, sink: &mut dyn Sink) -> Result<Report> {
    let mut src = open_live(common)?;
    let report = src.run(
        &filter.query(),
        &mut Filtered {
            filter,
            inner: sink,
        },
    )?;
    print_notices(&report);
    Ok(report)
}

/// Print a source's notices on stderr.
pub fn print_notices(report: &Report) {
    for n in &report.notices {
        eprintln!("tcpstate: notice: {n}");
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
    pub fn format(command: &str, f: crate::render::Format, valid: &str) -> UsageError {
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
pub fn data_format(command: &str, f: crate::render::Format) -> Result<crate::render::DataFormat> {
    crate::render::DataFormat::of(f)
        .ok_or_else(|| UsageError::format(command, f, "table, plain, json, csv").into())
}

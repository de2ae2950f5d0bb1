//! Commands: each is a thin composition of a source, the filter, an analysis and a renderer.
//! This module holds what they share: opening the live source (netlink with the /proc
//! fallback), the buffered standard output, and the host label.

pub mod list;
pub mod summary;
pub mod trace;

use std::io::{self, BufWriter, Write};

use anyhow::{Context, Result};

use crate::cli::{Common, SourceKind};
use crate::filter::{Filter, Filtered};
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

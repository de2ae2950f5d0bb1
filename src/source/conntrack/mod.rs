//! Where conntrack entries come from: the live table of a namespace (ctnetlink by default,
//! `/proc/net/nf_conntrack` when ctnetlink cannot be used), and saved `conntrack -L` or
//! `/proc/net/nf_conntrack` text (`--from`), read from the places of `source::table`. Each
//! target pushes its TCP entries into a caller's closure, streaming.

pub mod ctnetlink;
pub mod text;

use std::fs::File;
use std::io;
use std::path::Path;

use anyhow::{Context, Result, anyhow};

use self::ctnetlink::{Ctnetlink, CtnetlinkError};
use self::text::{Line, parse_line};
use super::Unread;
use super::scope::{Order, Target, Unsupported};
use super::table::{TableInput, TableTarget, read_capture, read_text};
use crate::analyze::reconcile::{Reconciled, Reconciler};
use crate::conntrack::{CtEntry, CtStats, CtTable};
use crate::filter::Filter;
use crate::kernel::addrs::local_addresses;
use crate::kernel::sysctl;
use crate::sink::Flow;
use crate::socket::Socket;
use crate::tcpinfo::Extensions;

/// Which live reader to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CtReader {
    /// ctnetlink, else /proc/net/nf_conntrack.
    #[default]
    Auto,
    Ctnetlink,
    Proc,
}

/// What a scan of one target says besides its entries.
#[derive(Debug, Clone, Default)]
pub struct CtReport {
    /// The table's size (every protocol) and limit; unknown for captures.
    pub table: CtTable,
    /// The statistics (ctnetlink, or /proc/net/stat/nf_conntrack with the /proc reader).
    pub stats: Option<CtStats>,
    /// Lines of a capture that looked like TCP entries but could not be read.
    pub unread: Vec<Unread>,
    /// Notices for stderr (a fallback taken).
    pub notices: Vec<String>,
}

/// The sentence for a table that cannot be read at all.
fn unreadable(netlink: &CtnetlinkError, proc_err: &io::Error) -> anyhow::Error {
    let denied =
        netlink.errno() == Some(libc::EPERM) || proc_err.kind() == io::ErrorKind::PermissionDenied;
    if denied {
        return anyhow!(
            "reading the conntrack table needs CAP_NET_ADMIN (for ctnetlink) or read access \
             to /proc/net/nf_conntrack: run tcpstate conntrack as root"
        );
    }
    if proc_err.kind() == io::ErrorKind::NotFound {
        return anyhow!(
            "this kernel has no connection tracking in this namespace (ctnetlink: {netlink}; \
             no /proc/net/nf_conntrack): nf_conntrack is not loaded, so there is no table"
        );
    }
    anyhow!("cannot read the conntrack table: {netlink}; /proc/net/nf_conntrack: {proc_err}")
}

/// The statistics of `/proc/net/stat/nf_conntrack` (a header naming the columns, then one
/// line of hexadecimal values per CPU), summed; `None` when a column or a value cannot be read.
pub fn parse_proc_stats(text: &str) -> Option<CtStats> {
    let mut lines = text.lines();
    let names: Vec<&str> = lines.next()?.split_ascii_whitespace().collect();
    let col = |name: &str| names.iter().position(|n| *n == name);
    let cols = [
        col("found")?,
        col("invalid")?,
        col("insert")?,
        col("insert_failed")?,
        col("drop")?,
        col("early_drop")?,
        col("search_restart")?,
    ];
    let mut s = CtStats::default();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let v: Vec<&str> = line.split_ascii_whitespace().collect();
        let at = |i: usize| u64::from_str_radix(v.get(i)?, 16).ok();
        s.found += at(cols[0])?;
        s.invalid += at(cols[1])?;
        s.insert += at(cols[2])?;
        s.insert_failed += at(cols[3])?;
        s.drop += at(cols[4])?;
        s.early_drop += at(cols[5])?;
        s.search_restart += at(cols[6])?;
    }
    Some(s)
}

/// The table size and limit from the sysctls of the current namespace.
fn table_from_sysctls() -> CtTable {
    let get = |n: &str| sysctl::read_i64(n).and_then(|v| u64::try_from(v).ok());
    CtTable {
        entries: get("net.netfilter.nf_conntrack_count"),
        max: get("net.netfilter.nf_conntrack_max"),
    }
}

/// Read the live table of the current namespace (the caller is inside it); `families`:
/// IPv4, IPv6 — the ctnetlink dump asks only for those (the /proc reader reads everything).
pub fn scan_here(
    reader: CtReader,
    families: [bool; 2],
    each: &mut dyn FnMut(&CtEntry) -> bool,
) -> Result<CtReport> {
    let mut report = CtReport::default();
    let netlink_err = if reader == CtReader::Proc {
        None
    } else {
        // Entries pushed before a failure must not be pushed again by the fallback: only a
        // dump that delivered nothing falls back to /proc.
        let mut delivered = 0u64;
        let dumped = Ctnetlink::open().and_then(|mut nl| {
            nl.entries(families[0], families[1], &mut |e| {
                delivered += 1;
                each(&e)
            })?;
            Ok(nl)
        });
        match dumped {
            Ok(mut nl) => {
                match nl.stats() {
                    Ok(stats) => report.stats = Some(stats),
                    Err(e) => report
                        .notices
                        .push(format!("the conntrack statistics could not be read: {e}")),
                }
                report.table = match nl.table() {
                    Ok(t) if t.max.is_some() => t,
                    _ => table_from_sysctls(),
                };
                return Ok(report);
            }
            Err(e) if reader == CtReader::Ctnetlink || delivered > 0 => {
                return Err(e).context("reading the conntrack table through ctnetlink");
            }
            Err(e) => Some(e),
        }
    };
    let path = Path::new("/proc/thread-self/net/nf_conntrack");
    match File::open(path) {
        Ok(f) => {
            if let Some(e) = &netlink_err {
                report.notices.push(format!(
                    "ctnetlink unavailable ({e}): read /proc/net/nf_conntrack instead"
                ));
            }
            read_text(
                f,
                "/proc/net/nf_conntrack",
                true,
                "conntrack",
                tcp_entry,
                each,
                &mut report.unread,
            )?;
            report.table = table_from_sysctls();
            report.stats = std::fs::read_to_string("/proc/thread-self/net/stat/nf_conntrack")
                .ok()
                .and_then(|t| parse_proc_stats(&t));
            Ok(report)
        }
        Err(proc_err) => match netlink_err {
            Some(nl) => Err(unreadable(&nl, &proc_err)),
            None => Err(proc_err).context("cannot read /proc/net/nf_conntrack"),
        },
    }
}

/// Per-state counts of one namespace's table with its size, limit and statistics.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CtCensus {
    pub counts: crate::conntrack::CtCounts,
    pub table: CtTable,
    pub stats: Option<CtStats>,
}

/// Whether the current namespace has a conntrack table (nf_conntrack is loaded).
pub fn table_exists() -> bool {
    sysctl::path("net.netfilter.nf_conntrack_max").is_some_and(|p| p.exists())
}

/// Count the current namespace's table (the caller is inside it); `None` when there is no
/// table. Streams: memory does not grow with the entries.
pub fn census_here() -> Result<Option<CtCensus>> {
    if !table_exists() {
        return Ok(None);
    }
    let mut counts = crate::conntrack::CtCounts::default();
    let r = scan_here(CtReader::Auto, [true, true], &mut |e| {
        counts.add(e.state);
        true
    })?;
    Ok(Some(CtCensus {
        counts,
        table: r.table,
        stats: r.stats,
    }))
}

/// A line of conntrack text as `table::read_text` takes it.
fn tcp_entry(text: &str) -> Result<Option<CtEntry>, String> {
    parse_line(text).map(|l| match l {
        Line::Tcp(e) => Some(e),
        Line::Other => None,
    })
}

impl TableTarget {
    /// Push this target's TCP entries into `each` until it returns false.
    pub fn scan(
        &self,
        reader: CtReader,
        families: [bool; 2],
        each: &mut (dyn FnMut(&CtEntry) -> bool + Send),
    ) -> Result<CtReport> {
        match &self.input {
            TableInput::Live(t) => t.inside(|| scan_here(reader, families, each))?,
            TableInput::Capture { path, strict } => {
                let mut report = CtReport::default();
                read_capture(
                    path,
                    *strict,
                    "conntrack",
                    tcp_entry,
                    each,
                    &mut report.unread,
                )?;
                Ok(report)
            }
        }
    }

    /// Compare this namespace's table with its sockets: sockets, the table, sockets again
    /// (see `analyze::reconcile`). Only for a live namespace.
    pub fn reconcile(&mut self, reader: CtReader) -> Result<(Reconciled, CtReport)> {
        let TableInput::Live(t) = &mut self.input else {
            return Err(Unsupported(
                "--reconcile compares the live conntrack table with the live sockets; a --from \
                 capture holds only one of them"
                    .into(),
            )
            .into());
        };
        reconcile(t, reader)
    }
}

/// Compare a live namespace's conntrack table with its sockets: sockets, the table, sockets
/// again (see `analyze::reconcile`).
pub fn reconcile(t: &mut Target, reader: CtReader) -> Result<(Reconciled, CtReport)> {
    let local = t
        .inside(local_addresses)?
        .context("listing the namespace's addresses")?;
    let mut rec = Reconciler::new(local);
    let all = Filter::default();
    let none = Extensions::default();
    t.scan(
        0,
        &all,
        none,
        &mut |s: &Socket| {
            rec.socket(s);
            Flow::Continue
        },
        Order::Any,
    )?;
    let report = t.inside(|| {
        scan_here(reader, [true, true], &mut |e| {
            rec.entry(e);
            true
        })
    })??;
    t.scan(
        0,
        &all,
        none,
        &mut |s: &Socket| {
            rec.socket_after(s);
            Flow::Continue
        },
        Order::Any,
    )?;
    Ok((rec.finish(), report))
}

#[cfg(test)]
mod tests {
    #[test]
    fn proc_statistics_are_summed_over_cpus_by_column_name() {
        let text = "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n\
                    0000000a  00000000 00000001 00000000 00000002 00000000 00000000 00000000 00000010 00000003 00000004 00000005 00000000  00000000 00000000 00000000 00000006\n\
                    0000000a  00000000 00000001 00000000 00000002 00000000 00000000 00000000 00000010 0000000a 00000001 00000000 00000000  00000000 00000000 00000000 00000000\n";
        let s = super::parse_proc_stats(text).unwrap();
        assert_eq!((s.found, s.insert, s.insert_failed, s.drop), (2, 32, 13, 5));
        assert_eq!((s.early_drop, s.search_restart, s.invalid), (5, 6, 4));
        assert_eq!(super::parse_proc_stats("found drop\nzz 1\n"), None);
    }
}

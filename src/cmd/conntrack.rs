//! `tcpstate conntrack` and `tcpstate conntrack list`: the conntrack table's TCP entries of
//! each target (this namespace, `--netns`, every namespace, or `--from` captures) through
//! the filter into counts, groups or the streaming list.

use std::sync::mpsc::sync_channel;

use anyhow::{Result, anyhow};

use super::{UsageError, finish, print_lines, print_notices, stdout};
use crate::cli::conntrack::{ConntrackArgs, ConntrackCommand, ConntrackListArgs};
use crate::cli::{Common, SsFilterArgs};
use tcpstate::analyze::conntrack::{CtFilter, CtGrouper};
use tcpstate::conntrack::{CtCounts, CtEntry};
use tcpstate::render::conntrack::{CtGroupView, CtHost, CtSummaryView};
use tcpstate::render::conntrack_list::CtListWriter;
use tcpstate::render::reconcile::ReconcileView;
use tcpstate::render::{self, OutputKind, Style};
use tcpstate::source::Report;
use tcpstate::source::conntrack::{CtReader, CtReport};
use tcpstate::source::scope::LiveSource;
use tcpstate::source::table::{TableTarget, targets};

/// The live reader `--source` names.
fn reader(common: &Common) -> CtReader {
    match common.source {
        None | Some(LiveSource::Auto) => CtReader::Auto,
        Some(LiveSource::Netlink) => CtReader::Ctnetlink,
        Some(LiveSource::Proc) => CtReader::Proc,
    }
}

/// The targets the flags name, and whether they are shown side by side.
fn open(common: &Common) -> Result<(Vec<TableTarget>, bool)> {
    let (t, notices) = targets(common.scope_spec(false)?)?;
    print_lines(&notices);
    let many = common.all_netns || t.len() > 1;
    Ok((t, many))
}

/// Say on stderr what a scan had to say (fallbacks, unreadable lines).
fn tell(r: &CtReport) {
    print_notices(&Report {
        sockets: 0,
        unread: r.unread.clone(),
        notices: r.notices.clone(),
        failed: Vec::new(),
    });
}

pub fn run(common: &Common, args: &ConntrackArgs) -> Result<()> {
    if let Some(ConntrackCommand::List(l)) = &args.command {
        return list(common, l);
    }
    let format = common.format.data(OutputKind::Conntrack)?;
    let filter = CtFilter::of(&common.filter(&SsFilterArgs::default())?).map_err(UsageError)?;
    let (mut targets, many) = open(common)?;
    let reader = reader(common);
    let families = [!common.ipv6, !common.ipv4];
    let style = Style::for_stdout();
    if args.reconcile {
        let mut hosts = Vec::new();
        for t in &mut targets {
            let (found, r) = t.reconcile(reader)?;
            tell(&r);
            hosts.push((t.label.clone(), found));
        }
        let mut out = stdout();
        let view = ReconcileView {
            hosts: &hosts,
            many,
        };
        render::reconcile::write(&mut out, format, style, &view)?;
        return finish(out);
    }
    if !args.by.is_empty() {
        let mut hosts = Vec::new();
        for t in &targets {
            let mut g = CtGrouper::new(args.by.clone());
            let r = t.scan(reader, families, &mut |e| {
                if filter.matches(e) {
                    g.add(e);
                }
                true
            })?;
            tell(&r);
            hosts.push((t.label.clone(), g.finish(args.top)));
        }
        let view = CtGroupView {
            by: &args.by,
            hosts: &hosts,
            many,
        };
        let mut out = stdout();
        render::conntrack::groups(&mut out, format, style, &view)?;
        return finish(out);
    }
    let mut hosts = Vec::new();
    for t in &targets {
        let mut counts = CtCounts::default();
        let r = t.scan(reader, families, &mut |e| {
            if filter.matches(e) {
                counts.add(e.state);
            }
            true
        })?;
        tell(&r);
        hosts.push(CtHost {
            label: t.label.clone(),
            counts,
            table: r.table,
            stats: r.stats,
        });
    }
    let view = CtSummaryView {
        hosts: &hosts,
        many,
    };
    let mut out = stdout();
    render::conntrack::summary(&mut out, format, style, &view)?;
    finish(out)
}

/// Stream each target's entries to the list writer: the scan runs on its own thread (it may
/// have to enter a namespace) and hands entries over a bounded channel; when the writer
/// stops (`--limit`, a closed pipe) the channel closes and the scan ends.
fn list(common: &Common, args: &ConntrackListArgs) -> Result<()> {
    let format = common.format.data(OutputKind::ConntrackList)?;
    let filter = CtFilter::of(&common.filter(&SsFilterArgs::default())?).map_err(UsageError)?;
    let (targets, many) = open(common)?;
    let reader = reader(common);
    let families = [!common.ipv6, !common.ipv4];
    let mut out = stdout();
    let mut w = CtListWriter::start(&mut out, format, Style::for_stdout(), many)?;
    let mut left = args.limit;
    for t in targets {
        if left == Some(0) {
            break;
        }
        let label = t.label.clone();
        let (tx, rx) = sync_channel::<CtEntry>(4096);
        let filter = &filter;
        let (report, written) = std::thread::scope(|s| {
            let scan = s.spawn(move || {
                t.scan(reader, families, &mut |e| {
                    !filter.matches(e) || tx.send(e.clone()).is_ok()
                })
            });
            let written = (|| -> std::io::Result<()> {
                for e in rx {
                    if left == Some(0) {
                        break;
                    }
                    w.entry(&label, &e)?;
                    left = left.map(|n| n - 1);
                }
                Ok(())
            })();
            let report = scan
                .join()
                .map_err(|_| anyhow!("the conntrack scan of {label} ended abnormally"));
            (report, written)
        });
        written?;
        let r = report??;
        tell(&r);
    }
    w.close()?;
    finish(out)
}

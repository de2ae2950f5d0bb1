//! `tcpstate summary` (and `tcpstate` alone): counts per state, or grouped by a key (the
//! owning process included), of the live host, of one network namespace, of every namespace
//! (one column each), or of saved captures (one column per file).

use anyhow::Result;

use super::scope::{Scope, Want};
use super::{UsageError, data_format, finish, hostname, lang_or_env, print_notices, stdout};
use crate::cli::{Common, SummaryArgs};
use tcpstate::analyze::count::Counts;
use tcpstate::analyze::group::{Group, GroupBy, Grouper};
use tcpstate::analyze::netns::PerNetns;
use tcpstate::filter::Filter;
use tcpstate::render::{self, DataFormat, GroupView, HostCounts, Style, SummaryView};
use tcpstate::source::Report;
use tcpstate::tcp::explain::one_line;
use tcpstate::tcp::state::TcpState;

/// Counts per host: one per `--from` file, one per namespace with `--all-netns`, else one.
fn count_hosts(common: &Common, filter: &Filter) -> Result<Vec<HostCounts>> {
    if !common.from.is_empty() {
        let mut hosts = Vec::new();
        let mut report = Report::default();
        for mut h in super::hosts(common) {
            let mut counts = Counts::new();
            report.merge(h.run_counts(common, filter, &mut counts)?);
            hosts.push(HostCounts {
                label: h.label.clone(),
                counts,
            });
        }
        print_notices(&report);
        return Ok(hosts);
    }
    let mut scope = Scope::open(common, filter.states, Want::default())?;
    let labels = scope.labels().clone();
    if scope.all_netns() {
        let mut split = PerNetns::new(Counts::new);
        scope.scan_unordered(filter, &mut split)?;
        return Ok(labels
            .namespaces()
            .iter()
            .map(|(inode, name)| HostCounts {
                label: name.clone(),
                counts: split.take(*inode),
            })
            .collect());
    }
    let mut counts = Counts::new();
    scope.scan_unordered(filter, &mut counts)?;
    Ok(vec![HostCounts {
        label: hostname(),
        counts,
    }])
}

/// Groups per host, as `count_hosts`.
fn group_hosts(
    common: &Common,
    filter: &Filter,
    by: GroupBy,
    top: Option<usize>,
) -> Result<Vec<(String, Vec<Group>)>> {
    if !common.from.is_empty() {
        if by.needs_processes() {
            return Err(UsageError(
                "--by process needs the live host: saved captures carry no process table".into(),
            )
            .into());
        }
        let mut hosts = Vec::new();
        let mut report = Report::default();
        for mut h in super::hosts(common) {
            let mut grouper = Grouper::new(by);
            report.merge(h.run(common, filter, &mut grouper)?);
            hosts.push((h.label.clone(), grouper.finish(top)));
        }
        print_notices(&report);
        return Ok(hosts);
    }
    let want = Want {
        processes: by.needs_processes(),
    };
    let mut scope = Scope::open(common, filter.states, want)?;
    let labels = scope.labels().clone();
    let make = || Grouper::with_processes(by, labels.processes());
    if scope.all_netns() {
        let mut split = PerNetns::new(make);
        scope.scan_unordered(filter, &mut split)?;
        return Ok(labels
            .namespaces()
            .iter()
            .map(|(inode, name)| (name.clone(), split.take(*inode).finish(top)))
            .collect());
    }
    let mut grouper = make();
    scope.scan_unordered(filter, &mut grouper)?;
    Ok(vec![(hostname(), grouper.finish(top))])
}

pub fn run(common: &Common, args: &SummaryArgs) -> Result<()> {
    let format = data_format("summary", common.format)?;
    let lang = lang_or_env(common.lang);
    let meaning = move |s: TcpState| one_line(s, lang);
    let explain: Option<&dyn Fn(TcpState) -> &'static str> =
        if args.explain { Some(&meaning) } else { None };
    let filter = common.filter();
    let style = Style::for_stdout();
    if let Some(by) = args.by {
        let hosts = group_hosts(common, &filter, by, args.top)?;
        let view = GroupView { by, hosts: &hosts };
        let mut out = stdout();
        match format {
            DataFormat::Table => render::table::groups(&mut out, style, &view)?,
            DataFormat::Plain => render::plain::groups(&mut out, &view)?,
            DataFormat::Json => render::json::groups(&mut out, &view)?,
            DataFormat::Csv => render::csv::groups(&mut out, &view)?,
        }
        return finish(out);
    }
    let hosts = count_hosts(common, &filter)?;
    let view = SummaryView {
        hosts: &hosts,
        explain,
    };
    let mut out = stdout();
    match format {
        DataFormat::Table => render::table::summary(&mut out, style, &view)?,
        DataFormat::Plain => render::plain::summary(&mut out, &view)?,
        DataFormat::Json => render::json::summary(&mut out, &view)?,
        DataFormat::Csv => render::csv::summary(&mut out, &view)?,
    }
    finish(out)
}

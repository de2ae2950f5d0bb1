//! `tcpstate summary` (and `tcpstate` alone): counts per state, or grouped by a key (the
//! owning process included), of the live host, of one network namespace, of every namespace
//! (one column each), or of saved captures.

use anyhow::Result;

use super::scope::{Scope, Want};
use super::{finish, hostname, stdout};
use crate::analyze::count::Counts;
use crate::analyze::group::Grouper;
use crate::analyze::netns::PerNetns;
use crate::cli::{Common, SummaryArgs};
use crate::render::{self, Format, GroupView, HostCounts, Style, SummaryView};
use crate::tcp::state::TcpState;

/// Optional per-state one-line meanings for `--explain`.
pub type Explainer<'a> = Option<&'a dyn Fn(TcpState) -> &'static str>;

pub fn run(common: &Common, args: &SummaryArgs, explain: Explainer) -> Result<()> {
    let filter = common.filter();
    let want = Want {
        processes: args.by.is_some_and(|b| b.needs_processes()),
    };
    let mut scope = Scope::open(common, filter.states, want)?;
    let labels = scope.labels().clone();
    let mut out = stdout();
    let style = Style::for_stdout();
    if let Some(by) = args.by {
        let make = || Grouper::with_processes(by, labels.processes());
        let hosts = if scope.all_netns() {
            let mut split = PerNetns::new(make);
            scope.scan(&filter, &mut split)?;
            labels
                .namespaces()
                .iter()
                .map(|(inode, name)| (name.clone(), split.take(*inode).finish(args.top)))
                .collect()
        } else {
            let mut grouper = make();
            scope.scan(&filter, &mut grouper)?;
            vec![(hostname(), grouper.finish(args.top))]
        };
        let view = GroupView { by, hosts: &hosts };
        match common.format {
            Format::Table => render::table::groups(&mut out, style, &view)?,
            Format::Plain => render::plain::groups(&mut out, &view)?,
            Format::Json => render::json::groups(&mut out, &view)?,
            Format::Csv => render::csv::groups(&mut out, &view)?,
        }
        return finish(out);
    }
    let hosts = if scope.all_netns() {
        let mut split = PerNetns::new(Counts::new);
        scope.scan(&filter, &mut split)?;
        labels
            .namespaces()
            .iter()
            .map(|(inode, name)| HostCounts {
                label: name.clone(),
                counts: split.take(*inode),
            })
            .collect()
    } else {
        let mut counts = Counts::new();
        scope.scan(&filter, &mut counts)?;
        vec![HostCounts {
            label: hostname(),
            counts,
        }]
    };
    let view = SummaryView {
        hosts: &hosts,
        explain,
    };
    match common.format {
        Format::Table => render::table::summary(&mut out, style, &view)?,
        Format::Plain => render::plain::summary(&mut out, &view)?,
        Format::Json => render::json::summary(&mut out, &view)?,
        Format::Csv => render::csv::summary(&mut out, &view)?,
    }
    finish(out)
}

//! `tcpstate summary` (and `tcpstate` alone): counts per state, or grouped by a key, of the
//! live host or of saved captures.

use anyhow::Result;

use super::{finish, hostname, nagios_is_for_check, scan, stdout};
use crate::analyze::count::Counts;
use crate::analyze::group::Grouper;
use crate::cli::{Common, SummaryArgs};
use crate::render::{self, Format, GroupView, HostCounts, Style, SummaryView};
use crate::tcp::state::TcpState;

/// Optional per-state one-line meanings for `--explain`.
pub type Explainer<'a> = Option<&'a dyn Fn(TcpState) -> &'static str>;

pub fn run(common: &Common, args: &SummaryArgs, explain: Explainer) -> Result<()> {
    let filter = common.filter();
    let mut out = stdout();
    let style = Style::for_stdout();
    if let Some(by) = args.by {
        let mut grouper = Grouper::new(by);
        scan(common, &filter, &mut grouper)?;
        let hosts = vec![(hostname(), grouper.finish(args.top))];
        let view = GroupView { by, hosts: &hosts };
        match common.format {
            Format::Table => render::table::groups(&mut out, style, &view)?,
            Format::Plain => render::plain::groups(&mut out, &view)?,
            Format::Json => render::json::groups(&mut out, &view)?,
            Format::Csv => render::csv::groups(&mut out, &view)?,
            Format::Nagios => return Err(nagios_is_for_check()),
        }
        return finish(out);
    }
    let mut counts = Counts::new();
    scan(common, &filter, &mut counts)?;
    let hosts = vec![HostCounts {
        label: hostname(),
        counts,
    }];
    let view = SummaryView {
        hosts: &hosts,
        explain,
    };
    match common.format {
        Format::Table => render::table::summary(&mut out, style, &view)?,
        Format::Plain => render::plain::summary(&mut out, &view)?,
        Format::Json => render::json::summary(&mut out, &view)?,
        Format::Csv => render::csv::summary(&mut out, &view)?,
        Format::Nagios => return Err(nagios_is_for_check()),
    }
    finish(out)
}

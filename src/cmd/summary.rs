//! `tcpstate summary` (and `tcpstate` alone): counts per state, or grouped by a key, of the
//! live host or of saved captures.

use anyhow::Result;

use super::{data_format, finish, lang_or_env, print_notices, stdout};
use crate::analyze::count::Counts;
use crate::analyze::group::Grouper;
use crate::cli::{Common, SummaryArgs};
use crate::render::{self, DataFormat, GroupView, HostCounts, Style, SummaryView};
use crate::source::Report;
use crate::tcp::explain::one_line;
use crate::tcp::state::TcpState;

pub fn run(common: &Common, args: &SummaryArgs) -> Result<()> {
    let format = data_format("summary", common.format)?;
    let lang = lang_or_env(common.lang);
    let meaning = move |s: TcpState| one_line(s, lang);
    let explain: Option<&dyn Fn(TcpState) -> &'static str> =
        if args.explain { Some(&meaning) } else { None };
    let filter = common.filter();
    let mut out = stdout();
    let style = Style::for_stdout();
    if let Some(by) = args.by {
        let mut hosts = Vec::new();
        let mut report = Report::default();
        for mut h in super::hosts(common) {
            let mut grouper = Grouper::new(by);
            report.merge(h.run(common, &filter, &mut grouper)?);
            hosts.push((h.label.clone(), grouper.finish(args.top)));
        }
        print_notices(&report);
        let view = GroupView { by, hosts: &hosts };
        match format {
            DataFormat::Table => render::table::groups(&mut out, style, &view)?,
            DataFormat::Plain => render::plain::groups(&mut out, &view)?,
            DataFormat::Json => render::json::groups(&mut out, &view)?,
            DataFormat::Csv => render::csv::groups(&mut out, &view)?,
        }
        return finish(out);
    }
    let mut hosts = Vec::new();
    let mut report = Report::default();
    for mut h in super::hosts(common) {
        let mut counts = Counts::new();
        report.merge(h.run_counts(common, &filter, &mut counts)?);
        hosts.push(HostCounts {
            label: h.label.clone(),
            counts,
        });
    }
    print_notices(&report);
    let view = SummaryView {
        hosts: &hosts,
        explain,
    };
    match format {
        DataFormat::Table => render::table::summary(&mut out, style, &view)?,
        DataFormat::Plain => render::plain::summary(&mut out, &view)?,
        DataFormat::Json => render::json::summary(&mut out, &view)?,
        DataFormat::Csv => render::csv::summary(&mut out, &view)?,
    }
    finish(out)
}

//! `tcpstate summary` (and `tcpstate` alone): counts per state, or grouped by a key, of the
//! live host or of saved captures.

use anyhow::Result;

use super::{data_format, finish, hostname, lang_or_env, scan, stdout};
use crate::analyze::count::Counts;
use crate::analyze::group::Grouper;
use crate::cli::{Common, SummaryArgs};
use crate::render::{self, DataFormat, GroupView, HostCounts, Style, SummaryView};
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
        let mut grouper = Grouper::new(by);
        scan(common, &filter, &mut grouper)?;
        let hosts = vec![(hostname(), grouper.finish(args.top))];
        let view = GroupView { by, hosts: &hosts };
        match format {
            DataFormat::Table => render::table::groups(&mut out, style, &view)?,
            DataFormat::Plain => render::plain::groups(&mut out, &view)?,
            DataFormat::Json => render::json::groups(&mut out, &view)?,
            DataFormat::Csv => render::csv::groups(&mut out, &view)?,
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
    match format {
        DataFormat::Table => render::table::summary(&mut out, style, &view)?,
        DataFormat::Plain => render::plain::summary(&mut out, &view)?,
        DataFormat::Json => render::json::summary(&mut out, &view)?,
        DataFormat::Csv => render::csv::summary(&mut out, &view)?,
    }
    finish(out)
}

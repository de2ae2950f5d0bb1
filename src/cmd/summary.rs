//! `tcpstate summary` (and `tcpstate` alone): counts per state, or grouped by a key (the
//! owning process included), of the live host, of one network namespace, of every namespace
//! (one column each), or of saved captures (one column per file).

use anyhow::Result;

use super::{finish, lang_or_env, open_scope, print_notices, stdout};
use crate::cli::{Common, SummaryArgs};
use tcpstate::analyze::count::Counts;
use tcpstate::analyze::group::{Group, GroupBy, Grouper};
use tcpstate::filter::Filter;
use tcpstate::render::{self, GroupView, HostCounts, OutputKind, Style, SummaryView};
use tcpstate::sink::PerTarget;
use tcpstate::source::scope::Order;
use tcpstate::tcp::explain::one_line;
use tcpstate::tcp::state::TcpState;

/// Counts per target (one per `--from` file, one per namespace with `--all-netns`, else one)
/// from a single pass, and whether they are shown side by side.
fn count_targets(common: &Common, filter: &Filter) -> Result<(Vec<HostCounts>, bool)> {
    let mut scope = open_scope(common, false)?;
    let mut split = PerTarget::new(Counts::new);
    let report = scope.scan(filter, &mut split, Order::Any)?;
    print_notices(&report);
    let hosts = scope
        .targets()
        .iter()
        .zip(split.into_parts())
        .map(|(t, counts)| HostCounts::known(t.label.clone(), counts))
        .collect();
    Ok((hosts, scope.is_many()))
}

/// One target's label and groups.
type HostGroups = (String, Vec<Group>);

/// Groups per target, as `count_targets`.
fn group_targets(
    common: &Common,
    filter: &Filter,
    by: GroupBy,
    top: Option<usize>,
) -> Result<(Vec<HostGroups>, bool)> {
    let mut scope = open_scope(common, by.needs_processes())?;
    let owners = scope.owners();
    let mut split = PerTarget::new(|| Grouper::with_processes(by, owners.clone()));
    let report = scope.scan(filter, &mut split, Order::Any)?;
    print_notices(&report);
    let hosts = scope
        .targets()
        .iter()
        .zip(split.into_parts())
        .map(|(t, g)| (t.label.clone(), g.finish(top)))
        .collect();
    Ok((hosts, scope.is_many()))
}

pub fn run(common: &Common, args: &SummaryArgs) -> Result<()> {
    let format = common.format.data(OutputKind::Summary)?;
    let lang = lang_or_env(common.lang);
    let meaning = move |s: TcpState| one_line(s, lang);
    let explain: Option<&dyn Fn(TcpState) -> &'static str> =
        if args.explain { Some(&meaning) } else { None };
    let filter = common.filter();
    let style = Style::for_stdout();
    if let Some(by) = args.by {
        let (hosts, many) = group_targets(common, &filter, by, args.top)?;
        let view = GroupView {
            by,
            hosts: &hosts,
            many,
        };
        let mut out = stdout();
        render::groups(&mut out, format, style, &view)?;
        return finish(out);
    }
    let (hosts, many) = count_targets(common, &filter)?;
    let view = SummaryView {
        hosts: &hosts,
        many,
        explain,
    };
    let mut out = stdout();
    render::summary(&mut out, format, style, &view)?;
    finish(out)
}

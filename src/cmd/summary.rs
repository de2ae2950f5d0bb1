//! `tcpstate summary` (and `tcpstate` alone): counts per state, or grouped by a key (the
//! owning process and the namespace included) with, on `--stats`, what is inside each group's
//! connections, of the live host, of one network namespace, of every namespace (one column
//! each), or of saved captures (one column per file). Only `--stats` asks the kernel for
//! tcp_info; plain counting does not.

use std::sync::Arc;

use anyhow::Result;

use super::{
    UsageError, fail_if_any_failed, finish, lang_or_env, open_scope, print_notices, stdout,
};
use crate::cli::{Common, SummaryArgs};
use tcpstate::analyze::count::Counts;
use tcpstate::analyze::group::{Group, Grouper, Grouping};
use tcpstate::analyze::stats::GroupOrder;
use tcpstate::filter::Filter;
use tcpstate::render::{self, GroupView, HostCounts, OutputKind, Style, SummaryView};
use tcpstate::sink::{PerTarget, Sink};
use tcpstate::source::process::ProcessMap;
use tcpstate::source::scope::Order;
use tcpstate::tcp::explain::one_line;
use tcpstate::tcp::state::{StateSet, TcpState};
use tcpstate::tcpinfo::Extensions;

/// Targets of the run that could not be read (captures among several), by position, each with
/// its sentence.
type Failed = Vec<(usize, String)>;

/// Each target's label and sink, in order.
type Labelled<S> = Vec<(String, S)>;

/// One sink per target (one per `--from` file, one per namespace with `--all-netns`, else
/// one) filled in a single pass, each with its target's label, whether they are shown side by
/// side, and the captures among several that could not be read (the others are still read).
/// `make` builds a target's sink, given the scope's process map.
fn per_target<S: Sink>(
    common: &Common,
    filter: &Filter,
    owners: bool,
    extensions: Extensions,
    make: impl Fn(Option<Arc<ProcessMap>>) -> S,
) -> Result<(Labelled<S>, bool, Failed)> {
    let mut scope = open_scope(common, owners)?;
    scope.keep_going(true);
    if let Some(bar) = render::progress::on_stderr() {
        scope.show_progress(bar);
    }
    scope.ask(extensions);
    let map = scope.owners();
    let mut split = PerTarget::new(|| make(map.clone()));
    let report = scope.scan(filter, &mut split, Order::Any)?;
    print_notices(&report);
    let mut parts = split.into_parts();
    // A capture that failed before its sink was begun still gets its (empty) place.
    parts.resize_with(scope.targets().len(), || make(map.clone()));
    let labelled = scope
        .targets()
        .iter()
        .map(|t| t.label.clone())
        .zip(parts)
        .collect();
    Ok((labelled, scope.is_many(), report.failed))
}

/// Counts per target (every count of a capture that could not be read unknown), whether they
/// are shown side by side, and the captures that could not be read.
fn count_targets(common: &Common, filter: &Filter) -> Result<(Vec<HostCounts>, bool, Failed)> {
    let (parts, many, failed) = per_target(common, filter, false, Extensions::default(), |_| {
        Counts::asked(filter.states)
    })?;
    let hosts = parts
        .into_iter()
        .enumerate()
        .map(
            |(i, (label, counts))| match failed.iter().find(|f| f.0 == i) {
                None => HostCounts::known(label, counts),
                Some((_, why)) => HostCounts {
                    label,
                    counts: Counts::asked(filter.states),
                    unknown: StateSet::from_bits(u32::MAX),
                    note: Some(why.clone()),
                },
            },
        )
        .collect();
    Ok((hosts, many, failed))
}

/// One target's label and groups.
type HostGroups = (String, Vec<Group>);

/// How the groups are asked for: the keys, whether with their figures, the ranking and cut.
struct GroupAsk<'a> {
    by: &'a Grouping,
    stats: bool,
    order: GroupOrder,
    top: Option<usize>,
}

/// Groups per target, as `count_targets`; grouped by namespace, one grouping across every
/// target.
fn group_targets(
    common: &Common,
    filter: &Filter,
    ask: &GroupAsk,
) -> Result<(Vec<HostGroups>, bool, Failed)> {
    let extensions = Extensions {
        info: ask.stats,
        memory: false,
    };
    let make = |owners| Grouper::with_processes(ask.by.clone(), owners).with_stats(ask.stats);
    if ask.by.spans_targets() {
        let mut scope = open_scope(common, ask.by.needs_processes())?;
        scope.ask(extensions);
        let mut grouper = make(scope.owners());
        let report = scope.scan(filter, &mut grouper, Order::Any)?;
        print_notices(&report);
        let groups = grouper.finish_by(ask.order, ask.top);
        return Ok((vec![(String::new(), groups)], false, report.failed));
    }
    let (parts, many, failed) =
        per_target(common, filter, ask.by.needs_processes(), extensions, make)?;
    let hosts = parts
        .into_iter()
        .map(|(label, g)| (label, g.finish_by(ask.order, ask.top)))
        .collect();
    Ok((hosts, many, failed))
}

pub fn run(common: &Common, args: &SummaryArgs) -> Result<()> {
    let format = common.format.data(OutputKind::Summary)?;
    let lang = lang_or_env(common.lang);
    let meaning = move |s: TcpState| one_line(s, lang);
    let explain: Option<&dyn Fn(TcpState) -> &'static str> =
        if args.explain { Some(&meaning) } else { None };
    let filter = common.filter(&args.ss)?;
    let style = Style::for_stdout();
    if !args.by.is_empty() {
        let by = Grouping::of(&args.by).map_err(UsageError)?;
        let order = args.sort.unwrap_or(GroupOrder::Total);
        if order.needs_stats() && !args.stats {
            return Err(UsageError(format!(
                "--sort {} ranks by a figure of --stats; add --stats",
                order.word()
            ))
            .into());
        }
        let ask = GroupAsk {
            by: &by,
            stats: args.stats,
            order,
            top: args.top,
        };
        let (hosts, many, failed) = group_targets(common, &filter, &ask)?;
        let view = GroupView {
            by: &by,
            hosts: &hosts,
            many,
            stats: args.stats,
        };
        let mut out = stdout();
        render::groups(&mut out, format, style, &view)?;
        finish(out)?;
        return fail_if_any_failed(&failed);
    }
    let (hosts, many, failed) = count_targets(common, &filter)?;
    let view = SummaryView {
        hosts: &hosts,
        many,
        explain,
    };
    let mut out = stdout();
    render::summary(&mut out, format, style, &view)?;
    finish(out)?;
    fail_if_any_failed(&failed)
}

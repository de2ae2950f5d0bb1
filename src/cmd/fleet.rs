//! `tcpstate fleet`: the summary matrix of every host a Prometheus server scrapes (one instant
//! query of the exporters' series, arranged per instance, written by the summary's renderers),
//! per-port groups with `--by`, and `fleet check`, which judges every instance with check's
//! state thresholds and exits with the worst status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::{UsageError, finish, print_lines, stdout};
use crate::cli::Common;
use crate::cli::fleet::{FleetArgs, FleetBy, FleetCommand, FleetQuery};
use tcpstate::analyze::check::Severity;
use tcpstate::analyze::fleet::check::judge;
use tcpstate::analyze::fleet::{
    BY_PORT, CONNECTIONS, Instance, Order, SCRAPE_SUCCESS, UP, instances, order, port_groups,
};
use tcpstate::analyze::group::{GroupBy, Grouping};
use tcpstate::render::fleet::{FleetCheckView, gap_text, rows_csv, rows_table};
use tcpstate::render::{
    self, DataFormat, Format, GroupView, HostCounts, OutputKind, Style, SummaryView,
};
use tcpstate::source::prometheus::Prometheus;

/// `fleet`: the matrix, or the per-port groups.
pub fn run(common: &Common, args: &FleetArgs) -> Result<()> {
    let format = common.format.data(OutputKind::Fleet)?;
    refuse_local_flags(common)?;
    let (prom, mut fleet) = read_fleet(&args.query)?;
    let o = Order {
        sort: args.sort,
        top: args.top,
    };
    let style = Style::for_stdout();
    let mut out = stdout();
    if let Some(by) = args.by {
        let (direction, group_by) = match by {
            FleetBy::Port => ("local", GroupBy::LocalPort),
            FleetBy::RemotePort => ("remote", GroupBy::RemotePort),
        };
        let samples = prom.instant(
            &format!("{BY_PORT}{}", selector(&args.query)),
            args.query.at.as_deref(),
        )?;
        let groups = port_groups(&samples, direction, &fleet, o);
        print_lines(
            &groups
                .iter()
                .filter_map(|g| g.gap.map(|gap| format!("{}: {}", g.label, gap_text(gap))))
                .collect::<Vec<_>>(),
        );
        let hosts: Vec<_> = groups.into_iter().map(|g| (g.label, g.groups)).collect();
        let grouping = Grouping::one(group_by);
        let view = GroupView {
            stats: false,
            by: &grouping,
            hosts: &hosts,
            many: true,
        };
        render::groups(&mut out, format, style, &view)?;
        return finish(out);
    }
    let cut = order(&mut fleet, o);
    let mut notes = notes(&fleet);
    if cut > 0 {
        notes.push(format!("{cut} more instances not shown (--top)"));
    }
    print_lines(&notes);
    let hosts: Vec<HostCounts> = fleet.into_iter().map(host).collect();
    let view = SummaryView {
        hosts: &hosts,
        many: true,
        explain: None,
    };
    match format {
        DataFormat::Table if args.rows => rows_table(&mut out, style, &view)?,
        DataFormat::Csv if args.rows => rows_csv(&mut out, &view)?,
        _ => render::summary(&mut out, format, style, &view)?,
    }
    finish(out)
}

/// `fleet check`: the verdict; the exit code is its severity, 3 when it could not run.
pub fn run_check(common: &Common, args: &FleetArgs) -> ExitCode {
    super::check::plugin_exit(common.format, judge_and_write(common, args))
}

fn judge_and_write(common: &Common, args: &FleetArgs) -> Result<Severity> {
    let format = common.format.for_view(OutputKind::FleetCheck)?;
    refuse_local_flags(common)?;
    let Some(FleetCommand::Check(c)) = &args.command else {
        bail!("fleet check was not asked for");
    };
    if args.rows || args.sort.is_some() || args.top.is_some() || args.by.is_some() {
        return Err(UsageError(
            "--rows, --sort, --top and --by lay out the fleet's matrix; fleet check judges every instance without them".into(),
        )
        .into());
    }
    let t = super::check::thresholds(&c.thresholds)?;
    let (prom, fleet) = read_fleet(&args.query)?;
    let verdict = judge(&fleet, &t);
    let view = FleetCheckView {
        verdict: &verdict,
        source: prom.url(),
    };
    let mut out = stdout();
    match format {
        Format::Json => render::fleet::check_json(&mut out, &view)?,
        Format::Nagios => render::nagios::fleet(&mut out, &view)?,
        _ => render::fleet::check_table(&mut out, Style::for_stdout(), &view)?,
    }
    finish(out)?;
    Ok(verdict.severity)
}

/// The instances of the fleet as Prometheus holds them now (or `--at`).
fn read_fleet(q: &FleetQuery) -> Result<(Prometheus, Vec<Instance>)> {
    let Some(url) = q.prometheus.as_deref() else {
        return Err(UsageError(
            "fleet needs the Prometheus server to ask: --prometheus URL (or TCPSTATE_PROMETHEUS)"
                .into(),
        )
        .into());
    };
    let prom = Prometheus::new(url)?;
    let sel = selector(q);
    let at = q.at.as_deref();
    let connections = prom.instant(&format!("{CONNECTIONS}{sel}"), at)?;
    let success = prom.instant(&format!("{SCRAPE_SUCCESS}{sel}"), at)?;
    let up = prom.instant(&format!("{UP}{sel}"), at)?;
    let fleet = instances(&connections, &success, &up);
    if fleet.is_empty() {
        let matching = if sel.is_empty() {
            String::new()
        } else {
            format!(" matching {sel}")
        };
        let when = at.map(|t| format!(" at {t}")).unwrap_or_default();
        bail!(
            "Prometheus at {} has no {CONNECTIONS} series{matching}{when}: is a `tcpstate serve` scraped?",
            prom.url()
        );
    }
    Ok((prom, fleet))
}

/// `--match` as PromQL puts it after a metric name: `{…}`, braces added when left out.
fn selector(q: &FleetQuery) -> String {
    match q.selector.as_deref().map(str::trim) {
        None | Some("") => String::new(),
        Some(s) if s.starts_with('{') => s.to_string(),
        Some(s) => format!("{{{s}}}"),
    }
}

/// The fleet reads Prometheus, not this host's sockets: the flags that choose or filter local
/// sockets are a mistake here, said as one.
fn refuse_local_flags(c: &Common) -> Result<()> {
    let used = c.local_flags_used();
    if used.is_empty() {
        return Ok(());
    }
    Err(UsageError(format!(
        "fleet reads the counts Prometheus holds, so {} cannot apply; narrow the instances with --match",
        used.join(", ")
    ))
    .into())
}

/// Notes on stderr for every instance whose counts are not all known.
fn notes(fleet: &[Instance]) -> Vec<String> {
    fleet
        .iter()
        .filter_map(|i| i.gap.map(|g| format!("{}: {}", i.label, gap_text(g))))
        .collect()
}

fn host(i: Instance) -> HostCounts {
    HostCounts {
        note: i.gap.map(gap_text),
        label: i.label,
        counts: i.counts,
        unknown: i.unknown,
    }
}

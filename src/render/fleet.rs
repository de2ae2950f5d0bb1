//! The fleet's views beyond the summary matrix it shares with saved captures: why an
//! instance's counts are unknown (one sentence each), the matrix turned on its side
//! (`--rows`: one row per instance, in `table` and `csv`), and the verdict of `fleet check`
//! for people (`table`) and scripts (`json`; `nagios` is in `render::nagios`).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::table::{Align, write_aligned};
use super::{Style, SummaryView, cell};
use crate::analyze::check::Severity;
use crate::analyze::fleet::Gap;
use crate::analyze::fleet::check::{FleetVerdict, InstanceVerdict, SKIPPED, StateVerdict};
use crate::tcp::state::TcpState;

/// Why an instance's counts are unknown, as one sentence without a full stop.
pub fn gap_text(gap: Gap) -> String {
    match gap {
        Gap::ScrapeFailed => {
            "Prometheus's last scrape of it failed (up == 0): its counts are unknown".into()
        }
        Gap::DumpFailed => {
            "its exporter could not read the sockets (tcpstate_scrape_success == 0): its counts are unknown".into()
        }
        Gap::MissingSeries { present, expected } => format!(
            "it has {present} of the {expected} tcpstate_connections series: the states it lacks are unknown"
        ),
        Gap::NoPortSeries => {
            "it has no tcpstate_connections_by_port series (serve tracks ports with --by-port or --listeners)".into()
        }
    }
}

/// The summary matrix with one row per host: `HOST TOTAL STATE…` (the states present, largest
/// first, as the summary's rows), then `ALL`. `csv`: every state, zero-filled, unknown empty.
pub fn rows_table(w: &mut dyn Write, style: Style, v: &SummaryView) -> io::Result<()> {
    let states = v.row_states();
    let mut header = vec!["INSTANCE".to_string(), "TOTAL".to_string()];
    header.extend(states.iter().map(|s| s.netstat_name().to_string()));
    let mut align = vec![Align::Left];
    align.extend(std::iter::repeat_n(Align::Right, states.len() + 1));
    let mut rows: Vec<Vec<String>> = v
        .hosts
        .iter()
        .map(|h| {
            let mut r = vec![h.label.clone(), cell(h.total())];
            r.extend(states.iter().map(|&s| cell(h.get(s))));
            r
        })
        .collect();
    let all = v.combined();
    let mut r = vec!["ALL".to_string(), all.total().to_string()];
    r.extend(states.iter().map(|&s| all.get(s).to_string()));
    rows.push(r);
    write_aligned(w, style, &header, &align, &rows)
}

/// `instance,total,<every state key>` per host; unknown counts are empty fields.
pub fn rows_csv(w: &mut dyn Write, v: &SummaryView) -> io::Result<()> {
    let field = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut c = csv::Writer::from_writer(w);
    let mut header = vec!["instance".to_string(), "total".to_string()];
    header.extend(TcpState::REPORTED.iter().map(|s| s.key().to_string()));
    c.write_record(&header).map_err(io::Error::other)?;
    for h in v.hosts {
        let mut r = vec![h.label.clone(), field(h.total())];
        r.extend(TcpState::REPORTED.iter().map(|&s| field(h.get(s))));
        c.write_record(&r).map_err(io::Error::other)?;
    }
    c.flush()
}

/// Everything the verdict's writers need.
pub struct FleetCheckView<'a> {
    pub verdict: &'a FleetVerdict,
    /// The Prometheus server asked.
    pub source: &'a str,
}

/// `ESTABLISHED 7 (warning above 5)`, `ESTABLISHED unknown`.
pub fn state_text(s: &StateVerdict) -> String {
    let name = s.state.netstat_name();
    let Some(value) = s.value else {
        return format!("{name} unknown");
    };
    let above = match s.severity {
        Severity::Critical => s.crit_above.map(|n| format!("critical above {n}")),
        Severity::Warning => s.warn_above.map(|n| format!("warning above {n}")),
        Severity::Unknown => Some("its share of an unknown total".into()),
        Severity::Ok => None,
    };
    match above {
        Some(a) => format!("{name} {value} ({a})"),
        None => format!("{name} {value}"),
    }
}

/// What is wrong with an instance, in one line: its problem states, or why it is unknown.
pub fn instance_text(i: &InstanceVerdict) -> String {
    let problems: Vec<String> = i.problems().map(state_text).collect();
    let mut parts = Vec::new();
    if let Some(g) = i.gap
        && (i.severity == Severity::Unknown || !problems.is_empty() || g != Gap::NoPortSeries)
    {
        parts.push(gap_text(g));
    }
    if !problems.is_empty() && !matches!(i.gap, Some(Gap::ScrapeFailed | Gap::DumpFailed)) {
        parts.push(problems.join(", "));
    }
    if parts.is_empty() {
        "OK".into()
    } else {
        parts.join("; ")
    }
}

/// The sentence naming the rules that could not run.
pub fn skipped_text() -> String {
    let ids: Vec<&str> = SKIPPED.iter().map(|r| r.id()).collect();
    format!(
        "skipped: {} (they need the sockets or the kernel's counters and sysctls, which Prometheus does not hold); close_wait, time_wait, closing_peers and fin_wait2 are judged on their state counts only",
        ids.join(", ")
    )
}

/// The verdict for people: a status line, one row per instance, the skipped rules.
pub fn check_table(w: &mut dyn Write, style: Style, v: &FleetCheckView) -> io::Result<()> {
    let vd = v.verdict;
    let bad = vd
        .instances
        .iter()
        .filter(|i| i.severity > Severity::Ok)
        .count();
    writeln!(
        w,
        "fleet {}: {bad} of {} instances not OK (from {})",
        vd.severity.word(),
        vd.instances.len(),
        v.source
    )?;
    let header: Vec<String> = ["STATUS", "INSTANCE", "TOTAL", "FINDINGS"]
        .map(String::from)
        .into();
    let rows: Vec<Vec<String>> = vd
        .instances
        .iter()
        .map(|i| {
            vec![
                i.severity.word().to_string(),
                i.label.clone(),
                cell(i.total),
                instance_text(i),
            ]
        })
        .collect();
    write_aligned(
        w,
        style,
        &header,
        &[Align::Left, Align::Left, Align::Right, Align::Left],
        &rows,
    )?;
    writeln!(w, "{}", skipped_text())
}

/// The verdict as JSON: `{"status", "exit_code", "source", "instances": [{"instance",
/// "status", "total", "note", "states": [{"state", "count", "warn", "crit", "status"}]}],
/// "skipped": [rule ids]}`; unknown counts are null, thresholds "alert above" numbers.
pub fn check_json(w: &mut dyn Write, v: &FleetCheckView) -> io::Result<()> {
    let vd = v.verdict;
    let instances: Vec<Value> = vd
        .instances
        .iter()
        .map(|i| {
            json!({
                "instance": i.label,
                "status": i.severity.word(),
                "total": i.total,
                "note": i.gap.map(gap_text),
                "states": i.states.iter().map(|s| json!({
                    "state": s.state.key(),
                    "count": s.value,
                    "warn": s.warn_above,
                    "crit": s.crit_above,
                    "status": s.severity.word(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "status": vd.severity.word(),
        "exit_code": vd.severity.exit_code(),
        "source": v.source,
        "instances": instances,
        "skipped": SKIPPED.iter().map(|r| r.id()).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::count::Counts;
    use crate::render::{DataFormat, HostCounts, summary};
    use crate::socket::Family;
    use crate::tcp::state::StateSet;

    /// Two hosts, the second with unknown ESTABLISHED and LISTEN counts.
    fn hosts() -> Vec<HostCounts> {
        let mut a = Counts::new();
        a.add(Family::V4, TcpState::Established, 5);
        a.add(Family::V6, TcpState::Listen, 2);
        let mut b = Counts::new();
        b.add(Family::V4, TcpState::TimeWait, 3);
        vec![
            HostCounts::known("a".into(), a),
            HostCounts {
                label: "b".into(),
                counts: b,
                unknown: StateSet::of(&[TcpState::Established, TcpState::Listen]),
                note: Some("why".into()),
            },
        ]
    }

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn unknown_counts_are_never_zero() {
        let hosts = hosts();
        let v = SummaryView {
            hosts: &hosts,
            many: true,
            explain: None,
        };
        let style = Style::default();
        let table = text(|w| summary(w, DataFormat::Table, style, &v));
        assert!(table.contains("ESTABLISHED  5  ?    5"), "{table}");
        assert!(table.contains("TOTAL        7  ?   10"), "{table}");
        let plain = text(|w| summary(w, DataFormat::Plain, style, &v));
        assert_eq!(plain, "a ESTABLISHED 5\na LISTEN 2\nb TIME_WAIT 3\n");
        let csv = text(|w| summary(w, DataFormat::Csv, style, &v));
        assert!(csv.contains("ESTABLISHED,5,,5\n"), "{csv}");
        let json: Value =
            serde_json::from_str(&text(|w| summary(w, DataFormat::Json, style, &v))).unwrap();
        let b = &json["hosts"][1];
        assert!(
            b["total"].is_null() && b["states"]["established"].is_null(),
            "{b:#}"
        );
        assert_eq!(b["states"]["time_wait"], 3);
        assert_eq!(b["note"], "why");
        assert!(b["families"]["ipv4"]["states"]["listen"].is_null());
        assert_eq!(json["hosts"][0]["total"], 7);
        let rows = text(|w| rows_table(w, style, &v));
        assert!(
            rows.lines().any(|l| l.starts_with("b ") && l.contains('?')),
            "{rows}"
        );
        let rows = text(|w| rows_csv(w, &v));
        assert!(rows.contains("\nb,,,0,0,0,0,3,0,0,0,,0,\n"), "{rows}");
    }
}

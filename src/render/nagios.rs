//! The monitoring-plugin format (Nagios, Icinga, Naemon, Sensu, Zabbix agents): one status
//! line `TCPSTATE WARNING - <summary> | 'label'=value[UOM];warn;crit;min;max …`, then, as the
//! plugin guidelines allow, long text on the following lines (one block per problem). Plugin
//! output may not contain `|` except as the perfdata separator, so it is replaced in texts.

use std::io::{self, Write};

use super::check::{CheckView, KeyText};
use super::fleet::{FleetCheckView, instance_text, skipped_text};
use crate::analyze::check::messages::CheckMsg;
use crate::analyze::check::{Perf, Severity};
use crate::i18n::check::{Label, advice};

/// The service name at the start of the status line.
pub const SERVICE: &str = "TCPSTATE";

/// Text made safe for plugin output: no `|`, no line breaks.
fn clean(text: &str) -> String {
    text.replace('|', "/").replace(['\n', '\r'], " ")
}

fn number(v: Option<u64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// One perfdata item: `'label'=value[UOM];warn;crit;min;max`.
pub fn perf_item(p: &Perf) -> String {
    perf_text(p.label, p.value, p.uom, [p.warn, p.crit, p.min, p.max])
}

/// A perfdata item from its parts: label, value, unit, then warn, crit, min and max.
fn perf_text(
    label: &str,
    value: u64,
    uom: &str,
    [warn, crit, min, max]: [Option<u64>; 4],
) -> String {
    format!(
        "'{}'={value}{uom};{};{};{};{}",
        label.replace(['\'', '='], "_"),
        number(warn),
        number(crit),
        number(min),
        number(max)
    )
}

/// `fleet check`: the fleet's status line — the instances that are not OK and why — with
/// perfdata for every judged state of every instance (`'instance state'`; an unknown count
/// has no item), then one long-text line per instance that is not OK and the skipped rules.
pub fn fleet(w: &mut dyn Write, v: &FleetCheckView) -> io::Result<()> {
    let vd = v.verdict;
    let bad: Vec<_> = vd
        .instances
        .iter()
        .filter(|i| i.severity > Severity::Ok)
        .collect();
    let summary = if vd.instances.is_empty() {
        "no instance".to_string()
    } else if bad.is_empty() {
        format!("{} instances OK", vd.instances.len())
    } else {
        let each: Vec<String> = bad
            .iter()
            .map(|i| format!("{} {}", i.label, instance_text(i)))
            .collect();
        format!(
            "{} of {} instances not OK: {}",
            bad.len(),
            vd.instances.len(),
            each.join("; ")
        )
    };
    let perf: Vec<String> = vd
        .instances
        .iter()
        .flat_map(|i| {
            i.states.iter().filter_map(move |s| {
                let label = format!("{} {}", i.label, s.state.key());
                let value = s.value?;
                Some(perf_text(
                    &label,
                    value,
                    "",
                    [s.warn_above, s.crit_above, Some(0), i.total],
                ))
            })
        })
        .collect();
    writeln!(
        w,
        "{SERVICE} {} - {} | {}",
        vd.severity.word(),
        clean(&summary),
        perf.join(" ")
    )?;
    for i in &bad {
        writeln!(
            w,
            "{} {}: {}",
            i.severity.word(),
            clean(&i.label),
            clean(&instance_text(i))
        )?;
    }
    writeln!(w, "{}", clean(&skipped_text()))
}

/// The status line and long text.
pub fn check(w: &mut dyn Write, v: &CheckView) -> io::Result<()> {
    let r = v.report;
    let lang = v.lang;
    let problems = r.problems();
    let summary = if problems.is_empty() {
        CheckMsg::AllOk { sockets: r.total() }.text(lang)
    } else {
        problems
            .iter()
            .map(|f| format!("{}: {}", f.rule.id(), f.summary.text(lang)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let perf = r.perf.iter().map(perf_item).collect::<Vec<_>>().join(" ");
    writeln!(
        w,
        "{SERVICE} {} - {} | {perf}",
        r.severity.word(),
        clean(&summary)
    )?;
    for f in &problems {
        writeln!(
            w,
            "{} {}: {}",
            f.severity.word(),
            f.rule.id(),
            clean(&f.summary.text(lang))
        )?;
        for e in &f.evidence {
            writeln!(w, "  {}", clean(&e.text(lang)))?;
        }
        for o in &f.offenders {
            writeln!(
                w,
                "  {}: {}  {}",
                Label::Top.text(lang),
                clean(&KeyText(&o.key).to_string()),
                clean(&o.text.text(lang))
            )?;
        }
        writeln!(
            w,
            "  {}: {}",
            Label::Advice.text(lang),
            clean(&advice(f.rule, f.advice, lang))
        )?;
    }
    Ok(())
}

/// The status line of a check that could not run: UNKNOWN and the reason.
pub fn unknown(w: &mut dyn Write, reason: &str) -> io::Result<()> {
    writeln!(
        w,
        "{SERVICE} {} - {}",
        Severity::Unknown.word(),
        clean(reason)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfdata_items() {
        let p = Perf {
            label: "time_wait",
            value: 9137,
            uom: "",
            warn: Some(20000),
            crit: Some(30000),
            min: Some(0),
            max: None,
        };
        assert_eq!(perf_item(&p), "'time_wait'=9137;20000;30000;0;");
        let c = Perf {
            label: "listen_overflows",
            value: 3,
            uom: "c",
            warn: None,
            crit: None,
            min: Some(0),
            max: None,
        };
        assert_eq!(perf_item(&c), "'listen_overflows'=3c;;;0;");
        assert_eq!(clean("a | b\nc"), "a / b c");
    }
}

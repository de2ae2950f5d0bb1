//! The health check's report for people (`table`, `plain`: the status, then each finding with
//! its severity, evidence, top offenders and advice, coloured on a terminal only) and as JSON.
//! The monitoring-plugin format is in [`super::nagios`].

use std::fmt;
use std::io::{self, Write};
use std::net::IpAddr;

use serde_json::{Map, Value, json};

use super::json::counts_value;
use super::text::{width, wrap};
use super::{Format, Style};
use crate::analyze::check::messages::CheckMsg;
use crate::analyze::check::sink::Host;
use crate::analyze::check::{CheckReport, Finding, OffenderKey, Perf, Severity};
use crate::i18n::Lang;
use crate::i18n::check::{Label, advice};

/// Everything a check renderer needs.
pub struct CheckView<'a> {
    pub report: &'a CheckReport,
    pub host: &'a str,
    pub lang: Lang,
    /// Show evidence and offenders of OK findings too.
    pub verbose: bool,
}

/// An offender's key: `127.0.0.1 -> 10.0.0.7:443`, `:8080`, `[::]:80`, `10.0.0.7`.
pub struct KeyText<'a>(pub &'a OffenderKey);

struct HostText<'a>(&'a Host);

impl fmt::Display for HostText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Host::Ip(ip) => write!(f, "{ip}"),
            Host::Name(n) => f.write_str(n),
            Host::Unknown => f.write_str("?"),
        }
    }
}

fn write_host_port(f: &mut fmt::Formatter<'_>, h: &Host, port: u16) -> fmt::Result {
    match h {
        Host::Ip(IpAddr::V6(v6)) => write!(f, "[{v6}]:{port}"),
        other => write!(f, "{}:{port}", HostText(other)),
    }
}

impl fmt::Display for KeyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            OffenderKey::Tuple(t) => {
                write!(f, "{} -> ", t.local)?;
                write_host_port(f, &Host::Ip(t.remote), t.remote_port)
            }
            OffenderKey::Port { port, owner } => match owner {
                Some(o) => write!(f, ":{port} ({o})"),
                None => write!(f, ":{port}"),
            },
            OffenderKey::Listener { host, port } => write_host_port(f, host, *port),
            OffenderKey::Peer(h) => write!(f, "{}", HostText(h)),
            OffenderKey::Reason(r) => f.write_str(r),
        }
    }
}

fn kind(k: &OffenderKey) -> &'static str {
    match k {
        OffenderKey::Tuple(_) => "tuple",
        OffenderKey::Port { .. } => "port",
        OffenderKey::Listener { .. } => "listener",
        OffenderKey::Peer(_) => "peer",
        OffenderKey::Reason(_) => "reason",
    }
}

fn severity_colour(s: Severity) -> anstyle::AnsiColor {
    match s {
        Severity::Ok => anstyle::AnsiColor::Green,
        Severity::Warning => anstyle::AnsiColor::Yellow,
        Severity::Critical => anstyle::AnsiColor::Red,
        Severity::Unknown => anstyle::AnsiColor::Magenta,
    }
}

fn write_severity(w: &mut dyn Write, style: Style, s: Severity, width: usize) -> io::Result<()> {
    let word = s.word();
    if style.colour {
        let st = anstyle::Style::new()
            .bold()
            .fg_color(Some(severity_colour(s).into()));
        write!(w, "{}{word:<width$}{}", st.render(), st.render_reset())
    } else {
        write!(w, "{word:<width$}")
    }
}

const INDENT: &str = "    ";
const TEXT_WIDTH: usize = 92;

fn labelled(w: &mut dyn Write, label: &str, text: &str) -> io::Result<()> {
    if text.trim().is_empty() {
        return Ok(());
    }
    let pad = 10usize.saturating_sub(width(label));
    for (i, line) in wrap(text, TEXT_WIDTH).iter().enumerate() {
        if i == 0 {
            writeln!(w, "{INDENT}{label}{}{line}", " ".repeat(pad))?;
        } else {
            writeln!(w, "{INDENT}{}{line}", " ".repeat(10))?;
        }
    }
    Ok(())
}

fn finding(w: &mut dyn Write, style: Style, v: &CheckView, f: &Finding) -> io::Result<()> {
    let lang = v.lang;
    write_severity(w, style, f.severity, 9)?;
    writeln!(w, " {:<16} {}", f.rule.id(), f.summary.text(lang))?;
    let full = v.verbose || f.severity != Severity::Ok;
    if full {
        for e in &f.evidence {
            labelled(w, &Label::Evidence.text(lang), &e.text(lang))?;
        }
        for o in &f.offenders {
            let text = format!("{}  {}", KeyText(&o.key), o.text.text(lang));
            labelled(w, &Label::Top.text(lang), &text)?;
        }
    }
    for n in &f.notes {
        // A skipped rule's summary already says why.
        if matches!(&f.summary, CheckMsg::Skipped { why } if **why == *n) {
            continue;
        }
        labelled(w, &Label::Note.text(lang), &n.text(lang))?;
    }
    if f.severity != Severity::Ok {
        labelled(
            w,
            &Label::Advice.text(lang),
            &advice(f.rule, f.advice, lang),
        )?;
    }
    Ok(())
}

/// The report for people: a status line, then the problems worst first, then the rest.
/// Write the report in `format` (one `check` writes: table, plain, json, nagios; others
/// as table). `style` decorates the table; plain is the table without colour.
pub fn write(w: &mut dyn Write, format: Format, style: Style, v: &CheckView) -> io::Result<()> {
    match format {
        Format::Plain => human(w, Style::default(), v),
        Format::Json => json(w, v),
        Format::Nagios => super::nagios::check(w, v),
        _ => human(w, style, v),
    }
}

pub fn human(w: &mut dyn Write, style: Style, v: &CheckView) -> io::Result<()> {
    let r = v.report;
    let problems = r.problems();
    style.header(w, &format!("tcpstate check {}: ", v.host))?;
    write_severity(w, style, r.severity, 0)?;
    let headline = Label::Headline {
        problems: problems.len() as u64,
        sockets: r.total(),
    };
    let sampling = Label::Sampling {
        interval: r.interval.map(|d| d.as_secs_f64()),
        live: r.live,
    };
    writeln!(
        w,
        " - {} ({})",
        headline.text(v.lang),
        sampling.text(v.lang)
    )?;
    writeln!(w)?;
    for f in &problems {
        finding(w, style, v, f)?;
    }
    for f in r.findings.iter().filter(|f| f.severity == Severity::Ok) {
        finding(w, style, v, f)?;
    }
    Ok(())
}

fn perf_value(p: &Perf) -> Value {
    json!({
        "label": p.label, "value": p.value, "uom": p.uom,
        "warn": p.warn, "crit": p.crit, "min": p.min, "max": p.max,
    })
}

/// The report as one JSON document (schema in the README).
pub fn json(w: &mut dyn Write, v: &CheckView) -> io::Result<()> {
    let r = v.report;
    let lang = v.lang;
    let findings: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let mut metrics = Map::new();
            for (k, n) in &f.metrics {
                metrics.insert((*k).to_string(), json!(n));
            }
            json!({
                "rule": f.rule.id(),
                "severity": f.severity.word(),
                "summary": f.summary.text(lang),
                "evidence": f.evidence.iter().map(|e| e.text(lang)).collect::<Vec<_>>(),
                "offenders": f.offenders.iter().map(|o| json!({
                    "kind": kind(&o.key),
                    "key": KeyText(&o.key).to_string(),
                    "count": o.count,
                    "limit": o.limit,
                    "text": o.text.text(lang),
                })).collect::<Vec<_>>(),
                "advice": advice(f.rule, f.advice, lang),
                "notes": f.notes.iter().map(|n| n.text(lang)).collect::<Vec<_>>(),
                "metrics": metrics,
            })
        })
        .collect();
    let doc = json!({
        "host": v.host,
        "status": r.severity.word(),
        "exit_code": r.severity.exit_code(),
        "sockets": r.total(),
        "samples": if r.interval.is_some() { 2 } else { 1 },
        "interval_seconds": r.interval.map(|d| (d.as_secs_f64() * 1000.0).round() / 1000.0),
        "host_facts": r.live,
        "lang": match lang { Lang::En => "en", Lang::Zh => "zh" },
        "counts": counts_value(&r.counts, None),
        "findings": findings,
        "perfdata": r.perf.iter().map(perf_value).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}

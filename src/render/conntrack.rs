//! The conntrack table's summary and groups in every data format: counts per conntrack
//! state (zero-filled in JSON and CSV; `STATE COUNT` lines in `plain`, as awk over
//! `/proc/net/nf_conntrack` prints them), the table's size, limit and fill, its statistics,
//! and entries grouped by peer, port or state.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::table::{Align, write_aligned};
use super::{DataFormat, Style};
use crate::analyze::conntrack::{CtGroup, CtKey};
use crate::analyze::count::share;
use crate::conntrack::{CtCounts, CtState, CtStats, CtTable};

/// One target's counts and what is known of its table.
#[derive(Debug, Clone)]
pub struct CtHost {
    pub label: String,
    pub counts: CtCounts,
    pub table: CtTable,
    pub stats: Option<CtStats>,
}

/// The summary: one host, or several side by side.
pub struct CtSummaryView<'a> {
    pub hosts: &'a [CtHost],
    pub many: bool,
}

/// Groups per target.
pub struct CtGroupView<'a> {
    pub by: &'a [CtKey],
    pub hosts: &'a [(String, Vec<CtGroup>)],
    pub many: bool,
}

/// The JSON key of a state: its kernel name in lower case.
pub fn state_key(s: CtState) -> String {
    s.name().to_ascii_lowercase()
}

/// Non-zero states, largest first (ties in `CtState::ALL` order).
fn rows(c: &CtCounts) -> Vec<(CtState, u64)> {
    let mut v: Vec<(CtState, u64)> = c.all().filter(|&(_, n)| n > 0).collect();
    v.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    v
}

fn states_value(c: &CtCounts) -> Value {
    Value::Object(
        c.all()
            .map(|(s, n)| (state_key(s), json!(n)))
            .collect::<Map<String, Value>>(),
    )
}

fn table_value(t: &CtTable) -> Value {
    json!({
        "entries": t.entries,
        "max": t.max,
        "fill": t.fill().map(|f| (f * 10000.0).round() / 10000.0),
    })
}

fn stats_value(s: &Option<CtStats>) -> Value {
    match s {
        None => Value::Null,
        Some(s) => Value::Object(
            s.named()
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect(),
        ),
    }
}

fn host_value(h: &CtHost) -> Value {
    json!({
        "host": h.label,
        "total": h.counts.total(),
        "states": states_value(&h.counts),
        "table": table_value(&h.table),
        "stats": stats_value(&h.stats),
    })
}

/// `12 of 262144 entries (0.0 % full)`, or what is known of it.
pub fn table_line(t: &CtTable) -> String {
    match (t.entries, t.max, t.fill()) {
        (Some(e), Some(m), Some(f)) => format!("{e} of {m} entries ({:.1} % full)", f * 100.0),
        (Some(e), _, _) => format!("{e} entries, limit unknown"),
        _ => "size unknown (a capture)".to_string(),
    }
}

/// Write the summary in `format`.
pub fn summary(
    w: &mut dyn Write,
    format: DataFormat,
    style: Style,
    v: &CtSummaryView,
) -> io::Result<()> {
    match format {
        DataFormat::Plain => {
            for h in v.hosts {
                for (s, n) in rows(&h.counts) {
                    if v.many {
                        write!(w, "{} ", h.label)?;
                    }
                    writeln!(w, "{} {n}", s.name())?;
                }
            }
            Ok(())
        }
        DataFormat::Json => {
            let value = if v.many {
                let mut all = CtCounts::default();
                for h in v.hosts {
                    all.merge(&h.counts);
                }
                json!({
                    "hosts": v.hosts.iter().map(host_value).collect::<Vec<_>>(),
                    "all": { "total": all.total(), "states": states_value(&all) },
                })
            } else {
                match v.hosts.first() {
                    Some(h) => host_value(h),
                    None => Value::Null,
                }
            };
            serde_json::to_writer_pretty(&mut *w, &value)?;
            w.write_all(b"\n")
        }
        DataFormat::Csv => {
            let mut c = csv::Writer::from_writer(w);
            let head: &[&str] = if v.many {
                &["host", "state", "count"]
            } else {
                &["state", "count"]
            };
            c.write_record(head)?;
            for h in v.hosts {
                for (s, n) in h.counts.all() {
                    let n = n.to_string();
                    if v.many {
                        c.write_record([h.label.as_str(), s.name(), &n])?;
                    } else {
                        c.write_record([s.name(), &n])?;
                    }
                }
            }
            c.flush()
        }
        DataFormat::Table => summary_table(w, style, v),
    }
}

fn summary_table(w: &mut dyn Write, style: Style, v: &CtSummaryView) -> io::Result<()> {
    let mut header = vec!["STATE".to_string()];
    let mut align = vec![Align::Left];
    for h in v.hosts {
        header.push(if v.many {
            h.label.clone()
        } else {
            "COUNT".into()
        });
        align.push(Align::Right);
    }
    if !v.many {
        header.push("SHARE".into());
        align.push(Align::Right);
    }
    let present: Vec<CtState> = CtState::ALL
        .into_iter()
        .filter(|&s| v.hosts.iter().any(|h| h.counts.get(s) > 0))
        .collect();
    let mut rows: Vec<Vec<String>> = present
        .iter()
        .map(|&s| {
            let mut r = vec![s.name().to_string()];
            r.extend(v.hosts.iter().map(|h| h.counts.get(s).to_string()));
            if let (false, Some(h)) = (v.many, v.hosts.first()) {
                r.push(format!("{:.1}%", share(h.counts.get(s), h.counts.total())));
            }
            r
        })
        .collect();
    let mut total = vec!["TOTAL".to_string()];
    total.extend(v.hosts.iter().map(|h| h.counts.total().to_string()));
    rows.push(total);
    write_aligned(w, style, &header, &align, &rows)?;
    for h in v.hosts {
        let who = if v.many {
            format!("{}: ", h.label)
        } else {
            String::new()
        };
        writeln!(w, "\n{who}conntrack table: {}", table_line(&h.table))?;
        if let Some(s) = &h.stats {
            writeln!(
                w,
                "{who}since boot: insert_failed {}, drop {}, early_drop {}, search_restart {}",
                s.insert_failed, s.drop, s.early_drop, s.search_restart
            )?;
        }
    }
    Ok(())
}

/// Write groups in `format`.
pub fn groups(
    w: &mut dyn Write,
    format: DataFormat,
    style: Style,
    v: &CtGroupView,
) -> io::Result<()> {
    let by_word: Vec<&str> = v.by.iter().map(|k| k.name()).collect();
    match format {
        DataFormat::Plain => {
            for (label, groups) in v.hosts {
                for g in groups {
                    if v.many {
                        write!(w, "{label} ")?;
                    }
                    writeln!(w, "{} {}", g.key.join(","), g.counts.total())?;
                }
            }
            Ok(())
        }
        DataFormat::Json => {
            let mut out = Vec::new();
            for (label, groups) in v.hosts {
                for g in groups {
                    let keys: Map<String, Value> = by_word
                        .iter()
                        .zip(&g.key)
                        .map(|(k, p)| (k.to_string(), json!(p)))
                        .collect();
                    let mut o = json!({
                        "by": by_word.join(","),
                        "keys": keys,
                        "total": g.counts.total(),
                        "states": states_value(&g.counts),
                    });
                    if v.many
                        && let Some(obj) = o.as_object_mut()
                    {
                        obj.insert("host".into(), json!(label));
                    }
                    out.push(o);
                }
            }
            serde_json::to_writer_pretty(&mut *w, &out)?;
            w.write_all(b"\n")
        }
        DataFormat::Csv => {
            let mut c = csv::Writer::from_writer(w);
            let mut head: Vec<String> = Vec::new();
            if v.many {
                head.push("host".into());
            }
            head.extend(by_word.iter().map(|s| s.to_string()));
            head.push("total".into());
            head.extend(CtState::ALL.iter().map(|s| s.name().to_string()));
            c.write_record(&head)?;
            for (label, groups) in v.hosts {
                for g in groups {
                    let mut r: Vec<String> = Vec::new();
                    if v.many {
                        r.push(label.clone());
                    }
                    r.extend(g.key.iter().cloned());
                    r.push(g.counts.total().to_string());
                    r.extend(g.counts.all().map(|(_, n)| n.to_string()));
                    c.write_record(&r)?;
                }
            }
            c.flush()
        }
        DataFormat::Table => {
            let present: Vec<CtState> = CtState::ALL
                .into_iter()
                .filter(|&s| {
                    v.hosts
                        .iter()
                        .any(|(_, gs)| gs.iter().any(|g| g.counts.get(s) > 0))
                })
                .collect();
            let mut header: Vec<String> = Vec::new();
            if v.many {
                header.push("HOST".into());
            }
            header.extend(by_word.iter().map(|s| s.to_ascii_uppercase()));
            header.push("TOTAL".into());
            header.extend(present.iter().map(|s| s.name().to_string()));
            let keys = by_word.len() + usize::from(v.many);
            let align: Vec<Align> = (0..header.len())
                .map(|i| if i < keys { Align::Left } else { Align::Right })
                .collect();
            let mut rows = Vec::new();
            for (label, groups) in v.hosts {
                for g in groups {
                    let mut r: Vec<String> = Vec::new();
                    if v.many {
                        r.push(label.clone());
                    }
                    r.extend(g.key.iter().cloned());
                    r.push(g.counts.total().to_string());
                    r.extend(present.iter().map(|&s| g.counts.get(s).to_string()));
                    rows.push(r);
                }
            }
            write_aligned(w, style, &header, &align, &rows)
        }
    }
}

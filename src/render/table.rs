//! The `table` format: aligned columns for people, a bold header and coloured states on a
//! terminal only.

use std::io::{self, Write};

use super::text::width as display_width;
use super::{GroupView, Style, SummaryView, cell, group_heading, group_stats, state_label};
use crate::analyze::count::share;
use crate::analyze::group::present_states;
use crate::tcp::state::TcpState;

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Write rows under a header as aligned columns.
pub fn write_aligned(
    w: &mut dyn Write,
    style: Style,
    header: &[String],
    align: &[Align],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let cols = header.len();
    let mut width = vec![0usize; cols];
    for r in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        for (i, c) in r.iter().enumerate().take(cols) {
            width[i] = width[i].max(display_width(c));
        }
    }
    let render = |r: &[String]| -> String {
        let mut s = String::new();
        for (i, c) in r.iter().enumerate().take(cols) {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = width[i].saturating_sub(display_width(c));
            match align.get(i).copied().unwrap_or(Align::Right) {
                Align::Left => {
                    s.push_str(c);
                    s.extend(std::iter::repeat_n(' ', pad));
                }
                Align::Right => {
                    s.extend(std::iter::repeat_n(' ', pad));
                    s.push_str(c);
                }
            }
        }
        s.trim_end().to_string()
    };
    style.header(w, &render(header))?;
    w.write_all(b"\n")?;
    for r in rows {
        w.write_all(render(r).as_bytes())?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// A summary: one row per state with its count and share (one host), or one column per host.
pub fn summary(w: &mut dyn Write, style: Style, v: &SummaryView) -> io::Result<()> {
    let states = v.row_states();
    let combined = v.combined();
    let total = combined.total();
    let mut rows = Vec::new();
    let (header, mut align): (Vec<String>, Vec<Align>) = if !v.multi() {
        for &s in &states {
            rows.push(vec![
                state_label(s).to_string(),
                combined.get(s).to_string(),
                format!("{:.1}%", share(combined.get(s), total)),
            ]);
        }
        rows.push(vec![
            "TOTAL".into(),
            total.to_string(),
            format!("{:.1}%", if total > 0 { 100.0 } else { 0.0 }),
        ]);
        (
            vec!["STATE".into(), "COUNT".into(), "SHARE".into()],
            vec![Align::Left, Align::Right, Align::Right],
        )
    } else {
        for &s in &states {
            let mut r = vec![state_label(s).to_string()];
            r.extend(v.hosts.iter().map(|h| cell(h.get(s))));
            r.push(combined.get(s).to_string());
            rows.push(r);
        }
        let mut r = vec!["TOTAL".to_string()];
        r.extend(v.hosts.iter().map(|h| cell(h.total())));
        r.push(total.to_string());
        rows.push(r);
        let mut h = vec!["STATE".to_string()];
        h.extend(v.hosts.iter().map(|h| h.label.clone()));
        h.push("ALL".into());
        let mut a = vec![Align::Left];
        a.extend(std::iter::repeat_n(Align::Right, v.hosts.len() + 1));
        (h, a)
    };
    let mut header = header;
    if let Some(explain) = v.explain {
        header.push("MEANING".into());
        align.push(Align::Left);
        for (r, &s) in rows.iter_mut().zip(states.iter()) {
            r.push(explain(s).to_string());
        }
    }
    write_aligned(w, style, &header, &align, &rows)
}

/// Groups: one row per key with its total and the count in each state present; with
/// `--stats`, the total and the group's figures instead of the states (the row stays within
/// 80 columns; JSON and CSV carry both).
pub fn groups(w: &mut dyn Write, style: Style, v: &GroupView) -> io::Result<()> {
    let all: Vec<_> = v
        .hosts
        .iter()
        .flat_map(|(_, g)| g.iter().cloned())
        .collect();
    let states: Vec<TcpState> = if v.stats {
        Vec::new()
    } else {
        present_states(&all)
    };
    let mut header = Vec::new();
    let mut align = Vec::new();
    if v.multi() {
        header.push("HOST".to_string());
        align.push(Align::Left);
    }
    for &k in v.by.keys() {
        header.push(group_heading(k).to_string());
        align.push(Align::Left);
    }
    header.push("TOTAL".into());
    align.push(Align::Right);
    for s in &states {
        header.push(s.netstat_name().to_string());
        align.push(Align::Right);
    }
    if v.stats {
        for h in group_stats::TABLE_HEADINGS {
            header.push(h.to_string());
            align.push(Align::Right);
        }
    }
    let rows = v.rows(&states, |g| {
        if v.stats {
            group_stats::table_cells(g.stats.as_ref())
        } else {
            Vec::new()
        }
    });
    write_aligned(w, style, &header, &align, &rows)
}

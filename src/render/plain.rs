//! The `plain` format: exactly what `netstat -n | awk '/^tcp/ {++S[$NF]} END {for (a in S)
//! print a, S[a]}'` prints — `STATE COUNT`, one non-zero state a line, netstat spellings, one
//! space — sorted by count, largest first, so scripts written for the one-liner keep working.

use std::io::{self, Write};

use super::{GroupView, SummaryView};

/// `STATE COUNT` lines; with several hosts, `HOST STATE COUNT` lines.
pub fn summary(w: &mut dyn Write, v: &SummaryView) -> io::Result<()> {
    if !v.multi() {
        for r in v.hosts[0].counts.rows() {
            writeln!(w, "{} {}", r.state.netstat_name(), r.count)?;
        }
    } else {
        for h in v.hosts {
            // An unknown count has no line (its zero in `counts` is not a count).
            for r in h
                .counts
                .rows()
                .iter()
                .filter(|r| !h.unknown.contains(r.state))
            {
                writeln!(w, "{} {} {}", h.label, r.state.netstat_name(), r.count)?;
            }
        }
    }
    Ok(())
}

/// `KEY TOTAL` lines (`HOST KEY TOTAL` with several hosts).
pub fn groups(w: &mut dyn Write, v: &GroupView) -> io::Result<()> {
    for (label, groups) in v.hosts {
        for g in groups {
            if v.multi() {
                write!(w, "{label} ")?;
            }
            writeln!(w, "{} {}", g.key, g.total)?;
        }
    }
    Ok(())
}

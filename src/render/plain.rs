//! The `plain` format: exactly what `netstat -n | awk '/^tcp/ {++S[$NF]} END {for (a in S)
//! print a, S[a]}'` prints — `STATE COUNT`, one non-zero state a line, netstat spellings, one
//! space — sorted by count, largest first, so scripts written for the one-liner keep working.

use std::io::{self, Write};

use super::{GroupView, SummaryView, group_stats};

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

/// `KEY TOTAL` lines (`HOST KEY TOTAL` with several hosts); with `--stats`, followed by
/// `P50_US P99_US RETRANS_SHARE RETRANSMITTING RECV_Q SEND_Q` (`-` when unknown).
pub fn groups(w: &mut dyn Write, v: &GroupView) -> io::Result<()> {
    for (label, groups) in v.hosts {
        for g in groups {
            if v.multi() {
                write!(w, "{label} ")?;
            }
            if v.stats {
                writeln!(
                    w,
                    "{} {} {}",
                    g.key,
                    g.total,
                    group_stats::plain_fields(g.stats.as_ref())
                )?;
            } else {
                writeln!(w, "{} {}", g.key, g.total)?;
            }
        }
    }
    Ok(())
}

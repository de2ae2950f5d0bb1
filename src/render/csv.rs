//! The `csv` format: a header row, then one record per state, group or socket. Summaries are
//! zero-filled like JSON.

use std::io::{self, Write};

use super::{GroupView, SummaryView, group_stats};
use crate::analyze::count::share;
use crate::socket::Family;
use crate::tcp::state::TcpState;

fn csv_err(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Every reported state in the table's order: the non-zero ones largest first, then the rest
/// in kernel order.
fn table_order(c: &crate::analyze::count::Counts) -> Vec<TcpState> {
    let mut order: Vec<TcpState> = c.rows().iter().map(|r| r.state).collect();
    let rest: Vec<TcpState> = TcpState::REPORTED
        .into_iter()
        .filter(|s| !order.contains(s))
        .collect();
    order.extend(rest);
    order
}

/// `state,ipv4,ipv6,count,share` for one host; `state,HOST…,all` for several, rows in the
/// table's order (largest first); a count the source could not know is empty.
pub fn summary(w: &mut dyn Write, v: &SummaryView) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    let combined = v.combined();
    let total = combined.total();
    if !v.multi() {
        c.write_record(["state", "ipv4", "ipv6", "count", "share"])
            .map_err(csv_err)?;
        for s in table_order(&combined) {
            let known = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
            c.write_record([
                s.netstat_name().to_string(),
                known(combined.known_family(Family::V4, s)),
                known(combined.known_family(Family::V6, s)),
                known(combined.known(s)),
                combined
                    .known(s)
                    .map(|n| format!("{:.2}", share(n, total)))
                    .unwrap_or_default(),
            ])
            .map_err(csv_err)?;
        }
    } else {
        let mut h = vec!["state".to_string()];
        h.extend(v.hosts.iter().map(|h| h.label.clone()));
        h.push("all".into());
        c.write_record(&h).map_err(csv_err)?;
        for s in table_order(&combined) {
            let mut r = vec![s.netstat_name().to_string()];
            // An unknown count is an empty field.
            r.extend(
                v.hosts
                    .iter()
                    .map(|h| h.get(s).map(|n| n.to_string()).unwrap_or_default()),
            );
            r.push(combined.known(s).map(|n| n.to_string()).unwrap_or_default());
            c.write_record(&r).map_err(csv_err)?;
        }
    }
    c.flush()
}

/// `[host,]key,total,STATE…` with every reported state as a column; with `--stats`, the
/// group's figures after them.
pub fn groups(w: &mut dyn Write, v: &GroupView) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    let mut h = Vec::new();
    if v.multi() {
        h.push("host".to_string());
    }
    h.extend(v.by.keys().iter().map(|k| k.key_name().to_string()));
    h.push("total".into());
    // Sockets of unknown state (FreeBSD `netstat -T`) have a column only when there are any.
    let all: Vec<_> = v.hosts.iter().flat_map(|(_, g)| g.iter()).collect();
    let states: Vec<TcpState> = TcpState::COUNTED
        .into_iter()
        .filter(|&s| s != TcpState::Unknown || all.iter().any(|g| g.count(s) > 0))
        .collect();
    h.extend(states.iter().map(|s| s.key().to_string()));
    if v.stats {
        h.extend(group_stats::FIELDS.iter().map(|f| f.to_string()));
    }
    c.write_record(&h).map_err(csv_err)?;
    let rows = v.rows(&states, |g| {
        if v.stats {
            group_stats::csv_fields(g.stats.as_ref())
        } else {
            Vec::new()
        }
    });
    for r in rows {
        c.write_record(&r).map_err(csv_err)?;
    }
    c.flush()
}

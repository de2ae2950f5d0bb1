//! The `csv` format: a header row, then one record per state, group or socket. Summaries are
//! zero-filled like JSON.

use std::io::{self, Write};

use super::{GroupView, SummaryView};
use crate::analyze::count::share;
use crate::socket::Family;
use crate::tcp::state::TcpState;

fn csv_err(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// `state,ipv4,ipv6,count,share` for one host; `state,HOST…,all` for several.
pub fn summary(w: &mut dyn Write, v: &SummaryView) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    let combined = v.combined();
    let total = combined.total();
    if !v.multi() {
        c.write_record(["state", "ipv4", "ipv6", "count", "share"])
            .map_err(csv_err)?;
        for s in TcpState::REPORTED {
            c.write_record([
                s.netstat_name().to_string(),
                combined.get_family(Family::V4, s).to_string(),
                combined.get_family(Family::V6, s).to_string(),
                combined.get(s).to_string(),
                format!("{:.2}", share(combined.get(s), total)),
            ])
            .map_err(csv_err)?;
        }
    } else {
        let mut h = vec!["state".to_string()];
        h.extend(v.hosts.iter().map(|h| h.label.clone()));
        h.push("all".into());
        c.write_record(&h).map_err(csv_err)?;
        for s in TcpState::REPORTED {
            let mut r = vec![s.netstat_name().to_string()];
            // An unknown count is an empty field.
            r.extend(
                v.hosts
                    .iter()
                    .map(|h| h.get(s).map(|n| n.to_string()).unwrap_or_default()),
            );
            r.push(combined.get(s).to_string());
            c.write_record(&r).map_err(csv_err)?;
        }
    }
    c.flush()
}

/// `[host,]key,total,STATE…` with every reported state as a column.
pub fn groups(w: &mut dyn Write, v: &GroupView) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    let mut h = Vec::new();
    if v.multi() {
        h.push("host".to_string());
    }
    h.push(v.by.key_name().to_string());
    h.push("total".into());
    h.extend(TcpState::REPORTED.iter().map(|s| s.key().to_string()));
    c.write_record(&h).map_err(csv_err)?;
    for r in v.rows(&TcpState::REPORTED) {
        c.write_record(&r).map_err(csv_err)?;
    }
    c.flush()
}

//! The reconciliation of the conntrack table with the sockets (`tcpstate conntrack
//! --reconcile`): stale entries (ESTABLISHED in conntrack, no socket) and lost flows
//! (ESTABLISHED sockets, no entry), counted and listed, per namespace, in every data format.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::conntrack_list::entry_value;
use super::{DataFormat, Style};
use crate::analyze::reconcile::Reconciled;

/// Each target's label and findings.
pub struct ReconcileView<'a> {
    pub hosts: &'a [(String, Reconciled)],
    pub many: bool,
}

pub fn write(
    w: &mut dyn Write,
    format: DataFormat,
    style: Style,
    v: &ReconcileView,
) -> io::Result<()> {
    match format {
        DataFormat::Plain => {
            for (label, r) in v.hosts {
                let host = if v.many {
                    format!("{label} ")
                } else {
                    String::new()
                };
                writeln!(w, "{host}STALE {}", r.stale.len())?;
                writeln!(w, "{host}LOST {}", r.lost.len())?;
            }
            Ok(())
        }
        DataFormat::Json => {
            let one = |label: &str, r: &Reconciled| {
                json!({
                    "host": label,
                    "stale_count": r.stale.len(),
                    "lost_count": r.lost.len(),
                    "local_entries": r.local_entries,
                    "sockets": r.sockets,
                    "stale": r.stale.iter().map(|e| entry_value(e, None)).collect::<Vec<_>>(),
                    "lost": r.lost.iter().map(|(l, p)| json!({
                        "local": l.to_string(),
                        "remote": p.to_string(),
                    })).collect::<Vec<_>>(),
                })
            };
            let value = if v.many {
                Value::Array(v.hosts.iter().map(|(l, r)| one(l, r)).collect())
            } else {
                match v.hosts.first() {
                    Some((l, r)) => one(l, r),
                    None => Value::Null,
                }
            };
            serde_json::to_writer_pretty(&mut *w, &value)?;
            w.write_all(b"\n")
        }
        DataFormat::Csv => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(["host", "kind", "local", "remote"])?;
            for (label, r) in v.hosts {
                for e in &r.stale {
                    let (local, remote) = (
                        std::net::SocketAddr::new(e.orig.src.to_canonical(), e.orig.sport),
                        std::net::SocketAddr::new(e.orig.dst.to_canonical(), e.orig.dport),
                    );
                    c.write_record([label, "stale", &local.to_string(), &remote.to_string()])?;
                }
                for (l, p) in &r.lost {
                    c.write_record([label, "lost", &l.to_string(), &p.to_string()])?;
                }
            }
            c.flush()
        }
        DataFormat::Table => {
            for (label, r) in v.hosts {
                if v.many {
                    style.header(w, &format!("{label}:"))?;
                    w.write_all(b"\n")?;
                }
                writeln!(
                    w,
                    "{} stale conntrack entries (ESTABLISHED, no socket at the local end), \
                     {} lost flows (ESTABLISHED socket, no conntrack entry); {} local entries \
                     and {} sockets compared",
                    r.stale.len(),
                    r.lost.len(),
                    r.local_entries,
                    r.sockets
                )?;
                if !r.stale.is_empty() {
                    w.write_all(b"\n")?;
                    style.header(
                        w,
                        "STALE ORIGINAL                                   TIMEOUT",
                    )?;
                    w.write_all(b"\n")?;
                    for e in &r.stale {
                        let orig = format!(
                            "{}->{}",
                            std::net::SocketAddr::new(e.orig.src.to_canonical(), e.orig.sport),
                            std::net::SocketAddr::new(e.orig.dst.to_canonical(), e.orig.dport)
                        );
                        let t = e.timeout.map_or("-".into(), |t| t.to_string());
                        writeln!(w, "      {orig:<42} {t:>7}")?;
                    }
                }
                if !r.lost.is_empty() {
                    w.write_all(b"\n")?;
                    style.header(w, "LOST  LOCAL -> REMOTE")?;
                    w.write_all(b"\n")?;
                    for (l, p) in &r.lost {
                        writeln!(w, "      {l}->{p}")?;
                    }
                }
            }
            Ok(())
        }
    }
}

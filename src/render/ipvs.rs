//! The IPVS connection table counted per IPVS state, per virtual service and per real
//! server, in every data format: `plain` prints `STATE COUNT` lines as awk over
//! `ipvsadm -lnc` would; JSON and CSV are zero-filled.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::table::{Align, write_aligned};
use super::{DataFormat, Style};
use crate::ipvs::{IpvsCensus, IpvsCounts, IpvsState};

/// Each target's label and census; several side by side.
pub struct IpvsView<'a> {
    pub hosts: &'a [(String, IpvsCensus)],
    pub many: bool,
}

fn states_value(c: &IpvsCounts) -> Value {
    Value::Object(
        c.all()
            .map(|(s, n)| (s.name().to_ascii_lowercase(), json!(n)))
            .collect::<Map<String, Value>>(),
    )
}

fn host_value(label: &str, c: &IpvsCensus) -> Value {
    json!({
        "host": label,
        "total": c.states.total(),
        "states": states_value(&c.states),
        "services": c.services.iter().map(|(s, n)| json!({
            "service": s.to_string(), "total": n.total(), "states": states_value(n),
        })).collect::<Vec<_>>(),
        "reals": c.reals.iter().map(|((s, r), n)| json!({
            "service": s.to_string(), "real": r.to_string(), "total": n.total(),
            "states": states_value(n),
        })).collect::<Vec<_>>(),
    })
}

/// The states any count of `counts` has, in kernel order.
fn present<'a>(counts: impl Iterator<Item = &'a IpvsCounts> + Clone) -> Vec<IpvsState> {
    IpvsState::ALL
        .into_iter()
        .filter(|&s| counts.clone().any(|c| c.get(s) > 0))
        .collect()
}

pub fn write(w: &mut dyn Write, format: DataFormat, style: Style, v: &IpvsView) -> io::Result<()> {
    match format {
        DataFormat::Plain => {
            for (label, c) in v.hosts {
                let mut rows: Vec<(IpvsState, u64)> = c.states.all().filter(|r| r.1 > 0).collect();
                rows.sort_by_key(|r| std::cmp::Reverse(r.1));
                for (s, n) in rows {
                    if v.many {
                        write!(w, "{label} ")?;
                    }
                    writeln!(w, "{s} {n}")?;
                }
            }
            Ok(())
        }
        DataFormat::Json => {
            let value = if v.many {
                Value::Array(v.hosts.iter().map(|(l, c)| host_value(l, c)).collect())
            } else {
                v.hosts
                    .first()
                    .map_or(Value::Null, |(l, c)| host_value(l, c))
            };
            serde_json::to_writer_pretty(&mut *w, &value)?;
            w.write_all(b"\n")
        }
        DataFormat::Csv => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(["host", "service", "real", "state", "count"])?;
            for (label, census) in v.hosts {
                for (s, n) in census.states.all() {
                    c.write_record([label, "", "", s.name(), &n.to_string()])?;
                }
                for ((svc, real), counts) in &census.reals {
                    for (s, n) in counts.all() {
                        c.write_record([
                            label,
                            &svc.to_string(),
                            &real.to_string(),
                            s.name(),
                            &n.to_string(),
                        ])?;
                    }
                }
            }
            c.flush()
        }
        DataFormat::Table => {
            for (label, c) in v.hosts {
                if v.many {
                    style.header(w, &format!("{label}:"))?;
                    w.write_all(b"\n")?;
                }
                let states = present(std::iter::once(&c.states));
                let rows: Vec<Vec<String>> = states
                    .iter()
                    .map(|&s| vec![s.name().to_string(), c.states.get(s).to_string()])
                    .chain(std::iter::once(vec![
                        "total".into(),
                        c.states.total().to_string(),
                    ]))
                    .collect();
                write_aligned(
                    w,
                    style,
                    &["STATE".into(), "COUNT".into()],
                    &[Align::Left, Align::Right],
                    &rows,
                )?;
                if c.reals.is_empty() {
                    continue;
                }
                w.write_all(b"\n")?;
                let mut header = vec![
                    "VIRTUAL SERVICE".to_string(),
                    "REAL SERVER".into(),
                    "TOTAL".into(),
                ];
                header.extend(states.iter().map(|s| s.name().to_string()));
                let mut align = vec![Align::Left, Align::Left];
                align.extend(std::iter::repeat_n(Align::Right, states.len() + 1));
                let mut rows = Vec::new();
                for (svc, counts) in &c.services {
                    let mut r = vec![svc.to_string(), "(all)".into(), counts.total().to_string()];
                    r.extend(states.iter().map(|&s| counts.get(s).to_string()));
                    rows.push(r);
                    for ((_, real), n) in c
                        .reals
                        .range((*svc, SMALLEST)..)
                        .take_while(|((s2, _), _)| s2 == svc)
                    {
                        let mut r = vec![String::new(), real.to_string(), n.total().to_string()];
                        r.extend(states.iter().map(|&s| n.get(s).to_string()));
                        rows.push(r);
                    }
                }
                write_aligned(w, style, &header, &align, &rows)?;
            }
            Ok(())
        }
    }
}

/// The smallest socket address, to start a range of one service's real servers.
const SMALLEST: std::net::SocketAddr = std::net::SocketAddr::V4(std::net::SocketAddrV4::new(
    std::net::Ipv4Addr::UNSPECIFIED,
    0,
));

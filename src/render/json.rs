//! The `json` format. Summaries are zero-filled: every state a listing can show is present,
//! with 0 when there is none; sockets whose input carried no state (FreeBSD `netstat -T`) are
//! counted under `unknown_state`, and a socket's or row's unknown state is null. The schema is
//! documented in the README.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::{GroupView, HostCounts, SummaryView, group_stats};
use crate::analyze::count::{Counts, share};
use crate::analyze::group::Key;
use crate::socket::{Family, Socket};
use crate::source::process::Attribution;
use crate::tcp::state::TcpState;

fn state_map<T: serde::Serialize>(f: impl Fn(TcpState) -> T) -> Value {
    let mut m = Map::new();
    for s in TcpState::REPORTED {
        m.insert(s.key().to_string(), json!(f(s)));
    }
    Value::Object(m)
}

/// A state as JSON: netstat's spelling, null when the input did not carry it.
fn state_value(s: TcpState) -> Value {
    match s {
        TcpState::Unknown => Value::Null,
        s => json!(s.netstat_name()),
    }
}

/// The JSON object of one host's counts.
pub fn counts_value(c: &Counts, explain: Option<&dyn Fn(TcpState) -> &'static str>) -> Value {
    let total = c.total();
    let mut o = json!({
        "total": total,
        "states": state_map(|s| c.known(s)),
        "unknown_state": c.get(TcpState::Unknown),
        "families": {
            "ipv4": { "total": c.family_total(Family::V4), "states": state_map(|s| c.known_family(Family::V4, s)), "unknown_state": c.get_family(Family::V4, TcpState::Unknown) },
            "ipv6": { "total": c.family_total(Family::V6), "states": state_map(|s| c.known_family(Family::V6, s)), "unknown_state": c.get_family(Family::V6, TcpState::Unknown) },
        },
        "rows": c.rows().iter().map(|r| json!({
            "state": state_value(r.state),
            "count": r.count,
            "share": (share(r.count, total) * 100.0).round() / 100.0,
        })).collect::<Vec<_>>(),
    });
    if let (Some(explain), Some(obj)) = (explain, o.as_object_mut()) {
        let mut m = Map::new();
        for s in TcpState::REPORTED {
            m.insert(s.key().to_string(), json!(explain(s)));
        }
        if c.get(TcpState::Unknown) > 0 {
            m.insert("unknown_state".into(), json!(explain(TcpState::Unknown)));
        }
        obj.insert("meanings".into(), Value::Object(m));
    }
    o
}

/// One host of a multi-host summary: its counts, its label, and — when some counts are
/// unknown — null for those states (and for totals they are part of) and its `note`.
pub fn host_value(h: &HostCounts) -> Value {
    let mut o = counts_value(&h.counts, None);
    let Some(obj) = o.as_object_mut() else {
        return o;
    };
    obj.insert("host".into(), json!(h.label));
    if !h.unknown.is_empty() {
        obj.insert("total".into(), Value::Null);
        let unknown = |v: &mut Value| {
            for s in h.unknown.iter() {
                if let Some(m) = v.as_object_mut() {
                    m.insert(s.reported().key().to_string(), Value::Null);
                }
            }
        };
        unknown(&mut obj["states"]);
        for f in ["ipv4", "ipv6"] {
            obj["families"][f]["total"] = Value::Null;
            unknown(&mut obj["families"][f]["states"]);
        }
        if let Some(rows) = obj.get_mut("rows").and_then(Value::as_array_mut) {
            rows.retain(|r| {
                !h.unknown
                    .iter()
                    .any(|s| r["state"] == s.reported().netstat_name())
            });
            for r in rows.iter_mut() {
                r["share"] = Value::Null;
            }
        }
    }
    if let Some(note) = &h.note {
        obj.insert("note".into(), json!(note));
    }
    o
}

pub fn summary(w: &mut dyn Write, v: &SummaryView) -> io::Result<()> {
    let value = if !v.multi() {
        counts_value(&v.hosts[0].counts, v.explain)
    } else {
        json!({
            "hosts": v.hosts.iter().map(host_value).collect::<Vec<_>>(),
            "all": counts_value(&v.combined(), v.explain),
        })
    };
    serde_json::to_writer_pretty(&mut *w, &value)?;
    w.write_all(b"\n")
}

pub fn groups(w: &mut dyn Write, v: &GroupView) -> io::Result<()> {
    let mut out = Vec::new();
    for (label, groups) in v.hosts {
        for g in groups {
            let mut o = json!({
                "by": v.by.key_name(),
                "key": g.key.to_string(),
                "keys": v.by.keys().iter().zip(g.key.parts()).map(|(k, p)| (k.key_name().to_string(), json!(p.to_string()))).collect::<serde_json::Map<String, Value>>(),
                "total": g.total,
                "states": state_map(|s| g.count(s)),
                "unknown_state": g.count(TcpState::Unknown),
            });
            let owners = g.key.parts().iter().find_map(|k| match k {
                Key::Processes(p) => Some(p),
                _ => None,
            });
            if let (Some(p), Some(obj)) = (owners, o.as_object_mut()) {
                let procs: Vec<Value> = p
                    .iter()
                    .map(|(pid, c)| json!({ "pid": pid, "command": c }))
                    .collect();
                obj.insert("processes".into(), Value::Array(procs));
            }
            if v.multi()
                && let Some(obj) = o.as_object_mut()
            {
                obj.insert("host".into(), json!(label));
            }
            if v.stats
                && let Some(obj) = o.as_object_mut()
            {
                obj.insert("stats".into(), group_stats::value(g.stats.as_ref()));
            }
            out.push(o);
        }
    }
    serde_json::to_writer_pretty(&mut *w, &out)?;
    w.write_all(b"\n")
}

/// One socket as a JSON object (a list is an array of these, written one at a time).
pub fn socket_value(s: &Socket, netns_label: Option<&str>) -> Value {
    socket_value_with(s, netns_label, None)
}

/// One socket with its namespace's name (`"netns"`, `"netns_inode"`) and, when processes
/// were asked for, its owners: `"processes": [{"pid": 1874, "command": "nginx"}]` (empty
/// when unattributed) and `"via_listener"` (credited through the listener on its port).
pub fn socket_value_with(
    s: &Socket,
    netns_label: Option<&str>,
    owners: Option<&Option<Attribution>>,
) -> Value {
    let mut o = socket_fields(s, netns_label);
    if let (Some(owners), Some(obj)) = (owners, o.as_object_mut()) {
        let procs: Vec<Value> = owners
            .iter()
            .flat_map(|a| a.owners())
            .map(|p| json!({ "pid": p.pid, "command": p.command }))
            .collect();
        obj.insert("processes".into(), Value::Array(procs));
        obj.insert(
            "via_listener".into(),
            json!(owners.is_some_and(|a| a.via_listener)),
        );
    }
    o
}

fn socket_fields(s: &Socket, netns_label: Option<&str>) -> Value {
    let ep = |e: &crate::socket::Endpoint| {
        json!({
            "address": e.ip.map(|ip| ip.to_string()),
            "port": e.port,
            "name": e.name.as_deref(),
        })
    };
    let mut o = json!({
        "proto": s.family.proto(),
        "family": s.family.key(),
        "recv_q": s.recv_q,
        "send_q": s.send_q,
        "local": ep(&s.local),
        "remote": ep(&s.remote),
        "state": state_value(s.state),
        "uid": s.uid,
        "inode": s.inode,
        "cookie": s.cookie,
        "timer": s.timer.map(|t| json!({
            "kind": t.kind.netstat_name(),
            "expires_ms": t.expires_ms,
            "retransmits": t.retransmits,
        })),
    });
    if let (Some(l), Some(obj)) = (netns_label, o.as_object_mut()) {
        obj.insert("netns".into(), json!(l));
        obj.insert("netns_inode".into(), json!(s.netns));
    }
    o
}

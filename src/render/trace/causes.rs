//! The incidents of a trace, ranked, in every format: retransmits per peer and per local
//! port, resets per direction, peer and reason, drops per reason and kernel location and per
//! listener, SYN-ACK retransmits per listener, socket errors per peer. Tables show the top
//! entries of each; JSON and CSV carry every entry.

use std::io::{self, Write};
use std::net::IpAddr;

use serde_json::{Value, json};

use crate::render::Style;
use crate::render::table::{Align, write_aligned};
use crate::trace::causes::{Causes, Name, ranked};
use crate::trace::kinds::{EventKind, EventKinds};

/// Rows each table shows.
pub const TABLE_TOP: usize = 10;

fn name(n: &Name) -> String {
    n.as_deref().unwrap_or("-").to_string()
}

fn peer(p: &Option<IpAddr>) -> String {
    p.map(|p| p.to_string()).unwrap_or_else(|| "-".into())
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// One table of the top rows, with a line for the rest.
fn top(
    w: &mut dyn Write,
    style: Style,
    title: &str,
    header: &[&str],
    mut rows: Vec<Vec<String>>,
) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(w, "\n{title}")?;
    let more = rows.len().saturating_sub(TABLE_TOP);
    rows.truncate(TABLE_TOP);
    let mut align = vec![Align::Left; header.len()];
    if let Some(last) = align.last_mut() {
        *last = Align::Right;
    }
    write_aligned(w, style, &strs(header), &align, &rows)?;
    if more > 0 {
        writeln!(w, "… and {more} more (JSON and CSV list them all)")?;
    }
    Ok(())
}

/// Every ranked list as `(cause, key, reason, location, count)` rows.
fn rows(c: &Causes) -> Vec<[String; 5]> {
    let mut v = Vec::new();
    for (p, n) in ranked(&c.retrans_by_peer) {
        v.push([
            "retrans_peer".into(),
            p.to_string(),
            String::new(),
            String::new(),
            n.to_string(),
        ]);
    }
    for (p, n) in ranked(&c.retrans_by_port) {
        v.push([
            "retrans_port".into(),
            p.to_string(),
            String::new(),
            String::new(),
            n.to_string(),
        ]);
    }
    for ((sent, p, r), n) in ranked(&c.resets) {
        let cause = if sent { "reset_sent" } else { "reset_received" };
        let reason = r.as_deref().unwrap_or_default().to_string();
        v.push([
            cause.into(),
            p.map(|p| p.to_string()).unwrap_or_default(),
            reason,
            String::new(),
            n.to_string(),
        ]);
    }
    for ((r, l), n) in ranked(&c.drops_by_reason) {
        v.push([
            "drop".into(),
            String::new(),
            r.as_deref().unwrap_or_default().into(),
            l.as_deref().unwrap_or_default().into(),
            n.to_string(),
        ]);
    }
    for ((a, r), n) in ranked(&c.drops_by_listener) {
        v.push([
            "drop_listener".into(),
            a.to_string(),
            r.as_deref().unwrap_or_default().into(),
            String::new(),
            n.to_string(),
        ]);
    }
    for (a, n) in ranked(&c.synack_by_listener) {
        v.push([
            "synack_listener".into(),
            a.to_string(),
            String::new(),
            String::new(),
            n.to_string(),
        ]);
    }
    for ((p, e), n) in ranked(&c.errors_by_peer) {
        v.push([
            "error".into(),
            p.map(|p| p.to_string()).unwrap_or_default(),
            e.to_string(),
            String::new(),
            n.to_string(),
        ]);
    }
    v
}

/// The CSV section: a header, then every ranked row.
pub fn csv_rows(c: &Causes) -> Vec<Vec<String>> {
    let mut v = vec![strs(&["cause", "key", "reason", "location", "count"])];
    v.extend(rows(c).into_iter().map(|r| r.to_vec()));
    v
}

/// The tables (of the kinds traced: what was not traced is not shown as 0).
pub fn table(w: &mut dyn Write, style: Style, c: &Causes, kinds: EventKinds) -> io::Result<()> {
    let mut head = Vec::new();
    if kinds.contains(EventKind::Retrans) {
        head.push(format!(
            "{} retransmits ({} of SYNs, {} failed to send)",
            c.retransmits, c.syn_retransmits, c.retransmits_failed
        ));
    }
    if kinds.contains(EventKind::Reset) {
        head.push(format!(
            "{} resets sent, {} received",
            c.resets_sent, c.resets_received
        ));
    }
    if kinds.contains(EventKind::Drop) {
        head.push(format!(
            "{} drops ({} tied to a socket)",
            c.drops, c.drops_tied
        ));
    }
    if kinds.contains(EventKind::SynAck) {
        head.push(format!("{} SYN-ACK retransmits", c.synack_retransmits));
    }
    if kinds.contains(EventKind::Error) {
        head.push(format!("{} socket errors", c.errors));
    }
    writeln!(w, "\n{}", head.join(", "))?;
    let share = |n: u64| format!("{:.1}%", 100.0 * n as f64 / c.retransmits.max(1) as f64);
    top(
        w,
        style,
        "Retransmits per peer",
        &["PEER", "SHARE", "COUNT"],
        ranked(&c.retrans_by_peer)
            .into_iter()
            .map(|(p, n)| vec![p.to_string(), share(n), n.to_string()])
            .collect(),
    )?;
    top(
        w,
        style,
        "Retransmits per local port",
        &["LOCAL-PORT", "SHARE", "COUNT"],
        ranked(&c.retrans_by_port)
            .into_iter()
            .map(|(p, n)| vec![p.to_string(), share(n), n.to_string()])
            .collect(),
    )?;
    top(
        w,
        style,
        "Resets per peer and reason",
        &["DIRECTION", "PEER", "REASON", "COUNT"],
        ranked(&c.resets)
            .into_iter()
            .map(|((sent, p, r), n)| {
                vec![
                    if sent { "sent" } else { "received" }.into(),
                    peer(&p),
                    name(&r),
                    n.to_string(),
                ]
            })
            .collect(),
    )?;
    top(
        w,
        style,
        "Drops per reason and kernel location",
        &["REASON", "LOCATION", "COUNT"],
        ranked(&c.drops_by_reason)
            .into_iter()
            .map(|((r, l), n)| vec![name(&r), name(&l), n.to_string()])
            .collect(),
    )?;
    top(
        w,
        style,
        "Drops at listeners",
        &["LISTENER", "REASON", "COUNT"],
        ranked(&c.drops_by_listener)
            .into_iter()
            .map(|((a, r), n)| vec![a.to_string(), name(&r), n.to_string()])
            .collect(),
    )?;
    top(
        w,
        style,
        "SYN-ACK retransmits per listener (clients not finishing the handshake)",
        &["LISTENER", "COUNT"],
        ranked(&c.synack_by_listener)
            .into_iter()
            .map(|(a, n)| vec![a.to_string(), n.to_string()])
            .collect(),
    )?;
    top(
        w,
        style,
        "Socket errors per peer",
        &["PEER", "ERROR", "COUNT"],
        ranked(&c.errors_by_peer)
            .into_iter()
            .map(|((p, e), n)| vec![peer(&p), e.to_string(), n.to_string()])
            .collect(),
    )?;
    if c.drops_protocol_unknown > 0 {
        writeln!(
            w,
            "note: {} drops happened where the packet's protocol is not known yet (before TCP saw it: netfilter, IP checks); they are counted, not claimed TCP's",
            c.drops_protocol_unknown
        )?;
    }
    Ok(())
}

/// The JSON object (`"causes"` of the summary); kinds not traced are null.
pub fn value(c: &Causes, kinds: EventKinds) -> Value {
    let mut v = all_values(c);
    if let Some(o) = v.as_object_mut() {
        for (key, kind) in [
            ("retransmits", EventKind::Retrans),
            ("resets", EventKind::Reset),
            ("drops", EventKind::Drop),
            ("synack_retransmits", EventKind::SynAck),
            ("socket_errors", EventKind::Error),
        ] {
            if !kinds.contains(kind) {
                o.insert(key.into(), Value::Null);
            }
        }
    }
    v
}

fn all_values(c: &Causes) -> Value {
    let opt = |n: &Name| {
        n.as_deref()
            .map(|s| Value::String(s.into()))
            .unwrap_or(Value::Null)
    };
    json!({
        "retransmits": {
            "sent": c.retransmits,
            "of_syn": c.syn_retransmits,
            "failed": c.retransmits_failed,
            "by_peer": ranked(&c.retrans_by_peer).into_iter()
                .map(|(p, n)| json!({"peer": p.to_string(), "count": n})).collect::<Vec<_>>(),
            "by_local_port": ranked(&c.retrans_by_port).into_iter()
                .map(|(p, n)| json!({"port": p, "count": n})).collect::<Vec<_>>(),
        },
        "resets": {
            "sent": c.resets_sent,
            "received": c.resets_received,
            "by_peer": ranked(&c.resets).into_iter().map(|((sent, p, r), n)| json!({
                "direction": if sent { "sent" } else { "received" },
                "peer": p.map(|p| p.to_string()),
                "reason": opt(&r),
                "count": n,
            })).collect::<Vec<_>>(),
        },
        "drops": {
            "total": c.drops,
            "tied_to_socket": c.drops_tied,
            "protocol_unknown": c.drops_protocol_unknown,
            "by_reason": ranked(&c.drops_by_reason).into_iter().map(|((r, l), n)| json!({
                "reason": opt(&r), "location": opt(&l), "count": n,
            })).collect::<Vec<_>>(),
            "by_listener": ranked(&c.drops_by_listener).into_iter().map(|((a, r), n)| json!({
                "listener": {"address": a.ip().to_string(), "port": a.port()},
                "reason": opt(&r), "count": n,
            })).collect::<Vec<_>>(),
        },
        "synack_retransmits": {
            "total": c.synack_retransmits,
            "by_listener": ranked(&c.synack_by_listener).into_iter().map(|(a, n)| json!({
                "listener": {"address": a.ip().to_string(), "port": a.port()}, "count": n,
            })).collect::<Vec<_>>(),
        },
        "socket_errors": {
            "total": c.errors,
            "by_peer": ranked(&c.errors_by_peer).into_iter().map(|((p, e), n)| json!({
                "peer": p.map(|p| p.to_string()), "error": &*e, "count": n,
            })).collect::<Vec<_>>(),
        },
    })
}

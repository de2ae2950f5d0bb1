//! What `summary --by … --stats` adds to each group, in every format: columns in the table
//! (rtt in ms as ss writes it, the retransmitted share in percent), a `stats` object in JSON
//! whose field names carry their unit, trailing columns in CSV and trailing fields in plain
//! lines. An unknown figure is `-`, null or an empty field, never 0.

use serde_json::{Value, json};

use super::inside::{ms, n};
use crate::analyze::stats::GroupStats;

/// The table's headings of the figures.
pub const TABLE_HEADINGS: [&str; 6] = [
    "RTT-P50(ms)",
    "RTT-P99(ms)",
    "RETRANS%",
    "RETRANSMITTING",
    "RECV-Q",
    "SEND-Q",
];

/// The CSV (and JSON) names of the figures, in column order.
pub const FIELDS: [&str; 8] = [
    "rtt_p50_us",
    "rtt_p99_us",
    "retrans_share",
    "retransmitting",
    "bytes_sent",
    "bytes_retrans",
    "recv_q",
    "send_q",
];

/// A share as a percentage with two decimals (`1.25`).
fn percent(share: Option<f64>) -> String {
    share
        .map(|s| format!("{:.2}", s * 100.0))
        .unwrap_or_else(|| "-".into())
}

/// The table's cells, as `TABLE_HEADINGS`.
pub fn table_cells(g: Option<&GroupStats>) -> Vec<String> {
    let Some(g) = g else {
        return vec!["-".into(); TABLE_HEADINGS.len()];
    };
    vec![
        ms(g.rtt_p50_us),
        ms(g.rtt_p99_us),
        percent(g.retrans_share()),
        n(g.retransmitting),
        n(g.recv_q),
        n(g.send_q),
    ]
}

/// The CSV fields, as `FIELDS` (empty when unknown; the share as a fraction).
pub fn csv_fields(g: Option<&GroupStats>) -> Vec<String> {
    let text = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    let Some(g) = g else {
        return vec![String::new(); FIELDS.len()];
    };
    vec![
        text(g.rtt_p50_us),
        text(g.rtt_p99_us),
        g.retrans_share().map(|s| s.to_string()).unwrap_or_default(),
        text(g.retransmitting),
        text(g.bytes_sent),
        text(g.bytes_retrans),
        text(g.recv_q),
        text(g.send_q),
    ]
}

/// The plain line's trailing fields: rtt p50 and p99 in µs, the share, retransmitting, the
/// queues; `-` when unknown.
pub fn plain_fields(g: Option<&GroupStats>) -> String {
    let g = g.cloned().unwrap_or_default();
    let share = g
        .retrans_share()
        .map(|s| format!("{s:.6}"))
        .unwrap_or_else(|| "-".into());
    format!(
        "{} {} {} {} {} {}",
        n(g.rtt_p50_us),
        n(g.rtt_p99_us),
        share,
        n(g.retransmitting),
        n(g.recv_q),
        n(g.send_q)
    )
}

/// The JSON `stats` object.
pub fn value(g: Option<&GroupStats>) -> Value {
    let g = g.cloned().unwrap_or_default();
    json!({
        "sockets_with_info": g.with_info,
        "rtt_samples": g.rtt_samples,
        "rtt_p50_us": g.rtt_p50_us,
        "rtt_p99_us": g.rtt_p99_us,
        "bytes_sent": g.bytes_sent,
        "bytes_retrans": g.bytes_retrans,
        "retrans_share": g.retrans_share(),
        "retransmitting": g.retransmitting,
        "recv_q": g.recv_q,
        "send_q": g.send_q,
    })
}

//! The summary of a trace in every format: the transitions matrix, time in state
//! (percentiles), the slowest handshakes and closes, the connections left in CLOSE_WAIT, and
//! notes on whatever the numbers cannot show (events lost, TIME_WAIT not confirmed, moves the
//! state machine does not allow).

use std::io::{self, Write};
use std::net::SocketAddr;

use serde_json::{Map, Value, json};

use super::causes;
use super::owner_label;
use crate::render::table::{Align, write_aligned};
use crate::render::{DataFormat as Format, Style};
use crate::tcp::state::TcpState;
use crate::trace::kinds::{EventKind, EventKinds};
use crate::trace::owner::TracedOwner;
use crate::trace::summary::{Slow, Summary};

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

fn ms3(ns: u64) -> f64 {
    ((ns + 500) / 1000) as f64 / 1e3
}

fn addr(a: &SocketAddr) -> String {
    let mut s = String::new();
    super::push_addr(&mut s, a);
    s
}

fn owner_value(o: &TracedOwner) -> Value {
    json!({ "pid": o.pid, "comm": &*o.comm, "source": o.source.key() })
}

fn endpoint_value(a: &SocketAddr) -> Value {
    json!({ "address": a.ip().to_string(), "port": a.port() })
}

fn csv_err(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// What the summary renderer needs besides the numbers.
#[derive(Debug, Clone, Copy)]
pub struct TraceInfo {
    pub cpus: usize,
    pub buffer_pages: usize,
    /// What was traced.
    pub events: EventKinds,
}

fn quantiles(s: &Summary, st: TcpState) -> [Option<u64>; 4] {
    let h = &s.times_of(st).exact;
    [
        h.quantile(0.5),
        h.quantile(0.9),
        h.quantile(0.99),
        (h.count() > 0).then(|| h.max()),
    ]
}

fn opt_ms(v: Option<u64>) -> String {
    v.map(|ns| format!("{:.3}", ms(ns)))
        .unwrap_or_else(|| "-".into())
}

fn completeness(s: &Summary) -> String {
    match (s.lost_total(), s.undelivered_total()) {
        (0, 0) => "nothing lost".to_string(),
        (lost, 0) => format!("{lost} events LOST by the kernel: INCOMPLETE (raise --buffer-pages)"),
        (0, u) => format!("{u} events NOT DELIVERED by the kernel: INCOMPLETE"),
        (lost, u) => format!("{lost} events LOST and {u} NOT DELIVERED by the kernel: INCOMPLETE"),
    }
}

/// Lines saying what the numbers cannot show.
fn notes(s: &Summary, info: &TraceInfo) -> Vec<String> {
    let mut n = Vec::new();
    for &(cpu, lost) in &s.lost {
        n.push(format!(
            "CPU {cpu}: {lost} events lost ({} pages per CPU)",
            info.buffer_pages
        ));
    }
    if s.undelivered_total() > 0 {
        n.push(format!(
            "the kernel counted {} tracepoint hits (any protocol, any namespace) that it never delivered: some kernels give no sample for hits while a CPU idles, so transitions driven by timers on an idle CPU can be missing",
            s.undelivered_total()
        ));
    }
    if s.unexpected > 0 {
        n.push(format!(
            "{} transitions marked ! are not allowed by the TCP state machine",
            s.unexpected
        ));
    }
    if s.inferred_total() + s.tw_unconfirmed + s.tw_pending > 0 {
        n.push(format!(
            "TIME_WAIT (never reported by the kernel): {} confirmed by a snapshot, {} not found (expired, another network namespace, or the TIME_WAIT table was full), {} still unconfirmed at the end",
            s.inferred_total(),
            s.tw_unconfirmed,
            s.tw_pending
        ));
    }
    if s.same_state > 0 {
        n.push(format!(
            "{} kernel reports of a socket set to the state it was already in (close() after shutdown(), for example) are not transitions and not shown",
            s.same_state
        ));
    }
    if s.late > 0 {
        n.push(format!(
            "{} events arrived late and are shown out of time order",
            s.late
        ));
    }
    if s.other_protocol > 0 {
        n.push(format!(
            "{} events of other protocols ignored (MPTCP, SCTP; drops in UDP or ICMP code)",
            s.other_protocol
        ));
    }
    if s.malformed > 0 {
        n.push(format!("{} records could not be decoded", s.malformed));
    }
    if s.throttled > 0 {
        n.push(format!(
            "the kernel throttled the tracepoint {} times",
            s.throttled
        ));
    }
    n
}

fn slow_rows(items: &[Slow]) -> Vec<Vec<String>> {
    items
        .iter()
        .map(|x| {
            vec![
                format!("{:.3}", ms(x.ns)),
                addr(&x.local),
                addr(&x.remote),
                x.from.to_string(),
                owner_label(&x.owner),
            ]
        })
        .collect()
}

/// The summary in any format.
pub fn summary(
    w: &mut dyn Write,
    format: Format,
    style: Style,
    s: &Summary,
    info: &TraceInfo,
) -> io::Result<()> {
    match format {
        Format::Table | Format::Plain => summary_table(w, style, s, info),
        Format::Json => {
            serde_json::to_writer(&mut *w, &summary_value(s, info))?;
            w.write_all(b"\n")
        }
        Format::Csv => {
            summary_csv(w, s)?;
            if info.events.has_incidents() {
                w.write_all(b"\n")?;
                let mut c = csv::Writer::from_writer(Vec::new());
                for r in causes::csv_rows(&s.causes) {
                    c.write_record(&r).map_err(csv_err)?;
                }
                let buf = c
                    .into_inner()
                    .map_err(|e| io::Error::other(e.to_string()))?;
                w.write_all(&buf)?;
            }
            Ok(())
        }
    }
}

fn summary_table(w: &mut dyn Write, style: Style, s: &Summary, info: &TraceInfo) -> io::Result<()> {
    if !info.events.contains(EventKind::State) {
        writeln!(
            w,
            "\n{} traced for {:.1} s on {} CPUs; {}",
            info.events.label(),
            s.duration_ns as f64 / 1e9,
            info.cpus,
            completeness(s)
        )?;
        causes::table(w, style, &s.causes, info.events)?;
        return write_notes(w, s, info);
    }
    writeln!(
        w,
        "\n{} transitions in {:.1} s on {} CPUs, {} TIME_WAIT inferred; {}",
        s.shown,
        s.duration_ns as f64 / 1e9,
        info.cpus,
        s.inferred_total(),
        completeness(s)
    )?;
    if info.events.has_incidents() {
        causes::table(w, style, &s.causes, info.events)?;
    }
    let states = s.matrix_states();
    // A cell counts the kernel's moves, plus the inferred ones into TIME_WAIT.
    let cell = |from: TcpState, to: TcpState| {
        let mut n = s.get(from, to);
        if to == TcpState::TimeWait {
            n += s.inferred[usize::from(from.kernel())];
        }
        n
    };
    let froms: Vec<TcpState> = states
        .iter()
        .copied()
        .filter(|&f| states.iter().any(|&t| cell(f, t) > 0))
        .collect();
    let tos: Vec<TcpState> = states
        .iter()
        .copied()
        .filter(|&t| states.iter().any(|&f| cell(f, t) > 0))
        .collect();
    if !froms.is_empty() {
        writeln!(
            w,
            "\nTransitions (rows: from, columns: to; TIME_WAIT* inferred)"
        )?;
        let mut header = vec!["FROM \\ TO".to_string()];
        for &st in &tos {
            header.push(if st == TcpState::TimeWait {
                "TIME_WAIT*".to_string()
            } else {
                st.to_string()
            });
        }
        let rows: Vec<Vec<String>> = froms
            .iter()
            .map(|&from| {
                let mut r = vec![from.to_string()];
                for &to in &tos {
                    let n = cell(from, to);
                    r.push(if n > 0 { n.to_string() } else { ".".into() });
                }
                r
            })
            .collect();
        let mut align = vec![Align::Left];
        align.extend(std::iter::repeat_n(Align::Right, tos.len()));
        write_aligned(w, style, &header, &align, &rows)?;
    }
    let timed = s.timed_states();
    if !timed.is_empty() {
        writeln!(w, "\nTime in state (ms)")?;
        let header: Vec<String> = [
            "STATE", "LEFT", "P50", "P90", "P99", "MAX", "≥START", "UNKNOWN",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect();
        let rows: Vec<Vec<String>> = timed
            .iter()
            .map(|&st| {
                let t = s.times_of(st);
                let q = quantiles(s, st);
                vec![
                    st.to_string(),
                    t.exact.count().to_string(),
                    opt_ms(q[0]),
                    opt_ms(q[1]),
                    opt_ms(q[2]),
                    opt_ms(q[3]),
                    t.at_least.to_string(),
                    t.unknown.to_string(),
                ]
            })
            .collect();
        let mut align = vec![Align::Left];
        align.extend(std::iter::repeat_n(Align::Right, 7));
        write_aligned(w, style, &header, &align, &rows)?;
    }
    let slow_header = |state: &str| -> Vec<String> {
        ["MS", "LOCAL", "REMOTE", state, "OWNER"]
            .iter()
            .map(|x| x.to_string())
            .collect()
    };
    let slow_align = [
        Align::Right,
        Align::Left,
        Align::Left,
        Align::Left,
        Align::Left,
    ];
    if !s.handshakes.items.is_empty() {
        writeln!(w, "\nSlowest handshakes (time in SYN_SENT or SYN_RECV)")?;
        write_aligned(
            w,
            style,
            &slow_header("SIDE"),
            &slow_align,
            &slow_rows(&s.handshakes.items),
        )?;
    }
    if !s.closes.items.is_empty() {
        writeln!(w, "\nSlowest closes (from leaving ESTABLISHED to CLOSE)")?;
        write_aligned(
            w,
            style,
            &slow_header("LAST STATE"),
            &slow_align,
            &slow_rows(&s.closes.items),
        )?;
    }
    if !s.close_wait.is_empty() {
        writeln!(
            w,
            "\nStill in CLOSE_WAIT at the end (the application never closed them)"
        )?;
        let header: Vec<String> = ["LOCAL-PORT", "PROCESS", "COUNT", "OLDEST(ms)"]
            .iter()
            .map(|x| x.to_string())
            .collect();
        let rows: Vec<Vec<String>> = s
            .close_wait
            .iter()
            .map(|g| {
                vec![
                    g.local_port.to_string(),
                    g.owner
                        .as_ref()
                        .map(owner_label)
                        .unwrap_or_else(|| "?".into()),
                    g.count.to_string(),
                    format!(
                        "{}{:.3}",
                        if g.at_least { "≥" } else { "" },
                        ms(g.oldest_ns)
                    ),
                ]
            })
            .collect();
        write_aligned(
            w,
            style,
            &header,
            &[Align::Right, Align::Left, Align::Right, Align::Right],
            &rows,
        )?;
    }
    write_notes(w, s, info)
}

fn write_notes(w: &mut dyn Write, s: &Summary, info: &TraceInfo) -> io::Result<()> {
    let n = notes(s, info);
    if !n.is_empty() {
        writeln!(w)?;
        for line in n {
            writeln!(w, "note: {line}")?;
        }
    }
    Ok(())
}

fn slow_values(items: &[Slow]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|x| {
                json!({
                    "ms": ms3(x.ns),
                    "family": x.family.key(),
                    "local": endpoint_value(&x.local),
                    "remote": endpoint_value(&x.remote),
                    "from": x.from.netstat_name(),
                    "owner": owner_value(&x.owner),
                })
            })
            .collect(),
    )
}

/// The summary as one JSON object (`"type": "summary"`).
pub fn summary_value(s: &Summary, info: &TraceInfo) -> Value {
    let mut matrix = Map::new();
    for (from, to, n) in s.cells() {
        let row = matrix
            .entry(from.netstat_name().to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(o) = row.as_object_mut() {
            o.insert(to.netstat_name().to_string(), json!(n));
        }
    }
    let mut inferred = Map::new();
    for st in TcpState::LIFE_CYCLE {
        let n = s.inferred[usize::from(st.kernel())];
        if n > 0 {
            inferred.insert(st.netstat_name().to_string(), json!(n));
        }
    }
    let mut times = Map::new();
    for st in s.timed_states() {
        let t = s.times_of(st);
        let q = quantiles(s, st);
        times.insert(
            st.netstat_name().to_string(),
            json!({
                "count": t.exact.count(),
                "p50_ms": q[0].map(ms3),
                "p90_ms": q[1].map(ms3),
                "p99_ms": q[2].map(ms3),
                "max_ms": q[3].map(ms3),
                "at_least": t.at_least,
                "unknown": t.unknown,
            }),
        );
    }
    let lost_per_cpu: Map<String, Value> = s
        .lost
        .iter()
        .map(|&(c, n)| (c.to_string(), json!(n)))
        .collect();
    json!({
        "type": "summary",
        "complete": s.complete(),
        "duration_ms": ms3(s.duration_ns),
        "cpus": info.cpus,
        "buffer_pages": info.buffer_pages,
        "events": {
            "seen": s.seen,
            "shown": s.shown,
            "unexpected": s.unexpected,
            "same_state": s.same_state,
            "lost": s.lost_total(),
            "lost_per_cpu": lost_per_cpu,
            "undelivered": s.undelivered_total(),
            "late": s.late,
            "other_protocol": s.other_protocol,
            "malformed": s.malformed,
            "throttled": s.throttled,
        },
        "seeded": s.seeded,
        "transitions": s.cells().iter().map(|&(f, t, n)| json!({
            "from": f.netstat_name(), "to": t.netstat_name(), "count": n,
        })).collect::<Vec<_>>(),
        "matrix": matrix,
        "time_wait": {
            "inferred": inferred,
            "confirmed": s.inferred_total(),
            "unconfirmed": s.tw_unconfirmed,
            "pending": s.tw_pending,
        },
        "time_in_state": times,
        "slowest_handshakes": slow_values(&s.handshakes.items),
        "slowest_closes": slow_values(&s.closes.items),
        "close_wait": s.close_wait.iter().map(|g| json!({
            "local_port": g.local_port,
            "owner": g.owner.as_ref().map(owner_value),
            "count": g.count,
            "oldest_ms": ms3(g.oldest_ns),
            "oldest_at_least": g.at_least,
        })).collect::<Vec<_>>(),
        "traced": info.events.iter().map(|k| k.key()).collect::<Vec<_>>(),
        "causes": info.events.has_incidents().then(|| causes::value(&s.causes, info.events)),
    })
}

/// The summary as CSV sections, each with its own header, separated by blank lines:
/// transitions, time in state, slowest, close_wait, totals.
fn summary_csv(w: &mut dyn Write, s: &Summary) -> io::Result<()> {
    let section = |w: &mut dyn Write, rows: Vec<Vec<String>>| -> io::Result<()> {
        let mut c = csv::Writer::from_writer(Vec::new());
        for r in rows {
            c.write_record(&r).map_err(csv_err)?;
        }
        let buf = c
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        w.write_all(&buf)
    };
    let strs = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut rows = vec![strs(&["from", "to", "count", "inferred"])];
    for (f, t, n) in s.cells() {
        rows.push(vec![
            f.to_string(),
            t.to_string(),
            n.to_string(),
            "false".into(),
        ]);
    }
    for st in TcpState::LIFE_CYCLE {
        let n = s.inferred[usize::from(st.kernel())];
        if n > 0 {
            rows.push(vec![
                st.to_string(),
                "TIME_WAIT".into(),
                n.to_string(),
                "true".into(),
            ]);
        }
    }
    section(w, rows)?;
    w.write_all(b"\n")?;
    let mut rows = vec![strs(&[
        "state", "count", "p50_ms", "p90_ms", "p99_ms", "max_ms", "at_least", "unknown",
    ])];
    for st in s.timed_states() {
        let t = s.times_of(st);
        let q = quantiles(s, st);
        let f = |v: Option<u64>| v.map(|ns| format!("{:.3}", ms(ns))).unwrap_or_default();
        rows.push(vec![
            st.to_string(),
            t.exact.count().to_string(),
            f(q[0]),
            f(q[1]),
            f(q[2]),
            f(q[3]),
            t.at_least.to_string(),
            t.unknown.to_string(),
        ]);
    }
    section(w, rows)?;
    w.write_all(b"\n")?;
    let mut rows = vec![strs(&["kind", "ms", "local", "remote", "from", "owner"])];
    for (kind, items) in [
        ("handshake", &s.handshakes.items),
        ("close", &s.closes.items),
    ] {
        for x in items {
            rows.push(vec![
                kind.into(),
                format!("{:.3}", ms(x.ns)),
                x.local.to_string(),
                x.remote.to_string(),
                x.from.to_string(),
                owner_label(&x.owner),
            ]);
        }
    }
    section(w, rows)?;
    w.write_all(b"\n")?;
    let mut rows = vec![strs(&[
        "local_port",
        "owner",
        "count",
        "oldest_ms",
        "oldest_at_least",
    ])];
    for g in &s.close_wait {
        rows.push(vec![
            g.local_port.to_string(),
            g.owner.as_ref().map(owner_label).unwrap_or_default(),
            g.count.to_string(),
            format!("{:.3}", ms(g.oldest_ns)),
            g.at_least.to_string(),
        ]);
    }
    section(w, rows)?;
    w.write_all(b"\n")?;
    let rows = vec![
        strs(&["key", "value"]),
        vec!["complete".into(), s.complete().to_string()],
        vec!["duration_ms".into(), format!("{:.3}", ms(s.duration_ns))],
        vec!["shown".into(), s.shown.to_string()],
        vec!["seen".into(), s.seen.to_string()],
        vec!["lost".into(), s.lost_total().to_string()],
        vec!["unexpected".into(), s.unexpected.to_string()],
        vec!["late".into(), s.late.to_string()],
        vec!["time_wait_unconfirmed".into(), s.tw_unconfirmed.to_string()],
        vec!["time_wait_pending".into(), s.tw_pending.to_string()],
    ];
    section(w, rows)
}

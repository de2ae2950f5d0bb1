//! Rendering `tcpstate trace`: one line per transition as it happens (table for people, JSON
//! Lines, CSV) and the summary at the end (transitions matrix, time in state, slowest
//! handshakes and closes, CLOSE_WAIT left behind, and what may be missing). Inferred moves
//! say so, moves the state machine does not allow carry a `!`, lower bounds a `≥`.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::SocketAddr;

use serde_json::{Map, Value, json};

use super::table::{Align, write_aligned};
use super::{Format, NetstatAddr, Style};
use crate::socket::Endpoint;
use crate::tcp::state::TcpState;
use crate::trace::engine::{Dwell, Transition};
use crate::trace::owner::{Owner, OwnerSource};
use crate::trace::summary::{LIFECYCLE, Slow, Summary};

/// Maps the monotonic timestamps of events to wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeBase {
    /// CLOCK_MONOTONIC ns at some instant…
    pub mono: u64,
    /// …and CLOCK_REALTIME ns (since the Unix epoch) at the same instant.
    pub wall: u64,
}

impl TimeBase {
    pub fn wall_ns(&self, mono: u64) -> u64 {
        (self.wall as i128 + mono as i128 - self.mono as i128).max(0) as u64
    }
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

fn ms3(ns: u64) -> f64 {
    (ns as f64 / 1e3).round() / 1e3
}

/// `pid/comm`, with how the owner was found when it is not a process scan.
pub fn owner_label(o: &Owner) -> String {
    match o.source {
        OwnerSource::Process => format!("{}/{}", o.pid, o.comm),
        OwnerSource::OnCpu => format!("on-CPU: {}/{}", o.pid, o.comm),
        s => format!("{}/{} ({})", o.pid, o.comm, s.key()),
    }
}

fn owner_value(o: &Owner) -> Value {
    json!({ "pid": o.pid, "comm": &*o.comm, "source": o.source.key() })
}

fn addr(a: &SocketAddr) -> String {
    let e = Endpoint::new(a.ip(), a.port());
    NetstatAddr {
        e: &e,
        wildcard_port: true,
    }
    .to_string()
}

fn endpoint_value(a: &SocketAddr) -> Value {
    json!({ "address": a.ip().to_string(), "port": a.port() })
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// RFC 3339 UTC with microseconds: `2024-05-01T12:34:56.123456Z`.
pub fn rfc3339(wall_ns: u64) -> String {
    let secs = (wall_ns / 1_000_000_000) as i64;
    let micros = (wall_ns % 1_000_000_000) / 1000;
    let (y, mo, d) = civil(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

/// Local time of day `HH:MM:SS.uuuuuu`, the seconds part cached.
#[derive(Debug, Default)]
struct LocalClock {
    sec: i64,
    text: String,
}

impl LocalClock {
    fn format(&mut self, wall_ns: u64, out: &mut String) {
        let secs = (wall_ns / 1_000_000_000) as i64;
        if secs != self.sec || self.text.is_empty() {
            self.sec = secs;
            let t: libc::time_t = secs as libc::time_t;
            // SAFETY: tm is plain data; localtime_r only writes into it.
            let mut tm: libc::tm = unsafe { std::mem::zeroed() };
            let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
            self.text = if ok {
                format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec)
            } else {
                let s = secs.rem_euclid(86_400);
                format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
            };
        }
        let _ = write!(out, "{}.{:06}", self.text, (wall_ns % 1_000_000_000) / 1000);
    }
}

fn dwell_text(d: Dwell) -> String {
    match d {
        Dwell::Unknown => "-".into(),
        Dwell::Exact(ns) => format!("{:.3}", ms(ns)),
        Dwell::AtLeast(ns) => format!("≥{:.3}", ms(ns)),
    }
}

fn transition_text(t: &Transition) -> String {
    let mut s = String::new();
    if t.unexpected {
        s.push_str("! ");
    }
    let _ = write!(s, "{} → {}", t.old, t.new);
    if t.inferred {
        s.push_str(" (inferred)");
    }
    s
}

/// Writes transitions as they come.
pub struct TraceWriter<'w> {
    w: &'w mut dyn Write,
    format: Format,
    style: Style,
    time: TimeBase,
    clock: LocalClock,
    line: String,
    csv: Option<csv::Writer<Vec<u8>>>,
}

const TABLE_HEADER: &str = "TIME             LOCAL                  REMOTE                 TRANSITION                         IN-OLD(ms)  OWNER";

impl<'w> TraceWriter<'w> {
    pub fn new(w: &'w mut dyn Write, format: Format, style: Style, time: TimeBase) -> Self {
        TraceWriter {
            w,
            format,
            style,
            time,
            clock: LocalClock::default(),
            line: String::with_capacity(256),
            csv: None,
        }
    }

    /// The header (table, csv).
    pub fn begin(&mut self) -> io::Result<()> {
        match self.format {
            Format::Table => {
                self.style.header(self.w, TABLE_HEADER)?;
                self.w.write_all(b"\n")
            }
            Format::Plain | Format::Json => Ok(()),
            Format::Csv => {
                let mut c = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(Vec::with_capacity(512));
                c.write_record([
                    "time",
                    "ts_ns",
                    "cpu",
                    "family",
                    "local_address",
                    "local_port",
                    "remote_address",
                    "remote_port",
                    "old",
                    "new",
                    "in_old_ms",
                    "in_old_at_least",
                    "unexpected",
                    "inferred",
                    "owner_pid",
                    "owner_comm",
                    "owner_source",
                    "skaddr",
                ])
                .map_err(csv_err)?;
                self.csv = Some(c);
                self.flush_csv()
            }
        }
    }

    fn flush_csv(&mut self) -> io::Result<()> {
        if let Some(c) = self.csv.take() {
            let mut buf = c
                .into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?;
            self.w.write_all(&buf)?;
            buf.clear();
            self.csv = Some(
                csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(buf),
            );
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }

    /// One transition.
    pub fn transition(&mut self, t: &Transition) -> io::Result<()> {
        let wall = self.time.wall_ns(t.ts);
        match self.format {
            Format::Table | Format::Plain => {
                self.line.clear();
                self.clock.format(wall, &mut self.line);
                let _ = write!(
                    self.line,
                    "  {:<21}  {:<21}  {:<33}  {:>10}  {}",
                    addr(&t.local),
                    addr(&t.remote),
                    transition_text(t),
                    dwell_text(t.dwell),
                    owner_label(&t.owner)
                );
                self.line.push('\n');
                self.w.write_all(self.line.as_bytes())
            }
            Format::Json => {
                let (in_old, at_least) = match t.dwell {
                    Dwell::Unknown => (None, false),
                    Dwell::Exact(ns) => (Some(ms3(ns)), false),
                    Dwell::AtLeast(ns) => (Some(ms3(ns)), true),
                };
                let v = json!({
                    "type": "transition",
                    "time": rfc3339(wall),
                    "ts_ns": t.ts,
                    "cpu": t.cpu,
                    "family": t.family.key(),
                    "local": endpoint_value(&t.local),
                    "remote": endpoint_value(&t.remote),
                    "old": t.old.netstat_name(),
                    "new": t.new.netstat_name(),
                    "in_old_ms": in_old,
                    "in_old_at_least": at_least,
                    "unexpected": t.unexpected,
                    "inferred": t.inferred,
                    "closing_ms": t.closing_for.map(ms3),
                    "owner": owner_value(&t.owner),
                    "skaddr": format!("{:#x}", t.skaddr),
                });
                serde_json::to_writer(&mut *self.w, &v)?;
                self.w.write_all(b"\n")
            }
            Format::Csv => {
                let (in_old, at_least) = match t.dwell {
                    Dwell::Unknown => (String::new(), false),
                    Dwell::Exact(ns) => (format!("{:.3}", ms(ns)), false),
                    Dwell::AtLeast(ns) => (format!("{:.3}", ms(ns)), true),
                };
                let rec = [
                    rfc3339(wall),
                    t.ts.to_string(),
                    t.cpu.to_string(),
                    t.family.key().to_string(),
                    t.local.ip().to_string(),
                    t.local.port().to_string(),
                    t.remote.ip().to_string(),
                    t.remote.port().to_string(),
                    t.old.netstat_name().to_string(),
                    t.new.netstat_name().to_string(),
                    in_old,
                    at_least.to_string(),
                    t.unexpected.to_string(),
                    t.inferred.to_string(),
                    t.owner.pid.to_string(),
                    t.owner.comm.to_string(),
                    t.owner.source.key().to_string(),
                    format!("{:#x}", t.skaddr),
                ];
                if let Some(c) = self.csv.as_mut() {
                    c.write_record(&rec).map_err(csv_err)?;
                }
                self.flush_csv()
            }
        }
    }
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
    if s.complete() {
        "nothing lost".to_string()
    } else {
        format!(
            "{} events LOST by the kernel: INCOMPLETE (raise --buffer-pages)",
            s.lost_total()
        )
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
    if s.late > 0 {
        n.push(format!(
            "{} events arrived late and are shown out of time order",
            s.late
        ));
    }
    if s.other_protocol > 0 {
        n.push(format!("{} MPTCP/SCTP events ignored", s.other_protocol));
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
        Format::Csv => summary_csv(w, s),
    }
}

fn summary_table(w: &mut dyn Write, style: Style, s: &Summary, info: &TraceInfo) -> io::Result<()> {
    writeln!(
        w,
        "\n{} transitions in {:.1} s on {} CPUs, {} TIME_WAIT inferred; {}",
        s.shown,
        s.duration_ns as f64 / 1e9,
        info.cpus,
        s.inferred_total(),
        completeness(s)
    )?;
    let states = s.matrix_states();
    if !states.is_empty() {
        writeln!(
            w,
            "\nTransitions (rows: from, columns: to; TIME_WAIT* inferred)"
        )?;
        let mut header = vec!["FROM \\ TO".to_string()];
        for &st in &states {
            header.push(if st == TcpState::TimeWait {
                "TIME_WAIT*".to_string()
            } else {
                st.to_string()
            });
        }
        let mut rows = Vec::new();
        for &from in &states {
            let mut r = vec![from.to_string()];
            let mut any = false;
            for &to in &states {
                let mut n = s.get(from, to);
                if to == TcpState::TimeWait {
                    n += s.inferred[usize::from(from.kernel())];
                }
                any |= n > 0;
                r.push(if n > 0 { n.to_string() } else { ".".into() });
            }
            if any {
                rows.push(r);
            }
        }
        let mut align = vec![Align::Left];
        align.extend(std::iter::repeat_n(Align::Right, states.len()));
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
    for st in LIFECYCLE {
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
            "lost": s.lost_total(),
            "lost_per_cpu": lost_per_cpu,
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
    for st in LIFECYCLE {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            rfc3339(1_709_210_096_123_456_789),
            "2024-02-29T12:34:56.123456Z"
        );
    }
}

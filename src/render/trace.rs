//! Rendering `tcpstate trace`: one line per transition as it happens — a table for people,
//! JSON Lines, or CSV — written straight into a reused line buffer (a busy host makes hundreds
//! of thousands of transitions a second, so nothing here allocates per line), and the summary
//! at the end (`summary`). Inferred moves say so, moves the state machine does not allow carry
//! a `!`, lower bounds a `≥`, and an owner known only from the CPU says "on-CPU".

pub mod causes;
pub mod incident;
pub mod summary;

pub use summary::{TraceInfo, summary, summary_value};

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};

use super::{DataFormat as Format, Style};
use crate::trace::engine::{Dwell, Transition};
use crate::trace::owner::{OwnerSource, TracedOwner};

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

/// Append a number in decimal.
fn push_u64(s: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    s.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("?"));
}

/// Append `v` zero-padded to `width` digits.
fn push_padded(s: &mut String, v: u64, width: usize) {
    let start = s.len();
    push_u64(s, v);
    let n = s.len() - start;
    if n < width {
        s.insert_str(start, &"000000000"[..(width - n).min(9)]);
    }
}

/// Append a duration in milliseconds with three decimals (`12.345`).
fn push_ms(s: &mut String, ns: u64) {
    let us = (ns + 500) / 1000;
    push_u64(s, us / 1000);
    s.push('.');
    push_padded(s, us % 1000, 3);
}

/// Append an endpoint in netstat's notation: `a.b.c.d:port`, IPv6 unbracketed, an
/// IPv4-mapped address as IPv4, `*` for a port not chosen yet.
fn push_addr(s: &mut String, a: &SocketAddr) {
    let v4 = match a.ip() {
        IpAddr::V4(v4) => Some(v4),
        IpAddr::V6(v6) if !v6.is_unspecified() => v6.to_ipv4_mapped(),
        IpAddr::V6(_) => None,
    };
    match v4 {
        Some(v4) => {
            for (i, o) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    s.push('.');
                }
                push_u64(s, u64::from(o));
            }
        }
        None => {
            let _ = write!(s, "{}", a.ip());
        }
    }
    s.push(':');
    if a.port() == 0 {
        s.push('*');
    } else {
        push_u64(s, u64::from(a.port()));
    }
}

/// Pad the text appended since `start` with spaces to `width` characters.
fn pad_from(s: &mut String, start: usize, width: usize) {
    let n = s[start..].chars().count();
    for _ in n..width {
        s.push(' ');
    }
}

/// `pid/comm`, with how the owner was found when it is not a process scan.
pub fn owner_label(o: &TracedOwner) -> String {
    let mut s = String::new();
    push_owner(&mut s, o);
    s
}

fn push_owner(s: &mut String, o: &TracedOwner) {
    if o.source == OwnerSource::OnCpu {
        s.push_str("on-CPU: ");
    }
    push_u64(s, u64::from(o.pid));
    s.push('/');
    s.push_str(&o.comm);
    if !matches!(o.source, OwnerSource::Process | OwnerSource::OnCpu) {
        s.push_str(" (");
        s.push_str(o.source.key());
        s.push(')');
    }
}

/// Append `v` as a JSON string.
fn push_json_str(s: &mut String, v: &str) {
    // serde_json's escaping; serialising a str cannot fail.
    if let Ok(quoted) = serde_json::to_string(v) {
        s.push_str(&quoted);
    }
}

/// Append an endpoint as `{"address":"…","port":N}`.
fn push_endpoint_json(s: &mut String, a: &SocketAddr) {
    let _ = write!(s, "{{\"address\":\"{}\",\"port\":", a.ip());
    push_u64(s, u64::from(a.port()));
    s.push('}');
}

/// Append `v` as a CSV field, quoted when it needs to be.
fn push_csv_field(s: &mut String, v: &str) {
    if v.contains([',', '"', '\n', '\r']) {
        s.push('"');
        s.push_str(&v.replace('"', "\"\""));
        s.push('"');
    } else {
        s.push_str(v);
    }
}

/// RFC 3339 UTC with microseconds: `2024-05-01T12:34:56.123456Z`.
pub fn rfc3339(wall_ns: u64) -> String {
    let mut c = Clock::default();
    let mut s = String::new();
    c.push_utc(wall_ns, &mut s);
    s
}

/// Formats times of day, caching the whole-second part.
#[derive(Debug, Default)]
struct Clock {
    local_sec: Option<i64>,
    local: String,
    utc_sec: Option<i64>,
    utc: String,
}

impl Clock {
    /// Local time of day, `HH:MM:SS.uuuuuu`.
    fn push_local(&mut self, wall_ns: u64, out: &mut String) {
        let secs = (wall_ns / 1_000_000_000) as i64;
        if self.local_sec != Some(secs) {
            self.local_sec = Some(secs);
            let t: libc::time_t = secs as libc::time_t;
            // SAFETY: tm is plain data; localtime_r only writes into it.
            let mut tm: libc::tm = unsafe { std::mem::zeroed() };
            let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
            let (h, m, sec) = if ok {
                (tm.tm_hour as i64, tm.tm_min as i64, tm.tm_sec as i64)
            } else {
                let d = secs.rem_euclid(86_400);
                (d / 3600, d / 60 % 60, d % 60)
            };
            self.local = format!("{h:02}:{m:02}:{sec:02}");
        }
        out.push_str(&self.local);
        out.push('.');
        push_padded(out, (wall_ns % 1_000_000_000) / 1000, 6);
    }

    /// UTC date and time, RFC 3339 with microseconds.
    fn push_utc(&mut self, wall_ns: u64, out: &mut String) {
        let secs = (wall_ns / 1_000_000_000) as i64;
        if self.utc_sec != Some(secs) {
            self.utc_sec = Some(secs);
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64);
            let whole = humantime::format_rfc3339_seconds(t).to_string();
            self.utc = whole.trim_end_matches('Z').to_string();
        }
        out.push_str(&self.utc);
        out.push('.');
        push_padded(out, (wall_ns % 1_000_000_000) / 1000, 6);
        out.push('Z');
    }
}

/// Writes transitions as they come.
pub struct TraceWriter<'w> {
    w: &'w mut dyn Write,
    format: Format,
    style: Style,
    time: TimeBase,
    clock: Clock,
    line: String,
    /// The namespace the snapshot read, shown on the events of sockets it saw.
    netns: Option<String>,
    /// Incidents come too: CSV rows get their columns.
    incidents: bool,
}

const TABLE_HEADER: &str = "TIME             LOCAL                  REMOTE                 TRANSITION                         IN-OLD(ms)  OWNER";

const CSV_HEADER: &str = "time,ts_ns,cpu,family,local_address,local_port,remote_address,remote_port,old,new,in_old_ms,in_old_at_least,unexpected,inferred,closing_ms,owner_pid,owner_comm,owner_source,skaddr,netns\n";

impl<'w> TraceWriter<'w> {
    pub fn new(w: &'w mut dyn Write, format: Format, style: Style, time: TimeBase) -> Self {
        TraceWriter {
            w,
            format,
            style,
            time,
            clock: Clock::default(),
            line: String::with_capacity(512),
            netns: None,
            incidents: false,
        }
    }

    /// Incidents will be written too (CSV rows get their columns).
    pub fn with_incidents(mut self) -> Self {
        self.incidents = true;
        self
    }

    /// Name the namespace of the events whose socket the starting snapshot saw.
    pub fn with_netns(mut self, label: String) -> Self {
        self.netns = Some(label);
        self
    }

    /// The header (table, csv).
    pub fn begin(&mut self) -> io::Result<()> {
        match self.format {
            Format::Table => {
                self.style.header(self.w, TABLE_HEADER)?;
                self.w.write_all(b"\n")
            }
            Format::Plain | Format::Json => Ok(()),
            Format::Csv if self.incidents => {
                let head = CSV_HEADER.trim_end();
                writeln!(self.w, "{head}{}", incident::CSV_INCIDENT_COLUMNS)
            }
            Format::Csv => self.w.write_all(CSV_HEADER.as_bytes()),
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }

    /// One transition.
    pub fn transition(&mut self, t: &Transition) -> io::Result<()> {
        let wall = self.time.wall_ns(t.ts);
        self.line.clear();
        match self.format {
            Format::Table | Format::Plain => self.table_line(t, wall),
            Format::Json => self.json_line(t, wall),
            Format::Csv => self.csv_line(t, wall),
        }
        self.line.push('\n');
        self.w.write_all(self.line.as_bytes())
    }

    fn table_line(&mut self, t: &Transition, wall: u64) {
        let l = &mut self.line;
        self.clock.push_local(wall, l);
        l.push_str("  ");
        let at = l.len();
        push_addr(l, &t.local);
        pad_from(l, at, 21);
        l.push_str("  ");
        let at = l.len();
        push_addr(l, &t.remote);
        pad_from(l, at, 21);
        l.push_str("  ");
        let at = l.len();
        if t.unexpected {
            l.push_str("! ");
        }
        l.push_str(t.old.netstat_name());
        l.push_str(" → ");
        l.push_str(t.new.netstat_name());
        if t.inferred {
            l.push_str(" (inferred)");
        }
        pad_from(l, at, 33);
        l.push_str("  ");
        // Right-aligned in 10 characters.
        let mut d = String::new();
        match t.dwell {
            Dwell::Unknown => d.push('-'),
            Dwell::Exact(ns) => push_ms(&mut d, ns),
            Dwell::AtLeast(ns) => {
                d.push('≥');
                push_ms(&mut d, ns);
            }
        }
        for _ in d.chars().count()..10 {
            l.push(' ');
        }
        l.push_str(&d);
        l.push_str("  ");
        push_owner(l, &t.owner);
        if let Some(ns) = self.netns.as_deref().filter(|_| t.in_snapshot) {
            l.push_str("  netns ");
            l.push_str(ns);
        }
    }

    fn json_line(&mut self, t: &Transition, wall: u64) {
        let l = &mut self.line;
        l.push_str("{\"type\":\"transition\",\"time\":\"");
        self.clock.push_utc(wall, l);
        l.push_str("\",\"ts_ns\":");
        push_u64(l, t.ts);
        l.push_str(",\"cpu\":");
        push_u64(l, u64::from(t.cpu));
        l.push_str(",\"family\":\"");
        l.push_str(t.family.key());
        l.push_str("\",\"local\":");
        push_endpoint_json(l, &t.local);
        l.push_str(",\"remote\":");
        push_endpoint_json(l, &t.remote);
        l.push(',');
        l.push_str("\"old\":\"");
        l.push_str(t.old.netstat_name());
        l.push_str("\",\"new\":\"");
        l.push_str(t.new.netstat_name());
        l.push_str("\",\"in_old_ms\":");
        match t.dwell {
            Dwell::Unknown => l.push_str("null,\"in_old_at_least\":false"),
            Dwell::Exact(ns) => {
                push_ms(l, ns);
                l.push_str(",\"in_old_at_least\":false");
            }
            Dwell::AtLeast(ns) => {
                push_ms(l, ns);
                l.push_str(",\"in_old_at_least\":true");
            }
        }
        l.push_str(",\"unexpected\":");
        l.push_str(if t.unexpected { "true" } else { "false" });
        l.push_str(",\"inferred\":");
        l.push_str(if t.inferred { "true" } else { "false" });
        l.push_str(",\"closing_ms\":");
        match t.closing_for {
            Some(ns) => push_ms(l, ns),
            None => l.push_str("null"),
        }
        l.push_str(",\"owner\":{\"pid\":");
        push_u64(l, u64::from(t.owner.pid));
        l.push_str(",\"comm\":");
        push_json_str(l, &t.owner.comm);
        l.push_str(",\"source\":\"");
        l.push_str(t.owner.source.key());
        let _ = write!(l, "\"}},\"skaddr\":\"{:#x}\",\"netns\":", t.skaddr);
        match self.netns.as_deref().filter(|_| t.in_snapshot) {
            Some(ns) => push_json_str(l, ns),
            None => l.push_str("null"),
        }
        l.push('}');
    }

    fn csv_line(&mut self, t: &Transition, wall: u64) {
        let l = &mut self.line;
        self.clock.push_utc(wall, l);
        l.push(',');
        push_u64(l, t.ts);
        l.push(',');
        push_u64(l, u64::from(t.cpu));
        l.push(',');
        l.push_str(t.family.key());
        for a in [&t.local, &t.remote] {
            let _ = write!(l, ",{},", a.ip());
            push_u64(l, u64::from(a.port()));
        }
        l.push(',');
        l.push_str(t.old.netstat_name());
        l.push(',');
        l.push_str(t.new.netstat_name());
        l.push(',');
        let at_least = match t.dwell {
            Dwell::Unknown => false,
            Dwell::Exact(ns) => {
                push_ms(l, ns);
                false
            }
            Dwell::AtLeast(ns) => {
                push_ms(l, ns);
                true
            }
        };
        for b in [at_least, t.unexpected, t.inferred] {
            l.push(',');
            l.push_str(if b { "true" } else { "false" });
        }
        l.push(',');
        if let Some(ns) = t.closing_for {
            push_ms(l, ns);
        }
        l.push(',');
        push_u64(l, u64::from(t.owner.pid));
        l.push(',');
        push_csv_field(l, &t.owner.comm);
        l.push(',');
        l.push_str(t.owner.source.key());
        let _ = write!(l, ",{:#x},", t.skaddr);
        if let Some(ns) = self.netns.as_deref().filter(|_| t.in_snapshot) {
            push_csv_field(l, ns);
        }
        if self.incidents {
            l.push_str(",transition,,,,,");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::Family;
    use crate::tcp::state::TcpState;
    use std::rc::Rc;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            rfc3339(1_709_210_096_123_456_789),
            "2024-02-29T12:34:56.123456Z"
        );
    }

    #[test]
    fn numbers_and_addresses() {
        let mut s = String::new();
        push_ms(&mut s, 1_234_567);
        s.push(' ');
        push_ms(&mut s, 999);
        s.push(' ');
        push_addr(&mut s, &"[::ffff:10.1.2.3]:80".parse().unwrap());
        s.push(' ');
        push_addr(&mut s, &"[2001:db8::1]:0".parse().unwrap());
        assert_eq!(s, "1.235 0.001 10.1.2.3:80 2001:db8::1:*");
    }

    fn sample() -> Transition {
        Transition {
            ts: 2_000_000_000,
            cpu: 1,
            skaddr: 0xffff_8880_0000_1000,
            family: Family::V4,
            local: "127.0.0.1:5000".parse().unwrap(),
            remote: "127.0.0.1:80".parse().unwrap(),
            old: TcpState::SynSent,
            new: TcpState::Established,
            dwell: Dwell::AtLeast(1_500_000),
            owner: TracedOwner {
                pid: 42,
                comm: Rc::from("a \"b\",c"),
                source: OwnerSource::Connect,
            },
            unexpected: true,
            inferred: false,
            closing_for: None,
            in_snapshot: true,
        }
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        let tb = TimeBase {
            mono: 1_000_000_000,
            wall: 1_709_210_096_000_000_000,
        };
        let mut w = TraceWriter::new(&mut out, format, Style::default(), tb);
        w.begin().unwrap();
        w.transition(&sample()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_line_parses() {
        let text = render(Format::Json);
        let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(v["type"], "transition");
        assert_eq!(v["time"], "2024-02-29T12:34:57.000000Z");
        assert_eq!(v["local"]["port"], 5000);
        assert_eq!(v["remote"]["address"], "127.0.0.1");
        assert_eq!(v["old"], "SYN_SENT");
        assert_eq!(v["in_old_ms"], 1.5);
        assert_eq!(v["in_old_at_least"], true);
        assert_eq!(v["unexpected"], true);
        assert_eq!(v["owner"]["comm"], "a \"b\",c");
        assert_eq!(v["owner"]["source"], "connect");
        assert_eq!(v["skaddr"], "0xffff888000001000");
    }

    #[test]
    fn csv_and_table_lines() {
        let text = render(Format::Csv);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let headers = r.headers().unwrap().clone();
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(headers.len(), rec.len());
        let get = |k: &str| {
            rec.get(headers.iter().position(|h| h == k).unwrap())
                .unwrap()
        };
        assert_eq!(get("owner_comm"), "a \"b\",c");
        assert_eq!(get("in_old_ms"), "1.500");
        assert_eq!(get("local_port"), "5000");
        let text = render(Format::Table);
        let line = text.lines().nth(1).unwrap();
        assert!(line.contains("! SYN_SENT → ESTABLISHED"), "{line}");
        assert!(line.contains("≥1.500  42/a \"b\",c (connect)"), "{line}");
    }
}

//! `watch` without the dashboard: one line per interval for logs and pipes, like vmstat. The
//! `plain` (and `table`) format writes the time, then `STATE=COUNT` pairs (the non-zero states,
//! or every state with `--all-states`) in kernel order, so columns stay put from line to line;
//! `json` writes one object per line; `csv` one row per line under a header of every state.
//! Also the small formatters the dashboard shares with it: UTC time stamps, durations, signed
//! changes and rates.

use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::DataFormat as Format;
use crate::analyze::count::Counts;
use crate::tcp::state::{StateSet, TcpState};
use crate::trace::EventKind;
use crate::watch::events::EventRates;

/// How the interval lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineOptions {
    pub format: Format,
    /// Every state, zeros included (plain format; json and csv always have every state).
    pub all_states: bool,
    /// The states a line may show (the `--state` filter): the others are always zero.
    pub states: StateSet,
    /// Whether time stamps carry milliseconds (intervals shorter than a second).
    pub millis: bool,
    /// Lines end with traced events' rates (`--events`), said in the header.
    pub events: bool,
}

/// Writes one line per sample. Keeps the previous counts, for the json `delta`.
pub struct IntervalWriter<'w> {
    w: &'w mut dyn Write,
    opts: LineOptions,
    prev: Option<Counts>,
}

impl<'w> IntervalWriter<'w> {
    pub fn new(w: &'w mut dyn Write, opts: LineOptions) -> IntervalWriter<'w> {
        IntervalWriter {
            w,
            opts,
            prev: None,
        }
    }

    /// The states of a plain line: those asked for, then sockets of unknown state (a FreeBSD
    /// `netstat -T` capture), which no state filter asks for.
    fn states(&self) -> impl Iterator<Item = TcpState> + '_ {
        TcpState::COUNTED
            .into_iter()
            .filter(|&s| self.opts.states.contains(s))
    }

    /// The count of `s` for the JSON and CSV lines, which carry every state the summary's
    /// JSON carries: BOUND_INACTIVE is unknown (null) unless it was asked for.
    fn known(&self, counts: &Counts, s: TcpState) -> Option<u64> {
        (s != TcpState::BoundInactive || self.opts.states.contains(s)).then(|| counts.get(s))
    }

    /// The header line: a `#` comment naming the host, the interval and the line layout
    /// (plain), the column names (csv); json lines have none.
    pub fn header(&mut self, host: &str, interval: Duration) -> io::Result<()> {
        match self.opts.format {
            Format::Table | Format::Plain => {
                let which = if self.opts.all_states {
                    "every state"
                } else {
                    "non-zero states"
                };
                let events = if self.opts.events {
                    ", then | traced events per second"
                } else {
                    ""
                };
                writeln!(
                    self.w,
                    "# tcpstate watch on {host}, every {}: TIME(UTC) STATE=COUNT for the {which}{events}",
                    duration(interval)
                )?;
            }
            Format::Csv => {
                let mut line = String::from("time,total");
                for s in TcpState::REPORTED {
                    line.push(',');
                    line.push_str(s.netstat_name());
                }
                writeln!(self.w, "{line}")?;
            }
            Format::Json => {}
        }
        Ok(())
    }

    /// One sample's line, flushed at once (the reader is a log or a pipe). `events`: the
    /// traced events' rates since the previous line (`--events`; plain and json only).
    pub fn line(
        &mut self,
        at: SystemTime,
        counts: &Counts,
        events: Option<&EventRates>,
    ) -> io::Result<()> {
        let time = utc_timestamp(at, self.opts.millis);
        match self.opts.format {
            Format::Table | Format::Plain => {
                let mut line = time;
                for s in self.states() {
                    let n = counts.get(s);
                    if n > 0 || (self.opts.all_states && s != TcpState::Unknown) {
                        line.push_str(&format!(" {}={n}", s.netstat_name()));
                    }
                }
                if let Some(r) = events {
                    line.push_str(&events_text(r));
                }
                writeln!(self.w, "{line}")?;
            }
            Format::Csv => {
                let mut line = format!("{time},{}", counts.total());
                for s in TcpState::REPORTED {
                    match self.known(counts, s) {
                        Some(n) => line.push_str(&format!(",{n}")),
                        None => line.push(','),
                    }
                }
                writeln!(self.w, "{line}")?;
            }
            Format::Json => {
                let mut states = Map::new();
                for s in TcpState::REPORTED {
                    states.insert(s.key().to_string(), json!(self.known(counts, s)));
                }
                let delta = match &self.prev {
                    Some(p) => {
                        let mut d = Map::new();
                        for s in TcpState::REPORTED {
                            let change = self
                                .known(counts, s)
                                .zip(self.known(p, s))
                                .map(|(now, then)| now as i64 - then as i64);
                            d.insert(s.key().to_string(), json!(change));
                        }
                        Value::Object(d)
                    }
                    None => Value::Null,
                };
                let unix_ms = at
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_millis() as u64)
                    .unwrap_or(0);
                let mut o = json!({
                    "time": time,
                    "unix_ms": unix_ms,
                    "total": counts.total(),
                    "states": states,
                    "unknown_state": counts.get(TcpState::Unknown),
                    "delta": delta,
                });
                if let Some(r) = events {
                    o["events"] = events_json(r);
                }
                serde_json::to_writer(&mut *self.w, &o)?;
                self.w.write_all(b"\n")?;
            }
        }
        self.prev = Some(counts.clone());
        self.w.flush()
    }
}

/// The plain line's events: ` | RETRANS/s=25.0 10.0.0.3=20.0 DROPS/s=2.0 NETFILTER_DROP=2.0
/// RST_SENT/s=0.0 RST_RECEIVED/s=0.0`, the kinds traced only, and `INCOMPLETE(lost=N)` when
/// the kernel lost events.
fn events_text(r: &EventRates) -> String {
    let mut t = String::from(" |");
    if r.lost > 0 {
        t.push_str(&format!(" INCOMPLETE(lost={})", r.lost));
    }
    if r.shows(EventKind::Retrans) {
        t.push_str(&format!(" RETRANS/s={:.1}", r.retransmits));
        for (peer, rate) in &r.peers {
            t.push_str(&format!(" {peer}={rate:.1}"));
        }
    }
    if r.shows(EventKind::Drop) {
        t.push_str(&format!(" DROPS/s={:.1}", r.dropped));
        for (reason, rate) in &r.drops {
            t.push_str(&format!(" {reason}={rate:.1}"));
        }
    }
    if r.shows(EventKind::Reset) {
        t.push_str(&format!(
            " RST_SENT/s={:.1} RST_RECEIVED/s={:.1}",
            r.resets_sent, r.resets_received
        ));
    }
    t
}

/// The json line's `events`: rates per second; a kind not traced is null, not 0.
fn events_json(r: &EventRates) -> Value {
    let on = |k: EventKind| r.shows(k);
    json!({
        "retransmits_per_sec": on(EventKind::Retrans).then_some(r.retransmits),
        "peers": on(EventKind::Retrans).then(|| r.peers.iter()
            .map(|(p, rate)| json!({"peer": p.to_string(), "per_sec": rate}))
            .collect::<Vec<_>>()),
        "dropped_per_sec": on(EventKind::Drop).then_some(r.dropped),
        "drops": on(EventKind::Drop).then(|| r.drops.iter()
            .map(|(reason, rate)| json!({"reason": reason, "per_sec": rate}))
            .collect::<Vec<_>>()),
        "resets_sent_per_sec": on(EventKind::Reset).then_some(r.resets_sent),
        "resets_received_per_sec": on(EventKind::Reset).then_some(r.resets_received),
        "lost": r.lost,
        "complete": r.lost == 0,
    })
}

/// `2025-03-01T12:00:05Z` (RFC 3339, UTC), with `.250` milliseconds when asked.
pub fn utc_timestamp(t: SystemTime, millis: bool) -> String {
    if millis {
        humantime::format_rfc3339_millis(t).to_string()
    } else {
        humantime::format_rfc3339_seconds(t).to_string()
    }
}

/// `12:00:05` UTC, for the dashboard's title.
pub fn utc_clock(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let sod = secs % 86_400;
    format!("{:02}:{:02}:{:02}", sod / 3600, sod / 60 % 60, sod % 60)
}

/// A duration as the command line takes it: `200ms`, `1s`, `1.5s`, `5m`, `1h30m`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    if !ms.is_multiple_of(1000) {
        return format!("{}s", d.as_secs_f64());
    }
    let s = d.as_secs();
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// A change with its sign: `+12`, `-3`, `0`.
pub fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// A rate per second with its sign and one decimal: `+12.5`, `-0.3`, `0`.
pub fn signed_rate(r: f64) -> String {
    if r.abs() < 0.05 {
        "0".to_string()
    } else if r > 0.0 {
        format!("+{r:.1}")
    } else {
        format!("{r:.1}")
    }
}

/// A rate per second without a sign (kernel counters only go up): `12.5/s`.
pub fn rate(r: f64) -> String {
    if r.abs() < 0.05 {
        "0/s".to_string()
    } else if r >= 100.0 {
        format!("{r:.0}/s")
    } else {
        format!("{r:.1}/s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::Family;

    #[test]
    fn dates() {
        let t = UNIX_EPOCH + Duration::from_millis(1_709_294_405_250);
        assert_eq!(utc_timestamp(t, false), "2024-03-01T12:00:05Z");
        assert_eq!(utc_timestamp(t, true), "2024-03-01T12:00:05.250Z");
        assert_eq!(utc_clock(t), "12:00:05");
    }

    #[test]
    fn durations_and_numbers() {
        assert_eq!(duration(Duration::from_millis(200)), "200ms");
        assert_eq!(duration(Duration::from_secs(1)), "1s");
        assert_eq!(duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(duration(Duration::from_secs(300)), "5m");
        assert_eq!(duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(signed(4), "+4");
        assert_eq!(signed(-4), "-4");
        assert_eq!(signed(0), "0");
        assert_eq!(signed_rate(2.0), "+2.0");
        assert_eq!(signed_rate(0.01), "0");
        assert_eq!(rate(250.0), "250/s");
    }

    #[test]
    fn plain_and_json_lines() {
        let mut c = Counts::new();
        c.add(Family::V4, TcpState::Established, 4);
        c.add(Family::V6, TcpState::Listen, 2);
        let t = UNIX_EPOCH + Duration::from_secs(1_709_294_405);
        let mut out = Vec::new();
        let opts = LineOptions {
            format: Format::Plain,
            all_states: false,
            states: StateSet::ALL,
            millis: false,
            events: false,
        };
        let mut w = IntervalWriter::new(&mut out, opts);
        w.line(t, &c, None).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2024-03-01T12:00:05Z ESTABLISHED=4 LISTEN=2\n"
        );

        let mut out = Vec::new();
        let mut w = IntervalWriter::new(
            &mut out,
            LineOptions {
                format: Format::Json,
                ..opts
            },
        );
        w.line(t, &c, None).unwrap();
        c.add(Family::V4, TcpState::Established, 1);
        w.line(t, &c, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0]["delta"].is_null());
        assert_eq!(lines[1]["states"]["established"], 5);
        assert_eq!(lines[1]["delta"]["established"], 1);
        assert_eq!(lines[1]["delta"]["listen"], 0);
        assert_eq!(lines[1]["total"], 7);
    }
}

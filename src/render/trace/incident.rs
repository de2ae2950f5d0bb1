//! One line per incident of `tcpstate trace --events …` (a retransmit, reset, drop, SYN-ACK
//! retransmit or socket error), in the trace's table, JSON Lines or CSV, beside the
//! transitions: the same time, address and owner columns, the kind and reason where a
//! transition has its states, and `-`/`null` for what the kernel did not say.

use std::fmt::Write as _;
use std::io;

use super::{
    TraceWriter, pad_from, push_addr, push_csv_field, push_endpoint_json, push_json_str,
    push_owner, push_u64,
};
use crate::render::DataFormat as Format;
use crate::trace::attribute::{Incident, IncidentKind};

/// The columns CSV rows get when incidents are traced (transitions leave them empty).
pub const CSV_INCIDENT_COLUMNS: &str = ",event,state,reason,location,result,tcp";

/// The kind and reason as the table shows them: `RESET SENT NO_SOCKET`.
pub fn describe(i: &Incident) -> String {
    let mut s = String::from(match i.kind {
        IncidentKind::Retransmit => "RETRANSMIT",
        IncidentKind::SynAckRetransmit => "SYN-ACK RETRANSMIT",
        IncidentKind::ResetSent => "RESET SENT",
        IncidentKind::ResetReceived => "RESET RECEIVED",
        IncidentKind::Drop => "DROP",
        IncidentKind::SocketError => "ERROR",
    });
    if let Some(r) = &i.reason {
        s.push(' ');
        s.push_str(r);
    }
    if i.kind == IncidentKind::Retransmit
        && let Some(st) = i.state
    {
        s.push(' ');
        s.push_str(st.netstat_name());
    }
    if i.kind == IncidentKind::Retransmit
        && let Some(r) = i.result.filter(|&r| r != 0)
    {
        let _ = write!(s, " (failed {r})");
    }
    s
}

impl TraceWriter<'_> {
    /// One incident.
    pub fn incident(&mut self, i: &Incident) -> io::Result<()> {
        let wall = self.time.wall_ns(i.ts);
        self.line.clear();
        match self.format {
            Format::Table | Format::Plain => self.incident_table(i, wall),
            Format::Json => self.incident_json(i, wall),
            Format::Csv => self.incident_csv(i, wall),
        }
        self.line.push('\n');
        self.w.write_all(self.line.as_bytes())
    }

    fn netns_of(&self, i: &Incident) -> Option<&str> {
        self.netns.as_deref().filter(|_| i.in_snapshot)
    }

    fn incident_table(&mut self, i: &Incident, wall: u64) {
        let netns = self.netns_of(i).map(str::to_string);
        let l = &mut self.line;
        self.clock.push_local(wall, l);
        l.push_str("  ");
        for a in [&i.local, &i.remote] {
            let at = l.len();
            match a {
                Some(a) => push_addr(l, a),
                None => l.push('-'),
            }
            pad_from(l, at, 21);
            l.push_str("  ");
        }
        let at = l.len();
        l.push_str(&describe(i));
        pad_from(l, at, 33);
        l.push_str("           -  ");
        match &i.owner {
            Some(o) => push_owner(l, o),
            None => l.push('-'),
        }
        if let Some(loc) = &i.location {
            l.push_str("  at ");
            l.push_str(loc);
        }
        if i.kind == IncidentKind::Drop && i.tcp.is_none() {
            l.push_str("  (protocol not known)");
        }
        if let Some(ns) = netns {
            l.push_str("  netns ");
            l.push_str(&ns);
        }
    }

    fn incident_json(&mut self, i: &Incident, wall: u64) {
        let netns = self.netns_of(i).map(str::to_string);
        let l = &mut self.line;
        l.push_str("{\"type\":\"");
        l.push_str(i.kind.key());
        l.push_str("\",\"time\":\"");
        self.clock.push_utc(wall, l);
        l.push_str("\",\"ts_ns\":");
        push_u64(l, i.ts);
        l.push_str(",\"cpu\":");
        push_u64(l, u64::from(i.cpu));
        l.push_str(",\"family\":\"");
        l.push_str(i.family.key());
        l.push('"');
        for (k, a) in [("local", &i.local), ("remote", &i.remote)] {
            let _ = write!(l, ",\"{k}\":");
            match a {
                Some(a) => push_endpoint_json(l, a),
                None => l.push_str("null"),
            }
        }
        let opt_str = |l: &mut String, k: &str, v: Option<&str>| {
            let _ = write!(l, ",\"{k}\":");
            match v {
                Some(v) => push_json_str(l, v),
                None => l.push_str("null"),
            }
        };
        opt_str(l, "state", i.state.map(|s| s.netstat_name()));
        opt_str(l, "reason", i.reason.as_deref());
        opt_str(l, "location", i.location.as_deref());
        l.push_str(",\"result\":");
        match i.result {
            Some(r) => {
                let _ = write!(l, "{r}");
            }
            None => l.push_str("null"),
        }
        l.push_str(",\"tcp\":");
        l.push_str(match i.tcp {
            Some(true) => "true",
            Some(false) => "false",
            None => "null",
        });
        l.push_str(",\"owner\":");
        match &i.owner {
            Some(o) => {
                l.push_str("{\"pid\":");
                push_u64(l, u64::from(o.pid));
                l.push_str(",\"comm\":");
                push_json_str(l, &o.comm);
                l.push_str(",\"source\":\"");
                l.push_str(o.source.key());
                l.push_str("\"}");
            }
            None => l.push_str("null"),
        }
        match i.skaddr {
            Some(sk) => {
                let _ = write!(l, ",\"skaddr\":\"{sk:#x}\"");
            }
            None => l.push_str(",\"skaddr\":null"),
        }
        opt_str(l, "netns", netns.as_deref());
        l.push('}');
    }

    fn incident_csv(&mut self, i: &Incident, wall: u64) {
        let netns = self.netns_of(i).map(str::to_string);
        let l = &mut self.line;
        self.clock.push_utc(wall, l);
        l.push(',');
        push_u64(l, i.ts);
        l.push(',');
        push_u64(l, u64::from(i.cpu));
        l.push(',');
        l.push_str(i.family.key());
        for a in [&i.local, &i.remote] {
            match a {
                Some(a) => {
                    let _ = write!(l, ",{},{}", a.ip(), a.port());
                }
                None => l.push_str(",,"),
            }
        }
        // old, new, in_old_ms, in_old_at_least, unexpected, inferred, closing_ms: a
        // transition's.
        l.push_str(",,,,,,,");
        match &i.owner {
            Some(o) => {
                l.push(',');
                push_u64(l, u64::from(o.pid));
                l.push(',');
                push_csv_field(l, &o.comm);
                l.push(',');
                l.push_str(o.source.key());
            }
            None => l.push_str(",,,"),
        }
        l.push(',');
        if let Some(sk) = i.skaddr {
            let _ = write!(l, "{sk:#x}");
        }
        l.push(',');
        if let Some(ns) = &netns {
            push_csv_field(l, ns);
        }
        l.push(',');
        l.push_str(i.kind.key());
        l.push(',');
        if let Some(s) = i.state {
            l.push_str(s.netstat_name());
        }
        for v in [i.reason.as_deref(), i.location.as_deref()] {
            l.push(',');
            if let Some(v) = v {
                push_csv_field(l, v);
            }
        }
        l.push(',');
        if let Some(r) = i.result {
            let _ = write!(l, "{r}");
        }
        l.push(',');
        if let Some(t) = i.tcp {
            l.push_str(if t { "true" } else { "false" });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Style;
    use crate::render::trace::TimeBase;
    use crate::socket::Family;
    use crate::tcp::state::TcpState;
    use std::rc::Rc;

    fn drop_without_socket() -> Incident {
        Incident {
            ts: 2_000_000_000,
            cpu: 1,
            kind: IncidentKind::Drop,
            skaddr: None,
            family: Family::V6,
            local: None,
            remote: None,
            state: None,
            reason: Some(Rc::from("NETFILTER_DROP")),
            location: Some(Rc::from("nft_do_chain+0x46f")),
            result: None,
            tcp: None,
            owner: None,
            in_snapshot: false,
            server: None,
        }
    }

    fn retransmit() -> Incident {
        Incident {
            kind: IncidentKind::Retransmit,
            skaddr: Some(0xffff_8880_0000_1000),
            family: Family::V4,
            local: Some("10.0.0.1:443".parse().unwrap()),
            remote: Some("10.0.0.2:50000".parse().unwrap()),
            state: Some(TcpState::Established),
            reason: None,
            location: None,
            result: Some(-105),
            tcp: Some(true),
            server: Some(true),
            ..drop_without_socket()
        }
    }

    fn render(format: Format, i: &Incident) -> String {
        let mut out = Vec::new();
        let tb = TimeBase {
            mono: 1_000_000_000,
            wall: 1_709_210_096_000_000_000,
        };
        let mut w = TraceWriter::new(&mut out, format, Style::default(), tb).with_incidents();
        w.begin().unwrap();
        w.incident(i).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_says_null_for_what_the_kernel_did_not_say() {
        let v: serde_json::Value =
            serde_json::from_str(render(Format::Json, &drop_without_socket()).trim()).unwrap();
        assert_eq!(v["type"], "drop");
        assert_eq!(v["family"], "ipv6");
        assert!(v["local"].is_null() && v["remote"].is_null() && v["owner"].is_null());
        assert!(v["tcp"].is_null() && v["skaddr"].is_null() && v["state"].is_null());
        assert_eq!(v["reason"], "NETFILTER_DROP");
        assert_eq!(v["location"], "nft_do_chain+0x46f");
        let v: serde_json::Value =
            serde_json::from_str(render(Format::Json, &retransmit()).trim()).unwrap();
        assert_eq!(v["local"]["port"], 443);
        assert_eq!(v["state"], "ESTABLISHED");
        assert_eq!(v["result"], -105);
    }

    #[test]
    fn csv_rows_fit_the_header_and_the_table_says_what_failed() {
        for i in [drop_without_socket(), retransmit()] {
            let text = render(Format::Csv, &i);
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let headers = r.headers().unwrap().clone();
            let rec = r.records().next().unwrap().unwrap();
            assert_eq!(headers.len(), rec.len(), "{text}");
            let get = |k: &str| {
                rec.get(headers.iter().position(|h| h == k).unwrap())
                    .unwrap()
            };
            assert_eq!(get("event"), i.kind.key());
            assert_eq!(get("old"), "");
        }
        let line = render(Format::Table, &retransmit());
        assert!(
            line.contains("RETRANSMIT ESTABLISHED (failed -105)"),
            "{line}"
        );
        let line = render(Format::Table, &drop_without_socket());
        assert!(line.contains("DROP NETFILTER_DROP"), "{line}");
        assert!(
            line.contains("at nft_do_chain+0x46f  (protocol not known)"),
            "{line}"
        );
    }
}

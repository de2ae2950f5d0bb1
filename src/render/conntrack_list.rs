//! The conntrack entry list, written as entries arrive (nothing is kept): per flow its state,
//! original and reply tuples, NAT (whether and how the reply differs), mark, zone, seconds
//! left and the ASSURED / UNREPLIED flags, in every data format.

use std::io::{self, Write};
use std::net::SocketAddr;

use serde_json::{Value, json};

use super::{DataFormat, Style};
use crate::conntrack::{CtEntry, CtTuple};

const HEADER: [&str; 8] = [
    "STATE", "ORIGINAL", "REPLY", "NAT", "MARK", "ZONE", "TIMEOUT", "FLAGS",
];

/// Streams entries: `entry` for each, then `close`.
pub struct CtListWriter<'w> {
    w: &'w mut dyn Write,
    format: DataFormat,
    style: Style,
    /// Several hosts: a HOST column / `host` field.
    many: bool,
    rows: u64,
}

fn pair(t: &CtTuple) -> String {
    format!(
        "{}->{}",
        SocketAddr::new(t.src.to_canonical(), t.sport),
        SocketAddr::new(t.dst.to_canonical(), t.dport)
    )
}

fn flags(e: &CtEntry) -> &'static str {
    match (e.assured, e.unreplied) {
        (true, true) => "ASSURED,UNREPLIED",
        (true, false) => "ASSURED",
        (false, true) => "UNREPLIED",
        (false, false) => "-",
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or("-".into(), |v| v.to_string())
}

fn tuple_value(t: &CtTuple) -> Value {
    json!({
        "src": t.src.to_canonical().to_string(),
        "sport": t.sport,
        "dst": t.dst.to_canonical().to_string(),
        "dport": t.dport,
    })
}

/// One entry as a JSON object.
pub fn entry_value(e: &CtEntry, host: Option<&str>) -> Value {
    let nat = e.nat();
    let mut v = json!({
        "state": e.state.name(),
        "original": tuple_value(&e.orig),
        "reply": tuple_value(&e.reply),
        "nat": { "snat": nat.snat, "dnat": nat.dnat },
        "mark": e.mark,
        "zone": e.zone,
        "timeout": e.timeout,
        "assured": e.assured,
        "unreplied": e.unreplied,
    });
    if let (Some(h), Some(o)) = (host, v.as_object_mut()) {
        o.insert("host".into(), json!(h));
    }
    v
}

impl<'w> CtListWriter<'w> {
    /// Start the list (the header, `[` of JSON).
    pub fn start(
        w: &'w mut dyn Write,
        format: DataFormat,
        style: Style,
        many: bool,
    ) -> io::Result<CtListWriter<'w>> {
        let me = CtListWriter {
            w,
            format,
            style,
            many,
            rows: 0,
        };
        match format {
            DataFormat::Table => {
                let mut h = String::new();
                if many {
                    h.push_str(&format!("{:<16} ", "HOST"));
                }
                h.push_str(&format!(
                    "{:<11} {:<47} {:<47} {:<9} {:>10} {:>5} {:>7} {}",
                    HEADER[0],
                    HEADER[1],
                    HEADER[2],
                    HEADER[3],
                    HEADER[4],
                    HEADER[5],
                    HEADER[6],
                    HEADER[7]
                ));
                me.style.header(me.w, &h)?;
                me.w.write_all(b"\n")?;
            }
            DataFormat::Csv => {
                let host = if many { "host," } else { "" };
                writeln!(
                    me.w,
                    "{host}state,src,sport,dst,dport,reply_src,reply_sport,reply_dst,reply_dport,\
                     nat,mark,zone,timeout,assured,unreplied"
                )?;
            }
            DataFormat::Json => me.w.write_all(b"[")?,
            DataFormat::Plain => {}
        }
        Ok(me)
    }

    /// Write one entry of the target `host`.
    pub fn entry(&mut self, host: &str, e: &CtEntry) -> io::Result<()> {
        self.rows += 1;
        let w = &mut *self.w;
        match self.format {
            DataFormat::Table => {
                if self.many {
                    write!(w, "{host:<16} ")?;
                }
                writeln!(
                    w,
                    "{:<11} {:<47} {:<47} {:<9} {:>10} {:>5} {:>7} {}",
                    e.state.name(),
                    pair(&e.orig),
                    pair(&e.reply),
                    e.nat().word(),
                    opt(e.mark),
                    e.zone,
                    opt(e.timeout),
                    flags(e)
                )
            }
            DataFormat::Plain => {
                if self.many {
                    write!(w, "{host} ")?;
                }
                writeln!(
                    w,
                    "{} {} {} {} {} {} {} {}",
                    e.state.name(),
                    pair(&e.orig),
                    pair(&e.reply),
                    e.nat().word(),
                    opt(e.mark),
                    e.zone,
                    opt(e.timeout),
                    flags(e)
                )
            }
            DataFormat::Csv => {
                let mut c = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(Vec::with_capacity(160));
                let t = |t: &CtTuple| {
                    [
                        t.src.to_canonical().to_string(),
                        t.sport.to_string(),
                        t.dst.to_canonical().to_string(),
                        t.dport.to_string(),
                    ]
                };
                let mut r: Vec<String> = Vec::with_capacity(16);
                if self.many {
                    r.push(host.to_string());
                }
                r.push(e.state.name().into());
                r.extend(t(&e.orig));
                r.extend(t(&e.reply));
                r.push(e.nat().word().into());
                r.push(e.mark.map_or(String::new(), |m| m.to_string()));
                r.push(e.zone.to_string());
                r.push(e.timeout.map_or(String::new(), |m| m.to_string()));
                r.push(e.assured.to_string());
                r.push(e.unreplied.to_string());
                c.write_record(&r)?;
                let bytes = c.into_inner().map_err(|e| e.into_error())?;
                w.write_all(&bytes)
            }
            DataFormat::Json => {
                if self.rows > 1 {
                    w.write_all(b",")?;
                }
                w.write_all(b"\n")?;
                let v = entry_value(e, self.many.then_some(host));
                serde_json::to_writer(&mut *w, &v)?;
                Ok(())
            }
        }
    }

    /// End the list (`]` of JSON).
    pub fn close(self) -> io::Result<()> {
        if self.format == DataFormat::Json {
            self.w.write_all(b"\n]\n")?;
        }
        Ok(())
    }
}

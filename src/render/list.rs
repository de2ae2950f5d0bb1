//! The socket list: a sink that writes each socket as it arrives, in netstat's six columns
//! (Proto, Recv-Q, Send-Q, Local Address, Foreign Address, State) plus the optional extended
//! (`-e`: uid, inode, cookie), timer (`-o`), process (`-p`: PID/Program) and namespace
//! (NETNS) columns, in any format. Names of namespaces and owners of sockets come from a
//! `Lookup` the caller passes in; this module only formats them. Nothing is kept: a list of a
//! million sockets streams through a fixed buffer.

use std::fmt::{self, Write as _};
use std::io::{self, Write};

use super::{DataFormat as Format, Known, NetstatTimer, OwnersText, Style, addr_pair, inside};
use crate::sink::{Flow, Sink, TargetInfo};
use crate::socket::Socket;
use crate::source::process::Attribution;
use crate::tcp::state::TcpState;

/// Which optional columns to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Columns {
    pub extended: bool,
    pub timers: bool,
    /// PID/Program: the processes holding each socket.
    pub processes: bool,
    /// NETNS: the namespace each socket lives in.
    pub netns: bool,
    /// tcp_info (`-i`): a continuation line, an `info` object, trailing columns.
    pub info: bool,
    /// The socket's memory (`-m`), likewise.
    pub memory: bool,
}

/// Where the list finds what a socket record does not carry: namespace names and owners.
pub trait Lookup {
    /// The name of the target (namespace) at this position of the scope.
    fn target_name(&self, index: usize) -> Option<&str>;
    /// The width of the longest namespace name (for the table's NETNS column).
    fn netns_width(&self) -> usize;
    /// The processes holding `s`, when processes were scanned.
    fn owners<'a>(&'a self, s: &'a Socket) -> Option<Attribution<'a>>;
}

/// A small stack buffer to pad `Display` values without allocating.
struct Stack {
    buf: [u8; 96],
    len: usize,
}

impl Stack {
    fn new() -> Stack {
        Stack {
            buf: [0; 96],
            len: 0,
        }
    }
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("?")
    }
}

impl fmt::Write for Stack {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let b = s.as_bytes();
        let end = self.len + b.len();
        if end > self.buf.len() {
            return Err(fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(b);
        self.len = end;
        Ok(())
    }
}

/// Streams sockets to a writer: `header` once, each socket through `Sink::socket` (a write
/// error ends the run there and goes back to the caller), then `close`.
pub struct ListWriter<'w> {
    w: &'w mut dyn Write,
    format: Format,
    style: Style,
    cols: Columns,
    rows: u64,
    csv: Option<csv::Writer<Vec<u8>>>,
    lookup: Option<&'w dyn Lookup>,
    /// Position of the target whose sockets are being written (from `Sink::begin`).
    target: usize,
    /// Whether the table and CSV start with their header line (`-H` leaves it out).
    with_header: bool,
}

fn take_csv(c: &mut Option<csv::Writer<Vec<u8>>>) -> io::Result<Vec<u8>> {
    match c.take() {
        Some(w) => w.into_inner().map_err(|e| io::Error::other(e.to_string())),
        None => Ok(Vec::new()),
    }
}

impl<'w> ListWriter<'w> {
    pub fn new(
        w: &'w mut dyn Write,
        format: Format,
        style: Style,
        cols: Columns,
    ) -> ListWriter<'w> {
        ListWriter {
            w,
            format,
            style,
            cols,
            rows: 0,
            csv: None,
            lookup: None,
            target: 0,
            with_header: true,
        }
    }

    /// Leave the header line of the table and the CSV out (`-H`, as ss's).
    pub fn without_header(mut self) -> ListWriter<'w> {
        self.with_header = false;
        self
    }

    /// Take namespace names and socket owners from `lookup`.
    pub fn with_lookup(mut self, lookup: &'w dyn Lookup) -> ListWriter<'w> {
        self.lookup = Some(lookup);
        self
    }

    fn netns_width(&self) -> usize {
        self.lookup.map_or(0, |l| l.netns_width()).max(5)
    }

    fn netns_name(&self) -> &'w str {
        self.lookup
            .and_then(|l| l.target_name(self.target))
            .unwrap_or("-")
    }

    fn owners<'s>(&self, s: &'s Socket) -> Option<Attribution<'s>>
    where
        'w: 's,
    {
        self.lookup.and_then(|l| l.owners(s))
    }

    /// Write the header (table, csv) or the opening bracket (json).
    pub fn header(&mut self) -> io::Result<()> {
        match self.format {
            Format::Table if !self.with_header => Ok(()),
            Format::Table => {
                let mut h = String::new();
                if self.cols.netns {
                    let w = self.netns_width();
                    let _ = write!(h, "{:<w$} ", "NETNS");
                }
                h.push_str(
                    "Proto  Recv-Q  Send-Q Local Address           Foreign Address         State      ",
                );
                if self.cols.extended {
                    h.push_str(" User       Inode      Cookie              ");
                }
                if self.cols.timers {
                    h.push_str(" Timer                   ");
                }
                if self.cols.processes {
                    h.push_str(" PID/Program");
                }
                self.style.header(self.w, h.trim_end())?;
                self.w.write_all(b"\n")
            }
            // `list` refuses nagios before it gets here.
            Format::Plain => Ok(()),
            Format::Json => self.w.write_all(b"["),
            Format::Csv => {
                let mut c = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(Vec::with_capacity(256));
                let mut h = Vec::new();
                if self.cols.netns {
                    h.push("netns");
                }
                h.extend([
                    "proto",
                    "recv_q",
                    "send_q",
                    "local_address",
                    "local_port",
                    "remote_address",
                    "remote_port",
                    "state",
                ]);
                if self.cols.extended {
                    h.extend(["uid", "inode", "cookie"]);
                }
                if self.cols.timers {
                    h.extend(["timer", "timer_expires_ms", "retransmits"]);
                }
                if self.cols.processes {
                    h.extend(["processes", "via_listener"]);
                }
                if self.cols.info {
                    h.extend(inside::INFO_COLUMNS);
                }
                if self.cols.memory {
                    h.extend(inside::MEMORY_COLUMNS);
                }
                if self.with_header {
                    c.write_record(&h).map_err(io::Error::other)?;
                }
                self.csv = Some(c);
                self.flush_csv()
            }
        }
    }

    /// Move what the csv writer holds to the output, reusing its buffer.
    fn flush_csv(&mut self) -> io::Result<()> {
        let mut buf = take_csv(&mut self.csv)?;
        self.w.write_all(&buf)?;
        buf.clear();
        self.csv = Some(csv::Writer::from_writer(buf));
        Ok(())
    }

    fn row(&mut self, s: &Socket) -> io::Result<()> {
        match self.format {
            Format::Table | Format::Plain => {
                let (l, r) = addr_pair(s);
                let mut ls = Stack::new();
                let mut rs = Stack::new();
                let _ = write!(ls, "{l}");
                let _ = write!(rs, "{r}");
                if self.cols.netns {
                    let w = self.netns_width();
                    write!(self.w, "{:<w$} ", self.netns_name())?;
                }
                write!(
                    self.w,
                    "{:<4}  {:>7} {:>7} {:<23} {:<23} ",
                    s.family.proto(),
                    Known(s.recv_q),
                    Known(s.send_q),
                    ls.as_str(),
                    rs.as_str()
                )?;
                self.style.state(self.w, s.state, 11)?;
                if self.cols.extended {
                    match s.uid {
                        Some(u) => write!(self.w, " {u:<10}")?,
                        None => write!(self.w, " {:<10}", "-")?,
                    }
                    write!(self.w, " {:<10}", Known(s.inode))?;
                    match s.cookie {
                        Some(c) => write!(self.w, " {c:<20}")?,
                        None => write!(self.w, " {:<20}", "-")?,
                    }
                }
                if self.cols.timers {
                    let mut ts = Stack::new();
                    let _ = write!(ts, "{}", NetstatTimer(&s.timer));
                    if self.cols.processes {
                        write!(self.w, " {:<24}", ts.as_str())?;
                    } else {
                        write!(self.w, " {}", ts.as_str())?;
                    }
                }
                if self.cols.processes {
                    match self.owners(s) {
                        Some(a) => write!(self.w, " {}", OwnersText(&a))?,
                        None => self.w.write_all(b" -")?,
                    }
                }
                self.w.write_all(b"\n")?;
                if self.cols.info
                    && let Some(i) = s.info.as_deref()
                {
                    inside::write_info_line(&mut self.w, i, self.cols.extended)?;
                }
                if self.cols.memory
                    && let Some(m) = s.memory.as_deref()
                {
                    inside::write_memory_line(&mut self.w, s, m)?;
                }
                Ok(())
            }
            Format::Json => {
                if self.rows > 0 {
                    self.w.write_all(b",")?;
                }
                self.w.write_all(b"\n")?;
                let netns = self.cols.netns.then(|| self.netns_name());
                let owners = if self.cols.processes {
                    Some(self.owners(s))
                } else {
                    None
                };
                let mut v = super::json::socket_value_with(s, netns, owners.as_ref());
                if let Some(o) = v.as_object_mut() {
                    if self.cols.info {
                        o.insert(
                            "info".into(),
                            s.info
                                .as_deref()
                                .map_or(serde_json::Value::Null, inside::info_value),
                        );
                    }
                    if self.cols.memory {
                        o.insert(
                            "memory".into(),
                            s.memory
                                .as_deref()
                                .map_or(serde_json::Value::Null, inside::memory_value),
                        );
                    }
                }
                serde_json::to_writer(&mut *self.w, &v)?;
                Ok(())
            }
            Format::Csv => {
                let ip = |e: &crate::socket::Endpoint| {
                    e.ip.map(|i| i.to_string())
                        .or_else(|| e.name.as_deref().map(str::to_string))
                        .unwrap_or_default()
                };
                let port =
                    |e: &crate::socket::Endpoint| e.port.map(|p| p.to_string()).unwrap_or_default();
                let mut rec = Vec::with_capacity(16);
                if self.cols.netns {
                    rec.push(self.netns_name().to_string());
                }
                rec.extend([
                    s.family.proto().to_string(),
                    s.recv_q.map(|q| q.to_string()).unwrap_or_default(),
                    s.send_q.map(|q| q.to_string()).unwrap_or_default(),
                    ip(&s.local),
                    port(&s.local),
                    ip(&s.remote),
                    port(&s.remote),
                    // A state the input did not carry is an empty field, as every unknown.
                    match s.state {
                        TcpState::Unknown => String::new(),
                        st => st.netstat_name().to_string(),
                    },
                ]);
                if self.cols.extended {
                    rec.push(s.uid.map(|u| u.to_string()).unwrap_or_default());
                    rec.push(s.inode.map(|i| i.to_string()).unwrap_or_default());
                    rec.push(s.cookie.map(|c| c.to_string()).unwrap_or_default());
                }
                if self.cols.timers {
                    match &s.timer {
                        Some(t) => rec.extend([
                            t.kind.netstat_name().to_string(),
                            t.expires_ms.to_string(),
                            t.retransmits.to_string(),
                        ]),
                        None => rec.extend([String::new(), String::new(), String::new()]),
                    }
                }
                if self.cols.processes {
                    match self.owners(s) {
                        Some(a) if !a.is_empty() => {
                            let mut t = String::new();
                            let _ = super::write_owner_list(
                                &mut t,
                                a.owners().map(|o| (o.pid, o.command)),
                            );
                            rec.push(t);
                            rec.push(a.via_listener.to_string());
                        }
                        _ => {
                            rec.push(String::new());
                            rec.push("false".into());
                        }
                    }
                }
                if self.cols.info {
                    rec.extend(inside::info_fields(s.info.as_deref()));
                }
                if self.cols.memory {
                    rec.extend(inside::memory_fields(s.memory.as_deref()));
                }
                if let Some(c) = self.csv.as_mut() {
                    c.write_record(&rec).map_err(io::Error::other)?;
                }
                self.flush_csv()
            }
        }
    }

    /// Close the list (json's bracket) and flush; the number of rows written.
    pub fn close(self) -> io::Result<u64> {
        if self.format == Format::Json {
            self.w
                .write_all(if self.rows > 0 { b"\n]\n" } else { b"]\n" })?;
        }
        self.w.flush()?;
        Ok(self.rows)
    }
}

impl Sink for ListWriter<'_> {
    fn begin(&mut self, target: &TargetInfo<'_>) -> io::Result<()> {
        self.target = target.index;
        Ok(())
    }

    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        self.row(s)?;
        self.rows += 1;
        Ok(Flow::Continue)
    }
}

//! The socket list: a sink that writes each socket as it arrives, in netstat's six columns
//! (Proto, Recv-Q, Send-Q, Local Address, Foreign Address, State) plus the optional extended
//! (`-e`: uid, inode, cookie) and timer (`-o`) columns, in any format. Nothing is kept: a list
//! of a million sockets streams through a fixed buffer.

use std::fmt::{self, Write as _};
use std::io::{self, Write};

use super::{DataFormat as Format, NetstatTimer, Style, addr_pair};
use crate::socket::{Flow, Sink, Socket};

/// Which optional columns to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Columns {
    pub extended: bool,
    pub timers: bool,
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

/// Streams sockets to a writer. The first I/O error stops the stream and is kept for
/// `finish` to return.
pub struct ListWriter<'w> {
    w: &'w mut dyn Write,
    format: Format,
    style: Style,
    cols: Columns,
    rows: u64,
    err: Option<io::Error>,
    csv: Option<csv::Writer<Vec<u8>>>,
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
            err: None,
            csv: None,
        }
    }

    /// Write the header (table, csv) or the opening bracket (json).
    pub fn begin(&mut self) -> io::Result<()> {
        match self.format {
            Format::Table => {
                let mut h = String::from(
                    "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ",
                );
                if self.cols.extended {
                    h.push_str(" User       Inode      Cookie          ");
                }
                if self.cols.timers {
                    h.push_str(" Timer");
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
                let mut h = vec![
                    "proto",
                    "recv_q",
                    "send_q",
                    "local_address",
                    "local_port",
                    "remote_address",
                    "remote_port",
                    "state",
                ];
                if self.cols.extended {
                    h.extend(["uid", "inode", "cookie"]);
                }
                if self.cols.timers {
                    h.extend(["timer", "timer_expires_ms", "retransmits"]);
                }
                c.write_record(&h).map_err(io::Error::other)?;
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
                write!(
                    self.w,
                    "{:<4}  {:>6} {:>6} {:<23} {:<23} ",
                    s.family.proto(),
                    s.recv_q,
                    s.send_q,
                    ls.as_str(),
                    rs.as_str()
                )?;
                self.style.state(self.w, s.state, 11)?;
                if self.cols.extended {
                    match s.uid {
                        Some(u) => write!(self.w, " {u:<10}")?,
                        None => write!(self.w, " {:<10}", "-")?,
                    }
                    write!(self.w, " {:<10}", s.inode)?;
                    match s.cookie {
                        Some(c) => write!(self.w, " {c:<16x}")?,
                        None => write!(self.w, " {:<16}", "-")?,
                    }
                }
                if self.cols.timers {
                    write!(self.w, " {}", NetstatTimer(&s.timer))?;
                }
                self.w.write_all(b"\n")
            }
            Format::Json => {
                if self.rows > 0 {
                    self.w.write_all(b",")?;
                }
                self.w.write_all(b"\n")?;
                serde_json::to_writer(&mut *self.w, &super::json::socket_value(s, None))?;
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
                let mut rec = vec![
                    s.family.proto().to_string(),
                    s.recv_q.to_string(),
                    s.send_q.to_string(),
                    ip(&s.local),
                    port(&s.local),
                    ip(&s.remote),
                    port(&s.remote),
                    s.state.netstat_name().to_string(),
                ];
                if self.cols.extended {
                    rec.push(s.uid.map(|u| u.to_string()).unwrap_or_default());
                    rec.push(s.inode.to_string());
                    rec.push(s.cookie.map(|c| format!("{c:x}")).unwrap_or_default());
                }
                if self.cols.timers {
                    rec.push(s.timer.kind.netstat_name().to_string());
                    rec.push(s.timer.expires_ms.to_string());
                    rec.push(s.timer.retransmits.to_string());
                }
                if let Some(c) = self.csv.as_mut() {
                    c.write_record(&rec).map_err(io::Error::other)?;
                }
                self.flush_csv()
            }
        }
    }

    /// Close the list (json's bracket) and return the first write error, if any.
    pub fn finish(mut self) -> io::Result<u64> {
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        if self.format == Format::Json {
            self.w
                .write_all(if self.rows > 0 { b"\n]\n" } else { b"]\n" })?;
        }
        self.w.flush()?;
        Ok(self.rows)
    }
}

impl Sink for ListWriter<'_> {
    fn socket(&mut self, s: &Socket) -> Flow {
        match self.row(s) {
            Ok(()) => {
                self.rows += 1;
                Flow::Continue
            }
            Err(e) => {
                self.err = Some(e);
                Flow::Stop
            }
        }
    }
}

//! Saved captures as a socket source: text that `netstat` (net-tools, BSD/macOS, Windows),
//! `ss`, `cat /proc/net/tcp{,6}` or a `STATE COUNT` summary printed on some host, read back so
//! that everything downstream treats it like a live dump. A [`CaptureSource`] is made from a
//! path (`-` is stdin) or from bytes, detects the format from the headers and first rows (or is
//! told it, [`InputFormat`]), then streams the input in large chunks, pushing each TCP row as a
//! `&Socket` into the sink without keeping any. Non-TCP rows (udp, raw, unix) and noise (section
//! titles, shell prompts, `...`, `#` comments, markdown quoting, trailing backslashes) are
//! skipped; a line that looks like a TCP row but cannot be read (cut before its State column, an
//! unknown state word, a queue that is not a size, a port outside 0–65535, an address that is
//! neither an IP nor a host name) is listed in [`Report::unread`] with file, line and reason.
//! Lines end at LF, CRLF or a lone CR. A file that mixes formats is read section by section
//! (with a notice where it changes); with a forced format, other formats' rows are unread, and
//! a forced format of which no line is a row, header or title is an error.
//!
//! ```no_run
//! use tcpstate::source::capture::{CaptureSource, InputFormat};
//! use tcpstate::source::{Query, Source};
//! use tcpstate::{Flow, Socket};
//!
//! let mut src = CaptureSource::open("web1.txt").with_format(InputFormat::Auto);
//! let mut n = 0u64;
//! let report = src.run(&Query::default(), &mut |_: &Socket| { n += 1; Flow::Continue })?;
//! for u in &report.unread { eprintln!("{}:{}: {}", u.file, u.line, u.why); }
//! # Ok::<(), tcpstate::source::SourceError>(())
//! ```
//!
//! A saved summary carries counts, not sockets: [`CaptureSource::holds_summary`] tells, and
//! [`Source::run`] delivers them through [`Sink::aggregate`] (sockets of every other format go
//! through [`Sink::socket`] as usual); a sink that cannot take counts (a listing) refuses them,
//! and the run ends with an error naming the file and line. An `ss` listing made with a state filter has no State column: give the
//! state with [`CaptureSource::with_assume_state`], or the run ends with an error naming the file.
//!
//! What the sockets hold:
//! * `family` is the socket's: `tcp6`/`tcp46` rows and IPv6 addresses are `V6`; a dotted IPv4
//!   on a `tcp6` row (v4-mapped) becomes `::ffff:a.b.c.d`, as the kernel holds it. A `*` host
//!   is the unspecified address of the family, a `*` port is 0.
//! * An endpoint that is not all numbers (`localhost.localdo:35450`, `*:ssh`) keeps the field
//!   as written in `Endpoint::name`; `ip` and `port` are set where they can still be read (a
//!   service name through this host's /etc/services). A redacted host (`...`, `x.x.x.x:80`,
//!   `<ip>`) has no ip and no name, only the port if one was written; a notice counts such
//!   rows and names the first.
//! * The owners a process column names (`netstat -p`, `ss -p`) in `Socket::listed_owners`,
//!   which `ProcessMap::owners` answers from; not listed where the row has no such column.
//! * `state` is `TcpState::Unknown` for the rows of FreeBSD `netstat -T`, which print counters
//!   instead of a state (a notice says so); such a socket is in no state filter's set.
//! * Queues, uid, inode and timer where the format has them; TIME_WAIT and SYN_RECV entries
//!   with inode 0 have no uid (they are mini-sockets); `cookie` is `None`, `netns` 0.
//!
//! The report: `sockets` counts what was pushed (with summaries, the sum of the counts);
//! `unread` lists the first 10,000 unreadable lines, a notice counts any more; `notices` also
//! say `FILE: empty`, name lines cut at 1 MiB, and warn that macOS may leave out TIME_WAIT.
//! UTF-16 text (PowerShell 5.1's `>`) is read as UTF-8, streamed whole. Detection errors (no
//! known format, `ss -s` output) are one sentence naming the file. `with_strict(true)` turns the first unreadable line into an error.

mod bsd;
mod charset;
pub mod detect;
mod drive;
mod endpoint;
mod engine;
mod evidence;
mod fields;
mod lines;
mod mixed;
mod netstat;
mod owners;
mod parallel;
mod powershell;
mod proc;
pub mod progress;
mod shapes;
mod solaris;
mod ss;
mod ss_info;
mod summary;
mod timer;
mod utf16;
mod windows;

/// Helpers the row parsers' unit tests share.
#[cfg(test)]
pub(crate) mod testutil;

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::thread;

use crate::sink::Sink;
use crate::source::{Query, Report, Source, SourceError};
use crate::tcp::state::TcpState;

use lines::Chunked;

/// Which tool printed a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InputFormat {
    /// Tell from the headers and first rows.
    #[default]
    Auto,
    /// Linux net-tools `netstat` (1.60 and 2.x, any of `-n -a -t -u -l -p -o -e -W`, localised).
    Netstat,
    /// iproute2 `ss` (with or without Netid, header, State column; `-p -e -o -i -m` extras).
    Ss,
    /// `/proc/net/tcp` and `/proc/net/tcp6` dumps.
    Proc,
    /// FreeBSD / macOS `netstat` (`tcp4`, `host.port`, `-v`).
    Bsd,
    /// Windows `netstat -an` / `-ano` (English, German or zh-CN; `-b`, `-t`, `Select-String`).
    Windows,
    /// A saved summary: `STATE COUNT` (awk one-liner) or `COUNT STATE` (`sort | uniq -c`).
    Summary,
    /// Solaris 11 / illumos `netstat -an` (`TCP: IPv4` sections, no protocol column).
    Solaris,
    /// PowerShell `Get-NetTCPConnection` (its table or `Format-List` form).
    PowerShell,
}

impl InputFormat {
    /// Every value, in the order `--input-format` lists them.
    pub const ALL: [InputFormat; 9] = [
        InputFormat::Auto,
        InputFormat::Netstat,
        InputFormat::Ss,
        InputFormat::Proc,
        InputFormat::Bsd,
        InputFormat::Windows,
        InputFormat::Summary,
        InputFormat::Solaris,
        InputFormat::PowerShell,
    ];

    /// The name `--input-format` takes.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Netstat => "netstat",
            InputFormat::Ss => "ss",
            InputFormat::Proc => "proc",
            InputFormat::Bsd => "bsd",
            InputFormat::Windows => "windows",
            InputFormat::Summary => "summary",
            InputFormat::Solaris => "solaris",
            InputFormat::PowerShell => "powershell",
        }
    }

    /// A phrase for messages.
    pub fn describe(self) -> &'static str {
        match self {
            InputFormat::Auto => "detected from the content",
            InputFormat::Netstat => "Linux netstat (net-tools)",
            InputFormat::Ss => "iproute2 ss",
            InputFormat::Proc => "/proc/net/tcp dump",
            InputFormat::Bsd => "BSD/macOS netstat",
            InputFormat::Windows => "Windows netstat",
            InputFormat::Summary => "saved STATE COUNT summary",
            InputFormat::Solaris => "Solaris netstat",
            InputFormat::PowerShell => "PowerShell Get-NetTCPConnection",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An `--input-format` value that names no format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown input format '{0}'; valid: auto, netstat, ss, proc, bsd, windows, summary, \
     solaris, powershell"
)]
pub struct UnknownFormat(pub String);

impl FromStr for InputFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<InputFormat, UnknownFormat> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "auto" => InputFormat::Auto,
            "netstat" | "net-tools" | "linux" => InputFormat::Netstat,
            "ss" | "iproute2" => InputFormat::Ss,
            "proc" | "procfs" | "/proc/net/tcp" => InputFormat::Proc,
            "bsd" | "freebsd" | "macos" | "darwin" => InputFormat::Bsd,
            "windows" | "win" => InputFormat::Windows,
            "summary" | "counts" => InputFormat::Summary,
            "solaris" | "illumos" | "sunos" => InputFormat::Solaris,
            "powershell" | "pwsh" | "get-nettcpconnection" => InputFormat::PowerShell,
            _ => return Err(UnknownFormat(s.to_string())),
        })
    }
}

enum Input {
    Path(PathBuf),
    Stdin,
    Bytes(Arc<[u8]>),
    Reader(Option<Box<dyn Read + Send>>),
}

/// A saved capture read as a socket source. Nothing is read until [`CaptureSource::format`],
/// [`CaptureSource::holds_summary`] or a run asks; a path is opened anew for each run, stdin
/// and readers can be run once.
pub struct CaptureSource {
    input: Input,
    /// Head of the input already read for detection, with the reader it came from.
    opened: Option<Chunked<Box<dyn Read + Send>>>,
    name: String,
    label: String,
    format: InputFormat,
    detected: Option<Detected>,
    assume_state: Option<TcpState>,
    strict: bool,
    netns: u64,
    owners_wanted: bool,
    progress: Option<Arc<dyn progress::ReadProgress>>,
    /// Progress was started for the run under way.
    progress_started: bool,
    /// The input under way is UTF-16, read as UTF-8 (and so streamed, not mapped).
    utf16: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    Format(InputFormat),
    Empty,
}

/// How many bytes format detection looks at.
const DETECT_BYTES: usize = 256 * 1024;

impl CaptureSource {
    /// A capture in a file; `-` is standard input. The label is the file stem (`web1` for
    /// `/tmp/web1.txt`, `stdin` for `-`).
    pub fn open(path: impl AsRef<Path>) -> CaptureSource {
        let path = path.as_ref();
        if path == Path::new("-") {
            return CaptureSource::with_input(Input::Stdin, "<stdin>".into(), "stdin".into());
        }
        let label = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        CaptureSource::with_input(
            Input::Path(path.to_path_buf()),
            path.display().to_string(),
            label,
        )
    }

    /// A capture held in memory; `name` is used in messages and, stemmed, as the label.
    pub fn from_bytes(name: impl Into<String>, bytes: impl Into<Arc<[u8]>>) -> CaptureSource {
        let name = name.into();
        let label = stem(&name);
        CaptureSource::with_input(Input::Bytes(bytes.into()), name, label)
    }

    /// A capture read from any reader (a pipe, a decompressor); it can be run once.
    pub fn from_reader(name: impl Into<String>, r: impl Read + Send + 'static) -> CaptureSource {
        let name = name.into();
        let label = stem(&name);
        CaptureSource::with_input(Input::Reader(Some(Box::new(r))), name, label)
    }

    fn with_input(input: Input, name: String, label: String) -> CaptureSource {
        CaptureSource {
            input,
            opened: None,
            name,
            label,
            format: InputFormat::Auto,
            detected: None,
            assume_state: None,
            strict: false,
            netns: 0,
            owners_wanted: false,
            progress: None,
            progress_started: false,
            utf16: false,
        }
    }

    /// Tell `progress` how reading goes when the capture is a file of at least
    /// `progress::PROGRESS_MIN` bytes.
    pub fn set_progress(&mut self, progress: Arc<dyn progress::ReadProgress>) {
        self.progress = Some(progress);
    }

    /// Read the capture as this format instead of detecting it (`Auto` detects).
    pub fn with_format(mut self, format: InputFormat) -> CaptureSource {
        self.format = format;
        self.detected = None;
        self
    }

    /// The state of every row of a listing with no State column: an `ss` listing made with a
    /// state filter, a FreeBSD `netstat -T` listing (whose rows are otherwise of
    /// `TcpState::Unknown`). Rows that do have a State column keep their own.
    pub fn with_assume_state(mut self, state: Option<TcpState>) -> CaptureSource {
        self.assume_state = state;
        self
    }

    /// The name this capture goes by in side-by-side output (default: the file stem).
    pub fn with_label(mut self, label: impl Into<String>) -> CaptureSource {
        self.label = label.into();
        self
    }

    /// End the run with an error at the first line that looks like a TCP row but cannot be
    /// read, instead of listing it in `Report::unread`.
    pub fn with_strict(mut self, strict: bool) -> CaptureSource {
        self.strict = strict;
        self
    }

    /// Owners will be asked of the sockets (`list -p`, `--by process`): say so when the
    /// capture has no process column (`netstat -p`, `ss -p`) to answer from.
    pub fn with_owners_wanted(mut self, wanted: bool) -> CaptureSource {
        self.owners_wanted = wanted;
        self
    }

    /// Stamp every socket with this network namespace inode (a live /proc file read by
    /// `ProcSource`).
    pub fn with_netns(mut self, inode: u64) -> CaptureSource {
        self.netns = inode;
        self
    }

    /// The file as messages name it: the path as given, `<stdin>`, or the name given.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// The format the capture will be read as: the one given, or the one detected from its
    /// first 256 KiB (read now, and kept for the run). An empty capture reads as `Auto`.
    pub fn format(&mut self) -> Result<InputFormat, SourceError> {
        Ok(match self.detect()? {
            Detected::Format(f) => f,
            Detected::Empty => InputFormat::Auto,
        })
    }

    /// Whether the capture is a saved summary (counts, not sockets), which only a counting
    /// sink can take.
    pub fn holds_summary(&mut self) -> Result<bool, SourceError> {
        Ok(self.format()? == InputFormat::Summary)
    }

    fn io_err(&self, err: io::Error) -> SourceError {
        SourceError::Io {
            path: self.name.clone(),
            err,
        }
    }

    /// Make sure a reader with its head buffered is at hand (for the stream inputs).
    fn open_reader(&mut self) -> Result<(), SourceError> {
        if self.opened.is_some() {
            return Ok(());
        }
        let r: Box<dyn Read + Send> = match &mut self.input {
            Input::Bytes(_) => return Ok(()),
            Input::Path(p) => {
                let file = File::open(&*p).map_err(|e| self.io_err(e))?;
                let size = file.metadata().map_or(0, |m| m.len());
                match &self.progress {
                    Some(progress) if size >= progress::PROGRESS_MIN => {
                        progress.start(&self.name, size);
                        self.progress_started = true;
                        Box::new(progress::Counting {
                            inner: file,
                            progress: progress.clone(),
                        })
                    }
                    _ => Box::new(file),
                }
            }
            Input::Stdin => Box::new(io::stdin()),
            Input::Reader(r) => match r.take() {
                Some(r) => r,
                None => {
                    return Err(SourceError::Other(format!(
                        "{}: already read (a stream can be read once)",
                        self.name
                    )));
                }
            },
        };
        if matches!(self.input, Input::Stdin) {
            // stdin can be read once; later runs find it at its end.
            self.input = Input::Reader(None);
        }
        self.opened = Some(Chunked::new(r));
        self.utf16 = false;
        Ok(())
    }

    /// Read the input, found to be UTF-16 in `order`, as UTF-8 from its start.
    fn read_as_utf16(&mut self, order: utf16::Order) -> Result<(), SourceError> {
        self.utf16 = true;
        match self.opened.take() {
            Some(c) => {
                let (head, rest) = c.into_parts();
                let r = utf16::Utf16Reader::new(io::Cursor::new(head).chain(rest), order);
                self.opened = Some(Chunked::new(Box::new(r)));
            }
            None => {
                if let Input::Bytes(b) = &self.input {
                    let text = utf16::to_utf8(b, order).map_err(|e| self.io_err(e))?;
                    self.input = Input::Bytes(text.into());
                }
            }
        }
        Ok(())
    }

    fn detect(&mut self) -> Result<Detected, SourceError> {
        if let Some(d) = self.detected {
            return Ok(d);
        }
        self.open_reader()?;
        let name = self.name.clone();
        let (head, whole): (&[u8], bool) = match (&self.input, &mut self.opened) {
            (_, Some(c)) => c.head(DETECT_BYTES).map_err(|err| SourceError::Io {
                path: name.clone(),
                err,
            })?,
            (Input::Bytes(b), None) => (&b[..], true),
            _ => unreachable!("open_reader leaves a reader or bytes"),
        };
        if !self.utf16
            && let Some(order) = utf16::sniff(head)
        {
            self.read_as_utf16(order)?;
            return self.detect();
        }
        let d = if whole && head.iter().all(|&b| fields::is_space(b) || b == b'\n') {
            Detected::Empty
        } else if self.format != InputFormat::Auto {
            Detected::Format(self.format)
        } else {
            let head = &head[..head.len().min(DETECT_BYTES)];
            Detected::Format(
                detect::detect(head).map_err(|e| SourceError::Other(e.message(&name)))?,
            )
        };
        self.detected = Some(d);
        Ok(d)
    }

    fn run_with(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        let detected = self.detect()?;
        // The next run detects (and opens) afresh.
        self.detected = None;
        let mut opened = self.opened.take();
        let format = match detected {
            Detected::Empty => {
                return Ok(Report {
                    notices: vec![format!("{}: empty", self.name)],
                    ..Report::default()
                });
            }
            Detected::Format(f) => f,
        };
        let run = drive::Run {
            file: &self.name,
            query,
            assume_state: self.assume_state,
            strict: self.strict,
            netns: self.netns,
            forced: self.format != InputFormat::Auto,
            owners_wanted: self.owners_wanted,
        };
        if let Some((map, plan)) = self.mapped()? {
            // Progress was told of the bytes format detection read; the rest follow.
            let told = opened.as_ref().map_or(0, Chunked::read_so_far) as u64;
            drop(opened);
            let progress = self.progress.as_deref().filter(|_| self.progress_started);
            return run.go_parallel(format, &map, sink, plan, progress.map(|p| (p, told)));
        }
        let lines = match (&self.input, opened.as_mut()) {
            (_, Some(c)) => drive::Lines::Stream(c),
            (Input::Bytes(b), None) => drive::Lines::Slice(b),
            _ => unreachable!("detect leaves a reader or bytes"),
        };
        run.go(format, lines, sink)
    }
}

impl CaptureSource {
    /// The file mapped into memory, and how to read it on every core, when it is a regular file
    /// of at least `parallel::PARALLEL_MIN` bytes and more than one thread may be used
    /// (`TCPSTATE_JOBS`, else every core); `None` to stream it.
    fn mapped(&self) -> Result<Option<(memmap2::Mmap, parallel::Plan)>, SourceError> {
        let Input::Path(path) = &self.input else {
            return Ok(None);
        };
        if self.utf16 {
            return Ok(None);
        }
        let jobs = jobs()?;
        if jobs < 2 {
            return Ok(None);
        }
        let file = File::open(path).map_err(|e| self.io_err(e))?;
        let meta = file.metadata().map_err(|e| self.io_err(e))?;
        if !meta.is_file() || meta.len() < parallel::PARALLEL_MIN {
            return Ok(None);
        }
        // SAFETY: the map is only read. A capture rewritten while it is read gives garbled
        // rows, as read(2) would; where the system cannot map the file, it is streamed.
        let Ok(map) = (unsafe { memmap2::Mmap::map(&file) }) else {
            return Ok(None);
        };
        Ok(Some((
            map,
            parallel::Plan {
                jobs,
                chunk: parallel::Plan::CHUNK,
            },
        )))
    }
}

/// How many threads read a large capture: `TCPSTATE_JOBS` when set, else one per core up to 8
/// (more add little: the main loop hands the sink every socket it lists, and each thread
/// holds up to two chunks' sockets).
fn jobs() -> Result<usize, SourceError> {
    match std::env::var("TCPSTATE_JOBS") {
        Ok(v) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(SourceError::Other(format!(
                "TCPSTATE_JOBS='{v}' is not a number of threads (a whole number from 1 up)"
            ))),
        },
        Err(_) => Ok(thread::available_parallelism().map_or(1, |n| n.get().min(8))),
    }
}

fn stem(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string())
}

impl Source for CaptureSource {
    /// Push every TCP row matching `query` (states and families) into `sink`; a saved
    /// summary's counts go to `sink.aggregate`.
    fn run(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        let result = self.run_with(query, sink);
        if std::mem::take(&mut self.progress_started)
            && let Some(p) = &self.progress
        {
            p.finish();
        }
        result
    }
}

impl fmt::Debug for CaptureSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptureSource")
            .field("name", &self.name)
            .field("label", &self.label)
            .field("format", &self.format)
            .field("assume_state", &self.assume_state)
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

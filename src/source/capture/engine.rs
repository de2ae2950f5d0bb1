//! The run loop shared by every capture format: lines come from the streaming splitter, the
//! format's `RowParser` (changed per section where a file mixes formats, see `mixed`) turns
//! each into a socket (written into one reused `Socket`), a count, a skip or an unread line, and
//! the loop applies the query, pushes into the sink, honours `Flow::Stop`, and gathers the
//! `Report` (unread lines, capped at `MAX_UNREAD` listed and the rest counted; notices for lines
//! cut for length). A forced format of which no line is a row, header or title is an error.

use std::borrow::Cow;
use std::io;
use std::io::Read;
use std::ops::ControlFlow;

use super::InputFormat;
use super::endpoint::{HostKind, PortSep, Services, endpoint, settle};
use super::evidence::{looks_like_tcp_row, unplaced_leading_columns};
use super::fields::{StateWords, queue, show};
use super::lines::{self, Chunked, Line};
use super::mixed::Parsers;
use super::shapes::is_redacted;
use crate::sink::{Flow, Sink};
use crate::socket::{Endpoint, Family, Socket};
use crate::source::{Query, Report, SourceError, Unread};
use crate::tcp::state::TcpState;

/// At most this many unread lines are listed one by one; the rest are counted in a notice.
pub(crate) const MAX_UNREAD: usize = 10_000;

/// What one line turned out to be.
pub(crate) enum ParsedRow {
    /// Not a TCP row: a header, a title, noise, a udp/unix row, a continuation line.
    Skip,
    /// A TCP socket, written into the `Socket` handed to the parser.
    Socket,
    /// `n` sockets in a state (saved summaries).
    Count(Option<Family>, TcpState, u64),
    /// Looks like a TCP row but cannot be read, and why.
    Unread(Cow<'static, str>),
    /// An ss row without a State column and no state assumed.
    NoState,
}

/// What every parser may use besides its own state.
#[derive(Default)]
pub(crate) struct Ctx {
    pub states: StateWords,
    pub services: Services,
    pub assume_state: Option<TcpState>,
    /// Endpoints read so far whose host was redacted.
    pub redacted: u64,
}

impl Ctx {
    /// Read the endpoint field `f` (the `which` address of its row), counting redacted hosts;
    /// an unreadable field makes the row unread, with the field and the reason.
    pub(crate) fn endpoint(
        &mut self,
        f: &[u8],
        sep: PortSep,
        which: &str,
    ) -> Result<(Endpoint, HostKind), ParsedRow> {
        match endpoint(f, sep, &mut self.services) {
            Ok(e) => {
                if e.1 == HostKind::Redacted {
                    self.redacted += 1;
                }
                Ok(e)
            }
            Err(why) => Err(ParsedRow::Unread(Cow::Owned(format!(
                "the {which} address '{}': {why}",
                show(f)
            )))),
        }
    }
}

/// One format's reader of lines.
pub(crate) trait RowParser {
    /// Read one tidied line; on `ParsedRow::Socket` every field of `out` but `cookie` and `netns`
    /// has been written.
    fn row(&mut self, line: &[u8], cx: &mut Ctx, out: &mut Socket) -> ParsedRow;

    /// Notices to add once the input is done.
    fn finish(&mut self, _file: &str, _notices: &mut Vec<String>) {}
}

/// Reset a socket to the blank row every parser fills in.
pub(crate) fn blank(out: &mut Socket, family: Family, state: TcpState) {
    out.family = family;
    out.state = state;
    out.recv_q = None;
    out.send_q = None;
    out.uid = None;
    out.inode = None;
    out.cookie = None;
    out.timer = None;
    out.netns = 0;
    out.listed_owners.clear();
}

/// TIME_WAIT and SYN_RECV entries are mini-sockets: the uid a listing shows for them (0) is
/// nobody's.
pub(crate) fn fix_mini_socket_uid(out: &mut Socket) {
    if out.owned_inode().is_none()
        && matches!(out.state.reported(), TcpState::TimeWait | TcpState::SynRecv)
    {
        out.uid = None;
    }
}

/// The state of a `Proto … Local Foreign State …` row (netstat, BSD, Windows), whose State
/// column must be field `at`, right after the two address fields. A state word there is taken
/// at once; otherwise the first state word after the queues, if any, says how many address
/// fields the row really has. Without any, the row is unread for the reason `none` gives.
pub(crate) fn state_after_addresses(
    t: &[&[u8]],
    states: &mut StateWords,
    at: usize,
    none: impl FnOnce() -> Cow<'static, str>,
) -> Result<TcpState, ParsedRow> {
    if let Some(s) = t.get(at).and_then(|f| states.get(f)) {
        return Ok(s);
    }
    let first = at - 2;
    match (first..t.len()).find(|&i| states.get(t[i]).is_some()) {
        None => Err(ParsedRow::Unread(none())),
        Some(si) => Err(ParsedRow::Unread(Cow::Owned(format!(
            "expected two address fields before the state {}, found {}",
            show(t[si]),
            si - first
        )))),
    }
}

/// Why a netstat row (Linux or BSD) without a state word after its queues cannot be read:
/// it is too short to have its `column`, or field 6 is not a state.
fn missing_state(t: &[&[u8]], column: &str) -> Cow<'static, str> {
    match t.get(5) {
        None => Cow::Owned(format!("the row ends before its {column}")),
        Some(f) => Cow::Owned(format!(
            "no TCP state word after the addresses (field 6 is '{}')",
            show(f)
        )),
    }
}

/// Whether a line whose first field is a TCP Proto word (`tcp`, `tcp4`…) but whose second is
/// not a number is still a row, with queues that cannot be read (`tcp -5 0 a:1 b:2 LISTEN`,
/// `tcp x y …`), rather than prose (`tcp connections are fine`): it has a state word after
/// where the queues would be, or address-shaped fields where the addresses would be.
pub(crate) fn row_with_bad_queues(t: &[&[u8]], states: &mut StateWords) -> bool {
    t.len() >= 5
        && (t[3..].iter().any(|f| states.get(f).is_some())
            || (t[3].contains(&b':') && t[4].contains(&b':')))
}

/// Read `Proto Recv-Q Send-Q Local Foreign State` from the fields `t` of a netstat row (Linux or
/// BSD, whose State column is named `column` in messages) into `out`, the family chosen by
/// `family` from the kinds of the two hosts; the state read, or why the row cannot be read.
pub(crate) fn netstat_row(
    t: &[&[u8]],
    cx: &mut Ctx,
    (column, sep): (&str, PortSep),
    family: impl FnOnce(HostKind, HostKind) -> Family,
    out: &mut Socket,
) -> Result<TcpState, ParsedRow> {
    // `tcp 0 0 ... ESTABLISHED`: one redaction standing for both addresses.
    if t.len() >= 5
        && is_redacted(t[3])
        && let Some(state) = cx.states.get(t[4])
    {
        let queues = netstat_queues(t[1], t[2])?;
        let local = cx.endpoint(t[3], sep, "local")?;
        let remote = cx.endpoint(t[3], sep, "foreign")?;
        fill(out, family(local.1, remote.1), state, queues, local, remote);
        return Ok(state);
    }
    let state = state_after_addresses(t, &mut cx.states, 5, || missing_state(t, column))?;
    let queues = netstat_queues(t[1], t[2])?;
    let local = cx.endpoint(t[3], sep, "local")?;
    let remote = cx.endpoint(t[4], sep, "foreign")?;
    fill(out, family(local.1, remote.1), state, queues, local, remote);
    Ok(state)
}

/// Recv-Q and Send-Q of a netstat row (BSD or Linux), or why the row cannot be read.
fn netstat_queues(recv_q: &[u8], send_q: &[u8]) -> Result<(u32, u32), ParsedRow> {
    match (queue(recv_q), queue(send_q)) {
        (Some(r), Some(s)) => Ok((r, s)),
        (None, _) => Err(ParsedRow::Unread(Cow::Owned(format!(
            "Recv-Q '{}' is not a queue size (a whole number from 0 to 4294967295)",
            show(recv_q)
        )))),
        (_, None) => Err(ParsedRow::Unread(Cow::Owned(format!(
            "Send-Q '{}' is not a queue size (a whole number from 0 to 4294967295)",
            show(send_q)
        )))),
    }
}

/// Write a row read from text into `out`: both endpoints settled in the row's family (a `*`
/// host becomes its wildcard, a dotted IPv4 on an IPv6 socket its mapped address), the state
/// and the queues, every other field blank.
#[inline]
pub(crate) fn fill(
    out: &mut Socket,
    family: Family,
    state: TcpState,
    (recv_q, send_q): (u32, u32),
    (mut local, lk): (Endpoint, HostKind),
    (mut remote, rk): (Endpoint, HostKind),
) {
    settle(&mut local, lk, family);
    settle(&mut remote, rk, family);
    blank(out, family, state);
    out.recv_q = Some(recv_q);
    // A listener's Send-Q is its backlog only where the printer knew it (ss); netstat and
    // BSD listings print 0 there, which the row parsers that know it clear again.
    out.send_q = Some(send_q);
    out.local = local;
    out.remote = remote;
}

pub(crate) enum Lines<'a> {
    Slice(&'a [u8]),
    Stream(&'a mut Chunked<Box<dyn Read + Send>>),
}

impl Lines<'_> {
    fn each(&mut self, f: &mut dyn FnMut(Line<'_>) -> ControlFlow<()>) -> io::Result<()> {
        match self {
            Lines::Slice(b) => {
                let _ = lines::slice_lines(b, 1, f);
            }
            Lines::Stream(c) => {
                let _ = c.lines(f)?;
            }
        }
        Ok(())
    }
}

pub(crate) struct Run<'a> {
    pub file: &'a str,
    pub query: &'a Query,
    pub assume_state: Option<TcpState>,
    pub strict: bool,
    /// Inode of the namespace the rows come from (a live /proc file); 0 for captures.
    pub netns: u64,
    /// The format was forced (`--input-format`), not detected.
    pub forced: bool,
    /// Owners will be asked of the sockets: say when no row has an owner column.
    pub owners_wanted: bool,
}

impl Run<'_> {
    pub(crate) fn go(
        &self,
        format: InputFormat,
        lines: Lines<'_>,
        sink: &mut dyn Sink,
    ) -> Result<Report, SourceError> {
        debug_assert!(
            format != InputFormat::Auto,
            "the format is known before a run"
        );
        let mut p = Parsers::new(format, self.forced);
        self.drive(&mut p, format, lines, sink)
    }

    fn drive(
        &self,
        p: &mut Parsers,
        format: InputFormat,
        mut lines: Lines<'_>,
        sink: &mut dyn Sink,
    ) -> Result<Report, SourceError> {
        let file = self.file;
        let query = self.query;
        let mut cx = Ctx {
            assume_state: self.assume_state,
            ..Ctx::default()
        };
        let mut sock = Socket::new(
            Family::V4,
            TcpState::Established,
            Endpoint::unspecified(),
            Endpoint::unspecified(),
        );
        let mut report = Report::default();
        let mut unread_more = 0u64;
        let mut cut_lines = 0u64;
        let mut err: Option<SourceError> = None;
        // Rows read (sockets and counts, whatever the query), for a forced format's check.
        let mut rows = 0u64;
        // Rows with a redacted host, and the first of them.
        let mut redacted_rows = 0u64;
        // Sockets whose row had an owner column (`netstat -p`, `ss -p`).
        let mut listed_rows = 0u64;
        let mut first_redacted = 0u64;
        let families = [query.v4, query.v6];
        // While no row has been read: the first line that looks like a TCP row (and why it
        // could not be read, when a parser said), and the first header with a column no
        // layout places.
        let mut first_looking: Option<(u64, Option<String>)> = None;
        let mut unplaced: Option<(u64, String)> = None;
        let mut on_line = |line: Line<'_>| -> ControlFlow<()> {
            if line.cut {
                cut_lines += 1;
                if cut_lines <= 10 {
                    report.notices.push(format!(
                        "{file}:{}: line longer than {} MiB; only its first MiB was read",
                        line.no,
                        lines::MAX_LINE >> 20
                    ));
                }
            }
            let at = || format!("{file}:{}", line.no);
            let redacted_before = cx.redacted;
            let flow = match p.row(line.text, &mut cx, &mut sock, at, &mut report.notices) {
                ParsedRow::Skip => {
                    if rows == 0 {
                        if first_looking.is_none() && looks_like_tcp_row(line.text, &mut cx.states)
                        {
                            first_looking = Some((line.no, None));
                        }
                        if unplaced.is_none()
                            && let Some(cols) = unplaced_leading_columns(line.text)
                        {
                            unplaced = Some((line.no, cols));
                        }
                    }
                    Flow::Continue
                }
                ParsedRow::Socket => {
                    rows += 1;
                    listed_rows += u64::from(sock.listed_owners.is_listed());
                    if cx.redacted != redacted_before {
                        redacted_rows += 1;
                        if first_redacted == 0 {
                            first_redacted = line.no;
                        }
                    }
                    if !query.states.contains(sock.state) || !families[sock.family.index()] {
                        return ControlFlow::Continue(());
                    }
                    report.sockets += 1;
                    sock.netns = self.netns;
                    match sink.socket(&sock) {
                        Ok(f) => f,
                        Err(e) => {
                            err = Some(SourceError::Sink(e));
                            Flow::Stop
                        }
                    }
                }
                ParsedRow::Count(family, state, n) => {
                    rows += 1;
                    if !query.states.contains(state) || family.is_some_and(|f| !families[f.index()])
                    {
                        return ControlFlow::Continue(());
                    }
                    let Some(total) = report.sockets.checked_add(n) else {
                        err = Some(SourceError::Parse {
                            file: file.to_string(),
                            line: line.no,
                            why: format!(
                                "the counts add up to more than {} (the largest total \
                                 tcpstate can hold); these are not real socket counts",
                                u64::MAX
                            ),
                        });
                        return ControlFlow::Break(());
                    };
                    report.sockets = total;
                    match sink.aggregate(family, state, n) {
                        Ok(f) => f,
                        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
                            err = Some(SourceError::Parse {
                                file: file.to_string(),
                                line: line.no,
                                why: "a saved summary line (counts per state, no sockets): it \
                                      can be counted (`summary` without --by, `check`, `watch`), \
                                      not listed or grouped"
                                    .into(),
                            });
                            Flow::Stop
                        }
                        Err(e) => {
                            err = Some(SourceError::Sink(e));
                            Flow::Stop
                        }
                    }
                }
                ParsedRow::Unread(why) => {
                    if rows == 0 && first_looking.is_none() {
                        first_looking = Some((line.no, Some(why.to_string())));
                    }
                    if self.strict {
                        err = Some(SourceError::Parse {
                            file: file.to_string(),
                            line: line.no,
                            why: why.into_owned(),
                        });
                        return ControlFlow::Break(());
                    }
                    if report.unread.len() < MAX_UNREAD {
                        report.unread.push(Unread {
                            file: file.to_string(),
                            line: line.no,
                            why: why.into_owned(),
                        });
                    } else {
                        unread_more += 1;
                    }
                    Flow::Continue
                }
                ParsedRow::NoState => {
                    err = Some(SourceError::Parse {
                        file: file.to_string(),
                        line: line.no,
                        why: "this ss listing has no State column (it was saved with a state \
                              filter, as in `ss -tan state time-wait`); name the state its rows \
                              are in with --assume-state STATE"
                            .into(),
                    });
                    Flow::Stop
                }
            };
            match flow {
                Flow::Continue => ControlFlow::Continue(()),
                Flow::Stop => ControlFlow::Break(()),
            }
        };
        let io = lines.each(&mut on_line);
        if let Some(e) = err {
            return Err(e);
        }
        io.map_err(|err| SourceError::Io {
            path: file.to_string(),
            err,
        })?;
        if unread_more > 0 {
            report.notices.push(format!(
                "{file}: {unread_more} more unreadable lines not listed (only the first \
                 {MAX_UNREAD} are)"
            ));
        }
        if cut_lines > 10 {
            report.notices.push(format!(
                "{file}: {cut_lines} lines in all were longer than 1 MiB and cut"
            ));
        }
        p.finish(file, &mut report.notices);
        if self.owners_wanted && rows > 0 && listed_rows == 0 {
            report.notices.push(format!(
                "{file}: the capture has no process column (save it with `netstat -p` or \
                 `ss -p`), so no socket in it has an owner"
            ));
        }
        if redacted_rows > 0 {
            let (rows, have) = if redacted_rows == 1 {
                ("row", "has")
            } else {
                ("rows", "have")
            };
            report.notices.push(format!(
                "{file}: {redacted_rows} {rows} {have} redacted addresses (the first at \
                 {file}:{first_redacted}): counted by state, but a list shows what was hidden \
                 as ? and a filter on it cannot place them"
            ));
        }
        if self.forced && rows == 0 && !p.saw_own_format() {
            let other = match report.unread.first() {
                Some(u) => format!(
                    "; {} lines look like rows but cannot be read so, the first at {file}:{} \
                     ({})",
                    report.unread.len() as u64 + unread_more,
                    u.line,
                    u.why
                ),
                None => String::new(),
            };
            return Err(SourceError::Other(format!(
                "{file}: no line reads as {} (--input-format {}){other}; leave --input-format \
                 out to detect the format",
                format.describe(),
                format.name()
            )));
        }
        if rows == 0
            && let Some((no, why)) = first_looking
        {
            return Err(SourceError::Parse {
                file: file.to_string(),
                line: no,
                why: silent_zero(file, format, why, unplaced),
            });
        }
        Ok(report)
    }
}

/// Why a file with a line that looks like a TCP row (`why` it could not be read, if a parser
/// said) yielded no socket, as the end of one sentence: the run is refused rather than shown
/// as a quiet host.
fn silent_zero(
    file: &str,
    format: InputFormat,
    why: Option<String>,
    unplaced: Option<(u64, String)>,
) -> String {
    let cause = match (why, unplaced) {
        (_, Some((no, cols))) => format!(
            "the column header at {file}:{no} has a column before Proto that tcpstate cannot \
             place ({cols})"
        ),
        (Some(why), None) => why,
        (None, None) => format!(
            "read as {}, its layout is not one tcpstate knows (if the format was told wrong, \
             name it with --input-format)",
            format.describe()
        ),
    };
    format!(
        "this line looks like a TCP socket row, but no line of the file reads as one, so \
         nothing is counted rather than an empty host shown: {cause}"
    )
}

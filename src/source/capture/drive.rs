//! The run loop shared by every capture format: lines come from the streaming splitter, the
//! format's `RowParser` (changed per section where a file mixes formats, see `mixed`) turns
//! each into a socket (written into one reused `Socket`), a count, a skip or an unread line, and
//! the loop applies the query, pushes into the sink, honours `Flow::Stop`, and gathers the
//! `Report` (unread lines, capped at `MAX_UNREAD` listed and the rest counted; notices for lines
//! cut for length, rows joined, redacted hosts). Two things span lines: a record whose
//! continuation lines amend its socket (`ss -i -m`: the socket is held until the next row),
//! and a row an e-mail client wrapped (an unread line is held one line, and joined with the
//! next when that line alone is no row and the two read as one). A forced format of which no
//! line is a row, header or title is an error; so is a file with TCP-looking lines that
//! yielded no row (`evidence`).

use std::borrow::Cow;
use std::io::{self, Read};
use std::ops::ControlFlow;

use super::InputFormat;
use super::engine::{Ctx, MAX_UNREAD, ParsedRow};
use super::evidence::{looks_like_tcp_row, silent_zero, unplaced_layout};
use super::lines::{self, Chunked, Line};
use super::mixed::Parsers;
use crate::sink::{Flow, Sink};
use crate::socket::{Endpoint, Family, Socket};
use crate::source::{Query, Report, SourceError, Unread};
use crate::tcp::state::TcpState;

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

fn blank_socket() -> Socket {
    Socket::new(
        Family::V4,
        TcpState::Established,
        Endpoint::unspecified(),
        Endpoint::unspecified(),
    )
}

/// The state of one run.
pub(super) struct Driver<'r, 's> {
    pub(super) run: &'r Run<'r>,
    pub(super) sink: &'s mut dyn Sink,
    pub(super) p: Parsers,
    pub(super) cx: Ctx,
    /// Two sockets: `pair[cur]` is the one a row is read into, the other the one read last,
    /// held for its continuation lines while `holding`. Holding a socket flips `cur`, so no
    /// socket is moved.
    pair: [Socket; 2],
    cur: usize,
    pub(super) holding: bool,
    /// The sink said stop: nothing more is pushed.
    pub(super) stopped: bool,
    /// An unread line held for one line, in case the next completes it: its number, text, why.
    pub(super) wrapped: Option<(u64, Vec<u8>, Cow<'static, str>)>,
    pub(super) joined: u64,
    pub(super) first_joined: u64,
    pub(super) report: Report,
    pub(super) err: Option<SourceError>,
    pub(super) unread_more: u64,
    pub(super) cut_lines: u64,
    /// Rows read (sockets and counts, whatever the query), for a forced format's check.
    pub(super) rows: u64,
    pub(super) redacted_rows: u64,
    pub(super) first_redacted: u64,
    /// Sockets whose row had an owner column (`netstat -p`, `ss -p`).
    pub(super) listed_rows: u64,
    /// While no row has been read: the first line that looks like a TCP row (and why it could
    /// not be read, when a parser said), and the first header with a column no layout places.
    pub(super) first_looking: Option<(u64, Option<String>)>,
    pub(super) unplaced: Option<(u64, String)>,
    /// Rows that were counts (saved summaries), whatever the query.
    pub(super) counted: u64,
}

impl Run<'_> {
    pub(crate) fn go(
        &self,
        format: InputFormat,
        mut lines: Lines<'_>,
        sink: &mut dyn Sink,
    ) -> Result<Report, SourceError> {
        debug_assert!(
            format != InputFormat::Auto,
            "the format is known before a run"
        );
        let mut d = Driver::new(self, sink, Parsers::new(format, self.forced));
        let io = lines.each(&mut |line| d.line(line));
        if let Some(e) = d.end() {
            return Err(e);
        }
        io.map_err(|err| SourceError::Io {
            path: self.file.to_string(),
            err,
        })?;
        d.finish(format)
    }
}

impl<'r, 's> Driver<'r, 's> {
    pub(super) fn new(run: &'r Run<'r>, sink: &'s mut dyn Sink, p: Parsers) -> Driver<'r, 's> {
        Driver {
            run,
            sink,
            p,
            cx: Ctx {
                assume_state: run.assume_state,
                ..Ctx::default()
            },
            pair: [blank_socket(), blank_socket()],
            cur: 0,
            holding: false,
            stopped: false,
            wrapped: None,
            joined: 0,
            first_joined: 0,
            report: Report::default(),
            err: None,
            unread_more: 0,
            cut_lines: 0,
            rows: 0,
            redacted_rows: 0,
            first_redacted: 0,
            listed_rows: 0,
            first_looking: None,
            unplaced: None,
            counted: 0,
        }
    }

    /// The input is over: what is held is unread or pushed after all; the error, if any.
    pub(super) fn end(&mut self) -> Option<SourceError> {
        if self.err.is_none() && !self.stopped && self.flush_wrapped().is_continue() {
            let _ = self.flush_held();
        }
        self.err.take()
    }
}

impl Driver<'_, '_> {
    pub(super) fn line(&mut self, line: Line<'_>) -> ControlFlow<()> {
        let file = self.run.file;
        if line.cut {
            self.cut_lines += 1;
            if self.cut_lines <= 10 {
                self.report.notices.push(format!(
                    "{file}:{}: line longer than {} MiB; only its first MiB was read",
                    line.no,
                    lines::MAX_LINE >> 20
                ));
            }
        }
        if self.holding && self.p.amend(line.text, &mut self.pair[self.cur ^ 1]) {
            return ControlFlow::Continue(());
        }
        let redacted_before = self.cx.redacted;
        let at = || format!("{file}:{}", line.no);
        let parsed = self.p.row(
            line.text,
            &mut self.cx,
            &mut self.pair[self.cur],
            at,
            &mut self.report.notices,
        );
        let parsed = match (self.wrapped.take(), parsed) {
            (Some(w), p @ (ParsedRow::Socket | ParsedRow::Count(..))) => {
                self.wrapped = Some(w);
                self.flush_wrapped()?;
                p
            }
            (Some((no, mut text, why)), p) => {
                // The line alone is no row: does it complete the one held?
                text.push(b' ');
                text.extend_from_slice(line.text);
                let again = self.p.row(
                    &text,
                    &mut self.cx,
                    &mut self.pair[self.cur],
                    String::new,
                    &mut Vec::new(),
                );
                if matches!(again, ParsedRow::Socket) {
                    self.joined += 1;
                    if self.first_joined == 0 {
                        self.first_joined = no;
                    }
                    return self.parsed(no, &text, again, redacted_before);
                }
                text.truncate(text.len() - line.text.len() - 1);
                self.wrapped = Some((no, text, why));
                self.flush_wrapped()?;
                p
            }
            (None, p) => p,
        };
        self.parsed(line.no, line.text, parsed, redacted_before)
    }

    /// Act on what line `no` (`text`) was read as.
    fn parsed(
        &mut self,
        no: u64,
        text: &[u8],
        parsed: ParsedRow,
        redacted_before: u64,
    ) -> ControlFlow<()> {
        let file = self.run.file;
        match parsed {
            ParsedRow::Skip => {
                self.evidence(no, text, None);
                ControlFlow::Continue(())
            }
            ParsedRow::Socket => {
                self.rows += 1;
                self.listed_rows += u64::from(self.pair[self.cur].listed_owners.is_listed());
                if self.cx.redacted != redacted_before {
                    self.redacted_rows += 1;
                    if self.first_redacted == 0 {
                        self.first_redacted = no;
                    }
                }
                self.flush_held()?;
                if self.p.continues() {
                    self.cur ^= 1;
                    self.holding = true;
                    return ControlFlow::Continue(());
                }
                self.push(false)
            }
            ParsedRow::Count(family, state, n) => {
                self.rows += 1;
                self.counted += 1;
                self.flush_held()?;
                let q = self.run.query;
                if !q.states.contains(state) || family.is_some_and(|f| ![q.v4, q.v6][f.index()]) {
                    return ControlFlow::Continue(());
                }
                let Some(total) = self.report.sockets.checked_add(n) else {
                    return self.fail(SourceError::Parse {
                        file: file.to_string(),
                        line: no,
                        why: format!(
                            "the counts add up to more than {} (the largest total tcpstate can \
                             hold); these are not real socket counts",
                            u64::MAX
                        ),
                    });
                };
                self.report.sockets = total;
                match self.sink.aggregate(family, state, n) {
                    Ok(Flow::Continue) => ControlFlow::Continue(()),
                    Ok(Flow::Stop) => {
                        self.stopped = true;
                        ControlFlow::Break(())
                    }
                    Err(e) if e.kind() == io::ErrorKind::Unsupported => {
                        self.fail(SourceError::Parse {
                            file: file.to_string(),
                            line: no,
                            why: "a saved summary line (counts per state, no sockets): it can be \
                                  counted (`summary` without --by, `check`, `watch`), not listed \
                                  or grouped"
                                .into(),
                        })
                    }
                    Err(e) => self.fail(SourceError::Sink(e)),
                }
            }
            ParsedRow::Unread(why) => {
                // Held one line: an e-mail client may have moved its end to the next.
                self.wrapped = Some((no, text.to_vec(), why));
                ControlFlow::Continue(())
            }
            ParsedRow::NoState => self.fail(SourceError::Parse {
                file: file.to_string(),
                line: no,
                why: "this ss listing has no State column (it was saved with a state filter, as \
                      in `ss -tan state time-wait`); name the state its rows are in with \
                      --assume-state STATE"
                    .into(),
            }),
        }
    }

    fn fail(&mut self, e: SourceError) -> ControlFlow<()> {
        self.err = Some(e);
        ControlFlow::Break(())
    }

    /// Note a line that is no row, while none has been read, for the silent-zero check.
    fn evidence(&mut self, no: u64, text: &[u8], why: Option<&str>) {
        if self.rows > 0 {
            return;
        }
        if self.first_looking.is_none()
            && (why.is_some() || looks_like_tcp_row(text, &mut self.cx.states))
        {
            self.first_looking = Some((no, why.map(str::to_string)));
        }
        if self.unplaced.is_none()
            && let Some(cols) = unplaced_layout(text)
        {
            self.unplaced = Some((no, cols));
        }
    }

    /// The held unread line, if any, is unread after all.
    fn flush_wrapped(&mut self) -> ControlFlow<()> {
        let Some((no, text, why)) = self.wrapped.take() else {
            return ControlFlow::Continue(());
        };
        self.evidence(no, &text, Some(&why));
        if self.run.strict {
            return self.fail(SourceError::Parse {
                file: self.run.file.to_string(),
                line: no,
                why: why.into_owned(),
            });
        }
        if self.report.unread.len() < MAX_UNREAD {
            self.report.unread.push(Unread {
                file: self.run.file.to_string(),
                line: no,
                why: why.into_owned(),
            });
        } else {
            self.unread_more += 1;
        }
        ControlFlow::Continue(())
    }

    /// Push the socket held for its continuation lines, if any.
    /// The socket held for its continuation lines (meaningful while `holding`).
    pub(super) fn held(&self) -> &Socket {
        &self.pair[self.cur ^ 1]
    }

    /// The socket held (or a blank one in its place), for a part read on another thread.
    pub(super) fn take_held(&mut self) -> Socket {
        std::mem::replace(&mut self.pair[self.cur ^ 1], blank_socket())
    }

    /// Hold `s` as the socket read last.
    pub(super) fn hold(&mut self, s: Socket) {
        self.pair[self.cur ^ 1] = s;
        self.holding = true;
    }

    pub(super) fn flush_held(&mut self) -> ControlFlow<()> {
        if !self.holding {
            return ControlFlow::Continue(());
        }
        self.holding = false;
        self.push(true)
    }

    /// Push the socket just read (or the one held) into the sink, if the query wants it. The
    /// socket stays where it is, so its buffers serve the next row.
    fn push(&mut self, held: bool) -> ControlFlow<()> {
        let s = &mut self.pair[self.cur ^ usize::from(held)];
        let q = self.run.query;
        if !q.states.contains(s.state) || ![q.v4, q.v6][s.family.index()] {
            return ControlFlow::Continue(());
        }
        self.report.sockets += 1;
        s.netns = self.run.netns;
        match self.sink.socket(s) {
            Ok(Flow::Continue) => ControlFlow::Continue(()),
            Ok(Flow::Stop) => {
                self.stopped = true;
                ControlFlow::Break(())
            }
            Err(e) => {
                self.err = Some(SourceError::Sink(e));
                ControlFlow::Break(())
            }
        }
    }

    pub(super) fn finish(mut self, format: InputFormat) -> Result<Report, SourceError> {
        let file = self.run.file;
        let mut report = std::mem::take(&mut self.report);
        if self.unread_more > 0 {
            report.notices.push(format!(
                "{file}: {} more unreadable lines not listed (only the first {MAX_UNREAD} are)",
                self.unread_more
            ));
        }
        if self.cut_lines > 10 {
            report.notices.push(format!(
                "{file}: {} lines in all were longer than 1 MiB and cut",
                self.cut_lines
            ));
        }
        if self.joined > 0 {
            report.notices.push(format!(
                "{file}: {} split over two lines (as an e-mail client wraps them) and joined \
                 back, the first at {file}:{}",
                if self.joined == 1 {
                    "1 row was".to_string()
                } else {
                    format!("{} rows were", self.joined)
                },
                self.first_joined
            ));
        }
        self.p.finish(file, &mut report.notices);
        if self.run.owners_wanted && self.rows > 0 && self.listed_rows == 0 {
            report.notices.push(format!(
                "{file}: the capture has no process column (save it with `netstat -p` or \
                 `ss -p`), so no socket in it has an owner"
            ));
        }
        if self.redacted_rows > 0 {
            let (rows, have) = if self.redacted_rows == 1 {
                ("row", "has")
            } else {
                ("rows", "have")
            };
            report.notices.push(format!(
                "{file}: {} {rows} {have} redacted addresses (the first at {file}:{}): counted \
                 by state, but a list shows what was hidden as ? and a filter on it cannot \
                 place them",
                self.redacted_rows, self.first_redacted
            ));
        }
        if self.run.forced && self.rows == 0 && !self.p.saw_own_format() {
            let other = match report.unread.first() {
                Some(u) => format!(
                    "; {} lines look like rows but cannot be read so, the first at {file}:{} \
                     ({})",
                    report.unread.len() as u64 + self.unread_more,
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
        if self.rows == 0
            && let Some((no, why)) = self.first_looking
        {
            return Err(SourceError::Parse {
                file: file.to_string(),
                line: no,
                why: silent_zero(file, format, why, self.unplaced),
            });
        }
        Ok(report)
    }
}

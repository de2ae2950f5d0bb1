//! Files that mix formats (a netstat listing, then `ss` rows, then a `/proc/net/tcp` dump, then
//! `STATE COUNT` lines, as people paste them into one file): one parser per format, the one in
//! use chosen by detection and changed per section. A line the parser in use does not read as a
//! row (it skips it, cannot read it, or finds no State column) is classified as format
//! detection would; when it is another format's column header or section title, or a row that
//! format's parser does read, the file is read as that format from there on (with a notice), or,
//! with a forced `--input-format`, the line is unread as "a ⟨format⟩ row in a ⟨format⟩ listing".

use std::borrow::Cow;

use super::detect::{Class, ROW, TITLE, classify};
use super::engine::{Ctx, ParsedRow, RowParser};
use super::{InputFormat, bsd, netstat, powershell, proc, solaris, ss, summary, windows};
use crate::socket::Socket;

/// At most this many section changes are named one by one in notices.
const MAX_SWITCH_NOTICES: usize = 10;

/// Every format's parser, and the one in use.
#[derive(Clone)]
pub(crate) struct Parsers {
    current: InputFormat,
    /// The format was forced: other formats' rows are unread, not followed.
    forced: bool,
    netstat: netstat::Netstat,
    ss: ss::Ss,
    proc: proc::ProcTable,
    bsd: bsd::Bsd,
    windows: windows::Windows,
    summary: summary::SummaryLines,
    solaris: solaris::Solaris,
    powershell: powershell::PowerShell,
    switches: usize,
    /// A header, title or row of the format in use was seen (a listing with no rows is not
    /// a listing of another format).
    saw_own: bool,
}

impl Parsers {
    pub(crate) fn new(format: InputFormat, forced: bool) -> Parsers {
        Parsers {
            current: format,
            forced,
            netstat: netstat::Netstat,
            ss: ss::Ss::default(),
            proc: proc::ProcTable,
            bsd: bsd::Bsd::default(),
            windows: windows::Windows,
            summary: summary::SummaryLines,
            solaris: solaris::Solaris::default(),
            powershell: powershell::PowerShell::default(),
            switches: 0,
            saw_own: false,
        }
    }

    fn parser(&mut self, f: InputFormat) -> &mut dyn RowParser {
        match f {
            InputFormat::Netstat | InputFormat::Auto => &mut self.netstat,
            InputFormat::Ss => &mut self.ss,
            InputFormat::Proc => &mut self.proc,
            InputFormat::Bsd => &mut self.bsd,
            InputFormat::Windows => &mut self.windows,
            InputFormat::Summary => &mut self.summary,
            InputFormat::Solaris => &mut self.solaris,
            InputFormat::PowerShell => &mut self.powershell,
        }
    }

    /// Read one line with the parser in use, changing parsers where the file changes format.
    /// `at` names the line (`file:line`) for the notice of a change.
    #[inline]
    pub(crate) fn row(
        &mut self,
        line: &[u8],
        cx: &mut Ctx,
        out: &mut Socket,
        at: impl FnOnce() -> String,
        notices: &mut Vec<String>,
    ) -> ParsedRow {
        let current = self.current;
        let first = self.parser(current).row(line, cx, out);
        if matches!(first, ParsedRow::Socket | ParsedRow::Count(..)) {
            return first;
        }
        let other = match classify(line, &mut cx.states) {
            Class::Vote(f, _) if f == current => {
                self.saw_own = true;
                return first;
            }
            Class::Vote(f, w) if w >= 2 => (f, w),
            _ => return first,
        };
        let (f, w) = other;
        let again = self.parser(f).row(line, cx, out);
        let is_row = matches!(again, ParsedRow::Socket | ParsedRow::Count(..));
        if !is_row && w < TITLE {
            return first;
        }
        if self.forced {
            return if is_row && w <= ROW {
                ParsedRow::Unread(Cow::Owned(format!(
                    "a {} row in a {} listing (--input-format {})",
                    f.describe(),
                    current.describe(),
                    current.name()
                )))
            } else {
                first
            };
        }
        self.current = f;
        self.switches += 1;
        if self.switches <= MAX_SWITCH_NOTICES {
            notices.push(format!(
                "{}: the file changes format here; read as {} from this line on",
                at(),
                f.describe()
            ));
        }
        again
    }

    /// Read `line` as a continuation of the last socket read, with the parser in use.
    #[inline]
    pub(crate) fn amend(&mut self, line: &[u8], out: &mut Socket) -> bool {
        let current = self.current;
        self.parser(current).amend(line, out)
    }

    /// Whether the parser in use reads records that go on past their row.
    #[inline]
    pub(crate) fn continues(&mut self) -> bool {
        let current = self.current;
        self.parser(current).continues()
    }

    /// Whether any line was a row, header or title of the format in use.
    pub(crate) fn saw_own_format(&self) -> bool {
        self.saw_own
    }

    /// Whether reading the next line with `self` and with `other` comes to the same: the same
    /// format in use and the same state carried across lines in every parser (ss's style,
    /// macOS or not, the Solaris section, a PowerShell record begun). Counters kept only for
    /// notices at the end are not compared (see `take_counts`).
    pub(crate) fn same_state(&self, other: &Parsers) -> bool {
        self.current == other.current
            && self.forced == other.forced
            && self.ss.same_state(&other.ss)
            && self.bsd.same_state(&other.bsd)
            && self.solaris.same_state(&other.solaris)
            && self.powershell.same_state(&other.powershell)
    }

    /// How many times the format changed so far.
    pub(crate) fn switches(&self) -> usize {
        self.switches
    }

    /// Become `end`, the parsers as they were after reading lines that `start` (a state equal to
    /// `self`'s) began with, keeping what `self` counted before: the counters for notices at
    /// the end add up as if `self` had read those lines.
    pub(crate) fn take_counts(&mut self, start: &Parsers, mut end: Parsers) {
        end.saw_own |= self.saw_own;
        end.switches = self.switches + (end.switches - start.switches);
        end.bsd.add_counts(&self.bsd, &start.bsd);
        end.ss.add_counts(&self.ss, &start.ss);
        *self = end;
    }

    /// Every parser's notices once the input is done.
    pub(crate) fn finish(&mut self, file: &str, notices: &mut Vec<String>) {
        self.netstat.finish(file, notices);
        self.ss.finish(file, notices);
        self.proc.finish(file, notices);
        self.bsd.finish(file, notices);
        self.windows.finish(file, notices);
        self.summary.finish(file, notices);
        self.solaris.finish(file, notices);
        self.powershell.finish(file, notices);
    }
}

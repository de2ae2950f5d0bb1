//! The multi-core path for a large capture file: the file is memory-mapped, cut into chunks at
//! line ends, and one thread per core reads chunk after chunk, each with a run loop
//! (`drive::Driver`) of its own that starts from the parsers as the main loop last had them,
//! and records the sockets it would push (or, for a sink that only counts, their number by
//! family and state). The main loop takes the chunks in file order. The invariant: the sink
//! sees, and the report says, exactly what the one-core path gives for the same bytes. A
//! chunk's reading is taken only when it is the reading the main loop would have made itself: the main loop's parsers are in the same state as the
//! chunk's were at its start (format in use, ss style, Solaris section, PowerShell record,
//! `Parsers::same_state`), nothing spans the boundary (no unread line held for joining; a
//! socket held for `ss -i` continuation lines only when the chunk's first line is a row that
//! does not continue it), and nothing in the chunk depends on counts over the whole file (no
//! format change or other notice, no cut line, no saved-summary count, no error; the main loop
//! has read a row, so the silent-zero evidence is settled). Otherwise the main loop reads the
//! chunk's lines itself. The counters of a taken chunk (rows, unread lines with their line
//! numbers moved by the lines before the chunk, redacted and joined rows, BSD TIME_WAITs) are
//! added as the one-core path would have counted them; when the sink stops or fails on a
//! chunk's socket, the counters are those of the chunk read up to that socket's line. Cuts
//! fall after a `\n` (always a line end, whatever the terminators) and, where they can, before
//! a line that is not indented, so an `ss -i` record rarely spans two chunks. Memory stays
//! bounded: threads read at most two chunks per thread ahead of the one the main loop takes.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::ops::{ControlFlow, Range};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

use super::InputFormat;
use super::drive::{Driver, Run};
use super::engine::MAX_UNREAD;
use super::lines;
use super::mixed::Parsers;
use super::progress::ReadProgress;
use crate::sink::{Flow, Sink};
use crate::socket::{Family, Socket};
use crate::source::{Report, SourceError};
use crate::tcp::state::TcpState;

/// Files smaller than this are read on one core: the threads would not pay for themselves.
pub(crate) const PARALLEL_MIN: u64 = 64 << 20;

/// How a mapped file is read: by how many threads, in chunks of about how many bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub jobs: usize,
    pub chunk: usize,
}

impl Plan {
    /// Chunks of 8 MiB: large enough that a thread's start is nothing beside its work, small
    /// enough that a wave's sockets stay a few hundred MB at most.
    pub(crate) const CHUNK: usize = 8 << 20;
}

#[cfg(test)]
thread_local! {
    /// Chunks taken from a thread's reading (tests check the parallel path is used).
    static TAKEN: Cell<u64> = const { Cell::new(0) };
}

/// Sockets counted by family and kernel state number.
type Tally = [[u64; 16]; 2];

/// A sink that keeps the sockets pushed into it, each with the line it was pushed at, or,
/// for a sink that only counts, their number by family and state.
struct Recorder<'a> {
    line: &'a Cell<u64>,
    sockets: Vec<(u64, Socket)>,
    tally: Option<Box<Tally>>,
}

impl Sink for Recorder<'_> {
    fn socket(&mut self, s: &Socket) -> std::io::Result<Flow> {
        match &mut self.tally {
            Some(t) => t[s.family.index()][usize::from(s.state.kernel())] += 1,
            None => self.sockets.push((self.line.get(), s.clone())),
        }
        Ok(Flow::Continue)
    }

    fn aggregate(
        &mut self,
        _family: Option<Family>,
        _state: TcpState,
        _n: u64,
    ) -> std::io::Result<Flow> {
        // Counted by the driver (`counted`): such a chunk is read again by the main loop.
        Ok(Flow::Continue)
    }
}

/// One chunk as read by a loop of its own, its lines numbered from 1.
struct Part {
    p: Parsers,
    sockets: Vec<(u64, Socket)>,
    tally: Option<Box<Tally>>,
    holding: bool,
    held: Socket,
    wrapped: Option<(u64, Vec<u8>, std::borrow::Cow<'static, str>)>,
    joined: u64,
    first_joined: u64,
    report: Report,
    failed: bool,
    unread_more: u64,
    cut_lines: u64,
    rows: u64,
    counted: u64,
    redacted_rows: u64,
    first_redacted: u64,
    listed_rows: u64,
    /// The line of the chunk's first socket row (0: none).
    first_row: u64,
    /// Lines in the chunk.
    lines: u64,
}

/// Read `bytes` (whole lines) from the parsers `start`, up to line `upto` when given; the
/// sockets only counted when `tally`.
fn read_part(run: &Run<'_>, start: &Parsers, bytes: &[u8], upto: Option<u64>, tally: bool) -> Part {
    let line = Cell::new(0);
    let mut rec = Recorder {
        line: &line,
        sockets: Vec::new(),
        tally: tally.then(|| Box::new([[0; 16]; 2])),
    };
    let mut d = Driver::new(run, &mut rec, start.clone());
    // A row was read before the chunk (see the module doc): no silent-zero evidence is kept.
    d.rows = 1;
    let mut first_row = 0;
    let _ = lines::slice_lines(bytes, 1, |l| {
        let no = l.no;
        line.set(no);
        let before = d.rows;
        let flow = d.line(l);
        if first_row == 0 && d.rows != before {
            first_row = no;
        }
        if upto == Some(no) {
            return ControlFlow::Break(());
        }
        flow
    });
    let held = d.take_held();
    let Driver {
        p,
        holding,
        wrapped,
        joined,
        first_joined,
        report,
        err,
        unread_more,
        cut_lines,
        rows,
        counted,
        redacted_rows,
        first_redacted,
        listed_rows,
        ..
    } = d;
    Part {
        p,
        sockets: rec.sockets,
        tally: rec.tally,
        holding,
        held,
        wrapped,
        joined,
        first_joined,
        report,
        failed: err.is_some(),
        unread_more,
        cut_lines,
        rows: rows - 1,
        counted,
        redacted_rows,
        first_redacted,
        listed_rows,
        first_row,
        lines: line.get(),
    }
}

/// Where to cut `b` into chunks of about `chunk` bytes: after a `\n`, before an unindented line
/// where one comes within 64 lines.
pub(crate) fn cuts(b: &[u8], chunk: usize) -> Vec<Range<usize>> {
    let next_line = |at: usize| memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |i| at + i + 1);
    let mut out = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let mut end = at.saturating_add(chunk.max(1)).min(b.len());
        if end < b.len() {
            end = next_line(end.max(at + 1) - 1);
            for _ in 0..64 {
                if end >= b.len() || !matches!(b[end], b' ' | b'\t') {
                    break;
                }
                end = next_line(end);
            }
        }
        out.push(at..end);
        at = end;
    }
    out
}

impl Run<'_> {
    /// Read the mapped file `bytes` as `format` on `plan.jobs` threads; the same outcome as
    /// `go` over the same bytes (see the module doc).
    pub(crate) fn go_parallel(
        &self,
        format: InputFormat,
        bytes: &[u8],
        sink: &mut dyn Sink,
        plan: Plan,
        progress: Option<(&dyn ReadProgress, u64)>,
    ) -> Result<Report, SourceError> {
        let chunks = cuts(bytes, plan.chunk);
        // Progress is told of each chunk read, less the bytes it was told of already.
        let mut told = progress.map_or(0, |p| p.1);
        let mut advance = |n: usize| {
            let n = n as u64;
            if let Some((p, _)) = progress {
                p.advance(n.saturating_sub(told));
            }
            told = told.saturating_sub(n);
        };
        let mut g = Driver::new(self, sink, Parsers::new(format, self.forced));
        let mut next_no = 1;
        let mut i = 0;
        // Until a row is read (the silent-zero evidence), and on one thread: in order, here.
        while i < chunks.len() && g.err.is_none() && !g.stopped && (g.rows == 0 || plan.jobs < 2) {
            next_no = read_here(&mut g, &bytes[chunks[i].clone()], next_no);
            advance(chunks[i].len());
            i += 1;
        }
        if i < chunks.len() && g.err.is_none() && !g.stopped {
            let tally = g.sink.counts_only();
            let work = Work {
                queue: Mutex::new(Queue {
                    next: i,
                    taken: i,
                    start: Arc::new(g.p.clone()),
                    done: BTreeMap::new(),
                    over: false,
                }),
                moved: Condvar::new(),
                window: 2 * plan.jobs,
            };
            thread::scope(|s| {
                for _ in 0..plan.jobs {
                    s.spawn(|| work.read(self, bytes, &chunks, tally));
                }
                for (k, r) in chunks.iter().enumerate().skip(i) {
                    let chunk = &bytes[r.clone()];
                    next_no = match work.wait_for(k) {
                        Some((start, part)) => match take(&mut g, &start, part, chunk, next_no) {
                            Some(next) => next,
                            None => read_here(&mut g, chunk, next_no),
                        },
                        None => read_here(&mut g, chunk, next_no),
                    };
                    advance(r.len());
                    let over = g.err.is_some() || g.stopped;
                    work.taken(k + 1, &g.p, over);
                    if over {
                        break;
                    }
                }
                work.taken(chunks.len(), &g.p, true);
            });
        }
        if let Some(e) = g.end() {
            return Err(e);
        }
        g.finish(format)
    }
}

/// The chunks being read by the threads, and what they have read.
struct Work {
    queue: Mutex<Queue>,
    /// A chunk was read, taken, or the run is over.
    moved: Condvar,
    /// At most this many chunks are read ahead of the one the main loop takes next.
    window: usize,
}

struct Queue {
    /// The next chunk for a thread to read.
    next: usize,
    /// The chunks before this one are taken (or read again) by the main loop.
    taken: usize,
    /// The main loop's parsers as a thread should start from.
    start: Arc<Parsers>,
    /// Chunks read, with the parsers they started from (`None`: the reading panicked, the
    /// main loop reads the chunk itself).
    done: BTreeMap<usize, Option<(Arc<Parsers>, Part)>>,
    /// The run is over (read through, stopped, failed): the threads leave.
    over: bool,
}

impl Work {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A thread: read the next chunk while any is left and the window has room.
    fn read(&self, run: &Run<'_>, bytes: &[u8], chunks: &[Range<usize>], tally: bool) {
        loop {
            let (k, start) = {
                let mut q = self.lock();
                while !q.over && q.next < chunks.len() && q.next >= q.taken + self.window {
                    q = self.moved.wait(q).unwrap_or_else(PoisonError::into_inner);
                }
                if q.over || q.next >= chunks.len() {
                    return;
                }
                q.next += 1;
                (q.next - 1, q.start.clone())
            };
            let chunk = &bytes[chunks[k].clone()];
            let part = panic::catch_unwind(AssertUnwindSafe(|| {
                read_part(run, &start, chunk, None, tally)
            }))
            .ok();
            self.lock().done.insert(k, part.map(|p| (start, p)));
            self.moved.notify_all();
        }
    }

    /// The main loop: chunk `k` as a thread read it.
    fn wait_for(&self, k: usize) -> Option<(Arc<Parsers>, Part)> {
        let mut q = self.lock();
        loop {
            if let Some(done) = q.done.remove(&k) {
                return done;
            }
            q = self.moved.wait(q).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The main loop took the chunks before `taken` and has the parsers `p` now.
    fn taken(&self, taken: usize, p: &Parsers, over: bool) {
        let mut q = self.lock();
        q.taken = taken;
        q.over |= over;
        if !q.start.same_state(p) {
            q.start = Arc::new(p.clone());
        }
        drop(q);
        self.moved.notify_all();
    }
}

/// The main loop reads `chunk` itself, its first line numbered `no`; the next line's number.
fn read_here(g: &mut Driver<'_, '_>, chunk: &[u8], mut no: u64) -> u64 {
    let _ = lines::slice_lines(chunk, no, |l| {
        no = l.no + 1;
        g.line(l)
    });
    no
}

/// Take `part`, read from the parsers `start`, as the main loop's reading of `chunk` (whose
/// first line is numbered `no`), when it is the one the main loop would make (module doc):
/// the number of the line after the chunk, or `None` when the main loop must read it itself.
fn take(g: &mut Driver<'_, '_>, start: &Parsers, part: Part, chunk: &[u8], no: u64) -> Option<u64> {
    if part.failed
        || !part.report.notices.is_empty()
        || part.cut_lines > 0
        || part.counted > 0
        || part.p.switches() != start.switches()
        || g.wrapped.is_some()
        || !g.p.same_state(start)
    {
        return None;
    }
    if g.holding {
        // Taken only when the chunk opens with a row that does not continue the held socket.
        let mut first: &[u8] = &[];
        let _ = lines::slice_lines(chunk, 1, |l| {
            first = l.text;
            ControlFlow::Break(())
        });
        if part.first_row != 1 || g.p.clone().amend(first, &mut g.held().clone()) {
            return None;
        }
    }
    let shift = no - 1;
    let lines = part.lines;
    let mut stop_at = None;
    // The chunk's first line is a row: the held socket goes first.
    if g.holding && g.flush_held().is_break() {
        stop_at = Some(1);
    }
    if stop_at.is_none()
        && let Some(t) = &part.tally
    {
        // A sink that only counts never stops (`Sink::counts_only`); should it fail, the
        // run ends with its error.
        tell_counts(g, t);
    }
    if stop_at.is_none() {
        for (line, s) in &part.sockets {
            g.report.sockets += 1;
            match g.sink.socket(s) {
                Ok(Flow::Continue) => continue,
                Ok(Flow::Stop) => g.stopped = true,
                Err(e) => g.err = Some(SourceError::Sink(e)),
            }
            stop_at = Some(*line);
            break;
        }
    }
    let part = match stop_at {
        // Counted as far as the one-core path reads: to the line whose socket stopped it.
        Some(line) => {
            let mut cut = read_part(g.run, start, chunk, Some(line), false);
            cut.holding = false;
            cut.wrapped = None;
            cut
        }
        None => part,
    };
    add_counts(g, start, part, shift);
    #[cfg(test)]
    TAKEN.with(|t| t.set(t.get() + 1));
    Some(no + lines)
}

/// Hand a chunk's socket counts to a sink that only counts.
fn tell_counts(g: &mut Driver<'_, '_>, t: &Tally) {
    for (family, row) in [Family::V4, Family::V6].into_iter().zip(t) {
        for (k, &n) in row.iter().enumerate() {
            if g.stopped || g.err.is_some() {
                return;
            }
            let Some(state) = TcpState::from_slot(k) else {
                continue;
            };
            if n == 0 {
                continue;
            }
            g.report.sockets += n;
            match g.sink.aggregate(Some(family), state, n) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Stop) => g.stopped = true,
                Err(e) => g.err = Some(SourceError::Sink(e)),
            }
        }
    }
}

/// Add a taken chunk's counters to the main loop's, its line numbers moved by `shift`.
fn add_counts(g: &mut Driver<'_, '_>, start: &Parsers, part: Part, shift: u64) {
    g.rows += part.rows;
    g.listed_rows += part.listed_rows;
    g.redacted_rows += part.redacted_rows;
    if g.first_redacted == 0 && part.first_redacted != 0 {
        g.first_redacted = part.first_redacted + shift;
    }
    g.joined += part.joined;
    if g.first_joined == 0 && part.first_joined != 0 {
        g.first_joined = part.first_joined + shift;
    }
    for mut u in part.report.unread {
        if g.report.unread.len() < MAX_UNREAD {
            u.line += shift;
            g.report.unread.push(u);
        } else {
            g.unread_more += 1;
        }
    }
    g.unread_more += part.unread_more;
    if part.holding {
        g.hold(part.held);
    }
    g.wrapped = part.wrapped.map(|(no, text, why)| (no + shift, text, why));
    g.p.take_counts(start, part.p);
}

#[cfg(test)]
#[path = "parallel_tests.rs"]
mod tests;

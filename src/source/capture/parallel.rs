//! The multi-core path for a large capture file: the file is memory-mapped, cut into chunks at
//! line ends, and the chunks of each wave (one per core) are read at once, each by a run loop
//! (`drive::Driver`) of its own that starts from the parsers as the main loop has them at the
//! wave's start and records the sockets it would push. The main loop then takes the chunks in
//! file order. The invariant: the sink sees, and the report says, exactly what the one-core
//! path gives for the same bytes. A chunk's reading is taken only when it is the reading the
//! main loop would have made itself: the main loop's parsers are in the same state as the
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
//! bounded: one wave of chunks is held at a time.

use std::cell::Cell;
use std::ops::{ControlFlow, Range};
use std::thread;

use super::InputFormat;
use super::drive::{Driver, Run};
use super::engine::MAX_UNREAD;
use super::lines;
use super::mixed::Parsers;
use super::progress::ReadProgress;
use crate::sink::{Flow, Sink};
use crate::socket::Socket;
use crate::source::{Report, SourceError};

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

/// A sink that keeps the sockets pushed into it, each with the line it was pushed at.
struct Recorder<'a> {
    line: &'a Cell<u64>,
    sockets: Vec<(u64, Socket)>,
}

impl Sink for Recorder<'_> {
    fn socket(&mut self, s: &Socket) -> std::io::Result<Flow> {
        self.sockets.push((self.line.get(), s.clone()));
        Ok(Flow::Continue)
    }

    fn aggregate(
        &mut self,
        _family: Option<crate::socket::Family>,
        _state: crate::tcp::state::TcpState,
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

/// Read `bytes` (whole lines) from the parsers `start`, up to line `upto` when given.
fn read_part(run: &Run<'_>, start: &Parsers, bytes: &[u8], upto: Option<u64>) -> Part {
    let line = Cell::new(0);
    let mut rec = Recorder {
        line: &line,
        sockets: Vec::new(),
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
    let Driver {
        p,
        holding,
        held,
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
        progress: Option<&dyn ReadProgress>,
    ) -> Result<Report, SourceError> {
        let chunks = cuts(bytes, plan.chunk);
        let mut g = Driver::new(self, sink, Parsers::new(format, self.forced));
        let mut next_no = 1;
        let mut i = 0;
        while i < chunks.len() && g.err.is_none() && !g.stopped {
            if g.rows == 0 || plan.jobs < 2 {
                next_no = read_here(&mut g, &bytes[chunks[i].clone()], next_no);
                if let Some(p) = progress {
                    p.advance(chunks[i].len() as u64);
                }
                i += 1;
                continue;
            }
            let wave = &chunks[i..chunks.len().min(i + plan.jobs)];
            let start = g.p.clone();
            let parts: Vec<Part> = thread::scope(|s| {
                let others: Vec<_> = wave[1..]
                    .iter()
                    .map(|r| {
                        let (start, chunk) = (&start, &bytes[r.clone()]);
                        s.spawn(move || read_part(self, start, chunk, None))
                    })
                    .collect();
                let first = read_part(self, &start, &bytes[wave[0].clone()], None);
                std::iter::once(first)
                    .chain(others.into_iter().map(|h| match h.join() {
                        Ok(part) => part,
                        Err(panic) => std::panic::resume_unwind(panic),
                    }))
                    .collect()
            });
            for (part, r) in parts.into_iter().zip(wave) {
                if g.err.is_some() || g.stopped {
                    break;
                }
                let chunk = &bytes[r.clone()];
                next_no = match take(&mut g, &start, part, chunk, next_no) {
                    Some(next) => next,
                    None => read_here(&mut g, chunk, next_no),
                };
                if let Some(p) = progress {
                    p.advance(r.len() as u64);
                }
            }
            i += wave.len();
        }
        if let Some(e) = g.end() {
            return Err(e);
        }
        g.finish(format)
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
        if part.first_row != 1 || g.p.clone().amend(first, &mut g.held.clone()) {
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
            let mut cut = read_part(g.run, start, chunk, Some(line));
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
        g.held = part.held;
        g.holding = true;
    }
    g.wrapped = part.wrapped.map(|(no, text, why)| (no + shift, text, why));
    g.p.take_counts(start, part.p);
}

#[cfg(test)]
mod tests {
    //! Reading in parallel equals reading on one core: random captures spliced from every
    //! fixture (headers, format changes, `ss -i` records, wrapped and indented rows, CRLF,
    //! garbage), cut into tiny chunks, with sinks that stop early or refuse counts.

    use std::io;
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::socket::Family;
    use crate::source::Query;
    use crate::source::capture::detect;
    use crate::source::capture::drive::Lines;
    use crate::tcp::state::TcpState;

    /// What a sink was told.
    #[derive(Debug, Default, PartialEq)]
    struct Seen {
        sockets: Vec<Socket>,
        counts: Vec<(Option<Family>, TcpState, u64)>,
        stop_after: Option<usize>,
        refuse_counts: bool,
    }

    impl Sink for Seen {
        fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
            self.sockets.push(s.clone());
            Ok(match self.stop_after {
                Some(k) if self.sockets.len() >= k => Flow::Stop,
                _ => Flow::Continue,
            })
        }

        fn aggregate(&mut self, f: Option<Family>, s: TcpState, n: u64) -> io::Result<Flow> {
            if self.refuse_counts {
                return Err(io::ErrorKind::Unsupported.into());
            }
            self.counts.push((f, s, n));
            Ok(Flow::Continue)
        }
    }

    fn fixtures() -> Vec<Vec<u8>> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/captures");
        let mut out = Vec::new();
        for dir in ["linux", "handmade", "silent"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                if p.extension().is_some_and(|e| e == "txt")
                    && let Ok(b) = std::fs::read(&p)
                {
                    out.push(b);
                }
            }
        }
        assert!(out.len() > 40, "the capture fixtures are missing");
        out
    }

    /// Both paths over `bytes`: what each sink saw and what each run said.
    fn both(
        bytes: &[u8],
        forced: Option<InputFormat>,
        run_opts: (bool, bool, bool),
        sink: (Option<usize>, bool),
        plan: Plan,
    ) -> Option<(Seen, Seen, String, String)> {
        let format = match forced {
            Some(f) => f,
            None => detect::detect(&bytes[..bytes.len().min(256 * 1024)]).ok()?,
        };
        let (strict, owners_wanted, v6) = run_opts;
        let query = Query {
            v6,
            ..Query::default()
        };
        let run = Run {
            file: "cap.txt",
            query: &query,
            assume_state: None,
            strict,
            netns: 0,
            forced: forced.is_some(),
            owners_wanted,
        };
        let new_sink = || Seen {
            stop_after: sink.0,
            refuse_counts: sink.1,
            ..Seen::default()
        };
        let (mut one, mut many) = (new_sink(), new_sink());
        let a = run.go(format, Lines::Slice(bytes), &mut one);
        let b = run.go_parallel(format, bytes, &mut many, plan, None);
        Some((one, many, format!("{a:?}"), format!("{b:?}")))
    }

    /// A capture spliced from pieces of the fixtures, each piece changed by `how`.
    fn splice(fx: &[Vec<u8>], pieces: &[(usize, usize, usize, u8)]) -> Vec<u8> {
        let mut out = Vec::new();
        for &(file, from, len, how) in pieces {
            let f = &fx[file % fx.len()];
            let lines: Vec<&[u8]> = f.split(|&b| b == b'\n').collect();
            let from = from % lines.len();
            for l in lines.iter().skip(from).take(len) {
                match how % 6 {
                    1 => out.push(b'\t'),
                    2 if l.len() > 4 => {
                        let (x, y) = l.split_at(l.len() / 2);
                        out.extend_from_slice(x);
                        out.push(b'\n');
                        out.extend_from_slice(y);
                        out.push(b'\n');
                        continue;
                    }
                    3 => out.extend_from_slice(b"tcp 0 0 what:1 2.3.4.5:x ESTABLISHED\n"),
                    _ => {}
                }
                out.extend_from_slice(l);
                out.extend_from_slice(if how % 6 == 4 { b"\r\n" } else { b"\n" });
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn parallel_reads_as_one_core(
            pieces in prop::collection::vec((0usize..200, 0usize..400, 1usize..80, 0u8..12), 1..10),
            chunk in 1usize..600,
            jobs in 2usize..5,
            forced in prop::option::weighted(0.2, prop::sample::select(vec![
                InputFormat::Netstat, InputFormat::Ss, InputFormat::Proc, InputFormat::Bsd,
                InputFormat::Windows, InputFormat::Summary, InputFormat::Solaris,
                InputFormat::PowerShell,
            ])),
            run_opts in (prop::bool::weighted(0.1), any::<bool>(), prop::bool::weighted(0.8)),
            sink in (prop::option::weighted(0.2, 1usize..200), prop::bool::weighted(0.2)),
        ) {
            let fx = fixtures();
            let bytes = splice(&fx, &pieces);
            if let Some((one, many, a, b)) = both(&bytes, forced, run_opts, sink, Plan { jobs, chunk }) {
                prop_assert_eq!(one, many);
                prop_assert_eq!(a, b);
            }
        }
    }

    /// A long homogeneous listing is really read in parallel (chunks taken, not all read
    /// again), and still reads as on one core: netstat, ss, and ss -i records.
    #[test]
    fn chunks_are_taken() {
        let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/captures/linux");
        for name in ["netstat-tanp.txt", "ss-tan.txt", "ss-tanpeoi.txt"] {
            let text = std::fs::read(fx.join(name)).expect("fixture");
            let (head, body) = text.split_at(memchr::memchr(b'\n', &text).expect("a header") + 1);
            let mut bytes = head.to_vec();
            for _ in 0..50 {
                bytes.extend_from_slice(body);
            }
            TAKEN.with(|t| t.set(0));
            let (one, many, a, b) = both(
                &bytes,
                None,
                (false, true, true),
                (None, false),
                Plan {
                    jobs: 3,
                    chunk: 300,
                },
            )
            .expect("detected");
            assert!(one.sockets.len() > 100, "{name}: {a}");
            assert_eq!(one, many, "{name}");
            assert_eq!(a, b, "{name}");
            let chunks = cuts(&bytes, 300).len() as u64;
            let taken = TAKEN.with(Cell::get);
            assert!(
                taken * 2 > chunks,
                "{name}: {taken} of {chunks} chunks taken"
            );
        }
    }

    /// A sink that stops on a socket in the middle of a chunk taken from a thread: the report
    /// counts only the lines up to it (the unread lines after it are not read).
    #[test]
    fn stop_mid_chunk_counts_to_the_stop() {
        let mut bytes = b"Proto Recv-Q Send-Q Local Address Foreign Address State\n".to_vec();
        for i in 0..400 {
            bytes.extend_from_slice(
                format!("tcp 0 0 10.0.0.1:{i} 10.0.0.2:80 ESTABLISHED\ntcp -5 0 10.0.0.1:1 10.0.0.2:80 ESTABLISHED\n").as_bytes(),
            );
        }
        for stop in [1, 57, 200, 399] {
            TAKEN.with(|t| t.set(0));
            let (one, many, a, b) = both(
                &bytes,
                None,
                (false, false, true),
                (Some(stop), false),
                Plan {
                    jobs: 2,
                    chunk: 500,
                },
            )
            .expect("detected");
            assert_eq!(one.sockets.len(), stop);
            assert_eq!(one, many);
            assert_eq!(a, b);
            // Row n is line 2n, the unreadable row after it line 2n + 1.
            assert_eq!(a.matches("line: ").count(), stop - 1, "{a}");
            assert!(!a.contains(&format!("line: {},", 2 * stop + 1)), "{a}");
            if stop > 57 {
                assert!(TAKEN.with(Cell::get) > 0);
            }
        }
    }

    #[test]
    fn cuts_fall_after_line_ends_before_unindented_lines() {
        let b = b"a\n\tb\n\tc\nd\ne";
        let c = cuts(b, 1);
        assert_eq!(c, vec![0..8, 8..10, 10..11]);
        assert_eq!(cuts(b"", 4), Vec::<Range<usize>>::new());
    }
}

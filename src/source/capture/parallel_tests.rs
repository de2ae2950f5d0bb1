//! Reading in parallel equals reading on one core: random captures spliced from every
//! fixture (headers, format changes, `ss -i` records, wrapped and indented rows, CRLF,
//! garbage), cut into tiny chunks, with sinks that stop early or refuse counts.

use std::io;
use std::path::Path;

use proptest::prelude::*;

use std::collections::BTreeMap;

use super::*;
use crate::source::Query;
use crate::source::capture::detect;
use crate::source::capture::drive::Lines;

/// What a sink was told; a sink that only counts (`tally`) keeps counts by family and state,
/// from sockets and aggregates alike.
#[derive(Debug, Default, PartialEq)]
struct Seen {
    sockets: Vec<Socket>,
    counts: Vec<(Option<Family>, TcpState, u64)>,
    tally: Option<BTreeMap<String, u64>>,
    stop_after: Option<usize>,
    refuse_counts: bool,
}

impl Sink for Seen {
    fn counts_only(&self) -> bool {
        self.tally.is_some()
    }

    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        if let Some(t) = &mut self.tally {
            *t.entry(format!("{:?} {:?}", Some(s.family), s.state))
                .or_default() += 1;
            return Ok(Flow::Continue);
        }
        self.sockets.push(s.clone());
        Ok(match self.stop_after {
            Some(k) if self.sockets.len() >= k => Flow::Stop,
            _ => Flow::Continue,
        })
    }

    fn aggregate(&mut self, f: Option<Family>, s: TcpState, n: u64) -> io::Result<Flow> {
        if let Some(t) = &mut self.tally {
            *t.entry(format!("{f:?} {s:?}")).or_default() += n;
            return Ok(Flow::Continue);
        }
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
    sink: (Option<usize>, bool, bool),
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
        tally: sink.2.then(BTreeMap::new),
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
        sink in (prop::option::weighted(0.2, 1usize..200), prop::bool::weighted(0.2), any::<bool>()),
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
    for (name, counting) in [
        ("netstat-tanp.txt", false),
        ("ss-tan.txt", false),
        ("ss-tanpeoi.txt", false),
        ("netstat-tanp.txt", true),
        ("ss-tanpeoi.txt", true),
    ] {
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
            (None, false, counting),
            Plan {
                jobs: 3,
                chunk: 300,
            },
        )
        .expect("detected");
        let total = match &one.tally {
            Some(t) => t.values().sum(),
            None => one.sockets.len() as u64,
        };
        assert!(total > 100, "{name}: {a}");
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
            (Some(stop), false, false),
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

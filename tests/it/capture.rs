//! Saved captures read through the library API: every fixture under tests/fixtures/captures/
//! is run into a counting sink and its per-state counts, families and unread lines are compared
//! with the numbers it was made with (linux/COUNTS, written by `ss` at capture time; the
//! hand-made ones by construction, see gen/make-handmade.py). Also the edge cases: empty input,
//! garbage, CRLF, a missing final newline, cut lines, a 10 MB line, summaries, strict mode.

use crate::common;

use std::collections::BTreeMap;
use std::io::Cursor;

use tcpstate::source::capture::{CaptureSource, InputFormat};
use tcpstate::source::{Query, Report, Source, SourceError};
use tcpstate::{Flow, Socket, StateSet, TcpState};

use TcpState::*;
use common::capture::{LINUX, Tally, fixture, map, run, run_file};

#[test]
fn linux_counts_file_matches_the_constant() {
    let text = std::fs::read_to_string(fixture("linux/COUNTS")).unwrap();
    let mut from_file = BTreeMap::new();
    for line in text.lines() {
        let (w, n) = line.split_once(' ').unwrap();
        let n: u64 = n.parse().unwrap();
        if n > 0 {
            from_file.insert(TcpState::parse_word(w).unwrap(), n);
        }
    }
    assert_eq!(from_file, map(LINUX));
}

#[test]
fn real_linux_captures_give_the_kernel_counts() {
    for (file, format) in [
        ("linux/netstat-tan.txt", InputFormat::Netstat),
        ("linux/netstat-tanp.txt", InputFormat::Netstat),
        ("linux/netstat-tano.txt", InputFormat::Netstat),
        ("linux/netstat-tanpe.txt", InputFormat::Netstat),
        ("linux/netstat-an.txt", InputFormat::Netstat),
        ("linux/ss-tan.txt", InputFormat::Ss),
        ("linux/ss-tanpeoi.txt", InputFormat::Ss),
        ("linux/ss-Htan.txt", InputFormat::Ss),
        ("linux/ss-an.txt", InputFormat::Ss),
        ("linux/proc-net-tcp.txt", InputFormat::Proc),
    ] {
        let mut src = CaptureSource::open(fixture(file));
        assert_eq!(src.format().unwrap(), format, "{file}");
        let (t, r) = run(src);
        assert_eq!(t.states, map(LINUX), "{file}");
        // 17 IPv4 sockets, 11 on AF_INET6 (one of them carrying IPv4 via ::ffff:).
        assert_eq!(t.families, [17, 11], "{file}");
        assert!(r.unread.is_empty(), "{file}: {:?}", r.unread);
        assert!(r.notices.is_empty(), "{file}: {:?}", r.notices);
    }
}

#[test]
fn real_linux_details_survive() {
    let (t, _) = run_file("linux/netstat-tanpe.txt");
    let l = t.sockets.iter().find(|s| s.state == Listen).unwrap();
    assert_eq!((l.uid, l.inode), (Some(0), Some(14141)));
    let tw = t.sockets.iter().find(|s| s.state == TimeWait).unwrap();
    assert_eq!((tw.uid, tw.inode), (None, Some(0)));
    let cw = t.sockets.iter().find(|s| s.state == CloseWait).unwrap();
    assert_eq!(cw.recv_q, Some(1));
    let (p, _) = run_file("linux/proc-net-tcp.txt");
    let (n, _) = run_file("linux/netstat-tan.txt");
    let (s, _) = run_file("linux/ss-tan.txt");
    // The same sockets, whichever tool printed them.
    let key = |v: &[Socket]| {
        let mut k: Vec<String> = v
            .iter()
            .map(|s| {
                format!(
                    "{:?} {:?} {:?} {:?} {:?} {:?}",
                    s.family, s.state, s.local, s.remote, s.recv_q, s.send_q
                )
            })
            .collect();
        k.sort();
        k
    };
    let proc_keys = key(&p.sockets);
    assert_eq!(key(&n.sockets), proc_keys);
    // ss shows a listener's backlog as Send-Q; netstat and /proc show 0, read as unknown.
    let ss_fixed: Vec<Socket> = s
        .sockets
        .into_iter()
        .map(|mut s| {
            if s.state == Listen {
                s.send_q = None;
            }
            s
        })
        .collect();
    assert_eq!(key(&ss_fixed), proc_keys);
    let tw = p.sockets.iter().find(|s| s.state == TimeWait).unwrap();
    assert_eq!(
        tw.timer.map(|t| t.kind),
        Some(tcpstate::TimerKind::TimeWait)
    );
}

#[test]
fn ss_state_filter_needs_assume_state() {
    let f = fixture("linux/ss-tan-state-time-wait.txt");
    let err = CaptureSource::open(&f)
        .run(&Query::default(), &mut Tally::default())
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("ss-tan-state-time-wait.txt"), "{msg}");
    assert!(msg.contains("--assume-state"), "{msg}");
    let (t, r) = run(CaptureSource::open(&f).with_assume_state(Some(TimeWait)));
    assert_eq!(t.states, map(&[(TimeWait, 6)]));
    assert_eq!(t.families, [4, 2]);
    assert!(r.unread.is_empty());

    let f = fixture("handmade/ss-an-state-close-wait.txt");
    let (t, _) = run(CaptureSource::open(&f).with_assume_state(Some(CloseWait)));
    assert_eq!(t.states, map(&[(CloseWait, 4)]));
    assert_eq!(t.families, [2, 2]);
}

#[test]
fn query_flow_label_strict() {
    let f = fixture("linux/netstat-tan.txt");
    let q = Query {
        states: StateSet::of(&[Listen]),
        v6: false,
        ..Query::default()
    };
    let mut t = Tally::default();
    let r = CaptureSource::open(&f).run(&q, &mut t).unwrap();
    assert_eq!((t.states, r.sockets), (map(&[(Listen, 2)]), 2));

    let mut n = 0;
    let mut stop_after_3 = |_: &Socket| {
        n += 1;
        if n == 3 { Flow::Stop } else { Flow::Continue }
    };
    let r = CaptureSource::open(&f)
        .run(&Query::default(), &mut stop_after_3)
        .unwrap();
    assert_eq!((n, r.sockets), (3, 3));

    let src = CaptureSource::open(&f);
    assert_eq!(
        (src.label(), src.name()),
        ("netstat-tan", f.to_str().unwrap())
    );
    assert_eq!(CaptureSource::open("-").label(), "stdin");
    assert_eq!(CaptureSource::open(&f).with_label("web1").label(), "web1");

    let err = CaptureSource::open(fixture("handmade/netstat-truncated.txt"))
        .with_strict(true)
        .run(&Query::default(), &mut Tally::default())
        .unwrap_err();
    assert!(matches!(err, SourceError::Parse { line: 8, .. }), "{err}");
    assert!(
        err.to_string().contains("netstat-truncated.txt:8: "),
        "{err}"
    );

    // A path runs again; a reader once.
    let mut src = CaptureSource::open(&f);
    assert_eq!(run_twice(&mut src), (28, Some(28)));
    let mut src = CaptureSource::from_reader("pipe", Cursor::new(std::fs::read(&f).unwrap()));
    assert_eq!(run_twice(&mut src), (28, None));
}

fn run_twice(src: &mut CaptureSource) -> (u64, Option<u64>) {
    let a = src
        .run(&Query::default(), &mut Tally::default())
        .unwrap()
        .sockets;
    let b = src
        .run(&Query::default(), &mut Tally::default())
        .ok()
        .map(|r| r.sockets);
    (a, b)
}

#[test]
fn input_format_names() {
    for f in InputFormat::ALL {
        assert_eq!(f.name().parse::<InputFormat>().unwrap(), f);
    }
    assert_eq!("macos".parse::<InputFormat>().unwrap(), InputFormat::Bsd);
    assert!(
        "excel"
            .parse::<InputFormat>()
            .unwrap_err()
            .to_string()
            .contains("netstat, ss")
    );
    // ss rows are not netstat rows: forced, nothing reads, which is an error.
    let err = CaptureSource::open(fixture("linux/ss-tan.txt"))
        .with_format(InputFormat::Netstat)
        .run(&Query::default(), &mut Tally::default())
        .unwrap_err();
    assert!(err.to_string().contains("no line reads as"), "{err}");
}

/// Run bytes both from memory and through the streaming reader; both must agree.
fn both(name: &str, bytes: Vec<u8>, format: InputFormat) -> Result<(Tally, Report), String> {
    let a = {
        let mut t = Tally::default();
        CaptureSource::from_bytes(name, bytes.clone())
            .with_format(format)
            .run(&Query::default(), &mut t)
            .map(|r| (t, r))
            .map_err(|e| e.to_string())
    };
    let b = {
        let mut t = Tally::default();
        CaptureSource::from_reader(name, Cursor::new(bytes))
            .with_format(format)
            .run(&Query::default(), &mut t)
            .map(|r| (t, r))
            .map_err(|e| e.to_string())
    };
    match (&a, &b) {
        (Ok((ta, ra)), Ok((tb, rb))) => {
            assert_eq!(ta.states, tb.states);
            assert_eq!(ra, rb);
        }
        (Err(ea), Err(eb)) => assert_eq!(ea, eb),
        _ => panic!("memory and stream disagree: {a:?} / {b:?}"),
    }
    a
}

#[test]
fn empty_garbage_crlf_and_cut_lines() {
    let (t, r) = both("empty.txt", vec![], InputFormat::Auto).unwrap();
    assert_eq!(
        (t.sockets.len(), r.notices.clone()),
        (0, vec!["empty.txt: empty".to_string()])
    );
    let (_, r) = both("blank.txt", b"\n \r\n\t\n".to_vec(), InputFormat::Auto).unwrap();
    assert_eq!(r.notices, ["blank.txt: empty"]);

    let garbage: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let e = both("garbage.bin", garbage.clone(), InputFormat::Auto).unwrap_err();
    assert!(
        e.starts_with("garbage.bin: cannot tell what printed this capture"),
        "{e}"
    );
    for f in &InputFormat::ALL[1..] {
        let _ = both("garbage.bin", garbage.clone(), *f);
    }

    let text = std::fs::read_to_string(fixture("linux/netstat-tano.txt")).unwrap();
    let crlf = text.replace('\n', "\r\n").into_bytes();
    let (t, _) = both("crlf.txt", crlf.clone(), InputFormat::Auto).unwrap();
    assert_eq!(t.states, map(LINUX));
    let no_final_newline = crlf[..crlf.len() - 2].to_vec();
    let (t, _) = both("nonl.txt", no_final_newline, InputFormat::Auto).unwrap();
    assert_eq!(t.states, map(LINUX));

    // UTF-16 (PowerShell 5.1's `>`: little-endian with a byte-order mark; also big-endian, and
    // without a mark) reads as the UTF-8 it stands for.
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for utf16 in [le, be, bare] {
        let (t, r) = both("ps.txt", utf16, InputFormat::Auto).unwrap();
        assert_eq!(t.states, map(LINUX));
        assert!(r.unread.is_empty(), "{:?}", r.unread);
    }
}

#[test]
fn a_10mb_line_is_cut_not_fatal() {
    let row = "tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTABLISHED ";
    let mut long = String::from("Proto Recv-Q Send-Q Local Address Foreign Address State\n");
    long.push_str(row);
    long.push_str(&"x".repeat(10 << 20));
    long.push('\n');
    long.push_str(
        "tcp        0      0 10.0.0.1:22             10.0.0.3:5000           TIME_WAIT\n",
    );
    let (t, r) = both("long.txt", long.into_bytes(), InputFormat::Auto).unwrap();
    assert_eq!(t.states, map(&[(Established, 1), (TimeWait, 1)]));
    assert_eq!(
        r.notices,
        ["long.txt:2: line longer than 1 MiB; only its first MiB was read"]
    );

    let one_line = vec![b'A'; 10 << 20];
    let e = both("a.txt", one_line.clone(), InputFormat::Auto).unwrap_err();
    assert!(e.contains("a.txt: cannot tell"), "{e}");
    let e = both("a.txt", one_line, InputFormat::Netstat).unwrap_err();
    assert!(e.contains("a.txt: no line reads as"), "{e}");
}

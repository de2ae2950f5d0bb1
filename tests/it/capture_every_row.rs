//! "Every row read, or said": lines of a capture that look like TCP rows are either read or
//! listed as unread with file:line and a reason (and `--strict` makes them fatal), through the
//! library and through the binary. Bad queues and ports, implausible addresses, CR-only line
//! ends, bad and overflowing summary counts, link-local scopes, mixed formats, a forced format
//! that reads nothing, redacted addresses, and the command-line refusals that go with them.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tcpstate::TcpState;
use tcpstate::source::capture::{CaptureSource, InputFormat};
use tcpstate::source::{Query, Report, Source};

use TcpState::*;
use common::capture::{LINUX, Tally, fixture, map, run, unread_lines};

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

fn tcpstate(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .expect("tcpstate runs")
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// Write `body` to `name` in a fresh directory; the directory lives as long as the guard.
fn file(name: &str, body: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let p = dir.path().join(name);
    std::fs::write(&p, body).expect("write the capture");
    (dir, p)
}

fn bytes(name: &str, body: &str) -> (Tally, Report) {
    run(CaptureSource::from_bytes(name, body.as_bytes().to_vec()))
}

fn p(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

const HEADER: &str = "Active Internet connections (servers and established)\n\
                      Proto Recv-Q Send-Q Local Address           Foreign Address         State\n";

#[test]
fn unreadable_queues_are_unread_lines_not_drops() {
    let body = format!(
        "{HEADER}\
         tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTABLISHED\n\
         tcp x y 1.2.3.4:80 5.6.7.8:1 ESTABLISHED\n\
         tcp       -5      0 10.0.0.1:22             10.0.0.3:5000           ESTABLISHED\n\
         tcp 99999999999999999999 0 10.0.0.1:22      10.0.0.4:5000           ESTABLISHED\n\
         tcp connections are fine\n"
    );
    let (t, r) = bytes("q.txt", &body);
    assert_eq!(t.states, map(&[(Established, 1)]));
    assert_eq!(unread_lines(&r), [4, 5, 6]);
    assert!(r.unread[1].why.contains("Recv-Q '-5'"), "{:?}", r.unread);

    let ss = "State Recv-Q Send-Q Local Address:Port Peer Address:Port\n\
              ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n\
              ESTAB -5 0 10.0.0.1:22 10.0.0.3:5000\n\
              ESTAB 99999999999999999999 0 10.0.0.1:22 10.0.0.4:5000\n";
    let (t, r) = bytes("ss.txt", ss);
    assert_eq!(t.states, map(&[(Established, 1)]));
    assert_eq!(unread_lines(&r), [3, 4]);

    let (_d, f) = file("q.txt", body.as_bytes());
    let o = tcpstate(&["summary", "--from", p(&f), "--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("q.txt:4: "), "{}", text(&o.stderr));
}

#[test]
fn cr_only_line_ends_are_line_ends() {
    let lf = std::fs::read_to_string(fixture("linux/netstat-tano.txt")).expect("fixture");
    let cr = lf.replace('\n', "\r");
    let (t, r) = bytes("cr.txt", &cr);
    assert_eq!(t.states, map(LINUX));
    assert!(r.unread.is_empty(), "{:?}", r.unread);
    // Through the streaming reader too, with line numbers that match the LF file's.
    let mut cut = cr.clone().into_bytes();
    cut.extend_from_slice(b"tcp 0 0 1.1.1.1:1\r");
    let mut tally = Tally::default();
    let r = CaptureSource::from_reader("cr.txt", std::io::Cursor::new(cut))
        .run(&Query::default(), &mut tally)
        .expect("reads");
    assert_eq!(tally.states, map(LINUX));
    assert_eq!(unread_lines(&r), [lf.lines().count() as u64 + 1]);

    let (_d, f) = file("cr.txt", cr.as_bytes());
    let o = tcpstate(&["summary", "--from", p(&f), "-f", "plain"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let total: u64 = text(&o.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum();
    assert_eq!(total, LINUX.iter().map(|(_, n)| n).sum::<u64>());
}

#[test]
fn bad_and_overflowing_summary_counts() {
    let mut t = Tally::default();
    let r = CaptureSource::from_bytes(
        "s.txt",
        b"TIME_WAIT 10\nTIME_WAIT abc\nTIME_WAIT -5\nESTABLISHED 18446744073709551615\n".to_vec(),
    )
    .run(&Query::default(), &mut t)
    .expect("reads");
    assert_eq!(t.states, map(&[(TimeWait, 10)]));
    assert_eq!(unread_lines(&r), [2, 3, 4]);

    let huge = "ESTABLISHED 9223372036854775807\n".repeat(3);
    let err = CaptureSource::from_bytes("huge.txt", huge.clone().into_bytes())
        .run(&Query::default(), &mut Tally::default())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("huge.txt:3: the counts add up"), "{err}");

    let (_d, f) = file("huge.txt", huge.as_bytes());
    let o = tcpstate(&["summary", "--from", p(&f)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("huge.txt:3"),
        "{}",
        text(&o.stderr)
    );
    // Two files whose totals each fit but whose sum does not: the total saturates.
    let half = "ESTABLISHED 9223372036854775807\n".repeat(2);
    let (_d1, a) = file("a.txt", half.as_bytes());
    let (_d2, b) = file("b.txt", half.as_bytes());
    let o = tcpstate(&["summary", "--from", p(&a), "--from", p(&b), "-f", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(!out.contains("18446744073709551612"), "wrapped: {out}");
    assert!(out.contains("18446744073709551615"), "{out}");
}

#[test]
fn forced_format_that_reads_nothing_fails() {
    let f = fixture("linux/ss-tan.txt");
    let err = CaptureSource::open(&f)
        .with_format(InputFormat::Netstat)
        .run(&Query::default(), &mut Tally::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("ss-tan.txt"), "{err}");
    assert!(err.contains("netstat"), "{err}");
    let o = tcpstate(&["summary", "--from", p(&f), "--input-format", "proc"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("ss-tan.txt"),
        "{}",
        text(&o.stderr)
    );
}

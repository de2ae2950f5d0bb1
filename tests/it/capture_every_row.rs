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

#[test]
fn bad_ports_and_addresses_are_unread_and_fatal_with_strict() {
    let body = format!(
        "{HEADER}\
         tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTABLISHED\n\
         tcp        0      0 10.0.0.1:99999          10.0.0.2:5001           ESTABLISHED\n\
         tcp        0      0 127.101.0.1:10X6        10.0.0.2:5002           ESTABLISHED\n\
         tcp        0      0 10.0.0.1:22             a$b%c:5003              ESTABLISHED\n\
         tcp        0      0 localhost.localdo:35450 lb-192-30-255-112:https ESTABLISHED\n"
    );
    let (t, r) = bytes("ports.txt", &body);
    assert_eq!(t.states, map(&[(Established, 2)]));
    assert_eq!(unread_lines(&r), [4, 5, 6]);
    assert!(
        r.unread[0].why.contains("port 99999 is outside 0-65535"),
        "{:?}",
        r.unread
    );
    assert!(r.unread[1].why.contains("'10X6'"), "{:?}", r.unread);
    assert!(
        r.unread[2]
            .why
            .contains("neither an IP address nor a host name"),
        "{:?}",
        r.unread
    );

    let (_d, f) = file("ports.txt", body.as_bytes());
    let o = tcpstate(&["summary", "--from", p(&f), "--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("ports.txt:4: "),
        "{}",
        text(&o.stderr)
    );
    let o = tcpstate(&["summary", "--from", p(&f)]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("ports.txt:4"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn link_local_scopes_keep_their_port() {
    let ss = "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n\
              LISTEN 0 128 [fe80::1]%v0:2222 [::]:*\n\
              ESTAB 0 0 [fe80::1]%v0:2222 [fe80::2]%v0:40000\n\
              ESTAB 0 0 fe80::1%eth0:22 fe80::2%eth0:50000\n";
    let (t, r) = bytes("ll.txt", ss);
    assert!(r.unread.is_empty(), "{:?}", r.unread);
    let ports: Vec<Option<u16>> = t.sockets.iter().map(|s| s.local.port).collect();
    assert_eq!(ports, [Some(2222), Some(2222), Some(22)]);
    assert!(t.sockets.iter().all(|s| s.local.name.is_none()));

    let (_d, f) = file("ll.txt", ss.as_bytes());
    let o = tcpstate(&["list", "--from", p(&f), "--sport", "2222", "-f", "csv"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).lines().count(), 3, "{}", text(&o.stdout));
    let o = tcpstate(&[
        "summary",
        "--by",
        "local-port",
        "--from",
        p(&f),
        "-f",
        "csv",
    ]);
    let out = text(&o.stdout);
    assert!(out.lines().any(|l| l.starts_with("2222,2,")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("22,1,")), "{out}");
}

#[test]
fn mixed_formats_are_read_section_by_section() {
    let body = format!(
        "{HEADER}\
         tcp        0      0 10.0.0.1:22             10.0.0.2:5000           ESTABLISHED\n\
         tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN\n\
         State Recv-Q Send-Q Local Address:Port Peer Address:Port\n\
         ESTAB 0 0 10.0.0.1:22 10.0.0.3:5000\n\
         TIME-WAIT 0 0 10.0.0.1:22 10.0.0.4:5000\n\
         \x20 sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
         \x20  0: 0100007F:1F42 0100007F:E988 08 00000000:00000000 00:00000000 00000000  1000        0 14171 1\n\
         TIME_WAIT 5\n\
         ESTABLISHED 2\n"
    );
    let mut t = Tally::default();
    let r = CaptureSource::from_bytes("mixed.txt", body.clone().into_bytes())
        .with_strict(true)
        .run(&Query::default(), &mut t)
        .expect("every part reads");
    assert_eq!(
        t.states,
        map(&[(Established, 4), (Listen, 1), (TimeWait, 6), (CloseWait, 1)])
    );
    assert!(r.unread.is_empty(), "{:?}", r.unread);
    let switches: Vec<&String> = r
        .notices
        .iter()
        .filter(|n| n.contains("changes format"))
        .collect();
    assert_eq!(switches.len(), 3, "{:?}", r.notices);
    assert!(switches[0].starts_with("mixed.txt:5: "), "{switches:?}");

    // Forced, the other formats' rows are unread, each with the reason.
    let mut t = Tally::default();
    let r = CaptureSource::from_bytes("mixed.txt", body.into_bytes())
        .with_format(InputFormat::Netstat)
        .run(&Query::default(), &mut t)
        .expect("reads");
    assert_eq!(t.states, map(&[(Established, 1), (Listen, 1)]));
    assert_eq!(unread_lines(&r), [6, 7, 9, 10, 11]);
    assert!(
        r.unread[0]
            .why
            .starts_with("a iproute2 ss row in a Linux netstat (net-tools) listing"),
        "{:?}",
        r.unread
    );
}

#[test]
fn redacted_rows_count_but_cannot_be_placed() {
    let body = "tcp 0 0 ... ESTABLISHED\n\
                tcp 0 0 x.x.x.x:80 <ip>:5555 TIME_WAIT\n\
                tcp6 0 0 a.b.c.d:port xxx.xxx.xxx.xxx:1 ESTABLISHED\n\
                tcp 0 0 ***:22 ***:4 CLOSE_WAIT\n\
                tcp 0 0 10.0.0.1:22 10.0.0.2:5 ESTABLISHED\n";
    let (t, r) = bytes("red.txt", body);
    assert_eq!(
        t.states,
        map(&[(Established, 3), (TimeWait, 1), (CloseWait, 1)])
    );
    assert_eq!(t.families, [4, 1]);
    assert!(r.unread.is_empty(), "{:?}", r.unread);
    assert_eq!(
        r.notices,
        [
            "red.txt: 4 rows have redacted addresses (the first at red.txt:1): counted by state, \
          but a list shows what was hidden as ? and a filter on it cannot place them"
        ]
    );
    let s = &t.sockets[1];
    assert_eq!(
        (s.local.ip, s.local.port, &s.local.name),
        (None, Some(80), &None)
    );

    let (_d, f) = file("red.txt", body.as_bytes());
    let o = tcpstate(&["list", "--from", p(&f)]);
    let out = text(&o.stdout);
    assert!(out.contains("?:?"), "{out}");
    assert!(out.contains("?:80"), "{out}");
    assert!(
        text(&o.stderr).contains("4 rows have redacted addresses"),
        "{}",
        text(&o.stderr)
    );
    // An address filter cannot place them: only the one real row matches.
    let o = tcpstate(&["list", "--from", p(&f), "--src", "0.0.0.0/0", "-f", "csv"]);
    assert_eq!(text(&o.stdout).lines().count(), 2, "{}", text(&o.stdout));
    // A port written beside a redacted host is known; a hidden port matches no port filter.
    let o = tcpstate(&["list", "--from", p(&f), "--sport", "22", "-f", "csv"]);
    assert_eq!(text(&o.stdout).lines().count(), 3, "{}", text(&o.stdout));
    let o = tcpstate(&["list", "--from", p(&f), "--sport", "0-65535", "-f", "csv"]);
    assert_eq!(text(&o.stdout).lines().count(), 4, "{}", text(&o.stdout));
}

#[test]
fn source_with_from_and_extra_labels_are_usage_errors() {
    let f = fixture("linux/netstat-tan.txt");
    for source in ["auto", "netlink", "proc"] {
        let o = tcpstate(&["summary", "--from", p(&f), "--source", source]);
        assert_eq!(o.status.code(), Some(2), "--source {source}");
        assert!(text(&o.stderr).contains("--source"), "{}", text(&o.stderr));
    }
    let o = tcpstate(&["summary", "--from", p(&f), "--label", "a", "--label", "b"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("2 --label given for 1 --from file"),
        "{}",
        text(&o.stderr)
    );
    let o = tcpstate(&["trace", "--duration", "0s"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("longer than zero"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn files_with_one_stem_get_distinct_labels() {
    let body = std::fs::read(fixture("linux/netstat-tan.txt")).expect("fixture");
    let (_a, a) = file("web1.txt", &body);
    let (_b, b) = file("web1.txt", &body);
    let (_c, c) = file("web1.log", &body);
    let o = tcpstate(&[
        "summary",
        "--from",
        p(&a),
        "--from",
        p(&b),
        "--from",
        p(&c),
        "-f",
        "csv",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(
        out.lines().next(),
        Some("state,web1,web1 (2),web1 (3),all"),
        "{out}"
    );
    // An explicit label is kept, and a stem that meets it gets the next number.
    let o = tcpstate(&[
        "summary",
        "--from",
        p(&a),
        "--from",
        p(&b),
        "--label",
        "web1",
        "-f",
        "csv",
    ]);
    assert_eq!(
        text(&o.stdout).lines().next(),
        Some("state,web1,web1 (2),all")
    );
}

/// A real `netstat -tan` capture (no -e, no -o) made in a private namespace: uid, inode and
/// timer are unknown, so JSON says null and CSV leaves them empty.
#[test]
fn fields_a_capture_lacks_are_null() {
    let Some(ns) = common::Netns::with_tools("cap-null", &["netstat", "ss", "nft"]) else {
        return;
    };
    let _pop = common::Population::builder(&ns)
        .v4(common::Counts {
            established: 2,
            listen: 1,
            time_wait: 1,
            ..Default::default()
        })
        .build()
        .expect("the population builds");
    let capture = ns.check_output("netstat", &["-tan"]).expect("netstat runs");
    let (_d, f) = file("plain.txt", capture.as_bytes());
    let o = tcpstate(&["list", "--from", p(&f), "-eo", "-f", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let rows = v.as_array().expect("an array");
    assert!(rows.len() >= 4, "{v}");
    for r in rows {
        for key in ["uid", "inode", "timer", "cookie"] {
            assert!(r[key].is_null(), "{key} in {r}");
        }
        assert!(r["recv_q"].is_u64(), "{r}");
    }
    let o = tcpstate(&["list", "--from", p(&f), "-eo", "-f", "csv"]);
    let out = text(&o.stdout);
    let mut lines = out.lines();
    let head: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let at = |k: &str| head.iter().position(|h| *h == k).expect(k);
    for line in lines {
        let cols: Vec<&str> = line.split(',').collect();
        for key in ["uid", "inode", "timer"] {
            assert_eq!(cols[at(key)], "", "{key} in {line}");
        }
    }
}

#[test]
fn process_columns_of_captures_feed_list_p_and_by_process() {
    // Real `netstat -tanp` and `ss -tanpeoi` captures (tests/fixtures/captures/linux): one
    // python3 (pid 9430) holds every socket but the six TIME_WAIT mini-sockets.
    for file in ["linux/netstat-tanp.txt", "linux/ss-tanpeoi.txt"] {
        let f = fixture(file);
        let o = tcpstate(&["list", "-p", "--from", p(&f), "-f", "json"]);
        assert!(o.status.success(), "{file}: {}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        let rows = v.as_array().expect("an array");
        assert_eq!(rows.len(), 28, "{file}");
        for r in rows {
            let procs = r["processes"].as_array().expect("processes");
            if r["state"] == "TIME_WAIT" {
                assert!(procs.is_empty(), "{file}: {r}");
            } else {
                assert_eq!(
                    procs,
                    &[serde_json::json!({"pid": 9430, "command": "python3"})],
                    "{file}: {r}"
                );
            }
        }
        let o = tcpstate(&["summary", "--by", "process", "--from", p(&f), "-f", "csv"]);
        assert!(o.status.success(), "{file}: {}", text(&o.stderr));
        let out = text(&o.stdout);
        assert!(
            out.lines().any(|l| l.starts_with("9430/python3,22,")),
            "{file}: {out}"
        );
    }
    // A capture without the column says so.
    let o = tcpstate(&["list", "-p", "--from", p(&fixture("linux/netstat-tan.txt"))]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("has no process column"),
        "{}",
        text(&o.stderr)
    );
    // Program names with spaces, up to the timer.
    let body = format!(
        "{HEADER}\
         tcp   0   0 10.0.0.1:5432  10.0.0.2:4000  ESTABLISHED 1192/pgpool: idle    keepalive (7.00/0/0)\n\
         tcp   0   0 10.0.0.1:5432  10.0.0.2:4001  TIME_WAIT   -                    timewait (59.50/0/0)\n"
    );
    let (t, _) = bytes("pg.txt", &body);
    let names: Vec<Vec<(u32, String)>> = t
        .sockets
        .iter()
        .map(|s| {
            s.listed_owners
                .iter()
                .map(|(p, c)| (p, c.to_string()))
                .collect()
        })
        .collect();
    assert_eq!(names, [vec![(1192, "pgpool: idle".to_string())], vec![]]);
    assert!(t.sockets.iter().all(|s| s.listed_owners.is_listed()));
}

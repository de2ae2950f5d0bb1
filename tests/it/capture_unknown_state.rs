//! FreeBSD `netstat -T` captures (fixtures written by fixtures/captures/gen/make-layouts.py from
//! FreeBSD's netstat printf layout, with `-A`, `-W` and `-P`): read, not refused; every socket
//! counted as of unknown state, never as a real one, in every view (summary in each format,
//! one column per file beside a normal listing, list, groups, filters, check, watch), with a
//! notice saying why and how to get the states; and a `-T` file with no readable row still
//! fails with one sentence naming file:line.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::capture::{fixture, map, run};
use crate::common::tcpstate;
use tcpstate::source::capture::{CaptureSource, InputFormat};
use tcpstate::source::{Query, Source};
use tcpstate::{Family, TcpState};

/// The -T fixtures and how many tcp rows each holds (udp rows are not TCP).
const T_FILES: &[(&str, u64)] = &[
    ("freebsd-netstat-anT.txt", 5),
    ("freebsd-netstat-anTA.txt", 5),
    ("freebsd-netstat-anTW.txt", 5),
    ("freebsd-netstat-nTP.txt", 3),
];

fn path(file: &str) -> String {
    fixture(&format!("handmade/{file}")).display().to_string()
}

/// What a successful run printed.
fn stdout(args: &[&str]) -> String {
    let out = tcpstate()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

fn stdout_json(args: &[&str]) -> Value {
    let out = stdout(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn every_row_is_a_socket_of_unknown_state() {
    for &(file, n) in T_FILES {
        let mut src = CaptureSource::open(fixture(&format!("handmade/{file}")));
        assert_eq!(src.format().unwrap(), InputFormat::Bsd, "{file}");
        let (t, r) = run(src);
        assert_eq!(t.states, map(&[(TcpState::Unknown, n)]), "{file}");
        assert!(r.unread.is_empty(), "{file}: {:?}", r.unread);
        assert!(
            r.notices
                .iter()
                .any(|m| m.contains("netstat -T") && m.contains("`netstat -an` (without -T)")),
            "{file}: {:?}",
            r.notices
        );
        // FreeBSD's `-n` title is macOS's too, but counter rows are FreeBSD's only.
        assert!(!r.notices.iter().any(|m| m.contains("macOS")), "{file}");
    }
    // Addresses, families and Rexmit (tcp_info's total of retransmits) are read.
    let (t, _) = run(CaptureSource::open(fixture(
        "handmade/freebsd-netstat-anTW.txt",
    )));
    assert_eq!(t.families, [3, 2]);
    let v6 = t
        .sockets
        .iter()
        .find(|s| s.local.port == Some(443))
        .unwrap();
    assert_eq!(v6.family, Family::V6);
    assert_eq!(v6.remote.port, Some(50000));
    let info = v6.info.as_deref().unwrap();
    // Rexmit and OOORcv are tcp_info's total_retrans and rcv_ooopack; 0-win has no home.
    assert_eq!((info.total_retrans, info.rcv_ooopack), (Some(12), Some(4)));
    assert_eq!((v6.recv_q, v6.send_q), (None, None));
    let listener = t
        .sockets
        .iter()
        .find(|s| s.local.port == Some(22) && s.family == Family::V6);
    assert!(listener.is_some_and(|s| s.state == TcpState::Unknown));
}

#[test]
fn the_summary_counts_them_apart_in_every_format() {
    let f = path("freebsd-netstat-anT.txt");
    tcpstate()
        .args(["--from", &f])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "unknown (no State column)      5  100.0%",
        ))
        .stdout(predicate::str::contains(
            "TOTAL                          5  100.0%",
        ))
        .stdout(predicate::str::contains("CLOSE").not())
        .stderr(predicate::str::contains(
            "its 5 sockets are counted as unknown state",
        ));
    tcpstate()
        .args(["-f", "plain", "--from", &f])
        .assert()
        .success()
        .stdout("UNKNOWN 5\n");
    let j = stdout_json(&["-f", "json", "--from", &f]);
    assert_eq!(j["total"], 5);
    assert_eq!(j["unknown_state"], 5);
    assert_eq!(j["families"]["ipv4"]["unknown_state"], 3);
    assert_eq!(j["families"]["ipv6"]["unknown_state"], 2);
    assert!(
        j["states"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.is_null() || v == 0)
    );
    assert_eq!(j["rows"].as_array().unwrap().len(), 1);
    assert_eq!(j["rows"][0]["state"], Value::Null);
    assert_eq!(j["rows"][0]["count"], 5);
    let csv = stdout(&["-f", "csv", "--from", &f]);
    assert_eq!(csv.lines().nth(1), Some("UNKNOWN,3,2,5,100.00"), "{csv}");
}

#[test]
fn beside_a_normal_listing_each_file_has_its_column() {
    let t = path("freebsd-netstat-anT.txt");
    let linux = fixture("linux/netstat-tan.txt").display().to_string();
    let j = stdout_json(&["-f", "json", "--from", &t, "--from", &linux]);
    let hosts = j["hosts"].as_array().unwrap();
    assert_eq!(hosts[0]["host"], "freebsd-netstat-anT");
    assert_eq!(
        (hosts[0]["unknown_state"].clone(), hosts[0]["total"].clone()),
        (5.into(), 5.into())
    );
    assert_eq!(hosts[1]["unknown_state"], 0);
    let linux_total = hosts[1]["total"].as_u64().unwrap();
    assert!(hosts[1]["states"]["established"].as_u64().unwrap() > 0);
    assert_eq!(j["all"]["unknown_state"], 5);
    assert_eq!(j["all"]["total"].as_u64(), Some(linux_total + 5));
    let table = stdout(&["--from", &t, "--from", &linux]);
    let row = table
        .lines()
        .find(|l| l.starts_with("unknown (no State column)"))
        .unwrap_or_else(|| panic!("{table}"));
    let cells: Vec<&str> = row.split_whitespace().skip(4).collect();
    assert_eq!(cells, ["5", "0", "5"], "{table}");
    let csv = stdout(&["-f", "csv", "--from", &t, "--from", &linux]);
    assert!(csv.lines().any(|l| l == "UNKNOWN,5,0,5"), "{csv}");
}

#[test]
fn listed_as_unknown_never_as_a_state() {
    let f = path("freebsd-netstat-anTA.txt");
    let list: Value = stdout_json(&["list", "-f", "json", "--from", &f]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 5);
    assert!(
        list.iter()
            .all(|s| s["state"].is_null() && s["recv_q"].is_null())
    );
    let ports: Vec<u64> = list
        .iter()
        .filter_map(|s| s["local"]["port"].as_u64())
        .collect();
    assert_eq!(ports, [22, 80, 443, 22, 80]);
    let csv = stdout(&["list", "-f", "csv", "--from", &f]);
    assert!(csv.lines().skip(1).all(|l| l.ends_with(',')), "{csv}");
    let table = stdout(&["list", "--from", &f]);
    for line in table.lines().skip(1) {
        assert_eq!(line.split_whitespace().last(), Some("?"), "{table}");
    }
}

#[test]
fn state_filters_never_match_them_other_filters_do() {
    let f = path("freebsd-netstat-anT.txt");
    let total = |args: &[&str]| {
        let mut a = vec!["-f", "json", "--from", &f];
        a.extend_from_slice(args);
        stdout_json(&a)["total"].as_u64().unwrap()
    };
    // A state filter names states these sockets are not known to be in.
    assert_eq!(total(&["--state", "established"]), 0);
    assert_eq!(total(&["--state", "listen,time-wait"]), 0);
    assert_eq!(total(&["exclude", "listening"]), 0);
    // Every state, or no state filter: all of them.
    assert_eq!(total(&["--state", "all"]), 5);
    assert_eq!(total(&["state", "all"]), 5);
    // Ports, addresses and families still select.
    assert_eq!(total(&["--sport", "22"]), 2);
    assert_eq!(total(&["--dst", "10.0.0.0/8"]), 2);
    assert_eq!(total(&["-6"]), 2);
    assert_eq!(total(&["sport", "=", ":80"]), 2);
    // Grouping works, the unknown-state count under its own key.
    let groups = stdout_json(&["summary", "--by", "local-port", "-f", "json", "--from", &f]);
    let g22 = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "22")
        .unwrap();
    assert_eq!(
        (g22["total"].clone(), g22["unknown_state"].clone()),
        (2.into(), 2.into())
    );
    // A library run asking for every state but one gets none of them.
    let mut t = crate::common::capture::Tally::default();
    let q = Query {
        states: tcpstate::StateSet::ALL.without(TcpState::Listen),
        ..Query::default()
    };
    CaptureSource::open(fixture("handmade/freebsd-netstat-anT.txt"))
        .run(&q, &mut t)
        .unwrap();
    assert!(t.sockets.is_empty());
}

#[test]
fn check_and_watch_say_what_they_could_not_judge() {
    let f = path("freebsd-netstat-anT.txt");
    tcpstate()
        .args(["check", "--from", &f])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "5 sockets of unknown state (the input carried no State column) are not judged by this rule",
        ))
        // Their tcp_info (a total of retransmits) judges no peer: they may be listeners.
        .stdout(predicate::str::contains("slow_peers       not judged"));
    tcpstate()
        .args(["check", "-f", "nagios", "--from", &f])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("'unknown_state'=5;;;0;"));
    tcpstate()
        .args(["watch", "-c", "1", "-n", "0.1s", "--from", &f])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"Z UNKNOWN=5\n$").unwrap());
}

#[test]
fn assume_state_names_the_state_the_listing_left_out() {
    let f = path("freebsd-netstat-anT.txt");
    let j = stdout_json(&["-f", "json", "--assume-state", "established", "--from", &f]);
    assert_eq!(j["states"]["established"], 5);
    assert_eq!(j["unknown_state"], 0);
    tcpstate()
        .args(["--assume-state", "established", "--from", &f])
        .assert()
        .success()
        .stderr(predicate::str::contains("netstat -T").not());
}

#[test]
fn a_t_listing_without_a_readable_row_names_its_first_line() {
    let text = "Active Internet connections (including servers)\n\
                Proto Rexmit OOORcv 0-win  Local Address          Foreign Address\n\
                tcp4       x      0      0 10.0.0.1.22            10.0.0.2.51234         \n\
                tcp4       0      0      0 10.0.0.1.99999         10.0.0.2.51234         \n";
    let err = CaptureSource::from_bytes("bad-T.txt", text.as_bytes().to_vec())
        .run(
            &Query::default(),
            &mut crate::common::capture::Tally::default(),
        )
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("bad-T.txt:3: "), "{err}");
    assert!(err.contains("Rexmit counter 'x'"), "{err}");
}

/// A generated `-T` capture, removed on drop.
struct BigT(std::path::PathBuf);

impl Drop for BigT {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn a_large_t_listing_counts_the_same_on_every_core() {
    use tcpstate::source::capture::progress::PROGRESS_MIN;
    let text = std::fs::read_to_string(fixture("handmade/freebsd-netstat-anT.txt")).unwrap();
    let (head, body): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| !l.starts_with("tcp"));
    let mut out = head.join("\n") + "\n";
    let mut rows = 0u64;
    // Past the size from which a capture is memory-mapped and read in chunks on every core.
    while (out.len() as u64) < PROGRESS_MIN + (8 << 20) {
        for l in &body {
            out.push_str(l);
            out.push('\n');
        }
        rows += body.len() as u64;
    }
    let big = BigT(std::env::temp_dir().join(format!(
        "tcpstate-bigT-{}-{:?}.txt",
        std::process::id(),
        std::thread::current().id()
    )));
    std::fs::write(&big.0, out).unwrap();
    let file = big.0.display().to_string();
    let summary = |jobs: &str| {
        let o = tcpstate()
            .env("TCPSTATE_JOBS", jobs)
            .args(["-f", "json", "--from", &file])
            .assert()
            .success()
            .stderr(predicate::str::contains(format!(
                "its {rows} sockets are counted"
            )))
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice::<Value>(&o).unwrap()
    };
    let one = summary("1");
    assert_eq!(one["unknown_state"].as_u64(), Some(rows));
    assert_eq!(one["total"].as_u64(), Some(rows));
    assert_eq!(summary("2"), one);
}

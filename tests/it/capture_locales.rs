//! Localised state words the way real captures carry them (fixtures written by
//! fixtures/captures/gen/make-handmade.py): a Czech net-tools `-tanpe` listing whose LAST_ACK
//! is the two words `POSLEDNÍ ACK`, and German Windows `netstat -ano` / `-nt` saved from `cmd`,
//! so in the console's CP850 (`ABHÖREN` is `ABH` 0x99 `REN`) with CRLF, a state wider than its
//! column and `-t`'s offload column. Each is detected, counted per state and family, summed by
//! `tcpstate --from` and listed by `tcpstate list --from` exactly as written; the columns after
//! a two-word state are still read; a code-page word that is no state stays an error naming
//! file:line.

use std::collections::BTreeMap;
use std::io::Write;

use predicates::prelude::*;

use crate::common;

use tcpstate::source::capture::{CaptureSource, InputFormat};
use tcpstate::{Family, TcpState};

use TcpState::*;
use common::capture::{fixture, map, run, unread_lines};
use common::{json, tcpstate};

struct Case {
    file: &'static str,
    format: InputFormat,
    counts: &'static [(TcpState, u64)],
    /// IPv4, IPv6.
    families: [u64; 2],
}

/// The EXPECTED lines make-handmade.py prints for these files.
const CASES: &[Case] = &[
    Case {
        file: "netstat-cs_CZ-tanpe.txt",
        format: InputFormat::Netstat,
        counts: &[
            (Listen, 2),
            (Established, 1),
            (LastAck, 3),
            (TimeWait, 1),
            (Closing, 1),
            (CloseWait, 1),
        ],
        families: [7, 2],
    },
    Case {
        file: "windows-netstat-ano-de-DE-cp850.txt",
        format: InputFormat::Windows,
        counts: &[
            (Listen, 3),
            (Established, 2),
            (FinWait2, 1),
            (TimeWait, 4),
            (CloseWait, 1),
        ],
        families: [8, 3],
    },
    Case {
        file: "windows-netstat-nt-de-DE-cp850.txt",
        format: InputFormat::Windows,
        counts: &[
            (Established, 2),
            (FinWait2, 1),
            (TimeWait, 1),
            (CloseWait, 1),
        ],
        families: [4, 1],
    },
];

fn path(c: &Case) -> std::path::PathBuf {
    fixture(&format!("handmade/{}", c.file))
}

#[test]
fn localised_captures_are_counted_per_state_and_family() {
    for c in CASES {
        let mut src = CaptureSource::open(path(c));
        assert_eq!(src.format().unwrap(), c.format, "{}", c.file);
        let (t, r) = run(src);
        assert_eq!(t.states, map(c.counts), "{}", c.file);
        assert_eq!(t.families, c.families, "{}", c.file);
        assert_eq!(
            unread_lines(&r),
            Vec::<u64>::new(),
            "{}: {:?}",
            c.file,
            r.unread
        );
    }
}

/// `name → count` from the states a fixture was written with, in the JSON spelling.
fn written(c: &Case) -> BTreeMap<String, u64> {
    c.counts
        .iter()
        .map(|&(s, n)| (s.netstat_name().to_string(), n))
        .collect()
}

#[test]
fn summary_and_list_from_the_command_line_show_the_states_written() {
    for c in CASES {
        let v = json(&["--from", &path(c).to_string_lossy()]);
        let counted: BTreeMap<String, u64> = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["state"].as_str().unwrap().to_string(),
                    r["count"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(counted, written(c), "{}", c.file);
        assert_eq!(
            v["total"].as_u64(),
            Some(c.families.iter().sum()),
            "{}",
            c.file
        );

        let rows: Vec<serde_json::Value> =
            serde_json::from_value(json(&["list", "--from", &path(c).to_string_lossy()])).unwrap();
        let mut listed = BTreeMap::<String, u64>::new();
        for r in &rows {
            *listed
                .entry(r["state"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        assert_eq!(listed, written(c), "{}", c.file);
    }
}

#[test]
fn the_columns_after_a_two_word_state_are_still_read() {
    let (t, _) = run(CaptureSource::open(fixture(
        "handmade/netstat-cs_CZ-tanpe.txt",
    )));
    let last_ack = |port| {
        t.sockets
            .iter()
            .find(|s| s.state == LastAck && s.remote.port == Some(port))
            .unwrap_or_else(|| panic!("no LAST_ACK to port {port}: {:?}", t.sockets))
    };
    // `POSLEDNÍ ACK 1000 15310 2044/sshd: jan`: user, inode and owner follow the two words.
    let s = last_ack(50212);
    assert_eq!((s.uid, s.inode), (Some(1000), Some(15310)));
    assert_eq!(
        s.listed_owners
            .iter()
            .map(|(pid, _)| pid)
            .collect::<Vec<_>>(),
        [2044]
    );
    // `POSLEDNÍ ACK 0 0 -`: an orphan, listed with no owner.
    let s = last_ack(50211);
    assert_eq!(s.inode, Some(0));
    assert!(s.listed_owners.is_listed() && s.listed_owners.is_empty());
    let s = last_ack(40210);
    assert_eq!((s.family, s.local.port), (Family::V6, Some(631)));
    // A one-word state is followed by its user as before.
    let closing = t.sockets.iter().find(|s| s.state == Closing).unwrap();
    assert_eq!((closing.uid, closing.inode), (Some(1000), Some(15400)));
}

#[test]
fn a_code_page_word_that_is_no_state_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("windows-de-cp850-typo.txt");
    let mut f = std::fs::File::create(&file).unwrap();
    // Line 5 is ABHÖREN in CP850; line 6 has 0x98 (`ÿ` there): `ABHÿREN` is no state in any
    // code page read, so it is named, and only it.
    f.write_all(
        b"\r\nAktive Verbindungen\r\n\r\n  Proto  Lokale Adresse         Remoteadresse          Status           PID\r\n  TCP    0.0.0.0:135            0.0.0.0:0              ABH\x99REN          624\r\n  TCP    0.0.0.0:445            0.0.0.0:0              ABH\x98REN          4\r\n",
    )
    .unwrap();
    drop(f);
    tcpstate()
        .args(["-f", "csv", "--from"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("LISTEN,1,"))
        .stderr(
            predicate::str::contains("1 line not understood")
                .and(predicate::str::contains("windows-de-cp850-typo.txt:6: "))
                .and(predicate::str::contains(":5").not()),
        );
    tcpstate()
        .args(["--strict", "--from"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("windows-de-cp850-typo.txt:6: "));
}

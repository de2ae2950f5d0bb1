//! Captures saved as UTF-16 — Windows PowerShell 5.1's `netstat -ano > f` writes UTF-16LE
//! with a byte-order mark and CRLF — are read as the text they hold rather than refused: a
//! German listing is counted and listed by state, and a file past the size at which captures
//! are memory-mapped and read on every core (64 MiB) is read whole, with the same counts on one
//! thread, on two, and from standard input.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{json, tcpstate};

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

fn utf16le(text: &str) -> Vec<u8> {
    [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

/// German `netstat -ano` words, each with the JSON name of its state.
const GERMAN: [(&str, &str); 5] = [
    ("ABHÖREN", "listen"),
    ("HERGESTELLT", "established"),
    ("WARTEND", "time_wait"),
    ("FIN_WARTEN_2", "fin_wait2"),
    ("SCHLIESSEN_WARTEN", "close_wait"),
];

/// A German listing of `rows` sockets, the states in turn; its text and the count per state.
fn german(rows: usize) -> (String, BTreeMap<&'static str, u64>) {
    let mut text = String::from(
        "\r\nAktive Verbindungen\r\n\r\n  Proto  Lokale Adresse         Remoteadresse          Status           PID\r\n",
    );
    let mut counts = BTreeMap::new();
    for i in 0..rows {
        let (word, name) = GERMAN[i % GERMAN.len()];
        let local = format!(
            "10.{}.{}.{}:{}",
            i >> 16 & 255,
            i >> 8 & 255,
            i & 255,
            1024 + i % 60000
        );
        let (remote, local) = if name == "listen" {
            ("0.0.0.0:0".to_string(), local)
        } else {
            (format!("192.168.{}.{}:443", i >> 8 & 255, i & 255), local)
        };
        text.push_str(&format!(
            "  TCP    {local:<22} {remote:<22} {word:<15} {}\r\n",
            4 + i % 9000
        ));
        *counts.entry(name).or_default() += 1;
    }
    text.push_str(
        "  UDP    0.0.0.0:500            *:*                                    4321\r\n",
    );
    (text, counts)
}

/// The per-state counts (the non-zero ones) and total of a `summary -f json` output.
fn summary_counts(stdout: &[u8]) -> (BTreeMap<String, u64>, u64) {
    let v: serde_json::Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(stdout)));
    let states = v["states"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, n)| n.as_u64().filter(|&n| n > 0).map(|n| (k.clone(), n)))
        .collect();
    (states, v["total"].as_u64().unwrap())
}

fn expected(counts: &BTreeMap<&str, u64>) -> BTreeMap<String, u64> {
    counts.iter().map(|(k, &n)| (k.to_string(), n)).collect()
}

#[test]
fn a_powershell_saved_german_listing_is_counted_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ps-netstat-ano.txt");
    let (text, counts) = german(12);
    std::fs::write(&file, utf16le(&text)).unwrap();
    let out = tcpstate()
        .args(["-f", "json", "--from"])
        .arg(&file)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    assert_eq!(summary_counts(&out), (expected(&counts), 12));
    let rows: Vec<serde_json::Value> =
        serde_json::from_value(json(&["list", "--from", &file.to_string_lossy()])).unwrap();
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0]["state"], "LISTEN");
    assert_eq!(rows[0]["local"]["port"], 1024);
}

fn run(jobs: &str, file: &Path, stdin: bool) -> Vec<u8> {
    let mut cmd = Command::new(BIN);
    cmd.env("TCPSTATE_JOBS", jobs)
        .args(["-f", "json", "--from"]);
    if stdin {
        cmd.arg("-")
            .stdin(Stdio::from(std::fs::File::open(file).unwrap()));
    } else {
        cmd.arg(file).stdin(Stdio::null());
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn a_utf16_capture_past_the_parallel_size_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ps-big.txt");
    // About 150 bytes a row in UTF-16: past 64 MiB.
    let rows = 470_000;
    let (text, counts) = german(rows);
    let bytes = utf16le(&text);
    drop(text);
    assert!(bytes.len() as u64 > 64 << 20, "{}", bytes.len());
    std::fs::write(&file, bytes).unwrap();
    let want = (expected(&counts), rows as u64);
    assert_eq!(summary_counts(&run("1", &file, false)), want);
    assert_eq!(summary_counts(&run("2", &file, false)), want);
    assert_eq!(summary_counts(&run("2", &file, true)), want);
}

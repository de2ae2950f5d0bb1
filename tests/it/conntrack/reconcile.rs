//! `tcpstate conntrack --reconcile`: a stale entry made on purpose (a connection aborted
//! while a rule ahead of conntrack hides its RSTs, so conntrack keeps it ESTABLISHED with no
//! socket left) is found, a held connection is not, and deleting a held connection's entry
//! (`conntrack -D`) makes its two sockets lost.

use std::net::{TcpListener, TcpStream};

use socket2::Socket;

use super::{TRACK, json, proc_table};
use crate::common::{Netns, require_tool};

/// Drops port 7801's packets before conntrack sees them (priority below conntrack's -200).
const BLIND: &str = "table inet ct_blind {\n  chain out { type filter hook output priority -300; tcp dport 7801 drop; tcp sport 7801 drop; }\n}\n";

fn pair(port: u16) -> (TcpListener, TcpStream, TcpStream) {
    let l = TcpListener::bind(("127.0.0.1", port)).expect("a listener");
    let c = TcpStream::connect(("127.0.0.1", port)).expect("a connection");
    let s = l.accept().expect("accepted").0;
    (l, c, s)
}

#[test]
fn a_stale_entry_made_on_purpose_is_found_and_a_deleted_one_is_lost() {
    let Some(ns) = Netns::with_tools("ct-reconcile", &["nft", "ss"]) else {
        return;
    };
    ns.nft(TRACK).expect("the conntrack rule loads");
    let (stale_l, c, s) = ns.inside(|| pair(7801));
    let held = ns.inside(|| pair(7802));
    ns.nft(BLIND).expect("the blinding rule loads");
    for end in [c, s] {
        let sock = Socket::from(end);
        sock.set_linger(Some(std::time::Duration::ZERO)).unwrap();
        drop(sock);
    }
    drop(stale_l);
    // The kernel: conntrack still holds 7801 ESTABLISHED; no socket is left on it.
    let table = proc_table(&ns);
    assert!(
        table
            .lines()
            .any(|l| l.contains(" ESTABLISHED ") && l.contains("dport=7801 ")),
        "{table}"
    );
    let ss = ns.check_output("ss", &["-Htan"]).unwrap();
    assert!(!ss.contains(":7801"), "{ss}");

    let v = json(&["conntrack", "--reconcile", "--netns", ns.name()]);
    assert_eq!(v["stale_count"], 1, "{v}");
    assert_eq!(v["stale"][0]["original"]["dport"], 7801, "{v}");
    assert_eq!(v["lost_count"], 0, "{v}");
    assert!(v["sockets"].as_u64().is_some_and(|n| n >= 2), "{v}");

    // check judges them when a limit asks: a warning headed by the stale entry.
    let mut cfg = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut cfg, b"[conntrack]\nstale = { warn = 0 }\n").unwrap();
    let out = super::tcpstate()
        .args([
            "check",
            "--netns",
            ns.name(),
            "--format",
            "json",
            "--config",
        ])
        .arg(cfg.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "conntrack")
        .expect("the conntrack finding")
        .clone();
    assert_eq!(f["severity"], "WARNING", "{f}");
    assert_eq!(f["metrics"]["conntrack_stale"], 1, "{f}");
    assert_eq!(out.status.code(), Some(1), "{v}");
    // Without the limit, no reconciliation (and no cost).
    let v = json(&["check", "--netns", ns.name()]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "conntrack")
        .expect("the conntrack finding")
        .clone();
    assert!(f["metrics"]["conntrack_stale"].is_null(), "{f}");

    if require_tool("conntrack") {
        ns.check_output("conntrack", &["-D", "-p", "tcp", "--orig-port-dst", "7802"])
            .expect("conntrack -D deletes the held connection's entry");
        let v = json(&["conntrack", "--reconcile", "--netns", ns.name()]);
        let lost: Vec<String> = v["lost"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                format!(
                    "{}->{}",
                    l["local"].as_str().unwrap(),
                    l["remote"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(lost.len(), 2, "{v}");
        assert!(lost.iter().all(|l| l.contains(":7802")), "{v}");
        assert_eq!(v["stale_count"], 1, "{v}");
    }
    drop(held);
}

#[test]
fn a_capture_cannot_be_reconciled() {
    let out = super::tcpstate()
        .args(["conntrack", "--reconcile", "--from", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--reconcile compares the live conntrack table"),
        "{err}"
    );
}

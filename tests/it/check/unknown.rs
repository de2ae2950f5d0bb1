//! What the input does not carry is never judged as 0: a listener's backlog read through
//! /proc (live `--source proc`) or from a netstat capture is unknown, so a full accept queue
//! there is "not judged" with the reason, not CRITICAL against a backlog of 0; the same
//! sockets saved by `ss` (which prints the backlog) are judged. Lists carry the unknown
//! fields as null.

use std::net::TcpStream;

use super::{addr, check, code, listen, show};
use crate::common::Netns;

/// The `accept_queue` finding of a `check --format json` run.
fn accept_queue(o: &std::process::Output) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("check printed JSON ({e}): {}", show(o)));
    v["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == "accept_queue").cloned())
        .unwrap_or_else(|| panic!("an accept_queue finding: {v}"))
}

#[test]
fn a_backlog_the_input_does_not_carry_is_not_judged() {
    let Some(ns) = Netns::with_tools("chk-unknown", &["ss", "netstat"]) else {
        return;
    };
    let _held = ns.inside(|| {
        let l = listen(7310, 2);
        let done: Vec<TcpStream> = (0..3)
            .map(|_| TcpStream::connect(addr(7310)).expect("connect"))
            .collect();
        (l, done)
    });

    // Live through netlink: the backlog is known and the full queue is CRITICAL.
    let aq = accept_queue(&check(&ns, &["--format", "json"]));
    assert_eq!(aq["severity"], "CRITICAL", "{aq}");

    // Live through /proc: no backlog there, so no verdict on it.
    let o = check(&ns, &["--source", "proc", "--format", "json"]);
    let aq = accept_queue(&o);
    assert_eq!(aq["severity"], "OK", "{aq}");
    assert!(
        aq["offenders"].as_array().is_some_and(|o| o.is_empty()),
        "{aq}"
    );
    let said = aq.to_string();
    assert!(said.contains("not judged"), "{said}");
    assert!(
        said.contains("backlog of 1 listening socket is not in this input"),
        "{said}"
    );
    assert_ne!(code(&o), 2, "{}", show(&o));

    // Saved captures of the same sockets: netstat's is not judged, ss's is.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let netstat = dir.path().join("netstat.txt");
    let ss = dir.path().join("ss.txt");
    std::fs::write(
        &netstat,
        ns.check_output("netstat", &["-tan"]).expect("netstat runs"),
    )
    .expect("saves the netstat capture");
    std::fs::write(&ss, ns.check_output("ss", &["-tan"]).expect("ss runs"))
        .expect("saves the ss capture");
    let from = |file: &std::path::Path| {
        check(
            &ns,
            &["--from", &file.to_string_lossy(), "--format", "json"],
        )
    };
    let aq = accept_queue(&from(&netstat));
    assert_eq!(aq["severity"], "OK", "{aq}");
    assert!(aq.to_string().contains("not judged"), "{aq}");
    let aq = accept_queue(&from(&ss));
    assert_eq!(aq["severity"], "CRITICAL", "{aq}");

    // The list says null where the capture has nothing: netstat -tan has no backlog, no
    // inode and no timer.
    let out = ns
        .command(env!("CARGO_BIN_EXE_tcpstate"))
        .args([
            "list", "--format", "json", "--state", "listen", "--sport", "7310",
        ])
        .arg("--from")
        .arg(&netstat)
        .output()
        .expect("runs tcpstate list");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let row = &rows[0];
    assert_eq!(row["recv_q"], 3, "{row}");
    assert!(row["send_q"].is_null(), "{row}");
    assert!(row["inode"].is_null(), "{row}");
    assert!(row["timer"].is_null(), "{row}");
}

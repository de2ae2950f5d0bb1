//! `tcpstate explain` and `tcpstate fsm`, run as the binary: exit codes and messages of
//! `fsm --check`, DOT that Graphviz renders, well-formed Mermaid, JSON that parses, and
//! snapshots of the texts in English and Chinese.

use std::io::Write;
use std::process::{Command, Stdio};

use assert_cmd::Command as Cmd;
use serde_json::Value;

/// The binary with a known, English locale.
fn tcpstate() -> Cmd {
    let mut c = Cmd::cargo_bin("tcpstate").expect("binary built");
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env_remove("TCPSTATE_NO_SYSCTL");
    c
}

fn stdout_of(args: &[&str]) -> String {
    let out = tcpstate().args(args).output().expect("runs");
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// What a run of `fsm --check` that must find the path impossible (exit 1) printed.
fn impossible(args: &[&str]) -> String {
    let out = tcpstate()
        .args(args)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("utf-8")
}

fn cjk_chars(s: &str) -> usize {
    s.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count()
}

// ---- fsm --check ----------------------------------------------------------------------------

#[test]
fn check_accepts_the_client_and_server_paths() {
    tcpstate()
        .args([
            "fsm",
            "--check",
            "CLOSED,SYN_SENT,ESTABLISHED,FIN_WAIT1,FIN_WAIT2,TIME_WAIT,CLOSED",
        ])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with("possible:"));
    tcpstate()
        .args([
            "fsm",
            "--check",
            "close,listen,syn-recv,estab,close-wait,last-ack,close",
        ])
        .assert()
        .code(0);
}

#[test]
fn check_names_the_first_impossible_step_and_what_was_reachable() {
    let out = impossible(&["fsm", "--check", "CLOSED,LISTEN,FIN_WAIT2,TIME_WAIT"]);
    assert!(out.contains("step 2, LISTEN -> FIN_WAIT2"), "{out}");
    assert!(
        out.contains("From LISTEN a socket can go to: CLOSED, SYN_RECV, SYN_SENT."),
        "{out}"
    );
    tcpstate()
        .args(["fsm", "--check", "TIME_WAIT,ESTABLISHED"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "From TIME_WAIT a socket can go to: CLOSED.",
        ));
}

#[test]
fn check_marks_linux_only_steps_and_knows_request_sockets() {
    let out = stdout_of(&[
        "fsm",
        "--check",
        "SYN_SENT,ESTABLISHED,FIN_WAIT1,FIN_WAIT2,CLOSE",
    ]);
    assert!(out.contains("step 4, FIN_WAIT2 -> CLOSED, is a Linux transition"));
    stdout_of(&["fsm", "--check", "LISTEN,NEW_SYN_RECV,ESTABLISHED"]);
    stdout_of(&["fsm", "--check", "BOUND_INACTIVE,LISTEN"]);
}

#[test]
fn check_of_an_unknown_state_is_a_usage_error() {
    tcpstate()
        .args(["fsm", "--check", "ESTABLISHED,HALF_OPEN"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("unknown TCP state 'HALF_OPEN'"))
        .stderr(predicates::str::contains("valid states: established"));
    tcpstate().args(["fsm", "--check", ","]).assert().code(2);
}

#[test]
fn check_in_chinese_and_json() {
    let out = impossible(&["--lang", "zh", "fsm", "--check", "LISTEN,FIN_WAIT2"]);
    assert!(
        out.starts_with("不可能：第 1 步 LISTEN -> FIN_WAIT2"),
        "{out}"
    );
    let out = impossible(&["fsm", "--check", "LISTEN,FIN_WAIT2", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["possible"], false);
    assert_eq!(v["step"], 1);
    assert_eq!(
        v["reachable"],
        serde_json::json!(["CLOSED", "SYN_RECV", "SYN_SENT"])
    );
    let v: Value = serde_json::from_str(&stdout_of(&[
        "fsm",
        "--check",
        "LISTEN,CLOSED",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v["possible"], true);
}

// ---- fsm diagrams ---------------------------------------------------------------------------

#[test]
fn dot_renders_with_graphviz() {
    let Ok(probe) = Command::new("dot").arg("-V").output() else {
        println!("skipped: Graphviz `dot` is not installed");
        return;
    };
    assert!(probe.status.success());
    for args in [
        vec!["fsm", "--format", "dot"],
        vec!["fsm", "--format", "dot", "--role"],
        vec!["fsm", "--format", "dot", "--role", "server"],
        vec!["--lang", "zh", "fsm", "--format", "dot"],
    ] {
        let src = stdout_of(&args);
        assert!(src.starts_with("digraph "), "{args:?}");
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dot runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(src.as_bytes())
            .expect("write to dot");
        let out = child.wait_with_output().expect("dot finishes");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

/// Every line is one of the few statement shapes we emit, state ids have no hyphens, labels
/// have no `;` or `#`, and notes are closed.
fn assert_mermaid(src: &str) {
    let is_id = |s: &str| {
        s == "[*]"
            || (!s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
    };
    let mut lines = src.lines();
    assert_eq!(lines.next(), Some("stateDiagram-v2"));
    let mut in_note = false;
    let mut transitions = 0;
    for line in lines {
        if in_note {
            if line == "    end note" {
                in_note = false;
            } else {
                assert!(
                    line.starts_with("        ") && !line.trim().is_empty(),
                    "{line:?}"
                );
            }
        } else if let Some(id) = line.strip_prefix("    note right of ") {
            assert!(is_id(id), "{line:?}");
            in_note = true;
        } else if line.starts_with("    %% ") {
        } else {
            let body = line.strip_prefix("    ").expect("indented");
            let (edge, label) = body.split_once(" : ").unwrap_or((body, ""));
            let (from, to) = edge.split_once(" --> ").expect("a transition");
            assert!(is_id(from) && is_id(to), "{line:?}");
            assert!(!label.contains([';', '#']), "{line:?}");
            transitions += 1;
        }
    }
    assert!(!in_note, "unclosed note");
    assert!(transitions > 0);
}

#[test]
fn mermaid_is_a_well_formed_state_diagram() {
    for args in [
        vec!["fsm", "--format", "mermaid"],
        vec!["--lang", "zh", "fsm", "--format", "mermaid"],
        vec!["fsm", "--format", "mermaid", "--role", "client"],
    ] {
        assert_mermaid(&stdout_of(&args));
    }
    let src = stdout_of(&["fsm", "--format", "mermaid"]);
    assert!(src.contains("    FIN_WAIT2 --> CLOSED : (L) "));
    assert!(src.contains("    SYN_SENT --> SYN_RECV : receive SYN / SYN+ACK"));
}

#[test]
fn json_parses_and_marks_linux() {
    let v: Value = serde_json::from_str(&stdout_of(&["fsm", "--format", "json"])).unwrap();
    let t = v["transitions"].as_array().unwrap();
    assert!(t.len() > 30);
    assert!(
        t.iter()
            .any(|t| t["from"] == "FIN_WAIT2" && t["to"] == "CLOSED" && t["linux_only"] == true)
    );
    assert!(t.iter().any(|t| t["from"] == "SYN_SENT"
        && t["to"] == "SYN_RECV"
        && t["linux_only"] == false
        && t["sends"] == "SYN+ACK"));
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == "request_socket" && n["linux"] == true)
    );

    let v: Value =
        serde_json::from_str(&stdout_of(&["fsm", "--format", "json", "--role"])).unwrap();
    assert_eq!(v["client"].as_array().unwrap().len(), 6);
    assert_eq!(v["server"].as_array().unwrap().len(), 6);
    assert_eq!(v["client"][0]["sends"], "SYN");
    assert_eq!(v["server"][1]["sends"], "SYN+ACK");
    let v: Value =
        serde_json::from_str(&stdout_of(&["fsm", "--format", "json", "--role", "server"])).unwrap();
    assert!(v.get("client").is_none() && v["server"].is_array());

    for lang in ["en", "zh"] {
        let v: Value =
            serde_json::from_str(&stdout_of(&["--lang", lang, "explain", "--format", "json"]))
                .unwrap();
        assert_eq!(v.as_array().unwrap().len(), 12);
    }
}

#[test]
fn fsm_snapshots() {
    insta::assert_snapshot!("fsm_en", stdout_of(&["fsm"]));
    insta::assert_snapshot!("fsm_zh", stdout_of(&["fsm", "--lang", "zh"]));
    insta::assert_snapshot!("fsm_role_en", stdout_of(&["fsm", "--role"]));
    insta::assert_snapshot!("fsm_role_zh", stdout_of(&["fsm", "--role", "--lang", "zh"]));
    insta::assert_snapshot!(
        "fsm_role_client_en",
        stdout_of(&["fsm", "--role", "client"])
    );
}

// ---- explain --------------------------------------------------------------------------------

#[test]
fn explain_snapshots() {
    insta::assert_snapshot!("explain_en", stdout_of(&["explain", "--no-sysctl"]));
    insta::assert_snapshot!(
        "explain_zh",
        stdout_of(&["--lang", "zh", "explain", "--no-sysctl"])
    );
}

#[test]
fn chinese_is_chinese_and_follows_the_locale() {
    let zh = stdout_of(&["explain", "time-wait", "--no-sysctl", "--lang", "zh"]);
    assert!(cjk_chars(&zh) > 300, "{zh}");
    let from_env = tcpstate()
        .env("LANG", "zh_CN.UTF-8")
        .args(["explain", "time-wait", "--no-sysctl"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(from_env.stdout).unwrap(), zh);
    let c = tcpstate()
        .env("LANG", "zh_CN.UTF-8")
        .env("LC_ALL", "C")
        .args(["explain", "time-wait", "--no-sysctl"])
        .output()
        .unwrap();
    assert_eq!(cjk_chars(&String::from_utf8(c.stdout).unwrap()), 0);
    let en = stdout_of(&["explain", "time-wait", "--no-sysctl", "--lang", "en"]);
    assert_eq!(cjk_chars(&en), 0);
    let fsm = stdout_of(&["fsm", "--lang", "zh"]);
    assert!(fsm.starts_with("TCP 状态机"));
}

#[test]
fn explain_takes_any_spelling_and_groups() {
    let out = stdout_of(&["explain", "SYN_RCVD", "new_syn_recv", "--no-sysctl"]);
    assert_eq!(out.matches("SYN_RECV — ").count(), 1, "{out}");
    assert!(out.contains("NEW_SYN_RECV"));
    let out = stdout_of(&["explain", "time-wait,FIN_WAIT_1", "--no-sysctl"]);
    let tw = out.find("TIME_WAIT — ").unwrap();
    let fw = out.find("FIN_WAIT1 — ").unwrap();
    assert!(tw < fw, "the order given is kept");
    let out = stdout_of(&["explain", "closing-all", "--no-sysctl"]);
    let headings: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_once(" — ").map(|(h, _)| h))
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .collect();
    assert_eq!(
        headings,
        [
            "FIN_WAIT1",
            "FIN_WAIT2",
            "CLOSING",
            "TIME_WAIT",
            "CLOSE_WAIT",
            "LAST_ACK"
        ]
    );
    let all = stdout_of(&["explain", "--no-sysctl"]);
    for s in [
        "LISTEN",
        "SYN_SENT",
        "SYN_RECV",
        "ESTABLISHED",
        "FIN_WAIT1",
        "FIN_WAIT2",
        "CLOSING",
        "TIME_WAIT",
        "CLOSE_WAIT",
        "LAST_ACK",
        "CLOSE",
        "BOUND_INACTIVE",
    ] {
        assert!(all.contains(&format!("\n{s} — ")) || all.starts_with(&format!("{s} — ")));
    }
    tcpstate()
        .args(["explain", "time-wait", "half-open"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown TCP state 'half-open'"));
}

#[test]
fn explain_reads_this_hosts_sysctls_or_says_unavailable() {
    let out = stdout_of(&["explain", "fin-wait-2"]);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("net.ipv4.tcp_fin_timeout = "))
        .expect("a value line");
    let value = line
        .trim_start()
        .trim_start_matches("net.ipv4.tcp_fin_timeout = ")
        .split(' ')
        .next()
        .unwrap();
    assert!(
        value == "unavailable" || value.parse::<u32>().is_ok(),
        "{line}"
    );
    let no = stdout_of(&["explain", "fin-wait-2", "--no-sysctl"]);
    assert!(no.contains("    net.ipv4.tcp_fin_timeout — "));
    let env = tcpstate()
        .env("TCPSTATE_NO_SYSCTL", "1")
        .args(["explain", "fin-wait-2"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(env.stdout).unwrap(), no);
    let v: Value =
        serde_json::from_str(&stdout_of(&["explain", "fin-wait-2", "--format", "json"])).unwrap();
    let s = &v[0]["sysctls"][0];
    assert_eq!(s["name"], "net.ipv4.tcp_fin_timeout");
    assert!(s["value"].is_string() || s["value"].is_null());
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("tcpstate"))
        .args(["explain", "--no-sysctl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("ends");
    assert!(out.status.success(), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
}

//! One shape, one spelling, on a saved capture (so every figure is known): several `--by`
//! keys, the refusals that keep a summary truthful (`--by state`, `--top 0`, `--explain` with
//! `--by`), repeatable `--state`, `explain --state`, the summary CSV in the table's order,
//! cookies in one base, and error lists that offer only the words valid where they are given.

use crate::common::tcpstate;
use predicates::prelude::*;

fn capture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/captures/linux/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn stdout(args: &[&str]) -> String {
    let out = tcpstate().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn several_group_keys_make_one_group_per_combination() {
    let ss = capture("ss-tan.txt");
    let v: serde_json::Value = serde_json::from_str(&stdout(&[
        "summary",
        "--from",
        &ss,
        "--by",
        "local-port,remote-ip",
        "-f",
        "json",
    ]))
    .expect("JSON");
    let groups = v.as_array().expect("an array");
    assert!(!groups.is_empty());
    for g in groups {
        assert_eq!(g["by"], "local_port,remote_ip", "{g}");
        let keys = g["keys"].as_object().expect("keys");
        assert_eq!(keys.len(), 2, "{g}");
        let joined = format!(
            "{} {}",
            keys["local_port"].as_str().unwrap_or_default(),
            keys["remote_ip"].as_str().unwrap_or_default()
        );
        assert_eq!(g["key"], joined.as_str(), "{g}");
    }
    let csv = stdout(&[
        "summary",
        "--from",
        &ss,
        "--by",
        "local-port,remote-ip",
        "-f",
        "csv",
    ]);
    assert!(csv.starts_with("local_port,remote_ip,total,"), "{csv}");
}

#[test]
fn refusals_keep_the_summary_truthful() {
    let ss = capture("ss-tan.txt");
    for (args, says) in [
        (
            &["--by", "state"][..],
            "--by state would repeat the summary",
        ),
        (
            &["--by", "local-port", "--top", "0"][..],
            "--top 0 would show no group",
        ),
        (
            &["--by", "local-port", "--explain"][..],
            "cannot be used with",
        ),
        (
            &["--by", "local-port,local-port"][..],
            "--by names local_port twice",
        ),
    ] {
        tcpstate()
            .args(["summary", "--from", &ss])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn state_flags_repeat_and_explain_takes_them() {
    let ss = capture("ss-tan.txt");
    let both = stdout(&[
        "--from",
        &ss,
        "-s",
        "listen",
        "-s",
        "close-wait",
        "-f",
        "plain",
    ]);
    let states: Vec<&str> = both
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        states.contains(&"LISTEN") && states.contains(&"CLOSE_WAIT"),
        "{both}"
    );
    assert_eq!(states.len(), 2, "{both}");
    let explained = stdout(&["explain", "--state", "close-wait", "--no-sysctl"]);
    assert!(explained.starts_with("CLOSE_WAIT"), "{explained}");
    assert!(
        !explained.contains("TIME_WAIT —"),
        "only the state asked for: {explained}"
    );
}

#[test]
fn summary_csv_follows_the_table() {
    let ss = capture("ss-tan.txt");
    let table: Vec<String> = stdout(&["--from", &ss, "-f", "plain"])
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    let csv = stdout(&["--from", &ss, "-f", "csv"]);
    let rows: Vec<String> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next().map(str::to_string))
        .collect();
    assert_eq!(&rows[..table.len()], &table[..], "{csv}");
    // BOUND_INACTIVE was not asked for: its count is unknown, so empty.
    let bound = csv
        .lines()
        .find(|l| l.starts_with("BOUND_INACTIVE,"))
        .expect("a BOUND_INACTIVE row");
    assert_eq!(bound, "BOUND_INACTIVE,,,,", "{csv}");
}

#[test]
fn cookies_have_one_base() {
    let Some(ns) = crate::common::Netns::new("shape-cookie") else {
        return;
    };
    let _l = ns.inside(|| std::net::TcpListener::bind("127.0.0.1:7600").expect("a listener"));
    let run = |format: &str| {
        let out = ns
            .command(env!("CARGO_BIN_EXE_tcpstate"))
            .args(["list", "-e", "--sport", "7600", "-f", format])
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
    let cookie = json[0]["cookie"]
        .as_u64()
        .expect("sock_diag gives a cookie");
    let csv = run("csv");
    let header: Vec<&str> = csv.lines().next().unwrap_or_default().split(',').collect();
    let at = header
        .iter()
        .position(|h| *h == "cookie")
        .expect("a cookie column");
    let field = csv.lines().nth(1).and_then(|l| l.split(',').nth(at));
    assert_eq!(field, Some(cookie.to_string().as_str()), "{csv}");
    let table = run("table");
    assert!(
        table.contains(&format!(" {cookie} ")),
        "decimal in the table too: {table}"
    );
}

#[test]
fn error_lists_offer_only_what_is_valid_there() {
    // One state is taken by --warn and fsm --check: no groups offered.
    tcpstate()
        .args(["check", "--warn", "bogus=1"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("valid states").and(predicate::str::contains("groups:").not()),
        );
    tcpstate()
        .args(["fsm", "--check", "CLOSED,bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("groups:").not());
    // A set of states is taken by --state: groups too.
    tcpstate()
        .args(["--state", "bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("groups: all"));
}

#[test]
fn watch_lines_carry_every_key_the_summary_carries() {
    let ss = capture("ss-tan.txt");
    let summary: serde_json::Value =
        serde_json::from_str(&stdout(&["--from", &ss, "-f", "json"])).expect("JSON");
    let line = stdout(&["watch", "--from", &ss, "-c", "1", "-f", "json"]);
    let watch: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON line");
    let keys = |v: &serde_json::Value| {
        v["states"]
            .as_object()
            .map(|m| m.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(keys(&watch), keys(&summary), "{watch}");
    assert!(watch["states"]["bound_inactive"].is_null(), "{watch}");
    assert_eq!(watch["states"]["listen"], summary["states"]["listen"]);
}

//! Command-line behaviour that needs no namespace: usage errors and their exit codes, help
//! texts, flags before or after the command word, and a closed pipe ending quietly.

use crate::common::tcpstate;
use predicates::prelude::*;

#[test]
fn unknown_state_is_a_usage_error_listing_valid_states() {
    tcpstate()
        .args(["--state", "bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown TCP state 'bogus'"))
        .stderr(predicate::str::contains("valid states: established"));
}

#[test]
fn bad_cidr_says_which_part_is_wrong() {
    tcpstate()
        .args(["list", "--dst", "10.0.0.0/33"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("prefix length '/33'"));
    tcpstate()
        .args(["list", "--src", "10.0.300.1/8"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'10.0.300.1' is not an IPv4 or IPv6 address",
        ));
}

#[test]
fn a_format_a_command_cannot_write_is_a_usage_error() {
    for (args, says) in [
        (
            &["list", "-f", "nagios"][..],
            "it writes: table, plain, json, csv",
        ),
        (
            &["summary", "-f", "dot"][..],
            "it writes: table, plain, json, csv",
        ),
        (&["explain", "-f", "csv"][..], "it writes: text, json"),
        (
            &["fsm", "-f", "plain"][..],
            "it writes: text, dot, mermaid, json",
        ),
        (
            &["watch", "-f", "mermaid", "-c", "1"][..],
            "it writes: table, plain, json, csv",
        ),
    ] {
        tcpstate()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    // A monitoring plugin says UNKNOWN (3) for anything it cannot run.
    tcpstate()
        .args(["check", "-f", "dot"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "it writes: table, plain, json, nagios",
        ));
}

#[test]
fn check_usage_errors_are_unknown_in_the_plugin_format() {
    for args in [
        &["check", "--format", "nagios", "--warn", "bogus=3"][..],
        &["check", "--bogus", "-f", "nagios"][..],
        &["check", "-f", "nagios", "--interval", "0s"][..],
    ] {
        let out = tcpstate().args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut lines = stdout.lines();
        let first = lines.next().unwrap_or_default();
        assert!(
            first.starts_with("TCPSTATE UNKNOWN - "),
            "{args:?}: {stdout}"
        );
        assert!(lines.next().is_none(), "one status line: {stdout}");
    }
}

#[test]
fn a_configuration_naming_a_state_twice_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cfg = dir.path().join("check.toml");
    std::fs::write(
        &cfg,
        "[states]\nclose_wait = { warn = 5 }\nestablished = { warn = 9 }\nCLOSE-WAIT = { crit = 9 }\n",
    )
    .expect("writes the configuration");
    tcpstate()
        .args(["check", "--config"])
        .arg(&cfg)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "check.toml:4: [states] names CLOSE-WAIT twice: 'close_wait' (line 2) and 'CLOSE-WAIT' (line 4)",
        ));
}

#[test]
fn durations_share_one_syntax_and_say_their_range() {
    tcpstate()
        .args(["watch", "-n", "1ms", "-c", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the shortest duration accepted here is 10ms",
        ));
    tcpstate()
        .args(["check", "--interval", "soon"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("'soon' is not a duration"));
    tcpstate()
        .args(["trace", "--duration", "1h30m", "--from", "x.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--from (saved captures) does not apply",
        ));
}

#[test]
fn bad_port_is_a_usage_error() {
    tcpstate()
        .args(["--sport", "9000-80"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad port range '9000-80': it is reversed",
        ));
}

#[test]
fn list_help_explains_listen_queues() {
    tcpstate()
        .args(["list", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("accept queue"))
        .stdout(predicate::str::contains("backlog"));
}

#[test]
fn filters_work_before_and_after_the_command_word() {
    for args in [
        ["--state", "listen", "list", "-f", "json"],
        ["list", "--state", "listen", "-f", "json"],
    ] {
        let out = tcpstate().args(args).output().expect("runs");
        assert!(out.status.success(), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        for s in v.as_array().expect("array") {
            assert_eq!(s["state"], "LISTEN", "{args:?}");
        }
    }
    // Summary flags work without the word `summary`.
    let out = tcpstate()
        .args(["--by", "local-port", "-f", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v.as_array().is_some());
}

#[test]
fn closed_pipe_ends_quietly() {
    // The reader is gone before tcpstate writes a byte, so its first write fails with EPIPE,
    // every time.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    for args in [vec!["list", "-e", "-o"], vec!["--format", "json"], vec![]] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("tcpstate"))
            .args(&args)
            .stdout(writer.try_clone().expect("dup"))
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn ranking_groups_by_a_figure_needs_stats() {
    tcpstate()
        .args(["summary", "--by", "remote-ip", "--sort", "rtt-p99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--sort rtt-p99 ranks by a figure of --stats; add --stats",
        ));
    tcpstate()
        .args(["summary", "--stats"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--by"));
}

//! The Prometheus rules shipped in `contrib/prometheus/`: `promtool check rules` accepts them,
//! `promtool test rules` runs their unit tests (each alert firing, and quiet beside it), every
//! alert says what to do (`summary` and `description`) and has a test, every series they read
//! is one the exporter writes (README, "Series"), and the dashboard's rate panels read
//! recording rules the file defines.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::require_tool;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/prometheus")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn promtool(args: &[&str]) {
    let out = Command::new("promtool")
        .args(args)
        .current_dir(dir())
        .output()
        .expect("promtool runs");
    assert!(
        out.status.success(),
        "promtool {args:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn promtool_checks_and_unit_tests_the_rules() {
    if !require_tool("promtool") {
        return;
    }
    promtool(&["check", "rules", "tcpstate.rules.yml"]);
    promtool(&["test", "rules", "tcpstate.rules.test.yml"]);
}

/// The rules file cut into one piece per rule (`- record:` or `- alert:`).
fn rules() -> Vec<String> {
    let text = read(&dir().join("tcpstate.rules.yml"));
    let mut pieces: Vec<String> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("- record:") || t.starts_with("- alert:") {
            pieces.push(String::new());
        }
        if let Some(p) = pieces.last_mut() {
            p.push_str(line);
            p.push('\n');
        }
    }
    pieces
}

fn name_after(piece: &str, key: &str) -> Option<String> {
    let rest = piece.trim_start().strip_prefix(key)?;
    Some(rest.lines().next()?.trim().to_string())
}

#[test]
fn every_alert_says_what_to_do_and_has_a_test() {
    let tests = read(&dir().join("tcpstate.rules.test.yml"));
    let alerts: Vec<(String, String)> = rules()
        .into_iter()
        .filter_map(|p| Some((name_after(&p, "- alert:")?, p)))
        .collect();
    assert!(alerts.len() >= 8, "{alerts:?}");
    for (name, piece) in &alerts {
        assert!(piece.contains("summary:"), "{name} has no summary");
        assert!(piece.contains("description:"), "{name} has no description");
        assert!(piece.contains("severity:"), "{name} has no severity");
        assert!(
            tests.contains(&format!(
                "alertname: {name}\n        exp_alerts:\n          - exp_labels:"
            )),
            "{name} has no firing test case"
        );
    }
    for wanted in [
        "TcpstateCloseWaitGrowing",
        "TcpstateAcceptQueueNearlyFull",
        "TcpstateListenOverflows",
        "TcpstateTimeWaitNearLimit",
        "TcpstateSynRecvPiling",
        "TcpstateExporterDown",
        "TcpstateExporterAbsent",
        "TcpstateScrapeFailing",
    ] {
        assert!(alerts.iter().any(|(n, _)| n == wanted), "no alert {wanted}");
    }
}

/// `tcpstate_…` names in a text (counters as written, with `_total`).
fn series_names(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"\btcpstate_[a-z0-9_]+").expect("regex");
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

#[test]
fn rules_read_only_series_the_exporter_writes() {
    let readme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    let series = readme
        .split("### Series")
        .nth(1)
        .and_then(|s| s.split("\n### ").next())
        .expect("README has a Series section");
    let exported = series_names(series);
    let text = read(&dir().join("tcpstate.rules.yml"));
    // Recording-rule names carry the metric inside (instance:tcpstate_x:rate5m): only the
    // expressions count.
    let exprs: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("- record:") && !l.trim_start().starts_with('#'))
        .filter(|l| !l.contains("summary:") && !l.contains("description:"))
        .collect::<Vec<_>>()
        .join("\n");
    let exprs: String = regex::Regex::new(r"[a-z_]+:tcpstate_[a-z0-9_]+:[a-z0-9_]+")
        .expect("regex")
        .replace_all(&exprs, "")
        .into_owned();
    let read = series_names(&exprs);
    assert!(read.len() >= 8, "{read:?}");
    assert!(read.contains("tcpstate_tcp_max_tw_buckets"), "{read:?}");
    for name in read {
        assert!(
            exported.contains(&name),
            "the rules read {name}, which is not exported"
        );
    }
}

#[test]
fn dashboard_rate_panels_read_recording_rules() {
    let dashboard =
        read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/grafana-dashboard.json"));
    let _: serde_json::Value = serde_json::from_str(&dashboard).expect("the dashboard is JSON");
    assert!(
        !dashboard.contains("rate("),
        "a rate panel computes its own rate"
    );
    let recorded: BTreeSet<String> = rules()
        .iter()
        .filter_map(|p| name_after(p, "- record:"))
        .collect();
    let used = regex::Regex::new(r"[a-z_]+:tcpstate_[a-z0-9_]+:[a-z0-9_]+").expect("regex");
    let used: BTreeSet<String> = used
        .find_iter(&dashboard)
        .map(|m| m.as_str().to_string())
        .collect();
    assert!(used.len() >= 10, "{used:?}");
    for name in &used {
        assert!(
            recorded.contains(name),
            "the dashboard reads {name}, never recorded"
        );
    }
}

//! `check --interval D --events …` against events made on purpose in a private namespace:
//! a bulk transfer towards a peer behind 5 % random loss (an nftables rule: this kernel may
//! lack `sch_netem`), a steady trickle towards a clean peer. `peer_retransmits` names the lossy
//! peer and not the clean one, with no more retransmits than the namespace's own
//! `RetransSegs` rose by; `kernel_drops` names NETFILTER_DROP; the same in Chinese. Run as
//! nobody, the traced rules are UNKNOWN with one sentence naming the privilege, and the
//! check's exit code is 3.

use std::net::SocketAddr;
use std::process::Output;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde_json::Value;

use super::check;
use crate::common::traffic::retrans_segs;
use crate::common::traffic::{Stop, pump, unique_ip};
use crate::common::{Netns, is_root, require_tool, skip};

fn finding<'a>(report: &'a Value, rule: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["rule"] == rule))
        .unwrap_or_else(|| panic!("no {rule} finding in {report}"))
}

fn keys(f: &Value) -> Vec<String> {
    f["offenders"]
        .as_array()
        .map(|o| {
            o.iter()
                .filter_map(|x| x["key"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn names_the_lossy_peer_and_netfilter_drops() {
    let Some(ns) = Netns::with_tools("check-ev", &["nft"]) else {
        return;
    };
    let (lossy, clean) = (unique_ip(), unique_ip());
    let (lossy, clean) = (
        SocketAddr::from((lossy, 7870)),
        SocketAddr::from((clean, 7871)),
    );
    ns.nft(&format!(
        "table inet loss {{\n chain in {{\n type filter hook input priority 0;\n \
         ip daddr {} tcp dport 7870 numgen random mod 100 < 5 drop\n }}\n}}\n",
        lossy.ip()
    ))
    .expect("nft loss rule");
    // Any drop warns, so the rule's own drops are named however few; retransmits are judged
    // at the default rate (10/s): loss of 5 % makes hundreds a second, while a clean peer on
    // a loaded machine may see a spurious one or two. Neither is critical, so the status is
    // WARNING however fast this machine is.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = dir.path().join("check.toml");
    std::fs::write(
        &config,
        "[kernel_drops]\nper_second = { warn = 0, crit = \"off\" }\n\
         [peer_retransmits]\nper_second = { crit = \"off\" }\n",
    )
    .expect("write the configuration");
    let config = config.to_str().expect("a UTF-8 path").to_string();
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let _stop = Stop(&stop);
        // Bulk towards the lossy peer; a steady trickle towards the clean one (two bulk
        // transfers on loopback can overflow the CPU backlog: real drops, real retransmits).
        s.spawn(|| pump(&ns, lossy, 65536, Duration::ZERO, &stop));
        s.spawn(|| pump(&ns, clean, 1024, Duration::from_millis(10), &stop));
        std::thread::sleep(Duration::from_millis(300));
        let args = [
            "--format",
            "json",
            "--interval",
            "2s",
            "--events",
            "retrans,drop",
            "--config",
            &config,
        ];
        let before = retrans_segs(&ns);
        let out = check(&ns, &args);
        let increase = retrans_segs(&ns) - before;
        let report: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON ({e}): {out:?}"));
        let f = finding(&report, "peer_retransmits");
        let named = keys(f);
        assert!(named.contains(&lossy.ip().to_string()), "{f}");
        assert!(!named.contains(&clean.ip().to_string()), "{f}");
        assert!(
            f["severity"] == "WARNING" || f["severity"] == "CRITICAL",
            "{f}"
        );
        let counted = f["offenders"]
            .as_array()
            .and_then(|o| o.iter().find(|x| x["key"] == lossy.ip().to_string()))
            .and_then(|x| x["count"].as_u64())
            .expect("the lossy peer's count");
        assert!(
            counted > 0 && counted <= increase,
            "{counted} retransmits counted, RetransSegs rose by {increase}"
        );
        let d = finding(&report, "kernel_drops");
        assert!(keys(d).contains(&"NETFILTER_DROP".to_string()), "{d}");
        assert_eq!(out.status.code(), Some(1), "{out:?}");

        let zh = ns
            .command(env!("CARGO_BIN_EXE_tcpstate"))
            .args(["--lang", "zh", "check"])
            .args(&args[2..])
            .output()
            .expect("runs tcpstate check");
        let text = String::from_utf8_lossy(&zh.stdout);
        let line = text
            .lines()
            .find(|l| l.contains("peer_retransmits"))
            .unwrap_or_else(|| panic!("no peer_retransmits line: {text}"));
        assert!(line.contains("超过速率阈值"), "{text}");
        assert!(text.contains(&lossy.ip().to_string()), "{text}");
        assert!(!text.contains(&clean.ip().to_string()), "{text}");
        assert!(text.contains("NETFILTER_DROP"), "{text}");

        // The plugin format: its grammar, and the traced counts in the perfdata.
        let o = super::nagios(&ns, &args[2..], "WARNING");
        let perf = String::from_utf8_lossy(&o.stdout);
        let retrans = perf
            .split_whitespace()
            .find_map(|w| w.strip_prefix("'traced_retransmits'="))
            .and_then(|v| v.split(';').next())
            .and_then(|v| v.parse::<u64>().ok());
        assert!(retrans.is_some_and(|n| n > 0), "{perf}");
        assert!(perf.contains("'traced_events_lost'="), "{perf}");
    });
    ns.run("nft", &["delete", "table", "inet", "loss"]).ok();
}

fn as_nobody(ns: &Netns, args: &[&str]) -> Output {
    ns.command("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            env!("CARGO_BIN_EXE_tcpstate"),
            "check",
        ])
        .args(args)
        .env("LANG", "C")
        .output()
        .expect("run setpriv")
}

#[test]
fn without_privilege_the_traced_rules_are_unknown() {
    if !is_root() {
        skip("needs root to run tcpstate as an unprivileged user");
        return;
    }
    if !require_tool("setpriv") {
        return;
    }
    let Some(ns) = Netns::new("check-evperm") else {
        return;
    };
    let out = as_nobody(
        &ns,
        &[
            "--format",
            "nagios",
            "--interval",
            "1s",
            "--events",
            "retrans,drop,reset",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    assert!(first.starts_with("TCPSTATE UNKNOWN - "), "{text}");
    // Inside `ip netns exec` tracefs is not mounted; in the host it is, but not readable.
    assert!(
        first.contains("CAP_PERFMON") || first.contains("tracefs"),
        "{text}"
    );
    // One sentence, in every traced rule of the report.
    let out = as_nobody(
        &ns,
        &[
            "--format",
            "json",
            "--interval",
            "1s",
            "--events",
            "drop,reset",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for rule in ["kernel_drops", "resets_sent"] {
        let f = finding(&report, rule);
        assert_eq!(f["severity"], "UNKNOWN", "{f}");
        let why = f["summary"].to_string();
        assert!(
            why.contains("CAP_PERFMON") || why.contains("tracefs"),
            "{f}"
        );
    }
    // Not asked for: skipped, not unknown.
    let f = finding(&report, "peer_retransmits");
    assert_eq!(f["severity"], "OK", "{f}");
    assert!(f["summary"].to_string().contains("--events retrans"), "{f}");
}

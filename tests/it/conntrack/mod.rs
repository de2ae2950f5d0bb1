//! `tcpstate conntrack`: the netfilter conntrack table's TCP entries. Live tests run in a
//! private namespace whose nftables ruleset has a `ct state` rule (which makes conntrack
//! track the namespace's loopback flows), drive sockets into chosen states with the
//! population fixture, and compare with the kernel's own table read in the same namespace
//! (`/proc/net/nf_conntrack`, and `conntrack -L` when installed). Captures are checked
//! against text written by the documented formats.

mod captures;
mod fuzz;
mod reconcile;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::{Counts, Netns, Population, require_tool};
use crate::common::{json, tcpstate};

/// A ruleset that makes conntrack track every flow of the namespace.
const TRACK: &str = "table inet ct_track {\n  chain out { type filter hook output priority 0; ct state new counter accept; }\n}\n";

/// The non-zero states of a JSON `states` object, by kernel name.
fn states(v: &Value) -> BTreeMap<String, u64> {
    v.as_object()
        .expect("a states object")
        .iter()
        .filter_map(|(k, n)| {
            let n = n.as_u64()?;
            (n > 0).then(|| (k.to_ascii_uppercase(), n))
        })
        .collect()
}

/// Per-state counts of the TCP lines of conntrack text, as the awk one-liner counts them.
fn awk_count(text: &str) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for l in text.lines() {
        let w: Vec<&str> = l.split_whitespace().collect();
        let (proto, state) = match w.first() {
            Some(&"ipv4") | Some(&"ipv6") => (w.get(2), w.get(5)),
            _ => (w.first(), w.get(3)),
        };
        if proto == Some(&"tcp")
            && let Some(s) = state
        {
            *m.entry(s.to_string()).or_insert(0) += 1;
        }
    }
    m
}

/// The kernel's table of the namespace, as text.
fn proc_table(ns: &Netns) -> String {
    ns.inside(|| std::fs::read_to_string("/proc/thread-self/net/nf_conntrack"))
        .expect("/proc/net/nf_conntrack is readable in the namespace")
}

/// Make conntrack track the namespace's loopback, then sockets in several states: 3
/// ESTABLISHED connections, TIME_WAIT, CLOSE_WAIT/FIN_WAIT2 pairs, unanswered SYNs, and
/// handshakes whose SYN-ACKs are dropped.
fn populate(ns: &Netns) -> Population<'_> {
    ns.nft(TRACK).expect("the conntrack rule loads");
    Population::builder(ns)
        .v4(Counts {
            established: 6,
            time_wait: 3,
            close_wait: 2,
            fin_wait2: 2,
            syn_sent: 2,
            syn_recv: 2,
            listen: 1,
            ..Counts::default()
        })
        .build()
        .expect("the population builds")
}

#[test]
fn counts_equal_the_kernels_own_table() {
    let Some(ns) = Netns::with_tools("ct-count", &["nft", "ss"]) else {
        return;
    };
    let _pop = populate(&ns);
    let kernel = awk_count(&proc_table(&ns));
    // The flows were driven where they were meant to go, as conntrack names them.
    assert!(
        kernel.get("ESTABLISHED").copied().unwrap_or(0) >= 3,
        "{kernel:?}"
    );
    assert_eq!(kernel.get("TIME_WAIT"), Some(&3), "{kernel:?}");
    // SYN_SENT: SYNs dropped after conntrack saw them; SYN_RECV: SYN-ACKs dropped likewise.
    assert!(
        kernel.get("SYN_SENT").copied().unwrap_or(0) >= 2,
        "{kernel:?}"
    );
    assert!(kernel.contains_key("SYN_RECV"), "{kernel:?}");
    assert!(
        kernel.contains_key("CLOSE_WAIT") || kernel.contains_key("FIN_WAIT"),
        "{kernel:?}"
    );
    // ctnetlink (the default) and the /proc reader both say what the kernel says.
    let v = json(&["conntrack", "--netns", ns.name()]);
    assert_eq!(states(&v["states"]), kernel, "{v}");
    assert_eq!(v["total"].as_u64(), Some(kernel.values().sum()), "{v}");
    assert!(
        v["stats"]["insert_failed"].is_u64(),
        "ctnetlink gives statistics: {v}"
    );
    let stats = v["stats"].clone();
    let v = json(&["conntrack", "--netns", ns.name(), "--source", "proc"]);
    assert_eq!(states(&v["states"]), kernel, "{v}");
    // The same statistics from /proc/net/stat/nf_conntrack (no packet passed in between).
    assert_eq!(v["stats"], stats, "{v}");
    // Zero-filled: every state conntrack has is a key.
    assert_eq!(v["states"].as_object().unwrap().len(), 10, "{v}");
    // The plain format is the one-liner's.
    let out = tcpstate()
        .args(["conntrack", "--netns", ns.name(), "--format", "plain"])
        .output()
        .unwrap();
    let plain: BTreeMap<String, u64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (state, n) = l.split_once(' ').expect("STATE COUNT");
            (state.to_string(), n.parse().expect("a count"))
        })
        .collect();
    assert_eq!(plain, kernel);
    if require_tool("conntrack") {
        let tool = ns
            .check_output("conntrack", &["-L", "-p", "tcp"])
            .expect("conntrack -L runs");
        assert_eq!(awk_count(&tool), kernel);
    }
}

#[test]
fn fill_and_limit_are_the_sysctls() {
    let Some(ns) = Netns::with_tools("ct-fill", &["nft", "ss"]) else {
        return;
    };
    let _pop = populate(&ns);
    let count: u64 = ns
        .read_sysctl("net.netfilter.nf_conntrack_count")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let max: u64 = ns
        .read_sysctl("net.netfilter.nf_conntrack_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(count > 0);
    for source in ["auto", "proc"] {
        let v = json(&["conntrack", "--netns", ns.name(), "--source", source]);
        assert_eq!(v["table"]["entries"].as_u64(), Some(count), "{v}");
        assert_eq!(v["table"]["max"].as_u64(), Some(max), "{v}");
        let fill = v["table"]["fill"].as_f64().unwrap();
        assert!((fill - count as f64 / max as f64).abs() < 1e-4, "{v}");
    }
}

#[test]
fn check_judges_the_table_of_the_namespace() {
    let Some(ns) = Netns::with_tools("ct-check", &["nft", "ss"]) else {
        return;
    };
    let _pop = populate(&ns);
    let out = tcpstate()
        .args(["check", "--netns", ns.name(), "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "conntrack")
        .unwrap_or_else(|| panic!("a conntrack finding: {v}"))
        .clone();
    let count: u64 = ns
        .read_sysctl("net.netfilter.nf_conntrack_count")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let tcp = awk_count(&proc_table(&ns)).values().sum::<u64>();
    assert_eq!(f["metrics"]["conntrack_entries"], count, "{f}");
    assert_eq!(f["metrics"]["conntrack_tcp"], tcp, "{f}");
    assert_eq!(f["severity"], "OK", "a table far from its limit: {f}");
}

#[test]
fn watch_shows_the_tables_fill_and_state_mix() {
    let Some(ns) = Netns::with_tools("ct-watch", &["nft", "ss", "tmux"]) else {
        return;
    };
    let _pop = populate(&ns);
    let kernel = awk_count(&proc_table(&ns));
    let cmd = format!(
        "ip netns exec {} {} watch --interval 200ms",
        ns.name(),
        env!("CARGO_BIN_EXE_tcpstate")
    );
    let t = crate::common::tmux::Tmux::start("ct-watch", 160, 50, &cmd);
    let screen = t.wait_for("the conntrack line with the kernel's counts", |s| {
        s.lines().any(|l| {
            l.contains("conntrack ")
                && l.contains("% full")
                && kernel
                    .iter()
                    .filter(|(st, _)| *st != "ESTABLISHED")
                    .all(|(st, n)| l.contains(&format!("· {st} {n}")))
        })
    });
    assert!(screen.contains("entries ("), "{screen}");
}

#[test]
fn list_shows_each_flow_and_filters_the_original_tuple() {
    let Some(ns) = Netns::with_tools("ct-list", &["nft", "ss"]) else {
        return;
    };
    let _pop = populate(&ns);
    let text = proc_table(&ns);
    let v = json(&["conntrack", "list", "--netns", ns.name()]);
    let rows = v.as_array().expect("an array");
    assert_eq!(rows.len() as u64, awk_count(&text).values().sum::<u64>());
    for r in rows {
        let o = &r["original"];
        let line = format!(
            "src={} dst={} sport={} dport={} ",
            o["src"].as_str().unwrap(),
            o["dst"].as_str().unwrap(),
            o["sport"],
            o["dport"]
        );
        let kernel = text
            .lines()
            .find(|l| l.contains(&line))
            .unwrap_or_else(|| panic!("{line} not in the kernel's table:\n{text}"));
        assert!(
            kernel.contains(&format!(" {} ", r["state"].as_str().unwrap())),
            "{kernel}"
        );
        assert_eq!(
            kernel.contains("[ASSURED]"),
            r["assured"] == true,
            "{kernel}"
        );
        assert_eq!(
            kernel.contains("[UNREPLIED]"),
            r["unreplied"] == true,
            "{kernel}"
        );
        assert_eq!(r["nat"]["snat"], false);
        assert_eq!(r["nat"]["dnat"], false);
        assert!(r["timeout"].as_u64().is_some_and(|t| t > 0), "{r}");
    }
    // --state and --dport apply to the original tuple.
    let syn_sent = rows
        .iter()
        .find(|r| r["state"] == "SYN_SENT")
        .expect("a SYN_SENT flow");
    let port = syn_sent["original"]["dport"].to_string();
    let v = json(&[
        "conntrack",
        "list",
        "--netns",
        ns.name(),
        "--state",
        "syn-sent",
        "--dport",
        &port,
    ]);
    let picked = v.as_array().unwrap();
    assert_eq!(picked.len(), 2, "{v}");
    assert!(
        picked
            .iter()
            .all(|r| r["original"]["dport"] == syn_sent["original"]["dport"])
    );
    // --by groups: the SYN_SENT port holds its two flows.
    let v = json(&[
        "conntrack",
        "--netns",
        ns.name(),
        "--by",
        "dport",
        "--state",
        "syn-sent",
    ]);
    assert_eq!(v[0]["keys"]["dport"], port.as_str(), "{v}");
    assert_eq!(v[0]["total"], 2, "{v}");
}

#[test]
fn no_privilege_is_one_sentence() {
    let Some(_ns) = Netns::with_tools("ct-nobody", &["setpriv"]) else {
        return;
    };
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(assert_cmd::cargo::cargo_bin("tcpstate"))
        .arg("conntrack")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("needs CAP_NET_ADMIN"), "{err}");
}

#[test]
fn a_state_conntrack_does_not_have_is_a_usage_error() {
    let out = tcpstate()
        .args(["conntrack", "--state", "listen"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("conntrack has no LISTEN state"), "{err}");
}

#[test]
fn ipv4_and_ipv6_entries_and_the_family_flags() {
    let Some(ns) = Netns::with_tools("ct-family", &["conntrack"]) else {
        return;
    };
    // Entries made directly in the namespace's table, one per family.
    let mut f = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(
        &mut f,
        b"-I -p tcp -s 10.0.0.1 -d 10.0.1.1 --sport 1000 --dport 80 --state ESTABLISHED -t 3600 -u SEEN_REPLY,ASSURED\n\
          -I -p tcp -s fd00::1 -d fd00::2 --sport 1001 --dport 80 --state TIME_WAIT -t 3600\n\
          -I -p udp -s 10.0.0.1 -d 10.0.1.1 --sport 53 --dport 53 -t 3600\n",
    )
    .unwrap();
    ns.check_output("conntrack", &["-R", f.path().to_str().unwrap()])
        .expect("conntrack -R loads the entries");
    let text = proc_table(&ns);
    assert_eq!(awk_count(&text).values().sum::<u64>(), 2, "{text}");
    for (flag, want) in [
        (None, vec![("ESTABLISHED", 1), ("TIME_WAIT", 1)]),
        (Some("-4"), vec![("ESTABLISHED", 1)]),
        (Some("-6"), vec![("TIME_WAIT", 1)]),
    ] {
        let mut args = vec!["conntrack", "--netns", ns.name()];
        args.extend(flag);
        let v = json(&args);
        let want: BTreeMap<String, u64> = want.into_iter().map(|(s, n)| (s.into(), n)).collect();
        assert_eq!(states(&v["states"]), want, "{flag:?}: {v}");
    }
    let v = json(&["conntrack", "list", "--netns", ns.name(), "-6"]);
    assert_eq!(v[0]["original"]["src"], "fd00::1", "{v}");
    assert_eq!(v[0]["unreplied"], true, "{v}");
}

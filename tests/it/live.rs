//! The core against the real kernel: a private network namespace holds sockets in ten states,
//! IPv4 and IPv6, and tcpstate's summary, list, filters, groups and formats must say exactly
//! what the kernel says — `ss` state by state, `ss` row by row, and the netstat+awk one-liner
//! byte for byte — through both live sources (sock_diag netlink and /proc). Without root the
//! tests skip with a reason.

use crate::common;

use std::collections::BTreeMap;
use std::process::Output;

use common::{Counts, Family, Netns, Population, STATE_KEYS, STATES, require_tool};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

/// A namespace with the tools these tests compare against, or `None` (reason printed).
fn setup(tag: &str) -> Option<Netns> {
    Netns::with_tools(tag, &["ss", "nft"])
}

/// IPv4 counts chosen so that every state's total over both families (IPv6 has one of each,
/// and each family one extra LISTEN for its SYN_RECV listener) differs from every other's:
/// the one-liner's output then has a single possible order.
fn distinct_v4() -> Counts {
    Counts {
        established: 13,
        listen: 1,
        time_wait: 11,
        close_wait: 9,
        fin_wait2: 8,
        syn_sent: 7,
        syn_recv: 6,
        fin_wait1: 5,
        last_ack: 4,
        closing: 2,
    }
}

fn population(ns: &Netns) -> Population<'_> {
    Population::builder(ns)
        .v4(distinct_v4())
        .v6(Counts::each(1))
        .build()
        .expect("the population builds")
}

/// Run tcpstate inside the namespace.
fn tcpstate(ns: &Netns, args: &[&str]) -> Output {
    ns.command(BIN).args(args).output().expect("tcpstate runs")
}

fn ok_stdout(ns: &Netns, args: &[&str]) -> String {
    let out = tcpstate(ns, args);
    assert!(
        out.status.success(),
        "tcpstate {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(ns: &Netns, args: &[&str]) -> Value {
    serde_json::from_str(&ok_stdout(ns, args)).expect("tcpstate printed JSON")
}

/// Lines `ss -Htan ARGS…` prints in the namespace.
fn ss_lines(ns: &Netns, args: &[&str]) -> usize {
    let mut all = vec!["-Htan"];
    all.extend_from_slice(args);
    ns.check_output("ss", &all)
        .expect("ss runs")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

/// Sockets tcpstate lists with `args`.
fn listed(ns: &Netns, args: &[&str]) -> usize {
    let mut all = vec!["list", "--format", "json"];
    all.extend_from_slice(args);
    json(ns, &all).as_array().expect("a JSON array").len()
}

#[test]
fn summary_equals_ss_for_every_state_and_family_through_both_sources() {
    let Some(ns) = setup("live-sum") else { return };
    let pop = population(&ns);
    for source in ["netlink", "proc"] {
        let v = json(&ns, &["--source", source, "--format", "json"]);
        let mut total = 0u64;
        for state in STATES {
            for family in Family::ALL {
                let fam = match family {
                    Family::V4 => "ipv4",
                    Family::V6 => "ipv6",
                };
                let key = state.netstat.to_ascii_lowercase();
                let ours = v["families"][fam]["states"][&key]
                    .as_u64()
                    .expect("zero-filled");
                let kernel = ns
                    .ss_count(state.ss_filter, family.flag())
                    .expect("ss counts");
                assert_eq!(
                    ours as usize, kernel,
                    "{source}: {} {family}: tcpstate {ours}, ss {kernel}",
                    state.netstat
                );
                assert_eq!(
                    ours as usize,
                    pop.expected_count(state.netstat, family),
                    "{source}: {} {family} differs from what the fixture made",
                    state.netstat
                );
                total += ours;
            }
        }
        assert_eq!(v["total"].as_u64(), Some(total), "{source}: total");
        // Zero-filled: every state a listing can show is a key; BOUND_INACTIVE, which the
        // kernel lists only when asked, is null (unknown) when it was not asked for.
        for k in STATE_KEYS {
            assert!(v["states"][k].is_u64(), "{source}: key {k} missing");
        }
        assert!(v["states"]["bound_inactive"].is_null(), "{source}: {v}");
        assert_eq!(v["states"]["close"], 0);
    }
}

#[test]
fn plain_is_the_netstat_awk_one_liner_byte_for_byte() {
    let Some(ns) = setup("live-awk") else { return };
    if !require_tool("netstat") || !require_tool("awk") {
        return;
    }
    let _pop = population(&ns);
    let one_liner = ns
        .check_output(
            "sh",
            &[
                "-c",
                // awk's for-in order is unspecified: put it in tcpstate's order (count, largest
                // first; the population has no ties).
                "netstat -tan | awk '/^tcp/ {++S[$NF]} END {for (a in S) print a, S[a]}' | sort -k2,2nr",
            ],
        )
        .expect("the one-liner runs");
    for source in ["netlink", "proc"] {
        let ours = ok_stdout(&ns, &["--source", source, "--format", "plain"]);
        assert_eq!(ours, one_liner, "{source}");
    }
    assert_eq!(one_liner.lines().count(), 10, "ten states:\n{one_liner}");
}

/// (state, family, local port, peer port) of every socket.
type Row = (String, Family, Option<u16>, Option<u16>);

fn rows_from_json(v: &Value) -> Vec<Row> {
    let mut rows: Vec<Row> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|s| {
            let family = match s["family"].as_str() {
                Some("ipv4") => Family::V4,
                _ => Family::V6,
            };
            let state = s["state"].as_str().expect("state").to_string();
            let port = |e: &Value| e["port"].as_u64().and_then(|p| u16::try_from(p).ok());
            let remote = port(&s["remote"]).filter(|&p| p != 0 || state != "LISTEN");
            (state, family, port(&s["local"]), remote)
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn list_rows_equal_ss_rows_through_both_sources() {
    let Some(ns) = setup("live-list") else { return };
    let _pop = population(&ns);
    let mut kernel: Vec<Row> = Vec::new();
    for family in Family::ALL {
        for s in common::ss::sockets(&ns, family).expect("ss rows") {
            kernel.push((s.state.to_string(), family, s.local_port, s.peer_port));
        }
    }
    kernel.sort();
    for source in ["netlink", "proc"] {
        let v = json(&ns, &["list", "--source", source, "--format", "json"]);
        assert_eq!(rows_from_json(&v), kernel, "{source}");
        for s in v.as_array().expect("array") {
            if matches!(s["state"].as_str(), Some("TIME_WAIT" | "SYN_RECV")) {
                assert!(s["uid"].is_null(), "mini-sockets have no owner: {s}");
                assert_eq!(s["inode"], 0);
            }
        }
    }
    // LISTEN queues: Recv-Q is the accept queue, Send-Q the backlog; ss shows the same.
    let table = ok_stdout(&ns, &["list", "--state", "listen"]);
    let ss = ns.check_output("ss", &["-Htln"]).expect("ss runs");
    let backlogs = |text: &str, col: usize| {
        let mut v: Vec<String> = text
            .lines()
            .filter_map(|l| l.split_whitespace().nth(col).map(str::to_string))
            .collect();
        v.sort();
        v
    };
    let ours: Vec<String> = {
        let mut v: Vec<String> = table
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
            .collect();
        v.sort();
        v
    };
    assert_eq!(ours, backlogs(&ss, 2), "Send-Q of LISTEN sockets");
}

#[test]
fn every_filter_agrees_with_ss() {
    let Some(ns) = setup("live-filter") else {
        return;
    };
    let pop = population(&ns);
    // State groups, as ss understands them.
    for (ours, theirs) in [
        ("connected", "connected"),
        ("synchronized", "synchronized"),
        ("bucket", "bucket"),
        ("big", "big"),
        ("time-wait,close-wait", "time-wait state close-wait"),
        ("SYN_RCVD", "syn-recv"),
        ("LISTENING", "listening"),
    ] {
        let mut ss_args = vec!["state"];
        ss_args.extend(theirs.split(' '));
        assert_eq!(
            listed(&ns, &["--state", ours]),
            ss_lines(&ns, &ss_args),
            "--state {ours}"
        );
    }
    // The closing group: six states.
    let closing: usize = [
        "fin-wait-1",
        "fin-wait-2",
        "closing",
        "last-ack",
        "time-wait",
        "close-wait",
    ]
    .iter()
    .map(|s| ss_lines(&ns, &["state", s]))
    .sum();
    assert_eq!(listed(&ns, &["--state", "closing-all"]), closing);

    // Families.
    assert_eq!(listed(&ns, &["-4"]), ss_lines(&ns, &["-4"]));
    assert_eq!(listed(&ns, &["-6"]), ss_lines(&ns, &["-6"]));

    // Ports: one, a range, either side.
    let ports: Vec<u16> = pop.ports().iter().copied().collect();
    let (lo, hi) = (ports[0], ports[ports.len() / 2]);
    let one = lo.to_string();
    assert_eq!(
        listed(&ns, &["--sport", &one]),
        ss_lines(&ns, &["sport", "=", &format!(":{lo}")]),
        "--sport {lo}"
    );
    assert_eq!(
        listed(&ns, &["--dport", &one]),
        ss_lines(&ns, &["dport", "=", &format!(":{lo}")]),
        "--dport {lo}"
    );
    let range = format!("{lo}-{hi}");
    assert_eq!(
        listed(&ns, &["--port", &range]),
        ss_lines(
            &ns,
            &[
                "(",
                "sport",
                ">=",
                &format!(":{lo}"),
                "and",
                "sport",
                "<=",
                &format!(":{hi}"),
                ")",
                "or",
                "(",
                "dport",
                ">=",
                &format!(":{lo}"),
                "and",
                "dport",
                "<=",
                &format!(":{hi}"),
                ")",
            ]
        ),
        "--port {range}"
    );

    // Addresses and blocks; an IPv4-mapped block matches IPv4 sockets.
    let v4_connected = ss_lines(&ns, &["-4", "dst", "127.0.0.0/8"]);
    assert!(v4_connected > 0);
    assert_eq!(listed(&ns, &["--dst", "127.0.0.0/8"]), v4_connected);
    assert_eq!(
        listed(&ns, &["--dst", "::ffff:127.0.0.0/104"]),
        v4_connected
    );
    assert_eq!(
        listed(&ns, &["--src", "::1"]),
        ss_lines(&ns, &["-6", "src", "[::1]"])
    );
    assert_eq!(listed(&ns, &["--dst", "10.0.0.0/8"]), 0);

    // A service name from /etc/services: a listener on port 80 is `http`.
    if std::fs::read_to_string("/etc/services").is_ok_and(|s| s.contains("80/tcp")) {
        let _l = ns
            .within(|| std::net::TcpListener::bind("127.0.0.1:80"))
            .expect("enters the namespace")
            .expect("binds port 80");
        assert_eq!(listed(&ns, &["--sport", "http", "--state", "listen"]), 1);
    }
}

#[test]
fn grouping_and_formats() {
    let Some(ns) = setup("live-group") else {
        return;
    };
    let pop = population(&ns);

    // --by local-port for CLOSE_WAIT: every group equals ss's count for that port.
    let groups = json(
        &ns,
        &[
            "summary",
            "--by",
            "local-port",
            "--state",
            "close-wait",
            "-f",
            "json",
        ],
    );
    let groups = groups.as_array().expect("array");
    let total: u64 = groups
        .iter()
        .map(|g| g["total"].as_u64().expect("total"))
        .sum();
    assert_eq!(
        total as usize,
        pop.expected_count("CLOSE_WAIT", Family::V4) + pop.expected_count("CLOSE_WAIT", Family::V6)
    );
    for g in groups {
        let port = g["key"].as_str().expect("key");
        assert_eq!(
            g["total"].as_u64().expect("total") as usize,
            ss_lines(
                &ns,
                &["state", "close-wait", "sport", "=", &format!(":{port}")]
            ),
            "local port {port}"
        );
        assert_eq!(g["states"]["close_wait"], g["total"]);
    }
    // Sorted by total, and --top cuts.
    let totals: Vec<u64> = groups.iter().filter_map(|g| g["total"].as_u64()).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    let top = json(&ns, &["--by", "remote-ip", "--top", "1", "-f", "json"]);
    assert_eq!(top.as_array().map(Vec::len), Some(1));

    // Table: a header, one row per non-zero state, a TOTAL row.
    let table = ok_stdout(&ns, &["summary"]);
    let mut lines = table.lines();
    assert!(lines.next().is_some_and(|h| h.starts_with("STATE")));
    let rows: BTreeMap<String, u64> = lines
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.parse().ok()?))
        })
        .collect();
    let expected_total: usize = pop.expected().values().sum();
    assert_eq!(rows.get("TOTAL").copied(), Some(expected_total as u64));
    assert_eq!(rows.len(), 11, "ten states and TOTAL:\n{table}");
    assert!(!table.contains('\u{1b}'), "no colour into a pipe");

    // CSV: zero-filled, one record per state, counts equal JSON's.
    let csv = ok_stdout(&ns, &["--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let v = json(&ns, &["--format", "json"]);
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.expect("a CSV record");
        let state = rec.get(0).expect("state").to_ascii_lowercase();
        let count: Option<u64> = rec.get(3).and_then(|c| c.parse().ok());
        assert_eq!(v["states"][&state].as_u64(), count, "{state}");
        n += 1;
    }
    assert_eq!(n, 12, "every reported state, zeros included");

    // List CSV has the same rows as list JSON.
    let list_csv = ok_stdout(&ns, &["list", "-e", "-o", "--format", "csv"]);
    let rows = csv::Reader::from_reader(list_csv.as_bytes())
        .records()
        .count();
    assert_eq!(rows, listed(&ns, &[]));

    // The table list has netstat's six columns.
    let list = ok_stdout(&ns, &["list", "-4", "--state", "established"]);
    let head = list.lines().next().expect("header");
    for col in [
        "Proto",
        "Recv-Q",
        "Send-Q",
        "Local Address",
        "Foreign Address",
        "State",
    ] {
        assert!(head.contains(col), "{head}");
    }
    assert!(list.lines().skip(1).all(|l| l.starts_with("tcp ")));
}

#[test]
fn explained_summary_carries_meanings() {
    let Some(ns) = setup("live-expl") else { return };
    let _pop = population(&ns);
    let en = ok_stdout(&ns, &["--explain", "--lang", "en"]);
    let zh = ok_stdout(&ns, &["--explain", "--lang", "zh"]);
    assert!(en.contains("MEANING"));
    assert_eq!(en.lines().count(), zh.lines().count());
    // Every state row has a meaning after its share.
    for l in en.lines().skip(1).filter(|l| !l.starts_with("TOTAL")) {
        assert!(l.split_whitespace().count() > 4, "{l}");
    }
    assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
}

#[test]
fn explain_shows_the_sysctls_of_the_chosen_namespace() {
    let Some(ns) = Netns::new("live-explain-ns") else {
        return;
    };
    ns.sysctl("net.ipv4.tcp_fin_timeout", "17")
        .expect("sets the namespace's fin timeout");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(BIN)
            .args(args)
            .output()
            .expect("tcpstate runs");
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let inside = run(&[
        "explain",
        "fin-wait-2",
        "--lang",
        "en",
        "--netns",
        ns.name(),
    ]);
    assert!(inside.contains("net.ipv4.tcp_fin_timeout = 17"), "{inside}");
}

#[test]
fn bound_inactive_is_counted_only_when_asked() {
    let Some(ns) = Netns::new("live-bound") else {
        return;
    };
    // Bound, never listening nor connected: BOUND_INACTIVE, listed by the kernel's bind-table
    // walk (Linux 6.5 and later) only when that state is asked for.
    let _bound = ns.inside(|| {
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .expect("a socket");
        s.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 7501)).into())
            .expect("bind");
        s
    });
    let v = json(&ns, &["--format", "json"]);
    assert!(v["states"]["bound_inactive"].is_null(), "{v}");
    let v = json(&ns, &["--state", "bound-inactive", "--format", "json"]);
    assert_eq!(v["states"]["bound_inactive"], 1, "{v}");
    let listed = ok_stdout(
        &ns,
        &["list", "--state", "bound-inactive", "--format", "csv"],
    );
    assert!(listed.contains("127.0.0.1,7501"), "{listed}");
}

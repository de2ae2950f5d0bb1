//! Saved conntrack text as `--from` input: `conntrack -L` output (with its closing summary
//! line) and `/proc/net/nf_conntrack`, written here by their documented formats, read exactly;
//! a broken line is named by file and line, and is an error with `--strict`.

use std::io::Write;

use super::{json, states, tcpstate};

const TOOL: &str = "\
tcp      6 431999 ESTABLISHED src=10.0.0.5 dst=93.184.216.34 sport=40000 dport=443 src=93.184.216.34 dst=203.0.113.7 sport=443 dport=61000 [ASSURED] mark=0 use=1
tcp      6 117 TIME_WAIT src=10.0.0.5 dst=10.0.0.9 sport=40001 dport=80 src=10.0.0.9 dst=10.0.0.5 sport=80 dport=40001 [ASSURED] mark=0 use=1
tcp      6 119 SYN_SENT src=10.0.0.5 dst=10.0.0.9 sport=40002 dport=81 [UNREPLIED] src=10.0.0.9 dst=10.0.0.5 sport=81 dport=40002 mark=0 use=1
udp      17 29 src=10.0.0.5 dst=10.0.0.53 sport=5353 dport=53 [UNREPLIED] src=10.0.0.53 dst=10.0.0.5 sport=53 dport=5353 mark=0 use=1
tcp      6 59 CLOSE_WAIT src=fd00::5 dst=fd00::9 sport=40003 dport=8080 src=172.17.0.2 dst=fd00::5 sport=80 dport=40003 mark=3 zone=7 use=1
conntrack v1.4.7 (conntrack-tools): 5 flow entries have been shown.
";

const PROC: &str = "\
ipv4     2 tcp      6 431999 ESTABLISHED src=10.1.0.1 dst=10.1.0.2 sport=50000 dport=22 packets=10 bytes=900 src=10.1.0.2 dst=10.1.0.1 sport=22 dport=50000 packets=8 bytes=1200 [ASSURED] mark=0 zone=0 use=2
ipv4     2 tcp      6 431999 ESTABLISHED src=10.1.0.1 dst=10.1.0.2 sport=50001 dport=22 src=10.1.0.2 dst=10.1.0.1 sport=22 dport=50001 [ASSURED] mark=0 zone=0 use=2
ipv6     10 tcp      6 9 CLOSE src=fd00::1 dst=fd00::2 sport=50002 dport=22 src=fd00::2 dst=fd00::1 sport=22 dport=50002 mark=0 zone=0 use=2
ipv4     2 icmp     1 29 src=10.1.0.1 dst=10.1.0.2 type=8 code=0 id=7 src=10.1.0.2 dst=10.1.0.1 type=0 code=0 id=7 mark=0 zone=0 use=2
ipv4     2 tcp      6 100 FIN_WAIT src=10.1.0.1 dst=10.1.0.3 sport=50003 dport=25 src=10.1.0.3 dst=10.1.0.1 sport=25 dport=50003 [ASSURED] mark=0 zone=0 use=2
";

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn map(pairs: &[(&str, u64)]) -> std::collections::BTreeMap<String, u64> {
    pairs.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

#[test]
fn both_texts_are_counted_exactly() {
    let tool = file(TOOL);
    let v = json(&["conntrack", "--from", tool.path().to_str().unwrap()]);
    assert_eq!(
        states(&v["states"]),
        map(&[
            ("ESTABLISHED", 1),
            ("TIME_WAIT", 1),
            ("SYN_SENT", 1),
            ("CLOSE_WAIT", 1)
        ])
    );
    // A capture carries no table size, limit or statistics: unknown, not 0.
    assert!(
        v["table"]["entries"].is_null() && v["table"]["max"].is_null(),
        "{v}"
    );
    assert!(v["stats"].is_null(), "{v}");
    let proc = file(PROC);
    let v = json(&["conntrack", "--from", proc.path().to_str().unwrap()]);
    assert_eq!(
        states(&v["states"]),
        map(&[("ESTABLISHED", 2), ("CLOSE", 1), ("FIN_WAIT", 1)])
    );
    // Two files side by side, with -4.
    let v = json(&[
        "conntrack",
        "-4",
        "--from",
        tool.path().to_str().unwrap(),
        "--from",
        proc.path().to_str().unwrap(),
        "--label",
        "gw",
        "--label",
        "lb",
    ]);
    assert_eq!(v["hosts"][0]["host"], "gw");
    assert_eq!(v["hosts"][0]["total"], 3, "{v}");
    assert_eq!(v["hosts"][1]["total"], 3, "{v}");
    assert_eq!(v["all"]["total"], 6, "{v}");
}

#[test]
fn list_fields_are_read_exactly() {
    let tool = file(TOOL);
    let v = json(&["conntrack", "list", "--from", tool.path().to_str().unwrap()]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let snat = &rows[0];
    assert_eq!(snat["state"], "ESTABLISHED");
    assert_eq!(snat["original"]["dst"], "93.184.216.34");
    assert_eq!(snat["reply"]["dst"], "203.0.113.7");
    assert_eq!(snat["reply"]["dport"], 61000);
    assert_eq!(
        (snat["nat"]["snat"].clone(), snat["nat"]["dnat"].clone()),
        (true.into(), false.into())
    );
    assert_eq!(
        (snat["assured"].clone(), snat["timeout"].clone()),
        (true.into(), 431999.into())
    );
    let syn = &rows[2];
    assert_eq!(
        (syn["unreplied"].clone(), syn["assured"].clone()),
        (true.into(), false.into())
    );
    let v6 = &rows[3];
    assert_eq!(v6["original"]["src"], "fd00::5");
    assert_eq!(
        (v6["mark"].clone(), v6["zone"].clone()),
        (3.into(), 7.into())
    );
    assert_eq!(v6["nat"]["dnat"], true);
    // Filters on the original tuple: --dst, --sport.
    let v = json(&[
        "conntrack",
        "list",
        "--from",
        tool.path().to_str().unwrap(),
        "--dst",
        "10.0.0.0/24",
        "--sport",
        "40001-40002",
    ]);
    let states: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["TIME_WAIT", "SYN_SENT"]);
    // Grouped by destination port, largest first, plain.
    let out = tcpstate()
        .args([
            "conntrack",
            "--from",
            "-",
            "--by",
            "dport",
            "--format",
            "plain",
        ])
        .write_stdin(PROC)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "22 3\n25 1\n");
}

#[test]
fn a_broken_line_is_named_and_strict_makes_it_an_error() {
    let text =
        format!("{PROC}tcp      6 12 ESTABLISHED src=10.1.0.1 dst=10.1.0.2 sport=x dport=22\n");
    let f = file(&text);
    let path = f.path().to_str().unwrap();
    let out = tcpstate()
        .args(["conntrack", "--from", path, "-f", "plain"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{path}:6")), "{err}");
    assert!(err.contains("sport=x: not a port"), "{err}");
    let out = tcpstate()
        .args(["conntrack", "--from", path, "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{path}:6: sport=x: not a port")),
        "{err}"
    );
}

#[test]
fn a_file_with_no_entry_and_unreadable_lines_is_not_an_empty_table() {
    // The socket listing of another tool, given to the wrong command: no conntrack entry, every
    // line unreadable. An empty table with exit 0 would look like a quiet host.
    let f = file(
        "State  Recv-Q Send-Q Local Address:Port  Peer Address:Port\n\
         ESTAB  0      0      10.0.0.1:22         10.0.0.2:50000\n",
    );
    let path = f.path().to_str().unwrap();
    for table in ["conntrack", "ipvs"] {
        let out = tcpstate().args([table, "--from", path]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{table}");
        assert!(out.stdout.is_empty(), "{table}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{path}:1: ")), "{table}: {err}");
        assert!(err.contains("entry was read"), "{table}: {err}");
    }
    // A real table holding only other protocols is a true zero.
    let udp = file(
        "udp      17 29 src=10.0.0.5 dst=10.0.0.53 sport=5353 dport=53 [UNREPLIED] src=10.0.0.53 dst=10.0.0.5 sport=53 dport=5353 mark=0 use=1\n",
    );
    let v = json(&["conntrack", "--from", udp.path().to_str().unwrap()]);
    assert_eq!(v["total"], 0, "{v}");
}

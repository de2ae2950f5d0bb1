//! What a scrape returns: the text and OpenMetrics formats chosen by the Accept header, both
//! accepted by `promtool check metrics`, `--max-ports` bounding the per-port series while
//! saying so, and the namespace's own `tcp_max_tw_buckets`.

use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Stdio};

use super::http::get;
use super::server::start_serve;
use crate::common::{Netns, find_tool};

#[test]
fn formats_follow_the_accept_header_and_pass_promtool() {
    let Some(ns) = Netns::new("serve-fmt") else {
        return;
    };
    let (_serve, addr) = start_serve(&ns, &["--listeners"]);
    let (text, om) = ns.inside(|| {
        (
            get(addr, "/metrics", "").unwrap(),
            get(
                addr,
                "/metrics",
                "Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5\r\n",
            )
            .unwrap(),
        )
    });
    assert_eq!(text.status, 200);
    assert!(
        text.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    assert!(
        text.text()
            .contains("# TYPE tcpstate_listen_overflows_total counter")
    );
    assert!(!text.text().contains("# EOF"));
    assert_eq!(om.status, 200);
    assert!(
        om.header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text; version=1.0.0")
    );
    assert!(om.text().ends_with("# EOF\n"));
    assert!(
        om.text()
            .contains("# TYPE tcpstate_listen_overflows counter")
    );

    if find_tool("promtool") {
        let mut child = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&text.body).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "promtool: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        eprintln!("promtool not installed: lint of the exposition skipped");
    }
}

#[test]
fn max_ports_bounds_the_series_and_says_so() {
    let Some(ns) = Netns::new("serve-max") else {
        return;
    };
    // Three listeners of ours plus the exporter's own: four listening ports.
    let _listeners: Vec<TcpListener> = ns.inside(|| {
        (0..3)
            .map(|_| TcpListener::bind("[::1]:0").unwrap())
            .collect()
    });
    let (_serve, addr) = start_serve(&ns, &["--listeners", "--max-ports", "2"]);
    let body = ns.inside(|| get(addr, "/metrics", "")).unwrap().text();
    let ports_of = |metric: &str| -> std::collections::BTreeSet<String> {
        body.lines()
            .filter(|l| l.starts_with(metric))
            .filter_map(|l| {
                l.split("port=\"")
                    .nth(1)?
                    .split('"')
                    .next()
                    .map(String::from)
            })
            .collect()
    };
    assert_eq!(ports_of("tcpstate_connections_by_port{").len(), 2, "{body}");
    assert_eq!(ports_of("tcpstate_listen_queue{").len(), 2, "{body}");
    assert!(
        body.contains("tcpstate_ports_truncated{table=\"by_port\"} 2\n"),
        "{body}"
    );
    assert!(
        body.contains("tcpstate_ports_truncated{table=\"listen\"} 2\n"),
        "{body}"
    );
}

#[test]
fn time_wait_bucket_limit_is_the_namespaces_own() {
    let Some(ns) = Netns::new("serve-twb") else {
        return;
    };
    // A limit no kernel has by default, set in the namespace only: the exporter must read the
    // sysctl from inside the namespace it watches.
    ns.inside(|| std::fs::write("/proc/sys/net/ipv4/tcp_max_tw_buckets", "4321"))
        .expect("set tcp_max_tw_buckets in the namespace");
    let (_serve, addr) = start_serve(&ns, &[]);
    let body = ns.inside(|| get(addr, "/metrics", "")).unwrap().text();
    assert!(
        body.contains("# TYPE tcpstate_tcp_max_tw_buckets gauge"),
        "{body}"
    );
    assert!(
        body.lines()
            .any(|l| l == "tcpstate_tcp_max_tw_buckets 4321"),
        "{body}"
    );
}

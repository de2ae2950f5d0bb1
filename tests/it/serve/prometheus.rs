//! A real Prometheus server scrapes the exporter inside the namespace, and its HTTP API must
//! return exactly the known counts per state, port and family, zeros included.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tcpstate::TcpState;

use super::http::{get, urlencode};
use super::known_sockets::{expected_v6, settled_population};
use super::server::{port_for, start_serve, wait_listening};
use crate::common::process::ChildGuard;
use crate::common::{Netns, poll};

/// A Prometheus instant query through the HTTP API: label set -> value.
pub(super) fn query(ns: &Netns, prom: SocketAddr, q: &str) -> Vec<(BTreeMap<String, String>, f64)> {
    let path = format!("/api/v1/query?query={}", urlencode(q));
    let reply = ns
        .inside(|| get(prom, &path, ""))
        .expect("query Prometheus");
    assert_eq!(reply.status, 200, "{q}: {}", reply.text());
    let doc: serde_json::Value = serde_json::from_slice(&reply.body).expect("JSON from Prometheus");
    doc["data"]["result"]
        .as_array()
        .expect("a vector result")
        .iter()
        .map(|r| {
            let labels = r["metric"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect();
            let v = r["value"][1].as_str().unwrap().parse::<f64>().unwrap();
            (labels, v)
        })
        .collect()
}

/// One value per value of `label`.
pub(super) fn by_label(
    rows: &[(BTreeMap<String, String>, f64)],
    label: &str,
) -> BTreeMap<String, f64> {
    rows.iter()
        .map(|(l, v)| (l.get(label).cloned().unwrap_or_default(), *v))
        .collect()
}

#[test]
fn prometheus_stores_the_known_counts() {
    // A real Prometheus scrapes the exporter (apt-get install prometheus).
    let Some(ns) = Netns::with_tools("serve-prom", &["prometheus"]) else {
        return;
    };
    let pop = settled_population(&ns);
    let (a, b) = (pop.port_a, pop.port_b);
    let unused = 1; // tracked explicitly, no socket on it: every series must be 0
    let ports = format!("{a},{b},{unused}");
    let (_serve, target) = start_serve(
        &ns,
        &["--by-port", &ports, "--listeners", "--compat-node-exporter"],
    );

    let (_prometheus, prom, _dir) = start_prometheus(&ns, target, "");

    // Every state of the IPv6 family, zeros included, but BOUND_INACTIVE, which the kernel
    // lists only when asked (`serve --state all,bound-inactive`).
    let rows = query(&ns, prom, "tcpstate_connections{family=\"ipv6\"}");
    let got = by_label(&rows, "state");
    assert_eq!(got.len(), TcpState::REPORTED.len() - 1, "{got:?}");
    assert!(!got.contains_key("bound_inactive"), "{got:?}");
    for s in TcpState::REPORTED
        .into_iter()
        .filter(|&s| s != TcpState::BoundInactive)
    {
        let want = expected_v6().get(&s).copied().unwrap_or(0) as f64;
        assert_eq!(got.get(s.key()), Some(&want), "state {}: {got:?}", s.key());
    }
    // IPv4 has every state too (its counts are the exporter's and Prometheus's own sockets).
    assert_eq!(
        query(&ns, prom, "tcpstate_connections{family=\"ipv4\"}").len(),
        TcpState::REPORTED.len() - 1
    );

    // Per port, both directions, every state.
    let port_expect = |port: u16| -> BTreeMap<(String, String), f64> {
        let mut m = BTreeMap::new();
        for s in TcpState::REPORTED {
            for d in ["local", "remote"] {
                m.insert((s.key().to_string(), d.to_string()), 0.0);
            }
        }
        let mut set = |s: TcpState, d: &str, v: f64| {
            m.insert((s.key().to_string(), d.to_string()), v);
        };
        if port == a {
            set(TcpState::Listen, "local", 1.0);
            set(TcpState::Established, "local", 3.0);
            set(TcpState::Established, "remote", 3.0);
        } else if port == b {
            set(TcpState::Listen, "local", 1.0);
            set(TcpState::Established, "local", 2.0);
            set(TcpState::CloseWait, "local", 1.0);
            set(TcpState::TimeWait, "local", 2.0);
            set(TcpState::Established, "remote", 2.0);
            set(TcpState::FinWait2, "remote", 1.0);
        }
        m
    };
    for port in [a, b, unused] {
        let rows = query(
            &ns,
            prom,
            &format!("tcpstate_connections_by_port{{port=\"{port}\"}}"),
        );
        let got: BTreeMap<(String, String), f64> = rows
            .iter()
            .map(|(l, v)| ((l["state"].clone(), l["direction"].clone()), *v))
            .collect();
        assert_eq!(got, port_expect(port), "port {port}");
    }

    // Listener health.
    let one = |q: String| -> f64 {
        let r = query(&ns, prom, &q);
        assert_eq!(r.len(), 1, "{q}: {r:?}");
        r[0].1
    };
    assert_eq!(one(format!("tcpstate_listen_queue{{port=\"{a}\"}}")), 3.0);
    assert_eq!(one(format!("tcpstate_listen_backlog{{port=\"{a}\"}}")), 8.0);
    assert_eq!(one(format!("tcpstate_listen_queue{{port=\"{b}\"}}")), 0.0);
    assert_eq!(
        one(format!("tcpstate_listen_backlog{{port=\"{b}\"}}")),
        16.0
    );
    assert_eq!(one(format!("tcpstate_listeners{{port=\"{b}\"}}")), 1.0);
    assert!(
        query(
            &ns,
            prom,
            &format!("tcpstate_listen_queue{{port=\"{unused}\"}}")
        )
        .is_empty()
    );

    // The compatibility series is the sum over both families, state by state, from the same
    // scrape; every one of node_exporter's eleven states is there.
    let diff = query(
        &ns,
        prom,
        "node_tcp_connection_states - on(state) sum by (state) (tcpstate_connections)",
    );
    assert_eq!(diff.len(), 11, "{diff:?}");
    assert!(diff.iter().all(|(_, v)| *v == 0.0), "{diff:?}");

    // Kernel counters of the namespace: the test made 8 connections itself.
    assert!(one("tcpstate_active_opens_total".into()) >= 8.0);
    assert!(one("tcpstate_passive_opens_total".into()) >= 8.0);
    assert_eq!(one("tcpstate_listen_overflows_total".into()), 0.0);
    assert_eq!(one("tcpstate_scrape_errors_total".into()), 0.0);
    assert_eq!(one("sum(tcpstate_ports_truncated)".into()), 0.0);
    assert!(one("tcpstate_scrape_duration_seconds".into()) > 0.0);
}

/// A real Prometheus inside the namespace scraping the exporter at `target` every second as
/// job `tcpstate` (rules evaluated every second too), with `extra` appended to its
/// configuration (`rule_files:`); returns once it has stored a successful scrape. The guard
/// stops it; the directory holds its data and its log.
pub(super) fn start_prometheus(
    ns: &Netns,
    target: SocketAddr,
    extra: &str,
) -> (ChildGuard, SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: tcpstate\n    static_configs:\n      - targets: ['{target}']\n{extra}"
        ),
    )
    .unwrap();
    let log_path = dir.path().join("prometheus.log");
    let log_text = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let prom = port_for(ns);
    let log = std::fs::File::create(&log_path).unwrap();
    let mut cmd = ns.command("prometheus");
    cmd.arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address={prom}"))
        .stdout(Stdio::null())
        .stderr(log);
    let mut prometheus = ChildGuard::spawn("prometheus", &mut cmd);
    assert!(
        wait_listening(ns, prom, &mut prometheus),
        "prometheus did not start: {}",
        log_text()
    );
    // It accepts connections before its storage is open, and answers 503 until it is ready.
    let ready = poll(Duration::from_secs(30), Duration::from_millis(100), || {
        let reply = ns.inside(|| get(prom, "/-/ready", "")).ok()?;
        (reply.status == 200).then_some(())
    });
    assert!(
        ready.is_some(),
        "prometheus never became ready: {}",
        log_text()
    );

    // Wait (bounded) for a successful scrape to be stored.
    let up = poll(Duration::from_secs(30), Duration::from_millis(250), || {
        let r = query(
            ns,
            prom,
            "up{job=\"tcpstate\"} == 1 and on() tcpstate_scrape_success == 1",
        );
        (!r.is_empty()).then_some(())
    });
    assert!(
        up.is_some(),
        "Prometheus never stored a successful scrape: {}",
        log_text()
    );
    (prometheus, prom, dir)
}

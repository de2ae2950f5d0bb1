//! The shipped rules (`contrib/prometheus/tcpstate.rules.yml`) loaded into a real Prometheus
//! that scrapes a real exporter: the recording rules compute from the exporter's real series
//! (the accept queue fill of known listeners, TIME_WAIT against the namespace's own
//! `tcp_max_tw_buckets`), an accept queue filled past its backlog makes
//! `TcpstateAcceptQueueNearlyFull` pending for that port alone, and the exporter alerts stay
//! quiet while it is scraped.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use tcpstate_population::Server;
use tcpstate_population::sockets::listener;

use super::known_sockets::settled_population;
use super::prometheus::{by_label, query, start_prometheus};
use super::server::start_serve;
use crate::common::{self, Netns, poll};

#[test]
fn prometheus_evaluates_the_shipped_rules_on_real_series() {
    let Some(ns) = Netns::with_tools("serve-rules", &["prometheus"]) else {
        return;
    };
    let pop = settled_population(&ns);
    // An IPv4 listener with backlog 1 and two connections it never accepts: the kernel queues
    // backlog + 1, so Recv-Q 2 against Send-Q 1.
    let (full_port, _full) = ns.inside(|| {
        let l: std::net::TcpListener = listener(Server::new(common::Family::V4, 0), 1)
            .expect("a listener on 127.0.0.1")
            .into();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, l.local_addr().unwrap().port()));
        let clients: Vec<TcpStream> = (0..2)
            .map(|_| TcpStream::connect(addr).expect("connect"))
            .collect();
        (addr.port(), (l, clients))
    });
    let (_serve, target) = start_serve(&ns, &["--listeners"]);
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/prometheus/tcpstate.rules.yml");
    let (_prometheus, prom, _dir) = start_prometheus(
        &ns,
        target,
        &format!("rule_files:\n  - '{}'\n", rules.display()),
    );

    // Recording rules, from the exporter's real series.
    let fill = poll(Duration::from_secs(20), Duration::from_millis(250), || {
        let rows = query(&ns, prom, "port:tcpstate_listen_queue:fill_ratio");
        let by_port = by_label(&rows, "port");
        (by_port.len() >= 3).then_some(by_port)
    })
    .expect("the accept queue fill is recorded for every listener");
    assert_eq!(
        fill.get(&pop.port_a.to_string()),
        Some(&(3.0 / 8.0)),
        "{fill:?}"
    );
    assert_eq!(fill.get(&pop.port_b.to_string()), Some(&0.0), "{fill:?}");
    assert_eq!(fill.get(&full_port.to_string()), Some(&2.0), "{fill:?}");

    let tw = query(&ns, prom, "instance:tcpstate_time_wait_buckets:fill_ratio");
    let limit = query(&ns, prom, "tcpstate_tcp_max_tw_buckets");
    let in_tw = query(
        &ns,
        prom,
        "instance:tcpstate_connections:sum_family{state=\"time_wait\"}",
    );
    assert_eq!(
        (tw.len(), limit.len(), in_tw.len()),
        (1, 1, 1),
        "{tw:?} {limit:?} {in_tw:?}"
    );
    assert!(
        in_tw[0].1 >= 2.0,
        "the population's two TIME_WAIT: {in_tw:?}"
    );
    assert!(
        (tw[0].1 - in_tw[0].1 / limit[0].1).abs() < 1e-9,
        "{tw:?} {in_tw:?} {limit:?}"
    );

    // The alert on the full queue is pending (its `for` keeps it from firing within a test),
    // for that port alone.
    let pending = poll(Duration::from_secs(20), Duration::from_millis(250), || {
        let rows = query(
            &ns,
            prom,
            "ALERTS{alertname=\"TcpstateAcceptQueueNearlyFull\",alertstate=\"pending\"}",
        );
        (!rows.is_empty()).then_some(rows)
    })
    .expect("TcpstateAcceptQueueNearlyFull becomes pending");
    let ports: Vec<&str> = pending.iter().map(|(l, _)| l["port"].as_str()).collect();
    assert_eq!(ports, [full_port.to_string().as_str()], "{pending:?}");
    assert_eq!(pending[0].0["severity"], "warning");

    // Scraped and dumping: the exporter alerts are quiet.
    for alert in [
        "TcpstateExporterDown",
        "TcpstateExporterAbsent",
        "TcpstateScrapeFailing",
    ] {
        let rows = query(&ns, prom, &format!("ALERTS{{alertname=\"{alert}\"}}"));
        assert!(rows.is_empty(), "{alert}: {rows:?}");
    }
}

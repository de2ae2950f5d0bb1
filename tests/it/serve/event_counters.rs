//! `serve --events retrans,reset`: the exporter's event counters against the kernel. Under
//! random loss (an nftables rule) the retransmits of one service port add up to the
//! namespace's `RetransSegs` increase, and a connect to a closed port raises the reset
//! counters sent (reason NO_SOCKET) and received by one each.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use super::http::get;
use super::server::start_serve;
use crate::common::traffic::{retrans_segs, unique_ip};
use crate::common::{Netns, poll};

/// The sum of the series of `family` whose labels contain every `want`.
fn sum_of(body: &str, family: &str, want: &[&str]) -> u64 {
    body.lines()
        .filter(|l| l.starts_with(&format!("{family}{{")))
        .filter(|l| want.iter().all(|w| l.contains(w)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[test]
fn retransmits_and_resets_counted_as_the_kernel_counts() {
    let Some(ns) = Netns::with_tools("serve-events", &["nft", "ss"]) else {
        return;
    };
    ns.ip(&["link", "set", "lo", "gso_max_segs", "1"])
        .expect("gso_max_segs");
    let ports = ns.alloc_ports(2).expect("ports");
    let (service, closed) = (ports, ports + 1);
    ns.nft(&format!(
        "table inet loss {{\n chain in {{\n type filter hook input priority 0;\n \
         tcp dport {service} numgen random mod 100 < 5 drop\n }}\n}}\n"
    ))
    .expect("nft loss rule");
    let range = format!("{service}-{closed}");
    // The tracepoints see every namespace, where other tests use the same ports: this test's
    // connections go to an address of its own, and ss's words narrow the exporter to it.
    let ip = unique_ip();
    let ip_text = ip.to_string();
    let (_serve, addr) = start_serve(
        &ns,
        &[
            "--min-interval",
            "0",
            "--events",
            "retrans,reset",
            "--port",
            &range,
            "(",
            "src",
            &ip_text,
            "or",
            "dst",
            &ip_text,
            ")",
        ],
    );
    let scrape = || {
        ns.inside(|| get(addr, "/metrics", ""))
            .map(|r| r.text())
            .unwrap_or_default()
    };
    let before = retrans_segs(&ns);
    let target = SocketAddr::from((ip, service));
    ns.inside(|| {
        let l = TcpListener::bind(target).expect("bind");
        std::thread::scope(|s| {
            s.spawn(|| {
                let (mut a, _) = l.accept().expect("accept");
                let mut buf = vec![0u8; 65536];
                while a.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
            });
            let mut c = TcpStream::connect(target).expect("connect");
            let chunk = vec![1u8; 65536];
            for _ in 0..128 {
                c.write_all(&chunk).expect("write");
            }
            c.shutdown(Shutdown::Write).expect("shutdown");
            let _ = c.read_to_end(&mut Vec::new());
        });
        let refused = TcpStream::connect(SocketAddr::from((ip, closed)));
        assert!(refused.is_err(), "nothing listens on the closed port");
    });
    let quiet = poll(Duration::from_secs(20), Duration::from_millis(100), || {
        let out = ns
            .check_output("ss", &["-Htan", "state", "last-ack", "state", "fin-wait-1"])
            .unwrap_or_default();
        (!out.contains(&format!(":{service}"))).then_some(())
    });
    assert!(quiet.is_some(), "the connection never finished closing");
    let increase = retrans_segs(&ns) - before;
    assert!(increase > 0, "5 % loss over 8 MiB made no retransmit");
    let port = format!("port=\"{service}\"");
    let seen = poll(Duration::from_secs(20), Duration::from_millis(200), || {
        let body = scrape();
        let retrans = sum_of(&body, "tcpstate_retransmits_total", &[&port]);
        let sent = sum_of(
            &body,
            "tcpstate_resets_total",
            &["direction=\"sent\"", "reason=\"NO_SOCKET\""],
        );
        let received = sum_of(&body, "tcpstate_resets_total", &["direction=\"received\""]);
        // An event the kernel could not deliver is counted as lost, never made up.
        let lost = body
            .lines()
            .find_map(|l| l.strip_prefix("tcpstate_events_lost_total "))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
        (retrans + lost >= increase && sent >= 1 && received >= 1)
            .then_some((retrans, sent, received, body))
    });
    let Some((retrans, sent, received, body)) = seen else {
        panic!(
            "the counters never reached the kernel's: RetransSegs +{increase}\n{}",
            scrape()
        );
    };
    if body.contains("tcpstate_events_lost_total 0") {
        assert_eq!(retrans, increase, "{body}");
        assert_eq!((sent, received), (1, 1), "{body}");
    }
    // Both directions of the service port are labelled with it: the client's retransmits
    // towards it (outbound) and the server's own (inbound, a listener is known there).
    assert!(
        body.lines()
            .filter(|l| l.starts_with("tcpstate_retransmits_total{"))
            .all(|l| l.contains(&port)),
        "{body}"
    );
}

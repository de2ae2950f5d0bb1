//! The conntrack series of `tcpstate serve`: in a namespace whose loopback conntrack tracks,
//! `tcpstate_conntrack_entries{state}` is zero-filled and equals the kernel's table, the
//! limit and size equal the sysctls, and the statistics are counters.

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use super::http::get;
use super::server::start_serve;
use crate::common::{Netns, poll};

fn value(body: &str, series: &str) -> Option<u64> {
    body.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn conntrack_series_equal_the_kernels_table() {
    let Some(ns) = Netns::with_tools("serve-ct", &["nft"]) else {
        return;
    };
    ns.nft("table inet ct_track {\n  chain out { type filter hook output priority 0; ct state new counter accept; }\n}\n")
        .expect("the conntrack rule loads");
    let (_serve, addr) = start_serve(&ns, &["--min-interval", "0"]);
    // Three connections held ESTABLISHED on a port of their own.
    let _held = ns.inside(|| {
        let l = TcpListener::bind("127.0.0.1:7900").expect("a listener");
        let c: Vec<(TcpStream, TcpStream)> = (0..3)
            .map(|_| {
                let c = TcpStream::connect("127.0.0.1:7900").expect("a connection");
                (c, l.accept().expect("accepted").0)
            })
            .collect();
        (l, c)
    });
    let body = poll(Duration::from_secs(10), Duration::from_millis(100), || {
        let body = ns.inside(|| get(addr, "/metrics", "")).ok()?.text();
        let n = value(&body, "tcpstate_conntrack_entries{state=\"established\"}")?;
        (n >= 3).then_some(body)
    })
    .expect("the exporter shows the conntrack entries");
    // The kernel's table, read after the scrape: the scrapes' own flows may have come and
    // gone, so compare the port the test holds and the zero-filling.
    let text = ns
        .inside(|| std::fs::read_to_string("/proc/thread-self/net/nf_conntrack"))
        .expect("the kernel's table");
    let held = text
        .lines()
        .filter(|l| l.contains("dport=7900 ") && l.contains(" ESTABLISHED "))
        .count();
    assert_eq!(held, 3, "{text}");
    let states: BTreeMap<&str, u64> = body
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("tcpstate_conntrack_entries{state=\"")?;
            let (state, v) = rest.split_once("\"} ")?;
            Some((state, v.trim().parse().ok()?))
        })
        .collect();
    assert_eq!(
        states.len(),
        10,
        "every conntrack state is exported: {body}"
    );
    assert_eq!(states["syn_sent2"], 0);
    let max: u64 = ns
        .read_sysctl("net.netfilter.nf_conntrack_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(value(&body, "tcpstate_conntrack_max"), Some(max), "{body}");
    assert!(value(&body, "tcpstate_conntrack_table_entries").is_some_and(|n| n >= 3));
    assert!(
        body.contains("# TYPE tcpstate_conntrack_insert_failed_total counter"),
        "{body}"
    );
    assert!(
        value(&body, "tcpstate_conntrack_insert_failed_total").is_some(),
        "{body}"
    );
}

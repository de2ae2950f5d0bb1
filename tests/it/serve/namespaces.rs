//! `serve --all-netns` follows the namespaces as they come and go: a namespace made after the
//! exporter started is exported (with its own sockets, under its own label) without a
//! restart, and one deleted stops being exported.

use std::net::TcpListener;
use std::time::Duration;

use super::http::get;
use super::server::start_serve;
use crate::common::{Netns, poll};

/// The `tcpstate_connections` series of IPv6 LISTEN sockets labelled `netns="name"`, and its
/// value, in one scrape.
fn listen_v6_of(body: &str, name: &str) -> Option<u64> {
    let series =
        format!("tcpstate_connections{{netns=\"{name}\",state=\"listen\",family=\"ipv6\"}} ");
    body.lines()
        .find_map(|l| l.strip_prefix(series.as_str()))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn all_netns_exports_namespaces_made_and_forgets_those_deleted() {
    let Some(here) = Netns::new("serve-all") else {
        return;
    };
    let (_serve, addr) = start_serve(&here, &["--all-netns", "--min-interval", "0"]);
    let scrape = || here.inside(|| get(addr, "/metrics", "")).map(|r| r.text());

    // Made after the start: two IPv6 listeners in it.
    let Some(later) = Netns::new("serve-later") else {
        return;
    };
    let name = later.name().to_string();
    let listeners: Vec<TcpListener> = later.inside(|| {
        (0..2)
            .map(|_| TcpListener::bind("[::1]:0").expect("a listener"))
            .collect()
    });
    let seen = poll(Duration::from_secs(20), Duration::from_millis(100), || {
        let body = scrape().ok()?;
        listen_v6_of(&body, &name).filter(|&n| n == 2)
    });
    assert_eq!(seen, Some(2), "{name} never exported: {:?}", scrape());

    // Deleted: its sockets closed and its name removed, nothing holds it any more.
    drop(listeners);
    drop(later);
    let gone = poll(Duration::from_secs(20), Duration::from_millis(100), || {
        let body = scrape().ok()?;
        (!body.contains(&format!("netns=\"{name}\""))).then_some(())
    });
    assert!(gone.is_some(), "{name} still exported: {:?}", scrape());
}

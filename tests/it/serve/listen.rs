//! The forms of `--listen` beside ADDR:PORT: `localhost:PORT`, a name resolved at start and
//! listened on at each of its addresses, and `:PORT`, every address of the host, IPv4 and
//! IPv6 — each starts and answers a scrape on loopback of both families.

use std::net::{SocketAddr, ToSocketAddrs};

use super::http::get;
use super::server::{port_for, start_serve_listening};
use crate::common::Netns;

/// A scrape of `addr` from inside the namespace answers 200 with the metrics.
fn scrapes(ns: &Netns, addr: SocketAddr) {
    let r = ns
        .inside(|| get(addr, "/metrics", ""))
        .unwrap_or_else(|e| panic!("scraping {addr}: {e}"));
    assert_eq!(r.status, 200, "{addr}: {}", r.head);
    assert!(r.text().contains("tcpstate_connections{"), "{addr}");
}

#[test]
fn a_host_name_is_resolved_and_each_address_served() {
    let Some(ns) = Netns::new("serve-lhost") else {
        return;
    };
    let v4 = port_for(&ns);
    let listen = format!("localhost:{}", v4.port());
    let serve = start_serve_listening(&ns, &listen, v4, &[]);
    scrapes(&ns, v4);
    // Where the resolver also gives localhost ::1, that is served too.
    let resolved: Vec<SocketAddr> = ("localhost", v4.port())
        .to_socket_addrs()
        .expect("resolving localhost")
        .collect();
    if let Some(v6) = resolved.iter().find(|a| a.is_ipv6()) {
        scrapes(&ns, *v6);
    }
    drop(serve);
}

#[test]
fn a_bare_port_is_every_address_ipv4_and_ipv6() {
    let Some(ns) = Netns::new("serve-anyport") else {
        return;
    };
    let v4 = port_for(&ns);
    let serve = start_serve_listening(&ns, &format!(":{}", v4.port()), v4, &[]);
    scrapes(&ns, v4);
    scrapes(&ns, SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], v4.port())));
    // Not loopback only: another address of the namespace answers too.
    let status = ns
        .command("ip")
        .args(["addr", "add", "192.0.2.7/32", "dev", "lo"])
        .status()
        .expect("running ip");
    assert!(status.success());
    scrapes(&ns, SocketAddr::from(([192, 0, 2, 7], v4.port())));
    drop(serve);
}

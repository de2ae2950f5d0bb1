//! Which listener drops: a listener whose accept queue is overflowed on purpose shows its drops
//! rising in `tcpstate_listener_drops_total{port}`, and only that listener; an idle listener
//! beside it stays at 0.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use super::http::get;
use super::server::start_serve;
use crate::common::{Family, Netns, poll};
use tcpstate_population::Server;
use tcpstate_population::sockets::listener;

/// The value of `tcpstate_listener_drops_total{port="PORT"}` in a scrape.
fn drops_of(body: &str, port: u16) -> Option<u64> {
    let series = format!("tcpstate_listener_drops_total{{port=\"{port}\"}} ");
    body.lines()
        .find_map(|l| l.strip_prefix(series.as_str()))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn the_overflowed_listener_and_only_it_shows_drops() {
    let Some(ns) = Netns::new("serve-drops") else {
        return;
    };
    let (_serve, addr) = start_serve(&ns, &["--min-interval", "0"]);
    let _held = ns.inside(|| {
        let full: TcpListener = listener(Server::new(Family::V4, 7800), 1)
            .expect("a listener")
            .into();
        let idle: TcpListener = listener(Server::new(Family::V4, 7801), 16)
            .expect("a listener")
            .into();
        // Never accepted: past backlog + 1 the kernel drops the handshakes' last ACKs.
        let target: SocketAddr = "127.0.0.1:7800".parse().expect("an address");
        let clients: Vec<TcpStream> = (0..8)
            .filter_map(|_| TcpStream::connect_timeout(&target, Duration::from_millis(300)).ok())
            .collect();
        (full, idle, clients)
    });
    let seen = poll(Duration::from_secs(20), Duration::from_millis(200), || {
        let body = ns.inside(|| get(addr, "/metrics", "")).ok()?.text();
        let (full, idle) = (drops_of(&body, 7800)?, drops_of(&body, 7801)?);
        (full > 0).then_some((full, idle, body))
    });
    let Some((full, idle, body)) = seen else {
        panic!("the overflowed listener never showed drops");
    };
    assert!(full > 0, "{body}");
    assert_eq!(idle, 0, "{body}");
}

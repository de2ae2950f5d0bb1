//! `serve --peers N`: the N peers with the most connections get their series (connections,
//! rtt quantiles, bytes sent and retransmitted, sockets retransmitting), the others are
//! counted in `tcpstate_ports_truncated{table="peers"}`, the text exposition passes
//! `promtool check metrics` (OpenMetrics carries the units), and without the flag there is
//! no peer series at all.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};

use super::http::get;
use super::server::start_serve;
use crate::common::{Netns, require_tool};

/// The value of the series `name{labels}` in a text scrape.
fn value(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

/// `count` connections from `from` to `to`, with both ends returned to be held.
fn connect(l: &TcpListener, from: &str, to: SocketAddr, count: usize) -> Vec<TcpStream> {
    let mut v = Vec::new();
    for _ in 0..count {
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .expect("a socket");
        let src: SocketAddr = format!("{from}:0").parse().expect("an address");
        s.bind(&src.into()).expect("bind the source address");
        s.connect(&to.into()).expect("connect");
        let mut c: TcpStream = s.into();
        c.write_all(b"hello").expect("send");
        let (mut server, _) = l.accept().expect("accept");
        server.write_all(b"welcome").expect("reply");
        v.push(c);
        v.push(server);
    }
    v
}

#[test]
fn the_busiest_peers_get_series_the_rest_are_counted() {
    let Some(ns) = Netns::new("serve-peers") else {
        return;
    };
    // The client sides' peer is 127.0.0.1 (5 connections, and the scrape's own two ends:
    // 7); the server sides' peers are 127.0.0.2 (3) and 127.0.0.3 (2).
    let _held = ns.inside(|| {
        let l = TcpListener::bind("127.0.0.1:7870").expect("a listener");
        let to: SocketAddr = "127.0.0.1:7870".parse().expect("an address");
        let mut held = connect(&l, "127.0.0.2", to, 3);
        held.extend(connect(&l, "127.0.0.3", to, 2));
        (l, held)
    });
    let (_serve, addr) = start_serve(&ns, &["--min-interval", "0", "--peers", "2"]);
    let text = ns.inside(|| get(addr, "/metrics", "")).expect("a scrape");
    let body = text.text();
    let conns = |peer: &str| {
        value(
            &body,
            &format!("tcpstate_peer_connections{{peer=\"{peer}\"}}"),
        )
    };
    // (At least: the exporter's readiness probe may still be closing.)
    assert!(conns("127.0.0.1").is_some_and(|n| n >= 7.0), "{body}");
    assert_eq!(conns("127.0.0.2"), Some(3.0), "{body}");
    assert_eq!(conns("127.0.0.3"), None, "{body}");
    assert_eq!(
        value(&body, "tcpstate_ports_truncated{table=\"peers\"}"),
        Some(1.0),
        "{body}"
    );
    // The server sides towards 127.0.0.2 sent 7 bytes each; every connection has an rtt.
    assert_eq!(
        value(&body, "tcpstate_peer_sent_bytes{peer=\"127.0.0.2\"}"),
        Some(21.0),
        "{body}"
    );
    assert_eq!(
        value(
            &body,
            "tcpstate_peer_retransmitted_bytes{peer=\"127.0.0.2\"}"
        ),
        Some(0.0),
        "{body}"
    );
    let p99 = value(&body, "tcpstate_peer_rtt_p99_seconds{peer=\"127.0.0.2\"}");
    assert!(p99.is_some_and(|s| s > 0.0 && s < 1.0), "{body}");
    assert_eq!(
        value(&body, "tcpstate_peer_retransmitting{peer=\"127.0.0.2\"}"),
        Some(0.0),
        "{body}"
    );

    // OpenMetrics carries the same series with the unit in its metadata.
    let om = ns
        .inside(|| {
            get(
                addr,
                "/metrics",
                "Accept: application/openmetrics-text;version=1.0.0\r\n",
            )
        })
        .expect("a scrape")
        .text();
    assert!(
        om.contains("# UNIT tcpstate_peer_rtt_p99_seconds seconds"),
        "{om}"
    );
    if require_tool("promtool") {
        let mut child = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs promtool");
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(&text.body).expect("feed promtool");
        }
        let out = child.wait_with_output().expect("promtool ends");
        assert!(
            out.status.success(),
            "promtool: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // Off by default: no peer series, no peers table.
    let (_plain, plain_addr) = start_serve(&ns, &["--min-interval", "0"]);
    let plain = ns
        .inside(|| get(plain_addr, "/metrics", ""))
        .expect("a scrape")
        .text();
    assert!(!plain.contains("tcpstate_peer_"), "{plain}");
    assert!(!plain.contains("table=\"peers\""), "{plain}");
}

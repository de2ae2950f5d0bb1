//! Serving under stress and at its edges: 50 concurrent scrapes share one collection,
//! malformed requests get a 4xx while serving goes on, SIGTERM and SIGINT end it with exit
//! status 0, and `--netns` exports the chosen namespace with its label.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::Barrier;
use std::time::Duration;

use super::http::{Reply, exchange, get};
use super::server::start_serve;
use crate::common::Netns;

#[test]
fn concurrent_scrapes_share_one_collection() {
    let Some(ns) = Netns::new("serve-conc") else {
        return;
    };
    let (_serve, addr) = start_serve(&ns, &["--min-interval", "1h"]);
    const N: usize = 50;
    let replies: Vec<Reply> = ns.inside(|| {
        let barrier = Barrier::new(N);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..N)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        get(addr, "/metrics", "")
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap().expect("a scrape"))
                .collect()
        })
    });
    assert_eq!(replies.len(), N);
    for r in &replies {
        assert_eq!(r.status, 200, "{}", r.head);
        assert_eq!(r.body, replies[0].body, "bodies differ");
    }
    assert!(
        replies[0]
            .text()
            .contains("\ntcpstate_collections_total 1\n")
    );
}

#[test]
fn malformed_requests_get_4xx_and_serving_goes_on() {
    let Some(ns) = Netns::new("serve-bad") else {
        return;
    };
    let (mut serve, addr) = start_serve(&ns, &[]);
    let long_header = format!("GET / HTTP/1.1\r\nX-Long: {}\r\n\r\n", "a".repeat(10_000));
    let many_headers = format!(
        "GET / HTTP/1.1\r\n{}\r\n",
        (0..100)
            .map(|i| format!("X-{i}: v\r\n"))
            .collect::<String>()
    );
    let cases: Vec<(Vec<u8>, u16)> = vec![
        (b"\x00\x01\x02\xff garbage\r\n\r\n".to_vec(), 400),
        (b"\r\n\r\n".to_vec(), 400),
        (b"GET /metrics\r\n\r\n".to_vec(), 400),
        (b"GET http://x/metrics HTTP/1.1\r\n\r\n".to_vec(), 400),
        (
            b"GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n".to_vec(),
            400,
        ),
        (
            b"POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc".to_vec(),
            405,
        ),
        (b"DELETE / HTTP/1.1\r\n\r\n".to_vec(), 405),
        (b"GET /nothing-here HTTP/1.1\r\n\r\n".to_vec(), 404),
        (long_header.into_bytes(), 431),
        (many_headers.into_bytes(), 431),
    ];
    ns.inside(|| {
        for (raw, want) in &cases {
            let r = exchange(addr, raw).expect("a reply");
            assert_eq!(
                r.status,
                *want,
                "request {:?}: {}",
                String::from_utf8_lossy(&raw[..raw.len().min(40)]),
                r.head
            );
        }
        // A client that connects and goes away, and one that sends half a request and closes.
        drop(TcpStream::connect(addr).unwrap());
        {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"GET /met").unwrap();
        }
        // Still serving.
        let r = get(addr, "/metrics", "").unwrap();
        assert_eq!(r.status, 200);
        assert!(r.text().contains("tcpstate_connections{"));
        let r = get(addr, "/", "").unwrap();
        assert_eq!(r.status, 200);
        assert!(r.text().contains("href=\"/metrics\""));
        let r = exchange(addr, b"HEAD /metrics HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(r.status, 200);
        assert!(r.body.is_empty());
    });
    assert!(serve.exited().is_none(), "the server died");
}

#[test]
fn sigterm_and_sigint_stop_it_with_exit_0() {
    let Some(ns) = Netns::new("serve-sig") else {
        return;
    };
    for sig in [libc::SIGTERM, libc::SIGINT] {
        let (mut serve, addr) = start_serve(&ns, &[]);
        assert_eq!(ns.inside(|| get(addr, "/metrics", "")).unwrap().status, 200);
        // `ip netns exec` execs the command in place, so the child's pid is tcpstate's.
        let pid = libc::pid_t::try_from(serve.pid()).expect("a pid");
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
        let status = serve
            .wait_for(Duration::from_secs(20))
            .expect("tcpstate serve did not stop");
        assert_eq!(status.code(), Some(0), "signal {sig}");
    }
}

#[test]
fn netns_exports_the_chosen_namespace_with_its_label() {
    // The exporter runs (and listens) in `here`; it must report `there`, labelled.
    let Some(here) = Netns::new("serve-here") else {
        return;
    };
    let Some(there) = Netns::new("serve-there") else {
        return;
    };
    let _listeners: Vec<TcpListener> = there.inside(|| {
        (0..3)
            .map(|_| TcpListener::bind("[::1]:0").unwrap())
            .collect()
    });
    let (_serve, addr) = start_serve(&here, &["--netns", there.name(), "--min-interval", "0"]);
    let body = here.inside(|| get(addr, "/metrics", "")).unwrap().text();
    let label = format!("netns=\"{}\"", there.name());
    let line = |state: &str, family: &str| {
        format!("tcpstate_connections{{{label},state=\"{state}\",family=\"{family}\"}}")
    };
    assert!(
        body.contains(&format!("{} 3\n", line("listen", "ipv6"))),
        "{body}"
    );
    // The exporter's own IPv4 listener is in `here`, not in `there`.
    assert!(
        body.contains(&format!("{} 0\n", line("listen", "ipv4"))),
        "{body}"
    );
    assert!(
        body.lines()
            .filter(|l| l.starts_with("tcpstate_connections{"))
            .all(|l| l.contains(&label)),
        "every series carries the namespace label: {body}"
    );
}

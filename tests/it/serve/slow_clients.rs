//! Clients that hold connections without finishing a request must not hold up the scraper:
//! with 500 idle connections and 100 clients sending a byte a second a scrape is answered at
//! once (and the exporter counts those connections); past `--max-connections` the oldest idle
//! connections are closed, with a 503, to serve the scraper; SIGTERM with idle connections
//! and a response stuck in flight ends within the grace period with 0, and a second SIGTERM
//! during that grace ends it at once with 128 + 15.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

use super::http::get;
use super::server::start_serve;
use crate::common::Netns;
use crate::common::process::ChildGuard;

/// Generous: Prometheus's own scrape timeout is 10 s; an answer held up by the slow clients
/// took 10 s or more before.
const ANSWERS_WITHIN: Duration = Duration::from_secs(5);

/// Let this test process hold a few thousand sockets (the soft limit is often 1024).
fn raise_descriptor_limit() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let want = limit.maximum.map_or(65536, |m| m.min(65536));
    if limit.current.is_some_and(|c| c < want) {
        setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(want),
                maximum: limit.maximum,
            },
        )
        .expect("raising RLIMIT_NOFILE");
    }
}

/// `n` connections to `addr` made inside `ns`, one after the other, that send nothing.
fn connect_many(ns: &Netns, addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    ns.inside(|| {
        (0..n)
            .map(|i| {
                TcpStream::connect_timeout(&addr, Duration::from_secs(5))
                    .unwrap_or_else(|e| panic!("connection {i}: {e}"))
            })
            .collect()
    })
}

/// Clients that send a request one byte a second, on a thread stopped when this is dropped.
struct Trickle {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Trickle {
    fn start(mut streams: Vec<TcpStream>) -> Trickle {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let request = b"GET /metrics HTTP/1.1\r\nHost: slow\r\n\r\n";
            for byte in request.iter().cycle() {
                for s in &mut streams {
                    // A stream the server closed (408) fails; the others go on.
                    let _ = s.write_all(&[*byte]);
                }
                for _ in 0..10 {
                    if flag.load(Ordering::SeqCst) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        });
        Trickle {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Trickle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The value of the series `name` in an exposition, if present.
fn series(body: &str, name: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// Whether the server has closed `s`: a read ends (data then EOF, or a reset) instead of
/// waiting. Reads what was sent into `seen`.
fn closed_by_server(s: &mut TcpStream, seen: &mut Vec<u8>) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(20)))
        .expect("a read timeout");
    let mut buf = [0u8; 512];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

fn signal(child: &ChildGuard, sig: libc::c_int) {
    // `ip netns exec` execs the command in place, so the child's pid is tcpstate's.
    let pid = libc::pid_t::try_from(child.pid()).expect("a pid");
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
}

#[test]
fn idle_and_trickling_clients_do_not_hold_up_a_scrape() {
    let Some(ns) = Netns::new("serve-slow") else {
        return;
    };
    raise_descriptor_limit();
    let (mut serve, addr) = start_serve(&ns, &["--max-connections", "1000", "--min-interval", "0"]);
    let _idle = connect_many(&ns, addr, 500);
    let _trickle = Trickle::start(connect_many(&ns, addr, 100));
    // Let the trickle clients send a byte or two.
    std::thread::sleep(Duration::from_millis(1200));
    for _ in 0..3 {
        let started = Instant::now();
        let r = ns.inside(|| get(addr, "/metrics", "")).expect("a scrape");
        let took = started.elapsed();
        assert_eq!(r.status, 200, "{}", r.head);
        assert!(took < ANSWERS_WITHIN, "the scrape took {took:?}");
        let body = r.text();
        // Both ends of the 600 connections are open while the scrape is answered.
        let established = series(
            &body,
            "tcpstate_connections{state=\"established\",family=\"ipv4\"}",
        )
        .unwrap_or_else(|| panic!("no established series: {body}"));
        assert!(established >= 1200.0, "established {established}: {body}");
    }
    assert!(serve.exited().is_none(), "the server died");
}

#[test]
fn past_the_limit_the_oldest_idle_connections_make_room_for_the_scraper() {
    let Some(ns) = Netns::new("serve-limit") else {
        return;
    };
    let (_serve, addr) = start_serve(&ns, &["--max-connections", "20"]);
    let opened = Instant::now();
    let mut idle = connect_many(&ns, addr, 60);
    let started = Instant::now();
    let r = ns.inside(|| get(addr, "/metrics", "")).expect("a scrape");
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(r.text().contains("tcpstate_connections{"));
    assert!(started.elapsed() < ANSWERS_WITHIN);
    let mut seen = Vec::new();
    let closed: Vec<bool> = idle
        .iter_mut()
        .enumerate()
        .map(|(i, s)| {
            let mut bytes = Vec::new();
            let c = closed_by_server(s, &mut bytes);
            if i == 0 {
                seen = bytes;
            }
            c
        })
        .collect();
    let count = closed.iter().filter(|c| **c).count();
    // 60 idle and the scraper through 20 places: at least 41 idle ones had to go.
    assert!(count >= 41, "only {count} of 60 idle connections closed");
    assert!(closed[0], "the oldest idle connection is still open");
    assert!(
        seen.starts_with(b"HTTP/1.1 503 "),
        "the oldest got {:?}",
        String::from_utf8_lossy(&seen)
    );
    // Before the head deadline (5 s) only the oldest went: the youngest is still open.
    if opened.elapsed() < Duration::from_secs(4) {
        assert!(!closed[59], "the youngest idle connection was closed");
    }
}

#[test]
fn sigterm_closes_idle_connections_and_ends_within_the_grace() {
    let Some(ns) = Netns::new("serve-term") else {
        return;
    };
    let (mut serve, addr) = start_serve(&ns, &[]);
    let mut idle = connect_many(&ns, addr, 30);
    assert_eq!(ns.inside(|| get(addr, "/metrics", "")).unwrap().status, 200);
    let started = Instant::now();
    signal(&serve, libc::SIGTERM);
    let status = serve
        .wait_for(Duration::from_secs(20))
        .expect("tcpstate serve did not stop");
    let took = started.elapsed();
    assert_eq!(status.code(), Some(0));
    // The head deadline (5 s) must not be waited for: well within it.
    assert!(took < Duration::from_secs(3), "stopping took {took:?}");
    assert!(
        idle.iter_mut()
            .all(|s| closed_by_server(s, &mut Vec::new()))
    );
}

/// Start the exporter with a response of about 2 MB, and a client that asks for it and does
/// not read: with the namespace's send buffers capped, the answer stays in flight.
fn stuck_response(ns: &Netns) -> (ChildGuard, TcpStream) {
    let status = ns
        .command("sysctl")
        .args(["-qw", "net.ipv4.tcp_wmem=4096 4096 16384"])
        .status()
        .expect("running sysctl");
    assert!(status.success(), "sysctl net.ipv4.tcp_wmem failed");
    let (serve, addr) = start_serve(ns, &["--by-port", "1-1000", "--max-ports", "4096"]);
    let client = ns.inside(|| {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
        s.set_recv_buffer_size(4096).expect("SO_RCVBUF");
        s.connect_timeout(&addr.into(), Duration::from_secs(5))
            .expect("connecting");
        let mut s = TcpStream::from(s);
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: stuck\r\n\r\n")
            .expect("sending the request");
        s
    });
    // The answer has started to arrive: it is being written.
    client
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a read timeout");
    let mut first = [0u8; 16];
    let n = client.peek(&mut first).expect("the response begins");
    assert!(first[..n].starts_with(b"HTTP/1.1 200"));
    (serve, client)
}

#[test]
fn an_answer_in_flight_gets_the_grace_and_no_more() {
    let Some(ns) = Netns::new("serve-grace") else {
        return;
    };
    let (mut serve, _client) = stuck_response(&ns);
    let started = Instant::now();
    signal(&serve, libc::SIGTERM);
    let status = serve
        .wait_for(Duration::from_secs(20))
        .expect("tcpstate serve did not stop");
    let took = started.elapsed();
    assert_eq!(status.code(), Some(0));
    // The grace is 2 s; the write deadline (10 s) is not waited for.
    assert!(took < ANSWERS_WITHIN, "stopping took {took:?}");
}

#[test]
fn a_second_sigterm_ends_a_slow_stop_at_once() {
    let Some(ns) = Netns::new("serve-term2") else {
        return;
    };
    let (mut serve, _client) = stuck_response(&ns);
    signal(&serve, libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        serve.exited().is_none(),
        "stopped without waiting for the answer in flight"
    );
    signal(&serve, libc::SIGTERM);
    let status = serve
        .wait_for(Duration::from_secs(20))
        .expect("tcpstate serve did not stop");
    // 128 + SIGTERM: the second signal's exit, not the orderly one after the grace.
    assert_eq!(status.code(), Some(128 + libc::SIGTERM));
}

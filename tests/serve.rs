//! `tcpstate serve` against real things: a real Prometheus server scrapes the exporter inside a
//! private network namespace holding known IPv6 sockets, and its HTTP API must return exactly
//! the known counts, zeros included. All HTTP traffic (scrapes, API queries) is IPv4, so the
//! IPv6 counts are exactly the sockets the test made. Also: 50 concurrent scrapes share one
//! body, malformed requests get 4xx while serving goes on, SIGTERM and SIGINT end it with 0.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Barrier;
use std::time::Duration;

use common::population::sockets::{listener, read_eof};
use common::process::ChildGuard;
use common::{Netns, find_tool, poll};
use socket2::Socket;
use tcpstate::analyze::count::Counts;
use tcpstate::source::netlink::NetlinkSource;
use tcpstate::source::{Query, Source};
use tcpstate::{Family, TcpState};

const TCPSTATE: &str = env!("CARGO_BIN_EXE_tcpstate");

/// The sockets the test holds open, all on ::1 inside the namespace.
struct Population {
    _keep: Vec<Box<dyn Send>>,
    /// Listener with 3 connections waiting in its accept queue (backlog 8).
    port_a: u16,
    /// Listener with 2 accepted connections, 1 CLOSE_WAIT and 2 TIME_WAIT (backlog 16).
    port_b: u16,
}

/// The known IPv6 counts of the population.
fn expected_v6() -> BTreeMap<TcpState, u64> {
    BTreeMap::from([
        (TcpState::Listen, 2),
        // A: 3 queued + 3 clients; B: 2 accepted + 2 clients.
        (TcpState::Established, 10),
        (TcpState::CloseWait, 1),
        (TcpState::FinWait2, 1),
        (TcpState::TimeWait, 2),
    ])
}

/// A listener on ::1, on a port the kernel picks, with an explicit backlog (std's is fixed).
fn listen_v6(backlog: usize) -> TcpListener {
    listener(common::Family::V6, 0, backlog)
        .expect("a listener on ::1")
        .into()
}

/// Make the population; must run inside the namespace.
fn populate() -> Population {
    let mut keep: Vec<Box<dyn Send>> = Vec::new();
    let a = listen_v6(8);
    let port_a = a.local_addr().unwrap().port();
    for _ in 0..3 {
        keep.push(Box::new(
            TcpStream::connect(a.local_addr().unwrap()).unwrap(),
        ));
    }
    let b = listen_v6(16);
    let port_b = b.local_addr().unwrap().port();
    let addr_b = b.local_addr().unwrap();
    for _ in 0..2 {
        keep.push(Box::new(TcpStream::connect(addr_b).unwrap()));
        keep.push(Box::new(b.accept().unwrap().0));
    }
    // CLOSE_WAIT on the server side, FIN_WAIT2 on the client side: the client closes.
    let client = TcpStream::connect(addr_b).unwrap();
    let server = Socket::from(b.accept().unwrap().0);
    drop(client);
    read_eof(&server).expect("the client's FIN");
    keep.push(Box::new(server));
    // TIME_WAIT on the server side: the server closes first, then the client.
    for _ in 0..2 {
        let client = Socket::from(TcpStream::connect(addr_b).unwrap());
        let server = b.accept().unwrap().0;
        server.shutdown(Shutdown::Both).unwrap();
        drop(server);
        read_eof(&client).expect("the server's FIN");
        drop(client);
    }
    keep.push(Box::new(a));
    keep.push(Box::new(b));
    Population {
        _keep: keep,
        port_a,
        port_b,
    }
}

/// IPv6 counts as the kernel reports them now; must run inside the namespace.
fn kernel_v6_counts() -> Counts {
    let mut counts = Counts::new();
    let mut src = NetlinkSource::open().unwrap();
    let q = Query {
        v4: false,
        ..Query::default()
    };
    src.run(&q, &mut counts).unwrap();
    counts
}

/// Make the population and wait (bounded) until the kernel shows exactly the known counts.
fn settled_population(ns: &Netns) -> Population {
    let pop = ns.inside(populate);
    let settled = poll(Duration::from_secs(5), Duration::from_millis(50), || {
        let c = ns.inside(kernel_v6_counts);
        TcpState::REPORTED
            .iter()
            .all(|&s| c.get_family(Family::V6, s) == expected_v6().get(&s).copied().unwrap_or(0))
            .then_some(())
    });
    if settled.is_none() {
        let c = ns.inside(kernel_v6_counts);
        panic!("the population never settled: {:?}", c.all_rows());
    }
    pop
}

/// A port on 127.0.0.1 for a server of the test, reserved in the namespace.
fn port_for(ns: &Netns) -> SocketAddr {
    let port = ns.alloc_ports(1).expect("a free port");
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Start `tcpstate serve` inside the namespace with `args`; waits until it accepts.
fn start_serve(ns: &Netns, args: &[&str]) -> (ChildGuard, SocketAddr) {
    let addr = port_for(ns);
    let listen = addr.to_string();
    let mut cmd = ns.command(TCPSTATE);
    cmd.args(["serve", "--listen", &listen])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = ChildGuard::spawn("tcpstate serve", &mut cmd);
    if !wait_listening(ns, addr, &mut child) {
        let mut err = String::new();
        if let Some(mut e) = child.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        panic!("tcpstate serve did not start: {err}");
    }
    (child, addr)
}

/// A Prometheus instant query through the HTTP API: label set -> value.
fn query(ns: &Netns, prom: SocketAddr, q: &str) -> Vec<(BTreeMap<String, String>, f64)> {
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
fn by_label(rows: &[(BTreeMap<String, String>, f64)], label: &str) -> BTreeMap<String, f64> {
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

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: tcpstate\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .unwrap();
    let prom = port_for(&ns);
    let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
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
        wait_listening(&ns, prom, &mut prometheus),
        "prometheus did not start: {}",
        std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default()
    );
    // It accepts connections before its storage is open, and answers 503 until it is ready.
    let ready = poll(Duration::from_secs(30), Duration::from_millis(100), || {
        let reply = ns.inside(|| get(prom, "/-/ready", "")).ok()?;
        (reply.status == 200).then_some(())
    });
    assert!(
        ready.is_some(),
        "prometheus never became ready: {}",
        std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default()
    );

    // Wait (bounded) for a successful scrape to be stored.
    let mut up = false;
    for _ in 0..120 {
        let r = query(
            &ns,
            prom,
            "up{job=\"tcpstate\"} == 1 and on() tcpstate_scrape_success == 1",
        );
        if !r.is_empty() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(
        up,
        "Prometheus never stored a successful scrape: {}",
        std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default()
    );

    // Every state of the IPv6 family, zeros included.
    let rows = query(&ns, prom, "tcpstate_connections{family=\"ipv6\"}");
    let got = by_label(&rows, "state");
    assert_eq!(got.len(), TcpState::REPORTED.len(), "{got:?}");
    for s in TcpState::REPORTED {
        let want = expected_v6().get(&s).copied().unwrap_or(0) as f64;
        assert_eq!(got.get(s.key()), Some(&want), "state {}: {got:?}", s.key());
    }
    // IPv4 has every state too (its counts are the exporter's and Prometheus's own sockets).
    assert_eq!(
        query(&ns, prom, "tcpstate_connections{family=\"ipv4\"}").len(),
        TcpState::REPORTED.len()
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

#[test]
fn one_walk_dump_sees_what_the_per_family_dumps_see() {
    let Some(ns) = Netns::new("serve-walk") else {
        return;
    };
    let _pop = settled_population(&ns);
    let (ordered, unordered, n_ordered, n_unordered) = ns.inside(|| {
        // Some IPv4 sockets too: a listener and one connection to it.
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let _c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let _s = l.accept().unwrap();
        let mut src = NetlinkSource::open().unwrap();
        let (mut a, mut b) = (Counts::new(), Counts::new());
        let ra = src.run(&Query::default(), &mut a).unwrap();
        let rb = src.run_unordered(&Query::default(), &mut b).unwrap();
        (a, b, ra.sockets, rb.sockets)
    });
    assert_eq!(n_ordered, n_unordered);
    assert_eq!(ordered, unordered);
    assert_eq!(unordered.get_family(Family::V4, TcpState::Established), 2);
    assert_eq!(unordered.get_family(Family::V4, TcpState::Listen), 1);
    assert_eq!(unordered.get_family(Family::V6, TcpState::Established), 10);
}

#[test]
fn formats_follow_the_accept_header_and_pass_promtool() {
    let Some(ns) = Netns::new("serve-fmt") else {
        return;
    };
    let (_serve, addr) = start_serve(&ns, &["--listeners"]);
    let (text, om) = ns.inside(|| {
        (
            get(addr, "/metrics", "").unwrap(),
            get(
                addr,
                "/metrics",
                "Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5\r\n",
            )
            .unwrap(),
        )
    });
    assert_eq!(text.status, 200);
    assert!(
        text.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    assert!(
        text.text()
            .contains("# TYPE tcpstate_listen_overflows_total counter")
    );
    assert!(!text.text().contains("# EOF"));
    assert_eq!(om.status, 200);
    assert!(
        om.header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text; version=1.0.0")
    );
    assert!(om.text().ends_with("# EOF\n"));
    assert!(
        om.text()
            .contains("# TYPE tcpstate_listen_overflows counter")
    );

    if find_tool("promtool") {
        let mut child = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&text.body).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "promtool: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        eprintln!("promtool not installed: lint of the exposition skipped");
    }
}

#[test]
fn max_ports_bounds_the_series_and_says_so() {
    let Some(ns) = Netns::new("serve-max") else {
        return;
    };
    // Three listeners of ours plus the exporter's own: four listening ports.
    let _listeners: Vec<TcpListener> = ns.inside(|| {
        (0..3)
            .map(|_| TcpListener::bind("[::1]:0").unwrap())
            .collect()
    });
    let (_serve, addr) = start_serve(&ns, &["--listeners", "--max-ports", "2"]);
    let body = ns.inside(|| get(addr, "/metrics", "")).unwrap().text();
    let ports_of = |metric: &str| -> std::collections::BTreeSet<String> {
        body.lines()
            .filter(|l| l.starts_with(metric))
            .filter_map(|l| {
                l.split("port=\"")
                    .nth(1)?
                    .split('"')
                    .next()
                    .map(String::from)
            })
            .collect()
    };
    assert_eq!(ports_of("tcpstate_connections_by_port{").len(), 2, "{body}");
    assert_eq!(ports_of("tcpstate_listen_queue{").len(), 2, "{body}");
    assert!(
        body.contains("tcpstate_ports_truncated{table=\"by_port\"} 2\n"),
        "{body}"
    );
    assert!(
        body.contains("tcpstate_ports_truncated{table=\"listen\"} 2\n"),
        "{body}"
    );
}

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

/// Waits (bounded) until something accepts connections on `addr` inside `ns`; false if
/// `child` exited first or nothing ever did.
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

fn wait_listening(ns: &Netns, addr: SocketAddr, child: &mut ChildGuard) -> bool {
    poll(Duration::from_secs(20), Duration::from_millis(50), || {
        if child.exited().is_some() {
            return Some(false);
        }
        ns.inside(|| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok())
            .then_some(true)
    })
    .unwrap_or(false)
}

/// An HTTP response as read off the wire.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Send `raw` bytes to `addr` and read the whole reply (the server closes after it). Must run
/// inside the namespace.
fn exchange(addr: SocketAddr, raw: &[u8]) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.write_all(raw)?;
    let mut all = Vec::new();
    s.read_to_end(&mut all)?;
    let end = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .unwrap_or(all.len());
    let head = String::from_utf8_lossy(&all[..end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(Reply {
        status,
        head,
        body: all[end..].to_vec(),
    })
}

/// `GET path` over HTTP/1.0 with optional extra header lines. Must run inside the namespace.
fn get(addr: SocketAddr, path: &str, extra: &str) -> std::io::Result<Reply> {
    exchange(
        addr,
        format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n{extra}\r\n").as_bytes(),
    )
}

/// Percent-encode a query-string value.
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

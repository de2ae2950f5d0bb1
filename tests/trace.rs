//! `tcpstate trace` against the real kernel: connections made in a private network namespace,
//! traced by the binary (run inside the namespace, so its snapshot and TIME_WAIT lookups see
//! the same sockets), its JSON Lines output parsed and compared with what the connections
//! must have done. The tracepoint is global, so each test uses its own port (and a loopback
//! address of its own) and filters on it. Needs root; skips with a reason otherwise.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use common::process::ChildGuard;
use common::{Netns, is_root, poll, require_tool, skip};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

static SEQ: AtomicU16 = AtomicU16::new(0);

/// A port and a loopback address of this test alone (the tracepoint sees every namespace on
/// the host, so tests running at once must not share them).
fn unique_endpoint() -> (Ipv4Addr, u16) {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mix = std::process::id()
        .wrapping_mul(2_654_435_761)
        .wrapping_add(nanos)
        .wrapping_add(u32::from(n) * 7919);
    let port = 20_000 + (mix % 12_000) as u16;
    let ip = Ipv4Addr::new(
        127,
        100 + (mix >> 16) as u8 % 100,
        (mix >> 8) as u8,
        1 + n as u8 % 200,
    );
    (ip, port)
}

/// A running `tcpstate trace --format json` inside a namespace.
struct Trace {
    child: ChildGuard,
    dir: tempfile::TempDir,
    pid: Option<i32>,
}

impl Trace {
    /// Start it and wait until it says it is ready. `None` (reason printed) when this host
    /// cannot trace.
    fn start(ns: &Netns, args: &[&str]) -> Option<Trace> {
        let dir = tempfile::tempdir().expect("tempdir");
        let ready = dir.path().join("ready");
        let out = std::fs::File::create(dir.path().join("out")).expect("out file");
        let err = std::fs::File::create(dir.path().join("err")).expect("err file");
        let child = ChildGuard::spawn(
            "tcpstate trace",
            ns.command(BIN)
                .args(["trace", "--format", "json", "--ready-file"])
                .arg(&ready)
                .args(args)
                .stdout(out)
                .stderr(err),
        );
        let mut t = Trace {
            child,
            dir,
            pid: None,
        };
        let started = poll(Duration::from_secs(30), Duration::from_millis(20), || {
            let pid = std::fs::read_to_string(&ready)
                .ok()
                .and_then(|text| text.trim().parse().ok());
            match pid {
                Some(pid) => Some(Ok(pid)),
                None => t.child.exited().map(Err),
            }
        });
        match started.expect("tcpstate trace never got ready") {
            Ok(pid) => {
                t.pid = Some(pid);
                Some(t)
            }
            Err(status) => {
                let err = t.stderr();
                if err.contains("root") || err.contains("tracefs") || err.contains("CAP_PERFMON") {
                    // Not the fixture's skip: a kernel or container without tracing is no
                    // missing tool, so TCPSTATE_REQUIRE_NETNS=1 does not make it a failure.
                    eprintln!("skipped: this host cannot trace: {}", err.trim());
                    return None;
                }
                panic!("tcpstate trace exited ({status}) before it was ready: {err}");
            }
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.path("err")).unwrap_or_default()
    }

    fn lines(&self) -> Vec<Value> {
        std::fs::read_to_string(self.path("out"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Wait (bounded) until the output so far satisfies `pred`.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&[Value]) -> bool) {
        if !self.wait_until(20, pred) {
            // Let it print its summary before failing: it says what it saw.
            self.interrupt();
            let _ = self.child.child.wait();
            panic!(
                "timed out waiting for {what}; output:\n{}\nstderr:\n{}",
                std::fs::read_to_string(self.path("out")).unwrap_or_default(),
                self.stderr()
            );
        }
    }

    /// Wait up to `secs` until the output satisfies `pred`; whether it did.
    fn wait_until(&self, secs: u64, pred: impl Fn(&[Value]) -> bool) -> bool {
        poll(Duration::from_secs(secs), Duration::from_millis(50), || {
            pred(&self.lines()).then_some(())
        })
        .is_some()
    }

    fn interrupt(&self) {
        if let Some(pid) = self.pid {
            // SAFETY: signalling the tracer process this test started.
            unsafe {
                libc::kill(pid, libc::SIGINT);
            }
        }
    }

    /// Stop it with SIGINT; return its transitions and its summary.
    fn stop(mut self) -> (Vec<Value>, Value) {
        self.interrupt();
        let status = self.child.child.wait().expect("wait for tcpstate");
        assert!(status.success(), "tcpstate trace failed: {}", self.stderr());
        let lines = self.lines();
        let summary = lines
            .iter()
            .find(|v| v["type"] == "summary")
            .cloned()
            .unwrap_or_else(|| panic!("no summary line; stderr: {}", self.stderr()));
        let events = lines
            .into_iter()
            .filter(|v| v["type"] == "transition")
            .collect();
        (events, summary)
    }
}

fn step(v: &Value) -> (String, String, bool) {
    (
        v["old"].as_str().unwrap_or("?").to_string(),
        v["new"].as_str().unwrap_or("?").to_string(),
        v["inferred"] == true,
    )
}

fn touches(v: &Value, ip: Ipv4Addr, port: u16) -> bool {
    let ep = |k: &str| {
        (
            v[k]["address"].as_str().unwrap_or("").to_string(),
            v[k]["port"].as_u64().unwrap_or(0),
        )
    };
    let ip = ip.to_string();
    let (la, lp) = ep("local");
    let (ra, rp) = ep("remote");
    (la == ip && lp == u64::from(port)) || (ra == ip && rp == u64::from(port))
}

/// Events grouped per socket (by skaddr), each in order.
fn by_socket(events: &[Value]) -> BTreeMap<String, Vec<Value>> {
    let mut m: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for e in events {
        m.entry(e["skaddr"].as_str().unwrap_or("").to_string())
            .or_default()
            .push(e.clone());
    }
    m
}

fn steps(events: &[Value]) -> Vec<(String, String, bool)> {
    events.iter().map(step).collect()
}

fn s(a: &str, b: &str, inferred: bool) -> (String, String, bool) {
    (a.to_string(), b.to_string(), inferred)
}

/// The summary's transitions must be exactly the kernel transitions shown.
fn assert_matrix_matches(events: &[Value], summary: &Value) {
    let mut counted: BTreeMap<(String, String), u64> = BTreeMap::new();
    for e in events.iter().filter(|e| e["inferred"] == false) {
        let (o, n, _) = step(e);
        *counted.entry((o, n)).or_default() += 1;
    }
    let mut reported: BTreeMap<(String, String), u64> = BTreeMap::new();
    for c in summary["transitions"]
        .as_array()
        .expect("transitions array")
    {
        reported.insert(
            (
                c["from"].as_str().unwrap_or("").into(),
                c["to"].as_str().unwrap_or("").into(),
            ),
            c["count"].as_u64().unwrap_or(0),
        );
    }
    assert_eq!(counted, reported, "summary matrix differs from the events");
    let inferred = events.iter().filter(|e| e["inferred"] == true).count() as u64;
    assert_eq!(summary["time_wait"]["confirmed"].as_u64(), Some(inferred));
    assert_eq!(
        summary["events"]["shown"].as_u64(),
        Some(counted.values().sum::<u64>())
    );
}

/// Fail the check with a message unless `cond`.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

/// Run a traced scenario until its check passes. A failed check is retried only when the
/// tracer itself said its trace was incomplete (some kernels count tracepoint hits they never
/// deliver, see `Summary::undelivered`): that is the kernel's doing, and tcpstate said so.
fn until_complete(name: &str, mut attempt: impl FnMut() -> Option<(Value, Result<(), String>)>) {
    for n in 1..=5 {
        let Some((summary, outcome)) = attempt() else {
            return;
        };
        match outcome {
            Ok(()) => return,
            Err(why) if summary["complete"] == false => {
                eprintln!(
                    "{name}: attempt {n}: the kernel did not deliver every event ({} undelivered, {} lost), so: {why}; trying again",
                    summary["events"]["undelivered"], summary["events"]["lost"]
                );
            }
            Err(why) => panic!("{name}: {why}\nsummary: {summary}"),
        }
    }
    panic!("{name}: no complete trace in 5 attempts");
}

/// Busy threads on every CPU until dropped (at most 30 s): timers then fire in the context of
/// a running task rather than of an idle CPU, whose tracepoint samples some kernels drop.
struct Busy {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Busy {
    fn new() -> Busy {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        let threads = (0..n)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let end = Instant::now() + Duration::from_secs(30);
                    while !stop.load(Ordering::Relaxed) && Instant::now() < end {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        Busy { stop, threads }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// The moves of the socket whose first move `first` picks, which must be exactly `want`.
fn life<'a>(
    socks: &'a BTreeMap<String, Vec<Value>>,
    name: &str,
    first: impl Fn(&Value) -> bool,
    want: &[(String, String, bool)],
) -> Result<&'a Vec<Value>, String> {
    let moves = socks
        .values()
        .find(|v| first(&v[0]))
        .ok_or(format!("no {name} socket"))?;
    ensure!(steps(moves) == want, "{name} life {:?}", steps(moves));
    Ok(moves)
}

/// A listener on `addr` in the namespace and a client connected to it, not yet accepted.
fn listen_and_connect(ns: &Netns, addr: SocketAddr) -> (TcpListener, TcpStream) {
    ns.inside(|| {
        let l = TcpListener::bind(addr).expect("bind");
        let c = TcpStream::connect(addr).expect("connect");
        (l, c)
    })
}

/// Check one connection's whole life, both sides, in the trace.
fn check_one_life(
    events: &[Value],
    summary: &Value,
    ip: Ipv4Addr,
    port: u16,
    client_port: u16,
) -> Result<(), String> {
    let ours: Vec<Value> = events
        .iter()
        .filter(|e| touches(e, ip, port))
        .cloned()
        .collect();
    let socks = by_socket(&ours);
    let client_life = life(
        &socks,
        "client",
        |first| first["new"] == "SYN_SENT",
        &[
            s("CLOSE", "SYN_SENT", false),
            s("SYN_SENT", "ESTABLISHED", false),
            s("ESTABLISHED", "FIN_WAIT1", false),
            s("FIN_WAIT1", "FIN_WAIT2", false),
            s("FIN_WAIT2", "CLOSE", false),
            s("FIN_WAIT2", "TIME_WAIT", true),
        ],
    )?;
    let server_life = life(
        &socks,
        "server",
        |first| first["old"] == "LISTEN" && first["new"] == "SYN_RECV",
        &[
            s("LISTEN", "SYN_RECV", false),
            s("SYN_RECV", "ESTABLISHED", false),
            s("ESTABLISHED", "CLOSE_WAIT", false),
            s("CLOSE_WAIT", "LAST_ACK", false),
            s("LAST_ACK", "CLOSE", false),
        ],
    )?;
    life(
        &socks,
        "listening",
        |first| first["new"] == "LISTEN",
        &[s("CLOSE", "LISTEN", false), s("LISTEN", "CLOSE", false)],
    )?;
    // Time in state wherever the state's beginning was seen; nothing flagged.
    for e in client_life.iter().chain(server_life).skip(1) {
        if e["inferred"] == false && e["old"] != "LISTEN" {
            ensure!(e["in_old_ms"].as_f64().is_some(), "no time in state: {e}");
        }
    }
    ensure!(
        ours.iter().all(|e| e["unexpected"] == false),
        "a move was flagged"
    );
    // The ports the kernel chose are the ones the sockets had.
    ensure!(
        client_life[1]["local"]["port"] == client_port,
        "client port {}",
        client_life[1]
    );
    ensure!(
        server_life[0]["remote"]["port"] == client_port,
        "server's peer {}",
        server_life[0]
    );
    assert_matrix_matches(events, summary);
    ensure!(summary["complete"] == true, "incomplete");
    Ok(())
}

#[test]
fn one_connection_traced_exactly_on_both_sides() {
    let Some(ns) = Netns::new("trace") else {
        return;
    };
    until_complete("one connection", || {
        let (ip, port) = unique_endpoint();
        let mut trace = Trace::start(&ns, &["--port", &port.to_string()])?;
        let addr = SocketAddr::from((ip, port));
        let (listener, client) = listen_and_connect(&ns, addr);
        let client_port = client.local_addr().expect("client address").port();
        let (mut served, _) = listener.accept().expect("accept");
        // The client closes first; the server reads the end, then closes at once, so the
        // client's last moves happen as the server's FIN arrives (not on a timer).
        drop(client);
        let mut buf = [0u8; 16];
        while matches!(served.read(&mut buf), Ok(n) if n > 0) {}
        drop(served);
        drop(listener);
        trace.wait_for("the listener's close", |ls| {
            ls.iter()
                .any(|v| v["old"] == "LISTEN" && v["new"] == "CLOSE")
        });
        // The TIME_WAIT confirmation comes with the next lookup batch (bounded wait).
        trace.wait_until(5, |ls| {
            ls.iter()
                .any(|v| v["inferred"] == true && v["local"]["port"] == client_port)
        });
        let (events, summary) = trace.stop();
        let outcome = check_one_life(&events, &summary, ip, port, client_port);
        Some((summary, outcome))
    });
}

#[test]
fn simultaneous_close_shows_closing() {
    let Some(ns) = Netns::with_tools("trace", &["nft"]) else {
        return;
    };
    until_complete("simultaneous close", || {
        let (ip, port) = unique_endpoint();
        let mut trace = Trace::start(&ns, &["--port", &port.to_string()])?;
        let addr = SocketAddr::from((ip, port));
        let (listener, client) = listen_and_connect(&ns, addr);
        let (served, _) = listener.accept().expect("accept");
        // Hold every segment of this connection, so that both FINs leave before either
        // arrives. Dropped on the way in, not out: a segment refused on output counts as
        // never sent and gets no retransmission timer.
        ns.nft(&format!(
            "add table inet tcpst_hold\n\
             add chain inet tcpst_hold in {{ type filter hook input priority 0 ; }}\n\
             add rule inet tcpst_hold in tcp dport {port} drop\n\
             add rule inet tcpst_hold in tcp sport {port} drop\n"
        ))
        .expect("nft holds the connection");
        client.shutdown(Shutdown::Write).expect("client shutdown");
        served.shutdown(Shutdown::Write).expect("server shutdown");
        trace.wait_for("both sides in FIN_WAIT1", |ls| {
            ls.iter().filter(|v| v["new"] == "FIN_WAIT1").count() == 2
        });
        // Let the retransmitted FINs through: they cross. The retransmissions fire on
        // timers: keep the CPUs busy meanwhile.
        let busy = Busy::new();
        ns.nft("delete table inet tcpst_hold\n")
            .expect("nft lets it go");
        trace.wait_until(10, |ls| {
            ls.iter().filter(|v| v["new"] == "CLOSE").count() == 2
        });
        drop(busy);
        drop(client);
        drop(served);
        drop(listener);
        let (events, summary) = trace.stop();
        let outcome = (|| {
            let closing: Vec<&Value> = events
                .iter()
                .filter(|e| e["old"] == "FIN_WAIT1" && e["new"] == "CLOSING")
                .collect();
            ensure!(!closing.is_empty(), "no FIN_WAIT1 → CLOSING in {events:?}");
            ensure!(
                closing.iter().all(|e| e["unexpected"] == false),
                "CLOSING flagged"
            );
            ensure!(
                events
                    .iter()
                    .any(|e| e["old"] == "CLOSING" && e["new"] == "CLOSE"),
                "no CLOSING → CLOSE"
            );
            assert_matrix_matches(&events, &summary);
            Ok(())
        })();
        Some((summary, outcome))
    });
}

#[test]
fn filters_hold() {
    let Some(ns) = Netns::new("trace") else {
        return;
    };
    let (ip, p) = unique_endpoint();
    let q = p + 1;
    let ps = p.to_string();
    let Some(a) = Trace::start(&ns, &["--sport", &ps, "--state", "established"]) else {
        return;
    };
    let Some(mut b) = Trace::start(&ns, &["-6", "--port", &format!("{p},{q}")]) else {
        return;
    };
    let Some(c) = Trace::start(&ns, &["--summary", "--port", &ps]) else {
        return;
    };
    let targets: Vec<SocketAddr> = vec![
        SocketAddr::from((ip, p)),
        SocketAddr::from((ip, q)),
        SocketAddr::from((Ipv6Addr::LOCALHOST, p)),
    ];
    ns.inside(move || {
        for t in targets {
            let l = TcpListener::bind(t).expect("bind");
            let c = TcpStream::connect(t).expect("connect");
            let (mut s, _) = l.accept().expect("accept");
            drop(c);
            let mut buf = [0u8; 8];
            while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
        }
    });
    b.wait_for("the IPv6 listener's close", |ls| {
        ls.iter()
            .any(|v| v["old"] == "LISTEN" && v["new"] == "CLOSE")
    });
    let (ea, sa) = a.stop();
    let (eb, sb) = b.stop();
    let (ec, sc) = c.stop();
    // --sport P --state established: local port P, and ESTABLISHED on one side of the move.
    assert!(!ea.is_empty());
    for e in &ea {
        assert_eq!(e["local"]["port"].as_u64(), Some(u64::from(p)), "{e}");
        assert!(
            e["old"] == "ESTABLISHED" || e["new"] == "ESTABLISHED",
            "{e}"
        );
    }
    assert!(ea.iter().any(|e| e["family"] == "ipv4"));
    assert!(ea.iter().any(|e| e["family"] == "ipv6"));
    // -6 --port P,Q: IPv6 only, so nothing of the IPv4 connection to Q.
    assert!(!eb.is_empty());
    for e in &eb {
        assert_eq!(e["family"], "ipv6", "{e}");
    }
    assert!(
        !eb.iter()
            .any(|e| e["remote"]["port"] == q || e["local"]["port"] == q)
    );
    // --summary prints no transition lines, only the summary, which counts both P connections.
    assert!(ec.is_empty());
    assert_eq!(
        sc["transitions"].as_array().map(|a| !a.is_empty()),
        Some(true)
    );
    assert_eq!(
        sc["events"]["shown"].as_u64().map(|n| n >= 10),
        Some(true),
        "{sc}"
    );
    assert_matrix_matches(&ea, &sa);
    assert_matrix_matches(&eb, &sb);
}

#[test]
fn owner_of_a_child_process_socket() {
    let Some(ns) = Netns::with_tools("trace", &["bash"]) else {
        return;
    };
    let (ip, port) = unique_endpoint();
    let Some(mut trace) = Trace::start(&ns, &["--port", &port.to_string()]) else {
        return;
    };
    let addr = SocketAddr::from((ip, port));
    let listener = ns.inside(move || TcpListener::bind(addr).expect("bind"));
    let script = format!("exec 3<>/dev/tcp/{ip}/{port}; sleep 0.2; exec 3>&-");
    let mut child = ChildGuard::spawn(
        "bash",
        ns.command("bash")
            .args(["-c", &script])
            .stdout(Stdio::null()),
    );
    let child_pid = child.pid();
    let (mut served, _) = listener.accept().expect("accept");
    let mut buf = [0u8; 8];
    while matches!(served.read(&mut buf), Ok(n) if n > 0) {}
    drop(served);
    let _ = child.child.wait();
    drop(listener);
    trace.wait_for("the listener's close", |ls| {
        ls.iter()
            .any(|v| v["old"] == "LISTEN" && v["new"] == "CLOSE")
    });
    let (events, _) = trace.stop();
    let me = std::process::id();
    let client: Vec<&Value> = events
        .iter()
        .filter(|e| e["remote"]["port"] == port && e["inferred"] == false)
        .collect();
    assert!(!client.is_empty());
    for e in &client {
        assert_eq!(
            e["owner"]["pid"].as_u64(),
            Some(u64::from(child_pid)),
            "{e}"
        );
        assert_eq!(e["owner"]["comm"], "bash", "{e}");
        assert_eq!(e["owner"]["source"], "connect", "{e}");
    }
    // The accepted side belongs to the listener's owner: this test process.
    let server: Vec<&Value> = events
        .iter()
        .filter(|e| e["local"]["port"] == port && e["old"] != "CLOSE" && e["new"] != "LISTEN")
        .collect();
    assert!(!server.is_empty());
    for e in server {
        assert_eq!(e["owner"]["pid"].as_u64(), Some(u64::from(me)), "{e}");
        assert!(
            e["owner"]["source"] == "listener" || e["owner"]["source"] == "listen",
            "{e}"
        );
    }
}

#[test]
fn existing_sockets_are_seeded() {
    let Some(ns) = Netns::new("trace") else {
        return;
    };
    let (ip, port) = unique_endpoint();
    let addr = SocketAddr::from((ip, port));
    // A connection that exists before the trace starts.
    let (listener, client) = listen_and_connect(&ns, addr);
    let (served, _) = listener.accept().expect("accept");
    let Some(mut trace) = Trace::start(&ns, &["--port", &port.to_string()]) else {
        return;
    };
    drop(client);
    trace.wait_for("CLOSE_WAIT", |ls| {
        ls.iter().any(|v| v["new"] == "CLOSE_WAIT")
    });
    let (events, summary) = trace.stop();
    let first = events
        .iter()
        .find(|e| e["old"] == "ESTABLISHED")
        .expect("a move out of ESTABLISHED");
    assert_eq!(first["in_old_at_least"], true, "{first}");
    // The server never closed: the summary lists it in CLOSE_WAIT by its port.
    let cw = summary["close_wait"].as_array().expect("close_wait");
    assert!(
        cw.iter()
            .any(|g| g["local_port"] == port && g["count"] == 1),
        "{summary}"
    );
    drop(served);
    drop(listener);
}

#[test]
fn without_privilege_one_clear_sentence() {
    if !is_root() {
        skip("needs root to run tcpstate as an unprivileged user");
        return;
    }
    if !require_tool("setpriv") {
        return;
    }
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            BIN,
            "trace",
            "--duration",
            "1s",
        ])
        .output()
        .expect("run setpriv");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("root"), "{err}");
}

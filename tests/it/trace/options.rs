//! The tracer's options and edges: port, state and family filters applied by several tracers
//! at once, the owning process of a socket a child process made, sockets that existed before
//! the trace started (seeded from a snapshot), and the one clear sentence an unprivileged user
//! gets.

use std::io::Read;
use std::net::{Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::events::assert_matrix_matches;
use super::lifecycle::listen_and_connect;
use super::tracer::{BIN, Trace, unique_endpoint};
use crate::common::process::ChildGuard;
use crate::common::{Netns, is_root, require_tool, skip};

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
    // A socket of the starting snapshot is known to live in the namespace it read.
    assert_eq!(first["netns"], ns.name(), "{first}");
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

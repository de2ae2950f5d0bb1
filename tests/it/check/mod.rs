//! `tcpstate check` against real problems built in private network namespaces: a CLOSE_WAIT
//! leak, SYN_RECV piling up behind a dropped ACK, a full accept queue, ephemeral port
//! pressure in a narrow port range, FIN_WAIT1 behind a dropped ACK, and a healthy namespace.
//! Every run checks the exit code and, in nagios mode, every output line against the
//! monitoring-plugin grammar.

use crate::common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Output;
use std::time::Duration;

use common::{Family, Netns, STATE_KEYS, poll, ss};
use regex::Regex;
use tcpstate_population::Server;
use tcpstate_population::sockets::{connect_unanswered, listener};

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// `tcpstate check args…` run inside the namespace, with English messages.
fn check(ns: &Netns, args: &[&str]) -> Output {
    ns.command(env!("CARGO_BIN_EXE_tcpstate"))
        .arg("check")
        .args(args)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run tcpstate check")
}

/// Waits (bounded) until `ss` shows `n` sockets in `state` (netstat's name).
fn wait_for(ns: &Netns, state: &str, n: usize) {
    let seen = |s: &ss::States| s.get(state).copied().unwrap_or(0) == n;
    if let Err(e) = ss::wait_states(ns, Duration::from_secs(10), seen) {
        panic!(
            "ss never showed {n} sockets in {state}: {e:#}\n{}",
            ns.check_output("ss", &["-tan"]).unwrap_or_default()
        );
    }
}

/// A listener on 127.0.0.1:`port` with an explicit backlog (std's is fixed). Call inside
/// the namespace.
fn listen(port: u16, backlog: usize) -> TcpListener {
    listener(Server::new(Family::V4, port), backlog)
        .expect("a listener")
        .into()
}

/// `tcpstate check --format nagios args…` inside the namespace, which must print the plugin
/// grammar with `status` and exit with its code.
fn nagios(ns: &Netns, args: &[&str], status: &str) -> Output {
    let mut all = vec!["--format", "nagios"];
    all.extend_from_slice(args);
    let o = check(ns, &all);
    assert_plugin_output(&o, status);
    o
}

/// Fails unless the run printed `text`.
fn assert_says(o: &Output, text: &str) {
    assert!(stdout(o).contains(text), "wanted {text:?}: {}", show(o));
}

/// A configuration file holding `text`, in a temporary directory that lasts as long as the
/// returned guard; and its path.
fn config_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("check.toml");
    std::fs::write(&path, text).expect("writes the configuration");
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(o),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The Monitoring Plugins grammar: `SERVICE STATUS - text | 'label'=value[UOM];[warn];[crit];[min];[max] …`
/// on the first line; long text after it, with no `|`.
fn assert_plugin_output(o: &Output, status: &str) {
    let out = stdout(o);
    let mut lines = out.lines();
    let first = lines.next().unwrap_or_default();
    let num = r"-?[0-9]+(\.[0-9]+)?";
    let perf = format!(r"'[^'=]+'={num}(s|%|B|KB|MB|TB|c)?(;({num})?){{0,4}}");
    let line = Regex::new(&format!(
        r"^TCPSTATE (OK|WARNING|CRITICAL|UNKNOWN) - [^|]+ \| {perf}( {perf})*$"
    ))
    .unwrap();
    assert!(line.is_match(first), "not a plugin status line: {first}");
    assert!(
        first.starts_with(&format!("TCPSTATE {status} - ")),
        "wanted {status}: {}",
        show(o)
    );
    for state in STATE_KEYS {
        assert!(
            first.contains(&format!(" '{state}'=")),
            "no perfdata for {state}: {first}"
        );
    }
    for l in lines {
        assert!(!l.contains('|'), "a long-text line with a pipe: {l}");
    }
    let want = match status {
        "OK" => 0,
        "WARNING" => 1,
        "CRITICAL" => 2,
        _ => 3,
    };
    assert_eq!(code(o), want, "{}", show(o));
}

/// The perfdata item of `label` on the status line.
fn perf_of(o: &Output, label: &str) -> String {
    let out = stdout(o);
    let first = out.lines().next().unwrap_or_default().to_string();
    let key = format!("'{label}'=");
    first
        .split(' ')
        .find(|w| w.starts_with(&key))
        .map(|w| w.to_string())
        .unwrap_or_else(|| panic!("no {label} in {first}"))
}

/// A server that accepts `n` connections from as many clients and keeps both ends.
fn connected_pairs(
    ns: &Netns,
    port: u16,
    n: usize,
) -> (TcpListener, Vec<TcpStream>, Vec<TcpStream>) {
    ns.inside(|| {
        let l = listen(port, 64);
        let clients: Vec<TcpStream> = (0..n)
            .map(|_| TcpStream::connect(addr(port)).expect("connect"))
            .collect();
        let servers: Vec<TcpStream> = (0..n).map(|_| l.accept().expect("accept").0).collect();
        (l, clients, servers)
    })
}

#[test]
fn a_healthy_namespace_is_ok() {
    let Some(ns) = Netns::with_tools("chk-ok", &["ss"]) else {
        return;
    };
    let (_l, mut clients, mut servers) = connected_pairs(&ns, 7000, 3);
    for (c, s) in clients.iter_mut().zip(servers.iter_mut()) {
        c.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).unwrap();
    }
    wait_for(&ns, "ESTABLISHED", 6);

    let o = check(&ns, &[]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    assert!(out.starts_with("tcpstate check "), "{out}");
    assert!(out.contains(": OK - no problem among 7 sockets"), "{out}");
    assert!(
        out.contains("needs two samples"),
        "skipped rules say so: {out}"
    );

    let o = nagios(&ns, &[], "OK");
    assert_eq!(perf_of(&o, "established"), "'established'=6;;;0;");
    assert_eq!(perf_of(&o, "listen"), "'listen'=1;;;0;");

    let o = check(&ns, &["--format", "json", "--interval", "100ms"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "OK");
    assert_eq!(v["samples"], 2);
    assert_eq!(v["counts"]["states"]["established"], 6);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "OK")
    );
    let aq = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "accept_queue")
        .unwrap();
    assert!(
        aq["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().contains("ListenOverflows rose by 0")),
        "{aq}"
    );
}

#[test]
fn a_close_wait_leak_is_found() {
    let Some(ns) = Netns::with_tools("chk-cw", &["ss"]) else {
        return;
    };
    let (_l, clients, _servers) = connected_pairs(&ns, 7100, 8);
    drop(clients); // the peers close; the server never does
    wait_for(&ns, "CLOSE_WAIT", 8);

    let o = nagios(&ns, &["--warn", "close-wait=5"], "WARNING");
    assert_says(&o, "close_wait: 8 CLOSE_WAIT sockets on 1 local port");
    assert_eq!(perf_of(&o, "close_wait"), "'close_wait'=8;5;1000;0;");

    nagios(
        &ns,
        &["--warn", "CLOSE_WAIT=5", "--crit", "closewait=7"],
        "CRITICAL",
    );

    // A share of all sockets: 8 CLOSE_WAIT + 8 FIN_WAIT2 + 1 LISTEN = 17; 8 is 47%.
    nagios(
        &ns,
        &["--warn", "close-wait=40%", "--crit", "close-wait=50%"],
        "WARNING",
    );

    let o = check(&ns, &["--warn", "close-wait=5"]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let out = stdout(&o);
    assert!(out.contains("WARNING   close_wait"), "{out}");
    assert!(out.contains(":7100  8 CLOSE_WAIT"), "top offender: {out}");
    assert!(
        out.contains("CLOSE_WAIT means the peer has closed its side"),
        "advice: {out}"
    );

    let o = check(&ns, &["--warn", "close-wait=5", "--lang", "zh"]);
    assert_says(&o, "建议");

    // The same thresholds from a file; persistence over two samples is worse.
    let (_dir, cfg) = config_file(
        "[states]\nclose_wait = { warn = 100 }\n\n[close_wait]\npersistent = { warn = 2, crit = 6 }\n",
    );
    let o = check(&ns, &["--config", &cfg]);
    assert_eq!(
        code(&o),
        0,
        "one sample cannot see persistence: {}",
        show(&o)
    );
    let o = nagios(&ns, &["--config", &cfg, "--interval", "200ms"], "CRITICAL");
    assert_says(&o, "8 of 8 CLOSE_WAIT sockets were already in CLOSE_WAIT");
}

#[test]
fn syn_recv_piling_up_behind_a_dropped_ack_is_found() {
    let Some(ns) = Netns::with_tools("chk-syn", &["ss", "nft"]) else {
        return;
    };
    // Drop the client's final ACK of the handshake (and every pure ACK to the server).
    let rules = "table inet tcpst_check {\n  chain input {\n    type filter hook input priority 0;\n    tcp dport 7200 tcp flags & (syn | ack | fin | rst) == ack drop\n  }\n}\n";
    ns.nft(rules).expect("nft loads the rules");
    let _held = ns.inside(|| {
        let l = listen(7200, 10);
        let clients: Vec<TcpStream> = (0..6)
            .map(|_| TcpStream::connect(addr(7200)).expect("connect"))
            .collect();
        (l, clients)
    });
    wait_for(&ns, "SYN_RECV", 6);

    // 6 SYN_RECV against a backlog of 10 is 60%: above the default warning (50%).
    let o = nagios(&ns, &[], "WARNING");
    assert_says(
        &o,
        "syn_backlog: 6 SYN_RECV sockets; port 7200 has 6 against a backlog of 10",
    );
    assert_eq!(perf_of(&o, "syn_recv"), "'syn_recv'=6;;;0;");

    let o = check(&ns, &["--crit", "syn-rcvd=5"]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert_says(&o, "CRITICAL  syn_backlog");
}

#[test]
fn a_full_accept_queue_is_found() {
    let Some(ns) = Netns::with_tools("chk-aq", &["ss"]) else {
        return;
    };
    let _held = ns.inside(|| {
        let l = listen(7300, 2);
        // The queue takes backlog + 1 completed connections; later SYNs are dropped.
        let done: Vec<TcpStream> = (0..3)
            .map(|_| TcpStream::connect(addr(7300)).expect("connect"))
            .collect();
        let waiting: Vec<_> = (0..2)
            .map(|i| {
                connect_unanswered(Server::new(Family::V4, 7300), i, None)
                    .expect("a SYN_SENT socket")
            })
            .collect();
        (l, done, waiting)
    });
    wait_for(&ns, "SYN_SENT", 2);
    let listeners = ns
        .check_output("ss", &["-Htln", "sport", "= :7300"])
        .expect("ss runs");
    assert!(
        listeners.split_whitespace().nth(1) == Some("3"),
        "ss shows the queue: {listeners}"
    );

    let o = nagios(&ns, &[], "CRITICAL");
    assert_says(
        &o,
        "accept_queue: accept queue of port 7300 holds 3 of its backlog 2 (150%)",
    );

    let o = check(&ns, &["--format", "json"]);
    assert_eq!(code(&o), 2);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let aq = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "accept_queue")
        .unwrap();
    assert_eq!(aq["severity"], "CRITICAL");
    assert_eq!(aq["offenders"][0]["key"], "127.0.0.1:7300");
    assert_eq!(aq["offenders"][0]["count"], 3);
    assert_eq!(aq["offenders"][0]["limit"], 2);

    // Thresholds of the rule from a file: a higher critical level leaves a warning.
    let (_dir, cfg) = config_file("[accept_queue]\nlistener = { crit = \"200%\" }\n");
    let o = check(&ns, &["--config", &cfg]);
    assert_eq!(code(&o), 1, "{}", show(&o));
}

#[test]
fn ephemeral_port_pressure_is_found() {
    let Some(ns) = Netns::with_tools("chk-eph", &["ss"]) else {
        return;
    };
    ns.sysctl("net.ipv4.ip_local_port_range", "40000 40019")
        .expect("sets the port range");
    let (l, clients, servers) = connected_pairs(&ns, 7400, 12);
    drop(clients); // the clients close first and end in TIME_WAIT…
    wait_for(&ns, "CLOSE_WAIT", 12);
    drop(servers); // …once the server closes too
    drop(l);
    wait_for(&ns, "TIME_WAIT", 12);

    // 12 of 20 ports towards one destination is 60%: a warning (50%), not critical (80%).
    let o = nagios(&ns, &[], "WARNING");
    assert_says(
        &o,
        "ephemeral_ports: 12 of 20 ephemeral ports (60%) in use towards 127.0.0.1 -> 127.0.0.1:7400",
    );
    assert_eq!(
        perf_of(&o, "ephemeral_tuple_max"),
        "'ephemeral_tuple_max'=12;9;15;0;20"
    );

    let o = check(&ns, &[]);
    let out = stdout(&o);
    assert!(
        out.contains("127.0.0.1 -> 127.0.0.1:7400  12 of 20 ports (60%): 12 TIME_WAIT"),
        "{out}"
    );
    assert!(
        out.contains("net.ipv4.ip_local_port_range = 40000 40019 (20 ports)"),
        "{out}"
    );

    let (_dir, cfg) = config_file("[ephemeral_ports]\ntuple = { crit = \"55%\" }\n");
    let o = check(&ns, &["--config", &cfg]);
    assert_eq!(code(&o), 2, "{}", show(&o));

    // From the host namespace with --netns: the namespace's sockets *and* its sysctls (the
    // narrow port range exists only in there).
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_tcpstate"))
        .args(["check", "--netns", ns.name()])
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run tcpstate check --netns");
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(
        stdout(&o).contains("net.ipv4.ip_local_port_range = 40000 40019 (20 ports)"),
        "{}",
        show(&o)
    );
}

#[test]
fn fin_wait1_behind_a_dropped_ack_is_found() {
    let Some(ns) = Netns::with_tools("chk-fw1", &["ss", "nft"]) else {
        return;
    };
    let (_l, clients, _servers) = connected_pairs(&ns, 7500, 5);
    // From now on nothing the server sends arrives, the ACK of the clients' FIN included.
    let rules = "table inet tcpst_check {\n  chain input {\n    type filter hook input priority 0;\n    tcp sport 7500 drop\n  }\n}\n";
    ns.nft(rules).expect("nft loads the rules");
    drop(clients);
    wait_for(&ns, "FIN_WAIT1", 5);

    nagios(&ns, &[], "OK");

    let o = nagios(&ns, &["--warn", "fin-wait-1=3"], "WARNING");
    assert_says(
        &o,
        "closing_peers: FIN not acknowledged: 5 FIN_WAIT1, 0 CLOSING, 0 LAST_ACK",
    );
    assert_eq!(perf_of(&o, "fin_wait1"), "'fin_wait1'=5;3;1000;0;");

    let o = check(&ns, &["--warn", "fin_wait1=3"]);
    let out = stdout(&o);
    assert!(
        out.contains("127.0.0.1  5 FIN_WAIT1, 0 CLOSING, 0 LAST_ACK"),
        "{out}"
    );
}

#[test]
fn a_bad_configuration_is_unknown_with_file_and_line() {
    let (_dir, cfg) =
        config_file("[states]\nclose_wait = { warn = 5 }\nnot_a_state = { warn = 1 }\n");
    let bin = env!("CARGO_BIN_EXE_tcpstate");

    let o = std::process::Command::new(bin)
        .args(["check", "--config", &cfg])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3, "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with(&format!("tcpstate: {cfg}:3: ")), "{err}");
    assert!(err.contains("not_a_state"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let o = std::process::Command::new(bin)
        .args(["check", "--format", "nagios", "--config", &cfg])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3, "{}", show(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!("TCPSTATE UNKNOWN - {cfg}:3: ")),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1);

    let o = std::process::Command::new(bin)
        .args([
            "check",
            "--format",
            "nagios",
            "--config",
            "/nonexistent/tcpstate.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3, "{}", show(&o));
    assert!(stdout(&o).starts_with(
        "TCPSTATE UNKNOWN - cannot read the configuration /nonexistent/tcpstate.toml"
    ));
}

#[test]
fn a_stuck_receive_queue_is_found() {
    let Some(ns) = Netns::with_tools("chk-stuck", &["ss"]) else {
        return;
    };
    let (_l, mut clients, _servers) = connected_pairs(&ns, 7600, 1);
    // The server never reads: fill its receive queue (bounded: at most 64 writes).
    let c = &mut clients[0];
    c.set_nonblocking(true).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    for _ in 0..64 {
        if c.write(&chunk).is_err() {
            break;
        }
    }
    let mut queued = 0;
    let filled = poll(Duration::from_secs(10), Duration::from_millis(25), || {
        let row = ns
            .check_output("ss", &["-Htn", "sport", "= :7600"])
            .expect("ss runs");
        queued = row
            .split_whitespace()
            .nth(1)
            .and_then(|q| q.parse::<u64>().ok())
            .unwrap_or(0);
        (queued >= 10_000).then_some(())
    });
    assert!(filled.is_some(), "the server's Recv-Q never filled");

    nagios(&ns, &[], "OK");

    let (_dir, cfg) =
        config_file("[stuck_queues]\nbytes = 10000\nsockets = { warn = 0, crit = 5 }\n");
    let o = check(&ns, &["--config", &cfg]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let out = stdout(&o);
    assert!(out.contains("WARNING   stuck_queues"), "{out}");
    // The queue may still grow between the `ss` reading above and the check.
    let shown: u64 = out
        .split("largest Recv-Q ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("the largest Recv-Q is shown");
    assert!(shown >= queued, "{out}");
}

#[test]
fn a_configuration_that_is_no_small_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let big = dir.path().join("big.toml");
    // 2 MiB of comment lines: valid TOML, only too large.
    std::fs::write(&big, "# padding\n".repeat(2 * 1024 * 1024 / 10)).expect("writes the file");
    let fifo = dir.path().join("fifo.toml");
    let c_fifo = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("a path");
    // SAFETY: a NUL-terminated path that lives across the call.
    assert_eq!(unsafe { libc::mkfifo(c_fifo.as_ptr(), 0o600) }, 0);
    let cases = [
        ("/dev/urandom".to_string(), "is not a regular file"),
        (fifo.to_string_lossy().into_owned(), "is not a regular file"),
        (big.to_string_lossy().into_owned(), "more than the 1 MiB"),
    ];
    for (file, why) in &cases {
        let started = std::time::Instant::now();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_tcpstate"))
            .args(["check", "--config", file])
            .output()
            .expect("run tcpstate check");
        // Generous: reading /dev/urandom without a bound ran for minutes.
        assert!(started.elapsed() < Duration::from_secs(5), "{file}");
        assert_eq!(code(&o), 3, "{file}: {}", show(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!("tcpstate: the configuration {file} ")),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
    }
}

mod events;
mod inside;
mod unknown;

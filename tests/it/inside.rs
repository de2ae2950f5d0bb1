//! `list -i -m` against the kernel's own answer: for a connection with unread data made in a
//! private namespace, the tcp_info and memory fields equal what `ss -tinm` prints for the same
//! socket (mss, cwnd, bytes, every skmem field; rtt only as non-zero, it moves between the
//! two reads), and a dump that did not ask for them carries none; `list -l -m` shows the
//! drops of a listener overflowed on purpose (between two `ss -ltm` reads) beside its full
//! accept queue, and 0 for an idle listener beside it.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use crate::common::{Netns, poll};

/// `key:value` (or `key:(…)`) of an `ss -i` detail line.
fn ss_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix(':'))
}

#[test]
fn info_and_memory_equal_what_ss_shows() {
    let Some(ns) = Netns::with_tools("inside", &["ss"]) else {
        return;
    };
    let _held = ns.inside(|| {
        let l = TcpListener::bind("127.0.0.1:7710").expect("a listener");
        let addr: SocketAddr = "127.0.0.1:7710".parse().expect("an address");
        let mut c = TcpStream::connect(addr).expect("connect");
        let (s, _) = l.accept().expect("accept");
        c.write_all(&[b'y'; 7000]).expect("send");
        (l, c, s)
    });
    // The server side: 7000 bytes received, unread.
    let ss = poll(Duration::from_secs(10), Duration::from_millis(50), || {
        let out = ns
            .check_output(
                "ss",
                &["-Htinm", "state", "established", "sport", "= :7710"],
            )
            .ok()?;
        out.contains("bytes_received:7000").then_some(out)
    })
    .expect("ss shows the received bytes");
    let out = ns
        .command(env!("CARGO_BIN_EXE_tcpstate"))
        .args([
            "list",
            "-i",
            "-m",
            "-f",
            "json",
            "--state",
            "established",
            "--sport",
            "7710",
        ])
        .output()
        .expect("runs tcpstate list");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let row = &rows[0];
    let info = &row["info"];
    let mem = &row["memory"];
    let num = |v: Option<&str>| v.and_then(|v| v.parse::<u64>().ok());
    assert_eq!(
        info["mss"].as_u64(),
        num(ss_field(&ss, "mss")),
        "{row}\n{ss}"
    );
    assert_eq!(
        info["cwnd"].as_u64(),
        num(ss_field(&ss, "cwnd")),
        "{row}\n{ss}"
    );
    assert_eq!(info["bytes_received"].as_u64(), Some(7000), "{row}");
    assert!(info["rtt_us"].as_u64().is_some_and(|r| r > 0), "{row}");
    assert_eq!(
        info["congestion"].as_str(),
        ss.split_whitespace()
            .find(|w| ["cubic", "bbr", "reno", "bic", "htcp", "vegas", "westwood"].contains(w)),
        "{row}\n{ss}"
    );
    // skmem:(r…,rb…,t…,tb…,f…,w…,o…,bl…,d…)
    let skmem = ss_field(&ss, "skmem")
        .and_then(|v| v.strip_prefix('('))
        .and_then(|v| v.strip_suffix(')'))
        .expect("ss prints skmem");
    for (key, field) in [
        ("rb", "rcvbuf"),
        ("tb", "sndbuf"),
        ("r", "rmem_alloc"),
        ("t", "wmem_alloc"),
        ("w", "wmem_queued"),
        ("o", "optmem"),
        ("bl", "backlog"),
        ("d", "drops"),
    ] {
        let want = skmem
            .split(',')
            .find_map(|p| {
                let digits = p.trim_start_matches(|c: char| c.is_ascii_alphabetic());
                (p.len() - digits.len() == key.len() && p.starts_with(key)).then_some(digits)
            })
            .and_then(|d| d.parse::<u64>().ok());
        assert_eq!(mem[field].as_u64(), want, "{field}: {row}\n{ss}");
    }

    // Without -i/-m the dump asks for nothing and the rows carry nothing.
    let out = ns
        .command(env!("CARGO_BIN_EXE_tcpstate"))
        .args([
            "list",
            "-f",
            "json",
            "--sport",
            "7710",
            "--state",
            "established",
        ])
        .output()
        .expect("runs tcpstate list");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        rows[0].get("info").is_none() && rows[0].get("memory").is_none(),
        "{rows}"
    );
}

/// `d` (drops) of `ss -ltm`'s skmem for the listener on `port`.
fn ss_listener_drops(ns: &Netns, port: u16) -> Option<u64> {
    let sport = format!("= :{port}");
    let out = ns
        .check_output("ss", &["-Hltm", "sport", sport.as_str()])
        .ok()?;
    let skmem = ss_field(&out, "skmem")?;
    skmem
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .find_map(|p| p.strip_prefix('d'))
        .and_then(|d| d.parse().ok())
}

#[test]
fn list_l_m_shows_which_listener_drops() {
    use tcpstate_population::Server;
    use tcpstate_population::sockets::listener;

    let Some(ns) = Netns::with_tools("inside-drops", &["ss"]) else {
        return;
    };
    let _held = ns.inside(|| {
        let full: TcpListener = listener(Server::new(crate::common::Family::V4, 7730), 1)
            .expect("a listener")
            .into();
        let idle: TcpListener = listener(Server::new(crate::common::Family::V4, 7731), 16)
            .expect("a listener")
            .into();
        // Never accepted: past backlog + 1 the kernel drops the handshakes' last ACKs.
        let target: SocketAddr = "127.0.0.1:7730".parse().expect("an address");
        let clients: Vec<TcpStream> = (0..8)
            .filter_map(|_| TcpStream::connect_timeout(&target, Duration::from_millis(300)).ok())
            .collect();
        (full, idle, clients)
    });
    let list = || {
        let out = ns
            .command(env!("CARGO_BIN_EXE_tcpstate"))
            .args(["list", "-l", "-m", "-f", "json"])
            .output()
            .expect("runs tcpstate list");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON")
    };
    let port_of = |r: &serde_json::Value| r["local"]["port"].as_u64();
    // ss before, tcpstate, ss after: the drops only rise, so ours lie between the two.
    let (rows, before, after) = poll(Duration::from_secs(20), Duration::from_millis(200), || {
        let before = ss_listener_drops(&ns, 7730)?;
        let rows = list();
        let after = ss_listener_drops(&ns, 7730)?;
        (before > 0).then_some((rows, before, after))
    })
    .expect("the overflowed listener shows drops in ss");
    let rows = rows.as_array().expect("an array");
    assert!(rows.iter().all(|r| r["state"] == "LISTEN"), "{rows:?}");
    let full = rows
        .iter()
        .find(|r| port_of(r) == Some(7730))
        .expect("the full listener");
    let idle = rows
        .iter()
        .find(|r| port_of(r) == Some(7731))
        .expect("the idle listener");
    let drops = full["memory"]["drops"].as_u64().expect("drops");
    assert!(
        before <= drops && drops <= after,
        "{before} <= {full} <= {after}"
    );
    // Its accept queue is full (backlog 1: the kernel holds backlog + 1), its backlog 1.
    assert_eq!(
        (full["recv_q"].as_u64(), full["send_q"].as_u64()),
        (Some(2), Some(1)),
        "{full}"
    );
    assert_eq!(idle["memory"]["drops"].as_u64(), Some(0), "{idle}");
    // The table's line says it beside the queue.
    let table = ns
        .check_output(
            env!("CARGO_BIN_EXE_tcpstate"),
            &["list", "-l", "-m", "--sport", "7730"],
        )
        .expect("runs tcpstate list");
    assert!(table.contains("listen accept-queue 2/1 drops "), "{table}");
}

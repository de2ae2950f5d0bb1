//! `list -i -m` against the kernel's own answer: for a connection with unread data made in a
//! private namespace, the tcp_info and memory fields equal what `ss -tinm` prints for the same
//! socket (mss, cwnd, bytes, every skmem field; rtt only as non-zero, it moves between the
//! two reads), and a dump that did not ask for them carries none.

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

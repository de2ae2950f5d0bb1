//! `list --sort` against real sockets: three connections with different amounts of unread
//! data in a private namespace come out largest Recv-Q first, with the same queues `ss`
//! shows, and `--limit` applies after the sort; and wide queue values keep the table's
//! columns aligned.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use crate::common::{Netns, poll};

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

#[test]
fn sorted_by_recv_q_largest_first() {
    let Some(ns) = Netns::with_tools("list-sort", &["ss"]) else {
        return;
    };
    let unread = [300usize, 5000, 100];
    let _held = ns.inside(|| {
        let l = TcpListener::bind("127.0.0.1:7400").expect("a listener");
        let addr: SocketAddr = "127.0.0.1:7400".parse().expect("an address");
        let mut pairs = Vec::new();
        for n in unread {
            let mut c = TcpStream::connect(addr).expect("connect");
            let (s, _) = l.accept().expect("accept");
            c.write_all(&vec![b'x'; n]).expect("send");
            pairs.push((c, s));
        }
        (l, pairs)
    });
    // Wait (bounded) until the kernel holds every byte in the servers' receive queues.
    let settled = poll(Duration::from_secs(10), Duration::from_millis(50), || {
        let out = ns
            .check_output("ss", &["-Htn", "state", "established", "sport", "= :7400"])
            .ok()?;
        let mut q: Vec<usize> = out
            .lines()
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect();
        q.sort_unstable();
        (q == [100, 300, 5000]).then_some(())
    });
    assert!(settled.is_some(), "ss never showed the queued bytes");

    let out = ns
        .command(BIN)
        .args([
            "list",
            "--sort",
            "recv-q",
            "--state",
            "established",
            "--sport",
            "7400",
        ])
        .args(["--format", "json"])
        .output()
        .expect("runs tcpstate list");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let queues: Vec<u64> = rows
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|r| r["recv_q"].as_u64())
        .collect();
    assert_eq!(queues, [5000, 300, 100]);

    let out = ns
        .command(BIN)
        .args([
            "list",
            "--sort",
            "recv-q",
            "--limit",
            "1",
            "--state",
            "established",
        ])
        .args(["--sport", "7400", "--format", "csv"])
        .output()
        .expect("runs tcpstate list");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "a header and the largest: {text}");
    assert!(lines[1].starts_with("tcp,5000,"), "{text}");
}

#[test]
fn wide_queues_keep_the_columns_aligned() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("ss.txt");
    std::fs::write(
        &file,
        "State Recv-Q Send-Q Local Address:Port Peer Address:Port\n\
         ESTAB 4194304 0 10.0.0.1:5432 10.0.0.2:40000\n\
         ESTAB 0 2 10.0.0.1:5432 10.0.0.3:40001\n",
    )
    .expect("writes the capture");
    let out = std::process::Command::new(BIN)
        .args(["list", "--from"])
        .arg(&file)
        .output()
        .expect("runs tcpstate list");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let at: Vec<Option<usize>> = lines.map(|l| l.find("10.0.0.1:5432")).collect();
    assert_eq!(at.len(), 2, "{text}");
    assert!(at[0].is_some() && at[0] == at[1], "aligned: {text}");
    assert_eq!(
        header.find("Local Address"),
        at[0],
        "under its heading: {text}"
    );
}

//! `summary --by remote-ip --stats` against a hand computation from `ss -tin`: a client
//! namespace joined by veth pairs to two server namespaces, one path delayed 20 ms, the other
//! delayed 60 ms and losing 5 % of packets (`tc qdisc … netem`; on a kernel built without
//! netem, the slow path is a `tbf` rate limit whose queue delays while data flows, and the
//! loss an nftables rule dropping 10 % of the data segments at the server). Three connections
//! a peer each send 200 KB and receive 3000 bytes they leave unread; once everything is
//! acknowledged, the groups' counts, rtt quantiles (within the histogram's 1/16), bytes sent
//! and retransmitted, sockets retransmitting now and queue totals equal what `ss -tin` printed
//! for the same sockets, the lossy peer lost bytes (and, with netem, is the slow one), and
//! `--sort retrans-share` and `--sort rtt-p99` rank the peers as the hand computation does;
//! `check`'s slow_peers names exactly the peers whose share the hand computation puts past its
//! threshold.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::common::{Netns, poll};

const CONNS: usize = 3;
const SENT: usize = 200_000;
const REPLY: usize = 3000;

/// One peer's figures computed by hand from `ss -tin`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Hand {
    count: u64,
    /// rtt of each connection in µs, sorted.
    rtts: Vec<u64>,
    bytes_sent: u64,
    bytes_retrans: u64,
    retransmitting: u64,
    recv_q: u64,
    send_q: u64,
    /// Whether any connection still has unacknowledged segments.
    unacked: bool,
}

/// `key:value` of an `ss -i` detail line.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix(':'))
}

/// The established connections of `ss -Htin` grouped by peer address.
fn by_peer(ss: &str) -> BTreeMap<String, Hand> {
    let mut peers: BTreeMap<String, Hand> = BTreeMap::new();
    let mut lines = ss.lines().peekable();
    while let Some(line) = lines.next() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.first() != Some(&"ESTAB") || cols.len() < 5 {
            continue;
        }
        let detail = match lines.peek() {
            Some(d) if d.starts_with(char::is_whitespace) => lines.next().unwrap_or(""),
            _ => "",
        };
        let peer = cols[4].rsplit_once(':').map_or(cols[4], |(ip, _)| ip);
        let h = peers.entry(peer.to_string()).or_default();
        let num = |v: Option<&str>| v.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        h.count += 1;
        h.recv_q += num(Some(cols[1]));
        h.send_q += num(Some(cols[2]));
        // rtt:20.123/10.061 in ms with three decimals: the kernel's µs.
        if let Some(rtt) = field(detail, "rtt")
            .and_then(|r| r.split('/').next())
            .and_then(|r| r.parse::<f64>().ok())
        {
            h.rtts.push((rtt * 1000.0).round() as u64);
        }
        h.bytes_sent += num(field(detail, "bytes_sent"));
        h.bytes_retrans += num(field(detail, "bytes_retrans"));
        // retrans:NOW/TOTAL, printed when either is non-zero.
        if num(field(detail, "retrans").and_then(|r| r.split('/').next())) > 0 {
            h.retransmitting += 1;
        }
        h.unacked |= field(detail, "unacked").is_some();
    }
    for h in peers.values_mut() {
        h.rtts.sort_unstable();
    }
    peers
}

/// The nearest-rank quantile of sorted values.
fn quantile(sorted: &[u64], q: f64) -> u64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
    sorted[rank - 1]
}

/// How a path is made slow or lossy.
#[derive(Clone, Copy)]
enum Shape {
    /// `netem delay MS [loss 5%]` on the client's side.
    Netem { delay_ms: u32, lossy: bool },
    /// No netem in this kernel: nothing (the fast path), or a 4 Mbit/s `tbf` whose queue
    /// delays while data flows and an nftables rule at the server dropping 10 % of the
    /// client's data segments. (Once the queue drains the rtt falls back, so only netem makes
    /// one path slower for good.)
    Fallback { lossy: bool },
}

/// Whether this kernel has the netem qdisc (a kernel built without it says "unknown").
fn has_netem(ns: &Netns) -> bool {
    let probe = ns.run(
        "tc",
        &["qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"],
    );
    let ok = probe.is_ok_and(|o| o.status.success());
    if ok {
        let _ = ns.run("tc", &["qdisc", "del", "dev", "lo", "root"]);
    } else {
        eprintln!("no netem qdisc in this kernel: shaping with tbf and nftables instead");
    }
    ok
}

/// A server namespace on a veth pair to `client`: `10.71.N.2` there, `10.71.N.1` on the
/// client's side, the path shaped as `shape` says.
fn peer_ns(client: &Netns, n: u8, shape: Shape) -> Option<Netns> {
    let server = Netns::new(&format!("gstats-peer{n}"))?;
    let link = format!("gs{n}");
    client
        .ip(&[
            "link",
            "add",
            &link,
            "type",
            "veth",
            "peer",
            "name",
            &link,
            "netns",
            server.name(),
        ])
        .expect("a veth pair");
    let ours = format!("10.71.{n}.1/24");
    let theirs = format!("10.71.{n}.2/24");
    client
        .ip(&["addr", "add", &ours, "dev", &link])
        .expect("address");
    server
        .ip(&["addr", "add", &theirs, "dev", &link])
        .expect("address");
    client.ip(&["link", "set", &link, "up"]).expect("link up");
    server.ip(&["link", "set", &link, "up"]).expect("link up");
    let root = ["qdisc", "add", "dev", &link, "root"];
    match shape {
        Shape::Netem { delay_ms, lossy } => {
            let delay = format!("{delay_ms}ms");
            let mut tc = root.to_vec();
            tc.extend(["netem", "delay", &delay]);
            if lossy {
                tc.extend(["loss", "5%"]);
            }
            client.check_output("tc", &tc).expect("tc netem");
        }
        Shape::Fallback { lossy: false } => {}
        Shape::Fallback { lossy: true } => {
            let mut tc = root.to_vec();
            tc.extend(["tbf", "rate", "4mbit", "burst", "16kb", "latency", "400ms"]);
            client.check_output("tc", &tc).expect("tc tbf");
            server
                .nft(
                    "table inet lossy {\n chain input {\n type filter hook input priority 0;\n \
                     tcp dport 7720 meta length > 200 numgen random mod 100 < 10 drop\n }\n}\n",
                )
                .expect("an nftables rule dropping 10 % of the data");
        }
    }
    Some(server)
}

/// A listener in `server` at `10.71.N.2:7720` answering each of `CONNS` connections with
/// `REPLY` bytes and reading its `SENT`; the accepted streams are returned to be held.
fn serve(server: &Netns, n: u8) -> JoinHandle<Vec<TcpStream>> {
    let addr = format!("10.71.{n}.2:7720");
    let l = server.inside(|| TcpListener::bind(&addr).expect("a listener"));
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for _ in 0..CONNS {
            let (mut s, _) = l.accept().expect("accept");
            s.set_read_timeout(Some(Duration::from_secs(60)))
                .expect("timeout");
            s.write_all(&[b'r'; REPLY]).expect("reply");
            let mut got = vec![0u8; SENT];
            s.read_exact(&mut got).expect("the client's bytes");
            held.push(s);
        }
        held
    })
}

#[test]
fn groups_equal_a_hand_computation_from_ss() {
    let Some(client) = Netns::with_tools("gstats", &["ss", "tc"]) else {
        return;
    };
    let (fast_shape, lossy_shape) = if has_netem(&client) {
        (
            Shape::Netem {
                delay_ms: 20,
                lossy: false,
            },
            Shape::Netem {
                delay_ms: 60,
                lossy: true,
            },
        )
    } else {
        if !crate::common::require_tool("nft") {
            return;
        }
        (
            Shape::Fallback { lossy: false },
            Shape::Fallback { lossy: true },
        )
    };
    let Some(fast) = peer_ns(&client, 1, fast_shape) else {
        return;
    };
    let Some(lossy) = peer_ns(&client, 2, lossy_shape) else {
        return;
    };
    let servers = [serve(&fast, 1), serve(&lossy, 2)];
    let mut conns = Vec::new();
    for n in [1u8, 2] {
        for _ in 0..CONNS {
            let addr = format!("10.71.{n}.2:7720");
            let mut c = client.inside(|| TcpStream::connect(&addr).expect("connect"));
            c.set_write_timeout(Some(Duration::from_secs(60)))
                .expect("timeout");
            c.write_all(&[b'c'; SENT]).expect("send");
            conns.push(c);
        }
    }
    let held: Vec<Vec<TcpStream>> = servers
        .into_iter()
        .map(|s| s.join().expect("the server read every byte"))
        .collect();

    // Everything acknowledged, the replies unread: ss, tcpstate, ss again, until the two ss
    // reads agree (nothing moved in between).
    let (hand, json) = poll(Duration::from_secs(30), Duration::from_millis(200), || {
        let ss = || {
            client
                .check_output("ss", &["-Htin"])
                .ok()
                .map(|o| by_peer(&o))
        };
        let before = ss()?;
        let settled = before.len() == 2
            && before
                .values()
                .all(|h| h.count == CONNS as u64 && h.send_q == 0 && !h.unacked);
        if !settled || before.values().any(|h| h.recv_q != (CONNS * REPLY) as u64) {
            return None;
        }
        let out = client
            .command(env!("CARGO_BIN_EXE_tcpstate"))
            .args([
                "summary",
                "--by",
                "remote-ip",
                "--stats",
                "--state",
                "established",
                "-f",
                "json",
            ])
            .output()
            .expect("runs tcpstate");
        assert!(out.status.success(), "{out:?}");
        let after = ss()?;
        (before == after).then(|| {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
            (before, v)
        })
    })
    .expect("the connections settle: everything acknowledged, the replies queued");

    let groups = json.as_array().expect("an array of groups");
    assert_eq!(groups.len(), 2, "{json}");
    for g in groups {
        let peer = g["key"].as_str().expect("a key");
        let h = &hand[peer];
        let st = &g["stats"];
        let ctx = format!("{peer}: {g}\nby hand: {h:?}");
        assert_eq!(g["total"].as_u64(), Some(h.count), "{ctx}");
        assert_eq!(
            st["rtt_samples"].as_u64(),
            Some(h.rtts.len() as u64),
            "{ctx}"
        );
        for (q, name) in [(0.5, "rtt_p50_us"), (0.99, "rtt_p99_us")] {
            let exact = quantile(&h.rtts, q);
            let got = st[name].as_u64().expect("a quantile");
            assert!(
                exact <= got && got <= exact + exact / 16,
                "{name} {got} vs {exact} by hand: {ctx}"
            );
        }
        assert_eq!(st["bytes_sent"].as_u64(), Some(h.bytes_sent), "{ctx}");
        assert_eq!(st["bytes_retrans"].as_u64(), Some(h.bytes_retrans), "{ctx}");
        let share = st["retrans_share"].as_f64().expect("a share");
        let by_hand = h.bytes_retrans as f64 / h.bytes_sent as f64;
        assert!((share - by_hand).abs() < 1e-12, "{ctx}");
        assert_eq!(
            st["retransmitting"].as_u64(),
            Some(h.retransmitting),
            "{ctx}"
        );
        assert_eq!(st["recv_q"].as_u64(), Some(h.recv_q), "{ctx}");
        assert_eq!(st["send_q"].as_u64(), Some(h.send_q), "{ctx}");
    }
    // The shaping did what it was told: the lossy peer lost packets; with netem it is the
    // slow one too.
    let (f, l) = (&hand["10.71.1.2"], &hand["10.71.2.2"]);
    assert!(l.bytes_retrans > 0, "{l:?}");
    if let Shape::Netem { .. } = lossy_shape {
        assert!(quantile(&f.rtts, 0.5) >= 20_000, "{f:?}");
        assert!(quantile(&f.rtts, 0.99) < 60_000, "{f:?}");
        assert!(quantile(&l.rtts, 0.5) >= 60_000, "{l:?}");
    }

    // Ranked by retransmitted share the lossy peer comes first; by p99 rtt, the peer whose
    // p99 is the larger by hand (when the two are further apart than a bucket).
    let (p99f, p99l) = (quantile(&f.rtts, 0.99), quantile(&l.rtts, 0.99));
    let slowest = if p99l > p99f + p99f / 8 {
        Some("10.71.2.2")
    } else if p99f > p99l + p99l / 8 {
        Some("10.71.1.2")
    } else {
        None
    };
    let mut sorts = vec![("retrans-share", "10.71.2.2")];
    if let Some(peer) = slowest {
        sorts.push(("rtt-p99", peer));
    }
    for (sort, want) in sorts {
        let out = client
            .check_output(
                env!("CARGO_BIN_EXE_tcpstate"),
                &[
                    "summary",
                    "--by",
                    "remote-ip",
                    "--stats",
                    "--sort",
                    sort,
                    "-f",
                    "plain",
                    "--state",
                    "established",
                ],
            )
            .expect("runs tcpstate");
        let first = out.split_whitespace().next();
        assert_eq!(first, Some(want), "--sort {sort}:\n{out}");
    }

    // Grouped by namespace: the client's one namespace holds all of them.
    let out = client
        .check_output(
            env!("CARGO_BIN_EXE_tcpstate"),
            &[
                "summary",
                "--by",
                "netns",
                "--stats",
                "--state",
                "established",
                "-f",
                "json",
            ],
        )
        .expect("runs tcpstate");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let all: Hand = hand.values().fold(Hand::default(), |mut a, h| {
        a.count += h.count;
        a.bytes_sent += h.bytes_sent;
        a
    });
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v[0]["total"].as_u64(), Some(all.count), "{v}");
    assert_eq!(
        v[0]["stats"]["bytes_sent"].as_u64(),
        Some(all.bytes_sent),
        "{v}"
    );

    // check's slow_peers names the peers whose retransmitted share crosses its threshold:
    // those the hand computation puts at 0.1 % or more.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cfg = dir.path().join("check.toml");
    std::fs::write(
        &cfg,
        "[slow_peers]\nrtt_p99_ms = { warn = \"off\", crit = \"off\" }\n\
         retrans_share = { warn = \"0.1%\", crit = \"off\" }\nmin_bytes = 0\n",
    )
    .expect("write the thresholds");
    let cfg = cfg.display().to_string();
    let out = client
        .command(env!("CARGO_BIN_EXE_tcpstate"))
        .args([
            "check",
            "-f",
            "json",
            "--config",
            &cfg,
            "--state",
            "established",
        ])
        .output()
        .expect("runs tcpstate check");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let f = report["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["rule"] == "slow_peers"))
        .expect("a slow_peers finding");
    let mut named: Vec<&str> = f["offenders"]
        .as_array()
        .expect("offenders")
        .iter()
        .filter_map(|o| o["key"].as_str())
        .collect();
    named.sort_unstable();
    let want: Vec<&str> = hand
        .iter()
        .filter(|(_, h)| h.bytes_retrans * 1000 >= h.bytes_sent)
        .map(|(peer, _)| peer.as_str())
        .collect();
    assert_eq!(named, want, "{f}");
    assert_eq!(f["severity"], "WARNING", "{f}");
    drop((conns, held));
}

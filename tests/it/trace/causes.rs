//! `tcpstate trace --events …` against the kernel's own account, in private namespaces:
//! retransmits counted per peer equal the namespace's `RetransSegs` increase under random loss
//! (made by nftables: this kernel may lack `sch_netem`), a connect to a closed port shows the
//! reset sent (reason `NO_SOCKET`), the reset received and `ECONNREFUSED` with the right
//! addresses and owner, packets an nftables rule drops show as `NETFILTER_DROP` at least as
//! often as the rule's own counter says, with no addresses claimed, and a handshake left
//! unfinished shows the listener's SYN-ACK retransmits.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use serde_json::Value;

use super::tracer::{Busy, Trace, unique_endpoint, until_complete};
use crate::common::traffic::retrans_segs;
use crate::common::{Netns, poll};

fn endpoint(v: &Value) -> Option<SocketAddr> {
    let a = v["address"].as_str()?.parse().ok()?;
    Some(SocketAddr::new(a, u16::try_from(v["port"].as_u64()?).ok()?))
}

fn of_type<'a>(lines: &'a [Value], t: &str) -> Vec<&'a Value> {
    lines.iter().filter(|v| v["type"] == t).collect()
}

/// Send `total` bytes from a client (bound to `addr`'s address) to a server on `addr`
/// inside `ns`, both ends closing cleanly; returns when the server's FIN has reached the
/// client.
fn bulk_transfer(ns: &Netns, addr: SocketAddr, total: usize) {
    ns.inside(|| {
        let l = TcpListener::bind(addr).expect("bind");
        std::thread::scope(|s| {
            s.spawn(|| {
                let (mut a, _) = l.accept().expect("accept");
                let mut buf = vec![0u8; 65536];
                while a.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
            });
            // From the same address, so both ends have one peer: `addr`'s.
            let c = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
                .expect("socket");
            c.bind(&SocketAddr::new(addr.ip(), 0).into())
                .expect("bind the client");
            c.connect(&addr.into()).expect("connect");
            let mut c = TcpStream::from(c);
            let chunk = vec![7u8; 65536];
            let mut sent = 0;
            while sent < total {
                c.write_all(&chunk).expect("write");
                sent += chunk.len();
            }
            c.shutdown(Shutdown::Write).expect("shutdown");
            let mut rest = Vec::new();
            let _ = c.read_to_end(&mut rest);
        });
    });
}

/// Retransmits under 5 % random loss: the tracer's count per peer is the namespace's
/// `RetransSegs` increase, event by event and in the summary.
#[test]
fn retransmits_per_peer_equal_retrans_segs() {
    let Some(ns) = Netns::with_tools("t-retr", &["nft", "ss"]) else {
        return;
    };
    // One segment per packet, so the kernel's per-packet event and its per-segment counter
    // count the same thing.
    ns.ip(&["link", "set", "lo", "gso_max_segs", "1"])
        .expect("gso_max_segs");
    until_complete("retransmits", || {
        let (ip, port) = unique_endpoint();
        ns.nft(&format!(
            "table inet loss {{\n chain in {{\n type filter hook input priority 0;\n \
             ip daddr {ip} tcp dport {port} numgen random mod 100 < 5 drop\n }}\n}}\n"
        ))
        .expect("nft loss rule");
        let _busy = Busy::new();
        let trace = Trace::start(&ns, &["--events", "retrans", "--port", &port.to_string()])?;
        let before = retrans_segs(&ns);
        bulk_transfer(&ns, SocketAddr::from((ip, port)), 8 << 20);
        // The server's FIN may still be retransmitted: wait until nothing is left unacked.
        let quiet = poll(Duration::from_secs(20), Duration::from_millis(100), || {
            let out = ns
                .check_output("ss", &["-Htan", "state", "last-ack", "state", "fin-wait-1"])
                .unwrap_or_default();
            (!out.contains(&format!(":{port}"))).then_some(())
        });
        assert!(quiet.is_some(), "connections never finished closing");
        let increase = retrans_segs(&ns) - before;
        let counted = |lines: &[Value]| {
            of_type(lines, "retransmit")
                .iter()
                .filter(|v| v["result"] == 0 || v["result"].is_null())
                .count() as u64
        };
        trace.wait_until(20, |lines| counted(lines) >= increase);
        let (lines, summary) = trace.stop_all();
        ns.run("nft", &["delete", "table", "inet", "loss"]).ok();
        let check = || -> Result<(), String> {
            ensure!(
                increase > 0,
                "5 % loss over 8 MiB made no retransmit at all"
            );
            let shown = counted(&lines);
            ensure!(
                shown == increase,
                "{shown} retransmit lines, RetransSegs rose by {increase}"
            );
            for v in of_type(&lines, "retransmit") {
                let (l, r) = (endpoint(&v["local"]), endpoint(&v["remote"]));
                ensure!(
                    l.map(|a| a.ip()) == Some(ip.into()) && r.map(|a| a.ip()) == Some(ip.into()),
                    "a retransmit with addresses not ours: {v}"
                );
                ensure!(
                    l.map(|a| a.port()) == Some(port) || r.map(|a| a.port()) == Some(port),
                    "a retransmit of another connection: {v}"
                );
            }
            let c = &summary["causes"]["retransmits"];
            ensure!(c["sent"] == increase, "summary says {} sent", c["sent"]);
            let peer = c["by_peer"]
                .as_array()
                .and_then(|a| a.iter().find(|p| p["peer"] == ip.to_string()))
                .map(|p| p["count"].clone());
            ensure!(
                peer == Some(Value::from(increase)),
                "per peer {peer:?}, RetransSegs rose by {increase}"
            );
            Ok(())
        };
        Some((summary.clone(), check()))
    });
}

/// A connect to a closed port: the reset the kernel sends (reason NO_SOCKET where the
/// tracepoint carries one), the reset the client receives, and its ECONNREFUSED, each with the
/// right addresses; the error is owned by the process that called connect().
#[test]
fn refused_connect_shows_both_resets_and_econnrefused() {
    let Some(ns) = Netns::new("t-reset") else {
        return;
    };
    until_complete("refused connect", || {
        let (ip, port) = unique_endpoint();
        let client_port = port + 1;
        let server = SocketAddr::from((ip, port));
        let client = SocketAddr::from((ip, client_port));
        let _busy = Busy::new();
        let mut trace = Trace::start(
            &ns,
            &[
                "--events",
                "reset,error",
                "--port",
                &format!("{port}-{client_port}"),
            ],
        )?;
        let err = ns.inside(|| {
            let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
                .expect("socket");
            s.bind(&client.into()).expect("bind the client");
            s.connect(&server.into())
                .expect_err("nothing listens there")
        });
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{err}");
        trace.wait_for("the error report", |l| {
            !of_type(l, "socket_error").is_empty()
        });
        let (lines, summary) = trace.stop_all();
        let check = || -> Result<(), String> {
            let sent = of_type(&lines, "reset_sent");
            ensure!(sent.len() == 1, "reset_sent lines: {sent:?}");
            ensure!(
                endpoint(&sent[0]["local"]) == Some(server)
                    && endpoint(&sent[0]["remote"]) == Some(client),
                "the reset sent has the wrong addresses: {}",
                sent[0]
            );
            ensure!(
                sent[0]["reason"].is_null() || sent[0]["reason"] == "NO_SOCKET",
                "reason {}",
                sent[0]["reason"]
            );
            let got = of_type(&lines, "reset_received");
            ensure!(got.len() == 1, "reset_received lines: {got:?}");
            ensure!(
                endpoint(&got[0]["local"]) == Some(client)
                    && endpoint(&got[0]["remote"]) == Some(server),
                "the reset received has the wrong addresses: {}",
                got[0]
            );
            let errs = of_type(&lines, "socket_error");
            ensure!(errs.len() == 1, "socket_error lines: {errs:?}");
            let e = errs[0];
            ensure!(e["reason"] == "ECONNREFUSED", "error {e}");
            ensure!(e["result"] == libc::ECONNREFUSED, "errno {e}");
            ensure!(
                endpoint(&e["local"]) == Some(client) && endpoint(&e["remote"]) == Some(server),
                "the error has the wrong addresses: {e}"
            );
            ensure!(
                e["owner"]["pid"] == std::process::id() && e["owner"]["source"] == "connect",
                "the error's owner is not the process that called connect(): {e}"
            );
            let r = &summary["causes"]["resets"];
            ensure!(r["sent"] == 1 && r["received"] == 1, "summary resets {r}");
            Ok(())
        };
        Some((summary.clone(), check()))
    });
}

/// SYNs an nftables rule drops reach `skb:kfree_skb` as NETFILTER_DROP: the tracer shows at
/// least as many as the rule counted (other tests on the host may drop too), at netfilter's
/// code, and claims no addresses for them (the kernel ties such a drop to no socket).
#[test]
fn nftables_drop_shows_netfilter_drop() {
    let Some(ns) = Netns::with_tools("t-drop", &["nft"]) else {
        return;
    };
    until_complete("netfilter drop", || {
        let (ip, port) = unique_endpoint();
        ns.nft(&format!(
            "table inet wall {{\n chain in {{\n type filter hook input priority 0;\n \
             ip daddr {ip} tcp dport {port} counter drop\n }}\n}}\n"
        ))
        .expect("nft drop rule");
        let _busy = Busy::new();
        let trace = Trace::start(&ns, &["--events", "drop"])?;
        let addr = SocketAddr::from((ip, port));
        // The SYN and its first retransmit (after 1 s) are dropped, then the connect gives up.
        let r = ns.inside(|| TcpStream::connect_timeout(&addr, Duration::from_millis(1500)));
        assert!(r.is_err(), "a connect through a dropping rule succeeded");
        let listed = ns
            .check_output("nft", &["list", "table", "inet", "wall"])
            .expect("nft list");
        let counted: u64 = listed
            .split_whitespace()
            .skip_while(|w| *w != "packets")
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("the rule's packet counter");
        let netfilter = |lines: &[Value]| -> Vec<Value> {
            of_type(lines, "drop")
                .into_iter()
                .filter(|v| v["reason"] == "NETFILTER_DROP")
                .cloned()
                .collect()
        };
        trace.wait_until(10, |l| netfilter(l).len() as u64 >= counted);
        let (lines, summary) = trace.stop_all();
        ns.run("nft", &["delete", "table", "inet", "wall"]).ok();
        let check = || -> Result<(), String> {
            ensure!(counted >= 1, "the rule dropped nothing");
            let drops = netfilter(&lines);
            ensure!(
                drops.len() as u64 >= counted,
                "{} NETFILTER_DROP lines, the rule dropped {counted}",
                drops.len()
            );
            for d in &drops {
                ensure!(
                    d["local"].is_null() && d["remote"].is_null(),
                    "a netfilter drop claims addresses: {d}"
                );
                ensure!(
                    d["location"].is_null()
                        || d["location"].as_str().is_some_and(|l| l.starts_with("nf")),
                    "dropped elsewhere than netfilter: {d}"
                );
            }
            let by_reason = summary["causes"]["drops"]["by_reason"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let n: u64 = by_reason
                .iter()
                .filter(|r| r["reason"] == "NETFILTER_DROP")
                .filter_map(|r| r["count"].as_u64())
                .sum();
            ensure!(n >= counted, "the summary counts {n} NETFILTER_DROP");
            Ok(())
        };
        Some((summary.clone(), check()))
    });
}

/// A client whose handshake never completes (an nftables rule drops its ACKs): the listener
/// retransmits its SYN-ACK, each shown with the listener's and the client's addresses, per
/// listener in the summary, as many as the namespace's RetransSegs rose (the kernel counts
/// SYN-ACK retransmits there too).
#[test]
fn unfinished_handshake_shows_synack_retransmits() {
    let Some(ns) = Netns::with_tools("t-synack", &["nft"]) else {
        return;
    };
    until_complete("synack", || {
        let (ip, port) = unique_endpoint();
        let server = SocketAddr::from((ip, port));
        ns.nft(&format!(
            "table inet noack {{\n chain in {{\n type filter hook input priority 0;\n \
             ip daddr {ip} tcp dport {port} tcp flags & (syn | ack) == ack drop\n }}\n}}\n"
        ))
        .expect("nft rule");
        let _busy = Busy::new();
        let trace = Trace::start(&ns, &["--events", "synack", "--port", &port.to_string()])?;
        let before = retrans_segs(&ns);
        let (listener, client) = ns.inside(|| {
            let l = TcpListener::bind(server).expect("bind");
            // The client's side completes (its SYN and the SYN-ACK pass); the server's never
            // does (the client's ACK is dropped).
            let c = TcpStream::connect(server).expect("connect");
            (l, c)
        });
        trace.wait_until(10, |l| !of_type(l, "synack_retransmit").is_empty());
        let (lines, summary) = trace.stop_all();
        // The next SYN-ACK retransmit comes about 2 s after the first: read the counter now.
        let increase = retrans_segs(&ns) - before;
        let client_addr = client.local_addr().expect("client address");
        drop((listener, client));
        ns.run("nft", &["delete", "table", "inet", "noack"]).ok();
        let check = || -> Result<(), String> {
            let got = of_type(&lines, "synack_retransmit");
            ensure!(!got.is_empty(), "no SYN-ACK retransmit shown");
            ensure!(
                got.len() as u64 == increase,
                "{} SYN-ACK retransmits shown, RetransSegs rose by {increase}",
                got.len()
            );
            for v in &got {
                ensure!(
                    endpoint(&v["local"]) == Some(server)
                        && endpoint(&v["remote"]) == Some(client_addr),
                    "wrong addresses: {v}"
                );
            }
            let by = &summary["causes"]["synack_retransmits"]["by_listener"];
            ensure!(
                by[0]["listener"]["port"] == port
                    && by[0]["listener"]["address"] == ip.to_string()
                    && by[0]["count"] == got.len() as u64,
                "per listener: {by}"
            );
            Ok(())
        };
        Some((summary.clone(), check()))
    });
}

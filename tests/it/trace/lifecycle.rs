//! Whole connections through their states, both sides, against the kernel: an ordinary
//! connection closed by the client (client SYN_SENT to TIME_WAIT, server SYN_RECV to CLOSE,
//! the listener's own LISTEN and CLOSE), and a simultaneous close that passes through CLOSING.

use std::io::Read;
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};

use serde_json::Value;

use super::events::{assert_matrix_matches, by_socket, life, s, touches};
use super::tracer::{Busy, Trace, unique_endpoint, until_complete};
use crate::common::Netns;

/// A listener on `addr` in the namespace and a client connected to it, not yet accepted.
pub(super) fn listen_and_connect(ns: &Netns, addr: SocketAddr) -> (TcpListener, TcpStream) {
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
    // Sockets made after the start: the tracepoint does not say their namespace (a TIME_WAIT
    // the snapshot's lookup confirmed is known to be in the namespace it read).
    if let Some(e) = ours
        .iter()
        .find(|e| !e["netns"].is_null() && e["inferred"] != true)
    {
        return Err(format!("a new socket's event claims a namespace: {e}"));
    }
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

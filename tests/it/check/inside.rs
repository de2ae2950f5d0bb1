//! The check's rules over what is inside the sockets, against real sockets: a listener
//! overflowed on purpose (backlog 1, new handshakes kept coming) makes `listener_drops` warn
//! over `--interval`, naming that listener and not an idle one beside it, in English and in
//! Chinese; one sample says the rule needs two.

use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{check, listen};
use crate::common::Netns;

/// Sets the flag when dropped, so the connecting thread ends even when an assertion fails.
struct Stop<'a>(&'a AtomicBool);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn finding<'a>(report: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["rule"] == rule))
        .unwrap_or_else(|| panic!("no {rule} finding in {report}"))
}

#[test]
fn the_listener_whose_drops_rise_and_only_it() {
    let Some(ns) = Netns::new("check-ldrops") else {
        return;
    };
    let _listeners = ns.inside(|| (listen(7850, 1), listen(7851, 16)));
    // One sample cannot tell a rise.
    let out = check(&ns, &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let one = finding(&report, "listener_drops");
    assert_eq!(one["severity"], "OK", "{one}");
    assert!(one["notes"].to_string().contains("two samples"), "{one}");

    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let _stop = Stop(&stop);
        // New handshakes every 50 ms (at most 30 s): past backlog + 1 the kernel drops them.
        scope.spawn(|| {
            let target: SocketAddr = "127.0.0.1:7850".parse().expect("an address");
            let mut held: Vec<TcpStream> = Vec::new();
            for _ in 0..600 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(c) =
                    ns.inside(|| TcpStream::connect_timeout(&target, Duration::from_millis(50)))
                {
                    held.push(c);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let out = check(&ns, &["--format", "json", "--interval", "1s"]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let f = finding(&report, "listener_drops");
        assert_ne!(f["severity"], "OK", "{f}");
        let offenders = f["offenders"].as_array().expect("offenders");
        assert_eq!(offenders.len(), 1, "{f}");
        assert_eq!(offenders[0]["key"], "127.0.0.1:7850", "{f}");
        assert!(offenders[0]["count"].as_u64().is_some_and(|n| n > 0), "{f}");
        assert!(
            out.status.code().is_some_and(|c| c == 1 || c == 2),
            "{out:?}"
        );

        let zh = ns
            .command(env!("CARGO_BIN_EXE_tcpstate"))
            .args(["--lang", "zh", "check", "--interval", "1s"])
            .output()
            .expect("runs tcpstate check");
        let text = String::from_utf8_lossy(&zh.stdout);
        assert!(text.contains("个监听套接字丢弃了连接请求"), "{text}");
    });
}

//! The dashboard's listener panel names the listener that drops: a listener overflowed on
//! purpose (backlog 1, never accepted, new handshakes kept coming) shows a rising drop rate
//! in its DROPS/s column, driven in a real terminal (tmux), while an idle listener beside it
//! shows 0.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::common::tmux::Tmux;
use crate::common::{Family, Netns};
use tcpstate_population::Server;
use tcpstate_population::sockets::listener;

const BIN: &str = env!("CARGO_BIN_EXE_tcpstate");

/// Sets the flag when dropped, so the connecting thread ends even when an assertion fails.
struct Stop<'a>(&'a AtomicBool);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The DROPS/s figure of the listener row showing `addr`: the last word of its panel cell.
fn drop_rate(screen: &str, addr: &str) -> Option<f64> {
    let line = screen.lines().find(|l| l.contains(addr))?;
    let from = line.find(addr)?;
    let cell = line[from..].split('│').next()?;
    cell.split_whitespace().last()?.parse().ok()
}

#[test]
fn the_overflowed_listener_shows_its_drop_rate_and_only_it() {
    let Some(ns) = Netns::with_tools("watch-drops", &["tmux"]) else {
        return;
    };
    let (full_addr, idle_addr) = ("127.0.0.1:7840", "127.0.0.1:7841");
    let _listeners = ns.inside(|| {
        let full: TcpListener = listener(Server::new(Family::V4, 7840), 1)
            .expect("a listener")
            .into();
        let idle: TcpListener = listener(Server::new(Family::V4, 7841), 16)
            .expect("a listener")
            .into();
        (full, idle)
    });
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let _stop = Stop(&stop);
        // New handshakes every 100 ms (at most 60 s): past backlog + 1 the kernel drops them.
        scope.spawn(|| {
            let target: SocketAddr = full_addr.parse().expect("an address");
            let mut held: Vec<TcpStream> = Vec::new();
            for _ in 0..600 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(c) =
                    ns.inside(|| TcpStream::connect_timeout(&target, Duration::from_millis(100)))
                {
                    held.push(c);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let cmd = format!(
            "ip netns exec {} {BIN} watch --interval 300ms; sleep 60",
            ns.name()
        );
        let t = Tmux::start("watch-drops", 140, 40, &cmd);
        let screen = t.wait_for("the full listener dropping, the idle one not", |s| {
            drop_rate(s, full_addr).is_some_and(|r| r > 0.0) && drop_rate(s, idle_addr) == Some(0.0)
        });
        assert!(screen.contains("DROPS/s"), "{screen}");
    });
}

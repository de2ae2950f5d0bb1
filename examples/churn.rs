//! Loopback connection churn for the trace benchmark (bench/trace_churn.sh): makes exactly N
//! TCP connections to 127.0.0.1, spread over a few listening ports, each closed by the client
//! first (client: SYN_SENT → ESTABLISHED → FIN_WAIT1 → FIN_WAIT2 → CLOSE; server: SYN_RECV →
//! ESTABLISHED → CLOSE_WAIT → LAST_ACK → CLOSE), and prints how many it made per second. Run
//! it inside a private network namespace; it is bounded by N and stops by itself.
//!
//!     churn N [LISTENERS] [BASE_PORT] [CLIENT_THREADS]

use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

fn arg(n: usize, default: u64) -> u64 {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let total = arg(1, 50_000).min(10_000_000);
    let listeners = arg(2, 8).clamp(1, 64) as u16;
    let base = arg(3, 40_000) as u16;
    let threads = arg(4, 1).clamp(1, 16);
    let served = Arc::new(AtomicU64::new(0));
    for i in 0..listeners {
        let l = match TcpListener::bind(("127.0.0.1", base + i)) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("churn: cannot listen on 127.0.0.1:{}: {e}", base + i);
                std::process::exit(1);
            }
        };
        let served = served.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 64];
            for c in l.incoming() {
                let Ok(mut c) = c else { continue };
                // Wait for the client's FIN, then close: the server side passes through
                // CLOSE_WAIT and LAST_ACK.
                while matches!(c.read(&mut buf), Ok(n) if n > 0) {}
                drop(c);
                served.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let start = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let next = next.clone();
            let failed = failed.clone();
            std::thread::spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let port = base + (i % u64::from(listeners)) as u16;
                    match TcpStream::connect(("127.0.0.1", port)) {
                        Ok(s) => {
                            let _ = s.shutdown(Shutdown::Write);
                            drop(s);
                        }
                        Err(_) => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let made = total - failed.load(Ordering::Relaxed);
    // Wait (bounded) for the server side to finish its closes.
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    while served.load(Ordering::Relaxed) < made && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "connections={made} failed={} seconds={secs:.3} rate={:.0}",
        failed.load(Ordering::Relaxed),
        made as f64 / secs
    );
}

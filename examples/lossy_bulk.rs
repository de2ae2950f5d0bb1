//! Bulk transfer for the retransmit benchmark (bench/trace_causes.sh): C connections to
//! 127.0.0.1:PORT, one after another, each sending MiB mebibytes from the client, both ends
//! then closing cleanly; prints the throughput. Run it inside a private network namespace
//! whose rules drop some packets, so the kernel retransmits; it is bounded by C × MiB.
//!
//!     lossy_bulk MIB [CONNECTIONS] [PORT]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Instant;

fn arg(n: usize, default: u64) -> u64 {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let mib = arg(1, 64).clamp(1, 65_536);
    let conns = arg(2, 4).clamp(1, 1024);
    let port = arg(3, 41_000) as u16;
    let l = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("lossy_bulk: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    let server = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        for _ in 0..conns {
            let Ok((mut c, _)) = l.accept() else { continue };
            while c.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
        }
    });
    let chunk = vec![0x5au8; 1 << 16];
    let started = Instant::now();
    for _ in 0..conns {
        let mut c = match TcpStream::connect(("127.0.0.1", port)) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("lossy_bulk: connect: {e}");
                std::process::exit(1);
            }
        };
        for _ in 0..mib * 16 {
            if let Err(e) = c.write_all(&chunk) {
                eprintln!("lossy_bulk: write: {e}");
                std::process::exit(1);
            }
        }
        let _ = c.shutdown(Shutdown::Write);
        let _ = c.read_to_end(&mut Vec::new());
    }
    let secs = started.elapsed().as_secs_f64();
    let _ = server.join();
    let total = (mib * conns) as f64;
    println!(
        "lossy_bulk: {total} MiB in {secs:.3} s rate={} KiB/s",
        (total * 1024.0 / secs) as u64
    );
}

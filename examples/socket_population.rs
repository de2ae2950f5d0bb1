//! Holds a socket population for benchmarks (bench/serve_vs_node_exporter.sh), run inside a
//! private network namespace with `ip netns exec`:
//!
//!     socket_population established N PORT   # N loopback connections (2N ESTABLISHED sockets) to 127.0.0.1:PORT
//!     socket_population time-wait N PORT     # N TIME_WAIT sockets on [::1] (client side), nothing held
//!
//! It prints `ready N` once the sockets exist and then waits to be killed; its sockets go
//! with it (TIME_WAIT entries stay until the kernel's 60 s timer). One process holds at most
//! about 2N+1 descriptors: keep N under half the descriptor limit. The sockets are made by the
//! workspace's `tcpstate-population` crate, as in the tests and `tcpstate-bench`.

use std::process::ExitCode;

use tcpstate_population::{Family, Held, Kind, Server, hold, sockets};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (kind, n, port) = match args.as_slice() {
        [k, n, p] => match (n.parse::<usize>(), p.parse::<u16>()) {
            (Ok(n), Ok(p)) => (k.as_str(), n, p),
            _ => return usage(),
        },
        _ => return usage(),
    };
    let made = match kind {
        // Both ends of every connection and the listener are held.
        "established" => hold::make(Kind::Established, Server::new(Family::V4, port), n),
        // The client closes first; the listener is closed afterwards, nothing is held.
        "time-wait" => {
            sockets::time_wait(Server::new(Family::V6, port), n).map(|()| Held::default())
        }
        _ => return usage(),
    };
    match made {
        Ok(keep) => {
            println!("ready {n}");
            let _held = keep;
            loop {
                std::thread::park();
            }
        }
        Err(e) => {
            eprintln!("socket_population: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: socket_population established|time-wait N PORT");
    ExitCode::from(2)
}

//! Holds a socket population for benchmarks (bench/serve_vs_node_exporter.sh), run inside a
//! private network namespace with `ip netns exec`:
//!
//!     socket_population established N PORT   # N loopback connections (2N ESTABLISHED sockets) to 127.0.0.1:PORT
//!     socket_population time-wait N PORT     # N TIME_WAIT sockets on [::1] (client side), nothing held
//!
//! It prints `ready N` once the sockets exist and then waits to be killed; its sockets go
//! with it (TIME_WAIT entries stay until the kernel's 60 s timer). One process holds at most
//! about 2N+1 descriptors: keep N under half the descriptor limit.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;

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
        "established" => established(n, port),
        "time-wait" => time_wait(n, port),
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
            eprintln!("socket_population: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: socket_population established|time-wait N PORT");
    ExitCode::from(2)
}

/// What a worker keeps open until it is killed.
struct Held {
    _listener: Option<TcpListener>,
    _streams: Vec<TcpStream>,
}

/// N connections to one listener, both ends held.
fn established(n: usize, port: u16) -> std::io::Result<Held> {
    let l = TcpListener::bind(("127.0.0.1", port))?;
    let mut streams = Vec::with_capacity(2 * n);
    for _ in 0..n {
        streams.push(TcpStream::connect(("127.0.0.1", port))?);
        streams.push(l.accept()?.0);
    }
    Ok(Held {
        _listener: Some(l),
        _streams: streams,
    })
}

/// N connections closed by the client first, leaving N client-side TIME_WAIT entries.
fn time_wait(n: usize, port: u16) -> std::io::Result<Held> {
    let l = TcpListener::bind(("::1", port))?;
    let mut buf = [0u8; 1];
    for _ in 0..n {
        let client = TcpStream::connect(("::1", port))?;
        let mut server = l.accept()?.0;
        drop(client);
        // Wait for the client's FIN before closing, so only the client side lingers.
        let _ = server.read(&mut buf);
    }
    Ok(Held {
        _listener: None,
        _streams: Vec::new(),
    })
}

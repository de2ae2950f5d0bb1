//! Traffic for tests of traced events: a loopback address no other test uses (the kernel's
//! tracepoints see every namespace of the host, so a peer must be a test's alone), a sender
//! that keeps a connection busy until told to stop, the guard that tells it, and the
//! namespace's own count of retransmitted segments to compare traced events with.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::Netns;

/// Sets the flag when dropped, so the transfers end even when an assertion fails.
pub struct Stop<'a>(pub &'a AtomicBool);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

static SEQ: AtomicU32 = AtomicU32::new(0);

/// A port and a loopback address of this test alone (the tracepoints see every namespace on
/// the host, so tests running at once must not share them).
pub fn unique_endpoint() -> (Ipv4Addr, u16) {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mix = std::process::id()
        .wrapping_mul(2_654_435_761)
        .wrapping_add(nanos)
        .wrapping_add(n.wrapping_mul(7919));
    let port = 20_000 + (mix % 12_000) as u16;
    let ip = Ipv4Addr::new(
        127,
        100 + (mix >> 16) as u8 % 100,
        (mix >> 8) as u8,
        1 + (n % 200) as u8,
    );
    (ip, port)
}

/// A loopback address no other test uses (see `unique_endpoint`).
pub fn unique_ip() -> Ipv4Addr {
    unique_endpoint().0
}

/// Send `chunk` bytes at a time, `pause` apart, to a server on `addr` in `ns` until `stop`
/// (at most 40 s). Call from a thread of its own.
pub fn pump(ns: &Netns, addr: SocketAddr, chunk: usize, pause: Duration, stop: &AtomicBool) {
    ns.inside(|| {
        let l = TcpListener::bind(addr).expect("bind");
        std::thread::scope(|s| {
            s.spawn(|| {
                if let Ok((mut a, _)) = l.accept() {
                    let mut buf = vec![0u8; 65536];
                    while a.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
                }
            });
            let mut c = TcpStream::connect(addr).expect("connect");
            let chunk = vec![7u8; chunk];
            let end = Instant::now() + Duration::from_secs(40);
            while !stop.load(Ordering::Relaxed) && Instant::now() < end {
                if c.write_all(&chunk).is_err() {
                    break;
                }
                std::thread::sleep(pause);
            }
            drop(c);
        });
    });
}

/// `RetransSegs` of the namespace (`Tcp:` of /proc/net/snmp, read by a process inside it).
pub fn retrans_segs(ns: &Netns) -> u64 {
    let text = ns
        .check_output("cat", &["/proc/net/snmp"])
        .expect("read /proc/net/snmp");
    let mut tcp = text.lines().filter(|l| l.starts_with("Tcp:"));
    let (names, values) = (
        tcp.next().expect("Tcp names"),
        tcp.next().expect("Tcp values"),
    );
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(n, _)| *n == "RetransSegs")
        .and_then(|(_, v)| v.parse().ok())
        .expect("RetransSegs")
}

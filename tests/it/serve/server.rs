//! The exporter under test: `tcpstate serve` started inside a namespace on a port reserved
//! there, and the bounded wait until it accepts connections (or has exited).

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::process::Stdio;
use std::time::Duration;

use crate::common::process::ChildGuard;
use crate::common::{Netns, poll};

pub(crate) const TCPSTATE: &str = env!("CARGO_BIN_EXE_tcpstate");

/// A port on 127.0.0.1 for a server of the test, reserved in the namespace.
pub(crate) fn port_for(ns: &Netns) -> SocketAddr {
    let port = ns.alloc_ports(1).expect("a free port");
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Start `tcpstate serve` inside the namespace with `args`; waits until it accepts.
pub(crate) fn start_serve(ns: &Netns, args: &[&str]) -> (ChildGuard, SocketAddr) {
    let addr = port_for(ns);
    let listen = addr.to_string();
    let mut cmd = ns.command(TCPSTATE);
    cmd.args(["serve", "--listen", &listen])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = ChildGuard::spawn("tcpstate serve", &mut cmd);
    if !wait_listening(ns, addr, &mut child) {
        let mut err = String::new();
        if let Some(mut e) = child.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        panic!("tcpstate serve did not start: {err}");
    }
    (child, addr)
}

/// Waits (bounded) until something accepts connections on `addr` inside `ns`; false if
/// `child` exited first or nothing ever did.
pub(crate) fn wait_listening(ns: &Netns, addr: SocketAddr, child: &mut ChildGuard) -> bool {
    poll(Duration::from_secs(20), Duration::from_millis(50), || {
        if child.exited().is_some() {
            return Some(false);
        }
        ns.inside(|| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok())
            .then_some(true)
    })
    .unwrap_or(false)
}

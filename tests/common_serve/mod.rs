//! Small fixtures for tests/serve.rs, to be replaced by the shared tests/common fixture: a
//! private network namespace deleted on drop, closures run inside it (on a thread that
//! entered it), commands run inside it with `ip netns exec`, child processes killed on drop,
//! and a minimal HTTP/1.0 client.

#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Why the namespace tests cannot run here, if they cannot.
pub fn cannot_run() -> Option<String> {
    if !rustix::process::geteuid().is_root() {
        return Some("needs root to create network namespaces".into());
    }
    if !Path::new("/usr/sbin/ip").exists() && !Path::new("/sbin/ip").exists() {
        return Some("needs iproute2 (ip)".into());
    }
    None
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A network namespace of our own, with loopback up; deleted on drop.
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new(tag: &str) -> Netns {
        let name = format!(
            "tcpst-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "ip netns add {name} failed");
        let ns = Netns { name };
        let ok = Command::new("ip")
            .args(["-n", &ns.name, "link", "set", "lo", "up"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "bringing lo up in {} failed", ns.name);
        ns
    }

    /// Run `f` on a thread that entered the namespace. Sockets it makes stay in the
    /// namespace after it returns; threads it spawns are in the namespace too.
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        let path = format!("/run/netns/{}", self.name);
        std::thread::scope(|s| {
            s.spawn(|| {
                let fd = File::open(&path).expect("open the namespace file");
                rustix::thread::move_into_link_name_space(
                    fd.as_fd(),
                    Some(rustix::thread::LinkNameSpaceType::Network),
                )
                .expect("setns into the test namespace");
                f()
            })
            .join()
            .expect("the namespace thread panicked")
        })
    }

    /// `program args…` to run inside the namespace.
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, program]);
        c
    }

    /// A port on 127.0.0.1 that is free inside the namespace.
    pub fn free_port(&self) -> u16 {
        self.run(|| {
            TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("bind a free port")
        })
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .stderr(Stdio::null())
            .status();
    }
}

/// A child process killed (and reaped) on drop.
pub struct ChildGuard {
    pub child: Child,
    pub what: String,
}

impl ChildGuard {
    pub fn spawn(what: &str, cmd: &mut Command) -> ChildGuard {
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        ChildGuard {
            child,
            what: what.to_string(),
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Whether it has exited, with its status.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Wait for it to exit, at most `limit`.
    pub fn wait_for(&mut self, limit: Duration) -> Option<ExitStatus> {
        for _ in 0..(limit.as_millis() / 20).max(1) {
            if let Some(s) = self.exited() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.exited().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// An HTTP response as read off the wire.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Send `raw` bytes to `addr` and read the whole reply (the server closes after it). Must run
/// inside the namespace.
pub fn exchange(addr: SocketAddr, raw: &[u8]) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.write_all(raw)?;
    let mut all = Vec::new();
    s.read_to_end(&mut all)?;
    let end = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .unwrap_or(all.len());
    let head = String::from_utf8_lossy(&all[..end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(Reply {
        status,
        head,
        body: all[end..].to_vec(),
    })
}

/// `GET path` over HTTP/1.0 with optional extra header lines. Must run inside the namespace.
pub fn get(addr: SocketAddr, path: &str, extra: &str) -> std::io::Result<Reply> {
    exchange(
        addr,
        format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n{extra}\r\n").as_bytes(),
    )
}

/// Wait until something accepts connections on `addr` inside `ns` (bounded); false if
/// `child` exited first or it never did.
pub fn wait_listening(ns: &Netns, addr: SocketAddr, child: &mut ChildGuard) -> bool {
    for _ in 0..300 {
        if child.exited().is_some() {
            return false;
        }
        if ns.run(|| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Percent-encode a query-string value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

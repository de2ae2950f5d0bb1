//! A small private-network-namespace guard for the trace tests, until the shared fixture in
//! tests/common/ lands: `NetNs::new()` makes `tcpst-trace-<pid>-<n>` with loopback up and
//! deletes it on drop (even when the test fails); `NetNs::run` runs a closure on a thread that
//! has entered the namespace, so sockets it makes live there.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

pub struct NetNs {
    pub name: String,
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

pub fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

impl NetNs {
    /// A fresh namespace, or `None` (with the reason printed) when the test cannot make one.
    pub fn new() -> Option<NetNs> {
        if !is_root() {
            eprintln!("skipped: needs root (network namespaces and tracing)");
            return None;
        }
        if !have("ip") {
            eprintln!("skipped: the ip command (iproute2) is missing");
            return None;
        }
        let name = format!(
            "tcpst-trace-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot create network namespace {name}");
            return None;
        }
        let ns = NetNs { name };
        let up = Command::new("ip")
            .args(["-n", &ns.name, "link", "set", "lo", "up"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(up, "cannot bring lo up in {}", ns.name);
        Some(ns)
    }

    /// Run `f` on a thread inside the namespace and return its result.
    pub fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let path = format!("/run/netns/{}", self.name);
        std::thread::spawn(move || {
            let fd = File::open(&path).expect("open the namespace");
            // SAFETY: a valid namespace fd; setns affects only this thread.
            let r = unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(r, 0, "setns: {}", std::io::Error::last_os_error());
            f()
        })
        .join()
        .expect("namespace thread panicked")
    }

    /// A command that runs inside the namespace.
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, program]);
        c
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

//! A small private-network-namespace fixture for the check tests (until the shared one in
//! tests/common lands): a namespace unique to the test, removed on drop even when the test
//! fails; sockets made inside it from a thread that entered it; commands run in it with
//! `ip netns exec`; bounded waits on what `ss` sees there.

#![allow(dead_code)]

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

static SEQ: AtomicU32 = AtomicU32::new(0);

/// Why tests needing a namespace cannot run here, if they cannot.
pub fn skip_reason() -> Option<String> {
    if !rustix::process::geteuid().is_root() {
        return Some("needs root to create network namespaces".into());
    }
    for bin in ["ip", "ss"] {
        let found = Command::new(bin)
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return Some(format!("needs the `{bin}` command (iproute2)"));
        }
    }
    None
}

/// Skip the test with a printed reason when namespaces are not available.
#[macro_export]
macro_rules! netns_or_skip {
    ($tag:expr) => {
        match common_check::skip_reason() {
            Some(why) => {
                eprintln!("skipped: {why}");
                return;
            }
            None => common_check::Netns::new($tag),
        }
    };
}

/// A network namespace of this test.
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new(tag: &str) -> Netns {
        let name = format!(
            "tcpst-{tag}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        );
        run(Command::new("ip").args(["netns", "add", &name]));
        let ns = Netns { name };
        ns.exec_ok(&["ip", "link", "set", "lo", "up"]);
        ns
    }

    /// Run `f` on a thread that has entered the namespace; sockets it makes live there.
    pub fn enter<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        let path = format!("/run/netns/{}", self.name);
        std::thread::scope(|s| {
            s.spawn(|| {
                let fd = File::open(&path).expect("open the namespace");
                rustix::thread::move_into_link_name_space(
                    fd.as_fd(),
                    Some(rustix::thread::LinkNameSpaceType::Network),
                )
                .expect("setns");
                f()
            })
            .join()
            .expect("namespace thread")
        })
    }

    /// `ip netns exec NAME args…`.
    pub fn exec(&self, args: &[&str]) -> Output {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).args(args);
        c.output().expect("run ip netns exec")
    }

    pub fn exec_ok(&self, args: &[&str]) -> String {
        let o = self.exec(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Write a sysctl of this namespace.
    pub fn sysctl(&self, name: &str, value: &str) {
        let path = format!("/proc/sys/{}", name.replace('.', "/"));
        self.exec_ok(&["sh", "-c", &format!("echo '{value}' > {path}")]);
    }

    /// Load an nft ruleset into this namespace; false when nft is not installed.
    pub fn nft(&self, ruleset: &str) -> bool {
        if Command::new("nft").arg("--version").output().is_err() {
            return false;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("rules.nft");
        std::fs::write(&file, ruleset).expect("write the ruleset");
        self.exec_ok(&["nft", "-f", &file.to_string_lossy()]);
        true
    }

    /// `tcpstate check args…` run inside the namespace.
    pub fn check(&self, args: &[&str]) -> Output {
        let mut all = vec![env!("CARGO_BIN_EXE_tcpstate"), "check"];
        all.extend_from_slice(args);
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name])
            .args(&all)
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES");
        c.output().expect("run tcpstate check")
    }

    /// How many sockets `ss` shows in a state (ss's state filter word).
    pub fn ss_count(&self, state: &str) -> usize {
        self.exec_ok(&["ss", "-Htan", "state", state])
            .lines()
            .count()
    }

    /// Wait (bounded) until `ss` shows `n` sockets in `state`.
    pub fn wait_for(&self, state: &str, n: usize) {
        for _ in 0..400 {
            if self.ss_count(state) == n {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!(
            "ss never showed {n} sockets in {state}:\n{}",
            self.exec_ok(&["ss", "-tan"])
        );
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}

fn run(c: &mut Command) {
    let o = c.output().expect("run a command");
    assert!(
        o.status.success(),
        "{c:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A listener with an explicit backlog (std's is fixed). Call inside `Netns::enter`.
pub fn listen(addr: SocketAddr, backlog: i32) -> TcpListener {
    let SocketAddr::V4(v4) = addr else {
        panic!("IPv4 only")
    };
    // SAFETY: plain socket calls on a descriptor we own; the sockaddr is fully initialised.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
        let owned = OwnedFd::from_raw_fd(fd);
        let one: libc::c_int = 1;
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
        let sa = sockaddr(v4);
        let r = libc::bind(
            fd,
            (&sa as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        );
        assert_eq!(r, 0, "bind: {}", std::io::Error::last_os_error());
        assert_eq!(libc::listen(fd, backlog), 0, "listen");
        TcpListener::from(owned)
    }
}

/// Start a connection without waiting for the handshake (the socket stays in SYN_SENT when
/// nobody answers). Call inside `Netns::enter`.
pub fn connect_nonblocking(addr: SocketAddr) -> TcpStream {
    let SocketAddr::V4(v4) = addr else {
        panic!("IPv4 only")
    };
    // SAFETY: as in `listen`.
    unsafe {
        let fd = libc::socket(
            libc::AF_INET,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            0,
        );
        assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
        let owned = OwnedFd::from_raw_fd(fd);
        let sa = sockaddr(v4);
        let r = libc::connect(
            fd,
            (&sa as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        );
        let e = std::io::Error::last_os_error();
        assert!(
            r == 0 || e.raw_os_error() == Some(libc::EINPROGRESS),
            "connect: {e}"
        );
        TcpStream::from(owned)
    }
}

fn sockaddr(v4: std::net::SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: v4.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*v4.ip()).to_be(),
        },
        sin_zero: [0; 8],
    }
}

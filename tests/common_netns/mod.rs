//! A small namespace fixture for the netns tests, until the shared one in tests/common lands:
//! a private network namespace with loopback up, removed on drop; a python helper inside it
//! that makes a known set of sockets on 127.0.0.1 or ::1 and holds them until dropped; and a
//! guard for any child process.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tcpstate::TcpState;

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Why the test cannot run here, if it cannot.
pub fn skip_reason(needs: &[&str]) -> Option<String> {
    if !rustix::process::geteuid().is_root() {
        return Some("needs root (it creates network namespaces)".into());
    }
    for bin in needs {
        let found = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {bin}"))
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            return Some(format!("needs {bin}"));
        }
    }
    None
}

/// Skip the calling test, with a printed reason, when it cannot run here.
#[macro_export]
macro_rules! require {
    ($($bin:expr),*) => {
        if let Some(why) = common_netns::skip_reason(&[$($bin),*]) {
            eprintln!("skipped: {why}");
            return;
        }
    };
}

fn run(args: &[&str]) {
    let st = Command::new(args[0])
        .args(&args[1..])
        .status()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(st.success(), "{args:?} failed");
}

/// A named network namespace (`/run/netns/NAME`), deleted on drop.
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
        run(&["ip", "netns", "add", &name]);
        let ns = Netns { name };
        run(&["ip", "-n", &ns.name, "link", "set", "lo", "up"]);
        ns
    }

    /// `ss -Htan` inside, counted per state.
    pub fn ss_counts(&self) -> BTreeMap<TcpState, u64> {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.name, "ss", "-Htan"])
            .output()
            .expect("ss runs");
        assert!(out.status.success(), "ss failed");
        let mut m = BTreeMap::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Some(word) = line.split_whitespace().next() else {
                continue;
            };
            let st = TcpState::parse_word(word).unwrap_or_else(|| panic!("ss state {word}"));
            *m.entry(st.reported()).or_default() += 1;
        }
        m
    }

    /// Wait (at most 10 s) until `ss` inside shows exactly `want`.
    pub fn settle(&self, want: &BTreeMap<TcpState, u64>) {
        let start = Instant::now();
        loop {
            let got = self.ss_counts();
            if &got == want {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sockets in {} did not settle: ss shows {got:?}, expected {want:?}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Start `cmd` inside the namespace (with `ip netns exec`, which execs it: the child's
    /// pid is the command's).
    pub fn spawn(&self, cmd: &[&str]) -> Guard {
        let child = Command::new("ip")
            .args(["netns", "exec", &self.name])
            .args(cmd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("ip netns exec starts");
        Guard { child }
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

/// A child process, killed (by its own pid) and reaped on drop.
pub struct Guard {
    pub child: Child,
}

impl Guard {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the helper makes: a listener, then `established` connected pairs, `close_wait`
/// connections whose client closed (server CLOSE_WAIT, held; client FIN_WAIT2, orphaned),
/// `server_tw` connections the server closed first (TIME_WAIT on the listener's port) and
/// `client_tw` ones the client closed first (TIME_WAIT on an ephemeral port).
#[derive(Debug, Clone, Copy, Default)]
pub struct Plan {
    pub v6: bool,
    pub established: u64,
    pub close_wait: u64,
    pub server_tw: u64,
    pub client_tw: u64,
}

impl Plan {
    /// The states `ss` should show, by count.
    pub fn expected(&self) -> BTreeMap<TcpState, u64> {
        let mut m = BTreeMap::new();
        m.insert(TcpState::Listen, 1);
        for (st, n) in [
            (TcpState::Established, 2 * self.established),
            (TcpState::CloseWait, self.close_wait),
            (TcpState::FinWait2, self.close_wait),
            (TcpState::TimeWait, self.server_tw + self.client_tw),
        ] {
            if n > 0 {
                m.insert(st, n);
            }
        }
        m
    }

    pub fn total(&self) -> u64 {
        self.expected().values().sum()
    }
}

const HELPER: &str = r#"
import os, socket, sys
fam = socket.AF_INET6 if sys.argv[1] == '6' else socket.AF_INET
host = '::1' if sys.argv[1] == '6' else '127.0.0.1'
est, cw, stw, ctw = map(int, sys.argv[2:6])
l = socket.socket(fam, socket.SOCK_STREAM)
l.bind((host, 0))
l.listen(64)
port = l.getsockname()[1]
keep = []
def pair():
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.connect((host, port))
    s, _ = l.accept()
    return c, s
for _ in range(est):
    keep += pair()
for _ in range(cw):
    c, s = pair(); c.close(); keep.append(s)
for _ in range(stw):
    c, s = pair(); s.close(); c.recv(1); c.close()
for _ in range(ctw):
    c, s = pair(); c.close(); s.recv(1); s.close()
comm = open('/proc/self/comm').read().strip()
print(os.getpid(), port, comm, flush=True)
sys.stdin.read()
"#;

/// The running helper: its pid, command name and listening port.
pub struct Helper {
    pub guard: Guard,
    _stdin: Option<ChildStdin>,
    pub pid: u32,
    pub port: u16,
    pub comm: String,
}

impl Helper {
    /// Start the helper in `ns`, wait until it has made its sockets and the kernel shows
    /// exactly the plan's states.
    pub fn start(ns: &Netns, plan: Plan) -> Helper {
        let args = [
            if plan.v6 { "6" } else { "4" }.to_string(),
            plan.established.to_string(),
            plan.close_wait.to_string(),
            plan.server_tw.to_string(),
            plan.client_tw.to_string(),
        ];
        let mut cmd = vec!["python3", "-c", HELPER];
        cmd.extend(args.iter().map(String::as_str));
        let mut guard = ns.spawn(&cmd);
        let stdin = guard.child.stdin.take();
        let out = guard.child.stdout.take().expect("helper stdout");
        let mut line = String::new();
        BufReader::new(out)
            .read_line(&mut line)
            .expect("helper says where it listens");
        let mut w = line.split_whitespace();
        let pid = w.next().and_then(|p| p.parse().ok()).expect("helper pid");
        let port = w.next().and_then(|p| p.parse().ok()).expect("helper port");
        let comm = w.next().expect("helper command").to_string();
        ns.settle(&plan.expected());
        Helper {
            guard,
            _stdin: stdin,
            pid,
            port,
            comm,
        }
    }
}

//! A small private-network-namespace guard for the watch tests, until the shared fixture in
//! tests/common lands: `Netns::new` makes `tcpst-<tag>-<pid>-<n>` with loopback up, `run`
//! executes a closure on a thread moved into it (sockets made there stay in it), and `Drop`
//! deletes it. Also a tmux session guard on a private tmux server.

#![allow(dead_code)]

use std::fs::File;
use std::os::fd::AsFd;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// Why the test cannot run here, if it cannot.
pub fn skip_reason(need_tmux: bool) -> Option<String> {
    if !rustix::process::geteuid().is_root() {
        return Some("needs root to create a network namespace".into());
    }
    if !has("ip", &["-V"]) {
        return Some("needs the `ip` command (iproute2)".into());
    }
    if need_tmux && !has("tmux", &["-V"]) {
        return Some("needs tmux to drive the dashboard in a real terminal".into());
    }
    None
}

fn has(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A network namespace that is deleted when dropped.
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new(tag: &str) -> Netns {
        let name = format!(
            "tcpst-{tag}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
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

    /// Run `f` on a thread inside the namespace and return what it returns.
    pub fn run<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> R {
        let path = format!("/run/netns/{}", self.name);
        thread::spawn(move || {
            let fd = File::open(&path).expect("namespace file");
            rustix::thread::move_into_link_name_space(
                fd.as_fd(),
                Some(rustix::thread::LinkNameSpaceType::Network),
            )
            .expect("setns");
            f()
        })
        .join()
        .expect("namespace thread")
    }

    /// `ip netns exec NAME` followed by `args`, as a command line.
    pub fn exec(&self) -> Vec<String> {
        vec![
            "ip".into(),
            "netns".into(),
            "exec".into(),
            self.name.clone(),
        ]
    }

    /// Per-state counts as `ss` sees them in the namespace (netstat spellings).
    pub fn ss_counts(&self) -> std::collections::BTreeMap<String, u64> {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.name, "ss", "-tanH"])
            .output()
            .expect("ss");
        let mut m = std::collections::BTreeMap::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Some(word) = line.split_whitespace().next() else {
                continue;
            };
            let name = match word {
                "ESTAB" => "ESTABLISHED",
                "LISTEN" => "LISTEN",
                "TIME-WAIT" => "TIME_WAIT",
                "CLOSE-WAIT" => "CLOSE_WAIT",
                "FIN-WAIT-1" => "FIN_WAIT1",
                "FIN-WAIT-2" => "FIN_WAIT2",
                "SYN-SENT" => "SYN_SENT",
                "SYN-RECV" => "SYN_RECV",
                "LAST-ACK" => "LAST_ACK",
                "CLOSING" => "CLOSING",
                other => other,
            };
            *m.entry(name.to_string()).or_insert(0) += 1;
        }
        m
    }

    /// `ss_counts` once no socket is between two states (a FIN or SYN not yet answered), so
    /// that a test compares with a population that has settled.
    pub fn settled_counts(&self) -> std::collections::BTreeMap<String, u64> {
        let moving = ["FIN_WAIT1", "LAST_ACK", "SYN_SENT", "SYN_RECV", "CLOSING"];
        let mut m = self.ss_counts();
        for _ in 0..200 {
            if moving.iter().all(|s| !m.contains_key(*s)) {
                break;
            }
            thread::sleep(Duration::from_millis(20));
            m = self.ss_counts();
        }
        m
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

/// A detached tmux session on a private tmux server, killed (and its socket file removed) when
/// dropped.
pub struct Tmux {
    /// The server's socket file.
    pub server: String,
    pub session: String,
}

impl Tmux {
    /// Start `command` (run by sh) in a `width`x`height` window.
    pub fn start(tag: &str, width: u16, height: u16, command: &str) -> Tmux {
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let t = Tmux {
            server: format!(
                "{}/tcpst-tmux-{tag}-{}-{n}",
                std::env::temp_dir().display(),
                std::process::id()
            ),
            session: format!("s{n}"),
        };
        let ok = t
            .cmd()
            .args(["new-session", "-d", "-s", &t.session])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg(command)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux new-session failed");
        t
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-S", &self.server, "-f", "/dev/null"]);
        c
    }

    /// The screen as text.
    pub fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Send keys (tmux key names: Down, Enter, Escape, q, ?).
    pub fn keys(&self, keys: &[&str]) {
        let ok = self
            .cmd()
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux send-keys {keys:?} failed");
    }

    /// Whether the session still runs (it ends when its command exits).
    pub fn alive(&self) -> bool {
        self.cmd()
            .args(["has-session", "-t", &self.session])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// The pid of the pane's first process.
    pub fn pane_pid(&self) -> u32 {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", &self.session, "#{pane_pid}"])
            .output()
            .expect("tmux display-message");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("a pane pid")
    }

    pub fn resize(&self, width: u16, height: u16) {
        let _ = self
            .cmd()
            .args(["resize-window", "-t", &self.session])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .status();
    }

    /// Poll the screen until `cond` holds; panic with the last screen after `tries` polls.
    pub fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        for _ in 0..300 {
            last = self.screen();
            if cond(&last) {
                return last;
            }
            thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {what}; the screen was:\n{last}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self
            .cmd()
            .arg("kill-server")
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_file(&self.server);
    }
}

//! `Tmux`: a detached tmux session on a private tmux server (its own socket file, no user
//! configuration), so a test can run an interactive program in a real terminal of a chosen
//! size, send it keys, and read the screen. Dropping the guard kills the server, which hangs
//! up the terminal, and removes the socket file. The caller checks for tmux first
//! (`require_tool("tmux")`).

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::poll;

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// How long `wait_for` watches the screen before it gives up.
pub const SCREEN_TIMEOUT: Duration = Duration::from_secs(15);

/// A tmux session, killed with its server on drop.
#[derive(Debug)]
pub struct Tmux {
    /// The server's socket file.
    pub server: String,
    pub session: String,
}

impl Tmux {
    /// Starts `command` (run by sh) in a `width`x`height` window.
    pub fn start(tag: &str, width: u16, height: u16, command: &str) -> Tmux {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
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

    /// The screen with its escape sequences (colours, bold), as tmux keeps them.
    pub fn screen_escaped(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-e", "-t", &self.session])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends keys (tmux key names: Down, Enter, Escape, q, ?, C-c).
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
            .stderr(Stdio::null())
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

    /// Polls the screen until `cond` holds and returns that screen; panics with the last
    /// screen after `SCREEN_TIMEOUT`.
    pub fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        poll(SCREEN_TIMEOUT, Duration::from_millis(50), || {
            last = self.screen();
            cond(&last).then(|| last.clone())
        })
        .unwrap_or_else(|| panic!("timed out waiting for {what}; the screen was:\n{last}"))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").stderr(Stdio::null()).status();
        let _ = std::fs::remove_file(&self.server);
    }
}

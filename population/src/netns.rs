//! `Netns`: a uniquely named network namespace that lives as long as the guard. It runs
//! programs inside (`ip netns exec`), loads nftables rules there, counts sockets with `ss`, runs
//! closures on a thread that has joined the namespace (so sockets the calling process creates
//! there belong to it), writes the namespace's own sysctls, and hands out port ranges so that
//! several socket populations can share one namespace without colliding. Also `find_tool`:
//! whether a program the builder needs (`ip`, `nft`, `ss`) is on `PATH`.

use std::fs::File;
use std::io::Write;
use std::os::fd::AsFd;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::{Context, Result, bail};

/// Makes names unique among the namespaces of one process; the pid makes them unique among
/// processes running at the same time.
static NEXT_ID: AtomicU32 = AtomicU32::new(0);

/// The first port `alloc_ports` hands out. Ports below 32768 are outside the kernel's default
/// ephemeral range, so a listener never collides with a client's automatically chosen port.
const FIRST_PORT: u32 = 10_000;
const PORT_LIMIT: u32 = 32_768;

/// A network namespace named `tcpst-<tag>-<pid>-<n>`, with `lo` up, deleted on drop.
///
/// Anything that holds sockets in the namespace (a `Population`) borrows the guard, so it is
/// dropped first; `ip netns del` then removes the name, and the kernel frees the namespace as
/// soon as nothing refers to it any more.
#[derive(Debug)]
pub struct Netns {
    name: String,
    next_port: Mutex<u32>,
}

impl Netns {
    /// Creates the namespace, reporting failure as an error.
    pub fn create(tag: &str) -> Result<Netns> {
        let tag: String = tag
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(24)
            .collect();
        let pid = std::process::id();
        // A namespace left behind by a killed run of a process with the same pid would make
        // `ip netns add` fail with "File exists": take the next number then.
        for _ in 0..32 {
            let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
            let name = format!("tcpst-{tag}-{pid}-{id}");
            let out = Command::new("ip")
                .args(["netns", "add", &name])
                .output()
                .context("running `ip netns add`")?;
            if out.status.success() {
                let ns = Netns {
                    name,
                    next_port: Mutex::new(FIRST_PORT),
                };
                // From here on, dropping `ns` deletes the namespace again.
                ns.ip(&["link", "set", "lo", "up"])?;
                return Ok(ns);
            }
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !stderr.contains("File exists") {
                bail!("ip netns add {name}: {}", stderr.trim());
            }
        }
        bail!("no free namespace name for tag {tag:?} after 32 tries")
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bind mount that keeps the namespace alive and names it.
    pub fn path(&self) -> PathBuf {
        PathBuf::from("/run/netns").join(&self.name)
    }

    /// `ip -n NAME ARGS...`, failing on a non-zero exit.
    pub fn ip(&self, args: &[&str]) -> Result<()> {
        let out = Command::new("ip")
            .arg("-n")
            .arg(&self.name)
            .args(args)
            .output()
            .context("running `ip`")?;
        check(&out, &format!("ip -n {} {}", self.name, args.join(" ")))
    }

    /// A command that runs `program` inside the namespace (`ip netns exec NAME program`); add
    /// arguments, environment, stdin as with any `Command`.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name, program]);
        cmd
    }

    /// Runs `program args...` inside the namespace and returns what it printed and its status
    /// (a non-zero exit is not an error here; `check_output` turns it into one).
    pub fn run(&self, program: &str, args: &[&str]) -> std::io::Result<Output> {
        self.command(program).args(args).output()
    }

    /// Runs `program args...` inside the namespace and returns its stdout, failing with its
    /// stderr when it exits non-zero.
    pub fn check_output(&self, program: &str, args: &[&str]) -> Result<String> {
        let out = self
            .run(program, args)
            .with_context(|| format!("running {program} in {}", self.name))?;
        check(&out, &format!("{program} {}", args.join(" ")))?;
        String::from_utf8(out.stdout).with_context(|| format!("{program} printed non-UTF-8"))
    }

    /// How many sockets `ss -Htan <family_flag> state <state_filter>` lists in the namespace.
    /// `state_filter` is an ss state word (`established`, `time-wait`, `syn-recv`, ...),
    /// `family_flag` is `-4` or `-6`.
    pub fn ss_count(&self, state_filter: &str, family_flag: &str) -> Result<usize> {
        let text = self.check_output("ss", &["-Htan", family_flag, "state", state_filter])?;
        Ok(text.lines().filter(|l| !l.trim().is_empty()).count())
    }

    /// Loads nftables rules (the text `nft -f` reads) into the namespace.
    pub fn nft(&self, rules: &str) -> Result<()> {
        let mut child = self
            .command("nft")
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("running nft")?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(rules.as_bytes())
                .context("writing rules to nft")?;
        }
        let out = child.wait_with_output().context("waiting for nft")?;
        check(&out, &format!("nft -f - with rules:\n{rules}"))
    }

    /// Runs `f` on a new thread that has joined this namespace and returns its result.
    /// `setns` moves only the calling thread, and a socket stays in the namespace it was
    /// created in wherever it is used later, so sockets made in `f` live in the namespace and
    /// belong to the test process. A panic in `f` is passed on.
    pub fn within<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce() -> R + Send,
        R: Send,
    {
        let path = self.path();
        let link = File::open(&path).with_context(|| format!("opening {}", path.display()))?;
        std::thread::scope(|scope| {
            let handle = std::thread::Builder::new()
                .name(format!("netns-{}", self.name))
                .spawn_scoped(scope, move || -> Result<R> {
                    rustix::thread::move_into_link_name_space(
                        link.as_fd(),
                        Some(rustix::thread::LinkNameSpaceType::Network),
                    )
                    .context("setns(CLONE_NEWNET)")?;
                    drop(link);
                    Ok(f())
                })
                .context("starting a thread for the namespace")?;
            match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Sets a sysctl of the namespace (`net.core.somaxconn`, ...): network sysctls under
    /// /proc/sys/net belong to the namespace of the thread that opens them.
    pub fn sysctl(&self, key: &str, value: &str) -> Result<()> {
        let path = PathBuf::from("/proc/sys").join(key.replace('.', "/"));
        self.within(|| std::fs::write(&path, value))?
            .with_context(|| format!("setting {key} = {value} in {}", self.name))
    }

    /// Reads a sysctl of the namespace.
    pub fn read_sysctl(&self, key: &str) -> Result<String> {
        let path = PathBuf::from("/proc/sys").join(key.replace('.', "/"));
        let text = self
            .within(|| std::fs::read_to_string(&path))?
            .with_context(|| format!("reading {key} in {}", self.name))?;
        Ok(text.trim().to_string())
    }

    /// Reserves `n` consecutive ports (from 10000 up, below the ephemeral range) for
    /// listeners and firewall rules, and returns the first.
    pub fn alloc_ports(&self, n: usize) -> Result<u16> {
        let mut next = self
            .next_port
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let first = *next;
        let end = u32::try_from(n)
            .ok()
            .and_then(|n| first.checked_add(n))
            .filter(|&end| end <= PORT_LIMIT)
            .with_context(|| format!("{n} more ports do not fit below {PORT_LIMIT}"))?;
        *next = end;
        u16::try_from(first).context("port out of range")
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        match Command::new("ip")
            .args(["netns", "del", &self.name])
            .output()
        {
            Ok(out) if out.status.success() => {}
            Ok(out) => eprintln!(
                "warning: ip netns del {}: {}",
                self.name,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => eprintln!("warning: ip netns del {}: {e}", self.name),
        }
    }
}

/// Turns a non-zero exit into an error carrying the command's stderr.
fn check(out: &Output, what: &str) -> Result<()> {
    if out.status.success() {
        return Ok(());
    }
    bail!(
        "`{what}` failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    )
}

/// Whether `name` is an executable on `PATH`.
pub fn find_tool(name: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| is_executable(&dir.join(name)))
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

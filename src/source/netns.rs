//! Network namespaces: find one (`--netns NAME|PATH|PID`) or every one on the host
//! (`--all-netns`: /run/netns/* and /proc/*/ns/net, deduplicated by inode), give each a name
//! an operator recognises (`host`, its /run/netns name, its container or Kubernetes pod, or
//! `pid N (comm)`), and run code inside them. `setns` moves only the calling thread, so
//! `within` enters the namespaces from a worker thread; what that thread opens there (a
//! netlink socket, a /proc/thread-self/net file) stays bound to the namespace and can be used
//! from any thread afterwards.

use std::collections::HashMap;
use std::ffi::CStr;
use std::fmt;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::thread::LinkNameSpaceType;

/// `NSFS_MAGIC`: the file system type of namespace files.
const NSFS_MAGIC: i64 = 0x6e73_6673;

/// How the user named a namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetnsSpec {
    /// A name under /run/netns (as `ip netns` makes them).
    Name(String),
    /// A path to a namespace file (a bind mount or /proc/PID/ns/net).
    Path(PathBuf),
    /// The namespace of a process.
    Pid(u32),
}

impl NetnsSpec {
    /// Read `--netns`: digits are a process id, anything with a `/` a path, else a name.
    /// (A name made only of digits can be given as /run/netns/NAME.)
    pub fn parse(s: &str) -> NetnsSpec {
        if !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && let Ok(pid) = s.parse()
        {
            return NetnsSpec::Pid(pid);
        }
        if s.contains('/') {
            NetnsSpec::Path(PathBuf::from(s))
        } else {
            NetnsSpec::Name(s.to_string())
        }
    }

    fn path(&self) -> PathBuf {
        match self {
            NetnsSpec::Name(n) => Path::new("/run/netns").join(n),
            NetnsSpec::Path(p) => p.clone(),
            NetnsSpec::Pid(pid) => PathBuf::from(format!("/proc/{pid}/ns/net")),
        }
    }
}

impl fmt::Display for NetnsSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetnsSpec::Name(n) => write!(f, "network namespace '{n}'"),
            NetnsSpec::Path(p) => write!(f, "network namespace {}", p.display()),
            NetnsSpec::Pid(pid) => write!(f, "the network namespace of process {pid}"),
        }
    }
}

/// Why a namespace could not be found or entered. Each message is one sentence saying what
/// is missing and how to get it.
#[derive(Debug, thiserror::Error)]
pub enum NetnsError {
    #[error(
        "no network namespace named '{0}' (there is no /run/netns/{0}; `ip netns list` shows the names)"
    )]
    NoName(String),
    #[error("no network namespace at {0}: no such file")]
    NoPath(String),
    #[error(
        "no process with id {0}, so there is no network namespace /proc/{0}/ns/net to look into"
    )]
    NoPid(u32),
    #[error("{0} is not a network namespace file")]
    NotNetns(String),
    #[error(
        "cannot open {path}: permission denied; reading another process's namespace needs root (or CAP_SYS_PTRACE)"
    )]
    OpenDenied { path: String },
    #[error(
        "cannot enter {what}: permission denied; entering a network namespace needs root (or CAP_SYS_ADMIN)"
    )]
    EnterDenied { what: String },
    #[error("cannot use {what}: {err}")]
    Io { what: String, err: std::io::Error },
    #[error("{0} ended before the work inside it was done")]
    Gone(String),
}

/// A network namespace, held open so it can be entered even if its name or its processes go
/// away meanwhile.
#[derive(Debug)]
pub struct Namespace {
    /// Inode of the namespace (what /proc/PID/ns/net links to as `net:[INODE]`).
    pub inode: u64,
    /// The name shown to people.
    pub name: String,
    /// The file it was opened from, for messages.
    pub path: PathBuf,
    /// A process inside it, when it was found through one.
    pub pid: Option<u32>,
    fd: OwnedFd,
}

impl Namespace {
    /// Open the namespace `spec` names, checking that it is a network namespace.
    pub fn open(spec: &NetnsSpec) -> Result<Namespace, NetnsError> {
        let path = spec.path();
        let fd = rustix::fs::open(&path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).map_err(
            |e| match e {
                Errno::NOENT | Errno::SRCH | Errno::NOTDIR => match spec {
                    NetnsSpec::Name(n) => NetnsError::NoName(n.clone()),
                    NetnsSpec::Path(p) => NetnsError::NoPath(p.display().to_string()),
                    NetnsSpec::Pid(pid) => NetnsError::NoPid(*pid),
                },
                Errno::ACCESS | Errno::PERM => NetnsError::OpenDenied {
                    path: path.display().to_string(),
                },
                e => NetnsError::Io {
                    what: spec.to_string(),
                    err: e.into(),
                },
            },
        )?;
        let not_netns = || NetnsError::NotNetns(path.display().to_string());
        let fs = rustix::fs::fstatfs(&fd).map_err(|_| not_netns())?;
        #[allow(clippy::unnecessary_cast)]
        if fs.f_type as i64 != NSFS_MAGIC {
            return Err(not_netns());
        }
        let inode = rustix::fs::fstat(&fd).map_err(|_| not_netns())?.st_ino;
        let (name, pid) = match spec {
            NetnsSpec::Name(n) => (n.clone(), None),
            NetnsSpec::Path(p) => (p.display().to_string(), None),
            NetnsSpec::Pid(pid) => (format!("pid {pid} ({})", comm(*pid)), Some(*pid)),
        };
        Ok(Namespace {
            inode,
            name,
            path,
            pid,
            fd,
        })
    }

    pub fn describe(&self) -> String {
        format!("network namespace {} ({})", self.name, self.path.display())
    }
}

/// The inode `PATH` (a /proc/…/ns/net link) points at, from its `net:[INODE]` text.
fn ns_inode_at<Fd: AsFd>(dir: Fd, path: &CStr) -> Result<u64, Errno> {
    let mut buf = [0u8; 48];
    let n = rustix::fs::readlinkat_raw(dir, path, &mut buf)?;
    parse_ns_link(&buf[..n.min(buf.len())]).ok_or(Errno::INVAL)
}

/// `net:[4026531840]` -> 4026531840.
pub fn parse_ns_link(b: &[u8]) -> Option<u64> {
    let inner = b.strip_prefix(b"net:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(inner).ok()?.parse().ok()
}

/// Run `f` once inside each namespace, from one worker thread that enters them in turn. A
/// namespace that cannot be entered gives its error in place of `f`'s result.
pub fn within<T: Send>(
    namespaces: &[&Namespace],
    mut f: impl FnMut(&Namespace) -> T + Send,
) -> Vec<Result<T, NetnsError>> {
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            namespaces
                .iter()
                .map(|ns| {
                    rustix::thread::move_into_link_name_space(
                        ns.fd.as_fd(),
                        Some(LinkNameSpaceType::Network),
                    )
                    .map_err(|e| match e {
                        Errno::PERM | Errno::ACCESS => NetnsError::EnterDenied {
                            what: ns.describe(),
                        },
                        Errno::INVAL => NetnsError::NotNetns(ns.path.display().to_string()),
                        e => NetnsError::Io {
                            what: ns.describe(),
                            err: e.into(),
                        },
                    })?;
                    Ok(f(ns))
                })
                .collect::<Vec<_>>()
        });
        worker.join().unwrap_or_else(|_| {
            namespaces
                .iter()
                .map(|ns| {
                    Err(NetnsError::Io {
                        what: ns.describe(),
                        err: std::io::Error::other("the worker thread panicked"),
                    })
                })
                .collect()
        })
    })
}

/// Run `f` once inside one namespace, from a worker thread.
pub fn within_one<T: Send>(ns: &Namespace, f: impl FnOnce() -> T + Send) -> Result<T, NetnsError> {
    let mut f = Some(f);
    within(&[ns], |_| f.take().map(|f| f()))
        .pop()
        .unwrap_or_else(|| Err(NetnsError::Gone(ns.describe())))
        .and_then(|r| r.ok_or_else(|| NetnsError::Gone(ns.describe())))
}

/// Every network namespace found on the host, and what could not be looked at.
#[derive(Debug, Default)]
pub struct Discovery {
    /// `host` (or `current`, when the host's may not be read) first, then the /run/netns names in order, then the others by first pid.
    pub namespaces: Vec<Namespace>,
    /// Processes whose namespace could not be read (other users' processes without root).
    pub unreadable: u64,
}

/// Find every network namespace: the ones named under /run/netns and the ones any process
/// is in, each once (by inode). Files and processes that vanish meanwhile are skipped.
pub fn discover() -> Discovery {
    let mut d = Discovery::default();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let host = host_inode();
    let mut found: Vec<Namespace> = Vec::new();

    // Named ones first: their names win.
    if let Ok(rd) = std::fs::read_dir("/run/netns") {
        let mut names: Vec<String> = rd
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        names.sort();
        for n in names {
            if let Ok(ns) = Namespace::open(&NetnsSpec::Name(n))
                && !seen.contains_key(&ns.inode)
            {
                seen.insert(ns.inode, found.len());
                found.push(ns);
            }
        }
    }

    if let Ok(proc) = rustix::fs::open(
        "/proc",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) {
        let mut path = PidPath::new();
        for pid in super::process::pids(&proc) {
            let inode = match ns_inode_at(&proc, path.with(pid, b"/ns/net")) {
                Ok(i) => i,
                Err(Errno::ACCESS | Errno::PERM) => {
                    if !super::process::is_kernel_thread(pid) {
                        d.unreadable += 1;
                    }
                    continue;
                }
                Err(_) => continue,
            };
            if seen.contains_key(&inode) {
                continue;
            }
            let Ok(fd) = rustix::fs::openat(
                &proc,
                path.with(pid, b"/ns/net"),
                OFlags::RDONLY | OFlags::CLOEXEC,
                Mode::empty(),
            ) else {
                continue;
            };
            // The pid may have been reused between the two calls: trust the open file.
            let Ok(st) = rustix::fs::fstat(&fd) else {
                continue;
            };
            if seen.contains_key(&st.st_ino) {
                continue;
            }
            let name = match cgroup_container(pid) {
                Some(c) => c,
                None => format!("pid {pid} ({})", comm(pid)),
            };
            seen.insert(st.st_ino, found.len());
            found.push(Namespace {
                inode: st.st_ino,
                name,
                path: PathBuf::from(format!("/proc/{pid}/ns/net")),
                pid: Some(pid),
                fd,
            });
        }
    }

    // The host's namespace is `host` and comes first. When the host's cannot be read
    // (without privilege), the caller's own comes first as `current`.
    let (first, name) = match host {
        Some(h) => (h, "host"),
        None => (super::netlink::current_netns_inode(), "current"),
    };
    if let Some(&i) = seen.get(&first) {
        let mut ns = found.remove(i);
        ns.name = name.to_string();
        found.insert(0, ns);
    }
    unique_names(&mut found);
    d.namespaces = found;
    d
}

/// Inode of the host's network namespace: pid 1's, or when pid 1 may not be read (a
/// protected init), kthreadd's — kernel threads always live in the initial namespace.
pub fn host_inode() -> Option<u64> {
    ns_inode_at(rustix::fs::CWD, c"/proc/1/ns/net")
        .ok()
        .or_else(|| {
            (comm(2) == "kthreadd")
                .then(|| ns_inode_at(rustix::fs::CWD, c"/proc/2/ns/net").ok())
                .flatten()
        })
}

/// A name for the namespace with inode `inode` without a walk of every process: `host`, its
/// /run/netns name, or `net:[INODE]`.
pub fn name_of(inode: u64) -> String {
    if host_inode() == Some(inode) {
        return "host".to_string();
    }
    if let Ok(rd) = std::fs::read_dir("/run/netns") {
        for e in rd.flatten() {
            // A /run/netns entry is the namespace file itself, bind-mounted: its inode is the
            // namespace's.
            let named = std::fs::metadata(e.path())
                .ok()
                .map(|m| std::os::unix::fs::MetadataExt::ino(&m));
            if named == Some(inode)
                && let Ok(name) = e.file_name().into_string()
            {
                return name;
            }
        }
    }
    format!("net:[{inode}]")
}

/// Two namespaces must not share a name (two containers could look alike): later ones get
/// their inode appended.
fn unique_names(v: &mut [Namespace]) {
    let mut count: HashMap<String, u32> = HashMap::new();
    for ns in v.iter() {
        *count.entry(ns.name.clone()).or_default() += 1;
    }
    let mut seen: HashMap<String, u32> = HashMap::new();
    for ns in v.iter_mut() {
        if count.get(&ns.name).copied().unwrap_or(0) > 1 {
            let k = seen.entry(ns.name.clone()).or_default();
            *k += 1;
            if *k > 1 {
                ns.name = format!("{} [net:{}]", ns.name, ns.inode);
            }
        }
    }
}

/// Builds `PID/suffix` as a C string without allocating.
pub(crate) struct PidPath {
    buf: [u8; 40],
}

impl PidPath {
    pub(crate) fn new() -> PidPath {
        PidPath { buf: [0; 40] }
    }

    pub(crate) fn with(&mut self, pid: u32, suffix: &[u8]) -> &CStr {
        let mut digits = [0u8; 10];
        let mut n = pid;
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let d = &digits[i..];
        let suffix = &suffix[..suffix.len().min(self.buf.len() - d.len() - 1)];
        self.buf[..d.len()].copy_from_slice(d);
        self.buf[d.len()..d.len() + suffix.len()].copy_from_slice(suffix);
        let end = d.len() + suffix.len();
        self.buf[end] = 0;
        CStr::from_bytes_with_nul(&self.buf[..=end]).unwrap_or(c"")
    }
}

/// The command name of a process (`/proc/PID/comm`), `?` when it is gone.
pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim_end_matches('\n').to_string())
        .unwrap_or_else(|_| "?".to_string())
}

/// The container or pod a process runs in, from /proc/PID/cgroup.
fn cgroup_container(pid: u32) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    container_of(&text)
}

fn is_hex_id(s: &str) -> bool {
    s.len() >= 12 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn short(id: &str) -> &str {
    &id[..12.min(id.len())]
}

/// A Kubernetes pod UID in a cgroup path component: `pod<uid>` (cgroupfs driver) or
/// `kubepods-besteffort-pod<uid_with_underscores>.slice` (systemd driver).
fn pod_uid(component: &str) -> Option<String> {
    let at = component.rfind("pod")?;
    let rest = component[at + 3..].trim_end_matches(".slice");
    let uid: String = rest
        .chars()
        .map(|c| if c == '_' { '-' } else { c })
        .collect();
    let ok = uid.len() == 36
        && uid.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    ok.then_some(uid)
}

/// Name the container a cgroup file (`/proc/PID/cgroup`, v1 or v2) puts a process in: a
/// Kubernetes pod (`pod <uid>`: the containers of a pod share one network namespace), else
/// a docker, containerd, cri-o or podman container (`docker <id12>`).
pub fn container_of(cgroup: &str) -> Option<String> {
    let paths = || cgroup.lines().filter_map(|l| l.splitn(3, ':').nth(2));
    for p in paths() {
        if !p.contains("kubepods") {
            continue;
        }
        for c in p.split('/') {
            if let Some(uid) = pod_uid(c) {
                return Some(format!("pod {uid}"));
            }
        }
    }
    for p in paths() {
        let comps: Vec<&str> = p.split('/').collect();
        for (i, c) in comps.iter().enumerate() {
            let c = c.trim_end_matches(".scope");
            for (prefix, runtime) in [
                ("docker-", "docker"),
                ("cri-containerd-", "containerd"),
                ("crio-", "cri-o"),
                ("libpod-", "podman"),
            ] {
                if let Some(id) = c.strip_prefix(prefix)
                    && is_hex_id(id)
                {
                    return Some(format!("{runtime} {}", short(id)));
                }
            }
            // The cgroupfs driver puts a bare id under a directory named for the runtime.
            if i > 0 && is_hex_id(c) {
                let runtime = match comps[i - 1] {
                    "docker" => Some("docker"),
                    "libpod_parent" => Some("podman"),
                    _ => None,
                };
                if let Some(r) = runtime {
                    return Some(format!("{r} {}", short(c)));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parsing() {
        assert_eq!(NetnsSpec::parse("1234"), NetnsSpec::Pid(1234));
        assert_eq!(NetnsSpec::parse("blue"), NetnsSpec::Name("blue".into()));
        assert_eq!(
            NetnsSpec::parse("/run/netns/blue"),
            NetnsSpec::Path("/run/netns/blue".into())
        );
        assert_eq!(NetnsSpec::parse("./x"), NetnsSpec::Path("./x".into()));
    }

    #[test]
    fn ns_links() {
        assert_eq!(parse_ns_link(b"net:[4026531840]"), Some(4026531840));
        assert_eq!(parse_ns_link(b"mnt:[4026531840]"), None);
        assert_eq!(parse_ns_link(b"net:[x]"), None);
    }

    #[test]
    fn pid_paths() {
        let mut p = PidPath::new();
        assert_eq!(p.with(1, b"/ns/net"), c"1/ns/net");
        assert_eq!(p.with(4194304, b"/fd"), c"4194304/fd");
        assert_eq!(p.with(0, b""), c"0");
    }

    #[test]
    fn containers_from_cgroups() {
        let id = "4f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";
        assert_eq!(
            container_of(&format!("0::/system.slice/docker-{id}.scope\n")),
            Some("docker 4f1e2d3c4b5a".into())
        );
        assert_eq!(
            container_of(&format!("12:pids:/docker/{id}\n11:cpu:/docker/{id}\n")),
            Some("docker 4f1e2d3c4b5a".into())
        );
        assert_eq!(
            container_of(&format!("0::/machine.slice/libpod-{id}.scope/container\n")),
            Some("podman 4f1e2d3c4b5a".into())
        );
        assert_eq!(
            container_of(&format!("0::/machine.slice/libpod-conmon-{id}.scope\n")),
            None
        );
        assert_eq!(
            container_of(&format!("0::/system.slice/crio-{id}.scope\n")),
            Some("cri-o 4f1e2d3c4b5a".into())
        );
        assert_eq!(
            container_of(&format!(
                "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0c5f4a4e_9b1d_4c43_8f5e_2a8f6c1d9e70.slice/cri-containerd-{id}.scope\n"
            )),
            Some("pod 0c5f4a4e-9b1d-4c43-8f5e-2a8f6c1d9e70".into())
        );
        assert_eq!(
            container_of(&format!(
                "0::/kubepods/besteffort/pod0c5f4a4e-9b1d-4c43-8f5e-2a8f6c1d9e70/{id}\n"
            )),
            Some("pod 0c5f4a4e-9b1d-4c43-8f5e-2a8f6c1d9e70".into())
        );
        assert_eq!(
            container_of(&format!("0::/system.slice/cri-containerd-{id}.scope\n")),
            Some("containerd 4f1e2d3c4b5a".into())
        );
        assert_eq!(
            container_of("0::/user.slice/user-0.slice/session-3.scope\n"),
            None
        );
        assert_eq!(container_of("0::/\n"), None);
    }
}

//! Which process holds a socket: one walk of /proc per run maps socket inodes to their owners
//! (pid and command), reading each `/proc/PID/fd/N` link once (`socket:[INODE]`) with
//! `readlinkat` relative to an open directory — no stat, no path building, no allocation per
//! descriptor — and skipping whole processes that live in a namespace nobody asked about.
//! TIME_WAIT and SYN_RECV mini-sockets have no inode: they are attributed to whoever listens
//! on their local port ("via listener"), from the LISTEN sockets the caller feeds in with
//! `add_listener`; a client-side TIME_WAIT stays unattributed. Processes that vanish or may
//! not be read are skipped and counted, never an error. A socket whose capture listed its
//! owners (`netstat -p`, `ss -p`) is answered from that list: one lookup, `ProcessMap::owners`,
//! serves live and saved sockets alike (an empty map for captures).

use std::collections::{HashMap, HashSet};
use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::net::IpAddr;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::OnceLock;

use rustix::fs::{Mode, OFlags, RawDir};
use rustix::io::Errno;

use super::netns::{PidPath, parse_ns_link};
use crate::socket::{ListedOwners, Socket};
use crate::tcp::state::TcpState;

/// A process that holds at least one socket. Its command is read only when first shown.
#[derive(Debug)]
struct Proc {
    pid: u32,
    comm: OnceLock<Box<str>>,
}

/// Socket inode -> owning processes, plus listening port -> listener, for one run.
#[derive(Debug, Default)]
pub struct ProcessMap {
    procs: Vec<Proc>,
    /// (socket inode, index into `procs`), sorted: the owners of an inode are one run.
    owners: Vec<(u64, u32)>,
    /// (namespace inode, local port) -> (local address, socket inode) of LISTEN sockets.
    listeners: HashMap<(u64, u16), Vec<(IpAddr, u64)>>,
    /// Processes that could not be read (other users' processes without privilege).
    unreadable: u64,
    /// The first processes that could not be read, to name them.
    unread_pids: Vec<u32>,
}

/// One owner of a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner<'a> {
    pub pid: u32,
    pub command: &'a str,
}

/// The owners of one socket: empty when unattributed; `via_listener` when the socket is a
/// mini-socket (TIME_WAIT, SYN_RECV) credited to the process listening on its local port.
#[derive(Debug, Clone, Copy)]
pub struct Attribution<'a> {
    map: &'a ProcessMap,
    entries: &'a [(u64, u32)],
    /// The owners the socket's capture listed, used instead of the map's.
    listed: Option<&'a ListedOwners>,
    pub via_listener: bool,
}

impl<'a> Attribution<'a> {
    pub fn is_empty(&self) -> bool {
        match self.listed {
            Some(l) => l.is_empty(),
            None => self.entries.is_empty(),
        }
    }

    /// The owning processes: in pid order from the map, in the capture's order when listed.
    pub fn owners(&self) -> impl Iterator<Item = Owner<'a>> + 'a {
        let map = self.map;
        let from_map = self.entries.iter().filter_map(move |&(_, i)| {
            let p = map.procs.get(i as usize)?;
            Some(Owner {
                pid: p.pid,
                command: map.command(p),
            })
        });
        let listed = self
            .listed
            .into_iter()
            .flat_map(|l| l.iter().map(|(pid, command)| Owner { pid, command }));
        from_map.chain(listed)
    }
}

/// The numeric entries of /proc (the process ids), in the order the kernel lists them.
pub(crate) fn pids(proc: &OwnedFd) -> Vec<u32> {
    let mut buf: Vec<MaybeUninit<u8>> = Vec::with_capacity(64 * 1024);
    buf.resize(64 * 1024, MaybeUninit::uninit());
    let mut out = Vec::new();
    // A fresh descriptor: getdents continues from where a previous reader stopped.
    let Ok(dir) = rustix::fs::openat(
        proc,
        c".",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return out;
    };
    let mut it = RawDir::new(&dir, &mut buf);
    while let Some(Ok(e)) = it.next() {
        if let Some(pid) = parse_pid(e.file_name()) {
            out.push(pid);
        }
    }
    out
}

fn parse_pid(name: &CStr) -> Option<u32> {
    let b = name.to_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// Whether `pid` is a kernel thread (PF_KTHREAD in /proc/PID/stat), which owns no sockets
/// and is not worth a notice when it cannot be read.
pub(crate) fn is_kernel_thread(pid: u32) -> bool {
    const PF_KTHREAD: u64 = 0x0020_0000;
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return false;
    };
    after
        .split_ascii_whitespace()
        .nth(6)
        .and_then(|f| f.parse::<u64>().ok())
        .is_some_and(|flags| flags & PF_KTHREAD != 0)
}

/// `socket:[12345]` -> 12345.
fn parse_socket_link(b: &[u8]) -> Option<u64> {
    let inner = b.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    let mut v = 0u64;
    for &c in inner {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(v)
}

fn denied(e: Errno) -> bool {
    matches!(e, Errno::ACCESS | Errno::PERM)
}

/// Descriptor directories held open at once while their links are read (bounded so a host
/// with many processes does not run out of descriptors).
const BATCH_DIRS: usize = 64;
/// Descriptors a batch must have before its links are read by several threads.
const PARALLEL_MIN: usize = 2048;

/// Processes whose descriptor lists have been read, and their descriptor numbers.
#[derive(Default)]
struct Batch {
    dirs: Vec<(u32, OwnedFd)>,
    /// (index into `dirs`, descriptor number).
    fds: Vec<(u32, u32)>,
}

impl Batch {
    /// List the descriptors of one process.
    fn add(&mut self, pid: u32, dir: OwnedFd, dirbuf: &mut [MaybeUninit<u8>]) {
        let d = self.dirs.len() as u32;
        let before = self.fds.len();
        let mut it = RawDir::new(dir.as_fd(), dirbuf);
        while let Some(Ok(e)) = it.next() {
            if let Some(fd) = parse_pid(e.file_name()) {
                self.fds.push((d, fd));
            }
        }
        if self.fds.len() > before {
            self.dirs.push((pid, dir));
        }
    }

    /// Read every descriptor's link (`socket:[INODE]`), on several threads when there are
    /// at least `parallel_min`, then record the sockets and their processes in `map` and
    /// start a new batch.
    fn resolve_into(&mut self, map: &mut ProcessMap, parallel_min: usize) {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(2, 4);
        let found: Vec<(u64, u32)> = if self.fds.len() >= parallel_min {
            let chunk = self.fds.len().div_ceil(threads);
            let dirs = &self.dirs;
            std::thread::scope(|scope| {
                let workers: Vec<_> = self
                    .fds
                    .chunks(chunk)
                    .map(|part| scope.spawn(move || read_links(dirs, part)))
                    .collect();
                workers
                    .into_iter()
                    .flat_map(|w| w.join().unwrap_or_default())
                    .collect()
            })
        } else {
            read_links(&self.dirs, &self.fds)
        };
        // Processes get an index in pid order, only when they hold a socket.
        let mut index = vec![u32::MAX; self.dirs.len()];
        let mut holds = vec![false; self.dirs.len()];
        for &(_, d) in &found {
            holds[d as usize] = true;
        }
        for (d, (pid, _)) in self.dirs.iter().enumerate() {
            if holds[d] {
                index[d] = map.procs.len() as u32;
                map.procs.push(Proc {
                    pid: *pid,
                    comm: OnceLock::new(),
                });
            }
        }
        map.owners.extend(
            found
                .into_iter()
                .map(|(inode, d)| (inode, index[d as usize])),
        );
        self.dirs.clear();
        self.fds.clear();
    }
}

/// The socket inodes among `fds`, as (inode, index into `dirs`). A descriptor closed
/// meanwhile is simply gone.
fn read_links(dirs: &[(u32, OwnedFd)], fds: &[(u32, u32)]) -> Vec<(u64, u32)> {
    let mut out = Vec::new();
    let mut name = PidPath::new();
    let mut link = [0u8; 64];
    for &(d, fd) in fds {
        let Some((_, dir)) = dirs.get(d as usize) else {
            continue;
        };
        if let Ok(n) = rustix::fs::readlinkat_raw(dir, name.with(fd, b""), &mut link)
            && let Some(inode) = parse_socket_link(&link[..n.min(link.len())])
        {
            out.push((inode, d));
        }
    }
    out
}

/// How many unreadable processes the notice names.
const NAMED_UNREAD: usize = 5;

impl ProcessMap {
    /// Walk /proc once. With `only`, processes whose network namespace is not in the set are
    /// skipped without reading their descriptors.
    pub fn scan(only: Option<&HashSet<u64>>) -> ProcessMap {
        let mut map = ProcessMap::default();
        let Ok(proc) = rustix::fs::open(
            "/proc",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        ) else {
            return map;
        };
        let mut path = PidPath::new();
        let mut dirbuf: Vec<MaybeUninit<u8>> = Vec::with_capacity(32 * 1024);
        dirbuf.resize(32 * 1024, MaybeUninit::uninit());
        let mut link = [0u8; 64];
        let mut batch = Batch::default();
        for pid in pids(&proc) {
            if let Some(only) = only {
                let n = match rustix::fs::readlinkat_raw(
                    &proc,
                    path.with(pid, b"/ns/net"),
                    &mut link,
                ) {
                    Ok(n) => n,
                    Err(e) => {
                        if denied(e) && !is_kernel_thread(pid) {
                            map.not_read(pid);
                        }
                        continue;
                    }
                };
                match parse_ns_link(&link[..n.min(link.len())]) {
                    Some(ns) if only.contains(&ns) => {}
                    _ => continue,
                }
            }
            let dir = match rustix::fs::openat(
                &proc,
                path.with(pid, b"/fd"),
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            ) {
                Ok(fd) => fd,
                Err(e) => {
                    if denied(e) && !is_kernel_thread(pid) {
                        map.not_read(pid);
                    }
                    continue;
                }
            };
            batch.add(pid, dir, &mut dirbuf);
            if batch.dirs.len() >= BATCH_DIRS {
                batch.resolve_into(&mut map, PARALLEL_MIN);
            }
        }
        batch.resolve_into(&mut map, PARALLEL_MIN);
        map.owners.sort_unstable();
        map.owners.dedup();
        map
    }

    /// Remember a LISTEN socket, so the mini-sockets on its port can be credited to its
    /// owners. Other sockets are ignored.
    pub fn add_listener(&mut self, s: &Socket) {
        let Some(inode) = s.owned_inode().filter(|_| s.state == TcpState::Listen) else {
            return;
        };
        let (Some(ip), Some(port)) = (s.local.canonical_ip(), s.local.port) else {
            return;
        };
        self.listeners
            .entry((s.netns, port))
            .or_default()
            .push((ip, inode));
    }

    /// Processes that could not be read.
    pub fn unreadable(&self) -> u64 {
        self.unreadable
    }

    /// Count a process whose descriptors could not be read, naming the first few.
    fn not_read(&mut self, pid: u32) {
        self.unreadable += 1;
        if self.unread_pids.len() < NAMED_UNREAD {
            self.unread_pids.push(pid);
        }
    }

    /// `1234/nginx, 5678/sshd and 3 more`: the processes that could not be read.
    fn unread_names(&self) -> String {
        let mut names: Vec<String> = self
            .unread_pids
            .iter()
            .map(|&pid| format!("{pid}/{}", super::netns::comm(pid)))
            .collect();
        let more = self.unreadable.saturating_sub(names.len() as u64);
        if more > 0 {
            names.push(format!("{more} more"));
        }
        match names.len() {
            0 => String::new(),
            1 => names.remove(0),
            n => {
                let last = names.remove(n - 1);
                format!("{} and {last}", names.join(", "))
            }
        }
    }

    /// The notice to print once when some processes could not be read.
    pub fn notice(&self) -> Option<String> {
        let n = self.unreadable;
        if n == 0 {
            return None;
        }
        let (es, was) = if n == 1 { ("", "was") } else { ("es", "were") };
        Some(if rustix::process::geteuid().is_root() {
            format!(
                "{n} process{es} {was} not readable even as root (protected by a security module, or without CAP_SYS_PTRACE); their sockets are shown unattributed (not read: {})",
                self.unread_names()
            )
        } else {
            format!(
                "{n} process{es} of other users {was} not readable; run as root (or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH) to attribute their sockets (not read: {})",
                self.unread_names()
            )
        })
    }

    fn command<'a>(&'a self, p: &'a Proc) -> &'a str {
        p.comm.get_or_init(|| {
            std::fs::read(format!("/proc/{}/comm", p.pid))
                .ok()
                .map(|mut b| {
                    if b.last() == Some(&b'\n') {
                        b.pop();
                    }
                    String::from_utf8_lossy(&b).into_owned().into_boxed_str()
                })
                .unwrap_or_else(|| "?".into())
        })
    }

    fn entries(&self, inode: u64) -> &[(u64, u32)] {
        let lo = self.owners.partition_point(|&(i, _)| i < inode);
        let hi = lo + self.owners[lo..].partition_point(|&(i, _)| i == inode);
        &self.owners[lo..hi]
    }

    /// The owners of `s`: those its capture listed, else by its inode, or for a mini-socket
    /// by the listener on its port.
    pub fn owners<'a>(&'a self, s: &'a Socket) -> Attribution<'a> {
        let none = Attribution {
            map: self,
            entries: &[],
            listed: None,
            via_listener: false,
        };
        if s.listed_owners.is_listed() {
            return Attribution {
                listed: Some(&s.listed_owners),
                ..none
            };
        }
        if let Some(inode) = s.owned_inode() {
            return Attribution {
                entries: self.entries(inode),
                ..none
            };
        }
        if !matches!(
            s.state,
            TcpState::TimeWait | TcpState::SynRecv | TcpState::NewSynRecv
        ) {
            return none;
        }
        let Some(port) = s.local.port else {
            return none;
        };
        self.listener_owners(s.netns, s.local.canonical_ip(), port)
    }

    /// The owners of the listener on `port` in namespace `netns` (the one bound to `ip`, else
    /// the wildcard one, else any): who a socket on that local port belongs to when the
    /// socket itself has no owner (a mini-socket, or a connection a trace saw accepted).
    pub fn listener_owners(&self, netns: u64, ip: Option<IpAddr>, port: u16) -> Attribution<'_> {
        let none = Attribution {
            map: self,
            entries: &[],
            listed: None,
            via_listener: false,
        };
        let Some(ls) = self.listeners.get(&(netns, port)) else {
            return none;
        };
        let pick = ls
            .iter()
            .find(|(a, _)| Some(*a) == ip)
            .or_else(|| ls.iter().find(|(a, _)| a.is_unspecified()))
            .or_else(|| ls.first());
        match pick {
            Some(&(_, inode)) => {
                let entries = self.entries(inode);
                Attribution {
                    entries,
                    via_listener: !entries.is_empty(),
                    ..none
                }
            }
            None => none,
        }
    }
}

#[cfg(test)]
#[path = "process_tests.rs"]
mod tests;

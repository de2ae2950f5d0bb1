//! Who owns a traced socket. The tracepoint only says which task was on the CPU, which for
//! anything the network stack does in softirq (most transitions) is whoever happened to run.
//! So the owner is, best first: a process scan through the [`ProcessOwners`] seam
//! ([`ScannedOwners`]: one walk of /proc at the start, for the sockets that already exist; the
//! tests use [`NoProcessScan`]); the task that
//! called `connect()` or `listen()` (those transitions run in the caller's system call); for an
//! accepted connection, the owner of its listener; and last the task on the CPU, labelled as
//! such. Process names come from /proc/PID/comm, read once per pid, kept current by the comm
//! and fork records perf delivers.

use std::net::SocketAddr;
use std::rc::Rc;

use std::sync::Arc;

use super::engine::FastMap;
use crate::sink::Flow;
use crate::socket::{Endpoint, Family, Socket};
use crate::source::Query;
use crate::source::process::ProcessMap;
use crate::source::scope::Target;

/// How an owner was found, from most to least reliable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnerSource {
    /// A process scan found the process holding the socket.
    Process,
    /// The task that called connect() on the socket.
    Connect,
    /// The task that called listen() on the socket.
    Listen,
    /// Inherited from the owner of the listening socket that accepted it.
    Listener,
    /// Only the task that happened to be on the CPU at the event.
    OnCpu,
}

impl OwnerSource {
    pub fn key(self) -> &'static str {
        match self {
            OwnerSource::Process => "process",
            OwnerSource::Connect => "connect",
            OwnerSource::Listen => "listen",
            OwnerSource::Listener => "listener",
            OwnerSource::OnCpu => "on-cpu",
        }
    }
}

/// A socket's owner: process id, command name and how we know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedOwner {
    pub pid: u32,
    pub comm: Rc<str>,
    pub source: OwnerSource,
}

/// The seam for process attribution by socket: [`ScannedOwners`] (the process map) live,
/// [`NoProcessScan`] in tests of the engine.
pub trait ProcessOwners {
    /// The process holding the socket with these endpoints, if a scan can tell.
    fn owner(
        &mut self,
        family: Family,
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Option<(u32, String)>;
}

/// No process scan available: owners come from the tracepoint alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProcessScan;

impl ProcessOwners for NoProcessScan {
    fn owner(&mut self, _: Family, _: SocketAddr, _: SocketAddr) -> Option<(u32, String)> {
        None
    }
}

/// Owners of the sockets that exist when the trace starts: the scope's process map (one walk
/// of /proc, listeners keyed by namespace and port) and one pass over the target's sockets,
/// keyed by their endpoints. Sockets made later are found through the system calls that make
/// them instead, or through the listener on their local port.
#[derive(Debug, Default)]
pub struct ScannedOwners {
    by_endpoints: std::collections::HashMap<(Family, SocketAddr, SocketAddr), (u32, String)>,
    map: Option<Arc<ProcessMap>>,
    /// The namespace the trace's snapshot comes from.
    netns: u64,
}

impl ScannedOwners {
    /// Credit every socket of `target` through `map`, in one pass. A failed dump leaves only
    /// the listeners: owners then come from the tracepoint.
    pub fn scan(target: &mut Target, map: Arc<ProcessMap>) -> ScannedOwners {
        let netns = target.netns.unwrap_or(0);
        let mut by_endpoints = std::collections::HashMap::new();
        if let Some(src) = target.live_source() {
            let mut credit = |s: &Socket| {
                if let (Some(lip), Some(lp), Some(rip), Some(rp)) =
                    (s.local.ip, s.local.port, s.remote.ip, s.remote.port)
                    && let Some(o) = map.owners(s).owners().next()
                {
                    by_endpoints.insert(
                        (s.family, SocketAddr::new(lip, lp), SocketAddr::new(rip, rp)),
                        (o.pid, o.command.to_string()),
                    );
                }
                Flow::Continue
            };
            // The snapshot is a best effort: without it, owners come from the tracepoint.
            let _ = src.run(&Query::default(), &mut credit);
        }
        ScannedOwners {
            by_endpoints,
            map: Some(map),
            netns,
        }
    }
}

impl ProcessOwners for ScannedOwners {
    fn owner(
        &mut self,
        family: Family,
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Option<(u32, String)> {
        if let Some(o) = self.by_endpoints.get(&(family, local, remote)) {
            return Some(o.clone());
        }
        let map = self.map.as_deref()?;
        let ip = Endpoint::new(local.ip(), local.port()).canonical_ip();
        map.listener_owners(self.netns, ip, local.port())
            .owners()
            .next()
            .map(|o| (o.pid, o.command.to_string()))
    }
}

/// pid → command name. Entries come from perf comm/fork records, or from /proc/PID/comm
/// read once; the cache is cleared when it grows past a bound, and refills on demand.
#[derive(Debug)]
pub struct CommCache {
    names: FastMap<u32, Rc<str>>,
    unknown: Rc<str>,
    idle: Rc<str>,
    limit: usize,
}

impl Default for CommCache {
    fn default() -> CommCache {
        CommCache::new(200_000)
    }
}

impl CommCache {
    pub fn new(limit: usize) -> CommCache {
        CommCache {
            names: FastMap::default(),
            unknown: Rc::from("?"),
            idle: Rc::from("swapper"),
            limit,
        }
    }

    fn bound(&mut self) {
        if self.names.len() >= self.limit {
            self.names.clear();
        }
    }

    /// A task changed its name (exec).
    pub fn set(&mut self, pid: u32, name: &[u8]) {
        self.bound();
        let name = String::from_utf8_lossy(name);
        self.names.insert(pid, Rc::from(name.as_ref()));
    }

    /// A process was created: it starts with its parent's name.
    pub fn fork(&mut self, pid: u32, ppid: u32) {
        if pid == ppid {
            return;
        }
        if let Some(n) = self.names.get(&ppid).cloned() {
            self.bound();
            self.names.insert(pid, n);
        } else {
            // Whatever we cached for a previous process with this pid is stale now.
            self.names.remove(&pid);
        }
    }

    /// The name of `pid`, reading /proc the first time; "?" for a process already gone.
    pub fn get(&mut self, pid: u32) -> Rc<str> {
        if pid == 0 {
            return self.idle.clone();
        }
        if let Some(n) = self.names.get(&pid) {
            return n.clone();
        }
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .ok()
            .map(|s| Rc::<str>::from(s.trim_end_matches('\n')))
            .unwrap_or_else(|| self.unknown.clone());
        self.bound();
        self.names.insert(pid, name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comm_cache() {
        let mut c = CommCache::new(10);
        let me = std::process::id();
        let mine = std::fs::read_to_string("/proc/self/comm").unwrap();
        assert_eq!(&*c.get(me), mine.trim_end());
        c.set(me, b"renamed");
        assert_eq!(&*c.get(me), "renamed");
        c.fork(4_000_000, me);
        assert_eq!(&*c.get(4_000_000), "renamed");
        assert_eq!(&*c.get(0), "swapper");
        assert_eq!(&*c.get(4_000_001), "?");
    }
}

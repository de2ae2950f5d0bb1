//! Grouping: one row per key (remote IP, remote port, local IP, local port, state, owning
//! process, namespace) with its total and its count in each state — which peers hold the
//! TIME_WAITs, which local port or process has the CLOSE_WAITs — and, when asked, what is
//! inside each group's connections (`analyze::stats`). Memory grows with the number of
//! distinct keys only.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::sync::Arc;

use crate::analyze::stats::{GroupOrder, GroupStats, StatsAccumulator};
use crate::sink::{Flow, Sink, TargetInfo};
use crate::socket::{Endpoint, Host, Socket};
use crate::source::process::ProcessMap;
use crate::tcp::state::{STATE_SLOTS, TcpState};

/// What to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupBy {
    RemoteIp,
    RemotePort,
    LocalIp,
    LocalPort,
    State,
    /// The processes holding the socket (TIME_WAIT and SYN_RECV: the listener's owners).
    Process,
    /// The network namespace (with --all-netns, each one; with --from, each capture).
    Netns,
}

impl GroupBy {
    /// The key's stable name (JSON and CSV field, `--by` spelling with `_`).
    pub fn key_name(self) -> &'static str {
        match self {
            GroupBy::RemoteIp => "remote_ip",
            GroupBy::RemotePort => "remote_port",
            GroupBy::LocalIp => "local_ip",
            GroupBy::LocalPort => "local_port",
            GroupBy::State => "state",
            GroupBy::Process => "process",
            GroupBy::Netns => "netns",
        }
    }
}

/// The keys to group by, in order: one (`--by remote-ip`) or several (`--by
/// remote-ip,local-port`, one group per combination).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Grouping(Vec<GroupBy>);

impl Grouping {
    /// One key.
    pub fn one(by: GroupBy) -> Grouping {
        Grouping(vec![by])
    }

    /// The keys of `--by`, or why they do not make a grouping: none, one twice, or `state`
    /// (every group already has a column per state, so it would be a diagonal).
    pub fn of(keys: &[GroupBy]) -> Result<Grouping, String> {
        if keys.is_empty() {
            return Err("--by needs at least one key".into());
        }
        if keys.contains(&GroupBy::State) {
            return Err("--by state would repeat the summary as a diagonal (every group has a column per state): run `tcpstate summary` without --by for the counts per state".into());
        }
        for (i, k) in keys.iter().enumerate() {
            if keys[..i].contains(k) {
                return Err(format!("--by names {} twice", k.key_name()));
            }
        }
        Ok(Grouping(keys.to_vec()))
    }

    pub fn keys(&self) -> &[GroupBy] {
        &self.0
    }

    /// The grouping's stable name: the keys' names joined with commas.
    pub fn key_name(&self) -> String {
        self.0
            .iter()
            .map(|k| k.key_name())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether one of the keys needs the process map.
    pub fn needs_processes(&self) -> bool {
        self.0.iter().any(|k| k.needs_processes())
    }

    /// The key of `s`: the one key's part, or the tuple of them.
    pub fn key_with(&self, s: &Socket, processes: Option<&ProcessMap>) -> Key {
        self.key_in(s, processes, None)
    }

    /// The key of `s` read from the target labelled `target` (what `GroupBy::Netns` keys by).
    pub fn key_in(&self, s: &Socket, processes: Option<&ProcessMap>, target: Option<&str>) -> Key {
        let part = |k: GroupBy| match (k, target) {
            (GroupBy::Netns, Some(label)) => Key::Name(label.into()),
            (k, _) => k.key_with(s, processes),
        };
        match self.0.as_slice() {
            [one] => part(*one),
            many => Key::Tuple(many.iter().map(|&k| part(k)).collect()),
        }
    }

    /// Whether one of the keys is the namespace (one grouping across every target).
    pub fn spans_targets(&self) -> bool {
        self.0.contains(&GroupBy::Netns)
    }
}

/// A group's key (written by `render`, which implements `Display` for it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Ip(IpAddr),
    Port(u16),
    State(TcpState),
    /// A name from a capture that could not be read as a number.
    Name(Box<str>),
    /// One part per key of a grouping by several keys.
    Tuple(Box<[Key]>),
    /// The owners of a socket as (pid, command), in pid order; empty when unattributed.
    Processes(Box<[(u32, Box<str>)]>),
    Unknown,
}

fn ip_key(e: &Endpoint) -> Key {
    match e.host() {
        Host::Ip(ip) => Key::Ip(ip),
        Host::Name(n) => Key::Name(n),
        Host::Unknown => Key::Unknown,
    }
}

fn port_key(e: &Endpoint) -> Key {
    match (e.port, &e.name) {
        (Some(p), _) => Key::Port(p),
        (None, Some(n)) => Key::Name(n.clone()),
        _ => Key::Unknown,
    }
}

impl GroupBy {
    /// The key of `s`. Keys that need more than the socket record (processes, the target's
    /// name) are `Key::Unknown` here; see `key_with` and `Grouping::key_in`.
    pub fn key(self, s: &Socket) -> Key {
        self.key_with(s, None)
    }

    /// The key of `s`, with the process map for `GroupBy::Process`.
    pub fn key_with(self, s: &Socket, processes: Option<&ProcessMap>) -> Key {
        match self {
            GroupBy::RemoteIp => ip_key(&s.remote),
            GroupBy::RemotePort => port_key(&s.remote),
            GroupBy::LocalIp => ip_key(&s.local),
            GroupBy::LocalPort => port_key(&s.local),
            GroupBy::State => Key::State(s.state.reported()),
            GroupBy::Process => match processes {
                Some(m) => Key::Processes(
                    m.owners(s)
                        .owners()
                        .map(|o| (o.pid, Box::from(o.command)))
                        .collect(),
                ),
                None => Key::Unknown,
            },
            GroupBy::Netns => Key::Unknown,
        }
    }

    /// Whether this key needs the process map.
    pub fn needs_processes(self) -> bool {
        self == GroupBy::Process
    }
}

/// One group: its key, total and per-state counts, and its figures when they were asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub key: Key,
    pub total: u64,
    pub states: [u64; STATE_SLOTS],
    pub stats: Option<GroupStats>,
}

impl Group {
    pub fn count(&self, s: TcpState) -> u64 {
        self.states[usize::from(s.reported().kernel())]
    }
}

impl Key {
    /// The parts of the key, one per key of its grouping.
    pub fn parts(&self) -> &[Key] {
        match self {
            Key::Tuple(parts) => parts,
            one => std::slice::from_ref(one),
        }
    }
}

/// A group while the sockets come in.
#[derive(Debug, Clone, Default)]
struct Tally {
    states: [u64; STATE_SLOTS],
    stats: Option<Box<StatsAccumulator>>,
}

/// A grouping sink.
#[derive(Debug, Clone)]
pub struct Grouper {
    by: Grouping,
    groups: HashMap<Key, Tally>,
    processes: Option<Arc<ProcessMap>>,
    /// Keep each group's figures (`--stats`).
    stats: bool,
    /// The label of the target being read (for `GroupBy::Netns`).
    target: Option<Box<str>>,
}

impl Grouper {
    pub fn new(by: Grouping) -> Grouper {
        Grouper {
            by,
            groups: HashMap::new(),
            processes: None,
            stats: false,
            target: None,
        }
    }

    /// The same grouper, keeping each group's figures (the dump must ask for tcp_info).
    pub fn with_stats(self, stats: bool) -> Grouper {
        Grouper { stats, ..self }
    }

    /// A grouper that can key sockets by their owning processes.
    pub fn with_processes(by: Grouping, processes: Option<Arc<ProcessMap>>) -> Grouper {
        Grouper {
            processes,
            ..Grouper::new(by)
        }
    }

    pub fn by(&self) -> &Grouping {
        &self.by
    }

    pub fn add(&mut self, key: Key, state: TcpState, n: u64) {
        self.groups.entry(key).or_default().states[usize::from(state.reported().kernel())] += n;
    }

    /// Groups sorted by total, largest first (ties by key), at most `top` of them.
    pub fn finish(self, top: Option<usize>) -> Vec<Group> {
        self.finish_by(GroupOrder::Total, top)
    }

    /// Groups ranked by `order` (ties by total, then key), at most `top` of them.
    pub fn finish_by(self, order: GroupOrder, top: Option<usize>) -> Vec<Group> {
        let mut v: Vec<Group> = self
            .groups
            .into_iter()
            .map(|(key, t)| Group {
                key,
                total: t.states.iter().sum(),
                states: t.states,
                stats: t.stats.map(|a| a.finish()),
            })
            .collect();
        v.sort_by(|a, b| {
            order
                .compare(a.stats.as_ref(), b.stats.as_ref())
                .then_with(|| b.total.cmp(&a.total))
                .then_with(|| a.key.cmp(&b.key))
        });
        if let Some(n) = top {
            v.truncate(n);
        }
        v
    }
}

impl Grouper {
    /// Take one socket into the aggregates.
    #[inline]
    pub fn add_socket(&mut self, s: &Socket) -> Flow {
        let key = self
            .by
            .key_in(s, self.processes.as_deref(), self.target.as_deref());
        let tally = self.groups.entry(key).or_default();
        tally.states[usize::from(s.state.reported().kernel())] += 1;
        if self.stats {
            tally.stats.get_or_insert_default().add(s);
        }
        Flow::Continue
    }
}

impl Sink for Grouper {
    fn begin(&mut self, target: &TargetInfo<'_>) -> io::Result<()> {
        self.target = Some(target.label.into());
        Ok(())
    }

    #[inline]
    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        Ok(self.add_socket(s))
    }
}

/// The states present in any of `groups`, in kernel order (then sockets of unknown state):
/// the columns of a group table.
pub fn present_states(groups: &[Group]) -> Vec<TcpState> {
    TcpState::COUNTED
        .iter()
        .copied()
        .filter(|&s| groups.iter().any(|g| g.count(s) > 0))
        .collect()
}

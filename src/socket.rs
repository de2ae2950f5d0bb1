//! `Socket`: one TCP socket as every source delivers it and every analysis and renderer reads
//! it — netstat's six columns (family, queues, addresses, state) plus uid, inode, cookie, timer,
//! the namespace it lives in, and the owners a saved capture's own process column names.
//! Sources push sockets into a `crate::sink::Sink`.

use std::net::{IpAddr, Ipv4Addr};

use crate::tcp::state::TcpState;
use crate::tcpinfo::{SocketMemory, TcpInfo};

/// Address family of the socket (not of the address it carries: an AF_INET6 socket may carry
/// an IPv4-mapped address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    /// netstat's Proto column.
    pub fn proto(self) -> &'static str {
        match self {
            Family::V4 => "tcp",
            Family::V6 => "tcp6",
        }
    }

    /// A short label for JSON and metrics.
    pub fn key(self) -> &'static str {
        match self {
            Family::V4 => "ipv4",
            Family::V6 => "ipv6",
        }
    }

    pub fn index(self) -> usize {
        match self {
            Family::V4 => 0,
            Family::V6 => 1,
        }
    }
}

/// One end of a connection. Live sources always know the address and the port; a saved
/// capture may only carry names (`localhost.localdo:35450`, `*:ssh`), kept in `name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub ip: Option<IpAddr>,
    pub port: Option<u16>,
    /// The host and/or service as the capture wrote it, when it is not a plain number.
    pub name: Option<Box<str>>,
}

impl Endpoint {
    pub fn new(ip: IpAddr, port: u16) -> Endpoint {
        Endpoint {
            ip: Some(ip),
            port: Some(port),
            name: None,
        }
    }

    /// The wildcard `0.0.0.0:0` of a listener's peer.
    pub fn unspecified() -> Endpoint {
        Endpoint::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)
    }

    /// The address with an IPv4-mapped IPv6 address turned into the IPv4 one, so that
    /// `::ffff:10.0.0.1` matches `10.0.0.0/8`.
    pub fn canonical_ip(&self) -> Option<IpAddr> {
        self.ip.map(|ip| match ip {
            IpAddr::V6(v6) => v6
                .to_ipv4_mapped()
                .map(IpAddr::V4)
                .unwrap_or(IpAddr::V6(v6)),
            v4 => v4,
        })
    }
}

/// Who is at one end, as far as the record tells: the address (IPv4-mapped IPv6 as IPv4),
/// else the name a capture wrote instead, else unknown. The one way an endpoint becomes a key
/// (grouping by address, the check's peers and listeners).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Host {
    Ip(IpAddr),
    Name(Box<str>),
    Unknown,
}

impl Endpoint {
    pub fn host(&self) -> Host {
        match (self.canonical_ip(), &self.name) {
            (Some(ip), _) => Host::Ip(ip),
            (None, Some(n)) => Host::Name(n.clone()),
            (None, None) => Host::Unknown,
        }
    }
}

/// Which timer the kernel has armed on the socket (netstat `-o`, ss `-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimerKind {
    #[default]
    Off,
    /// Retransmission (netstat: `on`).
    On,
    Keepalive,
    TimeWait,
    /// Zero-window probe.
    Probe,
}

impl TimerKind {
    /// From the kernel's timer number (sock_diag `idiag_timer`, /proc `tr`).
    pub fn from_kernel(n: u8) -> TimerKind {
        match n {
            1 => TimerKind::On,
            2 => TimerKind::Keepalive,
            3 => TimerKind::TimeWait,
            4 => TimerKind::Probe,
            _ => TimerKind::Off,
        }
    }

    /// netstat's word for the timer.
    pub fn netstat_name(self) -> &'static str {
        match self {
            TimerKind::Off => "off",
            TimerKind::On => "on",
            TimerKind::Keepalive => "keepalive",
            TimerKind::TimeWait => "timewait",
            TimerKind::Probe => "probe",
        }
    }
}

/// A socket's timer: its kind, the time left until it fires, and the retransmits so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Timer {
    pub kind: TimerKind,
    pub expires_ms: u64,
    pub retransmits: u32,
}

/// The processes a capture's own column names as holding a socket: netstat `-p`'s
/// `1234/nginx` (`-` when netstat could not see it) and ss `-p`'s
/// `users:(("nginx",pid=1234,fd=6),…)`. Live sockets have none listed (their owners come from
/// a `ProcessMap`); the empty value allocates nothing, and a parser reuses one value's buffers
/// from row to row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListedOwners {
    listed: bool,
    /// The commands, one after another.
    text: String,
    /// (pid, end of its command in `text`), in the order the capture lists them.
    entries: Vec<(u32, u32)>,
}

impl ListedOwners {
    /// Whether the input had an owner column for this socket (perhaps `-`: nobody visible).
    pub fn is_listed(&self) -> bool {
        self.listed
    }

    /// Forget everything: not listed, no owners (buffers kept).
    pub fn clear(&mut self) {
        self.listed = false;
        self.text.clear();
        self.entries.clear();
    }

    /// Mark the column as present for this socket, with no owner yet.
    pub fn set_listed(&mut self) {
        self.listed = true;
    }

    /// Add an owner (and mark the column present). A command past 4 GiB of text is cut.
    pub fn push(&mut self, pid: u32, command: &str) {
        self.listed = true;
        self.text.push_str(command);
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.entries.push((pid, end));
    }

    /// The owners as (pid, command), in the order listed.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        let mut start = 0usize;
        self.entries.iter().map(move |&(pid, end)| {
            let end = (end as usize).min(self.text.len());
            let cmd = self.text.get(start..end).unwrap_or("");
            start = end;
            (pid, cmd)
        })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One TCP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    pub family: Family,
    pub state: TcpState,
    /// Bytes not yet read by the application; for LISTEN, the accept queue now. `None` when
    /// the input does not carry it (Windows listings have no queue columns).
    pub recv_q: Option<u32>,
    /// Bytes not yet acknowledged by the peer; for LISTEN, the backlog limit. `None` when the
    /// input does not carry it: /proc/net/tcp and netstat (which reads it) print 0 for a
    /// listener's backlog, which is not its value.
    pub send_q: Option<u32>,
    pub local: Endpoint,
    pub remote: Endpoint,
    /// Owner uid; `None` for mini-sockets (TIME_WAIT, SYN_RECV) and captures that lack it.
    pub uid: Option<u32>,
    /// Socket inode: 0 for mini-sockets (the kernel's "none"), `None` when the input does not
    /// carry it (a capture without `-e`).
    pub inode: Option<u64>,
    /// The kernel's socket cookie (sock_diag only).
    pub cookie: Option<u64>,
    /// The armed timer; `None` when the input does not carry it (a capture without `-o`).
    pub timer: Option<Timer>,
    /// Inode of the network namespace the socket lives in; 0 when not known.
    pub netns: u64,
    /// The kernel's tcp_info, when the dump asked for it (`list -i`).
    pub info: Option<Box<TcpInfo>>,
    /// The socket's memory, when the dump asked for it (`list -m`).
    pub memory: Option<Box<SocketMemory>>,
    /// The owners a capture's process column names (not listed for live sockets).
    pub listed_owners: ListedOwners,
}

impl Socket {
    /// The inode of a socket that has one (not a mini-socket, not unknown).
    pub fn owned_inode(&self) -> Option<u64> {
        self.inode.filter(|&i| i != 0)
    }

    /// A socket with the given state and addresses and every other field empty.
    pub fn new(family: Family, state: TcpState, local: Endpoint, remote: Endpoint) -> Socket {
        Socket {
            family,
            state,
            recv_q: None,
            send_q: None,
            local,
            remote,
            uid: None,
            inode: None,
            cookie: None,
            timer: None,
            netns: 0,
            info: None,
            memory: None,
            listed_owners: ListedOwners::default(),
        }
    }
}

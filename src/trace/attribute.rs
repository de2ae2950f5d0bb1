//! Turning a raw incident into one worth showing: the socket it belongs to (by the kernel
//! pointer when an event showed that socket, else by the addresses the record carries), its
//! owner as for transitions, the reset or drop reason named from the tracepoint's own format
//! file, the drop's kernel location named from `/proc/kallsyms`, and whether a drop is TCP's at
//! all. What the kernel did not say stays `None`: a drop with no socket gets no addresses.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::rc::Rc;

use super::engine::{Engine, FastMap};
use super::format::Symbols;
use super::fsm_check::TransitionCheck;
use super::incident::{ETH_P_IPV6, RawIncident, RawKind};
use super::kallsyms::Kallsyms;
use super::kinds::EventKind;
use super::owner::{ProcessOwners, TracedOwner};
use crate::socket::Family;
use crate::tcp::state::TcpState;

/// What kind of incident, as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    Retransmit,
    SynAckRetransmit,
    ResetSent,
    ResetReceived,
    Drop,
    SocketError,
}

impl IncidentKind {
    pub fn key(self) -> &'static str {
        match self {
            IncidentKind::Retransmit => "retransmit",
            IncidentKind::SynAckRetransmit => "synack_retransmit",
            IncidentKind::ResetSent => "reset_sent",
            IncidentKind::ResetReceived => "reset_received",
            IncidentKind::Drop => "drop",
            IncidentKind::SocketError => "socket_error",
        }
    }

    /// The `--events` kind that shows it.
    pub fn selected_by(self) -> EventKind {
        match self {
            IncidentKind::Retransmit => EventKind::Retrans,
            IncidentKind::SynAckRetransmit => EventKind::SynAck,
            IncidentKind::ResetSent | IncidentKind::ResetReceived => EventKind::Reset,
            IncidentKind::Drop => EventKind::Drop,
            IncidentKind::SocketError => EventKind::Error,
        }
    }
}

/// One incident as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// CLOCK_MONOTONIC, nanoseconds.
    pub ts: u64,
    pub cpu: u32,
    pub kind: IncidentKind,
    /// The kernel's socket pointer, when the record names one.
    pub skaddr: Option<u64>,
    pub family: Family,
    /// Local and remote address; `None` when the kernel did not say (a drop not tied to a
    /// socket tcpstate knows).
    pub local: Option<SocketAddr>,
    pub remote: Option<SocketAddr>,
    /// The socket's state, where the record or the trace knows it.
    pub state: Option<TcpState>,
    /// The reset or drop reason (the kernel's name), or the error's name (`ECONNREFUSED`).
    pub reason: Option<Rc<str>>,
    /// Drops: where in the kernel (`tcp_v4_rcv+0x1a4`), when kallsyms names it.
    pub location: Option<Rc<str>>,
    /// Retransmits: the result where the kernel records it (0: sent; negative: an errno).
    pub result: Option<i32>,
    /// Drops: whether the packet was TCP's; `None` when nothing in the event says.
    pub tcp: Option<bool>,
    pub owner: Option<TracedOwner>,
    /// The socket was in the starting snapshot (it is in this network namespace).
    pub in_snapshot: bool,
    /// Whether a listener is known on the local port (this side serves the connection);
    /// `None` without addresses.
    pub server: Option<bool>,
}

/// Names of the errors a TCP socket reports.
fn errno_name(e: i32) -> Option<&'static str> {
    Some(match e {
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::ECONNRESET => "ECONNRESET",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::EPIPE => "EPIPE",
        libc::EHOSTUNREACH => "EHOSTUNREACH",
        libc::ENETUNREACH => "ENETUNREACH",
        libc::ECONNABORTED => "ECONNABORTED",
        libc::EHOSTDOWN => "EHOSTDOWN",
        libc::ENETDOWN => "ENETDOWN",
        libc::EPROTO => "EPROTO",
        libc::EMSGSIZE => "EMSGSIZE",
        libc::EACCES => "EACCES",
        libc::EPERM => "EPERM",
        libc::ENOPROTOOPT => "ENOPROTOOPT",
        libc::EADDRNOTAVAIL => "EADDRNOTAVAIL",
        _ => return None,
    })
}

/// Kernel code of another protocol: a drop there is not TCP's.
const OTHER_PROTOCOL_CODE: &[&str] = &[
    "udp", "__udp", "udpv6", "icmp", "raw", "ping", "igmp", "arp", "ndisc", "mld", "sctp",
];

/// A drop location's name, and whether its code says TCP (`Some(true)`), another protocol
/// (`Some(false)`) or nothing (`None`).
type Place = (Rc<str>, Option<bool>);

/// Names incidents and ties them to sockets; see the module documentation.
pub struct Attributor {
    drop_reasons: Symbols,
    reset_reasons: Symbols,
    kallsyms: Kallsyms,
    /// Names handed out, shared between incidents.
    names: HashMap<String, Rc<str>>,
    locations: FastMap<u64, Option<Place>>,
    /// Drops whose code belongs to another protocol (UDP, ICMP …), not shown.
    pub other_protocol: u64,
}

impl Attributor {
    pub fn new(drop_reasons: Symbols, reset_reasons: Symbols, kallsyms: Kallsyms) -> Attributor {
        Attributor {
            drop_reasons,
            reset_reasons,
            kallsyms,
            names: HashMap::new(),
            locations: FastMap::default(),
            other_protocol: 0,
        }
    }

    /// Whether kallsyms names kernel code here.
    pub fn symbols_available(&self) -> bool {
        self.kallsyms.available()
    }

    fn name(&mut self, s: &str) -> Rc<str> {
        if let Some(n) = self.names.get(s) {
            return n.clone();
        }
        let n: Rc<str> = Rc::from(s);
        self.names.insert(s.to_string(), n.clone());
        n
    }

    fn reason(&mut self, drop: bool, v: u32) -> Rc<str> {
        let table = if drop {
            &self.drop_reasons
        } else {
            &self.reset_reasons
        };
        match table.name(u64::from(v)) {
            Some(n) => {
                let n = n.to_string();
                self.name(&n)
            }
            None => self.name(&format!("reason {v}")),
        }
    }

    /// The symbol of a drop location, and what its code says of the protocol.
    fn location(&mut self, addr: u64) -> Option<Place> {
        if let Some(l) = self.locations.get(&addr) {
            return l.clone();
        }
        let l = self.kallsyms.lookup(addr).map(|(sym, off)| {
            let tcp = if sym.starts_with("tcp") || sym.contains("_tcp") {
                Some(true)
            } else if OTHER_PROTOCOL_CODE.iter().any(|p| sym.starts_with(p)) {
                Some(false)
            } else {
                None
            };
            (format!("{sym}+{off:#x}"), tcp)
        });
        let l = l.map(|(s, tcp)| (self.name(&s), tcp));
        if self.locations.len() < 65_536 {
            self.locations.insert(addr, l.clone());
        }
        l
    }

    /// Name `raw` and tie it to its socket; `None` when it is not TCP's or the filter
    /// leaves it out.
    pub fn incident<C: TransitionCheck, P: ProcessOwners>(
        &mut self,
        engine: &mut Engine<C, P>,
        raw: &RawIncident,
    ) -> Option<Incident> {
        let known = raw.skaddr.and_then(|sk| engine.known_socket(sk));
        let (kind, mut state, reason, location, result, tcp) = match raw.kind {
            RawKind::Retransmit { state, err } => {
                (IncidentKind::Retransmit, state, None, None, err, Some(true))
            }
            RawKind::SynAckRetransmit => (
                IncidentKind::SynAckRetransmit,
                Some(TcpState::Listen),
                None,
                None,
                None,
                Some(true),
            ),
            RawKind::ResetSent { state, reason } => (
                IncidentKind::ResetSent,
                state,
                reason.map(|r| self.reason(false, r)),
                None,
                None,
                Some(true),
            ),
            RawKind::ResetReceived => (
                IncidentKind::ResetReceived,
                None,
                None,
                None,
                None,
                Some(true),
            ),
            RawKind::Drop {
                location, reason, ..
            } => {
                let reason = reason.map(|r| self.reason(true, r));
                let loc = self.location(location);
                let by_reason = reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with("TCP_"))
                    .then_some(true);
                let tcp = if known.is_some() {
                    Some(true)
                } else {
                    by_reason.or(loc.as_ref().and_then(|l| l.1))
                };
                if tcp == Some(false) {
                    self.other_protocol += 1;
                    return None;
                }
                (
                    IncidentKind::Drop,
                    None,
                    reason,
                    loc.map(|l| l.0),
                    None,
                    tcp,
                )
            }
            // A report with no error in it (sk_err already cleared) says nothing.
            RawKind::SocketError { errno: 0 } => return None,
            RawKind::SocketError { errno } => (
                IncidentKind::SocketError,
                None,
                Some(match errno_name(errno) {
                    Some(n) => self.name(n),
                    None => self.name(&format!("errno {errno}")),
                }),
                None,
                Some(errno),
                Some(true),
            ),
        };
        let (family, local, remote, owner, in_snapshot) = match (&known, raw.tuple) {
            (_, Some((family, local, remote))) => {
                let owner = match &known {
                    Some(k) if k.owner.is_some() => k.owner.clone(),
                    _ => engine.owner_by_tuple(family, local, remote),
                };
                let snap = known.as_ref().is_some_and(|k| k.in_snapshot)
                    || engine.in_snapshot(family, local, remote);
                (family, Some(local), Some(remote), owner, snap)
            }
            (Some(k), None) => (
                k.family,
                Some(k.local),
                Some(k.remote),
                k.owner.clone(),
                k.in_snapshot,
            ),
            (None, None) => {
                let family = match raw.kind {
                    RawKind::Drop { ethertype, .. } if u64::from(ethertype) == ETH_P_IPV6 => {
                        Family::V6
                    }
                    _ => Family::V4,
                };
                (family, None, None, None, false)
            }
        };
        if state.is_none() {
            state = known.as_ref().map(|k| k.state);
        }
        let shown = match (local, remote) {
            (Some(l), Some(r)) => engine.filter().endpoints(family, l, r),
            _ => engine.filter().without_tuple(family),
        };
        if !shown {
            return None;
        }
        // As for transitions, the task on the CPU is the last resort, labelled as such; a
        // drop with no socket has no owner at all.
        let owner = owner.or_else(|| {
            (local.is_some() && kind != IncidentKind::Drop).then(|| engine.on_cpu(raw.pid))
        });
        let server = local.map(|l| engine.is_listening_port(l.port()));
        Some(Incident {
            server,
            ts: raw.ts,
            cpu: raw.cpu,
            kind,
            skaddr: raw.skaddr,
            family,
            local,
            remote,
            state,
            reason,
            location,
            result,
            tcp,
            owner,
            in_snapshot,
        })
    }
}

//! The TCP state machine as data: the transition table of RFC 9293 (its diagram plus the moves
//! its text describes), the Linux specifics marked as such, the normal path of a client and of
//! a server as one time-ordered ladder, and the checks built on the table — `allowed`,
//! `successors` and `check_path` — used by `tcpstate fsm --check` and by the live tracer. No
//! I/O and no formatting here: renderers and the texts in `tcp::explain` read these tables.

use crate::tcp::state::TcpState;

/// An application call that moves a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    /// Passive open: `listen()`.
    Listen,
    /// Active open: `connect()`.
    Connect,
    /// `send()` on a listening socket (RFC 9293 only).
    Send,
    /// `close()` or `shutdown(SHUT_WR)`.
    Close,
}

/// A TCP segment, named by its control bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Segment {
    Syn,
    SynAck,
    Ack,
    Fin,
    /// A FIN that also acknowledges our FIN.
    FinAck,
    Rst,
}

impl Segment {
    /// The segment as written on the wire diagrams (`SYN+ACK`); the same in every language.
    pub fn name(self) -> &'static str {
        match self {
            Segment::Syn => "SYN",
            Segment::SynAck => "SYN+ACK",
            Segment::Ack => "ACK",
            Segment::Fin => "FIN",
            Segment::FinAck => "FIN+ACK",
            Segment::Rst => "RST",
        }
    }
}

/// A timer that moves a socket when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timeout {
    /// SYN retransmissions exhausted (`net.ipv4.tcp_syn_retries`, the RFC's user timeout).
    SynRetries,
    /// SYN+ACK retransmissions exhausted (`net.ipv4.tcp_synack_retries`).
    SynAckRetries,
    /// The TIME_WAIT timer: 2MSL in the RFC, a fixed 60 s on Linux.
    TimeWait,
    /// The orphaned FIN_WAIT2 timer (`net.ipv4.tcp_fin_timeout`).
    FinTimeout,
}

/// What makes a transition happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    Call(Call),
    Receive(Segment),
    Timeout(Timeout),
    /// Linux's way out of every synchronized state: a RST received or sent (an abortive
    /// close), or retransmissions or keepalive probes running out.
    Abort,
}

impl Event {
    /// A stable identifier for JSON (`call:close`, `receive:syn+ack`, `timeout:time_wait`).
    pub fn key(self) -> &'static str {
        match self {
            Event::Call(Call::Listen) => "call:listen",
            Event::Call(Call::Connect) => "call:connect",
            Event::Call(Call::Send) => "call:send",
            Event::Call(Call::Close) => "call:close",
            Event::Receive(Segment::Syn) => "receive:syn",
            Event::Receive(Segment::SynAck) => "receive:syn+ack",
            Event::Receive(Segment::Ack) => "receive:ack",
            Event::Receive(Segment::Fin) => "receive:fin",
            Event::Receive(Segment::FinAck) => "receive:fin+ack",
            Event::Receive(Segment::Rst) => "receive:rst",
            Event::Timeout(Timeout::SynRetries) => "timeout:syn_retries",
            Event::Timeout(Timeout::SynAckRetries) => "timeout:synack_retries",
            Event::Timeout(Timeout::TimeWait) => "timeout:time_wait",
            Event::Timeout(Timeout::FinTimeout) => "timeout:fin_timeout",
            Event::Abort => "abort",
        }
    }
}

/// An annotation on the state machine. Linux notes (`is_linux`) describe where the kernel
/// differs from, or adds to, RFC 9293; each note is anchored at the state it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Note {
    /// Both ends send SYN at once.
    SimultaneousOpen,
    /// Both ends send FIN at once.
    SimultaneousClose,
    /// RFC 9293 lets `send()` on a listener open a connection; Linux does not.
    ListenSend,
    /// Linux keeps half-open connections as request sockets (NEW_SYN_RECV).
    RequestSocket,
    /// Linux closes any synchronized state on RST or exhausted retries.
    Abort,
    /// The orphaned FIN_WAIT2 timeout.
    OrphanFinWait2,
    /// The full socket closes and a TIME_WAIT mini-socket replaces it.
    TimeWaitHandoff,
    /// TIME_WAIT lasts a fixed 60 s.
    TimeWaitFixed,
    /// TIME_WAIT can end early: RST, reuse by connect() (tcp_tw_reuse), a new SYN.
    TimeWaitEarlyEnd,
    /// Listings show no CLOSED sockets.
    NoClosedInListings,
    /// BOUND_INACTIVE is CLOSED with a port.
    BoundInactive,
}

impl Note {
    /// Every note, in the order renderers list them.
    pub const ALL: [Note; 11] = [
        Note::SimultaneousOpen,
        Note::SimultaneousClose,
        Note::ListenSend,
        Note::RequestSocket,
        Note::Abort,
        Note::OrphanFinWait2,
        Note::TimeWaitHandoff,
        Note::TimeWaitFixed,
        Note::TimeWaitEarlyEnd,
        Note::NoClosedInListings,
        Note::BoundInactive,
    ];

    /// Whether the note describes Linux rather than RFC 9293.
    pub fn is_linux(self) -> bool {
        !matches!(self, Note::SimultaneousOpen | Note::SimultaneousClose)
    }

    /// The state the note is about, for diagrams.
    pub fn anchor(self) -> TcpState {
        match self {
            Note::SimultaneousOpen => TcpState::SynSent,
            Note::SimultaneousClose => TcpState::Closing,
            Note::ListenSend => TcpState::Listen,
            Note::RequestSocket => TcpState::SynRecv,
            Note::Abort => TcpState::Established,
            Note::OrphanFinWait2 => TcpState::FinWait2,
            Note::TimeWaitHandoff => TcpState::TimeWait,
            Note::TimeWaitFixed => TcpState::TimeWait,
            Note::TimeWaitEarlyEnd => TcpState::TimeWait,
            Note::NoClosedInListings => TcpState::Close,
            Note::BoundInactive => TcpState::Close,
        }
    }

    /// A stable identifier for JSON.
    pub fn key(self) -> &'static str {
        match self {
            Note::SimultaneousOpen => "simultaneous_open",
            Note::SimultaneousClose => "simultaneous_close",
            Note::ListenSend => "listen_send",
            Note::RequestSocket => "request_socket",
            Note::Abort => "abort",
            Note::OrphanFinWait2 => "orphan_fin_wait2",
            Note::TimeWaitHandoff => "time_wait_handoff",
            Note::TimeWaitFixed => "time_wait_fixed",
            Note::TimeWaitEarlyEnd => "time_wait_early_end",
            Note::NoClosedInListings => "no_closed_in_listings",
            Note::BoundInactive => "bound_inactive",
        }
    }
}

/// One edge of the state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MachineTransition {
    pub from: TcpState,
    pub to: TcpState,
    pub event: Event,
    /// The segment this side sends on the move, if any.
    pub sends: Option<Segment>,
    /// A Linux move that RFC 9293 does not have (or has only in another shape).
    pub linux_only: bool,
    pub note: Option<Note>,
}

const fn rfc(
    from: TcpState,
    event: Event,
    to: TcpState,
    sends: Option<Segment>,
) -> MachineTransition {
    MachineTransition {
        from,
        to,
        event,
        sends,
        linux_only: false,
        note: None,
    }
}

const fn noted(t: MachineTransition, note: Note) -> MachineTransition {
    MachineTransition {
        note: Some(note),
        ..t
    }
}

const fn linux(
    from: TcpState,
    event: Event,
    to: TcpState,
    sends: Option<Segment>,
    note: Note,
) -> MachineTransition {
    MachineTransition {
        from,
        to,
        event,
        sends,
        linux_only: true,
        note: Some(note),
    }
}

use Call as C;
use Segment as G;
use TcpState as S;

const CLOSE: Event = Event::Call(C::Close);
const fn recv(s: Segment) -> Event {
    Event::Receive(s)
}

/// The transition table: RFC 9293 first (its diagram, then the moves of its text), then Linux.
/// CLOSED is `TcpState::Close`; request sockets appear as SYN_RECV.
pub static TRANSITIONS: &[MachineTransition] = &[
    // RFC 9293, figure 5.
    rfc(S::Close, Event::Call(C::Listen), S::Listen, None),
    rfc(S::Close, Event::Call(C::Connect), S::SynSent, Some(G::Syn)),
    rfc(S::Listen, CLOSE, S::Close, None),
    noted(
        rfc(S::Listen, recv(G::Syn), S::SynRecv, Some(G::SynAck)),
        Note::RequestSocket,
    ),
    noted(
        rfc(S::Listen, Event::Call(C::Send), S::SynSent, Some(G::Syn)),
        Note::ListenSend,
    ),
    rfc(S::SynSent, CLOSE, S::Close, None),
    noted(
        rfc(S::SynSent, recv(G::Syn), S::SynRecv, Some(G::SynAck)),
        Note::SimultaneousOpen,
    ),
    rfc(S::SynSent, recv(G::SynAck), S::Established, Some(G::Ack)),
    rfc(S::SynRecv, recv(G::Ack), S::Established, None),
    rfc(S::SynRecv, CLOSE, S::FinWait1, Some(G::Fin)),
    rfc(S::SynRecv, recv(G::Rst), S::Listen, None),
    rfc(S::Established, CLOSE, S::FinWait1, Some(G::Fin)),
    rfc(S::Established, recv(G::Fin), S::CloseWait, Some(G::Ack)),
    rfc(S::FinWait1, recv(G::Ack), S::FinWait2, None),
    noted(
        rfc(S::FinWait1, recv(G::Fin), S::Closing, Some(G::Ack)),
        Note::SimultaneousClose,
    ),
    rfc(S::FinWait2, recv(G::Fin), S::TimeWait, Some(G::Ack)),
    rfc(S::Closing, recv(G::Ack), S::TimeWait, None),
    rfc(S::CloseWait, CLOSE, S::LastAck, Some(G::Fin)),
    rfc(S::LastAck, recv(G::Ack), S::Close, None),
    noted(
        rfc(
            S::TimeWait,
            Event::Timeout(Timeout::TimeWait),
            S::Close,
            None,
        ),
        Note::TimeWaitFixed,
    ),
    // RFC 9293, section 3.10 (event processing).
    rfc(S::FinWait1, recv(G::FinAck), S::TimeWait, Some(G::Ack)),
    rfc(
        S::SynSent,
        Event::Timeout(Timeout::SynRetries),
        S::Close,
        None,
    ),
    rfc(S::SynSent, recv(G::Rst), S::Close, None),
    noted(
        rfc(S::SynRecv, recv(G::Rst), S::Close, None),
        Note::SimultaneousOpen,
    ),
    // Linux.
    linux(
        S::SynRecv,
        Event::Timeout(Timeout::SynAckRetries),
        S::Listen,
        None,
        Note::RequestSocket,
    ),
    linux(S::SynRecv, Event::Abort, S::Close, None, Note::Abort),
    linux(S::Established, Event::Abort, S::Close, None, Note::Abort),
    linux(S::FinWait1, Event::Abort, S::Close, None, Note::Abort),
    linux(S::FinWait2, Event::Abort, S::Close, None, Note::Abort),
    linux(S::CloseWait, Event::Abort, S::Close, None, Note::Abort),
    linux(S::Closing, Event::Abort, S::Close, None, Note::Abort),
    linux(S::LastAck, Event::Abort, S::Close, None, Note::Abort),
    linux(
        S::FinWait2,
        Event::Timeout(Timeout::FinTimeout),
        S::Close,
        None,
        Note::OrphanFinWait2,
    ),
    linux(
        S::FinWait2,
        recv(G::Fin),
        S::Close,
        Some(G::Ack),
        Note::TimeWaitHandoff,
    ),
    linux(
        S::Closing,
        recv(G::Ack),
        S::Close,
        None,
        Note::TimeWaitHandoff,
    ),
    linux(
        S::TimeWait,
        recv(G::Rst),
        S::Close,
        None,
        Note::TimeWaitEarlyEnd,
    ),
    linux(
        S::TimeWait,
        Event::Call(C::Connect),
        S::Close,
        None,
        Note::TimeWaitEarlyEnd,
    ),
];

/// Notes that belong to no single transition but to the machine as a whole.
pub const GENERAL_NOTES: [Note; 2] = [Note::NoClosedInListings, Note::BoundInactive];

/// The state as the machine knows it: a request socket is SYN_RECV, a bound but inactive
/// socket is CLOSED.
pub fn normalize(s: TcpState) -> TcpState {
    match s {
        S::NewSynRecv => S::SynRecv,
        S::BoundInactive => S::Close,
        s => s,
    }
}

/// The transitions that lead from `from` to `to`, RFC ones first.
pub fn transitions_between(
    from: TcpState,
    to: TcpState,
) -> impl Iterator<Item = &'static MachineTransition> {
    let (from, to) = (normalize(from), normalize(to));
    TRANSITIONS
        .iter()
        .filter(move |t| t.from == from && t.to == to)
}

/// Whether a socket can move from `from` to `to` in one step, on Linux or by RFC 9293.
pub fn allowed(from: TcpState, to: TcpState) -> bool {
    transitions_between(from, to).next().is_some()
}

/// Whether every way from `from` to `to` is a Linux-only one (false when there is none).
pub fn linux_only(from: TcpState, to: TcpState) -> bool {
    let mut any = false;
    for t in transitions_between(from, to) {
        if !t.linux_only {
            return false;
        }
        any = true;
    }
    any
}

/// The states a socket in `from` can move to in one step, each once, in table order.
pub fn successors(from: TcpState) -> impl Iterator<Item = TcpState> {
    let from = normalize(from);
    TRANSITIONS
        .iter()
        .enumerate()
        .filter(move |(i, t)| {
            t.from == from
                && !TRANSITIONS[..*i]
                    .iter()
                    .any(|u| u.from == from && u.to == t.to)
        })
        .map(|(_, t)| t.to)
}

/// Why a sequence of states is not a possible life of one socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpossibleStep {
    /// The step, counted from 1: step `n` goes from the n-th state to the next.
    pub step: usize,
    pub from: TcpState,
    pub to: TcpState,
    /// Where the socket could have gone from `from` instead.
    pub reachable: Vec<TcpState>,
}

/// What `check_path` found for a possible sequence.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PossiblePath {
    /// The steps (counted from 1) that only Linux makes: no RFC 9293 transition joins them.
    pub linux_only_steps: Vec<usize>,
}

/// Whether `states` is a possible life of one socket: each consecutive pair must be joined by
/// a transition. Request sockets count as SYN_RECV, BOUND_INACTIVE as CLOSED.
pub fn check_path(states: &[TcpState]) -> Result<PossiblePath, ImpossibleStep> {
    let mut found = PossiblePath::default();
    for (i, pair) in states.windows(2).enumerate() {
        let (from, to) = (normalize(pair[0]), normalize(pair[1]));
        if !allowed(from, to) {
            return Err(ImpossibleStep {
                step: i + 1,
                from,
                to,
                reachable: successors(from).collect(),
            });
        }
        if linux_only(from, to) {
            found.linux_only_steps.push(i + 1);
        }
    }
    Ok(found)
}

/// A side of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The active opener, which here also closes first.
    Client,
    /// The passive opener, which here closes second.
    Server,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
        }
    }
}

/// One step of one side on the normal path: a transition of the table, taken by `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub role: Role,
    pub from: TcpState,
    pub event: Event,
    pub to: TcpState,
    /// The segment this side sends; it is the event of the other side's next step.
    pub sends: Option<Segment>,
}

const fn step(
    role: Role,
    from: TcpState,
    event: Event,
    to: TcpState,
    sends: Option<Segment>,
) -> Step {
    Step {
        role,
        from,
        event,
        to,
        sends,
    }
}

/// The normal life of a connection in time order: the server listens, the client connects
/// (the three-way handshake), then the client closes first (the four-way close).
pub const LADDER: [Step; 12] = [
    step(
        Role::Server,
        S::Close,
        Event::Call(C::Listen),
        S::Listen,
        None,
    ),
    step(
        Role::Client,
        S::Close,
        Event::Call(C::Connect),
        S::SynSent,
        Some(G::Syn),
    ),
    step(
        Role::Server,
        S::Listen,
        recv(G::Syn),
        S::SynRecv,
        Some(G::SynAck),
    ),
    step(
        Role::Client,
        S::SynSent,
        recv(G::SynAck),
        S::Established,
        Some(G::Ack),
    ),
    step(Role::Server, S::SynRecv, recv(G::Ack), S::Established, None),
    step(
        Role::Client,
        S::Established,
        CLOSE,
        S::FinWait1,
        Some(G::Fin),
    ),
    step(
        Role::Server,
        S::Established,
        recv(G::Fin),
        S::CloseWait,
        Some(G::Ack),
    ),
    step(Role::Client, S::FinWait1, recv(G::Ack), S::FinWait2, None),
    step(Role::Server, S::CloseWait, CLOSE, S::LastAck, Some(G::Fin)),
    step(
        Role::Client,
        S::FinWait2,
        recv(G::Fin),
        S::TimeWait,
        Some(G::Ack),
    ),
    step(Role::Server, S::LastAck, recv(G::Ack), S::Close, None),
    step(
        Role::Client,
        S::TimeWait,
        Event::Timeout(Timeout::TimeWait),
        S::Close,
        None,
    ),
];

/// The steps of one side, in order.
pub fn path(role: Role) -> impl Iterator<Item = &'static Step> {
    LADDER.iter().filter(move |s| s.role == role)
}

#[cfg(test)]
mod tests;

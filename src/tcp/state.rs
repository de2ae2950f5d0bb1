//! The TCP states as the Linux kernel numbers them, every spelling other tools use for them
//! (net-tools netstat, iproute2 ss, RFC 9293, BSD/macOS, Windows, a few localised words), and
//! sets of states (`StateSet`) with the named groups `ss` understands plus our `closing` group.
//! This is the one state table of the project: parsers, filters and renderers all go through it.

use std::fmt;
use std::str::FromStr;

mod words;
pub use words::{LOCALISED, STATES_WITHOUT_LINUX_NAME, StateWord, two_word_state};

/// A TCP state, numbered as the kernel numbers it (`/proc/net/tcp`'s `st` column, sock_diag's
/// `idiag_state`), or `Unknown` for a socket whose input did not carry its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum TcpState {
    /// The input lists the socket but not its state (FreeBSD `netstat -T`, whose rows carry
    /// retransmit counters instead of a state). Number 0, which the kernel never uses: the
    /// unused slot 0 of per-state arrays counts these sockets. It is a real socket in *some*
    /// state, so it is counted (in the total, and in a row of its own) but never guessed: it is
    /// in none of the state orders below (`ALL`, `REPORTED`, `LIFE_CYCLE`, `MACHINE`), no
    /// state word parses to it, and a set of states holds it only when the set holds every
    /// state a listing shows (`StateSet::contains`).
    Unknown = 0,
    Established = 1,
    SynSent = 2,
    SynRecv = 3,
    FinWait1 = 4,
    FinWait2 = 5,
    TimeWait = 6,
    Close = 7,
    CloseWait = 8,
    LastAck = 9,
    Listen = 10,
    Closing = 11,
    /// A request socket (kernel 4.4+). sock_diag and /proc report these as SYN_RECV.
    NewSynRecv = 12,
    /// A socket bound to a port but neither listening nor connected (kernel 6.5+). Only
    /// sock_diag reports it, and only when its bit is asked for.
    BoundInactive = 13,
}

/// One more than the largest kernel state number: the size of per-state arrays.
pub const STATE_SLOTS: usize = 14;

/// `from` without the states in `drop`, in the same order. `M` must be the number left (a
/// mismatch fails at compile time when used in a constant).
const fn without<const N: usize, const K: usize, const M: usize>(
    from: [TcpState; N],
    drop: [TcpState; K],
) -> [TcpState; M] {
    let mut out = [TcpState::Close; M];
    let mut n = 0;
    let mut i = 0;
    while i < N {
        let mut keep = true;
        let mut j = 0;
        while j < K {
            if from[i] as u8 == drop[j] as u8 {
                keep = false;
            }
            j += 1;
        }
        if keep {
            out[n] = from[i];
            n += 1;
        }
        i += 1;
    }
    assert!(n == M, "the number of states left is not M");
    out
}

impl TcpState {
    /// What a summary counts in kernel order: every state a listing shows (`REPORTED`), then
    /// `Unknown`, whose row is shown only when some socket is in it.
    pub const COUNTED: [TcpState; 13] = {
        let mut out = [TcpState::Unknown; 13];
        let mut i = 0;
        while i < TcpState::REPORTED.len() {
            out[i] = TcpState::REPORTED[i];
            i += 1;
        }
        out
    };

    /// Every state in kernel order.
    pub const ALL: [TcpState; 13] = [
        TcpState::Established,
        TcpState::SynSent,
        TcpState::SynRecv,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::TimeWait,
        TcpState::Close,
        TcpState::CloseWait,
        TcpState::LastAck,
        TcpState::Listen,
        TcpState::Closing,
        TcpState::NewSynRecv,
        TcpState::BoundInactive,
    ];

    /// The states a socket listing can show (NEW_SYN_RECV is shown as SYN_RECV), in kernel
    /// order: `ALL` without NEW_SYN_RECV. These are the rows of a zero-filled summary.
    pub const REPORTED: [TcpState; 12] = without(TcpState::ALL, [TcpState::NewSynRecv]);

    /// Every state in the order a connection lives through them: CLOSED (where every socket
    /// starts), the opening (LISTEN, SYN_SENT, SYN_RECV and its request socket NEW_SYN_RECV),
    /// ESTABLISHED, the active close (FIN_WAIT1, FIN_WAIT2, CLOSING, TIME_WAIT), the passive
    /// close (CLOSE_WAIT, LAST_ACK), and BOUND_INACTIVE, which is outside the life. This is the
    /// project's one life-cycle order (trace's matrix and time-in-state table); the two orders
    /// below are views of it.
    pub const LIFE_CYCLE: [TcpState; 13] = [
        TcpState::Close,
        TcpState::Listen,
        TcpState::SynSent,
        TcpState::SynRecv,
        TcpState::NewSynRecv,
        TcpState::Established,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::Closing,
        TcpState::TimeWait,
        TcpState::CloseWait,
        TcpState::LastAck,
        TcpState::BoundInactive,
    ];

    /// The eleven states of the textbook state machine (RFC 9293) in life-cycle order:
    /// `LIFE_CYCLE` without the Linux-only NEW_SYN_RECV and BOUND_INACTIVE. The rows and nodes
    /// of `tcpstate fsm`.
    pub const MACHINE: [TcpState; 11] = without(
        TcpState::LIFE_CYCLE,
        [TcpState::NewSynRecv, TcpState::BoundInactive],
    );

    /// The states a listing can show, told as a life that ends: `LIFE_CYCLE` without
    /// NEW_SYN_RECV and with CLOSED moved from the start to the end of the life (after
    /// LAST_ACK, before BOUND_INACTIVE). The order `tcpstate explain` describes states in.
    pub const LIFE_CYCLE_ENDING_CLOSED: [TcpState; 12] = {
        let lived: [TcpState; 10] = without(
            TcpState::LIFE_CYCLE,
            [
                TcpState::NewSynRecv,
                TcpState::Close,
                TcpState::BoundInactive,
            ],
        );
        let mut out = [TcpState::Close; 12];
        let mut i = 0;
        while i < lived.len() {
            out[i] = lived[i];
            i += 1;
        }
        out[10] = TcpState::Close;
        out[11] = TcpState::BoundInactive;
        out
    };

    /// The state for a kernel number, if the number is one.
    pub fn from_kernel(n: u8) -> Option<TcpState> {
        TcpState::ALL.get(usize::from(n).wrapping_sub(1)).copied()
    }

    /// The state counted in slot `i` of a per-state array (`STATE_SLOTS` long): the kernel
    /// state of that number, or `Unknown` in slot 0.
    pub fn from_slot(i: usize) -> Option<TcpState> {
        match i {
            0 => Some(TcpState::Unknown),
            _ => u8::try_from(i).ok().and_then(TcpState::from_kernel),
        }
    }

    /// The kernel's number for this state (0 for `Unknown`, which the kernel never uses).
    pub fn kernel(self) -> u8 {
        self as u8
    }

    /// The state as listings show it: request sockets are SYN_RECV.
    pub fn reported(self) -> TcpState {
        match self {
            TcpState::NewSynRecv => TcpState::SynRecv,
            s => s,
        }
    }

    /// net-tools `netstat` spelling (`TIME_WAIT`); also what the awk one-liner prints.
    /// `UNKNOWN` (net-tools' and ss's own word for a state outside their tables) for a socket
    /// whose input did not carry its state.
    pub fn netstat_name(self) -> &'static str {
        match self {
            TcpState::Unknown => "UNKNOWN",
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv => "SYN_RECV",
            TcpState::FinWait1 => "FIN_WAIT1",
            TcpState::FinWait2 => "FIN_WAIT2",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
            TcpState::NewSynRecv => "NEW_SYN_RECV",
            TcpState::BoundInactive => "BOUND_INACTIVE",
        }
    }

    /// iproute2 `ss` spelling (`TIME-WAIT`, `ESTAB`, `UNCONN`).
    pub fn ss_name(self) -> &'static str {
        match self {
            TcpState::Unknown => "UNKNOWN",
            TcpState::Established => "ESTAB",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynRecv => "SYN-RECV",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::TimeWait => "TIME-WAIT",
            TcpState::Close => "UNCONN",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::LastAck => "LAST-ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
            TcpState::NewSynRecv => "SYN-RECV",
            TcpState::BoundInactive => "BOUND-INACTIVE",
        }
    }

    /// RFC 9293 spelling (`SYN-RECEIVED`, `CLOSED`).
    pub fn rfc_name(self) -> &'static str {
        match self {
            TcpState::Unknown => "UNKNOWN",
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynRecv | TcpState::NewSynRecv => "SYN-RECEIVED",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::TimeWait => "TIME-WAIT",
            TcpState::Close | TcpState::BoundInactive => "CLOSED",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::LastAck => "LAST-ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
        }
    }

    /// BSD / macOS `netstat` spelling (`SYN_RCVD`, `FIN_WAIT_1`).
    pub fn bsd_name(self) -> &'static str {
        match self {
            TcpState::Unknown => "UNKNOWN",
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv | TcpState::NewSynRecv => "SYN_RCVD",
            TcpState::FinWait1 => "FIN_WAIT_1",
            TcpState::FinWait2 => "FIN_WAIT_2",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close | TcpState::BoundInactive => "CLOSED",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
        }
    }

    /// Windows `netstat` spelling (`LISTENING`, `SYN_RECEIVED`).
    pub fn windows_name(self) -> &'static str {
        match self {
            TcpState::Unknown => "UNKNOWN",
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv | TcpState::NewSynRecv => "SYN_RECEIVED",
            TcpState::FinWait1 => "FIN_WAIT_1",
            TcpState::FinWait2 => "FIN_WAIT_2",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close | TcpState::BoundInactive => "CLOSED",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::Listen => "LISTENING",
            TcpState::Closing => "CLOSING",
        }
    }

    /// A lower-case identifier for JSON keys, metric labels and perfdata (`time_wait`).
    pub fn key(self) -> &'static str {
        match self {
            TcpState::Unknown => "unknown",
            TcpState::Established => "established",
            TcpState::SynSent => "syn_sent",
            TcpState::SynRecv => "syn_recv",
            TcpState::FinWait1 => "fin_wait1",
            TcpState::FinWait2 => "fin_wait2",
            TcpState::TimeWait => "time_wait",
            TcpState::Close => "close",
            TcpState::CloseWait => "close_wait",
            TcpState::LastAck => "last_ack",
            TcpState::Listen => "listen",
            TcpState::Closing => "closing",
            TcpState::NewSynRecv => "new_syn_recv",
            TcpState::BoundInactive => "bound_inactive",
        }
    }

    /// Parse one state word in any known spelling, case-insensitively: the English spellings of
    /// every printer (netstat, ss, RFC, BSD, Windows, PowerShell's CamelCase `TimeWait`), then
    /// the translated words of [`LOCALISED`]. Group names are not states: see
    /// [`StateSet::parse`].
    pub fn parse_word(word: &str) -> Option<TcpState> {
        let mut buf = [0u8; 32];
        let folded = fold(word, &mut buf)?;
        Some(match folded {
            "ESTABLISHED" | "ESTAB" => TcpState::Established,
            "SYNSENT" => TcpState::SynSent,
            "SYNRECV" | "SYNRCVD" | "SYNRECEIVED" => TcpState::SynRecv,
            "FINWAIT1" => TcpState::FinWait1,
            "FINWAIT2" => TcpState::FinWait2,
            "TIMEWAIT" => TcpState::TimeWait,
            // Windows DELETE_TCB (PowerShell `DeleteTCB`): a control block being freed, a
            // closed socket.
            "CLOSE" | "CLOSED" | "UNCONN" | "DELETETCB" => TcpState::Close,
            "CLOSEWAIT" => TcpState::CloseWait,
            "LASTACK" => TcpState::LastAck,
            "LISTEN" | "LISTENING" => TcpState::Listen,
            "CLOSING" => TcpState::Closing,
            "NEWSYNRECV" => TcpState::NewSynRecv,
            "BOUNDINACTIVE" => TcpState::BoundInactive,
            _ => {
                return STATES_WITHOUT_LINUX_NAME
                    .iter()
                    .chain(LOCALISED)
                    .find(|w| fold(w.word, &mut [0u8; 32]) == Some(folded))
                    .map(|w| w.state);
            }
        })
    }
}

/// `word` upper-cased with `_`, `-` and spaces dropped, so that FIN_WAIT1, FIN-WAIT-1,
/// fin_wait_1, FinWait1 and Fin Wait 1 are one word; `None` when it does not fit `buf`.
fn fold<'b>(word: &str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    let mut n = 0;
    for c in word.chars().flat_map(char::to_uppercase) {
        if c == '_' || c == '-' || c == ' ' {
            continue;
        }
        let mut tmp = [0u8; 4];
        for &b in c.encode_utf8(&mut tmp).as_bytes() {
            *buf.get_mut(n)? = b;
            n += 1;
        }
    }
    std::str::from_utf8(&buf[..n]).ok()
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.netstat_name())
    }
}

/// A word that is not a state where one was expected. Its message lists only the words valid
/// in that place: the groups too where a set of states is taken (`--state`, `explain`), not
/// where one state is (`--warn`, `fsm --check`, `--assume-state`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState {
    pub word: String,
    /// Whether groups were valid there.
    pub groups: bool,
}

impl UnknownState {
    /// Where one state is taken.
    pub fn state(word: &str) -> UnknownState {
        UnknownState {
            word: word.to_string(),
            groups: false,
        }
    }

    /// Where states and groups are taken.
    pub fn in_set(word: &str) -> UnknownState {
        UnknownState {
            word: word.to_string(),
            groups: true,
        }
    }
}

impl fmt::Display for UnknownState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown TCP state '{}'; valid states: established, syn-sent, syn-recv, fin-wait-1, \
             fin-wait-2, time-wait, close, close-wait, last-ack, listen, closing, bound-inactive \
             (netstat, ss, RFC, BSD and Windows spellings all work)",
            self.word
        )?;
        if self.groups {
            f.write_str("; groups: all, connected, synchronized, bucket, big, closing-all")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownState {}

impl FromStr for TcpState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TcpState::parse_word(s).ok_or_else(|| UnknownState::state(s))
    }
}

/// A set of states as a bitmask indexed by kernel number: the same layout as sock_diag's
/// `idiag_states`, so the set can be handed to the kernel as it is (`bits`). Bit 0, which no
/// kernel state uses, stands for `TcpState::Unknown` and is set exactly when the set holds
/// every state a listing shows: a socket of unknown state may be in any state, so only such a
/// set (no state filter, `state all`) holds it, and `contains` tests it like any other bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StateSet(u32);

/// The bits of every state a listing shows (1..=11).
const LISTED_BITS: u32 = 0xffe;

impl StateSet {
    /// No state.
    pub const EMPTY: StateSet = StateSet(0);

    /// Every state a listing shows (bits 1..=11): what `ss -a` and `netstat -a` show. The
    /// kernel adds request sockets itself whenever SYN_RECV is asked for.
    pub const ALL: StateSet = StateSet::new(LISTED_BITS);

    /// The set of the kernel states in `bits`, bit 0 (unknown state) set when every listed
    /// state is.
    const fn new(bits: u32) -> StateSet {
        let bits = bits & 0x3ffe;
        StateSet(if bits & LISTED_BITS == LISTED_BITS {
            bits | 1
        } else {
            bits
        })
    }

    /// The kernel's state mask (`idiag_states`).
    pub fn bits(self) -> u32 {
        self.0 & !1
    }

    pub fn from_bits(bits: u32) -> StateSet {
        StateSet::new(bits)
    }

    pub fn of(states: &[TcpState]) -> StateSet {
        states.iter().fold(StateSet::EMPTY, |s, &t| s.with(t))
    }

    pub fn with(self, s: TcpState) -> StateSet {
        StateSet::new(self.0 | 1 << s.kernel())
    }

    pub fn without(self, s: TcpState) -> StateSet {
        StateSet::new(self.0 & !(1 << s.kernel()))
    }

    pub fn union(self, o: StateSet) -> StateSet {
        StateSet::new(self.0 | o.0)
    }

    /// Whether a socket in state `s` belongs to the set; a request socket belongs wherever
    /// SYN_RECV does. A socket of unknown state belongs only to a set that holds every state a
    /// listing shows (no state filter, `state all`): a filter that names states
    /// (`--state established`, `exclude listen`) never matches it.
    #[inline]
    pub fn contains(self, s: TcpState) -> bool {
        self.0 & (1 << s.reported().kernel()) != 0 || self.0 & (1 << s.kernel()) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = TcpState> {
        TcpState::ALL
            .into_iter()
            .filter(move |s| self.0 & (1 << s.kernel()) != 0)
    }

    /// ss's `connected`: every state but LISTEN and CLOSE (TIME_WAIT and SYN_RECV included,
    /// as `ss state connected` counts them).
    pub fn connected() -> StateSet {
        StateSet::ALL
            .without(TcpState::Listen)
            .without(TcpState::Close)
    }

    /// ss's `synchronized`: the connected states but SYN_SENT.
    pub fn synchronized() -> StateSet {
        StateSet::connected().without(TcpState::SynSent)
    }

    /// ss's `bucket`: the states kept as mini-sockets (SYN_RECV, TIME_WAIT).
    pub fn bucket() -> StateSet {
        StateSet::of(&[TcpState::SynRecv, TcpState::TimeWait])
    }

    /// ss's `big`: every state but the bucket ones.
    pub fn big() -> StateSet {
        StateSet::new(StateSet::ALL.0 & !StateSet::bucket().0)
    }

    /// Our `closing` group: the states of a connection being torn down.
    pub fn closing_group() -> StateSet {
        StateSet::of(&[
            TcpState::FinWait1,
            TcpState::FinWait2,
            TcpState::Closing,
            TcpState::LastAck,
            TcpState::TimeWait,
            TcpState::CloseWait,
        ])
    }

    /// A group name, if `word` is one. `closing` alone is the CLOSING state; the group is
    /// `closing-all` (also spelt `closing_all`, `teardown`).
    pub fn group(word: &str) -> Option<StateSet> {
        let w = word.trim().to_ascii_lowercase().replace('_', "-");
        Some(match w.as_str() {
            "all" => StateSet::ALL,
            "connected" => StateSet::connected(),
            "synchronized" => StateSet::synchronized(),
            "bucket" => StateSet::bucket(),
            "big" => StateSet::big(),
            "closing-all" | "teardown" => StateSet::closing_group(),
            _ => return None,
        })
    }

    /// Parse `S[,S…]` where each S is a state in any spelling or a group name.
    pub fn parse(list: &str) -> Result<StateSet, UnknownState> {
        let mut set = StateSet::EMPTY;
        for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            if let Some(g) = StateSet::group(word) {
                set = set.union(g);
            } else {
                let state = TcpState::parse_word(word).ok_or_else(|| UnknownState::in_set(word))?;
                set = set.with(state.reported());
            }
        }
        if set.is_empty() {
            return Err(UnknownState::in_set(list));
        }
        Ok(set)
    }
}

impl FromStr for StateSet {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StateSet::parse(s)
    }
}

#[cfg(test)]
mod tests;

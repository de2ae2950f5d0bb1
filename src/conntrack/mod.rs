//! The netfilter connection-tracking table's TCP domain, without I/O: conntrack's own TCP
//! states (they are not `TcpState`: conntrack watches both directions of a flow from the
//! middle, so it has FIN_WAIT, SYN_SENT2 and NONE and no LISTEN), a flow's two tuples, one
//! table entry with what conntrack knows of it (NAT, mark, zone, timeout left, ASSURED /
//! UNREPLIED), counts per state, and the table's size, limit and statistics.

use std::fmt;
use std::net::IpAddr;

use crate::tcp::state::TcpState;

/// A TCP conntrack state, in the kernel's order (`enum tcp_conntrack`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CtState {
    None,
    SynSent,
    SynRecv,
    Established,
    FinWait,
    CloseWait,
    LastAck,
    TimeWait,
    Close,
    SynSent2,
}

impl CtState {
    /// Every state, in the order output lists them.
    pub const ALL: [CtState; 10] = [
        CtState::Established,
        CtState::SynSent,
        CtState::SynRecv,
        CtState::FinWait,
        CtState::CloseWait,
        CtState::LastAck,
        CtState::TimeWait,
        CtState::Close,
        CtState::SynSent2,
        CtState::None,
    ];

    /// The state the kernel's number stands for (`CTA_PROTOINFO_TCP_STATE`).
    pub fn from_kernel(n: u8) -> Option<CtState> {
        Some(match n {
            0 => CtState::None,
            1 => CtState::SynSent,
            2 => CtState::SynRecv,
            3 => CtState::Established,
            4 => CtState::FinWait,
            5 => CtState::CloseWait,
            6 => CtState::LastAck,
            7 => CtState::TimeWait,
            8 => CtState::Close,
            9 => CtState::SynSent2,
            _ => return None,
        })
    }

    /// The name as the kernel prints it in /proc/net/nf_conntrack and `conntrack -L`.
    pub fn name(self) -> &'static str {
        match self {
            CtState::None => "NONE",
            CtState::SynSent => "SYN_SENT",
            CtState::SynRecv => "SYN_RECV",
            CtState::Established => "ESTABLISHED",
            CtState::FinWait => "FIN_WAIT",
            CtState::CloseWait => "CLOSE_WAIT",
            CtState::LastAck => "LAST_ACK",
            CtState::TimeWait => "TIME_WAIT",
            CtState::Close => "CLOSE",
            CtState::SynSent2 => "SYN_SENT2",
        }
    }

    /// The state a name stands for, as the kernel prints it (case-insensitive).
    pub fn parse(word: &str) -> Option<CtState> {
        CtState::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(word))
    }

    /// The conntrack state a socket state is seen as (`--state` on conntrack): FIN_WAIT for
    /// both FIN_WAIT states; `None` for states conntrack has no counterpart of (LISTEN,
    /// CLOSING, BOUND_INACTIVE, NEW_SYN_RECV).
    pub fn of_tcp(s: TcpState) -> Option<CtState> {
        Some(match s {
            TcpState::Established => CtState::Established,
            TcpState::SynSent => CtState::SynSent,
            TcpState::SynRecv => CtState::SynRecv,
            TcpState::FinWait1 | TcpState::FinWait2 => CtState::FinWait,
            TcpState::TimeWait => CtState::TimeWait,
            TcpState::Close => CtState::Close,
            TcpState::CloseWait => CtState::CloseWait,
            TcpState::LastAck => CtState::LastAck,
            _ => return None,
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for CtState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of conntrack states (the `--state` filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CtStateSet(u16);

impl CtStateSet {
    pub const ALL: CtStateSet = CtStateSet(0x3ff);
    pub const EMPTY: CtStateSet = CtStateSet(0);

    pub fn with(self, s: CtState) -> CtStateSet {
        CtStateSet(self.0 | 1 << s.index())
    }

    pub fn contains(self, s: CtState) -> bool {
        self.0 & (1 << s.index()) != 0
    }
}

/// One direction of a flow: source and destination address and port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CtTuple {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
}

/// How the reply direction differs from the original: the translations NAT made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Nat {
    /// The original source was rewritten (the reply goes to another address or port).
    pub snat: bool,
    /// The original destination was rewritten (the reply comes from another address or port).
    pub dnat: bool,
}

impl Nat {
    /// `-`, `snat`, `dnat` or `snat+dnat`.
    pub fn word(self) -> &'static str {
        match (self.snat, self.dnat) {
            (false, false) => "-",
            (true, false) => "snat",
            (false, true) => "dnat",
            (true, true) => "snat+dnat",
        }
    }
}

/// One TCP entry of the conntrack table. A field the input does not carry is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtEntry {
    pub state: CtState,
    /// The direction of the first packet (the initiator's).
    pub orig: CtTuple,
    /// The direction replies are expected in (after NAT).
    pub reply: CtTuple,
    /// Seconds until the entry expires.
    pub timeout: Option<u32>,
    /// The connection mark (`None` when the kernel has no mark support or the input omits it).
    pub mark: Option<u32>,
    /// The conntrack zone; 0 (the default zone) when the input does not name one, as the
    /// kernel names only other zones.
    pub zone: u16,
    /// Traffic seen both ways and the entry kept from early drop.
    pub assured: bool,
    /// No reply seen yet.
    pub unreplied: bool,
}

impl CtEntry {
    /// Whether and how NAT rewrote the flow: the reply tuple is the original one reversed
    /// unless an address or a port was translated.
    pub fn nat(&self) -> Nat {
        Nat {
            snat: self.reply.dst != self.orig.src || self.reply.dport != self.orig.sport,
            dnat: self.reply.src != self.orig.dst || self.reply.sport != self.orig.dport,
        }
    }

    /// Whether the flow is IPv4.
    pub fn is_v4(&self) -> bool {
        self.orig.src.is_ipv4()
    }
}

/// Entries per state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CtCounts([u64; 10]);

impl CtCounts {
    pub fn add(&mut self, s: CtState) {
        self.0[s.index()] += 1;
    }

    /// Add another table's counts to these.
    pub fn merge(&mut self, other: &CtCounts) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    pub fn get(&self, s: CtState) -> u64 {
        self.0[s.index()]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Every state with its count, zeros included, in `CtState::ALL` order.
    pub fn all(&self) -> impl Iterator<Item = (CtState, u64)> + '_ {
        CtState::ALL.into_iter().map(|s| (s, self.get(s)))
    }
}

/// The size of the whole table (every protocol) and its limit, where known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CtTable {
    /// Entries of every protocol (`nf_conntrack_count`).
    pub entries: Option<u64>,
    /// The limit (`nf_conntrack_max`).
    pub max: Option<u64>,
}

impl CtTable {
    /// The fill, 0.0 to 1.0, when both are known and the limit is not zero.
    pub fn fill(&self) -> Option<f64> {
        match (self.entries, self.max) {
            (Some(e), Some(m)) if m > 0 => Some(e as f64 / m as f64),
            _ => None,
        }
    }
}

/// The table's statistics, summed over every CPU (`conntrack -S`), since boot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CtStats {
    pub found: u64,
    pub invalid: u64,
    pub insert: u64,
    /// Entries that could not be inserted (a race lost, or the table full).
    pub insert_failed: u64,
    /// Packets dropped because no entry could be made (the table full).
    pub drop: u64,
    /// Entries evicted early to make room for new ones.
    pub early_drop: u64,
    pub error: u64,
    /// Lookups restarted because the hash table changed under them.
    pub search_restart: u64,
}

impl CtStats {
    /// Each statistic with its name, as exported.
    pub fn named(&self) -> [(&'static str, u64); 8] {
        [
            ("found", self.found),
            ("invalid", self.invalid),
            ("insert", self.insert),
            ("insert_failed", self.insert_failed),
            ("drop", self.drop),
            ("early_drop", self.early_drop),
            ("error", self.error),
            ("search_restart", self.search_restart),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tuple(src: &str, sport: u16, dst: &str, dport: u16) -> CtTuple {
        CtTuple {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            sport,
            dport,
        }
    }

    #[test]
    fn names_round_trip_and_kernel_numbers_follow_the_enum() {
        for s in CtState::ALL {
            assert_eq!(CtState::parse(s.name()), Some(s));
            assert_eq!(CtState::from_kernel(s as u8), Some(s));
        }
        assert_eq!(CtState::from_kernel(3), Some(CtState::Established));
        assert_eq!(CtState::from_kernel(9), Some(CtState::SynSent2));
        assert_eq!(CtState::from_kernel(10), None);
        assert_eq!(CtState::parse("LISTEN"), None);
    }

    #[test]
    fn nat_is_read_from_the_reply_tuple() {
        let mut e = CtEntry {
            state: CtState::Established,
            orig: tuple("10.0.0.5", 40000, "93.184.216.34", 443),
            reply: tuple("93.184.216.34", 443, "10.0.0.5", 40000),
            timeout: Some(100),
            mark: None,
            zone: 0,
            assured: true,
            unreplied: false,
        };
        assert_eq!(e.nat().word(), "-");
        e.reply = tuple("93.184.216.34", 443, "203.0.113.7", 61000);
        assert_eq!(e.nat().word(), "snat");
        e.reply = tuple("172.17.0.2", 80, "10.0.0.5", 40000);
        assert_eq!(e.nat().word(), "dnat");
    }

    #[test]
    fn fill_needs_both_numbers() {
        let t = CtTable {
            entries: Some(80),
            max: Some(100),
        };
        assert_eq!(t.fill(), Some(0.8));
        assert_eq!(CtTable::default().fill(), None);
    }
}

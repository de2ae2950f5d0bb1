//! What the health check saw, as data: finding summaries, evidence lines, notes on what was
//! skipped, and offender lines ([`CheckMsg`]), each a variant with the numbers it reports. The
//! words, in English and Chinese, are in `crate::i18n::check`.

use super::sink::Tuple;
use super::thresholds::Limit;
use crate::tcp::state::TcpState;

/// What a rule compares with its limit, for the threshold line of its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Local ports used towards one tuple, of the port range.
    TupleOfRange,
    /// SYN_RECV sockets of a listening port, of its backlog.
    SynRecvOfBacklog,
    /// A listener's accept queue, of its backlog.
    QueueOfBacklog,
    /// A peer's 99th percentile rtt, in ms.
    PeerRttP99Ms,
    /// A peer's retransmitted bytes, of the bytes sent to it.
    PeerRetransShare,
    /// The increase of one listener's drops between the samples.
    ListenerDropsIncrease,
    /// Sockets held back by their send buffer most of their busy time.
    SndbufSockets,
    /// Segments retransmitted to one peer per second (traced).
    PeerRetransPerSec,
    /// Packets the kernel dropped for one reason per second (traced).
    DropsPerSec,
    /// Resets sent per second (traced).
    ResetsSentPerSec,
}

/// A finding's summary, evidence, notes and offender lines.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckMsg {
    // ---- summaries ----
    AllOk {
        sockets: u64,
    },
    Skipped {
        why: Box<CheckMsg>,
    },
    /// `listeners` listening sockets whose accept queue or backlog the input does not carry
    /// (/proc/net/tcp, netstat, BSD and Windows listings).
    BacklogUnknown {
        listeners: u64,
    },
    EphemeralNone {
        size: u64,
    },
    EphemeralBusiest {
        used: u64,
        size: u64,
        tuple: Tuple,
    },
    TimeWaitSummary {
        count: u64,
        max: Option<u64>,
    },
    /// The conntrack table: its TCP entries, its size (every protocol) and limit.
    ConntrackSummary {
        tcp: u64,
        entries: Option<u64>,
        max: Option<u64>,
    },
    /// The namespace has no conntrack table (nf_conntrack not loaded).
    ConntrackNone,
    /// The table could not be read.
    ConntrackUnreadable {
        why: String,
    },
    /// The table's size of its limit.
    ConntrackFill {
        entries: u64,
        max: u64,
        limit: Limit,
    },
    /// TIME_WAIT and CLOSE entries among the TCP entries: what shorter
    /// nf_conntrack_tcp_timeout_* would free.
    ConntrackClosing {
        time_wait: u64,
        close: u64,
        tcp: u64,
    },
    /// A conntrack statistic's increase over the interval.
    ConntrackIncrease {
        stat: &'static str,
        by: u64,
        secs: f64,
        limit: Limit,
    },
    /// The statistics' increase needs two samples.
    ConntrackNeedsInterval,
    /// Stale entries and lost flows, against their limits.
    ConntrackReconciled {
        stale: u64,
        lost: u64,
        stale_limit: Limit,
        lost_limit: Limit,
    },
    CloseWaitSummary {
        count: u64,
        ports: u64,
        persistent: Option<u64>,
        secs: f64,
    },
    SynBacklogSummary {
        count: u64,
        worst: Option<(u16, u64, u64)>,
    },
    AcceptQueueSummary {
        listeners: u64,
        worst: Option<(u16, u64, u64)>,
    },
    ClosingSummary {
        fin_wait1: u64,
        closing: u64,
        last_ack: u64,
    },
    FinWait2Summary {
        count: u64,
        /// `None` when the input does not say which sockets a process holds (no inodes).
        held: Option<u64>,
    },
    OrphansSummary {
        count: u64,
        max: u64,
    },
    MemorySummary {
        pages: u64,
        pressure: u64,
        max: u64,
    },
    StuckSummary {
        count: u64,
        bytes: u64,
    },
    SlowPeersSummary {
        /// Peers with a connection whose tcp_info was read.
        peers: u64,
        /// Of those, the ones past a threshold.
        slow: u64,
    },
    ListenerDropsSummary {
        /// Listeners whose drops are known in both samples.
        listeners: u64,
        /// Of those, the ones whose drops rose.
        rising: u64,
        /// The port whose listener's drops rose most, and by how much.
        worst: Option<(u16, u64)>,
        secs: f64,
    },
    SndbufSummary {
        count: u64,
        /// Sockets busy long enough to judge.
        judged: u64,
    },
    /// Segments retransmitted during the interval (traced).
    RetransmitsSummary {
        total: u64,
        /// Peers retransmitted to, and of those the ones past a threshold.
        peers: u64,
        over: u64,
        secs: f64,
    },
    /// Packets the kernel dropped during the interval (traced).
    DropsSummary {
        total: u64,
        /// The reason with the most drops, and how many.
        worst: Option<(String, u64)>,
        secs: f64,
    },
    /// Resets sent and received during the interval (traced).
    ResetsSummary {
        sent: u64,
        received: u64,
        secs: f64,
    },
    /// Events were lost: the counts are lower bounds and an OK cannot be given.
    EventsIncomplete {
        lost: u64,
    },
    StateCountsSummary {
        worst: Option<(TcpState, u64)>,
        states: u64,
    },
    // ---- evidence ----
    StateCount {
        state: TcpState,
        count: u64,
        total: u64,
        limit: Limit,
    },
    PortRange {
        lo: u16,
        hi: u16,
        size: u64,
    },
    TwReuse {
        value: i64,
    },
    ClientTuples {
        tuples: u64,
        sockets: u64,
    },
    Thresholds {
        measure: Measure,
        limit: Limit,
    },
    TwBuckets {
        count: u64,
        max: u64,
        limit: Limit,
    },
    Increase {
        counter: &'static str,
        /// Counted beyond the increase of this other counter (ListenDrops beyond
        /// ListenOverflows: drops the accept queue does not explain).
        beyond: Option<(&'static str, u64)>,
        by: u64,
        secs: f64,
        limit: Limit,
    },
    Persistent {
        count: u64,
        of: u64,
        secs: f64,
        limit: Limit,
    },
    Listeners {
        count: u64,
    },
    Sysctl {
        name: &'static str,
        value: i64,
    },
    Syncookies {
        value: i64,
    },
    FinRetransmits {
        max: u32,
    },
    FinWait2Held {
        held: Option<u64>,
    },
    Orphans {
        count: u64,
        max: u64,
        limit: Limit,
    },
    TcpMem {
        pages: u64,
        min: u64,
        pressure: u64,
        max: u64,
        limit: Limit,
        pressure_warn: bool,
    },
    StuckSockets {
        count: u64,
        bytes: u64,
        limit: Limit,
    },
    /// Peers judged by their rtt and retransmissions, and the bytes from which a share counts.
    PeersJudged {
        peers: u64,
        sockets: u64,
        min_bytes: u64,
    },
    // ---- notes ----
    NoHostFacts,
    /// Sockets whose input carried no state (FreeBSD `netstat -T`): a rule judging states
    /// cannot count them, so its OK says nothing of them.
    UnknownStates {
        count: u64,
    },
    /// The input carries no tcp_info (a capture, /proc): rtt, retransmissions and send-buffer
    /// limits cannot be judged.
    NoTcpInfo,
    /// The input carries no listener's memory (a capture, /proc): its drops are unknown.
    NoListenerDrops,
    /// Listener drops are judged by their rise between two samples (`--interval`).
    NeedsIntervalListenerDrops,
    /// The rule counts traced events: `--interval D --events KIND`.
    NeedsEvents {
        kind: &'static str,
    },
    /// Tracing could not start: the tracer's sentence.
    EventsUnavailable {
        why: String,
    },
    /// Events the kernel lost or never delivered during the interval.
    EventsLost {
        lost: u64,
    },
    /// Drop reasons the configuration leaves out.
    DropsIgnored {
        reasons: Vec<String>,
    },
    SysctlMissing {
        name: &'static str,
    },
    CountersMissing,
    NeedsInterval {
        counters: Vec<&'static str>,
    },
    NeedsIntervalPersistence,
    // ---- offender lines ----
    TupleUse {
        used: u64,
        size: u64,
        time_wait: u64,
        established: u64,
        syn_sent: u64,
    },
    CloseWaitPort {
        count: u64,
        persistent: Option<u64>,
    },
    SynRecvPort {
        count: u64,
        backlog: u64,
    },
    QueueFill {
        queued: u64,
        backlog: u64,
    },
    PeerClosing {
        fin_wait1: u64,
        closing: u64,
        last_ack: u64,
    },
    PeerFinWait2 {
        count: u64,
    },
    PeerTimeWait {
        count: u64,
    },
    PeerStuck {
        sockets: u64,
        max_send_q: u64,
        max_recv_q: u64,
    },
    PeerSlow {
        sockets: u64,
        rtt_p99_us: Option<u64>,
        /// Retransmitted share of the bytes sent, in percent (when judged).
        retrans_pct: Option<f64>,
    },
    ListenerDropsRose {
        by: u64,
        secs: f64,
    },
    PeerSndbuf {
        sockets: u64,
    },
    /// Traced events of one offender over the interval.
    EventRate {
        count: u64,
        secs: f64,
    },
}

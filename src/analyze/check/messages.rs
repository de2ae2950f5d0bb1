//! What the health check saw, in English and Chinese: finding summaries, evidence lines,
//! notes on what was skipped, and offender lines ([`Msg`]). One exhaustive `match` per
//! language, so a message without a translation does not compile. What to do about it is in
//! [`super::advice`].

mod en;
mod zh;

use std::net::IpAddr;

use super::sink::Tuple;
use super::thresholds::{Level, Limit};
use crate::i18n::Lang;
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
}

/// A finding's summary, evidence, notes and offender lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    // ---- summaries ----
    AllOk {
        sockets: u64,
    },
    Skipped {
        why: Box<Msg>,
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
        held: u64,
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
        held: u64,
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
    // ---- notes ----
    NoHostFacts,
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
}
fn pct(n: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 * 100.0 / of as f64
    }
}

/// `1 socket`, `2 sockets`.
fn count_of(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn host_port(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
        IpAddr::V4(v4) => format!("{v4}:{port}"),
    }
}

fn tuple_text(t: &Tuple) -> String {
    format!("{} -> {}", t.local, host_port(t.remote, t.remote_port))
}

fn level_en(l: Level) -> String {
    match l {
        Level::Count(n) => format!("above {n}"),
        Level::Percent(p) => format!("at {p}%"),
    }
}

fn level_zh(l: Level) -> String {
    match l {
        Level::Count(n) => format!("超过 {n}"),
        Level::Percent(p) => format!("达到 {p}%"),
    }
}

fn limit_en(l: &Limit) -> String {
    let mut parts = Vec::new();
    if let Some(w) = l.warn {
        parts.push(format!("warning {}", level_en(w)));
    }
    if let Some(c) = l.crit {
        parts.push(format!("critical {}", level_en(c)));
    }
    if parts.is_empty() {
        "no threshold".to_string()
    } else {
        parts.join(", ")
    }
}

fn limit_zh(l: &Limit) -> String {
    let mut parts = Vec::new();
    if let Some(w) = l.warn {
        parts.push(format!("告警：{}", level_zh(w)));
    }
    if let Some(c) = l.crit {
        parts.push(format!("严重：{}", level_zh(c)));
    }
    if parts.is_empty() {
        "未设阈值".to_string()
    } else {
        parts.join("；")
    }
}

impl Msg {
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en(),
            Lang::Zh => self.zh(),
        }
    }
}

//! The health check: rules over one or two samples of the sockets (aggregated in one streaming
//! pass by [`sink::CheckSink`]), the kernel's TCP counters and the sysctls that set TCP's
//! limits ([`facts::HostFacts`], absent for a saved capture). Each rule gives a [`Finding`]:
//! a severity, the evidence and the top offenders ([`messages`]: data, worded by
//! `crate::i18n::check`) and the settings its advice refers to; the advice itself is keyed by
//! the [`Rule`]. The worst finding is the check's status, and its monitoring-plugin exit code.

/// The host facts the rules read live in `kernel/` (reading them is I/O); named here too.
pub use crate::kernel::facts;
mod config_file;
pub mod messages;
pub mod rules;
pub mod sink;
pub mod thresholds;
pub mod traced;

use std::time::Duration;

use crate::analyze::count::Counts;
use crate::analyze::listener::ListenQueue;
use crate::tcp::state::TcpState;
use crate::trace::EventKind;

use facts::HostFacts;
use messages::CheckMsg;
use sink::{CheckSink, Host, Tuple};
use thresholds::Thresholds;

/// How bad a finding is. Ordered by precedence: the worst finding is the check's status, and
/// a rule that could not be judged (UNKNOWN) ranks above OK but below a real problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Ok,
    Unknown,
    Warning,
    Critical,
}

impl Severity {
    /// The monitoring-plugin exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    pub fn exit_code(self) -> u8 {
        match self {
            Severity::Ok => 0,
            Severity::Warning => 1,
            Severity::Critical => 2,
            Severity::Unknown => 3,
        }
    }

    /// The status word of the plugin guidelines.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Ok => "OK",
            Severity::Warning => "WARNING",
            Severity::Critical => "CRITICAL",
            Severity::Unknown => "UNKNOWN",
        }
    }
}

/// The rules, in the order findings are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    AcceptQueue,
    SynBacklog,
    ListenerDrops,
    CloseWait,
    EphemeralPorts,
    TimeWait,
    ClosingPeers,
    FinWait2,
    StuckQueues,
    SlowPeers,
    SndbufLimited,
    PeerRetransmits,
    KernelDrops,
    ResetsSent,
    Orphans,
    Memory,
    Conntrack,
    StateCounts,
}

impl Rule {
    /// Whether the rule judges sockets by their state (so cannot judge one of unknown state).
    pub fn judges_states(self) -> bool {
        matches!(
            self,
            Rule::AcceptQueue
                | Rule::SynBacklog
                | Rule::ListenerDrops
                | Rule::CloseWait
                | Rule::TimeWait
                | Rule::ClosingPeers
                | Rule::FinWait2
                | Rule::StuckQueues
                | Rule::StateCounts
        )
    }

    /// A stable identifier for JSON and scripts.
    pub fn id(self) -> &'static str {
        match self {
            Rule::AcceptQueue => "accept_queue",
            Rule::SynBacklog => "syn_backlog",
            Rule::ListenerDrops => "listener_drops",
            Rule::CloseWait => "close_wait",
            Rule::EphemeralPorts => "ephemeral_ports",
            Rule::TimeWait => "time_wait",
            Rule::ClosingPeers => "closing_peers",
            Rule::FinWait2 => "fin_wait2",
            Rule::StuckQueues => "stuck_queues",
            Rule::SlowPeers => "slow_peers",
            Rule::SndbufLimited => "sndbuf_limited",
            Rule::PeerRetransmits => "peer_retransmits",
            Rule::KernelDrops => "kernel_drops",
            Rule::ResetsSent => "resets_sent",
            Rule::Orphans => "orphans",
            Rule::Memory => "memory",
            Rule::Conntrack => "conntrack",
            Rule::StateCounts => "state_counts",
        }
    }
}

/// The sysctls a rule's advice depends on (the advice itself is keyed by [`Rule`]); `None`
/// when not known or not relevant to the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AdviceSettings {
    /// net.ipv4.tcp_tw_reuse, for the ephemeral-port advice.
    pub tw_reuse: Option<i64>,
    /// net.ipv4.tcp_syncookies, for the SYN backlog advice.
    pub syncookies: Option<i64>,
}

/// What an offender is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffenderKey {
    /// Client sockets towards one destination from one local address.
    Tuple(Tuple),
    /// A local port (and its owning process, once attribution is known).
    Port { port: u16, owner: Option<Box<str>> },
    /// A listening socket.
    Listener { host: Host, port: u16 },
    /// A remote host.
    Peer(Host),
    /// A reason the kernel gave (a drop's or a reset's).
    Reason(Box<str>),
}

/// One of the top offenders of a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Offender {
    pub key: OffenderKey,
    /// The number that ranks it (sockets, ports in use, queued connections).
    pub count: u64,
    /// What `count` is compared with, when there is such a limit (port range, backlog).
    pub limit: Option<u64>,
    pub text: CheckMsg,
}

/// At most this many offenders per finding.
pub const TOP: usize = 5;

/// The result of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// One line saying what was seen.
    pub summary: CheckMsg,
    pub evidence: Vec<CheckMsg>,
    pub offenders: Vec<Offender>,
    /// The settings the rule's advice refers to; the advice (keyed by `rule`) is shown when
    /// the severity is not OK.
    pub advice: AdviceSettings,
    /// What the rule could not judge, and why (one sample only, no host facts, …).
    pub notes: Vec<CheckMsg>,
    /// The numbers behind the finding, for JSON.
    pub metrics: Vec<(&'static str, u64)>,
    /// What raised the severity when it was not the rule's main measure (a state's share,
    /// a counter's increase): it becomes the summary, so the headline names the cause.
    pub(crate) cause: Option<CheckMsg>,
}

/// One performance-data value (monitoring-plugin perfdata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Perf {
    pub label: &'static str,
    pub value: u64,
    /// Unit of measure: empty for a count, `c` for a continuous counter.
    pub uom: &'static str,
    /// The thresholds as "alert above" numbers.
    pub warn: Option<u64>,
    pub crit: Option<u64>,
    pub min: Option<u64>,
    pub max: Option<u64>,
}

/// What the rules look at.
pub struct Observation<'a> {
    /// The aggregates of the (latest) sample.
    pub sockets: &'a CheckSink,
    /// Counters and sysctls at that sample; `None` for a saved capture.
    pub facts: Option<&'a HostFacts>,
    /// Counters and sysctls at the first of two samples.
    pub previous: Option<&'a HostFacts>,
    /// The listeners of the first of two samples (their drops then).
    pub previous_listeners: Option<&'a [ListenQueue]>,
    /// Time between the two samples; `None` with one sample.
    pub interval: Option<Duration>,
    /// What was traced during the interval (`--events`); `None` when nothing was asked.
    pub traced: Option<&'a traced::Traced>,
}

/// The whole check.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub severity: Severity,
    pub findings: Vec<Finding>,
    pub counts: Counts,
    pub interval: Option<Duration>,
    /// Whether host facts (counters, sysctls) were available.
    pub live: bool,
    pub perf: Vec<Perf>,
}

impl CheckReport {
    pub fn total(&self) -> u64 {
        self.counts.total()
    }

    /// The findings that are not OK, worst first.
    pub fn problems(&self) -> Vec<&Finding> {
        let mut p: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Ok)
            .collect();
        p.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(&b.rule)));
        p
    }
}

/// Run every rule.
pub fn evaluate(t: &Thresholds, obs: &Observation) -> CheckReport {
    let findings = rules::all(t, obs);
    let severity = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Ok);
    CheckReport {
        severity,
        perf: perfdata(t, obs),
        findings,
        counts: obs.sockets.counts.clone(),
        interval: obs.interval,
        live: obs.facts.is_some(),
    }
}

/// Perfdata: every state with its thresholds, sockets of unknown state when there are any,
/// the total, and (live) the tightest ephemeral
/// tuple, orphans, TCP memory and the raw kernel counters.
fn perfdata(t: &Thresholds, obs: &Observation) -> Vec<Perf> {
    let counts = &obs.sockets.counts;
    let total = counts.total();
    let mut out: Vec<Perf> = TcpState::REPORTED
        .iter()
        .filter_map(|&s| {
            let l = t.state(s);
            Some(Perf {
                label: s.key(),
                value: counts.known(s)?,
                uom: "",
                warn: l.warn.map(|v| v.highest_ok(total)),
                crit: l.crit.map(|v| v.highest_ok(total)),
                min: Some(0),
                max: None,
            })
        })
        .collect();
    // Sockets whose input carried no state (FreeBSD `netstat -T`), with no threshold.
    let unknown = counts.get(TcpState::Unknown);
    if unknown > 0 {
        out.push(Perf {
            label: "unknown_state",
            value: unknown,
            uom: "",
            warn: None,
            crit: None,
            min: Some(0),
            max: None,
        });
    }
    out.push(Perf {
        label: "total",
        value: total,
        uom: "",
        warn: None,
        crit: None,
        min: Some(0),
        max: None,
    });
    if let Some(traced::Traced::Counted(c)) = obs.traced {
        // Counts over the interval; the rules' thresholds are rates per peer or per reason.
        let kinds = c.kinds;
        for (kind, label, value) in [
            (EventKind::Retrans, "traced_retransmits", c.retransmits()),
            (EventKind::Drop, "traced_drops", c.drops.values().sum()),
            (
                EventKind::Reset,
                "traced_resets_sent",
                c.resets_sent.values().sum(),
            ),
        ] {
            if kinds.contains(kind) {
                out.push(Perf {
                    label,
                    value,
                    uom: "",
                    warn: None,
                    crit: None,
                    min: Some(0),
                    max: None,
                });
            }
        }
        out.push(Perf {
            label: "traced_events_lost",
            value: c.lost,
            uom: "",
            warn: None,
            crit: None,
            min: Some(0),
            max: None,
        });
    }
    let Some(f) = obs.facts else {
        return out;
    };
    if let Some((lo, hi)) = f.port_range {
        let size = u64::from(hi.saturating_sub(lo)) + 1;
        let max = obs
            .sockets
            .tuples
            .values()
            .map(|u| u.total())
            .max()
            .unwrap_or(0);
        out.push(Perf {
            label: "ephemeral_tuple_max",
            value: max,
            uom: "",
            warn: t.ephemeral_tuple.warn.map(|l| l.highest_ok(size)),
            crit: t.ephemeral_tuple.crit.map(|l| l.highest_ok(size)),
            min: Some(0),
            max: Some(size),
        });
    }
    if let Some(c) = &f.counters {
        let max = f.max_orphans.and_then(|m| u64::try_from(m).ok());
        out.push(Perf {
            label: "orphans",
            value: c.sockstat.orphan,
            uom: "",
            warn: max.and_then(|m| t.orphans.warn.map(|l| l.highest_ok(m))),
            crit: max.and_then(|m| t.orphans.crit.map(|l| l.highest_ok(m))),
            min: Some(0),
            max,
        });
        let mem = f.tcp_mem.map(|m| m.map(|v| u64::try_from(v).unwrap_or(0)));
        out.push(Perf {
            label: "tcp_mem_pages",
            value: c.sockstat.mem,
            uom: "",
            warn: mem.and_then(|m| {
                t.memory
                    .warn
                    .map(|l| l.highest_ok(m[2]))
                    .or(t.memory_pressure.then_some(m[1]))
            }),
            crit: mem.and_then(|m| t.memory.crit.map(|l| l.highest_ok(m[2]))),
            min: Some(0),
            max: mem.map(|m| m[2]),
        });
        for (name, label) in facts::COUNTERS {
            if let Some(v) = f.ext(name) {
                out.push(Perf {
                    label,
                    value: u64::try_from(v).unwrap_or(0),
                    uom: "c",
                    warn: None,
                    crit: None,
                    min: Some(0),
                    max: None,
                });
            }
        }
    }
    out
}

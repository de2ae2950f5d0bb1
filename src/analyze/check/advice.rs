//! Every sentence the health check says, in English and Chinese: finding summaries, evidence,
//! notes, offender lines ([`Msg`]), what to do ([`Advice`]) and the labels of the human report
//! ([`Label`]). Each is an enum with one exhaustive `match` per language, so a message without
//! a translation does not compile.

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

/// What to do about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice {
    EphemeralPorts { tw_reuse: Option<i64> },
    TimeWait,
    CloseWait,
    SynBacklog { syncookies: Option<i64> },
    AcceptQueue,
    ClosingPeers,
    FinWait2,
    StuckQueues,
    Orphans,
    Memory,
    StateCounts,
}

/// Words of the human report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Label {
    Evidence,
    Top,
    Advice,
    Note,
    /// `N problems among M sockets` after the status word.
    Headline {
        problems: u64,
        sockets: u64,
    },
    /// How the data was taken: one sample, two samples `secs` apart, a capture.
    Sampling {
        interval: Option<f64>,
        live: bool,
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

    fn en(&self) -> String {
        match self {
            Msg::AllOk { sockets } => {
                format!("{}, no problem found", count_of(*sockets, "socket", "sockets"))
            }
            Msg::Skipped { why } => format!("not judged: {}", why.en()),
            Msg::EphemeralNone { size } => format!(
                "no client connection uses the ephemeral port range ({size} ports)"
            ),
            Msg::EphemeralBusiest { used, size, tuple } => format!(
                "{used} of {size} ephemeral ports ({:.0}%) in use towards {}",
                pct(*used, *size),
                tuple_text(tuple)
            ),
            Msg::TimeWaitSummary { count, max } => match max {
                Some(m) => format!(
                    "{count} TIME_WAIT sockets, {:.0}% of tcp_max_tw_buckets ({m})",
                    pct(*count, *m)
                ),
                None => format!("{count} TIME_WAIT sockets"),
            },
            Msg::CloseWaitSummary {
                count,
                ports,
                persistent,
                secs,
            } => {
                if *count == 0 {
                    return "no CLOSE_WAIT socket".to_string();
                }
                let mut s = format!(
                    "{} on {}",
                    count_of(*count, "CLOSE_WAIT socket", "CLOSE_WAIT sockets"),
                    count_of(*ports, "local port", "local ports")
                );
                if let Some(p) = persistent {
                    s.push_str(&format!(", {p} still there after {secs:.1}s"));
                }
                s
            }
            Msg::SynBacklogSummary { count, worst } => match worst {
                Some((port, n, backlog)) => format!(
                    "{count} SYN_RECV sockets; port {port} has {n} against a backlog of {backlog}"
                ),
                None if *count == 0 => "no SYN_RECV socket".to_string(),
                None => count_of(*count, "SYN_RECV socket", "SYN_RECV sockets"),
            },
            Msg::AcceptQueueSummary { listeners, worst } => match worst {
                Some((port, q, b)) => format!(
                    "accept queue of port {port} holds {q} of its backlog {b} ({:.0}%)",
                    pct(*q, *b)
                ),
                None => format!(
                    "{}, no connection waiting to be accepted",
                    count_of(*listeners, "listener", "listeners")
                ),
            },
            Msg::ClosingSummary {
                fin_wait1,
                closing,
                last_ack,
            } => {
                if fin_wait1 + closing + last_ack == 0 {
                    "no FIN waiting for an acknowledgement".to_string()
                } else {
                    format!(
                        "FIN not acknowledged: {fin_wait1} FIN_WAIT1, {closing} CLOSING, {last_ack} LAST_ACK"
                    )
                }
            }
            Msg::FinWait2Summary { count: 0, .. } => "no FIN_WAIT2 socket".to_string(),
            Msg::FinWait2Summary { count, held } => format!(
                "{} waiting for the peer to close ({held} held by the application)",
                count_of(*count, "FIN_WAIT2 socket", "FIN_WAIT2 sockets")
            ),
            Msg::OrphansSummary { count, max } => format!(
                "{count} orphaned sockets, {:.0}% of tcp_max_orphans ({max})",
                pct(*count, *max)
            ),
            Msg::MemorySummary {
                pages,
                pressure,
                max,
            } => format!(
                "TCP memory {pages} pages, pressure threshold {pressure}, maximum {max} ({:.0}%)",
                pct(*pages, *max)
            ),
            Msg::StuckSummary { count: 0, bytes } => {
                format!("no connected socket with {bytes} bytes or more queued")
            }
            Msg::StuckSummary { count, bytes } => format!(
                "{} with {bytes} bytes or more queued",
                count_of(*count, "connected socket", "connected sockets")
            ),
            Msg::StateCountsSummary { worst, states } => match worst {
                Some((s, n)) => format!("{n} {s} sockets"),
                None => format!("{states} states within their limits"),
            },
            Msg::StateCount {
                state,
                count,
                total,
                limit,
            } => format!(
                "{count} {state} of {total} sockets ({})",
                limit_en(limit)
            ),
            Msg::PortRange { lo, hi, size } => {
                format!("net.ipv4.ip_local_port_range = {lo} {hi} ({size} ports)")
            }
            Msg::TwReuse { value } => {
                let meaning = match value {
                    0 => "TIME_WAIT ports are never reused for new connections",
                    1 => "TIME_WAIT ports are reused for new connections",
                    2 => "TIME_WAIT ports are reused for loopback connections only",
                    _ => "unknown value",
                };
                format!("net.ipv4.tcp_tw_reuse = {value} ({meaning})")
            }
            Msg::ClientTuples { tuples, sockets } => format!(
                "{} (local port in the range) towards {}",
                count_of(*sockets, "client socket", "client sockets"),
                count_of(*tuples, "destination", "destinations")
            ),
            Msg::Thresholds { measure, limit } => {
                let what = match measure {
                    Measure::TupleOfRange => "ports used towards one destination, of the range",
                    Measure::SynRecvOfBacklog => "SYN_RECV of a listening port, of its backlog",
                    Measure::QueueOfBacklog => "accept queue of a listener, of its backlog",
                };
                format!("thresholds: {what}: {}", limit_en(limit))
            }
            Msg::TwBuckets { count, max, limit } => format!(
                "{count} TIME_WAIT in this network namespace, net.ipv4.tcp_max_tw_buckets = {max} ({})",
                limit_en(limit)
            ),
            Msg::Increase {
                counter,
                by,
                secs,
                limit,
            } => format!(
                "TcpExt {counter} rose by {by} in {secs:.1}s ({})",
                limit_en(limit)
            ),
            Msg::Persistent {
                count,
                of,
                secs,
                limit,
            } => format!(
                "{count} of {of} CLOSE_WAIT sockets were already in CLOSE_WAIT {secs:.1}s earlier ({})",
                limit_en(limit)
            ),
            Msg::Listeners { count } => count_of(*count, "listening socket", "listening sockets"),
            Msg::Sysctl { name, value } => format!("{name} = {value}"),
            Msg::Syncookies { value } => {
                let meaning = match value {
                    0 => "off: a full SYN queue drops new connections",
                    1 => "on when the SYN queue is full",
                    2 => "always on",
                    _ => "unknown value",
                };
                format!("net.ipv4.tcp_syncookies = {value} ({meaning})")
            }
            Msg::FinRetransmits { max } => format!(
                "a FIN_WAIT1 socket has retransmitted its FIN {}",
                count_of(u64::from(*max), "time", "times")
            ),
            Msg::FinWait2Held { held } => format!(
                "{held} FIN_WAIT2 sockets still belong to a process (shutdown() without close()): no timeout applies to them"
            ),
            Msg::Orphans { count, max, limit } => format!(
                "{count} orphaned sockets (sockstat), net.ipv4.tcp_max_orphans = {max} ({})",
                limit_en(limit)
            ),
            Msg::TcpMem {
                pages,
                min,
                pressure,
                max,
                limit,
                pressure_warn,
            } => {
                let mut s = format!(
                    "TCP memory {pages} pages (sockstat), net.ipv4.tcp_mem = {min} {pressure} {max} ({}",
                    limit_en(limit)
                );
                if *pressure_warn {
                    s.push_str(", warning above the pressure threshold");
                }
                s.push(')');
                s
            }
            Msg::StuckSockets {
                count,
                bytes,
                limit,
            } => format!(
                "{count} ESTABLISHED sockets with Send-Q or Recv-Q of {bytes} bytes or more ({})",
                limit_en(limit)
            ),
            Msg::NoHostFacts => {
                "a saved capture holds no kernel counters or sysctls".to_string()
            }
            Msg::SysctlMissing { name } => format!(
                "{name} cannot be read here (host-wide sysctls are only visible in the host's own network namespace)"
            ),
            Msg::CountersMissing => {
                "the kernel counters (/proc/net/netstat, snmp, sockstat) cannot be read".to_string()
            }
            Msg::NeedsInterval { counters } => format!(
                "the increase of TcpExt {} needs two samples: run with --interval 2s",
                counters.join(" and ")
            ),
            Msg::NeedsIntervalPersistence => {
                "whether the same sockets stay in CLOSE_WAIT needs two samples: run with --interval 2s"
                    .to_string()
            }
            Msg::TupleUse {
                used,
                size,
                time_wait,
                established,
                syn_sent,
            } => format!(
                "{used} of {size} ports ({:.0}%): {time_wait} TIME_WAIT, {established} ESTABLISHED, {syn_sent} SYN_SENT",
                pct(*used, *size)
            ),
            Msg::CloseWaitPort { count, persistent } => match persistent {
                Some(p) => format!("{count} CLOSE_WAIT, {p} persistent"),
                None => format!("{count} CLOSE_WAIT"),
            },
            Msg::SynRecvPort { count, backlog } => format!(
                "{count} SYN_RECV, backlog {backlog} ({:.0}%)",
                pct(*count, *backlog)
            ),
            Msg::QueueFill { queued, backlog } => format!(
                "{queued} waiting to be accepted, backlog {backlog} ({:.0}%)",
                pct(*queued, *backlog)
            ),
            Msg::PeerClosing {
                fin_wait1,
                closing,
                last_ack,
            } => format!("{fin_wait1} FIN_WAIT1, {closing} CLOSING, {last_ack} LAST_ACK"),
            Msg::PeerFinWait2 { count } => format!("{count} FIN_WAIT2"),
            Msg::PeerTimeWait { count } => format!("{count} TIME_WAIT"),
            Msg::PeerStuck {
                sockets,
                max_send_q,
                max_recv_q,
            } => format!(
                "{sockets} sockets, largest Send-Q {max_send_q} bytes, largest Recv-Q {max_recv_q} bytes"
            ),
        }
    }

    fn zh(&self) -> String {
        match self {
            Msg::AllOk { sockets } => format!("共 {sockets} 个套接字，未发现问题"),
            Msg::Skipped { why } => format!("未评估：{}", why.zh()),
            Msg::EphemeralNone { size } => {
                format!("没有客户端连接使用临时端口范围（{size} 个端口）")
            }
            Msg::EphemeralBusiest { used, size, tuple } => format!(
                "到 {} 的连接占用了 {size} 个临时端口中的 {used} 个（{:.0}%）",
                tuple_text(tuple),
                pct(*used, *size)
            ),
            Msg::TimeWaitSummary { count, max } => match max {
                Some(m) => format!(
                    "{count} 个 TIME_WAIT 套接字，占 tcp_max_tw_buckets（{m}）的 {:.0}%",
                    pct(*count, *m)
                ),
                None => format!("{count} 个 TIME_WAIT 套接字"),
            },
            Msg::CloseWaitSummary {
                count,
                ports,
                persistent,
                secs,
            } => {
                if *count == 0 {
                    return "没有 CLOSE_WAIT 套接字".to_string();
                }
                let mut s = format!("{ports} 个本地端口上共有 {count} 个 CLOSE_WAIT 套接字");
                if let Some(p) = persistent {
                    s.push_str(&format!("，其中 {p} 个在 {secs:.1} 秒后仍然存在"));
                }
                s
            }
            Msg::SynBacklogSummary { count, worst } => match worst {
                Some((port, n, backlog)) => format!(
                    "{count} 个 SYN_RECV 套接字；端口 {port} 有 {n} 个，backlog 为 {backlog}"
                ),
                None if *count == 0 => "没有 SYN_RECV 套接字".to_string(),
                None => format!("{count} 个 SYN_RECV 套接字"),
            },
            Msg::AcceptQueueSummary { listeners, worst } => match worst {
                Some((port, q, b)) => format!(
                    "端口 {port} 的全连接队列有 {q} 个连接，backlog 为 {b}（{:.0}%）",
                    pct(*q, *b)
                ),
                None => format!("{listeners} 个监听套接字，没有等待 accept 的连接"),
            },
            Msg::ClosingSummary {
                fin_wait1,
                closing,
                last_ack,
            } => {
                if fin_wait1 + closing + last_ack == 0 {
                    "没有等待确认的 FIN".to_string()
                } else {
                    format!(
                        "FIN 未被确认：FIN_WAIT1 {fin_wait1} 个，CLOSING {closing} 个，LAST_ACK {last_ack} 个"
                    )
                }
            }
            Msg::FinWait2Summary { count: 0, .. } => "没有 FIN_WAIT2 套接字".to_string(),
            Msg::FinWait2Summary { count, held } => {
                format!("{count} 个 FIN_WAIT2 套接字在等待对端关闭（其中 {held} 个仍被应用持有）")
            }
            Msg::OrphansSummary { count, max } => format!(
                "{count} 个孤儿套接字，占 tcp_max_orphans（{max}）的 {:.0}%",
                pct(*count, *max)
            ),
            Msg::MemorySummary {
                pages,
                pressure,
                max,
            } => format!(
                "TCP 内存 {pages} 页，压力阈值 {pressure}，上限 {max}（{:.0}%）",
                pct(*pages, *max)
            ),
            Msg::StuckSummary { count: 0, bytes } => {
                format!("没有队列积压达到 {bytes} 字节的已连接套接字")
            }
            Msg::StuckSummary { count, bytes } => {
                format!("{count} 个已连接套接字的队列积压达到 {bytes} 字节或更多")
            }
            Msg::StateCountsSummary { worst, states } => match worst {
                Some((s, n)) => format!("{n} 个 {s} 套接字"),
                None => format!("{states} 个状态均在阈值之内"),
            },
            Msg::StateCount {
                state,
                count,
                total,
                limit,
            } => format!(
                "{total} 个套接字中有 {count} 个 {state}（{}）",
                limit_zh(limit)
            ),
            Msg::PortRange { lo, hi, size } => {
                format!("net.ipv4.ip_local_port_range = {lo} {hi}（{size} 个端口）")
            }
            Msg::TwReuse { value } => {
                let meaning = match value {
                    0 => "新连接从不复用 TIME_WAIT 端口",
                    1 => "新连接可复用 TIME_WAIT 端口",
                    2 => "仅回环连接可复用 TIME_WAIT 端口",
                    _ => "未知取值",
                };
                format!("net.ipv4.tcp_tw_reuse = {value}（{meaning}）")
            }
            Msg::ClientTuples { tuples, sockets } => format!(
                "{sockets} 个客户端套接字（本地端口在临时端口范围内），指向 {tuples} 个目标"
            ),
            Msg::Thresholds { measure, limit } => {
                let what = match measure {
                    Measure::TupleOfRange => "到同一目标占用的端口占端口范围的比例",
                    Measure::SynRecvOfBacklog => "监听端口的 SYN_RECV 数占其 backlog 的比例",
                    Measure::QueueOfBacklog => "监听套接字的全连接队列占其 backlog 的比例",
                };
                format!("阈值：{what}：{}", limit_zh(limit))
            }
            Msg::TwBuckets { count, max, limit } => format!(
                "本网络命名空间有 {count} 个 TIME_WAIT，net.ipv4.tcp_max_tw_buckets = {max}（{}）",
                limit_zh(limit)
            ),
            Msg::Increase {
                counter,
                by,
                secs,
                limit,
            } => format!(
                "TcpExt {counter} 在 {secs:.1} 秒内增加了 {by}（{}）",
                limit_zh(limit)
            ),
            Msg::Persistent {
                count,
                of,
                secs,
                limit,
            } => format!(
                "{of} 个 CLOSE_WAIT 套接字中有 {count} 个在 {secs:.1} 秒前就已处于 CLOSE_WAIT（{}）",
                limit_zh(limit)
            ),
            Msg::Listeners { count } => format!("{count} 个监听套接字"),
            Msg::Sysctl { name, value } => format!("{name} = {value}"),
            Msg::Syncookies { value } => {
                let meaning = match value {
                    0 => "关闭：SYN 队列满时新连接被丢弃",
                    1 => "SYN 队列满时启用",
                    2 => "始终启用",
                    _ => "未知取值",
                };
                format!("net.ipv4.tcp_syncookies = {value}（{meaning}）")
            }
            Msg::FinRetransmits { max } => {
                format!("有 FIN_WAIT1 套接字已重传 FIN {max} 次")
            }
            Msg::FinWait2Held { held } => format!(
                "{held} 个 FIN_WAIT2 套接字仍属于某个进程（调用了 shutdown() 但没有 close()），不受超时约束"
            ),
            Msg::Orphans { count, max, limit } => format!(
                "孤儿套接字 {count} 个（sockstat），net.ipv4.tcp_max_orphans = {max}（{}）",
                limit_zh(limit)
            ),
            Msg::TcpMem {
                pages,
                min,
                pressure,
                max,
                limit,
                pressure_warn,
            } => {
                let mut s = format!(
                    "TCP 内存 {pages} 页（sockstat），net.ipv4.tcp_mem = {min} {pressure} {max}（{}",
                    limit_zh(limit)
                );
                if *pressure_warn {
                    s.push_str("；超过压力阈值即告警");
                }
                s.push('）');
                s
            }
            Msg::StuckSockets {
                count,
                bytes,
                limit,
            } => format!(
                "{count} 个 ESTABLISHED 套接字的 Send-Q 或 Recv-Q 达到 {bytes} 字节或更多（{}）",
                limit_zh(limit)
            ),
            Msg::NoHostFacts => "保存的抓取数据中没有内核计数器和 sysctl".to_string(),
            Msg::SysctlMissing { name } => {
                format!("此处无法读取 {name}（主机级 sysctl 只在主机自己的网络命名空间中可见）")
            }
            Msg::CountersMissing => {
                "无法读取内核计数器（/proc/net/netstat、snmp、sockstat）".to_string()
            }
            Msg::NeedsInterval { counters } => format!(
                "TcpExt {} 的增量需要两次采样：请加 --interval 2s 运行",
                counters.join("、")
            ),
            Msg::NeedsIntervalPersistence => {
                "判断同一批套接字是否一直处于 CLOSE_WAIT 需要两次采样：请加 --interval 2s 运行"
                    .to_string()
            }
            Msg::TupleUse {
                used,
                size,
                time_wait,
                established,
                syn_sent,
            } => format!(
                "{size} 个端口中占用 {used} 个（{:.0}%）：TIME_WAIT {time_wait}，ESTABLISHED {established}，SYN_SENT {syn_sent}",
                pct(*used, *size)
            ),
            Msg::CloseWaitPort { count, persistent } => match persistent {
                Some(p) => format!("CLOSE_WAIT {count} 个，其中 {p} 个持续存在"),
                None => format!("CLOSE_WAIT {count} 个"),
            },
            Msg::SynRecvPort { count, backlog } => format!(
                "SYN_RECV {count} 个，backlog {backlog}（{:.0}%）",
                pct(*count, *backlog)
            ),
            Msg::QueueFill { queued, backlog } => format!(
                "{queued} 个连接等待 accept，backlog {backlog}（{:.0}%）",
                pct(*queued, *backlog)
            ),
            Msg::PeerClosing {
                fin_wait1,
                closing,
                last_ack,
            } => format!("FIN_WAIT1 {fin_wait1} 个，CLOSING {closing} 个，LAST_ACK {last_ack} 个"),
            Msg::PeerFinWait2 { count } => format!("FIN_WAIT2 {count} 个"),
            Msg::PeerTimeWait { count } => format!("TIME_WAIT {count} 个"),
            Msg::PeerStuck {
                sockets,
                max_send_q,
                max_recv_q,
            } => format!(
                "{sockets} 个套接字，最大 Send-Q {max_send_q} 字节，最大 Recv-Q {max_recv_q} 字节"
            ),
        }
    }
}

impl Advice {
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en(),
            Lang::Zh => self.zh(),
        }
    }

    fn en(&self) -> String {
        match self {
            Advice::EphemeralPorts { tw_reuse } => {
                let mut s = String::from(
                    "Connections from one local address to one destination (address and port) \
                     share the local port range; when it is used up, connect() fails with \
                     EADDRNOTAVAIL. Reuse connections (keep-alive, pools) instead of opening one \
                     per request, widen net.ipv4.ip_local_port_range, or spread the connections \
                     over more destination ports or more local addresses (bind() before \
                     connect() with IP_BIND_ADDRESS_NO_PORT).",
                );
                match tw_reuse {
                    Some(1) => s.push_str(
                        " net.ipv4.tcp_tw_reuse is already 1, so ports in TIME_WAIT are reused \
                         once they are a second old; what is left is opening fewer connections.",
                    ),
                    Some(v) => s.push_str(&format!(
                        " net.ipv4.tcp_tw_reuse is {v}: setting it to 1 lets new outgoing \
                         connections take ports still in TIME_WAIT (TCP timestamps must be on)."
                    )),
                    None => {}
                }
                s
            }
            Advice::TimeWait => "TIME_WAIT is the normal end of a connection on the side that \
                closed first; it lasts 60 seconds and costs little memory. Many of them mean many \
                short connections: reuse connections. When their number reaches \
                net.ipv4.tcp_max_tw_buckets the kernel destroys new ones at once (TcpExt \
                TCPTimeWaitOverflow, \"time wait bucket table overflow\" in the kernel log), \
                which risks old segments reaching a new connection; raise the limit if memory \
                allows rather than cutting TIME_WAIT short."
                .to_string(),
            Advice::CloseWait => "CLOSE_WAIT means the peer has closed its side and the local \
                application has not yet called close(). The kernel never times these sockets \
                out: only the application can end them. Look for a code path that keeps the \
                connection after reading end-of-file (a close() missing in an error branch, a \
                connection leaked from a pool, a thread blocked elsewhere). `tcpstate list \
                --state close-wait` or `ss -tanp state close-wait` shows the owner; restarting \
                it frees the sockets but does not fix the leak."
                .to_string(),
            Advice::SynBacklog { syncookies } => {
                let mut s = String::from(
                    "SYN_RECV sockets are handshakes waiting for the client's final ACK. Many \
                     on one listener mean a SYN flood, clients or a network path losing \
                     packets, or a backlog too small for the rate of new connections. A \
                     listener's SYN queue is bounded by its backlog (the listen() argument, \
                     capped by net.core.somaxconn) and by net.ipv4.tcp_max_syn_backlog; raise \
                     them for a busy service.",
                );
                match syncookies {
                    Some(0) => s.push_str(
                        " SYN cookies are off (net.ipv4.tcp_syncookies = 0): when the queue is \
                         full new connections are dropped; set it to 1.",
                    ),
                    Some(_) => s.push_str(
                        " SYN cookies are on: a full queue is answered with cookies (TcpExt \
                         SyncookiesSent rises), which keeps the service reachable but loses TCP \
                         options such as window scaling; if that happens without an attack, \
                         the backlog is too small.",
                    ),
                    None => {}
                }
                s
            }
            Advice::AcceptQueue => "A listener's accept queue (Recv-Q of a LISTEN socket) holds \
                connections the kernel has completed and the application has not accepted yet; \
                its limit is the backlog (Send-Q). When it is full, new handshakes are dropped \
                (TcpExt ListenOverflows, ListenDrops) and clients see timeouts. The application \
                does not call accept() fast enough: it is overloaded, blocked, or short of \
                workers. A larger backlog (the listen() argument and net.core.somaxconn, which \
                caps it) only absorbs bursts; the cure is accepting faster."
                .to_string(),
            Advice::ClosingPeers => "FIN_WAIT1, CLOSING and LAST_ACK are sockets whose FIN has \
                not been acknowledged. Many of them, above all towards the same peers, mean the \
                peers are gone, unreachable or overloaded, or a firewall drops the packets of \
                closing connections. The kernel retransmits the FIN and, for sockets no process \
                owns any more, gives up after net.ipv4.tcp_orphan_retries; check the path to \
                the peers listed and whether a middlebox drops FIN or ACK packets."
                .to_string(),
            Advice::FinWait2 => "FIN_WAIT2 sockets have had their FIN acknowledged and wait for \
                the peer's FIN: the application on the other side has not closed. Orphaned ones \
                (no owning process) are removed after net.ipv4.tcp_fin_timeout seconds; those a \
                local process still holds (shutdown() without close()) stay until it closes \
                them. Many towards the same peers point at peers that keep connections \
                half-open; a lower tcp_fin_timeout shortens the wait for orphaned sockets."
                .to_string(),
            Advice::StuckQueues => "A large Recv-Q means the local application is not reading \
                what has arrived (slow or blocked); a large Send-Q means the peer is not \
                acknowledging what was sent (a slow or stalled reader on the other side, or a \
                congested path). Look at the peers listed: for Recv-Q the local consumer, for \
                Send-Q the remote consumer and the path (retransmissions in `ss -ti`)."
                .to_string(),
            Advice::Orphans => "Orphaned sockets are connections the application has closed \
                and the kernel is still finishing (FIN_WAIT1, LAST_ACK, CLOSING). Above \
                net.ipv4.tcp_max_orphans the kernel resets them at once and logs \"too many \
                orphaned sockets\". Many orphans point at peers that do not acknowledge the \
                close (see closing_peers); raise tcp_max_orphans only if memory allows, each can \
                hold tens of kilobytes."
                .to_string(),
            Advice::Memory => "Above the pressure threshold (the second value of \
                net.ipv4.tcp_mem, in pages) the kernel shrinks socket buffers; at the maximum \
                (the third value) it drops packets and aborts connections (TcpExt \
                TCPAbortOnMemory). Find the sockets holding large queues (see stuck_queues), \
                then raise tcp_mem if the host has memory to spare."
                .to_string(),
            Advice::StateCounts => "These thresholds are your own (--warn/--crit or the \
                [states] section of --config); `tcpstate summary --by remote-ip --state STATE` \
                shows which peers hold the sockets."
                .to_string(),
        }
    }

    fn zh(&self) -> String {
        match self {
            Advice::EphemeralPorts { tw_reuse } => {
                let mut s = String::from(
                    "从同一本地地址到同一目标（地址加端口）的连接共用本地端口范围；用尽后 \
                     connect() 会以 EADDRNOTAVAIL 失败。请复用连接（keep-alive、连接池），不要\
                     每个请求新建连接；或扩大 net.ipv4.ip_local_port_range；或把连接分散到更多\
                     目标端口或更多本地地址（connect() 之前 bind()，并设置 \
                     IP_BIND_ADDRESS_NO_PORT）。",
                );
                match tw_reuse {
                    Some(1) => s.push_str(
                        "net.ipv4.tcp_tw_reuse 已为 1，TIME_WAIT 端口超过一秒即可复用；剩下的办法\
                         是少建新连接。",
                    ),
                    Some(v) => s.push_str(&format!(
                        "net.ipv4.tcp_tw_reuse 当前为 {v}：设为 1 可让新的出站连接使用仍处于 \
                         TIME_WAIT 的端口（需开启 TCP 时间戳）。"
                    )),
                    None => {}
                }
                s
            }
            Advice::TimeWait => "TIME_WAIT 是先关闭的一方连接的正常结束状态，持续 60 秒，占用\
                内存很少。数量多说明短连接多：请复用连接。数量达到 net.ipv4.tcp_max_tw_buckets \
                时，内核会立即销毁新的 TIME_WAIT（TcpExt TCPTimeWaitOverflow，内核日志出现 \
                \"time wait bucket table overflow\"），旧报文可能落入新连接；内存允许时请调高该\
                上限，而不是缩短 TIME_WAIT。"
                .to_string(),
            Advice::CloseWait => "CLOSE_WAIT 表示对端已关闭它那一侧，而本地应用还没有调用 \
                close()。内核不会让这些套接字超时：只有应用能结束它们。请查找读到 EOF 后仍保留\
                连接的代码路径（错误分支漏了 close()、连接池泄漏了连接、线程阻塞在别处）。\
                `tcpstate list --state close-wait` 或 `ss -tanp state close-wait` 可显示所属\
                进程；重启它能释放这些套接字，但修不好泄漏。"
                .to_string(),
            Advice::SynBacklog { syncookies } => {
                let mut s = String::from(
                    "SYN_RECV 套接字是在等待客户端最后一个 ACK 的握手。同一监听端口上很多，\
                     说明遭到 SYN 洪水攻击、客户端或网络路径丢包，或者 backlog 相对新建连接速率\
                     太小。监听端口的半连接队列受其 backlog（listen() 参数，上限为 \
                     net.core.somaxconn）和 net.ipv4.tcp_max_syn_backlog 限制；繁忙的服务应调高\
                     它们。",
                );
                match syncookies {
                    Some(0) => s.push_str(
                        "SYN cookies 已关闭（net.ipv4.tcp_syncookies = 0）：队列满时新连接会被\
                         丢弃；请设为 1。",
                    ),
                    Some(_) => s.push_str(
                        "SYN cookies 已开启：队列满时以 cookie 应答（TcpExt SyncookiesSent \
                         增加），服务仍可访问，但会丢失窗口缩放等 TCP 选项；若没有攻击也出现，\
                         说明 backlog 太小。",
                    ),
                    None => {}
                }
                s
            }
            Advice::AcceptQueue => "监听套接字的全连接队列（LISTEN 套接字的 Recv-Q）保存内核已\
                完成握手、应用尚未 accept 的连接；其上限是 backlog（Send-Q）。队列满时新的握手\
                会被丢弃（TcpExt ListenOverflows、ListenDrops），客户端会超时。这说明应用调用 \
                accept() 不够快：过载、阻塞或工作线程不足。加大 backlog（listen() 参数以及限制它\
                的 net.core.somaxconn）只能吸收突发；根本办法是更快地 accept。"
                .to_string(),
            Advice::ClosingPeers => "FIN_WAIT1、CLOSING 和 LAST_ACK 是 FIN 尚未被确认的套接字。\
                数量多，尤其集中在同一批对端时，说明这些对端已消失、不可达或过载，或者防火墙丢弃\
                了关闭中连接的报文。内核会重传 FIN，对已无进程持有的套接字在 \
                net.ipv4.tcp_orphan_retries 次后放弃；请检查到所列对端的路径，以及是否有中间设备\
                丢弃 FIN 或 ACK 报文。"
                .to_string(),
            Advice::FinWait2 => "FIN_WAIT2 套接字的 FIN 已被确认，正在等待对端的 FIN：对端应用\
                还没有关闭连接。孤儿套接字（无进程持有）在 net.ipv4.tcp_fin_timeout 秒后被清除；\
                仍被本地进程持有的（调用了 shutdown() 但没有 close()）会一直存在，直到进程关闭\
                它们。集中在同一批对端时，说明这些对端让连接保持半关闭；调低 tcp_fin_timeout \
                可缩短孤儿套接字的等待时间。"
                .to_string(),
            Advice::StuckQueues => "Recv-Q 大表示本地应用没有读取已到达的数据（慢或阻塞）；\
                Send-Q 大表示对端没有确认已发送的数据（对端读取慢或停滞，或路径拥塞）。请查看所列\
                对端：Recv-Q 问题看本地消费者，Send-Q 问题看远端消费者和网络路径（`ss -ti` 中的\
                重传）。"
                .to_string(),
            Advice::Orphans => "孤儿套接字是应用已关闭、内核仍在收尾的连接（FIN_WAIT1、\
                LAST_ACK、CLOSING）。超过 net.ipv4.tcp_max_orphans 时，内核会立即重置它们并记录 \
                \"too many orphaned sockets\"。孤儿多说明对端不确认关闭（见 closing_peers）；\
                只有内存充足时才调高 tcp_max_orphans，每个孤儿可能占用数十 KB。"
                .to_string(),
            Advice::Memory => "超过压力阈值（net.ipv4.tcp_mem 的第二个值，单位为页）时，内核会\
                缩小套接字缓冲区；达到上限（第三个值）时会丢包并中止连接（TcpExt \
                TCPAbortOnMemory）。请找出队列积压大的套接字（见 stuck_queues），主机内存有余量时\
                再调高 tcp_mem。"
                .to_string(),
            Advice::StateCounts => "这些阈值是你自己设定的（--warn/--crit 或 --config 的 \
                [states] 段）；`tcpstate summary --by remote-ip --state STATE` 可显示哪些对端\
                持有这些套接字。"
                .to_string(),
        }
    }
}

impl Label {
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => match self {
                Label::Evidence => "evidence".into(),
                Label::Top => "top".into(),
                Label::Advice => "advice".into(),
                Label::Note => "note".into(),
                Label::Headline { problems, sockets } => match problems {
                    0 => format!("no problem among {sockets} sockets"),
                    1 => format!("1 problem among {sockets} sockets"),
                    n => format!("{n} problems among {sockets} sockets"),
                },
                Label::Sampling { interval, live } => match (interval, live) {
                    (_, false) => "from a saved capture".into(),
                    (Some(s), true) => format!("two samples {s:.1}s apart"),
                    (None, true) => "one sample".into(),
                },
            },
            Lang::Zh => match self {
                Label::Evidence => "依据".into(),
                Label::Top => "最多".into(),
                Label::Advice => "建议".into(),
                Label::Note => "说明".into(),
                Label::Headline { problems, sockets } => match problems {
                    0 => format!("{sockets} 个套接字，无问题"),
                    n => format!("{sockets} 个套接字，{n} 个问题"),
                },
                Label::Sampling { interval, live } => match (interval, live) {
                    (_, false) => "来自保存的抓取数据".into(),
                    (Some(s), true) => format!("两次采样，间隔 {s:.1} 秒"),
                    (None, true) => "一次采样".into(),
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_says_something_without_pipes() {
        let l = Limit::counts(5, 10);
        let msgs = [
            Msg::AllOk { sockets: 3 },
            Msg::StateCount {
                state: TcpState::CloseWait,
                count: 20,
                total: 30,
                limit: l,
            },
            Msg::NeedsIntervalPersistence,
        ];
        for lang in [Lang::En, Lang::Zh] {
            for m in &msgs {
                let t = m.text(lang);
                assert!(!t.is_empty() && !t.contains('|'), "{t}");
            }
            for a in [
                Advice::CloseWait,
                Advice::EphemeralPorts { tw_reuse: Some(0) },
                Advice::SynBacklog {
                    syncookies: Some(1),
                },
            ] {
                let t = a.text(lang);
                assert!(!t.contains('|') && !t.contains("  "), "{t}");
            }
        }
        assert_eq!(
            Msg::StateCount {
                state: TcpState::CloseWait,
                count: 20,
                total: 30,
                limit: l
            }
            .en(),
            "20 CLOSE_WAIT of 30 sockets (warning above 5, critical above 10)"
        );
    }
}

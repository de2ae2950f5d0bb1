//! What the health check saw, in English and Chinese: finding summaries, evidence lines,
//! notes on what was skipped, and offender lines ([`Msg`]). One exhaustive `match` per
//! language, so a message without a translation does not compile. What to do about it is in
//! [`super::advice`].

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

//! The Chinese texts of the health check's messages ([`super::CheckMsg`]).

use super::*;

impl CheckMsg {
    pub(super) fn zh(&self) -> String {
        match self {
            CheckMsg::AllOk { sockets } => format!("共 {sockets} 个套接字，未发现问题"),
            CheckMsg::Skipped { why } => format!("未评估：{}", why.zh()),
            CheckMsg::EphemeralNone { size } => {
                format!("没有客户端连接使用临时端口范围（{size} 个端口）")
            }
            CheckMsg::EphemeralBusiest { used, size, tuple } => format!(
                "到 {} 的连接占用了 {size} 个临时端口中的 {used} 个（{:.0}%）",
                tuple_text(tuple),
                pct(*used, *size)
            ),
            CheckMsg::ConntrackSummary { tcp, entries, max } => match (entries, max) {
                (Some(e), Some(m)) => format!(
                    "conntrack 表已用 {:.0}%（{m} 条中的 {e} 条；TCP {tcp} 条）",
                    pct(*e, *m)
                ),
                _ => format!("conntrack 表：TCP {tcp} 条，大小或上限未知"),
            },
            CheckMsg::ConntrackNone => "本命名空间没有 conntrack 表（未加载 nf_conntrack）".to_string(),
            CheckMsg::ConntrackUnreadable { why } => format!("未能读取 conntrack 表：{why}"),
            CheckMsg::TimeWaitSummary { count, max } => match max {
                Some(m) => format!(
                    "{count} 个 TIME_WAIT 套接字，占 tcp_max_tw_buckets（{m}）的 {:.0}%",
                    pct(*count, *m)
                ),
                None => format!("{count} 个 TIME_WAIT 套接字"),
            },
            CheckMsg::CloseWaitSummary {
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
            CheckMsg::SynBacklogSummary { count, worst } => match worst {
                Some((port, n, backlog)) => format!(
                    "{count} 个 SYN_RECV 套接字；端口 {port} 有 {n} 个，backlog 为 {backlog}"
                ),
                None if *count == 0 => "没有 SYN_RECV 套接字".to_string(),
                None => format!("{count} 个 SYN_RECV 套接字"),
            },
            CheckMsg::AcceptQueueSummary { listeners, worst } => match worst {
                Some((port, q, b)) => format!(
                    "端口 {port} 的全连接队列有 {q} 个连接，backlog 为 {b}（{:.0}%）",
                    pct(*q, *b)
                ),
                None => format!("{listeners} 个监听套接字，没有等待 accept 的连接"),
            },
            CheckMsg::ClosingSummary {
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
            CheckMsg::FinWait2Summary { count: 0, .. } => "没有 FIN_WAIT2 套接字".to_string(),
            CheckMsg::FinWait2Summary {
                count,
                held: Some(held),
            } => {
                format!("{count} 个 FIN_WAIT2 套接字在等待对端关闭（其中 {held} 个仍被应用持有）")
            }
            CheckMsg::FinWait2Summary { count, held: None } => {
                format!("{count} 个 FIN_WAIT2 套接字在等待对端关闭")
            }
            CheckMsg::OrphansSummary { count, max } => format!(
                "{count} 个孤儿套接字，占 tcp_max_orphans（{max}）的 {:.0}%",
                pct(*count, *max)
            ),
            CheckMsg::MemorySummary {
                pages,
                pressure,
                max,
            } => format!(
                "TCP 内存 {pages} 页，压力阈值 {pressure}，上限 {max}（{:.0}%）",
                pct(*pages, *max)
            ),
            CheckMsg::StuckSummary { count: 0, bytes } => {
                format!("没有队列积压达到 {bytes} 字节的已连接套接字")
            }
            CheckMsg::StuckSummary { count, bytes } => {
                format!("{count} 个已连接套接字的队列积压达到 {bytes} 字节或更多")
            }
            CheckMsg::SlowPeersSummary { peers, slow: 0 } => {
                format!("{peers} 个对端的 rtt 与重传均在阈值之内")
            }
            CheckMsg::SlowPeersSummary { peers, slow } => {
                format!("{peers} 个对端中有 {slow} 个超过 rtt 或重传阈值")
            }
            CheckMsg::ListenerDropsSummary {
                worst: Some((port, by)),
                rising,
                secs,
                ..
            } => format!(
                "{secs:.1} 秒内有 {rising} 个监听套接字丢弃了连接请求，最多的是端口 {port}（{by} 个）"
            ),
            CheckMsg::ListenerDropsSummary { listeners, .. } => {
                format!("{listeners} 个监听套接字均无丢弃")
            }
            CheckMsg::SndbufSummary { count, judged } => {
                format!("{judged} 个忙碌套接字中有 {count} 个大部分时间受发送缓冲区限制")
            }
            CheckMsg::RetransmitsSummary {
                total,
                peers,
                over,
                secs,
            } => format!(
                "{secs:.1} 秒内向 {peers} 个对端重传 {total} 个报文段，其中 {over} 个对端超过速率阈值"
            ),
            CheckMsg::DropsSummary { total, worst, secs } => match worst {
                Some((reason, n)) => format!(
                    "{secs:.1} 秒内内核丢弃 {total} 个数据包，最多的原因是 {reason}（{n} 个）"
                ),
                None => format!("{secs:.1} 秒内内核没有丢弃数据包"),
            },
            CheckMsg::ResetsSummary {
                sent,
                received,
                secs,
            } => format!("{secs:.1} 秒内发送 {sent} 个 RST，收到 {received} 个"),
            CheckMsg::EventsIncomplete { lost } => {
                format!("不完整：丢失了 {lost} 个跟踪事件，计数只是下限")
            }
            CheckMsg::StateCountsSummary { worst, states } => match worst {
                Some((s, n)) => format!("{n} 个 {s} 套接字"),
                None => format!("{states} 个状态均在阈值之内"),
            },
            CheckMsg::StateCount {
                state,
                count,
                total,
                limit,
            } => format!(
                "{total} 个套接字中有 {count} 个 {state}（{}）",
                limit_zh(limit)
            ),
            CheckMsg::PortRange { lo, hi, size } => {
                format!("net.ipv4.ip_local_port_range = {lo} {hi}（{size} 个端口）")
            }
            CheckMsg::TwReuse { value } => {
                let meaning = match value {
                    0 => "新连接从不复用 TIME_WAIT 端口",
                    1 => "新连接可复用 TIME_WAIT 端口",
                    2 => "仅回环连接可复用 TIME_WAIT 端口",
                    _ => "未知取值",
                };
                format!("net.ipv4.tcp_tw_reuse = {value}（{meaning}）")
            }
            CheckMsg::ClientTuples { tuples, sockets } => format!(
                "{sockets} 个客户端套接字（本地端口在临时端口范围内），指向 {tuples} 个目标"
            ),
            CheckMsg::Thresholds { measure, limit } => {
                let what = match measure {
                    Measure::TupleOfRange => "到同一目标占用的端口占端口范围的比例",
                    Measure::SynRecvOfBacklog => "监听端口的 SYN_RECV 数占其 backlog 的比例",
                    Measure::QueueOfBacklog => "监听套接字的全连接队列占其 backlog 的比例",
                    Measure::PeerRttP99Ms => "对端 rtt 的 99 分位数（毫秒）",
                    Measure::PeerRetransShare => "发往对端的字节中重传所占比例",
                    Measure::ListenerDropsIncrease => "单个监听套接字丢弃数的增长",
                    Measure::PeerRetransPerSec => "每秒向单个对端重传的报文段数",
                    Measure::DropsPerSec => "每秒因同一原因丢弃的数据包数",
                    Measure::ResetsSentPerSec => "每秒发送的 RST 数",
                    Measure::SndbufSockets => "超过一半忙碌时间受发送缓冲区限制的套接字数",
                };
                format!("阈值：{what}：{}", limit_zh(limit))
            }
            CheckMsg::ConntrackFill {
                entries,
                max,
                limit,
            } => format!(
                "conntrack 表：{entries} 条，net.netfilter.nf_conntrack_max = {max}（{:.0}%；{}）",
                pct(*entries, *max),
                limit_zh(limit)
            ),
            CheckMsg::ConntrackClosing {
                time_wait,
                close,
                tcp,
            } => format!(
                "{tcp} 条 TCP 条目中，TIME_WAIT {time_wait} 条、CLOSE {close} 条（{:.0}%）",
                pct(time_wait + close, *tcp)
            ),
            CheckMsg::ConntrackIncrease {
                stat,
                by,
                secs,
                limit,
            } => format!(
                "conntrack {stat} 在 {secs:.1} 秒内增加了 {by}（{}）",
                limit_zh(limit)
            ),
            CheckMsg::ConntrackReconciled {
                stale,
                lost,
                stale_limit,
                lost_limit,
            } => format!(
                "{stale} 条失效的 conntrack 条目（ESTABLISHED 但无套接字；{}），{lost} 个丢失的流\
                 （ESTABLISHED 套接字但无条目；{}）",
                limit_zh(stale_limit),
                limit_zh(lost_limit)
            ),
            CheckMsg::ConntrackNeedsInterval => {
                "conntrack insert_failed 与 drop 的增量需要两次采样：请加 --interval 2s 运行"
                    .to_string()
            }
            CheckMsg::TwBuckets { count, max, limit } => format!(
                "本网络命名空间有 {count} 个 TIME_WAIT，net.ipv4.tcp_max_tw_buckets = {max}（{}）",
                limit_zh(limit)
            ),
            CheckMsg::Increase {
                counter,
                beyond: None,
                by,
                secs,
                limit,
            } => format!(
                "TcpExt {counter} 在 {secs:.1} 秒内增加了 {by}（{}）",
                limit_zh(limit)
            ),
            CheckMsg::Increase {
                counter,
                beyond: Some((other, other_by)),
                by,
                secs,
                limit,
            } => format!(
                "TcpExt {counter} 在 {secs:.1} 秒内除 {other} 的 {other_by} 之外又增加了 {by}（{}）",
                limit_zh(limit)
            ),
            CheckMsg::Persistent {
                count,
                of,
                secs,
                limit,
            } => format!(
                "{of} 个 CLOSE_WAIT 套接字中有 {count} 个在 {secs:.1} 秒前就已处于 CLOSE_WAIT（{}）",
                limit_zh(limit)
            ),
            CheckMsg::Listeners { count } => format!("{count} 个监听套接字"),
            CheckMsg::Sysctl { name, value } => format!("{name} = {value}"),
            CheckMsg::Syncookies { value } => {
                let meaning = match value {
                    0 => "关闭：SYN 队列满时新连接被丢弃",
                    1 => "SYN 队列满时启用",
                    2 => "始终启用",
                    _ => "未知取值",
                };
                format!("net.ipv4.tcp_syncookies = {value}（{meaning}）")
            }
            CheckMsg::FinRetransmits { max } => {
                format!("有 FIN_WAIT1 套接字已重传 FIN {max} 次")
            }
            CheckMsg::FinWait2Held { held: Some(held) } => format!(
                "{held} 个 FIN_WAIT2 套接字仍属于某个进程（调用了 shutdown() 但没有 close()），不受超时约束"
            ),
            CheckMsg::FinWait2Held { held: None } => "无法判断这些 FIN_WAIT2 套接字是否仍被进程持有：输入中没有套接字 inode（保存抓取时请用 netstat -e 或 ss -e）".to_string(),
            CheckMsg::Orphans { count, max, limit } => format!(
                "孤儿套接字 {count} 个（sockstat），net.ipv4.tcp_max_orphans = {max}（{}）",
                limit_zh(limit)
            ),
            CheckMsg::TcpMem {
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
            CheckMsg::StuckSockets {
                count,
                bytes,
                limit,
            } => format!(
                "{count} 个 ESTABLISHED 套接字的 Send-Q 或 Recv-Q 达到 {bytes} 字节或更多（{}）",
                limit_zh(limit)
            ),
            CheckMsg::PeersJudged {
                peers,
                sockets,
                min_bytes,
            } => format!(
                "读取了指向 {peers} 个对端的 {sockets} 个连接的 tcp_info；发送满 {min_bytes} 字节后才评判重传比例"
            ),
            CheckMsg::BacklogUnknown { listeners } => format!(
                "此输入中没有 {listeners} 个监听套接字的 backlog（/proc/net/tcp 和 netstat 在此处显示 0，BSD 和 Windows 的列表不显示）：请通过 sock_diag netlink 读取本机（--source netlink），或用 ss -tan 保存抓取"
            ),
            CheckMsg::UnknownStates { count } => {
                format!("{count} 个状态未知的套接字（输入不带 State 列）未被此规则判断")
            }
            CheckMsg::NoHostFacts => "保存的抓取数据中没有内核计数器和 sysctl".to_string(),
            CheckMsg::NoTcpInfo => "此输入不含 tcp_info（保存的抓取、/proc/net/tcp）：rtt、重传和发送缓冲区限制需通过 sock_diag netlink 在线读取".to_string(),
            CheckMsg::NoListenerDrops => "此输入不含监听套接字的内存信息（保存的抓取、/proc/net/tcp）：其丢弃数需通过 sock_diag netlink 在线读取".to_string(),
            CheckMsg::NeedsIntervalListenerDrops => {
                "判断监听套接字的丢弃是否在增长需要两次采样：请加 --interval 2s 运行".to_string()
            }
            CheckMsg::NeedsEvents { kind } => {
                format!("此规则统计跟踪到的事件：请加 --interval 2s --events {kind} 运行")
            }
            CheckMsg::EventsUnavailable { why } => format!("没有跟踪到事件：{why}"),
            CheckMsg::EventsLost { lost } => format!(
                "采样期间有 {lost} 个事件丢失或未送达（更大的 --events-buffer-pages 可保留更多）"
            ),
            CheckMsg::DropsIgnored { reasons } => {
                format!("不评判的丢弃原因（配置）：{}", reasons.join("、"))
            }
            CheckMsg::SysctlMissing { name } => {
                format!("此处无法读取 {name}（主机级 sysctl 只在主机自己的网络命名空间中可见）")
            }
            CheckMsg::CountersMissing => {
                "无法读取内核计数器（/proc/net/netstat、snmp、sockstat）".to_string()
            }
            CheckMsg::NeedsInterval { counters } => format!(
                "TcpExt {} 的增量需要两次采样：请加 --interval 2s 运行",
                counters.join("、")
            ),
            CheckMsg::NeedsIntervalPersistence => {
                "判断同一批套接字是否一直处于 CLOSE_WAIT 需要两次采样：请加 --interval 2s 运行"
                    .to_string()
            }
            CheckMsg::TupleUse {
                used,
                size,
                time_wait,
                established,
                syn_sent,
            } => format!(
                "{size} 个端口中占用 {used} 个（{:.0}%）：TIME_WAIT {time_wait}，ESTABLISHED {established}，SYN_SENT {syn_sent}",
                pct(*used, *size)
            ),
            CheckMsg::CloseWaitPort { count, persistent } => match persistent {
                Some(p) => format!("CLOSE_WAIT {count} 个，其中 {p} 个持续存在"),
                None => format!("CLOSE_WAIT {count} 个"),
            },
            CheckMsg::SynRecvPort { count, backlog } => format!(
                "SYN_RECV {count} 个，backlog {backlog}（{:.0}%）",
                pct(*count, *backlog)
            ),
            CheckMsg::QueueFill { queued, backlog } => format!(
                "{queued} 个连接等待 accept，backlog {backlog}（{:.0}%）",
                pct(*queued, *backlog)
            ),
            CheckMsg::PeerClosing {
                fin_wait1,
                closing,
                last_ack,
            } => format!("FIN_WAIT1 {fin_wait1} 个，CLOSING {closing} 个，LAST_ACK {last_ack} 个"),
            CheckMsg::PeerFinWait2 { count } => format!("FIN_WAIT2 {count} 个"),
            CheckMsg::PeerTimeWait { count } => format!("TIME_WAIT {count} 个"),
            CheckMsg::PeerStuck {
                sockets,
                max_send_q,
                max_recv_q,
            } => format!(
                "{sockets} 个套接字，最大 Send-Q {max_send_q} 字节，最大 Recv-Q {max_recv_q} 字节"
            ),
            CheckMsg::PeerSlow {
                sockets,
                rtt_p99_us,
                retrans_pct,
            } => {
                let rtt = rtt_p99_us.map_or("-".to_string(), |us| format!("{:.1}", us as f64 / 1000.0));
                let share = retrans_pct.map_or("-".to_string(), |p| format!("{p:.2}%"));
                format!("{sockets} 个连接，rtt 99 分位 {rtt} 毫秒，重传字节占 {share}")
            }
            CheckMsg::ListenerDropsRose { by, secs } => {
                format!("{secs:.1} 秒内丢弃 {by} 个请求")
            }
            CheckMsg::PeerSndbuf { sockets } => format!("{sockets} 个套接字受发送缓冲区限制"),
            CheckMsg::EventRate { count, secs } => {
                format!("{secs:.1} 秒内 {count} 个（每秒 {:.1} 个）", rate(*count, *secs))
            }
        }
    }
}

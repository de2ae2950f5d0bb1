//! The English texts of the health check's messages ([`super::CheckMsg`]).

use super::*;

impl CheckMsg {
    pub(super) fn en(&self) -> String {
        match self {
            CheckMsg::AllOk { sockets } => {
                format!("{}, no problem found", count_of(*sockets, "socket", "sockets"))
            }
            CheckMsg::Skipped { why } => format!("not judged: {}", why.en()),
            CheckMsg::EphemeralNone { size } => format!(
                "no client connection uses the ephemeral port range ({size} ports)"
            ),
            CheckMsg::EphemeralBusiest { used, size, tuple } => format!(
                "{used} of {size} ephemeral ports ({:.0}%) in use towards {}",
                pct(*used, *size),
                tuple_text(tuple)
            ),
            CheckMsg::ConntrackSummary { tcp, entries, max } => match (entries, max) {
                (Some(e), Some(m)) => format!(
                    "conntrack table {:.0}% full ({e} of {m} entries; {tcp} TCP)",
                    pct(*e, *m)
                ),
                _ => format!("conntrack table: {tcp} TCP entries, size or limit unknown"),
            },
            CheckMsg::ConntrackNone => {
                "no conntrack table in this namespace (nf_conntrack is not loaded)".to_string()
            }
            CheckMsg::ConntrackUnreadable { why } => format!("conntrack table not read: {why}"),
            CheckMsg::TimeWaitSummary { count, max } => match max {
                Some(m) => format!(
                    "{count} TIME_WAIT sockets, {:.0}% of tcp_max_tw_buckets ({m})",
                    pct(*count, *m)
                ),
                None => format!("{count} TIME_WAIT sockets"),
            },
            CheckMsg::CloseWaitSummary {
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
            CheckMsg::SynBacklogSummary { count, worst } => match worst {
                Some((port, n, backlog)) => format!(
                    "{count} SYN_RECV sockets; port {port} has {n} against a backlog of {backlog}"
                ),
                None if *count == 0 => "no SYN_RECV socket".to_string(),
                None => count_of(*count, "SYN_RECV socket", "SYN_RECV sockets"),
            },
            CheckMsg::AcceptQueueSummary { listeners, worst } => match worst {
                Some((port, q, b)) => format!(
                    "accept queue of port {port} holds {q} of its backlog {b} ({:.0}%)",
                    pct(*q, *b)
                ),
                None => format!(
                    "{}, no connection waiting to be accepted",
                    count_of(*listeners, "listener", "listeners")
                ),
            },
            CheckMsg::ClosingSummary {
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
            CheckMsg::FinWait2Summary { count: 0, .. } => "no FIN_WAIT2 socket".to_string(),
            CheckMsg::FinWait2Summary {
                count,
                held: Some(held),
            } => format!(
                "{} waiting for the peer to close ({held} held by the application)",
                count_of(*count, "FIN_WAIT2 socket", "FIN_WAIT2 sockets")
            ),
            CheckMsg::FinWait2Summary { count, held: None } => format!(
                "{} waiting for the peer to close",
                count_of(*count, "FIN_WAIT2 socket", "FIN_WAIT2 sockets")
            ),
            CheckMsg::OrphansSummary { count, max } => format!(
                "{count} orphaned sockets, {:.0}% of tcp_max_orphans ({max})",
                pct(*count, *max)
            ),
            CheckMsg::MemorySummary {
                pages,
                pressure,
                max,
            } => format!(
                "TCP memory {pages} pages, pressure threshold {pressure}, maximum {max} ({:.0}%)",
                pct(*pages, *max)
            ),
            CheckMsg::StuckSummary { count: 0, bytes } => {
                format!("no connected socket with {bytes} bytes or more queued")
            }
            CheckMsg::StuckSummary { count, bytes } => format!(
                "{} with {bytes} bytes or more queued",
                count_of(*count, "connected socket", "connected sockets")
            ),
            CheckMsg::SlowPeersSummary { peers, slow: 0 } => format!(
                "{} within the rtt and retransmission thresholds",
                count_of(*peers, "peer", "peers")
            ),
            CheckMsg::SlowPeersSummary { peers, slow } => format!(
                "{} of {peers} past the rtt or retransmission thresholds",
                count_of(*slow, "peer", "peers")
            ),
            CheckMsg::ListenerDropsSummary {
                worst: Some((port, by)),
                rising,
                secs,
                ..
            } => format!(
                "{} dropped connection requests in {secs:.1}s, most port {port} ({by})",
                count_of(*rising, "listener", "listeners")
            ),
            CheckMsg::ListenerDropsSummary { listeners, .. } => format!(
                "no drops on {}",
                count_of(*listeners, "listener", "listeners")
            ),
            CheckMsg::SndbufSummary { count, judged } => format!(
                "{} of {judged} busy held back by the send buffer most of the time",
                count_of(*count, "socket", "sockets")
            ),
            CheckMsg::RetransmitsSummary {
                total,
                peers,
                over,
                secs,
            } => format!(
                "{} to {} in {secs:.1}s, {over} past the rate threshold",
                count_of(*total, "segment retransmitted", "segments retransmitted"),
                count_of(*peers, "peer", "peers")
            ),
            CheckMsg::DropsSummary { total, worst, secs } => match worst {
                Some((reason, n)) => format!(
                    "{} dropped by the kernel in {secs:.1}s, most for {reason} ({n})",
                    count_of(*total, "packet", "packets")
                ),
                None => format!("no packet dropped by the kernel in {secs:.1}s"),
            },
            CheckMsg::ResetsSummary {
                sent,
                received,
                secs,
            } => format!("{sent} resets sent, {received} received in {secs:.1}s"),
            CheckMsg::EventsIncomplete { lost } => format!(
                "incomplete: {} lost, the counts are lower bounds",
                count_of(*lost, "traced event", "traced events")
            ),
            CheckMsg::StateCountsSummary { worst, states } => match worst {
                Some((s, n)) => format!("{n} {s} sockets"),
                None => format!("{states} states within their limits"),
            },
            CheckMsg::StateCount {
                state,
                count,
                total,
                limit,
            } => format!(
                "{count} {state} of {total} sockets ({})",
                limit_en(limit)
            ),
            CheckMsg::PortRange { lo, hi, size } => {
                format!("net.ipv4.ip_local_port_range = {lo} {hi} ({size} ports)")
            }
            CheckMsg::TwReuse { value } => {
                let meaning = match value {
                    0 => "TIME_WAIT ports are never reused for new connections",
                    1 => "TIME_WAIT ports are reused for new connections",
                    2 => "TIME_WAIT ports are reused for loopback connections only",
                    _ => "unknown value",
                };
                format!("net.ipv4.tcp_tw_reuse = {value} ({meaning})")
            }
            CheckMsg::ClientTuples { tuples, sockets } => format!(
                "{} (local port in the range) towards {}",
                count_of(*sockets, "client socket", "client sockets"),
                count_of(*tuples, "destination", "destinations")
            ),
            CheckMsg::Thresholds { measure, limit } => {
                let what = match measure {
                    Measure::TupleOfRange => "ports used towards one destination, of the range",
                    Measure::SynRecvOfBacklog => "SYN_RECV of a listening port, of its backlog",
                    Measure::QueueOfBacklog => "accept queue of a listener, of its backlog",
                    Measure::PeerRttP99Ms => "99th percentile rtt of a peer, in ms",
                    Measure::PeerRetransShare => "bytes retransmitted to a peer, of those sent",
                    Measure::ListenerDropsIncrease => "rise of one listener's drops",
                    Measure::PeerRetransPerSec => "segments retransmitted to one peer per second",
                    Measure::DropsPerSec => "packets dropped for one reason per second",
                    Measure::ResetsSentPerSec => "resets sent per second",
                    Measure::SndbufSockets => {
                        "sockets held back by their send buffer over half their busy time"
                    }
                };
                format!("thresholds: {what}: {}", limit_en(limit))
            }
            CheckMsg::ConntrackFill {
                entries,
                max,
                limit,
            } => format!(
                "conntrack table: {entries} entries, net.netfilter.nf_conntrack_max = {max} ({:.0}%; {})",
                pct(*entries, *max),
                limit_en(limit)
            ),
            CheckMsg::ConntrackClosing {
                time_wait,
                close,
                tcp,
            } => format!(
                "of its {tcp} TCP entries, {time_wait} TIME_WAIT and {close} CLOSE ({:.0}%)",
                pct(time_wait + close, *tcp)
            ),
            CheckMsg::ConntrackIncrease {
                stat,
                by,
                secs,
                limit,
            } => format!(
                "conntrack {stat} rose by {by} in {secs:.1}s ({})",
                limit_en(limit)
            ),
            CheckMsg::ConntrackReconciled {
                stale,
                lost,
                stale_limit,
                lost_limit,
            } => format!(
                "{stale} stale conntrack entries (ESTABLISHED, no socket; {}), {lost} lost flows \
                 (ESTABLISHED socket, no entry; {})",
                limit_en(stale_limit),
                limit_en(lost_limit)
            ),
            CheckMsg::ConntrackNeedsInterval => "the increase of conntrack insert_failed and drop \
                needs two samples: run with --interval 2s"
                .to_string(),
            CheckMsg::TwBuckets { count, max, limit } => format!(
                "{count} TIME_WAIT in this network namespace, net.ipv4.tcp_max_tw_buckets = {max} ({})",
                limit_en(limit)
            ),
            CheckMsg::Increase {
                counter,
                beyond: None,
                by,
                secs,
                limit,
            } => format!(
                "TcpExt {counter} rose by {by} in {secs:.1}s ({})",
                limit_en(limit)
            ),
            CheckMsg::Increase {
                counter,
                beyond: Some((other, other_by)),
                by,
                secs,
                limit,
            } => format!(
                "TcpExt {counter} rose by {by} in {secs:.1}s beyond the {other_by} of {other} ({})",
                limit_en(limit)
            ),
            CheckMsg::Persistent {
                count,
                of,
                secs,
                limit,
            } => format!(
                "{count} of {of} CLOSE_WAIT sockets were already in CLOSE_WAIT {secs:.1}s earlier ({})",
                limit_en(limit)
            ),
            CheckMsg::Listeners { count } => count_of(*count, "listening socket", "listening sockets"),
            CheckMsg::Sysctl { name, value } => format!("{name} = {value}"),
            CheckMsg::Syncookies { value } => {
                let meaning = match value {
                    0 => "off: a full SYN queue drops new connections",
                    1 => "on when the SYN queue is full",
                    2 => "always on",
                    _ => "unknown value",
                };
                format!("net.ipv4.tcp_syncookies = {value} ({meaning})")
            }
            CheckMsg::FinRetransmits { max } => format!(
                "a FIN_WAIT1 socket has retransmitted its FIN {}",
                count_of(u64::from(*max), "time", "times")
            ),
            CheckMsg::FinWait2Held { held: Some(held) } => format!(
                "{held} FIN_WAIT2 sockets still belong to a process (shutdown() without close()): no timeout applies to them"
            ),
            CheckMsg::FinWait2Held { held: None } => "whether a process still holds these FIN_WAIT2 sockets is unknown: the input has no socket inodes (save captures with netstat -e or ss -e)".to_string(),
            CheckMsg::Orphans { count, max, limit } => format!(
                "{count} orphaned sockets (sockstat), net.ipv4.tcp_max_orphans = {max} ({})",
                limit_en(limit)
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
                    "TCP memory {pages} pages (sockstat), net.ipv4.tcp_mem = {min} {pressure} {max} ({}",
                    limit_en(limit)
                );
                if *pressure_warn {
                    s.push_str(", warning above the pressure threshold");
                }
                s.push(')');
                s
            }
            CheckMsg::StuckSockets {
                count,
                bytes,
                limit,
            } => format!(
                "{count} ESTABLISHED sockets with Send-Q or Recv-Q of {bytes} bytes or more ({})",
                limit_en(limit)
            ),
            CheckMsg::PeersJudged {
                peers,
                sockets,
                min_bytes,
            } => format!(
                "tcp_info of {} towards {}; the retransmitted share is judged from {min_bytes} bytes sent",
                count_of(*sockets, "connection", "connections"),
                count_of(*peers, "peer", "peers")
            ),
            CheckMsg::BacklogUnknown { listeners } => format!(
                "the backlog of {} is not in this input (/proc/net/tcp and netstat show 0 for it, BSD and Windows listings do not show it): read the live host through sock_diag netlink (--source netlink) or save captures with ss -tan",
                count_of(*listeners, "listening socket", "listening sockets")
            ),
            CheckMsg::UnknownStates { count } => format!(
                "{count} sockets of unknown state (the input carried no State column) are not \
                 judged by this rule"
            ),
            CheckMsg::NoHostFacts => {
                "a saved capture holds no kernel counters or sysctls".to_string()
            }
            CheckMsg::NoTcpInfo => "this input carries no tcp_info (a saved capture, /proc/net/tcp): rtt, retransmissions and send-buffer limits are read live through sock_diag netlink".to_string(),
            CheckMsg::NoListenerDrops => "this input carries no listener's memory (a saved capture, /proc/net/tcp): its drops are read live through sock_diag netlink".to_string(),
            CheckMsg::NeedsIntervalListenerDrops => {
                "whether a listener's drops rise needs two samples: run with --interval 2s"
                    .to_string()
            }
            CheckMsg::NeedsEvents { kind } => format!(
                "this rule counts traced events: run with --interval 2s --events {kind}"
            ),
            CheckMsg::EventsUnavailable { why } => format!("no events traced: {why}"),
            CheckMsg::EventsLost { lost } => format!(
                "{} lost or never delivered during the interval (a larger --events-buffer-pages keeps more)",
                count_of(*lost, "event", "events")
            ),
            CheckMsg::DropsIgnored { reasons } => {
                format!("drop reasons not judged (configuration): {}", reasons.join(", "))
            }
            CheckMsg::SysctlMissing { name } => format!(
                "{name} cannot be read here (host-wide sysctls are only visible in the host's own network namespace)"
            ),
            CheckMsg::CountersMissing => {
                "the kernel counters (/proc/net/netstat, snmp, sockstat) cannot be read".to_string()
            }
            CheckMsg::NeedsInterval { counters } => format!(
                "the increase of TcpExt {} needs two samples: run with --interval 2s",
                counters.join(" and ")
            ),
            CheckMsg::NeedsIntervalPersistence => {
                "whether the same sockets stay in CLOSE_WAIT needs two samples: run with --interval 2s"
                    .to_string()
            }
            CheckMsg::TupleUse {
                used,
                size,
                time_wait,
                established,
                syn_sent,
            } => format!(
                "{used} of {size} ports ({:.0}%): {time_wait} TIME_WAIT, {established} ESTABLISHED, {syn_sent} SYN_SENT",
                pct(*used, *size)
            ),
            CheckMsg::CloseWaitPort { count, persistent } => match persistent {
                Some(p) => format!("{count} CLOSE_WAIT, {p} persistent"),
                None => format!("{count} CLOSE_WAIT"),
            },
            CheckMsg::SynRecvPort { count, backlog } => format!(
                "{count} SYN_RECV, backlog {backlog} ({:.0}%)",
                pct(*count, *backlog)
            ),
            CheckMsg::QueueFill { queued, backlog } => format!(
                "{queued} waiting to be accepted, backlog {backlog} ({:.0}%)",
                pct(*queued, *backlog)
            ),
            CheckMsg::PeerClosing {
                fin_wait1,
                closing,
                last_ack,
            } => format!("{fin_wait1} FIN_WAIT1, {closing} CLOSING, {last_ack} LAST_ACK"),
            CheckMsg::PeerFinWait2 { count } => format!("{count} FIN_WAIT2"),
            CheckMsg::PeerTimeWait { count } => format!("{count} TIME_WAIT"),
            CheckMsg::PeerStuck {
                sockets,
                max_send_q,
                max_recv_q,
            } => format!(
                "{sockets} sockets, largest Send-Q {max_send_q} bytes, largest Recv-Q {max_recv_q} bytes"
            ),
            CheckMsg::PeerSlow {
                sockets,
                rtt_p99_us,
                retrans_pct,
            } => {
                let rtt = rtt_p99_us.map_or("-".to_string(), |us| format!("{:.1}", us as f64 / 1000.0));
                let share = retrans_pct.map_or("-".to_string(), |p| format!("{p:.2}%"));
                format!(
                    "{}, rtt p99 {rtt} ms, {share} of bytes retransmitted",
                    count_of(*sockets, "connection", "connections")
                )
            }
            CheckMsg::ListenerDropsRose { by, secs } => {
                format!("{by} requests dropped in {secs:.1}s")
            }
            CheckMsg::PeerSndbuf { sockets } => format!(
                "{} held back by the send buffer",
                count_of(*sockets, "socket", "sockets")
            ),
            CheckMsg::EventRate { count, secs } => {
                format!("{count} in {secs:.1}s ({:.1}/s)", rate(*count, *secs))
            }
        }
    }
}

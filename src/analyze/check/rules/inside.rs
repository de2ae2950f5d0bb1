//! Inside the connections: peers whose 99th percentile rtt or retransmitted share of bytes
//! crosses a threshold (from the tcp_info of their connections), listeners whose own drops
//! (`sk_drops`, from their memory) rose between two samples — which listener drops, not only
//! that one did — and sockets their send buffer held back for most of their busy time.

use super::*;
use crate::analyze::check::CheckSink;
use crate::analyze::listener::ListenQueue;
use crate::analyze::stats::GroupStats;

/// A peer's figures against the thresholds: the severity, and the share judged (percent)
/// when enough bytes were sent.
fn judge_peer(t: &Thresholds, g: &GroupStats) -> (Severity, Option<f64>) {
    let mut sev = Severity::Ok;
    if let Some(p99) = g.rtt_p99_us {
        sev = sev.max(t.peer_rtt_p99_ms.severity(p99 / 1000, 0));
    }
    let mut pct = None;
    if let (Some(sent), Some(retrans)) = (g.bytes_sent, g.bytes_retrans)
        && sent > 0
        && sent >= t.peer_min_bytes
    {
        sev = sev.max(t.peer_retrans.severity(retrans, sent));
        pct = g.retrans_share().map(|s| s * 100.0);
    }
    (sev, pct)
}

/// A tcp_info rule's finding when no socket carried tcp_info: not judged where sockets are
/// connected (sockets of unknown state may be), as it is where none is.
fn without_tcp_info(k: &CheckSink, f: Finding) -> Finding {
    let connected = k.counts.get(TcpState::Established) > 0 || k.counts.get(TcpState::Unknown) > 0;
    if connected {
        f.skipped(CheckMsg::NoTcpInfo)
    } else {
        f
    }
}

pub fn slow_peers(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let mut f = finding(
        Rule::SlowPeers,
        AdviceSettings::default(),
        CheckMsg::SlowPeersSummary {
            peers: k.peer_stats.len() as u64,
            slow: 0,
        },
    );
    if k.with_info == 0 {
        return without_tcp_info(k, f);
    }
    let mut judged: Vec<(&Host, GroupStats, Severity, Option<f64>)> = k
        .peer_stats
        .iter()
        .map(|(h, acc)| {
            let g = acc.finish();
            let (sev, pct) = judge_peer(t, &g);
            (h, g, sev, pct)
        })
        .collect();
    judged.sort_by(|a, b| a.0.cmp(b.0));
    let slow: Vec<_> = judged
        .into_iter()
        .filter(|(.., sev, _)| *sev > Severity::Ok)
        .collect();
    for (.., sev, _) in &slow {
        f.raise(*sev);
    }
    f.summary = CheckMsg::SlowPeersSummary {
        peers: k.peer_stats.len() as u64,
        slow: slow.len() as u64,
    };
    f.metrics.push(("slow_peers", slow.len() as u64));
    f.evidence.push(CheckMsg::PeersJudged {
        peers: k.peer_stats.len() as u64,
        sockets: k.with_info,
        min_bytes: t.peer_min_bytes,
    });
    for (measure, limit) in [
        (Measure::PeerRttP99Ms, t.peer_rtt_p99_ms),
        (Measure::PeerRetransShare, t.peer_retrans),
    ] {
        f.evidence.push(CheckMsg::Thresholds { measure, limit });
    }
    let worst = top(slow, |(_, g, sev, _)| (*sev, g.rtt_p99_us));
    f.offenders = worst
        .into_iter()
        .map(|(h, g, _, pct)| Offender {
            key: OffenderKey::Peer(h.clone()),
            count: g.with_info,
            limit: None,
            text: CheckMsg::PeerSlow {
                sockets: g.with_info,
                rtt_p99_us: g.rtt_p99_us,
                retrans_pct: pct,
            },
        })
        .collect();
    f
}

pub fn listener_drops(t: &Thresholds, obs: &Observation) -> Finding {
    let listeners = &obs.sockets.listeners;
    let mut f = finding(
        Rule::ListenerDrops,
        AdviceSettings::default(),
        CheckMsg::ListenerDropsSummary {
            listeners: 0,
            rising: 0,
            worst: None,
            secs: secs(obs),
        },
    );
    if !listeners.is_empty() && listeners.iter().all(|l| l.drops.is_none()) {
        return f.skipped(CheckMsg::NoListenerDrops);
    }
    let Some(previous) = obs.previous_listeners else {
        return if listeners.is_empty() {
            f
        } else {
            f.skipped(CheckMsg::NeedsIntervalListenerDrops)
        };
    };
    // Each listener against the same socket in the first sample; one opened between the two
    // is not judged.
    let mut known = 0u64;
    let mut rising: Vec<(&ListenQueue, u16, u64)> = Vec::new();
    for l in listeners {
        let (Some(port), Some(now)) = (l.port(), l.drops) else {
            continue;
        };
        let Some(then) = previous
            .iter()
            .find(|p| p.same_socket(l))
            .and_then(|p| p.drops)
        else {
            continue;
        };
        known += 1;
        let by = now.saturating_sub(then);
        f.raise(t.listener_drops.severity(by, 0));
        if by > 0 {
            rising.push((l, port, by));
        }
    }
    rising.sort_by_key(|&(_, port, _)| port);
    let rising_count = rising.len() as u64;
    let worst = top(rising, |&(_, _, by)| by);
    f.summary = CheckMsg::ListenerDropsSummary {
        listeners: known,
        rising: rising_count,
        worst: worst.first().map(|&(_, port, by)| (port, by)),
        secs: secs(obs),
    };
    f.metrics.push(("listeners_dropping", rising_count));
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::ListenerDropsIncrease,
        limit: t.listener_drops,
    });
    f.offenders = worst
        .into_iter()
        .map(|(l, port, by)| Offender {
            key: OffenderKey::Listener {
                host: l.host(),
                port,
            },
            count: by,
            limit: None,
            text: CheckMsg::ListenerDropsRose {
                by,
                secs: secs(obs),
            },
        })
        .collect();
    f
}

pub fn sndbuf_limited(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let mut f = finding(
        Rule::SndbufLimited,
        AdviceSettings::default(),
        CheckMsg::SndbufSummary {
            count: k.sndbuf_limited,
            judged: k.sndbuf_judged,
        },
    );
    if k.with_info == 0 {
        return without_tcp_info(k, f);
    }
    f.raise(t.sndbuf_limited.severity(k.sndbuf_limited, k.sndbuf_judged));
    f.metrics.push(("sndbuf_limited", k.sndbuf_limited));
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::SndbufSockets,
        limit: t.sndbuf_limited,
    });
    let peers: Vec<_> = k
        .peers
        .iter()
        .filter(|(_, p)| p.sndbuf_limited > 0)
        .collect();
    f.offenders = peer_offenders(
        peers,
        |p| p.sndbuf_limited,
        |p| CheckMsg::PeerSndbuf {
            sockets: p.sndbuf_limited,
        },
    );
    f
}

#[cfg(test)]
mod tests {
    use super::super::tests::sock;
    use super::*;
    use crate::analyze::check::sink::{CheckSink, SinkConfig};
    use crate::socket::{Endpoint, Socket};
    use crate::tcpinfo::{SocketMemory, TcpInfo};
    use std::net::{IpAddr, Ipv4Addr};
    use std::time::Duration;

    fn conn(peer: u8, info: TcpInfo) -> Socket {
        let mut s = sock(TcpState::Established, 40000, 443);
        s.remote = Endpoint::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, peer)), 443);
        s.info = Some(Box::new(info));
        s
    }

    fn sent(rtt_ms: u32, sent: u64, retrans: u64) -> TcpInfo {
        TcpInfo {
            rtt_us: Some(rtt_ms * 1000),
            bytes_sent: Some(sent),
            bytes_retrans: Some(retrans),
            ..TcpInfo::default()
        }
    }

    fn observe<'a>(k: &'a CheckSink, before: Option<&'a [ListenQueue]>) -> Observation<'a> {
        Observation {
            sockets: k,
            facts: None,
            previous: None,
            previous_listeners: before,
            interval: before.map(|_| Duration::from_secs(2)),
            traced: None,
        }
    }

    #[test]
    fn a_slow_lossy_peer_and_only_it() {
        let t = Thresholds::default();
        let mut k = CheckSink::new(SinkConfig::default());
        for _ in 0..3 {
            k.add_socket(&conn(1, sent(10, 2 << 20, 0)));
        }
        for _ in 0..2 {
            k.add_socket(&conn(2, sent(800, 2 << 20, 300_000)));
        }
        // Half its bytes retransmitted, but too few bytes sent to judge.
        k.add_socket(&conn(3, sent(10, 100, 50)));
        let f = slow_peers(&t, &observe(&k, None));
        assert_eq!(f.severity, Severity::Warning, "{f:?}");
        assert_eq!(f.offenders.len(), 1, "{f:?}");
        assert_eq!(
            f.offenders[0].key,
            OffenderKey::Peer(Host::Ip(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2))))
        );
        let CheckMsg::PeerSlow { retrans_pct, .. } = &f.offenders[0].text else {
            panic!("{f:?}");
        };
        let pct = retrans_pct.unwrap_or(0.0);
        assert!((pct - 600_000.0 * 100.0 / f64::from(4u32 << 20)).abs() < 1e-9);
        assert_eq!(f.summary, CheckMsg::SlowPeersSummary { peers: 3, slow: 1 });
        // A dump without tcp_info cannot judge connected sockets: skipped, said so.
        let mut bare = CheckSink::new(SinkConfig::default());
        bare.add_socket(&sock(TcpState::Established, 40000, 443));
        let f = slow_peers(&t, &observe(&bare, None));
        assert_eq!(f.notes, vec![CheckMsg::NoTcpInfo]);
    }

    fn listener(port: u16, cookie: u64, drops: Option<u32>) -> Socket {
        let mut s = sock(TcpState::Listen, port, 0);
        s.cookie = Some(cookie);
        s.recv_q = Some(0);
        s.send_q = Some(128);
        s.memory = drops.map(|d| {
            Box::new(SocketMemory {
                drops: Some(d),
                ..SocketMemory::default()
            })
        });
        s
    }

    #[test]
    fn the_listener_whose_drops_rose() {
        let t = Thresholds::default();
        let mut first = CheckSink::new(SinkConfig::default());
        first.add_socket(&listener(80, 1, Some(5)));
        first.add_socket(&listener(443, 2, Some(3)));
        let f = listener_drops(&t, &observe(&first, None));
        assert_eq!(f.notes, vec![CheckMsg::NeedsIntervalListenerDrops]);
        assert_eq!(f.severity, Severity::Ok);

        let mut second = CheckSink::new(SinkConfig::default());
        second.add_socket(&listener(80, 1, Some(12)));
        second.add_socket(&listener(443, 2, Some(3)));
        // Opened between the samples: not judged.
        second.add_socket(&listener(8080, 3, Some(9)));
        let f = listener_drops(&t, &observe(&second, Some(&first.listeners)));
        assert_eq!(f.severity, Severity::Warning, "{f:?}");
        assert_eq!(f.offenders.len(), 1);
        assert_eq!(f.offenders[0].count, 7);
        assert!(matches!(
            f.summary,
            CheckMsg::ListenerDropsSummary {
                listeners: 2,
                rising: 1,
                worst: Some((80, 7)),
                ..
            }
        ));

        let mut proc = CheckSink::new(SinkConfig::default());
        proc.add_socket(&listener(80, 1, None));
        let f = listener_drops(&t, &observe(&proc, Some(&first.listeners)));
        assert_eq!(f.notes, vec![CheckMsg::NoListenerDrops]);
    }

    #[test]
    fn sockets_held_back_by_their_send_buffer() {
        let t = Thresholds::default();
        let mut k = CheckSink::new(SinkConfig::default());
        let bound = TcpInfo {
            busy_ms: Some(10_000),
            sndbuf_limited_ms: Some(8_000),
            ..TcpInfo::default()
        };
        for _ in 0..11 {
            k.add_socket(&conn(4, bound.clone()));
        }
        // Busy too briefly to judge, and limited less than half the time.
        k.add_socket(&conn(
            5,
            TcpInfo {
                busy_ms: Some(500),
                sndbuf_limited_ms: Some(500),
                ..TcpInfo::default()
            },
        ));
        k.add_socket(&conn(
            5,
            TcpInfo {
                busy_ms: Some(10_000),
                sndbuf_limited_ms: Some(4_000),
                ..TcpInfo::default()
            },
        ));
        let f = sndbuf_limited(&t, &observe(&k, None));
        assert_eq!(f.severity, Severity::Warning, "{f:?}");
        assert_eq!(
            f.summary,
            CheckMsg::SndbufSummary {
                count: 11,
                judged: 12
            }
        );
        assert_eq!(f.offenders.len(), 1);
        assert_eq!(f.offenders[0].count, 11);
    }
}

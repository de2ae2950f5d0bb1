//! Queues: the accept queue (connections the kernel completed and the application has not
//! accepted, against the listener's backlog, with the ListenOverflows counter), the SYN backlog
//! (handshakes waiting for the last ACK, with the SYN cookie setting), and stuck sockets whose
//! Recv-Q or Send-Q holds more than the configured number of bytes, ranked by peer.

use super::*;
use crate::analyze::listener::{ListenQueue, per_port};

pub fn accept_queue(t: &Thresholds, obs: &Observation) -> Finding {
    let listeners = &obs.sockets.listeners;
    let mut f = finding(
        Rule::AcceptQueue,
        AdviceSettings::default(),
        CheckMsg::AcceptQueueSummary {
            listeners: listeners.len() as u64,
            worst: None,
        },
    );
    // Only a listener whose queue and backlog the input carries can be judged.
    let known: Vec<(&ListenQueue, u16, u64, u64)> = listeners
        .iter()
        .filter_map(|l| Some((l, l.port()?, l.queued?, l.backlog?)))
        .collect();
    let unknown = (listeners.len() - known.len()) as u64;
    for &(_, _, queued, backlog) in &known {
        f.raise(t.accept_queue.severity(queued, backlog));
    }
    let busy: Vec<_> = known.into_iter().filter(|k| k.2 > 0).collect();
    let busy = top(busy, |k| fill_key(k.2, k.3));
    if let Some(&(_, port, queued, backlog)) = busy.first() {
        f.summary = CheckMsg::AcceptQueueSummary {
            listeners: listeners.len() as u64,
            worst: Some((port, queued, backlog)),
        };
        f.metrics.push(("worst_queued", queued));
        f.metrics.push(("worst_backlog", backlog));
    }
    if unknown > 0 {
        let why = CheckMsg::BacklogUnknown { listeners: unknown };
        if unknown == listeners.len() as u64 {
            f = f.skipped(why);
        } else {
            f.notes.push(why);
        }
    }
    f.offenders = busy
        .into_iter()
        .map(|(l, port, queued, backlog)| Offender {
            key: OffenderKey::Listener {
                host: l.host(),
                port,
            },
            count: queued,
            limit: Some(backlog),
            text: CheckMsg::QueueFill { queued, backlog },
        })
        .collect();
    f.evidence.push(CheckMsg::Listeners {
        count: listeners.len() as u64,
    });
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::QueueOfBacklog,
        limit: t.accept_queue,
    });
    if let Some(h) = facts(&mut f, obs) {
        if let Some(v) = h.somaxconn {
            f.evidence.push(CheckMsg::Sysctl {
                name: "net.core.somaxconn",
                value: v,
            });
        }
        increases(
            &mut f,
            obs,
            &[counter("ListenOverflows", &t.listen_overflows)],
        );
    }
    f
}

pub fn syn_backlog(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let syncookies = obs.facts.and_then(|h| h.syncookies);
    let mut f = finding(
        Rule::SynBacklog,
        AdviceSettings {
            syncookies,
            ..AdviceSettings::default()
        },
        CheckMsg::SynBacklogSummary {
            count: 0,
            worst: None,
        },
    );
    let count = state_evidence(&mut f, t, obs, TcpState::SynRecv, Heads::Yes);
    // Per listening port: SYN_RECV against the sum of the backlogs listening there (IPv4 and
    // IPv6 listeners, SO_REUSEPORT groups).
    let listening = per_port(
        k.listeners
            .iter()
            .filter_map(|l| Some((l.port()?, l.queued, l.backlog))),
    );
    // A port whose backlog the input does not carry is not judged, and said so.
    let mut unknown = 0u64;
    let mut ports: Vec<(u16, u64, u64)> = k
        .syn_recv_by_port
        .iter()
        .filter_map(|(&port, &n)| {
            let l = listening.iter().find(|l| l.port == port)?;
            if l.backlog.is_none() {
                unknown += 1;
            }
            Some((port, n, l.backlog?))
        })
        .collect();
    if unknown > 0 {
        f.notes
            .push(CheckMsg::BacklogUnknown { listeners: unknown });
    }
    ports.sort_by_key(|&(port, ..)| port);
    for &(_, n, backlog) in &ports {
        f.raise(t.syn_backlog.severity(n, backlog));
    }
    let ports = top(ports, |&(_, n, b)| fill_key(n, b));
    f.summary = CheckMsg::SynBacklogSummary {
        count,
        worst: ports.first().copied(),
    };
    f.offenders = ports
        .into_iter()
        .map(|(port, n, backlog)| Offender {
            key: OffenderKey::Port { port, owner: None },
            count: n,
            limit: Some(backlog),
            text: CheckMsg::SynRecvPort { count: n, backlog },
        })
        .collect();
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::SynRecvOfBacklog,
        limit: t.syn_backlog,
    });
    if let Some(h) = facts(&mut f, obs) {
        if let Some(v) = h.syncookies {
            f.evidence.push(CheckMsg::Syncookies { value: v });
        }
        if let Some(v) = h.max_syn_backlog {
            f.evidence.push(CheckMsg::Sysctl {
                name: "net.ipv4.tcp_max_syn_backlog",
                value: v,
            });
        }
        increases(
            &mut f,
            obs,
            &[
                counter("SyncookiesSent", &t.syncookies_sent),
                // Every accept-queue overflow is a ListenDrop too: this rule answers for the
                // drops the accept queue (its own rule) does not explain.
                Counter {
                    beyond: Some("ListenOverflows"),
                    ..counter("ListenDrops", &t.listen_drops)
                },
            ],
        );
    }
    f
}

pub fn stuck_queues(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let bytes = k.config().stuck_bytes;
    let mut f = finding(
        Rule::StuckQueues,
        AdviceSettings::default(),
        CheckMsg::StuckSummary {
            count: k.stuck,
            bytes,
        },
    );
    let established = k.counts.get(TcpState::Established);
    f.raise(t.stuck_sockets.severity(k.stuck, established));
    f.evidence.push(CheckMsg::StuckSockets {
        count: k.stuck,
        bytes,
        limit: t.stuck_sockets,
    });
    f.metrics.push(("stuck", k.stuck));
    let peers: Vec<_> = k.peers.iter().filter(|(_, p)| p.stuck > 0).collect();
    f.offenders = peer_offenders(
        peers,
        |p| p.stuck,
        |p| CheckMsg::PeerStuck {
            sockets: p.stuck,
            max_send_q: p.max_send_q,
            max_recv_q: p.max_recv_q,
        },
    );
    f
}

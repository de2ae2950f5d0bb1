//! TIME_WAIT: the normal end of a connection on the side that closed first. The rule judges the
//! count against the thresholds and net.ipv4.tcp_max_tw_buckets, ranks the peers holding them, and
//! watches the kernel counter of TIME_WAIT sockets destroyed early for want of buckets.

use super::*;

pub fn time_wait(t: &Thresholds, obs: &Observation) -> Finding {
    let mut f = finding(
        Rule::TimeWait,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let count = state_evidence(&mut f, t, obs, TcpState::TimeWait, Heads::Yes);
    let mut max = None;
    if let Some(h) = facts(&mut f, obs) {
        // The bucket limit is per network namespace: compare the kernel's own count.
        let tw = h.counters.as_ref().map(|c| c.sockstat.tw).unwrap_or(count);
        match h.max_tw_buckets {
            Some(m) => {
                let m = to_u64(m);
                max = Some(m);
                f.raise(t.tw_buckets.severity(tw, m));
                f.evidence.push(CheckMsg::TwBuckets {
                    count: tw,
                    max: m,
                    limit: t.tw_buckets,
                });
                f.metrics.push(("max_tw_buckets", m));
            }
            None => f.notes.push(CheckMsg::SysctlMissing {
                name: "net.ipv4.tcp_max_tw_buckets",
            }),
        }
        increases(
            &mut f,
            obs,
            &[counter("TCPTimeWaitOverflow", &t.tw_overflow)],
        );
    }
    f.summary = CheckMsg::TimeWaitSummary { count, max };
    let peers: Vec<_> = obs
        .sockets
        .peers
        .iter()
        .filter(|(_, p)| p.time_wait > 0)
        .collect();
    f.offenders = peer_offenders(
        peers,
        |p| p.time_wait,
        |p| CheckMsg::PeerTimeWait { count: p.time_wait },
    );
    f
}

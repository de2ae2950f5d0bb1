//! CLOSE_WAIT: sockets whose peer has closed and whose application has not, which the kernel never
//! times out. The rule counts them per local port (with the owning process once attributed) and,
//! with two samples, the ones that persisted across the interval.

use super::*;

pub fn close_wait(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let mut f = finding(
        Rule::CloseWait,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let count = state_evidence(&mut f, t, obs, TcpState::CloseWait, Heads::No);
    match k.close_wait_persistent {
        Some(p) => {
            f.raise(t.close_wait_persistent.severity(p, count));
            f.evidence.push(CheckMsg::Persistent {
                count: p,
                of: count,
                secs: secs(obs),
                limit: t.close_wait_persistent,
            });
            f.metrics.push(("persistent", p));
        }
        None => f.notes.push(CheckMsg::NeedsIntervalPersistence),
    }
    f.summary = CheckMsg::CloseWaitSummary {
        count,
        ports: k.close_wait_by_port.len() as u64,
        persistent: k.close_wait_persistent,
        secs: secs(obs),
    };
    let mut ports: Vec<_> = k.close_wait_by_port.iter().collect();
    ports.sort_by(|a, b| a.0.cmp(b.0));
    f.offenders = top(ports, |(_, c)| (c.count, c.persistent))
        .into_iter()
        .map(|((port, owner), c)| Offender {
            key: OffenderKey::Port {
                port: *port,
                owner: owner.clone(),
            },
            count: c.count,
            limit: None,
            text: CheckMsg::CloseWaitPort {
                count: c.count,
                persistent: k.close_wait_persistent.map(|_| c.persistent),
            },
        })
        .collect();
    f
}

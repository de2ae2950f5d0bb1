//! Closing connections that do not finish: FIN_WAIT1, CLOSING and LAST_ACK (our FIN not
//! acknowledged) and FIN_WAIT2 (waiting for the peer's FIN). Both rules rank the peers holding the
//! sockets, since a lost or slow peer is usually the cause.

use super::*;

pub fn closing_peers(t: &Thresholds, obs: &Observation) -> Finding {
    let mut f = finding(
        Rule::ClosingPeers,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let fin_wait1 = state_evidence(&mut f, t, obs, TcpState::FinWait1, Heads::No);
    let closing = state_evidence(&mut f, t, obs, TcpState::Closing, Heads::No);
    let last_ack = state_evidence(&mut f, t, obs, TcpState::LastAck, Heads::No);
    f.summary = CheckMsg::ClosingSummary {
        fin_wait1,
        closing,
        last_ack,
    };
    if obs.sockets.fin_wait1_max_retransmits > 0 {
        f.evidence.push(CheckMsg::FinRetransmits {
            max: obs.sockets.fin_wait1_max_retransmits,
        });
    }
    let sum = |p: &crate::analyze::check::sink::PeerCounts| p.fin_wait1 + p.closing + p.last_ack;
    let peers: Vec<_> = obs
        .sockets
        .peers
        .iter()
        .filter(|(_, p)| sum(p) > 0)
        .collect();
    f.offenders = peer_offenders(peers, sum, |p| CheckMsg::PeerClosing {
        fin_wait1: p.fin_wait1,
        closing: p.closing,
        last_ack: p.last_ack,
    });
    f
}

pub fn fin_wait2(t: &Thresholds, obs: &Observation) -> Finding {
    let mut f = finding(
        Rule::FinWait2,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let count = state_evidence(&mut f, t, obs, TcpState::FinWait2, Heads::No);
    let k = obs.sockets;
    let held = (k.fin_wait2_unknown == 0).then_some(k.fin_wait2_held);
    f.summary = CheckMsg::FinWait2Summary { count, held };
    if count > 0 {
        f.evidence.push(CheckMsg::FinWait2Held { held });
    }
    if let Some(held) = held {
        f.metrics.push(("held", held));
    }
    if let Some(v) = obs.facts.and_then(|h| h.fin_timeout) {
        f.evidence.push(CheckMsg::Sysctl {
            name: "net.ipv4.tcp_fin_timeout",
            value: v,
        });
    }
    let peers: Vec<_> = obs
        .sockets
        .peers
        .iter()
        .filter(|(_, p)| p.fin_wait2 > 0)
        .collect();
    f.offenders = peer_offenders(
        peers,
        |p| p.fin_wait2,
        |p| CheckMsg::PeerFinWait2 { count: p.fin_wait2 },
    );
    f
}

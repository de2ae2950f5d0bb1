//! Ephemeral ports: client connections from one local address to one destination share the local
//! port range, and connect() fails with EADDRNOTAVAIL when that tuple has used it up. The rule
//! ranks the tuples by the share of the range they hold; it needs the host's port range, so a
//! capture is not judged.

use super::*;

pub fn ephemeral_ports(t: &Thresholds, obs: &Observation) -> Finding {
    let k = obs.sockets;
    let tw_reuse = obs.facts.and_then(|h| h.tw_reuse);
    let f = finding(
        Rule::EphemeralPorts,
        AdviceSettings {
            tw_reuse,
            ..AdviceSettings::default()
        },
        CheckMsg::EphemeralNone { size: 0 },
    );
    let Some(h) = obs.facts else {
        return f.skipped(CheckMsg::NoHostFacts);
    };
    let (Some((lo, hi)), Some(_)) = (h.port_range, k.config().ephemeral) else {
        return f.skipped(CheckMsg::SysctlMissing {
            name: "net.ipv4.ip_local_port_range",
        });
    };
    let mut f = f;
    let size = u64::from(hi.saturating_sub(lo)) + 1;
    let mut tuples: Vec<_> = k.tuples.iter().collect();
    tuples.sort_by(|a, b| a.0.cmp(b.0));
    let sockets: u64 = tuples.iter().map(|(_, u)| u.total()).sum();
    let n_tuples = tuples.len() as u64;
    let tuples = top(tuples, |(_, u)| u.total());
    let max = tuples.first().map(|(_, u)| u.total()).unwrap_or(0);
    f.raise(t.ephemeral_tuple.severity(max, size));
    f.summary = match tuples.first() {
        Some((tuple, u)) => CheckMsg::EphemeralBusiest {
            used: u.total(),
            size,
            tuple: **tuple,
        },
        None => CheckMsg::EphemeralNone { size },
    };
    f.offenders = tuples
        .iter()
        .map(|(tuple, u)| Offender {
            key: OffenderKey::Tuple(**tuple),
            count: u.total(),
            limit: Some(size),
            text: CheckMsg::TupleUse {
                used: u.total(),
                size,
                time_wait: u.time_wait,
                established: u.established,
                syn_sent: u.syn_sent,
            },
        })
        .collect();
    f.evidence.push(CheckMsg::PortRange { lo, hi, size });
    if let Some(v) = tw_reuse {
        f.evidence.push(CheckMsg::TwReuse { value: v });
    }
    f.evidence.push(CheckMsg::ClientTuples {
        tuples: n_tuples,
        sockets,
    });
    f.evidence.push(CheckMsg::Thresholds {
        measure: Measure::TupleOfRange,
        limit: t.ephemeral_tuple,
    });
    f.metrics.extend([
        ("range_size", size),
        ("tuple_max", max),
        ("client_sockets", sockets),
        ("destinations", n_tuples),
    ]);
    f
}

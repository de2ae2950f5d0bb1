//! Kernel resources: orphaned sockets against net.ipv4.tcp_max_orphans, and the pages of TCP
//! memory against the pressure and maximum values of net.ipv4.tcp_mem. Both read the kernel's
//! counters and sysctls, so a capture is not judged.

use super::*;

pub fn orphans(t: &Thresholds, obs: &Observation) -> Finding {
    let f = finding(
        Rule::Orphans,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let Some(h) = obs.facts else {
        return f.skipped(CheckMsg::NoHostFacts);
    };
    let Some(c) = &h.counters else {
        return f.skipped(CheckMsg::CountersMissing);
    };
    let Some(max) = h.max_orphans.map(to_u64) else {
        return f.skipped(CheckMsg::SysctlMissing {
            name: "net.ipv4.tcp_max_orphans",
        });
    };
    let mut f = f;
    let n = c.sockstat.orphan;
    f.raise(t.orphans.severity(n, max));
    f.summary = CheckMsg::OrphansSummary { count: n, max };
    f.evidence.push(CheckMsg::Orphans {
        count: n,
        max,
        limit: t.orphans,
    });
    f.metrics.extend([("orphans", n), ("max_orphans", max)]);
    f
}

pub fn memory(t: &Thresholds, obs: &Observation) -> Finding {
    let f = finding(
        Rule::Memory,
        AdviceSettings::default(),
        CheckMsg::AllOk { sockets: 0 },
    );
    let Some(h) = obs.facts else {
        return f.skipped(CheckMsg::NoHostFacts);
    };
    let Some(c) = &h.counters else {
        return f.skipped(CheckMsg::CountersMissing);
    };
    let Some([min, pressure, max]) = h.tcp_mem.map(|m| m.map(to_u64)) else {
        return f.skipped(CheckMsg::SysctlMissing {
            name: "net.ipv4.tcp_mem",
        });
    };
    let mut f = f;
    let pages = c.sockstat.mem;
    if t.memory_pressure && pages > pressure {
        f.raise(Severity::Warning);
    }
    f.raise(t.memory.severity(pages, max));
    f.summary = CheckMsg::MemorySummary {
        pages,
        pressure,
        max,
    };
    f.evidence.push(CheckMsg::TcpMem {
        pages,
        min,
        pressure,
        max,
        limit: t.memory,
        pressure_warn: t.memory_pressure,
    });
    f.metrics
        .extend([("pages", pages), ("pressure", pressure), ("max", max)]);
    f
}

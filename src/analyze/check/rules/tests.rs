//! Rules judged on hand-made aggregates and host facts: one sample, two samples, a capture.

use super::*;
use crate::analyze::check::sink::{CheckSink, SinkConfig};
use crate::analyze::check::thresholds::Level;
use crate::kernel::counters::Counters;
use crate::socket::{Endpoint, Family, Socket};
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

/// A loopback IPv4 socket in `state` between two ports (also used by the sink's tests).
pub(crate) fn sock(state: TcpState, lport: u16, rport: u16) -> Socket {
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    Socket::new(
        Family::V4,
        state,
        Endpoint::new(ip, lport),
        Endpoint::new(ip, rport),
    )
}

pub(crate) fn facts(ext: &[(&str, i64)]) -> HostFacts {
    let mut c = Counters::default();
    for (k, v) in ext {
        c.tcp_ext.insert(k.to_string(), *v);
    }
    c.sockstat.orphan = 10;
    c.sockstat.mem = 500;
    HostFacts {
        counters: Some(c),
        port_range: Some((40000, 40019)),
        tw_reuse: Some(2),
        max_tw_buckets: Some(100),
        syncookies: Some(1),
        max_syn_backlog: Some(128),
        somaxconn: Some(4096),
        fin_timeout: Some(60),
        max_orphans: Some(100),
        tcp_mem: Some([100, 400, 1000]),
        conntrack: None,
        conntrack_reconciled: None,
        at: Instant::now(),
    }
}

fn cfg() -> SinkConfig {
    SinkConfig {
        ephemeral: Some((40000, 40019)),
        ..SinkConfig::default()
    }
}

fn find(fs: &[Finding], r: Rule) -> &Finding {
    fs.iter().find(|f| f.rule == r).unwrap()
}

#[test]
fn one_sample_judges_what_it_can_and_says_what_it_skipped() {
    let mut k = CheckSink::new(cfg());
    let mut l = sock(TcpState::Listen, 80, 0);
    l.recv_q = Some(3);
    l.send_q = Some(2);
    k.add_socket(&l);
    for p in 40000..40017 {
        k.add_socket(&sock(TcpState::TimeWait, p, 80));
    }
    let h = facts(&[]);
    let obs = Observation {
        sockets: &k,
        facts: Some(&h),
        previous: None,
        previous_listeners: None,
        interval: None,
        traced: None,
    };
    let fs = all(&Thresholds::default(), &obs);
    assert_eq!(find(&fs, Rule::AcceptQueue).severity, Severity::Critical);
    let eph = find(&fs, Rule::EphemeralPorts);
    assert_eq!(eph.severity, Severity::Critical, "17 of 20 is 85%");
    assert_eq!(eph.offenders.len(), 1);
    assert_eq!(eph.offenders[0].count, 17);
    // 17 TIME_WAIT of 100 buckets: fine; sockstat says 0 here, so the kernel's number wins.
    assert_eq!(find(&fs, Rule::TimeWait).severity, Severity::Ok);
    let cw = find(&fs, Rule::CloseWait);
    assert!(cw.notes.contains(&CheckMsg::NeedsIntervalPersistence));
    let tw = find(&fs, Rule::TimeWait);
    assert!(
        tw.notes
            .iter()
            .any(|n| matches!(n, CheckMsg::NeedsInterval { .. }))
    );
    // Memory 500 pages is above the pressure threshold 400.
    assert_eq!(find(&fs, Rule::Memory).severity, Severity::Warning);
    assert_eq!(find(&fs, Rule::Orphans).severity, Severity::Ok);
    assert!(fs.iter().all(|f| f.rule != Rule::StateCounts));
}

#[test]
fn two_samples_judge_increases_and_persistence() {
    let before = facts(&[("ListenOverflows", 10), ("SyncookiesSent", 0)]);
    let after = facts(&[("ListenOverflows", 15), ("SyncookiesSent", 0)]);
    let mut k1 = CheckSink::new(SinkConfig {
        remember_close_wait: true,
        ..cfg()
    });
    let mut cw = sock(TcpState::CloseWait, 8080, 50000);
    cw.cookie = Some(1);
    k1.add_socket(&cw);
    let mut k2 = CheckSink::new(cfg()).compare_with(k1.close_wait_ids.clone());
    k2.add_socket(&cw);
    let t = Thresholds {
        close_wait_persistent: Limit::counts(0, 5),
        ..Thresholds::default()
    };
    let obs = Observation {
        sockets: &k2,
        facts: Some(&after),
        previous: Some(&before),
        previous_listeners: None,
        interval: Some(Duration::from_secs(2)),
        traced: None,
    };
    let fs = all(&t, &obs);
    let aq = find(&fs, Rule::AcceptQueue);
    assert_eq!(aq.severity, Severity::Warning, "5 overflows: above 0");
    assert!(aq.metrics.contains(&("listen_overflows_increase", 5)));
    let cw = find(&fs, Rule::CloseWait);
    assert_eq!(cw.severity, Severity::Warning);
    assert!(cw.metrics.contains(&("persistent", 1)));
    assert!(cw.notes.is_empty());
}

#[test]
fn a_capture_has_no_host_facts() {
    let mut k = CheckSink::new(SinkConfig::default());
    for p in 1..=8 {
        k.add_socket(&sock(TcpState::CloseWait, 8080, p));
    }
    k.add_socket(&sock(TcpState::Established, 8080, 9));
    let mut t = Thresholds::default();
    t.state_mut(TcpState::CloseWait).warn = Some(Level::Count(5));
    t.state_mut(TcpState::Established).crit = Some(Level::Percent(50.0));
    let obs = Observation {
        sockets: &k,
        facts: None,
        previous: None,
        previous_listeners: None,
        interval: None,
        traced: None,
    };
    let fs = all(&t, &obs);
    assert_eq!(find(&fs, Rule::CloseWait).severity, Severity::Warning);
    assert_eq!(find(&fs, Rule::CloseWait).offenders[0].count, 8);
    for r in [Rule::EphemeralPorts, Rule::Orphans, Rule::Memory] {
        let f = find(&fs, r);
        assert_eq!(f.severity, Severity::Ok);
        assert_eq!(f.notes, vec![CheckMsg::NoHostFacts]);
    }
    let sc = find(&fs, Rule::StateCounts);
    assert_eq!(sc.severity, Severity::Ok, "1 of 9 is under 50%");
}

#[test]
fn the_headline_names_what_raised_the_severity() {
    // TIME_WAIT over its share of all sockets, far below tcp_max_tw_buckets: the headline is
    // the share, not the (harmless) bucket fill.
    let mut k = CheckSink::new(cfg());
    for p in 1..=3 {
        k.add_socket(&sock(TcpState::TimeWait, 80, p));
    }
    for p in 4..=10 {
        k.add_socket(&sock(TcpState::Established, 80, p));
    }
    let mut t = Thresholds::default();
    t.state_mut(TcpState::TimeWait).warn = Some(Level::Percent(10.0));
    let now = facts(&[]);
    let obs = Observation {
        sockets: &k,
        facts: Some(&now),
        previous: None,
        previous_listeners: None,
        interval: None,
        traced: None,
    };
    let fs = all(&t, &obs);
    let tw = find(&fs, Rule::TimeWait);
    assert_eq!(tw.severity, Severity::Warning);
    assert!(
        matches!(
            tw.summary,
            CheckMsg::StateCount {
                state: TcpState::TimeWait,
                count: 3,
                total: 10,
                ..
            }
        ),
        "{:?}",
        tw.summary
    );

    // An accept-queue overflow raises ListenOverflows and ListenDrops alike: the accept queue
    // is to blame, headed by the counter, and the SYN backlog stays OK.
    let before = facts(&[
        ("ListenOverflows", 100),
        ("ListenDrops", 100),
        ("SyncookiesSent", 0),
    ]);
    let after = facts(&[
        ("ListenOverflows", 116),
        ("ListenDrops", 116),
        ("SyncookiesSent", 0),
    ]);
    let k = CheckSink::new(cfg());
    let obs = Observation {
        sockets: &k,
        facts: Some(&after),
        previous: Some(&before),
        previous_listeners: None,
        interval: Some(Duration::from_secs(2)),
        traced: None,
    };
    let fs = all(&Thresholds::default(), &obs);
    let aq = find(&fs, Rule::AcceptQueue);
    assert!(aq.severity > Severity::Ok);
    assert!(
        matches!(
            aq.summary,
            CheckMsg::Increase {
                counter: "ListenOverflows",
                by: 16,
                ..
            }
        ),
        "{:?}",
        aq.summary
    );
    let sb = find(&fs, Rule::SynBacklog);
    assert_eq!(sb.severity, Severity::Ok, "{:?}", sb.summary);
    assert!(sb.metrics.contains(&("listen_drops_increase", 16)));

    // Drops the overflows do not explain are the SYN backlog's, and head it.
    let after = facts(&[
        ("ListenOverflows", 100),
        ("ListenDrops", 120),
        ("SyncookiesSent", 0),
    ]);
    let obs = Observation {
        facts: Some(&after),
        ..obs
    };
    let fs = all(&Thresholds::default(), &obs);
    let sb = find(&fs, Rule::SynBacklog);
    assert!(sb.severity > Severity::Ok);
    assert!(
        matches!(
            sb.summary,
            CheckMsg::Increase {
                counter: "ListenDrops",
                beyond: Some(("ListenOverflows", 0)),
                by: 20,
                ..
            }
        ),
        "{:?}",
        sb.summary
    );
}

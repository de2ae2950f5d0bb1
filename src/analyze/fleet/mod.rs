//! The fleet: the per-state counts of every `tcpstate serve` a Prometheus server scrapes, read
//! back from the samples of an instant query and arranged per instance (one exporter, or one
//! namespace of an exporter that watches several). A series that is missing for an instance is
//! unknown, never 0: the instance carries the states it lacks and a [`Gap`] saying why (the
//! scrape failed, the exporter's socket dump failed, series are missing). Also the per-port
//! groups of `tcpstate_connections_by_port`, the order and cut of `--sort`/`--top`, and
//! ([`check`]) the state thresholds of `tcpstate check` judged per instance. No I/O, no prose.

pub mod check;

use std::collections::{BTreeMap, BTreeSet};

use crate::analyze::count::Counts;
use crate::analyze::group::{Group, Key};
use crate::socket::Family;
use crate::source::prometheus::Sample;
use crate::tcp::state::{STATE_SLOTS, StateSet, TcpState};

/// The exporter's per-state, per-family gauge.
pub const CONNECTIONS: &str = "tcpstate_connections";
/// The exporter's per-state gauge of tracked ports.
pub const BY_PORT: &str = "tcpstate_connections_by_port";
/// 1, or 0 when the exporter's socket dump failed.
pub const SCRAPE_SUCCESS: &str = "tcpstate_scrape_success";
/// Prometheus's own series per target: 1 when the last scrape worked.
pub const UP: &str = "up";

/// The series of `tcpstate_connections` an instance exports: every state of both families but
/// BOUND_INACTIVE, which an exporter counts (and exports) only when asked for it.
pub const SERIES_PER_INSTANCE: usize = (TcpState::REPORTED.len() - 1) * 2;

/// One exporter's view of one namespace: the scrape target (job and instance labels Prometheus
/// adds) and the `netns` label the exporter adds for namespaces other than its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstanceKey {
    pub job: String,
    pub instance: String,
    pub netns: Option<String>,
}

impl InstanceKey {
    pub fn of(s: &Sample) -> InstanceKey {
        let netns = s.label("netns");
        InstanceKey {
            job: s.label("job").to_string(),
            instance: s.label("instance").to_string(),
            netns: (!netns.is_empty()).then(|| netns.to_string()),
        }
    }

    fn target(&self) -> (&str, &str) {
        (&self.job, &self.instance)
    }
}

/// Why some counts of an instance are unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// Prometheus's last scrape of the exporter failed (`up == 0`).
    ScrapeFailed,
    /// The exporter answered but its socket dump failed (`tcpstate_scrape_success == 0`).
    DumpFailed,
    /// The exporter answered with only `present` of the `expected` series.
    MissingSeries { present: usize, expected: usize },
    /// No `tcpstate_connections_by_port` series (serve ran without --by-port or --listeners).
    NoPortSeries,
}

/// One instance's counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub key: InstanceKey,
    /// `instance`, `instance/netns` for another namespace, prefixed with `job/` when two jobs
    /// share an instance name.
    pub label: String,
    /// The known counts; an unknown state counts 0 here.
    pub counts: Counts,
    /// States whose count is not known.
    pub unknown: StateSet,
    pub gap: Option<Gap>,
}

impl Instance {
    /// The count of `s`, `None` when unknown.
    pub fn get(&self, s: TcpState) -> Option<u64> {
        (!self.unknown.contains(s)).then(|| self.counts.get(s))
    }

    /// The total, `None` when any count is unknown.
    pub fn total(&self) -> Option<u64> {
        self.unknown.is_empty().then(|| self.counts.total())
    }
}

/// Every state a summary shows.
pub fn every_state() -> StateSet {
    StateSet::of(&TcpState::REPORTED)
}

/// A sample's value as a count: a finite, non-negative whole number; anything else (NaN,
/// a fraction) is not a count and leaves the series unknown.
fn count(v: f64) -> Option<u64> {
    (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < u64::MAX as f64).then_some(v as u64)
}

fn family(word: &str) -> Option<Family> {
    match word {
        "ipv4" => Some(Family::V4),
        "ipv6" => Some(Family::V6),
        _ => None,
    }
}

/// What the samples say of one instance while it is being read.
#[derive(Default)]
struct Reading {
    counts: Counts,
    seen: [[bool; STATE_SLOTS]; 2],
    dump_failed: bool,
    scrape_failed: bool,
}

/// The instances of the fleet from `tcpstate_connections`, `tcpstate_scrape_success` and `up`
/// samples of one instant. `up` only adds the failed targets of jobs that export tcpstate
/// series (other jobs are other exporters). In label order.
pub fn instances(connections: &[Sample], success: &[Sample], up: &[Sample]) -> Vec<Instance> {
    let mut by_key: BTreeMap<InstanceKey, Reading> = BTreeMap::new();
    for s in connections {
        let (Ok(state), Some(fam)) = (
            s.label("state").parse::<TcpState>(),
            family(s.label("family")),
        ) else {
            continue; // a state or family this tcpstate does not know: not its to count
        };
        let r = by_key.entry(InstanceKey::of(s)).or_default();
        if let Some(n) = count(s.value) {
            r.counts.add(fam, state, n);
            r.seen[fam.index()][usize::from(state.reported().kernel())] = true;
        }
    }
    for s in success {
        let r = by_key.entry(InstanceKey::of(s)).or_default();
        r.dump_failed |= s.value == 0.0;
    }
    let jobs: BTreeSet<String> = by_key.keys().map(|k| k.job.clone()).collect();
    for s in up
        .iter()
        .filter(|s| s.value == 0.0 && jobs.contains(s.label("job")))
    {
        let key = InstanceKey::of(s);
        let known = by_key.keys().any(|k| k.target() == key.target());
        if !known {
            by_key.entry(key).or_default().scrape_failed = true;
        }
    }
    let mut out: Vec<Instance> = by_key
        .into_iter()
        .map(|(key, r)| {
            let mut unknown = StateSet::EMPTY;
            let mut present = 0;
            for s in TcpState::REPORTED {
                let i = usize::from(s.kernel());
                if s == TcpState::BoundInactive {
                    // Exported only when asked: its absence is no gap (the count stays
                    // unknown through `Counts::known`).
                    continue;
                }
                present += usize::from(r.seen[0][i]) + usize::from(r.seen[1][i]);
                if !(r.seen[0][i] && r.seen[1][i]) {
                    unknown = unknown.with(s);
                }
            }
            let gap = if r.scrape_failed {
                Some(Gap::ScrapeFailed)
            } else if r.dump_failed {
                Some(Gap::DumpFailed)
            } else if !unknown.is_empty() {
                Some(Gap::MissingSeries {
                    present,
                    expected: SERIES_PER_INSTANCE,
                })
            } else {
                None
            };
            Instance {
                label: String::new(),
                key,
                counts: r.counts,
                unknown,
                gap,
            }
        })
        .collect();
    name(&mut out);
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

/// Give each instance its label: the instance, `/netns` for another namespace, and `job/`
/// first when the same instance name appears under two jobs.
fn name(instances: &mut [Instance]) {
    let mut jobs_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in instances.iter() {
        jobs_of
            .entry(i.key.instance.clone())
            .or_default()
            .insert(i.key.job.clone());
    }
    for i in instances.iter_mut() {
        let mut label = String::new();
        if jobs_of.get(&i.key.instance).is_some_and(|j| j.len() > 1) {
            label.push_str(&i.key.job);
            label.push('/');
        }
        label.push_str(if i.key.instance.is_empty() {
            "(no instance label)"
        } else {
            &i.key.instance
        });
        if let Some(ns) = &i.key.netns {
            label.push('/');
            label.push_str(ns);
        }
        i.label = label;
    }
}

/// What `--sort` and `--top` ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Order {
    /// Largest count of this state first (else the largest total, when `top` is set; else
    /// by label).
    pub sort: Option<TcpState>,
    /// Keep this many.
    pub top: Option<usize>,
}

/// Sort the instances as asked and cut them to `--top`; instances whose ranking count is
/// unknown come last. Returns how many were cut.
pub fn order(instances: &mut Vec<Instance>, o: Order) -> usize {
    if o.sort.is_none() && o.top.is_none() {
        return 0;
    }
    let rank = |i: &Instance| match o.sort {
        Some(s) => i.get(s),
        None => i.total(),
    };
    // Known counts before unknown ones, larger first, then by label.
    instances.sort_by(|a, b| {
        rank(b)
            .is_some()
            .cmp(&rank(a).is_some())
            .then(rank(b).cmp(&rank(a)))
            .then(a.label.cmp(&b.label))
    });
    let keep = o.top.unwrap_or(instances.len()).min(instances.len());
    let cut = instances.len() - keep;
    instances.truncate(keep);
    cut
}

/// One instance's per-port groups.
#[derive(Debug, Clone, PartialEq)]
pub struct PortGroups {
    pub label: String,
    pub groups: Vec<Group>,
    pub gap: Option<Gap>,
}

/// The groups of `tcpstate_connections_by_port` samples of one direction (`local`: the
/// instance serves on the port; `remote`: it is a client of it), per instance of `fleet`
/// (which names them and says which failed), largest first (by `o.sort`'s state, else by
/// total), at most `o.top` per instance.
pub fn port_groups(
    samples: &[Sample],
    direction: &str,
    fleet: &[Instance],
    o: Order,
) -> Vec<PortGroups> {
    let mut by_key: BTreeMap<InstanceKey, BTreeMap<u16, Group>> = BTreeMap::new();
    for s in samples.iter().filter(|s| s.label("direction") == direction) {
        let (Ok(state), Ok(port), Some(n)) = (
            s.label("state").parse::<TcpState>(),
            s.label("port").parse::<u16>(),
            count(s.value),
        ) else {
            continue;
        };
        let g = by_key
            .entry(InstanceKey::of(s))
            .or_default()
            .entry(port)
            .or_insert_with(|| Group {
                key: Key::Port(port),
                total: 0,
                states: [0; STATE_SLOTS],
                stats: None,
            });
        g.states[usize::from(state.reported().kernel())] += n;
        g.total += n;
    }
    fleet
        .iter()
        .map(|i| {
            let mut groups: Vec<Group> = by_key
                .remove(&i.key)
                .map(|m| m.into_values().collect())
                .unwrap_or_default();
            let rank = |g: &Group| o.sort.map_or(g.total, |s| g.count(s));
            groups.sort_by(|a, b| rank(b).cmp(&rank(a)).then(a.key.cmp(&b.key)));
            if let Some(n) = o.top {
                groups.truncate(n);
            }
            let gap = match i.gap {
                Some(g @ (Gap::ScrapeFailed | Gap::DumpFailed)) => Some(g),
                _ if groups.is_empty() => Some(Gap::NoPortSeries),
                _ => None,
            };
            PortGroups {
                label: i.label.clone(),
                groups,
                gap,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(labels: &[(&str, &str)], value: f64) -> Sample {
        Sample {
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            value,
        }
    }

    /// Every `tcpstate_connections` series of one instance, `f(state, family)` as value.
    fn full(instance: &str, netns: Option<&str>, f: impl Fn(TcpState, &str) -> f64) -> Vec<Sample> {
        let mut out = Vec::new();
        for s in TcpState::REPORTED {
            for fam in ["ipv4", "ipv6"] {
                let mut l = vec![
                    ("job", "tcpstate"),
                    ("instance", instance),
                    ("state", s.key()),
                    ("family", fam),
                ];
                if let Some(ns) = netns {
                    l.push(("netns", ns));
                }
                out.push(sample(&l, f(s, fam)));
            }
        }
        out
    }

    #[test]
    fn instances_count_known_series_and_mark_the_rest_unknown() {
        let mut conn = full("web1:10011", None, |s, fam| match (s, fam) {
            (TcpState::Established, "ipv4") => 5.0,
            (TcpState::Established, "ipv6") => 2.0,
            (TcpState::TimeWait, _) => 1.0,
            _ => 0.0,
        });
        conn.extend(full("web1:10011", Some("blue"), |_, _| 0.0));
        // db: the listen series of ipv6 is missing and time_wait is NaN.
        conn.extend(
            full("db:10011", None, |s, _| {
                if s == TcpState::TimeWait {
                    f64::NAN
                } else {
                    3.0
                }
            })
            .into_iter()
            .filter(|s| !(s.label("state") == "listen" && s.label("family") == "ipv6")),
        );
        let success = [
            sample(&[("job", "tcpstate"), ("instance", "web1:10011")], 1.0),
            sample(&[("job", "tcpstate"), ("instance", "lb:10011")], 0.0),
        ];
        let up = [
            sample(&[("job", "tcpstate"), ("instance", "web2:10011")], 0.0),
            sample(&[("job", "tcpstate"), ("instance", "web1:10011")], 1.0),
            sample(&[("job", "node"), ("instance", "web9:9100")], 0.0),
        ];
        let f = instances(&conn, &success, &up);
        let labels: Vec<&str> = f.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "db:10011",
                "lb:10011",
                "web1:10011",
                "web1:10011/blue",
                "web2:10011"
            ]
        );
        let web1 = &f[2];
        assert_eq!(web1.get(TcpState::Established), Some(7));
        assert_eq!(web1.total(), Some(9));
        assert_eq!(web1.gap, None);
        assert_eq!(f[3].total(), Some(0));
        let db = &f[0];
        assert_eq!(db.get(TcpState::Listen), None);
        assert_eq!(db.get(TcpState::TimeWait), None);
        assert_eq!(db.get(TcpState::Established), Some(6));
        assert_eq!(db.total(), None);
        assert_eq!(
            db.gap,
            Some(Gap::MissingSeries {
                present: 19,
                expected: 22
            })
        );
        assert_eq!(f[1].gap, Some(Gap::DumpFailed));
        assert_eq!(f[1].unknown, every_state().without(TcpState::BoundInactive));
        assert_eq!(f[4].gap, Some(Gap::ScrapeFailed));
        assert_eq!(f[4].get(TcpState::Established), None);
    }

    #[test]
    fn sort_and_top() {
        let mut conn = Vec::new();
        for (name, est) in [("a", 1.0), ("b", 9.0), ("c", 4.0)] {
            conn.extend(full(name, None, |s, fam| {
                if s == TcpState::Established && fam == "ipv4" {
                    est
                } else {
                    0.0
                }
            }));
        }
        let up = [sample(&[("job", "tcpstate"), ("instance", "d")], 0.0)];
        let mut f = instances(&conn, &[], &up);
        let cut = order(
            &mut f,
            Order {
                sort: Some(TcpState::Established),
                top: None,
            },
        );
        assert_eq!(cut, 0);
        let labels: Vec<&str> = f.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["b", "c", "a", "d"]);
        let cut = order(
            &mut f,
            Order {
                sort: None,
                top: Some(2),
            },
        );
        assert_eq!(cut, 2);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].label, "b");
    }

    #[test]
    fn ports_group_per_instance() {
        let conn = full("a", None, |_, _| 0.0);
        let f = instances(&conn, &[], &[]);
        let p = |port: &str, state: &str, dir: &str, v: f64| {
            sample(
                &[
                    ("job", "tcpstate"),
                    ("instance", "a"),
                    ("port", port),
                    ("state", state),
                    ("direction", dir),
                ],
                v,
            )
        };
        let samples = [
            p("80", "established", "local", 3.0),
            p("80", "time_wait", "local", 2.0),
            p("443", "established", "local", 7.0),
            p("443", "established", "remote", 100.0),
        ];
        let g = port_groups(&samples, "local", &f, Order::default());
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].gap, None);
        let keys: Vec<(Key, u64)> = g[0]
            .groups
            .iter()
            .map(|g| (g.key.clone(), g.total))
            .collect();
        assert_eq!(keys, [(Key::Port(443), 7), (Key::Port(80), 5)]);
        let g = port_groups(&samples[..0], "local", &f, Order::default());
        assert_eq!(g[0].gap, Some(Gap::NoPortSeries));
    }
}

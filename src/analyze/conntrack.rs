//! Analyses of conntrack entries, without I/O: the filter (the usual flags, applied to the
//! original tuple — the direction of the first packet), counts per state, and groups by
//! peer, port or state (which peer, which port fills the table), kept in memory bounded by
//! the number of distinct keys, not of entries.

use std::collections::HashMap;

use crate::conntrack::{CtCounts, CtEntry, CtState, CtStateSet};
use crate::filter::Filter;
use crate::socket::{Endpoint, Family};
use crate::tcp::state::{StateSet, TcpState};

/// The socket filter's flags, read for conntrack entries: the states mapped to conntrack's,
/// the families, ports and addresses applied to the original tuple by the socket filter itself.
#[derive(Debug, Clone)]
pub struct CtFilter {
    pub states: CtStateSet,
    ends: Filter,
}

impl CtFilter {
    /// The conntrack filter of the socket flags. `--state` is mapped state by state (both
    /// FIN_WAIT states to FIN_WAIT); a state conntrack does not have is refused with the
    /// sentence to show, unless every state was asked for.
    pub fn of(f: &Filter) -> Result<CtFilter, String> {
        let states = if f.states == StateSet::ALL {
            CtStateSet::ALL
        } else {
            let mut set = CtStateSet::EMPTY;
            for s in f.states.iter() {
                match CtState::of_tcp(s) {
                    Some(c) => set = set.with(c),
                    None => return Err(no_counterpart(s)),
                }
            }
            set
        };
        Ok(CtFilter {
            states,
            ends: f.clone(),
        })
    }

    pub fn matches(&self, e: &CtEntry) -> bool {
        let o = &e.orig;
        self.states.contains(e.state)
            && self
                .ends
                .matches_family(if e.is_v4() { Family::V4 } else { Family::V6 })
            && self.ends.matches_ends(
                &Endpoint::new(o.src, o.sport),
                &Endpoint::new(o.dst, o.dport),
            )
    }
}

fn no_counterpart(s: TcpState) -> String {
    let names: Vec<&str> = CtState::ALL.iter().map(|c| c.name()).collect();
    format!(
        "conntrack has no {} state; its TCP states are {} (--state fin-wait-1 or fin-wait-2 \
         selects FIN_WAIT)",
        s.netstat_name(),
        names.join(", ")
    )
}

/// What to group conntrack entries by; keys of the original tuple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CtKey {
    /// The initiator's address.
    Src,
    /// The address the flow was opened to (before DNAT).
    Dst,
    /// The initiator's port.
    Sport,
    /// The port the flow was opened to.
    Dport,
    /// The conntrack state.
    State,
}

impl CtKey {
    pub fn name(self) -> &'static str {
        match self {
            CtKey::Src => "src",
            CtKey::Dst => "dst",
            CtKey::Sport => "sport",
            CtKey::Dport => "dport",
            CtKey::State => "state",
        }
    }

    fn value(self, e: &CtEntry) -> String {
        match self {
            CtKey::Src => e.orig.src.to_canonical().to_string(),
            CtKey::Dst => e.orig.dst.to_canonical().to_string(),
            CtKey::Sport => e.orig.sport.to_string(),
            CtKey::Dport => e.orig.dport.to_string(),
            CtKey::State => e.state.name().to_string(),
        }
    }
}

/// One group: its key values (in `--by` order) and its counts per state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtGroup {
    pub key: Vec<String>,
    pub counts: CtCounts,
}

/// Counts per combination of keys.
#[derive(Debug, Clone, Default)]
pub struct CtGrouper {
    by: Vec<CtKey>,
    groups: HashMap<Vec<String>, CtCounts>,
}

impl CtGrouper {
    pub fn new(by: Vec<CtKey>) -> CtGrouper {
        CtGrouper {
            by,
            groups: HashMap::new(),
        }
    }

    pub fn add(&mut self, e: &CtEntry) {
        let key: Vec<String> = self.by.iter().map(|k| k.value(e)).collect();
        self.groups.entry(key).or_default().add(e.state);
    }

    /// The groups, largest first (ties by key), the first `top` of them if given.
    pub fn finish(self, top: Option<usize>) -> Vec<CtGroup> {
        let mut v: Vec<CtGroup> = self
            .groups
            .into_iter()
            .map(|(key, counts)| CtGroup { key, counts })
            .collect();
        v.sort_by(|a, b| {
            b.counts
                .total()
                .cmp(&a.counts.total())
                .then_with(|| a.key.cmp(&b.key))
        });
        if let Some(n) = top {
            v.truncate(n);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conntrack::CtTuple;

    fn entry(state: CtState, src: &str, dport: u16) -> CtEntry {
        let t = CtTuple {
            src: src.parse().unwrap(),
            dst: "10.9.9.9".parse().unwrap(),
            sport: 40000,
            dport,
        };
        CtEntry {
            state,
            orig: t,
            reply: t,
            timeout: None,
            mark: None,
            zone: 0,
            assured: false,
            unreplied: false,
        }
    }

    #[test]
    fn state_flags_map_to_conntrack_states_and_refuse_listen() {
        let mut f = Filter {
            states: StateSet::parse("fin-wait-2,time-wait").unwrap(),
            ..Filter::default()
        };
        let c = CtFilter::of(&f).unwrap();
        assert!(c.matches(&entry(CtState::FinWait, "10.0.0.1", 80)));
        assert!(c.matches(&entry(CtState::TimeWait, "10.0.0.1", 80)));
        assert!(!c.matches(&entry(CtState::Established, "10.0.0.1", 80)));
        f.states = StateSet::parse("listen").unwrap();
        assert!(CtFilter::of(&f).unwrap_err().contains("no LISTEN state"));
    }

    #[test]
    fn ports_and_nets_apply_to_the_original_tuple() {
        let f = Filter {
            dport: vec![crate::filter::PortRange { lo: 443, hi: 443 }],
            src: vec!["10.0.0.0/24".parse().unwrap()],
            ..Filter::default()
        };
        let c = CtFilter::of(&f).unwrap();
        assert!(c.matches(&entry(CtState::Established, "10.0.0.1", 443)));
        assert!(!c.matches(&entry(CtState::Established, "10.0.1.1", 443)));
        assert!(!c.matches(&entry(CtState::Established, "10.0.0.1", 80)));
    }

    #[test]
    fn groups_are_largest_first() {
        let mut g = CtGrouper::new(vec![CtKey::Src]);
        for src in ["10.0.0.2", "10.0.0.1", "10.0.0.2"] {
            g.add(&entry(CtState::Established, src, 80));
        }
        let out = g.finish(Some(1));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].key, vec!["10.0.0.2".to_string()]);
        assert_eq!(out[0].counts.total(), 2);
    }
}

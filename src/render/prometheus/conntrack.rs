//! The exporter's conntrack series: each namespace's conntrack table by TCP state
//! (zero-filled), its size and limit, and its statistics as counters.

use prometheus_client::encoding::DescriptorEncoder;

use super::{Netns, Snapshot, counters, gauges};
use crate::conntrack::{CtState, CtStats};

/// The conntrack table of each namespace that has one: TCP entries per conntrack state
/// (zero-filled), the table's size and limit, and its statistics as counters.
pub(super) fn conntrack_metrics(
    enc: &mut DescriptorEncoder,
    snap: &Snapshot,
) -> Result<(), std::fmt::Error> {
    let tables = || {
        snap.namespaces
            .iter()
            .filter_map(|ns| ns.conntrack.as_ref().map(|c| (Netns::of(ns), c)))
    };
    gauges(
        enc,
        "tcpstate_conntrack_entries",
        "TCP entries of the netfilter conntrack table by conntrack state (every state, zeros included).",
        None,
        tables().flat_map(|(ns, c)| {
            CtState::ALL.into_iter().map(move |st| {
                let key = crate::render::conntrack::state_key(st);
                ((ns, [("state", key)]), c.counts.get(st))
            })
        }),
    )?;
    gauges(
        enc,
        "tcpstate_conntrack_table_entries",
        "Entries of the conntrack table, every protocol (net.netfilter.nf_conntrack_count).",
        None,
        tables().filter_map(|(ns, c)| Some((ns, c.table.entries?))),
    )?;
    gauges(
        enc,
        "tcpstate_conntrack_max",
        "Entries the conntrack table may hold (net.netfilter.nf_conntrack_max); beyond it new flows are dropped.",
        None,
        tables().filter_map(|(ns, c)| Some((ns, c.table.max?))),
    )?;
    type StatField = fn(&CtStats) -> u64;
    let stats: [(&str, &str, StatField); 4] = [
        (
            "tcpstate_conntrack_insert_failed",
            "Entries conntrack could not insert (a race lost, or the table full), summed over CPUs.",
            |s: &CtStats| s.insert_failed,
        ),
        (
            "tcpstate_conntrack_drop",
            "Packets dropped because no conntrack entry could be made (the table full), summed over CPUs.",
            |s: &CtStats| s.drop,
        ),
        (
            "tcpstate_conntrack_early_drop",
            "Conntrack entries evicted early to make room for new flows, summed over CPUs.",
            |s: &CtStats| s.early_drop,
        ),
        (
            "tcpstate_conntrack_search_restart",
            "Conntrack lookups restarted because the hash table changed under them, summed over CPUs.",
            |s: &CtStats| s.search_restart,
        ),
    ];
    for (name, help, field) in stats {
        counters(
            enc,
            name,
            help,
            tables().filter_map(|(ns, c)| Some((ns, field(&c.stats?)))),
        )?;
    }
    Ok(())
}

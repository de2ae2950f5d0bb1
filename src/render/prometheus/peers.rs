//! The exporter's per-peer series (`serve --peers N`): the figures of the busiest peers'
//! connections from tcp_info, one series each per peer, bounded by N.

use prometheus_client::encoding::DescriptorEncoder;
use prometheus_client::registry::Unit;

use super::{Netns, Snapshot, gauges};
use crate::analyze::stats::GroupStats;
use crate::socket::Host;

/// `--peers N`: the figures of the N peers with the most connections, one series each per
/// peer (a figure no connection carried is left out, never written as 0).
pub(super) fn peer_series(
    enc: &mut DescriptorEncoder,
    snap: &Snapshot,
) -> Result<(), std::fmt::Error> {
    if snap.namespaces.iter().all(|ns| {
        ns.scrape
            .as_ref()
            .is_none_or(|s| s.truncated_peers.is_none())
    }) {
        return Ok(());
    }
    let peers = || {
        snap.namespaces.iter().flat_map(|ns| {
            ns.scrape.iter().flat_map(move |s| {
                s.peers
                    .iter()
                    .map(move |p| ((Netns::of(ns), [("peer", host_text(&p.host))]), &p.stats))
            })
        })
    };
    gauges(
        enc,
        "tcpstate_peer_connections",
        "Connections to the peer whose tcp_info was read (--peers: the peers with the most).",
        None,
        peers().map(|(l, g)| (l, g.with_info)),
    )?;
    for (name, help, pick) in [
        (
            "tcpstate_peer_rtt_p50",
            "Median smoothed rtt of the connections to the peer (log-linear buckets, at most 1/16 above).",
            (|g: &GroupStats| g.rtt_p50_us) as fn(&GroupStats) -> Option<u64>,
        ),
        (
            "tcpstate_peer_rtt_p99",
            "99th percentile smoothed rtt of the connections to the peer (at most 1/16 above).",
            |g: &GroupStats| g.rtt_p99_us,
        ),
    ] {
        gauges(
            enc,
            name,
            help,
            Some(&Unit::Seconds),
            peers().filter_map(|(l, g)| Some((l, pick(g)? as f64 / 1e6))),
        )?;
    }
    for (name, help, pick) in [
        (
            "tcpstate_peer_sent",
            "Bytes sent (retransmissions included) by the connections open to the peer now.",
            (|g: &GroupStats| g.bytes_sent) as fn(&GroupStats) -> Option<u64>,
        ),
        (
            "tcpstate_peer_retransmitted",
            "Bytes retransmitted by the connections open to the peer now.",
            |g: &GroupStats| g.bytes_retrans,
        ),
    ] {
        gauges(
            enc,
            name,
            help,
            Some(&Unit::Bytes),
            peers().filter_map(|(l, g)| Some((l, pick(g)?))),
        )?;
    }
    gauges(
        enc,
        "tcpstate_peer_retransmitting",
        "Connections to the peer with retransmitted segments not yet acknowledged.",
        None,
        peers().filter_map(|(l, g)| Some((l, g.retransmitting?))),
    )
}

/// A peer as its label value: the address, or the name a capture wrote, or `?`.
fn host_text(h: &Host) -> String {
    match h {
        Host::Ip(ip) => ip.to_string(),
        Host::Name(n) => n.to_string(),
        Host::Unknown => "?".to_string(),
    }
}

//! The exporter's exposition: a `Snapshot` (one collection of every namespace, plus the
//! exporter's own figures) rendered in the Prometheus text format (0.0.4) or in OpenMetrics
//! text, through `prometheus-client`'s encoders. Every metric name, label and help text of
//! `tcpstate serve` lives here.
//!
//! A snapshot is a one-off set of values, not state that changes between scrapes, so it is
//! encoded through a `Collector` of constant metrics registered in a registry built for that
//! one encoding: no atomics, no family map keeping label sets alive after they vanish, and
//! the zero-filling is explicit in the loops below.

use std::sync::Arc;

use crate::analyze::event_counts::EventCounts;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{
    DescriptorEncoder, EncodeGaugeValue, EncodeLabel, EncodeLabelSet, EncodeMetric, LabelSetEncoder,
};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::{Registry, Unit};

use crate::analyze::scrape::{ListenerPort, Scrape};
use crate::kernel::counters::Counters;
use crate::socket::Family;
use crate::source::conntrack::CtCensus;
use crate::tcp::state::TcpState;

mod conntrack;
mod peers;

use conntrack::conntrack_metrics;
use peers::peer_series;

/// Which text exposition format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exposition {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    Text,
    /// OpenMetrics 1.0 text (`application/openmetrics-text; version=1.0.0`).
    OpenMetrics,
}

impl Exposition {
    pub fn content_type(self) -> &'static str {
        match self {
            Exposition::Text => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            Exposition::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// One network namespace's part of a snapshot.
#[derive(Debug, Clone, Default)]
pub struct NamespaceSnapshot {
    /// The `netns` label value; `None` for the exporter's own namespace (no label).
    pub netns: Option<String>,
    /// The socket scrape, `None` when the dump failed.
    pub scrape: Option<Scrape>,
    /// The kernel counters, `None` when they could not be read.
    pub counters: Option<Counters>,
    /// `net.ipv4.tcp_max_tw_buckets` of the namespace, `None` when it could not be read.
    pub max_tw_buckets: Option<u64>,
    /// The conntrack table's TCP entries per state, size, limit and statistics; `None` when
    /// the namespace has no table (nf_conntrack not loaded) or it could not be read.
    pub conntrack: Option<CtCensus>,
}

/// Everything one exposition shows.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub namespaces: Vec<NamespaceSnapshot>,
    /// Also write `node_tcp_connection_states` as node_exporter's tcpstat collector does.
    pub compat_node_exporter: bool,
    /// How long the collection took.
    pub collect_seconds: f64,
    /// Collections since start.
    pub collections: u64,
    /// Failed dumps and counter reads since start.
    pub errors: u64,
    /// Counters of traced events (`serve --events`), when traced.
    pub events: Option<EventCounts>,
}

/// node_exporter's state label values for `node_tcp_connection_states`, in its order.
pub const NODE_EXPORTER_STATES: &[TcpState] = TcpState::ALL.split_at(11).0;

/// Kernel counters exported as `tcpstate_<name>_total`: (metric name, section, field, help).
/// Section `ext` is TcpExt of /proc/net/netstat, `tcp` is Tcp of /proc/net/snmp.
pub const KERNEL_COUNTERS: [(&str, &str, &str, &str); 9] = [
    (
        "tcpstate_listen_overflows",
        "ext",
        "ListenOverflows",
        "Times a completed connection was dropped because a listener's accept queue was full (TcpExt ListenOverflows).",
    ),
    (
        "tcpstate_listen_drops",
        "ext",
        "ListenDrops",
        "Connection requests a listener dropped for any reason, overflows included (TcpExt ListenDrops).",
    ),
    (
        "tcpstate_time_wait_overflows",
        "ext",
        "TCPTimeWaitOverflow",
        "Sockets closed without a TIME_WAIT entry because net.ipv4.tcp_max_tw_buckets was reached (TcpExt TCPTimeWaitOverflow).",
    ),
    (
        "tcpstate_syncookies_sent",
        "ext",
        "SyncookiesSent",
        "SYN cookies sent because a SYN queue was full (TcpExt SyncookiesSent).",
    ),
    (
        "tcpstate_active_opens",
        "tcp",
        "ActiveOpens",
        "Connections this host opened: CLOSED to SYN_SENT (Tcp ActiveOpens).",
    ),
    (
        "tcpstate_passive_opens",
        "tcp",
        "PassiveOpens",
        "Connections this host accepted: LISTEN to SYN_RECV (Tcp PassiveOpens).",
    ),
    (
        "tcpstate_attempt_fails",
        "tcp",
        "AttemptFails",
        "Connection attempts that failed: SYN_SENT or SYN_RECV to CLOSED, or SYN_RECV back to LISTEN (Tcp AttemptFails).",
    ),
    (
        "tcpstate_estab_resets",
        "tcp",
        "EstabResets",
        "Resets of connections in ESTABLISHED or CLOSE_WAIT (Tcp EstabResets).",
    ),
    (
        "tcpstate_out_rsts",
        "tcp",
        "OutRsts",
        "Segments sent with the RST flag (Tcp OutRsts).",
    ),
];

/// Render `snap` in the chosen format.
pub fn encode(snap: Arc<Snapshot>, format: Exposition) -> Result<String, std::fmt::Error> {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(SnapshotCollector(snap)));
    let mut out = String::with_capacity(16 * 1024);
    match format {
        Exposition::Text => {
            prometheus_client::encoding::prometheus_text::encode(&mut out, &registry)?
        }
        Exposition::OpenMetrics => prometheus_client::encoding::text::encode(&mut out, &registry)?,
    }
    Ok(out)
}

#[derive(Debug)]
struct SnapshotCollector(Arc<Snapshot>);

/// The optional `netns` label: no label at all for the exporter's own namespace.
#[derive(Debug, Clone, Copy)]
struct Netns<'a>(Option<&'a str>);

impl<'a> Netns<'a> {
    fn of(ns: &'a NamespaceSnapshot) -> Netns<'a> {
        Netns(ns.netns.as_deref())
    }
}

impl EncodeLabelSet for Netns<'_> {
    fn encode(&self, encoder: &mut LabelSetEncoder) -> Result<(), std::fmt::Error> {
        match self.0 {
            Some(name) => ("netns", name).encode(encoder.encode_label()),
            None => Ok(()),
        }
    }
}

/// No labels.
const NONE: [(&str, &str); 0] = [];

/// A labelled gauge family: `rows` yields (labels, value).
fn gauges<L: EncodeLabelSet, V: EncodeGaugeValue>(
    enc: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    unit: Option<&Unit>,
    rows: impl IntoIterator<Item = (L, V)>,
) -> Result<(), std::fmt::Error> {
    let mut me = enc.encode_descriptor(name, help, unit, MetricType::Gauge)?;
    for (labels, v) in rows {
        ConstGauge::new(v).encode(me.encode_family(&labels)?)?;
    }
    Ok(())
}

/// A labelled counter family (`name` without `_total`; the encoders add it).
fn counters<L: EncodeLabelSet>(
    enc: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    rows: impl IntoIterator<Item = (L, u64)>,
) -> Result<(), std::fmt::Error> {
    let mut me = enc.encode_descriptor(name, help, None, MetricType::Counter)?;
    for (labels, v) in rows {
        ConstCounter::new(v).encode(me.encode_family(&labels)?)?;
    }
    Ok(())
}

impl Collector for SnapshotCollector {
    fn encode(&self, mut enc: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let snap = &*self.0;
        let scraped = || {
            snap.namespaces
                .iter()
                .filter_map(|ns| ns.scrape.as_ref().map(|s| (Netns::of(ns), s)))
        };
        const FAMILIES: [Family; 2] = [Family::V4, Family::V6];
        const DIRECTIONS: [(&str, bool); 2] = [("local", true), ("remote", false)];

        gauges(
            &mut enc,
            "tcpstate_connections",
            "TCP sockets by state and address family (every state, zeros included).",
            None,
            scraped().flat_map(|(ns, s)| {
                FAMILIES.into_iter().flat_map(move |f| {
                    TcpState::REPORTED.into_iter().filter_map(move |st| {
                        Some((
                            (ns, [("state", st.key()), ("family", f.key())]),
                            s.counts.known_family(f, st)?,
                        ))
                    })
                })
            }),
        )?;

        gauges(
            &mut enc,
            "tcpstate_connections_by_port",
            "TCP sockets by state on a tracked port (--by-port, --listeners), as the local or the remote port.",
            None,
            scraped().flat_map(|(ns, s)| {
                s.ports.iter().flat_map(move |p| {
                    DIRECTIONS.into_iter().flat_map(move |(dir, local)| {
                        TcpState::REPORTED.into_iter().map(move |st| {
                            let labels = [("state", st.key()), ("direction", dir)];
                            ((ns, (labels, [("port", p.port)])), p.get(local, st))
                        })
                    })
                })
            }),
        )?;

        // A listener sum the source could not know (the /proc source has no backlog) is
        // left out, not exported as 0.
        type ListenerField = fn(&ListenerPort) -> Option<u64>;
        let listener_metrics: [(&str, &str, ListenerField); 3] = [
            (
                "tcpstate_listen_queue",
                "Connections completed but not yet accepted, summed over the LISTEN sockets of the port (their Recv-Q).",
                |l| l.queue,
            ),
            (
                "tcpstate_listen_backlog",
                "Accept queue limit, summed over the LISTEN sockets of the port (their Send-Q: listen()'s backlog capped by net.core.somaxconn).",
                |l| l.backlog,
            ),
            (
                "tcpstate_listeners",
                "LISTEN sockets on the port (each address, family and SO_REUSEPORT member counts).",
                |l| Some(l.sockets),
            ),
        ];
        for (name, help, field) in listener_metrics {
            gauges(
                &mut enc,
                name,
                help,
                None,
                scraped().flat_map(|(ns, s)| {
                    s.listeners
                        .iter()
                        .filter_map(move |l| Some(((ns, [("port", l.port)]), field(l)?)))
                }),
            )?;
        }
        counters(
            &mut enc,
            "tcpstate_listener_drops",
            "Connection requests the LISTEN sockets of the port dropped (their sk_drops: accept-queue overflows and every other drop on those sockets, since each was opened); which listener overflowed, which the host-wide ListenDrops cannot say.",
            scraped().flat_map(|(ns, s)| {
                s.listeners
                    .iter()
                    .filter_map(move |l| Some(((ns, [("port", l.port)]), l.drops?)))
            }),
        )?;

        for (name, help, recv) in [
            (
                "tcpstate_recv_queue",
                "Bytes received but not yet read by the application, summed per state (LISTEN excluded).",
                true,
            ),
            (
                "tcpstate_send_queue",
                "Bytes sent but not yet acknowledged by the peer, summed per state (LISTEN excluded).",
                false,
            ),
        ] {
            gauges(
                &mut enc,
                name,
                help,
                Some(&Unit::Bytes),
                scraped().flat_map(|(ns, s)| {
                    TcpState::REPORTED
                        .into_iter()
                        .filter(|&st| st != TcpState::Listen)
                        .map(move |st| ((ns, [("state", st.key())]), s.queue_bytes(recv, st)))
                }),
            )?;
        }

        peer_series(&mut enc, snap)?;

        if let Some(ev) = &snap.events {
            counters(
                &mut enc,
                "tcpstate_retransmits",
                "Segments retransmitted (tracepoint tcp:tcp_retransmit_skb), by service port: the local port when a listener is known on it (direction=inbound), else the remote port (direction=outbound); ports past --max-ports are port=\"other\".",
                ev.retransmits
                    .iter()
                    .map(|((p, d), n)| ([("port", p.as_str()), ("direction", *d)], *n)),
            )?;
            counters(
                &mut enc,
                "tcpstate_resets",
                "Resets sent and received (tracepoints tcp:tcp_send_reset, tcp:tcp_receive_reset), by the kernel's reason (\"unknown\" where it gives none).",
                ev.resets
                    .iter()
                    .map(|((d, r), n)| ([("direction", *d), ("reason", r.as_str())], *n)),
            )?;
            counters(
                &mut enc,
                "tcpstate_drops",
                "IPv4 and IPv6 packets the kernel dropped, UDP and ICMP code excepted (tracepoint skb:kfree_skb), by the kernel's drop reason.",
                ev.drops.iter().map(|(r, n)| ([("reason", r.as_str())], *n)),
            )?;
            counters(
                &mut enc,
                "tcpstate_events_lost",
                "Traced events the kernel dropped because a ring buffer was full: the event counters are low by this much.",
                [(NONE, ev.lost)],
            )?;
        }

        for (name, section, field, help) in KERNEL_COUNTERS {
            counters(
                &mut enc,
                name,
                help,
                snap.namespaces.iter().filter_map(|ns| {
                    let c = ns.counters.as_ref()?;
                    let table = if section == "ext" { &c.tcp_ext } else { &c.tcp };
                    let v = *table.get(field)?;
                    Some((Netns::of(ns), u64::try_from(v).unwrap_or(0)))
                }),
            )?;
        }

        gauges(
            &mut enc,
            "tcpstate_tcp_max_tw_buckets",
            "TIME_WAIT sockets the namespace may hold (net.ipv4.tcp_max_tw_buckets); beyond it, closing sockets skip TIME_WAIT.",
            None,
            snap.namespaces
                .iter()
                .filter_map(|ns| ns.max_tw_buckets.map(|v| (Netns::of(ns), v))),
        )?;

        conntrack_metrics(&mut enc, snap)?;

        if snap.compat_node_exporter {
            gauges(
                &mut enc,
                "node_tcp_connection_states",
                "Number of connection states (IPv4 and IPv6 summed; written by tcpstate for node_exporter dashboards).",
                None,
                scraped().flat_map(|(ns, s)| {
                    NODE_EXPORTER_STATES
                        .iter()
                        .map(move |&st| ((ns, [("state", st.key())]), s.counts.get(st)))
                }),
            )?;
        }

        self_metrics(&mut enc, snap)
    }
}

/// The exporter's figures about itself.
fn self_metrics(enc: &mut DescriptorEncoder, snap: &Snapshot) -> Result<(), std::fmt::Error> {
    gauges(
        enc,
        "tcpstate_scrape_duration",
        "Time the last collection took: socket dumps and counter reads of every namespace.",
        Some(&Unit::Seconds),
        [(NONE, snap.collect_seconds)],
    )?;
    gauges(
        enc,
        "tcpstate_scrape_sockets",
        "Sockets the last collection read.",
        None,
        snap.namespaces
            .iter()
            .filter_map(|ns| ns.scrape.as_ref().map(|s| (Netns::of(ns), s.sockets))),
    )?;
    gauges(
        enc,
        "tcpstate_scrape_success",
        "1 when the last socket dump of the namespace succeeded, 0 when it failed (its socket series are then absent).",
        None,
        snap.namespaces
            .iter()
            .map(|ns| (Netns::of(ns), u64::from(ns.scrape.is_some()))),
    )?;
    gauges(
        enc,
        "tcpstate_ports_truncated",
        "Ports left out of a table because --max-ports was reached (table=by_port or listen), and peers left out by --peers (table=peers).",
        None,
        snap.namespaces.iter().flat_map(|ns| {
            let s = ns.scrape.as_ref();
            [
                (
                    (Netns::of(ns), [("table", "by_port")]),
                    s.map_or(0, |s| s.truncated_ports),
                ),
                (
                    (Netns::of(ns), [("table", "listen")]),
                    s.map_or(0, |s| s.truncated_listeners),
                ),
            ]
            .into_iter()
            .chain(
                s.and_then(|s| s.truncated_peers)
                    .map(|n| ((Netns::of(ns), [("table", "peers")]), n)),
            )
        }),
    )?;
    counters(
        enc,
        "tcpstate_scrape_errors",
        "Socket dumps and kernel counter reads that failed since the exporter started.",
        [(NONE, snap.errors)],
    )?;
    counters(
        enc,
        "tcpstate_collections",
        "Collections since the exporter started (scrapes within --min-interval share one).",
        [(NONE, snap.collections)],
    )?;
    gauges(
        enc,
        "tcpstate_build_info",
        "The tcpstate version serving these metrics; always 1.",
        None,
        [([("version", env!("CARGO_PKG_VERSION"))], 1u64)],
    )
}

/// The page at `/`.
pub const INDEX_HTML: &str = "<!DOCTYPE html>
<html lang=\"en\">
<head><meta charset=\"utf-8\"><title>tcpstate exporter</title></head>
<body>
<h1>tcpstate exporter</h1>
<p>TCP connection states, listener queues and kernel TCP counters of this host.</p>
<p><a href=\"/metrics\">/metrics</a></p>
</body>
</html>
";

//! Flags of `tcpstate serve`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use tcpstate::filter::{PortRange, parse_port};
use tcpstate::trace::kinds::{EventKinds, parse_kinds};

/// The default address: loopback only, on a port outside the exporters' 9100-9999 range
/// (which Prometheus's port list has used up) and below the kernel's ephemeral ports.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:10011";

/// Flags of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Where to listen: ADDR:PORT (127.0.0.1:10011, [::1]:10011), HOST:PORT (a name
    /// resolved at start; every address it has is listened on, e.g. localhost:10011 is
    /// 127.0.0.1 and ::1) or :PORT for every address of the host, IPv4 and IPv6, as other
    /// exporters read it. Loopback by default: say :10011 to let other hosts scrape.
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN, value_parser = parse_listen)]
    pub listen: Listen,

    /// Ports that get per-state series (tcpstate_connections_by_port), as the local and as
    /// the remote port: numbers, ranges (8000-8100) or service names; comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = parse_port, value_name = "PORT")]
    pub by_port: Vec<PortRange>,

    /// Also give per-state series to every port that has a LISTEN socket.
    #[arg(long)]
    pub listeners: bool,

    /// At most this many ports get per-port series, and at most this many listening ports
    /// get listener series; the rest are counted in tcpstate_ports_truncated.
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..=4096))]
    pub max_ports: u16,

    /// Per-peer series (tcpstate_peer_*: connections, rtt p50 and p99, bytes sent and
    /// retransmitted, sockets retransmitting) for the N remote addresses with the most
    /// connections; the rest are counted in tcpstate_ports_truncated{table="peers"}. Off by
    /// default: it asks the kernel for every connection's tcp_info at each collection.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub peers: Option<u16>,

    /// Scrapes closer together than this share one collection (e.g. 1s, 500ms, 0 to collect
    /// on every scrape).
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = super::duration::serve_min_interval)]
    pub min_interval: Duration,

    /// Also write node_exporter's node_tcp_connection_states{state} so existing dashboards
    /// keep working.
    #[arg(long)]
    pub compat_node_exporter: bool,

    /// Count traced events too, comma-separated: retrans (tcpstate_retransmits_total),
    /// reset (tcpstate_resets_total), drop (tcpstate_drops_total). Needs root or CAP_PERFMON.
    /// The tracepoints see every network namespace of the host; --port, --src and --dst narrow
    /// what is counted.
    #[arg(long, value_parser = parse_kinds, value_name = "KINDS")]
    pub events: Option<EventKinds>,

    /// Ring buffer size per CPU for --events, in 4 KiB pages, a power of two.
    #[arg(long, value_parser = super::trace::parse_pages, default_value_t = 64, value_name = "N")]
    pub events_buffer_pages: usize,

    /// Connections open at once. At the limit a new connection closes the oldest one that
    /// has not sent a whole request yet; only when all are being answered does it get 503.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_connections: u16,

    #[command(flatten)]
    pub ss: super::SsFilterArgs,
}

/// The value of `--listen`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    /// One address.
    Addr(SocketAddr),
    /// A host name and port, resolved when serving starts.
    Host(String, u16),
    /// `:PORT`: every address of the host, IPv4 and IPv6.
    Any(u16),
}

impl std::fmt::Display for Listen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Listen::Addr(a) => write!(f, "{a}"),
            Listen::Host(h, p) => write!(f, "{h}:{p}"),
            Listen::Any(p) => write!(f, ":{p}"),
        }
    }
}

/// Parse `ADDR:PORT`, `HOST:PORT` or `:PORT`.
pub fn parse_listen(text: &str) -> Result<Listen, String> {
    let bad = || {
        format!(
            "'{text}' is not ADDR:PORT, HOST:PORT or :PORT; write e.g. 127.0.0.1:10011, localhost:10011 or :10011"
        )
    };
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(Listen::Addr(addr));
    }
    let (host, port) = text.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    if host.is_empty() {
        return Ok(Listen::Any(port));
    }
    // A name: letters, digits, dots, hyphens (an IPv6 address needs its brackets).
    let is_name = host
        .split('.')
        .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if !is_name {
        return Err(bad());
    }
    Ok(Listen::Host(host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_takes_addresses_names_and_a_bare_port() {
        assert_eq!(
            parse_listen("127.0.0.1:10011"),
            Ok(Listen::Addr(SocketAddr::from(([127, 0, 0, 1], 10011))))
        );
        assert!(matches!(parse_listen("[::1]:80"), Ok(Listen::Addr(a)) if a.is_ipv6()));
        assert_eq!(
            parse_listen("localhost:10011"),
            Ok(Listen::Host("localhost".into(), 10011))
        );
        assert_eq!(parse_listen(":10011"), Ok(Listen::Any(10011)));
        for bad in [
            "",
            "10011",
            ":",
            "localhost",
            "host:99999",
            "::1:80",
            "a..b:1",
            "[x]:1",
            "a b:1",
        ] {
            assert!(parse_listen(bad).is_err(), "{bad}");
        }
        assert_eq!(Listen::Any(9).to_string(), ":9");
    }
}

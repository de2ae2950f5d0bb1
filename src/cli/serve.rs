//! Flags of `tcpstate serve`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use tcpstate::filter::{PortRange, parse_port};

/// The default address: loopback only, on a port outside the exporters' 9100-9999 range
/// (which Prometheus's port list has used up) and below the kernel's ephemeral ports.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:10011";

/// Flags of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Loopback by default: say 0.0.0.0:10011 or [::]:10011
    /// to let other hosts scrape.
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

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

    /// Scrapes closer together than this share one collection (e.g. 1s, 500ms, 0 to collect
    /// on every scrape).
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = super::duration::serve_min_interval)]
    pub min_interval: Duration,

    /// Also write node_exporter's node_tcp_connection_states{state} so existing dashboards
    /// keep working.
    #[arg(long)]
    pub compat_node_exporter: bool,

    /// Connections in service or waiting at once; more get 503.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_connections: u16,
}

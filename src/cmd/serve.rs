//! `tcpstate serve`: the Prometheus exporter. Opens the live source, starts the collector and
//! the HTTP server, and runs until SIGTERM or SIGINT, then exits 0.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::open_live;
use crate::analyze::scrape::PortPlan;
use crate::cli::Common;
use crate::filter::{PortRange, parse_port};
use crate::kernel::counters::CounterFiles;
use crate::serve::http::{self, Limits, Stop};
use crate::serve::{Exporter, Scope, Settings};
use crate::source::netlink::current_netns_inode;
use crate::source::netns::{self, Namespace, NetnsSpec};

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
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub min_interval: Duration,

    /// Also write node_exporter's node_tcp_connection_states{state} so existing dashboards
    /// keep working.
    #[arg(long)]
    pub compat_node_exporter: bool,

    /// Connections in service or waiting at once; more get 503.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_connections: u16,
}

/// Parse `1s`, `500ms`, `2m`, `1h`, `0`, or a plain number of seconds (`1.5`); at most a day.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (t, 1.0)
    };
    num.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0 && *v * scale <= 86_400.0)
        .map(|v| Duration::from_secs_f64(v * scale))
        .ok_or_else(|| {
            format!("bad duration '{s}': expected e.g. 1s, 500ms, 2m, 1h or a number of seconds, at most a day")
        })
}

pub fn run(common: &Common, args: &ServeArgs) -> Result<()> {
    if !common.from.is_empty() {
        bail!("serve exports the live host; --from captures cannot be served");
    }
    let settings = Settings {
        filter: common.filter(),
        ports: PortPlan {
            explicit: args.by_port.clone(),
            listeners: args.listeners,
            max_ports: usize::from(args.max_ports),
        },
        min_interval: args.min_interval,
        compat_node_exporter: args.compat_node_exporter,
    };
    // Signals are caught before anything else, so a SIGTERM during start-up is not lost.
    let stop = Stop::on_signals().context("installing the SIGTERM/SIGINT handlers")?;
    let listener = TcpListener::bind(args.listen).with_context(|| {
        format!(
            "cannot listen on {}; choose another address with --listen",
            args.listen
        )
    })?;
    let common = common.clone();
    let exporter = Exporter::start(Box::new(move || open_scopes(&common)), settings)?;
    let limits = Limits {
        max_connections: usize::from(args.max_connections),
        ..Limits::default()
    };
    eprintln!(
        "tcpstate serve: listening on http://{}/metrics",
        listener.local_addr().unwrap_or(args.listen)
    );
    http::serve(listener, Arc::new(exporter), limits, &stop).context("serving HTTP")?;
    eprintln!("tcpstate serve: stopped");
    Ok(())
}

/// The namespaces to export: this one (no `netns` label), the one `--netns` names, or every
/// namespace on the host at start with `--all-netns` (each labelled with its name). Sources
/// and counter files are opened inside each namespace and stay bound to it.
fn open_scopes(common: &crate::cli::Common) -> Result<Vec<Scope>> {
    let chosen: Vec<Namespace> = if let Some(spec) = &common.netns {
        vec![Namespace::open(&NetnsSpec::parse(spec))?]
    } else if common.all_netns {
        netns::discover().namespaces
    } else {
        return Ok(vec![Scope::current(open_live(common)?)]);
    };
    let here = current_netns_inode();
    let open = || -> Result<_> { Ok((open_live(common)?, CounterFiles::open()?)) };
    // Our own namespace is opened directly (entering it would need privilege for nothing).
    let others: Vec<&Namespace> = chosen.iter().filter(|ns| ns.inode != here).collect();
    let mut entered = netns::within(&others, |_| open()).into_iter();
    let mut scopes = Vec::new();
    for ns in &chosen {
        let r = if ns.inode == here {
            Ok(open())
        } else {
            match entered.next() {
                Some(r) => r,
                None => continue,
            }
        };
        let (source, mut files) = match r {
            Ok(Ok(pair)) => pair,
            Ok(Err(e)) => return Err(e.context(format!("opening a source in {}", ns.name))),
            // --all-netns: a namespace that vanished or may not be entered is left out.
            Err(_) if common.all_netns => continue,
            Err(e) => return Err(e.into()),
        };
        scopes.push(Scope {
            netns: Some(ns.name.clone()),
            source,
            counters: Box::new(move || files.read()),
        });
    }
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("1e9").is_err());
    }
}

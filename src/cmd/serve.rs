//! `tcpstate serve`: the Prometheus exporter. Opens the scope (this namespace, `--netns`, or
//! every namespace, followed as they come and go), starts the collector and the HTTP server,
//! and runs until SIGTERM or SIGINT, then exits 0.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::Arc;

use anyhow::{Context, Result};

use super::events::{self, Counting};
use super::{UsageError, open_scope};
use crate::cli::serve::Listen;
use crate::cli::{Common, ServeArgs};
use tcpstate::analyze::event_counts::EventCounts;
use tcpstate::analyze::scrape::PortPlan;
use tcpstate::serve::events::EventCounters;
use tcpstate::serve::http::{self, Limits};
use tcpstate::serve::{Exporter, Settings};
use tcpstate::source::scope::Scope;
use tcpstate::stop::{self, Stop};
use tcpstate::trace::EventKinds;

pub fn run(common: &Common, args: &ServeArgs) -> Result<()> {
    let settings = Settings {
        filter: common.filter(&args.ss)?,
        ports: PortPlan {
            explicit: args.by_port.clone(),
            listeners: args.listeners,
            max_ports: usize::from(args.max_ports),
            peers: args.peers.map_or(0, usize::from),
        },
        min_interval: args.min_interval,
        compat_node_exporter: args.compat_node_exporter,
        events: None,
    };
    // Signals are caught before anything else, so a SIGTERM during start-up is not lost.
    // A second one ends the process at once, whatever is still being answered.
    let stop = Stop::on_signals_then_exit(stop::TERMINATE)
        .context("installing the SIGTERM/SIGINT handlers")?;
    let listeners = bind(&args.listen)?;
    let scope = open_scope(common, false)?;
    if scope.is_captures() {
        return Err(UsageError(
            "serve exports the live host; --from captures cannot be served".into(),
        )
        .into());
    }
    let mut settings = settings;
    let counters = match args.events {
        Some(kinds) => Some(start_event_counters(common, args, kinds, &scope)?),
        None => None,
    };
    settings.events = counters.as_ref().map(|c| c.counts.clone());
    raise_descriptor_limit(usize::from(args.max_connections));
    let exporter = Exporter::start(scope, settings)?;
    let limits = Limits {
        max_connections: usize::from(args.max_connections),
        ..Limits::default()
    };
    let urls: Vec<String> = listeners
        .iter()
        .filter_map(|l| l.local_addr().ok())
        .map(|a| format!("http://{a}/metrics"))
        .collect();
    eprintln!("tcpstate serve: listening on {}", urls.join(", "));
    http::serve(listeners, Arc::new(exporter), limits, &stop).context("serving HTTP")?;
    drop(counters);
    eprintln!("tcpstate serve: stopped");
    Ok(())
}

/// Start counting `--events` (host-wide: the tracepoints see every namespace).
fn start_event_counters(
    common: &Common,
    args: &ServeArgs,
    kinds: EventKinds,
    scope: &Scope,
) -> Result<EventCounters> {
    let counting = Counting {
        who: "serve",
        instead: "run the exporter without --netns or --all-netns to count the host's events, narrowed with --port, --src or --dst",
    };
    let c = events::start(
        common,
        &args.ss,
        &counting,
        kinds,
        args.events_buffer_pages,
        scope,
        EventCounts::new(usize::from(args.max_ports)),
    )?;
    eprintln!("tcpstate serve: counting {} events", kinds.label());
    Ok(c)
}

/// Raise the soft limit on open descriptors towards the hard one, so `--max-connections`
/// connections (and the sources' own descriptors) fit; a limit that cannot be raised is
/// left as it is, and accepting then pauses when descriptors run out.
fn raise_descriptor_limit(max_connections: usize) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let want = u64::try_from(max_connections)
        .unwrap_or(u64::MAX)
        .saturating_add(256);
    let limit = getrlimit(Resource::Nofile);
    let Some(current) = limit.current else { return };
    if current >= want {
        return;
    }
    let raised = limit.maximum.map_or(want, |max| max.min(want));
    if raised > current {
        let _ = setrlimit(
            Resource::Nofile,
            rustix::process::Rlimit {
                current: Some(raised),
                maximum: limit.maximum,
            },
        );
    }
}

/// The listening sockets `--listen` asks for: one address; every address a host name
/// resolves to (those that cannot be bound are said once, as long as one can); or, for
/// `:PORT`, one IPv6 socket that also takes IPv4 (or IPv4 alone on a host without IPv6).
fn bind(listen: &Listen) -> Result<Vec<TcpListener>> {
    let cannot = |e: &dyn std::fmt::Display| {
        format!("cannot listen on {listen}: {e}; choose another address with --listen")
    };
    match listen {
        Listen::Addr(addr) => TcpListener::bind(addr)
            .map(|l| vec![l])
            .map_err(|e| anyhow::anyhow!(cannot(&e))),
        Listen::Host(host, port) => {
            let mut addrs: Vec<SocketAddr> = (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(|e| anyhow::anyhow!(cannot(&e)))?
                .collect();
            addrs.sort();
            addrs.dedup();
            let mut bound = Vec::new();
            let mut failed = Vec::new();
            for addr in &addrs {
                match TcpListener::bind(addr) {
                    Ok(l) => bound.push(l),
                    Err(e) => failed.push(format!("{addr}: {e}")),
                }
            }
            if bound.is_empty() {
                let why = if failed.is_empty() {
                    "the name has no address".to_string()
                } else {
                    failed.join("; ")
                };
                return Err(anyhow::anyhow!(cannot(&why)));
            }
            if !failed.is_empty() {
                eprintln!(
                    "tcpstate serve: {host} has addresses that cannot be listened on ({}); serving on the others",
                    failed.join("; ")
                );
            }
            Ok(bound)
        }
        Listen::Any(port) => match bind_dual_stack(*port) {
            Ok(l) => Ok(vec![l]),
            // No IPv6 on this host: IPv4 alone.
            Err(e)
                if e.raw_os_error() == Some(libc::EAFNOSUPPORT)
                    || e.raw_os_error() == Some(libc::EADDRNOTAVAIL) =>
            {
                TcpListener::bind((Ipv4Addr::UNSPECIFIED, *port))
                    .map(|l| vec![l])
                    .map_err(|e| anyhow::anyhow!(cannot(&e)))
            }
            Err(e) => Err(anyhow::anyhow!(cannot(&e))),
        },
    }
}

/// A listener on `[::]:port` that also accepts IPv4 (as mapped addresses), whatever the
/// host's net.ipv6.bindv6only says.
fn bind_dual_stack(port: u16) -> std::io::Result<TcpListener> {
    use rustix::net::{AddressFamily, SocketFlags, SocketType, sockopt};
    let fd = rustix::net::socket_with(
        AddressFamily::INET6,
        SocketType::STREAM,
        SocketFlags::CLOEXEC,
        None,
    )?;
    sockopt::set_socket_reuseaddr(&fd, true)?;
    sockopt::set_ipv6_v6only(&fd, false)?;
    rustix::net::bind(&fd, &SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)))?;
    rustix::net::listen(&fd, 1024)?;
    Ok(TcpListener::from(fd))
}

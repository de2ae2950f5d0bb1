//! `tcpstate serve`: the Prometheus exporter. Opens the live source, starts the collector and
//! the HTTP server, and runs until SIGTERM or SIGINT, then exits 0.

use std::net::TcpListener;
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use super::open_live;
use crate::cli::Common;
use crate::cli::ServeArgs;
use tcpstate::analyze::scrape::PortPlan;
use tcpstate::kernel::counters::CounterFiles;
use tcpstate::serve::http::{self, Limits, Stop};
use tcpstate::serve::{Exporter, Scope, Settings};
use tcpstate::source::netlink::current_netns_inode;
use tcpstate::source::netns::{self, Namespace, NetnsSpec};

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

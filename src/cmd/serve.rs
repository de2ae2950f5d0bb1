//! `tcpstate serve`: the Prometheus exporter. Opens the scope (this namespace, `--netns`, or
//! every namespace, followed as they come and go), starts the collector and the HTTP server,
//! and runs until SIGTERM or SIGINT, then exits 0.

use std::net::TcpListener;
use std::sync::Arc;

use anyhow::{Context, Result};

use super::{UsageError, open_scope};
use crate::cli::{Common, ServeArgs};
use tcpstate::analyze::scrape::PortPlan;
use tcpstate::serve::http::{self, Limits};
use tcpstate::serve::{Exporter, Settings};
use tcpstate::stop::{self, Stop};

pub fn run(common: &Common, args: &ServeArgs) -> Result<()> {
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
    // A second one ends the process at once, whatever is still being answered.
    let stop = Stop::on_signals_then_exit(stop::TERMINATE)
        .context("installing the SIGTERM/SIGINT handlers")?;
    let listener = TcpListener::bind(args.listen).with_context(|| {
        format!(
            "cannot listen on {}; choose another address with --listen",
            args.listen
        )
    })?;
    let scope = open_scope(common, false)?;
    if scope.is_captures() {
        return Err(UsageError(
            "serve exports the live host; --from captures cannot be served".into(),
        )
        .into());
    }
    raise_descriptor_limit(usize::from(args.max_connections));
    let exporter = Exporter::start(scope, settings)?;
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

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

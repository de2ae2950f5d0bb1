//! `tcpstate list`: one row per socket, streamed from the source through the filter to the
//! list writer; with `-p` the owners of each socket, with `--all-netns` its namespace.

use anyhow::Result;

use super::scope::{Scope, Want};
use super::{UsageError, data_format, scan, stdout};
use crate::cli::{Common, ListArgs};
use tcpstate::render::Style;
use tcpstate::render::list::{Columns, ListWriter};
use tcpstate::socket::{Flow, Sink, Socket};

/// Stops the stream after `left` sockets.
struct Limit<'a, S: ?Sized> {
    left: u64,
    inner: &'a mut S,
}

impl<S: Sink + ?Sized> Sink for Limit<'_, S> {
    fn socket(&mut self, s: &Socket) -> Flow {
        if self.left == 0 {
            return Flow::Stop;
        }
        self.left -= 1;
        let f = self.inner.socket(s);
        if self.left == 0 { Flow::Stop } else { f }
    }
}

pub fn run(common: &Common, args: &ListArgs) -> Result<()> {
    let filter = common.filter();
    let captures = !common.from.is_empty();
    if captures && args.processes {
        return Err(UsageError(
            "-p needs the live host: saved captures carry no process table".into(),
        )
        .into());
    }
    // Saved captures are read through `scan`; the live host through a scope that also knows
    // namespace names and socket owners.
    let mut scope = if captures {
        None
    } else {
        Some(Scope::open(
            common,
            filter.states,
            Want {
                processes: args.processes,
            },
        )?)
    };
    let labels = scope
        .as_ref()
        .map(|s| s.labels().clone())
        .unwrap_or_default();
    let all_netns = scope.as_ref().is_some_and(|s| s.all_netns());
    let mut out = stdout();
    let mut lw = ListWriter::new(
        &mut out,
        data_format("list", common.format)?,
        Style::for_stdout(),
        Columns {
            extended: args.extended,
            timers: args.timers,
            processes: args.processes,
            netns: all_netns,
        },
    )
    .with_lookup(&labels);
    lw.begin()?;
    let mut limited = Limit {
        left: args.limit.unwrap_or(u64::MAX),
        inner: &mut lw,
    };
    match scope.as_mut() {
        Some(scope) => scope.scan(&filter, &mut limited)?,
        None => scan(common, &filter, &mut limited)?,
    };
    lw.finish()?;
    Ok(())
}

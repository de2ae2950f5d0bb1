//! `tcpstate list`: one row per socket, streamed from the source through the filter to the
//! list writer; with `-p` the owners of each socket, with `--all-netns` its namespace.

use anyhow::Result;

use super::scope::{Scope, Want};
use super::stdout;
use crate::cli::{Common, ListArgs};
use crate::render::Style;
use crate::render::list::{Columns, ListWriter};
use crate::socket::{Flow, Sink, Socket};

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
    let mut scope = Scope::open(
        common,
        filter.states,
        Want {
            processes: args.processes,
        },
    )?;
    let labels = scope.labels().clone();
    let mut out = stdout();
    let mut lw = ListWriter::new(
        &mut out,
        common.format,
        Style::for_stdout(),
        Columns {
            extended: args.extended,
            timers: args.timers,
            processes: args.processes,
            netns: scope.all_netns(),
        },
    )
    .with_lookup(&labels);
    lw.begin()?;
    let mut limited = Limit {
        left: args.limit.unwrap_or(u64::MAX),
        inner: &mut lw,
    };
    scope.scan(&filter, &mut limited)?;
    lw.finish()?;
    Ok(())
}

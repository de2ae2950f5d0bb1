//! `tcpstate list`: one row per socket, streamed from the scope's targets through the filter
//! to the list writer; with `-p` the owners of each socket, with `--all-netns` its namespace.

use std::sync::Arc;

use anyhow::Result;

use super::{open_scope, print_notices, stdout};
use crate::cli::{Common, ListArgs};
use tcpstate::render::list::{Columns, ListWriter, Lookup};
use tcpstate::render::{OutputKind, Style};
use tcpstate::sink::{Flow, Sink, StopAfter, TargetInfo};
use tcpstate::socket::Socket;
use tcpstate::source::process::{Attribution, ProcessMap};
use tcpstate::source::scope::{Order, Scope};
use tcpstate::tcp::state::{StateSet, TcpState};
use tcpstate::tcpinfo::Extensions;

/// Names of namespaces and owners of sockets, as the list writer asks for them.
struct Names {
    /// The label of every target, in scope order.
    targets: Vec<String>,
    owners: Option<Arc<ProcessMap>>,
}

impl Names {
    fn of(scope: &Scope) -> Names {
        Names {
            targets: scope.targets().iter().map(|t| t.label.clone()).collect(),
            owners: scope.owners(),
        }
    }
}

impl Lookup for Names {
    fn target_name(&self, index: usize) -> Option<&str> {
        self.targets.get(index).map(String::as_str)
    }

    fn netns_width(&self) -> usize {
        self.targets
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
    }

    fn owners<'a>(&'a self, s: &'a Socket) -> Option<Attribution<'a>> {
        self.owners.as_deref().map(|m| m.owners(s))
    }
}

pub fn run(common: &Common, args: &ListArgs) -> Result<()> {
    let mut filter = common.filter();
    if args.listening {
        filter.states = StateSet::of(&[TcpState::Listen]);
    }
    let format = common.format.data(OutputKind::List)?;
    let mut scope = open_scope(common, args.processes)?;
    scope.ask(Extensions {
        info: args.info,
        memory: args.memory,
    });
    let names = Names::of(&scope);
    let mut out = stdout();
    let mut lw = ListWriter::new(
        &mut out,
        format,
        Style::for_stdout(),
        Columns {
            extended: args.extended,
            timers: args.timers,
            processes: args.processes,
            netns: scope.is_many() && !scope.is_captures(),
            info: args.info,
            memory: args.memory,
        },
    )
    .with_lookup(&names);
    lw.header()?;
    let mut limited = StopAfter {
        left: args.limit.unwrap_or(u64::MAX),
        inner: &mut lw,
    };
    match args.sort {
        None => {
            let report = scope.scan(&filter, &mut limited, Order::Families)?;
            print_notices(&report);
        }
        Some(by) => {
            let mut held = Held::default();
            let report = scope.scan(&filter, &mut held, Order::Families)?;
            print_notices(&report);
            by.sort(&mut held.rows);
            let mut current = None;
            for (index, s) in &held.rows {
                if current != Some(*index) {
                    current = Some(*index);
                    let label = names.target_name(*index).unwrap_or("-");
                    limited.begin(&TargetInfo {
                        label,
                        netns: None,
                        index: *index,
                    })?;
                }
                if limited.socket(s)? == Flow::Stop {
                    break;
                }
            }
        }
    }
    lw.close()?;
    Ok(())
}

/// Every socket with the position of its target, for `--sort`.
#[derive(Default)]
struct Held {
    target: usize,
    rows: Vec<(usize, Socket)>,
}

impl Sink for Held {
    fn begin(&mut self, target: &TargetInfo<'_>) -> std::io::Result<()> {
        self.target = target.index;
        Ok(())
    }

    fn socket(&mut self, s: &Socket) -> std::io::Result<Flow> {
        self.rows.push((self.target, s.clone()));
        Ok(Flow::Continue)
    }
}

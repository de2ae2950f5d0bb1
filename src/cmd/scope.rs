//! What a run looks at: the network namespaces (this one, `--netns`, or `--all-netns`), a live
//! source opened inside each, and — only when a command asks — the process map that says who
//! holds each socket. `Scope::open` does the expensive parts once per run (entering
//! namespaces from a worker thread, one walk of /proc, one LISTEN-only dump per namespace so
//! mini-sockets can be credited to their listener); `Scope::scan` then streams every
//! namespace through the filter into the command's sink. `Labels` is what renderers need to
//! name namespaces and owners, kept apart from the sources so it can be borrowed while they
//! run.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use anyhow::{Context, Result};

use super::{open_live, print_notices};
use crate::cli::Common;
use tcpstate::filter::{Filter, Filtered};
use tcpstate::render::list::Lookup;
use tcpstate::socket::{Flow, Sink, Socket, TagNetns};
use tcpstate::source::netlink::current_netns_inode;
use tcpstate::source::netns::{self, Namespace, NetnsSpec};
use tcpstate::source::process::{Attribution, ProcessMap};
use tcpstate::source::{Query, Report, Source};
use tcpstate::tcp::state::{StateSet, TcpState};

/// What a command needs besides the sockets.
#[derive(Debug, Clone, Copy, Default)]
pub struct Want {
    /// Owners of sockets (`-p`, `--by process`).
    pub processes: bool,
}

/// Names of namespaces and owners of sockets, for renderers.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// (inode, name) of every namespace scanned, in display order.
    namespaces: Vec<(u64, String)>,
    /// Namespace inode -> index into `namespaces`.
    index: HashMap<u64, usize>,
    processes: Option<Arc<ProcessMap>>,
}

impl Labels {
    /// (inode, name) of every namespace scanned, `host` first.
    pub fn namespaces(&self) -> &[(u64, String)] {
        &self.namespaces
    }

    /// The process map, when processes were asked for.
    pub fn processes(&self) -> Option<Arc<ProcessMap>> {
        self.processes.clone()
    }
}

impl Lookup for Labels {
    fn netns_name(&self, inode: u64) -> Option<&str> {
        let &i = self.index.get(&inode)?;
        self.namespaces.get(i).map(|(_, n)| n.as_str())
    }

    fn netns_width(&self) -> usize {
        self.namespaces
            .iter()
            .map(|(_, n)| n.chars().count())
            .max()
            .unwrap_or(0)
    }

    fn owners(&self, s: &Socket) -> Option<Attribution<'_>> {
        self.processes.as_deref().map(|m| m.owners(s))
    }
}

struct Target {
    inode: u64,
    name: String,
    source: Box<dyn Source + Send>,
}

/// The namespaces of a run with their open sources.
pub struct Scope {
    targets: Vec<Target>,
    labels: Labels,
    all: bool,
}

fn notice(msg: &str) {
    eprintln!("tcpstate: notice: {msg}");
}

impl Scope {
    /// Open the namespaces the flags name and a source in each; scan processes if `want`
    /// says so. `states` are the states the run will look at (a LISTEN-only dump for
    /// "via listener" is made only when TIME_WAIT or SYN_RECV are among them).
    pub fn open(common: &Common, states: StateSet, want: Want) -> Result<Scope> {
        let mut targets = Vec::new();
        if common.all_netns {
            open_all(common, &mut targets)?;
        } else if let Some(spec) = &common.netns {
            let ns = Namespace::open(&NetnsSpec::parse(spec))?;
            // The caller's own namespace needs no entering (nor the privilege to enter it).
            let source = if ns.inode == current_netns_inode() {
                open_live(common)?
            } else {
                netns::within(&[&ns], |_| open_live(common))
                    .pop()
                    .context("entering the namespace gave no result")???
            };
            targets.push(Target {
                inode: ns.inode,
                name: ns.name.clone(),
                source,
            });
        } else {
            targets.push(Target {
                inode: current_netns_inode(),
                name: "current".to_string(),
                source: open_live(common)?,
            });
        }

        let mut labels = Labels {
            namespaces: targets.iter().map(|t| (t.inode, t.name.clone())).collect(),
            index: targets
                .iter()
                .enumerate()
                .map(|(i, t)| (t.inode, i))
                .collect(),
            processes: None,
        };
        if want.processes {
            let inodes: HashSet<u64> = targets.iter().map(|t| t.inode).collect();
            let only = (!inodes.contains(&0)).then_some(&inodes);
            let mut map = ProcessMap::scan(only);
            if states.contains(TcpState::TimeWait) || states.contains(TcpState::SynRecv) {
                let listen = Query {
                    states: StateSet::of(&[TcpState::Listen]),
                    v4: true,
                    v6: true,
                };
                for t in &mut targets {
                    let mut add = |s: &Socket| {
                        map.add_listener(s);
                        Flow::Continue
                    };
                    let mut tagged = TagNetns::new(t.inode, &mut add);
                    t.source
                        .run(&listen, &mut tagged)
                        .with_context(|| format!("listing the listeners of {}", t.name))?;
                }
            }
            if let Some(n) = map.notice() {
                notice(&n);
            }
            labels.processes = Some(Arc::new(map));
        }
        Ok(Scope {
            targets,
            labels,
            all: common.all_netns,
        })
    }

    /// Names of namespaces and owners of sockets.
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// Whether the run covers every namespace (one column or row per namespace).
    pub fn all_netns(&self) -> bool {
        self.all
    }

    /// Stream every namespace's sockets through `filter` into `sink`, one namespace after
    /// the other, until the sink says stop. Sources' notices are printed on stderr.
    pub fn scan(&mut self, filter: &Filter, sink: &mut dyn Sink) -> Result<Report> {
        self.scan_with(filter, sink, true)
    }

    /// Like `scan`, for sinks that do not mind IPv4 and IPv6 sockets interleaved (counting,
    /// grouping): each namespace's families are then read in one walk of the kernel's table.
    pub fn scan_unordered(&mut self, filter: &Filter, sink: &mut dyn Sink) -> Result<Report> {
        self.scan_with(filter, sink, false)
    }

    fn scan_with(&mut self, filter: &Filter, sink: &mut dyn Sink, ordered: bool) -> Result<Report> {
        let query = filter.query();
        let mut filtered = Filtered {
            filter,
            inner: sink,
        };
        let mut tagged = TagNetns::new(0, &mut filtered);
        let mut report = Report::default();
        let many = self.targets.len() > 1;
        for t in &mut self.targets {
            tagged.netns = t.inode;
            let r = if ordered {
                t.source.run(&query, &mut tagged)
            } else {
                t.source.run_unordered(&query, &mut tagged)
            };
            let r = if many {
                r.with_context(|| format!("reading network namespace {}", t.name))?
            } else {
                r?
            };
            report.sockets += r.sockets;
            report.unread.extend(r.unread);
            report.notices.extend(r.notices);
            if tagged.stopped {
                break;
            }
        }
        print_notices(&report);
        Ok(report)
    }
}

/// Open a source in every namespace on the host. The caller's own namespace is opened
/// directly (that needs no privilege); the others from a worker thread that enters them.
/// Namespaces that cannot be entered are left out, with one notice saying how many and why.
fn open_all(common: &Common, targets: &mut Vec<Target>) -> Result<()> {
    let found = netns::discover();
    if found.unreadable > 0 {
        let n = found.unreadable;
        let es = if n == 1 { "" } else { "es" };
        notice(&if rustix::process::geteuid().is_root() {
            format!(
                "the namespace{} of {n} process{es} could not be read even as root (protected by a security module) and may be missing",
                if n == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "the namespaces of {n} process{es} of other users could not be read and may be missing; run as root (or with CAP_SYS_PTRACE) to see them"
            )
        });
    }
    let here = current_netns_inode();
    let others: Vec<&Namespace> = found
        .namespaces
        .iter()
        .filter(|ns| ns.inode != here)
        .collect();
    let mut entered = netns::within(&others, |_| open_live(common)).into_iter();
    let mut denied = 0u64;
    for ns in &found.namespaces {
        let source = if ns.inode == here {
            open_live(common)?
        } else {
            match entered.next() {
                Some(Ok(Ok(s))) => s,
                Some(Ok(Err(e))) => {
                    return Err(e.context(format!("opening a source in {}", ns.name)));
                }
                Some(Err(netns::NetnsError::EnterDenied { .. })) => {
                    denied += 1;
                    continue;
                }
                // Gone or not a namespace any more: skip it.
                Some(Err(_)) | None => continue,
            }
        };
        targets.push(Target {
            inode: ns.inode,
            name: ns.name.clone(),
            source,
        });
    }
    if denied > 0 {
        notice(&format!(
            "{denied} network namespace{} could not be entered and {} not counted; entering a namespace needs root (or CAP_SYS_ADMIN)",
            if denied == 1 { "" } else { "s" },
            if denied == 1 { "is" } else { "are" },
        ));
    }
    Ok(())
}

//! The one seam between what the user asked for and where sockets come from. A `ScopeSpec`
//! (made by the command line) names a place — this network namespace, one `--netns`, every
//! namespace (`--all-netns`), or saved `--from` captures — and `Scope::open` turns it into
//! *targets*: each with a label, a source opened once (inside its namespace, from the one
//! module that enters namespaces), and, for live targets, the kernel's counter files opened
//! there too. Commands only ask the scope for targets and push them through sinks; they never
//! look at the kind of input. Long-running commands call `refresh` to follow namespaces that
//! appear and disappear.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};

use super::capture::{CaptureSource, InputFormat};
use super::netlink::{NetlinkSource, current_netns_inode};
use super::netns::{self, Namespace, NetnsError, NetnsSpec};
use super::process::ProcessMap;
use super::procfs::ProcSource;
pub use super::target::Target;
use super::target::TargetInput;
use super::{Query, Report, Source, SourceError};
use crate::filter::Filter;
use crate::kernel::counters::CounterFiles;
use crate::kernel::hostname;
use crate::sink::{Flow, Sink, StopNoted};
use crate::socket::Socket;
use crate::tcp::state::{StateSet, TcpState};
use crate::tcpinfo::Extensions;

/// Which live source to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LiveSource {
    /// sock_diag netlink, falling back to /proc when netlink is unavailable.
    #[default]
    Auto,
    /// sock_diag netlink only.
    Netlink,
    /// /proc/net/tcp and /proc/net/tcp6.
    Proc,
}

/// One saved capture to read.
#[derive(Debug, Clone)]
pub struct CaptureSpec {
    pub path: PathBuf,
    /// The name in side-by-side output (default: the file's stem).
    pub label: Option<String>,
    pub format: InputFormat,
    pub assume_state: Option<TcpState>,
    pub strict: bool,
}

/// Where the sockets are.
#[derive(Debug, Clone)]
pub enum Place {
    /// The caller's own network namespace.
    Here,
    /// One namespace: a /run/netns name, a path, or a process id.
    Netns(String),
    /// Every namespace on the host.
    AllNetns,
    /// Saved captures, one target each.
    Captures(Vec<CaptureSpec>),
}

/// What a command asks of the scope.
#[derive(Debug, Clone)]
pub struct ScopeSpec {
    pub place: Place,
    pub live: LiveSource,
    /// Scan processes so sockets can be credited to their owners (`-p`, `--by process`).
    pub owners: bool,
    /// The states the command looks at (a listener dump for "via listener" credit is made
    /// only when TIME_WAIT or SYN_RECV are among them).
    pub states: StateSet,
}

/// A request the input cannot answer (a saved summary filtered by port, processes of a
/// capture): the command line asked for something that does not go together.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unsupported(pub String);

/// Which order a scan delivers the families in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// IPv4 then IPv6 (listings).
    Families,
    /// Interleaved if the source is faster that way (counting, grouping).
    Any,
}

/// The targets of a run.
pub struct Scope {
    spec: ScopeSpec,
    /// What the kernel adds to each socket of a scan (tcp_info, memory); nothing by default,
    /// so counting never pays for it.
    extensions: Extensions,
    targets: Vec<Target>,
    owners: Option<Arc<ProcessMap>>,
    notices: Vec<String>,
    /// A capture that cannot be read, among several, is listed in `Report::failed` and the
    /// scan goes on, rather than ending the run.
    keep_going: bool,
}

impl Scope {
    /// Open every target the spec names. Namespaces that cannot be entered are left out of
    /// `--all-netns` with one notice; a `--netns` that cannot be entered is an error.
    pub fn open(spec: ScopeSpec) -> Result<Scope> {
        let mut scope = Scope {
            extensions: Extensions::default(),
            targets: Vec::new(),
            owners: None,
            notices: Vec::new(),
            keep_going: false,
            spec,
        };
        match scope.spec.place.clone() {
            Place::Here => {
                let t = open_live(scope.spec.live, None, hostname(), None)?;
                scope.targets.push(t.0);
                scope.notices.extend(t.1);
            }
            Place::Netns(name) => {
                let ns = Namespace::open(&NetnsSpec::parse(&name))?;
                // The caller's own namespace needs no entering (nor the privilege to enter it).
                let ns = (ns.inode != current_netns_inode()).then_some(ns);
                let (t, n) = open_live(scope.spec.live, ns, hostname(), Some(name))?;
                scope.targets.push(t);
                scope.notices.extend(n);
            }
            Place::AllNetns => scope.refresh()?,
            Place::Captures(files) => {
                let mut used: HashSet<String> = HashSet::new();
                for f in files {
                    let mut src = CaptureSource::open(&f.path)
                        .with_format(f.format)
                        .with_assume_state(f.assume_state)
                        .with_strict(f.strict)
                        .with_owners_wanted(scope.spec.owners);
                    if let Some(l) = f.label {
                        src = src.with_label(l);
                    }
                    // Two files with one stem (a/web1.txt, b/web1.txt) get `web1` and
                    // `web1 (2)`, so that their columns can be told apart.
                    let label = distinct_label(src.label(), &mut used);
                    src = src.with_label(label);
                    scope.targets.push(Target {
                        label: src.label().to_string(),
                        netns: None,
                        netns_label: None,
                        input: TargetInput::Capture(Box::new(src)),
                        namespace: None,
                        counters: None,
                    });
                }
            }
        }
        if scope.spec.owners {
            let states = scope.spec.states;
            scope.find_owners(states)?;
        }
        Ok(scope)
    }

    /// With `--all-netns`, find the namespaces again: open the new ones, drop the ones that
    /// are gone, keep the rest as they are. Nothing for the other places.
    pub fn refresh(&mut self) -> Result<()> {
        if !matches!(self.spec.place, Place::AllNetns) {
            return Ok(());
        }
        let found = netns::discover();
        if found.unreadable > 0 {
            self.notices.push(unreadable_notice(found.unreadable));
        }
        let here = current_netns_inode();
        let mut old: Vec<Target> = std::mem::take(&mut self.targets);
        let mut denied = 0u64;
        for ns in found.namespaces {
            if let Some(i) = old.iter().position(|t| t.netns == Some(ns.inode)) {
                self.targets.push(old.swap_remove(i));
                continue;
            }
            let label = ns.name.clone();
            let namespace = (ns.inode != here).then_some(ns);
            match open_live(self.spec.live, namespace, label.clone(), Some(label)) {
                Ok((t, n)) => {
                    self.targets.push(t);
                    self.notices.extend(n);
                }
                Err(e) => match e.downcast_ref::<NetnsError>() {
                    Some(NetnsError::EnterDenied { .. }) => denied += 1,
                    // Gone meanwhile, or no longer a namespace: nothing to show.
                    Some(_) => {}
                    None => return Err(e),
                },
            }
        }
        if denied > 0 {
            self.notices.push(format!(
                "{denied} network namespace{} could not be entered and {} not counted; entering a namespace needs root (or CAP_SYS_ADMIN)",
                if denied == 1 { "" } else { "s" },
                if denied == 1 { "is" } else { "are" },
            ));
        }
        Ok(())
    }

    /// Whether output shows one column or section per target (every namespace, several
    /// captures), whatever the number of targets found.
    /// Tell `progress` how the reading of each long capture goes (nothing for live targets).
    pub fn show_progress(
        &mut self,
        progress: Arc<dyn crate::source::capture::progress::ReadProgress>,
    ) {
        for t in &mut self.targets {
            if let TargetInput::Capture(c) = &mut t.input {
                c.set_progress(progress.clone());
            }
        }
    }

    /// Let a scan over several captures go on past one that cannot be read (a layout no
    /// parser knows, rows that look like TCP but none reads): it is listed, with its sentence,
    /// in `Report::failed`, and the caller shows the others and then fails. For views that can
    /// show a target as unknown (summary, list).
    pub fn keep_going(&mut self, yes: bool) {
        self.keep_going = yes;
    }

    pub fn is_many(&self) -> bool {
        match &self.spec.place {
            Place::AllNetns => true,
            Place::Captures(c) => c.len() > 1,
            Place::Here | Place::Netns(_) => false,
        }
    }

    /// Ask the kernel to add tcp_info and/or memory to each socket of later scans (live
    /// sources; a capture has what it has).
    pub fn ask(&mut self, extensions: Extensions) {
        self.extensions = extensions;
    }

    /// The LISTEN sockets in a dump of their own asking `listeners` (their memory: few sockets,
    /// little cost), then the rest asking `rest`, into `sink`; a capture, or a filter without
    /// LISTEN, is one scan asking `rest`. What was asked before is asked again afterwards.
    pub fn scan_listeners_apart(
        &mut self,
        filter: &Filter,
        sink: &mut dyn Sink,
        order: Order,
        listeners: Extensions,
        rest: Extensions,
    ) -> Result<Report> {
        let before = self.extensions;
        let result = if self.is_captures() || !filter.states.contains(TcpState::Listen) {
            self.extensions = rest;
            self.scan(filter, sink, order)
        } else {
            let (mut only, mut others) = (filter.clone(), filter.clone());
            only.states = StateSet::of(&[TcpState::Listen]);
            others.states = filter.states.without(TcpState::Listen);
            self.extensions = listeners;
            self.scan(&only, sink, order).and_then(|mut report| {
                if !others.states.is_empty() {
                    self.extensions = rest;
                    report.merge(self.scan(&others, sink, order)?);
                }
                Ok(report)
            })
        };
        self.extensions = before;
        result
    }

    /// Whether the one target is the caller's own network namespace (what a tracepoint,
    /// which sees every namespace without telling them apart, can stand for).
    pub fn is_caller_namespace(&self) -> bool {
        match self.targets.as_slice() {
            [one] => !self.is_many() && one.is_live() && one.namespace.is_none(),
            _ => false,
        }
    }

    /// What the run looks at, for headers: this host's name, `HOST netns NAME`, `HOST, every
    /// network namespace (N)`, or the captures' labels.
    pub fn describe(&self) -> String {
        match &self.spec.place {
            Place::Here => hostname(),
            Place::Netns(name) => format!("{} netns {name}", hostname()),
            Place::AllNetns => format!(
                "{}, every network namespace ({})",
                hostname(),
                self.targets.len()
            ),
            Place::Captures(_) => self
                .targets
                .iter()
                .map(|t| t.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Whether the targets are saved captures.
    pub fn is_captures(&self) -> bool {
        matches!(self.spec.place, Place::Captures(_))
    }

    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    pub fn targets_mut(&mut self) -> &mut [Target] {
        &mut self.targets
    }

    /// The one live target of a run that looks at a single live place (not every namespace,
    /// not captures): the one whose counters and sysctls belong to the sockets.
    pub fn single_live(&mut self) -> Option<&mut Target> {
        if self.is_many() {
            return None;
        }
        match self.targets.as_mut_slice() {
            [one] if one.is_live() => Some(one),
            _ => None,
        }
    }

    /// The process map, when owners were asked for.
    pub fn owners(&self) -> Option<Arc<ProcessMap>> {
        self.owners.clone()
    }

    /// The targets, for a command that takes their sources over (trace).
    pub fn into_targets(self) -> Vec<Target> {
        self.targets
    }

    /// What opening or refreshing had to say (fallbacks, namespaces left out), taken once.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Push every target's sockets through `filter` into one `sink`, target after target,
    /// until the sink says stop. The reports are merged.
    pub fn scan(&mut self, filter: &Filter, sink: &mut dyn Sink, order: Order) -> Result<Report> {
        let mut all = Report::default();
        let many = self.targets.len() > 1;
        for (i, t) in self.targets.iter_mut().enumerate() {
            let mut noted = StopNoted::new(sink);
            let r = t.scan(i, filter, self.extensions, &mut noted, order);
            if self.keep_going
                && many
                && t.netns.is_none()
                && let Err(e) = &r
                && let Some(failure) = e.downcast_ref::<SourceError>()
            {
                // One capture that cannot be read leaves the others to be shown.
                all.failed.push((i, failure.to_string()));
                continue;
            }
            let r = if many && t.netns.is_some() {
                r.with_context(|| format!("reading network namespace {}", t.label))?
            } else {
                r?
            };
            all.merge(r);
            if noted.stopped {
                break;
            }
        }
        Ok(all)
    }

    /// Scan processes once, and (when `states` hold TIME_WAIT or SYN_RECV) learn the
    /// listeners so mini-sockets can be credited to them. `owners` then has the map. Saved
    /// captures get an empty map: their sockets carry the owners their process column listed
    /// (`netstat -p`, `ss -p`), which the map's one lookup answers from.
    pub fn find_owners(&mut self, states: StateSet) -> Result<()> {
        if self.is_captures() {
            self.owners = Some(Arc::new(ProcessMap::default()));
            return Ok(());
        }
        let inodes: HashSet<u64> = self.targets.iter().filter_map(|t| t.netns).collect();
        let only = (!inodes.contains(&0)).then_some(&inodes);
        let mut map = ProcessMap::scan(only);
        if states.contains(TcpState::TimeWait) || states.contains(TcpState::SynRecv) {
            let listen = Query {
                states: StateSet::of(&[TcpState::Listen]),
                ..Query::default()
            };
            for t in &mut self.targets {
                let label = t.label.clone();
                if let Some(src) = t.live_source() {
                    let mut add = |s: &Socket| {
                        map.add_listener(s);
                        Flow::Continue
                    };
                    src.run(&listen, &mut add)
                        .with_context(|| format!("listing the listeners of {label}"))?;
                }
            }
        }
        if let Some(n) = map.notice() {
            self.notices.push(n);
        }
        self.owners = Some(Arc::new(map));
        Ok(())
    }
}

/// `label`, or `label (N)` with the smallest N from 2 that is not yet in `used`; the label
/// returned is added to `used`.
fn distinct_label(label: &str, used: &mut HashSet<String>) -> String {
    let mut l = label.to_string();
    let mut n = 2u64;
    while used.contains(&l) {
        l = format!("{label} ({n})");
        n += 1;
    }
    used.insert(l.clone());
    l
}

/// Open the live source (and the counter files) of one namespace — the caller's own when
/// `namespace` is `None` — and say what fell back.
fn open_live(
    live: LiveSource,
    namespace: Option<Namespace>,
    label: String,
    netns_label: Option<String>,
) -> Result<(Target, Vec<String>)> {
    /// What is opened inside the namespace.
    struct OpenedInside {
        source: Box<dyn Source + Send>,
        counters: Option<CounterFiles>,
        notices: Vec<String>,
        inode: u64,
    }
    let open = || -> Result<OpenedInside> {
        let (source, notices) = open_source(live)?;
        Ok(OpenedInside {
            source,
            counters: CounterFiles::open().ok(),
            notices,
            inode: current_netns_inode(),
        })
    };
    let OpenedInside {
        source,
        counters,
        notices,
        inode,
    } = match &namespace {
        None => open()?,
        Some(ns) => netns::within_one(ns, open)?
            .with_context(|| format!("opening a source in {}", ns.name))?,
    };
    Ok((
        Target {
            label,
            netns: Some(inode),
            netns_label,
            input: TargetInput::Live(source),
            namespace,
            counters,
        },
        notices,
    ))
}

/// The live source the flags ask for, in the calling thread's namespace. With `auto`, a
/// netlink failure falls back to /proc with a notice.
fn open_source(live: LiveSource) -> Result<(Box<dyn Source + Send>, Vec<String>)> {
    Ok(match live {
        LiveSource::Proc => (Box::new(ProcSource::new()), Vec::new()),
        LiveSource::Netlink => (
            Box::new(NetlinkSource::open().context("--source netlink was asked for")?),
            Vec::new(),
        ),
        LiveSource::Auto => match NetlinkSource::open() {
            Ok(s) => (Box::new(s), Vec::new()),
            Err(SourceError::NetlinkUnavailable(e)) => (
                Box::new(ProcSource::new()),
                vec![format!(
                    "sock_diag netlink is unavailable ({e}); reading /proc/net/tcp instead"
                )],
            ),
            Err(e) => return Err(e.into()),
        },
    })
}

fn unreadable_notice(n: u64) -> String {
    let es = if n == 1 { "" } else { "es" };
    if rustix::process::geteuid().is_root() {
        format!(
            "the namespace{} of {n} process{es} could not be read even as root (protected by a security module) and may be missing",
            if n == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "the namespaces of {n} process{es} of other users could not be read and may be missing; run as root (or with CAP_SYS_PTRACE) to see them"
        )
    }
}

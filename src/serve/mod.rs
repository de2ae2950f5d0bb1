//! The exporter behind `tcpstate serve`: one collector thread owns the socket sources and the
//! scrape sinks, and HTTP workers ask it for a rendered exposition. Requests that arrive
//! together are answered from one collection, a collection younger than `min_interval` is
//! reused, and two collections never run at once, so a burst of scrapes costs one dump.
//!
//! Where the sockets come from is a `source::scope::Scope`: its targets are the network
//! namespaces to export, each with a source and counter files opened inside it, and every
//! series of a target carries its `netns` label (none for the exporter's own namespace). With
//! `--all-netns` the scope is refreshed before each collection, so a namespace made after the
//! start is exported and one deleted stops being exported.

pub mod events;
pub mod http;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::analyze::scrape::{PortPlan, ScrapeSink};
use crate::filter::Filter;
use crate::kernel::sysctl;
use crate::render::prometheus::{self, Exposition, NamespaceSnapshot, Snapshot};
use crate::sink::Filtered;
use crate::source::scope::Scope;

/// What the collector does on each collection.
#[derive(Debug, Clone)]
pub struct Settings {
    pub filter: Filter,
    pub ports: PortPlan,
    /// A collection younger than this is served again instead of collecting anew.
    pub min_interval: Duration,
    pub compat_node_exporter: bool,
    /// Counters of traced events (`--events`), copied into each collection.
    pub events: Option<events::SharedCounts>,
}

/// A rendered exposition, shared by every request that asked for it.
pub type SharedBody = Arc<String>;

struct MetricsRequest {
    format: Exposition,
    reply: SyncSender<Option<SharedBody>>,
}

/// The handle HTTP workers use; cheap to share between threads.
pub struct Exporter {
    tx: Sender<MetricsRequest>,
}

impl Exporter {
    /// Start the collector thread, which owns `scope` from then on.
    pub fn start(scope: Scope, settings: Settings) -> Result<Exporter> {
        let (tx, rx) = mpsc::channel::<MetricsRequest>();
        thread::Builder::new()
            .name("collector".into())
            .spawn(move || Collector::new(scope, settings).run(rx))
            .context("starting the collector thread")?;
        Ok(Exporter { tx })
    }

    /// The exposition in `format`, from a collection that started no earlier than
    /// `min_interval` ago. `None` when the collector is gone or cannot render.
    pub fn metrics(&self, format: Exposition) -> Option<SharedBody> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.tx.send(MetricsRequest { format, reply }).ok()?;
        answer.recv().ok().flatten()
    }
}

struct Cache {
    at: Instant,
    snapshot: Arc<Snapshot>,
    text: Option<SharedBody>,
    openmetrics: Option<SharedBody>,
}

impl Cache {
    fn body(&mut self, format: Exposition) -> Option<SharedBody> {
        let slot = match format {
            Exposition::Text => &mut self.text,
            Exposition::OpenMetrics => &mut self.openmetrics,
        };
        if slot.is_none() {
            *slot = prometheus::encode(self.snapshot.clone(), format)
                .ok()
                .map(Arc::new);
        }
        slot.clone()
    }
}

struct Collector {
    scope: Scope,
    /// One scrape sink per target, by namespace inode, kept between collections.
    sinks: HashMap<u64, ScrapeSink>,
    settings: Settings,
    collections: u64,
    errors: u64,
    cache: Option<Cache>,
    /// What was last said on stderr, so a lasting problem is said once.
    last_said: Option<String>,
}

impl Collector {
    fn new(scope: Scope, settings: Settings) -> Collector {
        Collector {
            scope,
            sinks: HashMap::new(),
            settings,
            collections: 0,
            errors: 0,
            cache: None,
            last_said: None,
        }
    }

    /// Serve requests until every `Exporter` handle is gone.
    fn run(mut self, rx: Receiver<MetricsRequest>) {
        while let Ok(first) = rx.recv() {
            // Everything already waiting is answered from the same collection.
            let batch: Vec<MetricsRequest> = std::iter::once(first).chain(rx.try_iter()).collect();
            let fresh = self
                .cache
                .as_ref()
                .is_some_and(|c| c.at.elapsed() < self.settings.min_interval);
            if !fresh {
                self.collect();
            }
            for req in batch {
                let body = self.cache.as_mut().and_then(|c| c.body(req.format));
                let _ = req.reply.send(body);
            }
        }
    }

    fn say_once(&mut self, what: String) {
        if self.last_said.as_deref() != Some(what.as_str()) {
            eprintln!("tcpstate serve: {what}");
            self.last_said = Some(what);
        }
    }

    fn collect(&mut self) {
        let started = Instant::now();
        let query = self.settings.filter.query();
        let mut problems = Vec::new();
        if let Err(e) = self.scope.refresh() {
            self.errors += 1;
            problems.push(format!("finding the network namespaces: {e:#}"));
        }
        problems.extend(self.scope.take_notices());
        let mut namespaces = Vec::with_capacity(self.scope.targets().len());
        let mut kept = HashMap::with_capacity(self.scope.targets().len());
        for t in self.scope.targets_mut() {
            let key = t.netns.unwrap_or(0);
            let mut sink = self
                .sinks
                .remove(&key)
                .unwrap_or_else(|| ScrapeSink::new(self.settings.ports.clone()));
            let filter = &self.settings.filter;
            let label = t.netns_label.clone();
            let shown = label.as_deref().unwrap_or("this namespace").to_string();
            let scrape = match t.live_source() {
                Some(source) => match filter.left_after(&query, source.filters_in_kernel()) {
                    Ok(left) => sink
                        .scrape(&query, |q, s| {
                            let filter = &*left;
                            source
                                .run_unordered(q, &mut Filtered { filter, inner: s })
                                .map(|_| ())
                        })
                        .cloned(),
                    Err(e) => Err(crate::source::SourceError::Other(e.to_string())),
                },
                None => Err(crate::source::SourceError::Other(
                    "not a live namespace".into(),
                )),
            };
            let scrape = match scrape {
                Ok(r) => {
                    if r.truncated_ports + r.truncated_listeners > 0 {
                        problems.push(format!(
                            "{shown}: more ports than --max-ports {}; {} by-port and {} listener rows left out (see tcpstate_ports_truncated)",
                            self.settings.ports.max_ports, r.truncated_ports, r.truncated_listeners
                        ));
                    }
                    Some(r)
                }
                Err(e) => {
                    self.errors += 1;
                    problems.push(format!("{shown}: {e}"));
                    None
                }
            };
            let counters = match t.counters() {
                Some(Ok(c)) => Some(c),
                Some(Err(e)) => {
                    self.errors += 1;
                    problems.push(format!("{shown}: cannot read the kernel counters: {e}"));
                    None
                }
                None => {
                    self.errors += 1;
                    problems.push(format!(
                        "{shown}: the kernel counter files could not be opened"
                    ));
                    None
                }
            };
            // A sysctl of the target's namespace, so read from inside it.
            let max_tw_buckets = t
                .inside(|| sysctl::read_i64("net.ipv4.tcp_max_tw_buckets"))
                .ok()
                .flatten()
                .and_then(|v| u64::try_from(v).ok());
            // The conntrack table, where the namespace has one.
            let conntrack = match t.inside(crate::source::conntrack::census_here) {
                Ok(Ok(c)) => c,
                Ok(Err(e)) => {
                    self.errors += 1;
                    problems.push(format!("{shown}: the conntrack table: {e:#}"));
                    None
                }
                Err(e) => {
                    self.errors += 1;
                    problems.push(format!("{shown}: the conntrack table: {e}"));
                    None
                }
            };
            namespaces.push(NamespaceSnapshot {
                netns: label,
                scrape,
                counters,
                max_tw_buckets,
                conntrack,
            });
            kept.insert(key, sink);
        }
        // Sinks of namespaces that are gone go with them.
        self.sinks = kept;
        if problems.is_empty() {
            self.last_said = None;
        } else {
            self.say_once(problems.join("; "));
        }
        self.collections += 1;
        let snapshot = Snapshot {
            namespaces,
            compat_node_exporter: self.settings.compat_node_exporter,
            collect_seconds: started.elapsed().as_secs_f64(),
            collections: self.collections,
            errors: self.errors,
            events: self
                .settings
                .events
                .as_ref()
                .map(|c| events::lock(c).clone()),
        };
        self.cache = Some(Cache {
            at: started,
            snapshot: Arc::new(snapshot),
            text: None,
            openmetrics: None,
        });
    }
}

/// Pick the exposition format from an `Accept` header: OpenMetrics when the client asks for
/// `application/openmetrics-text` at least as much as for `text/plain`, the Prometheus text
/// format otherwise (and when there is no header).
pub fn negotiate(accept: Option<&str>) -> Exposition {
    let Some(accept) = accept else {
        return Exposition::Text;
    };
    let (mut om, mut text) = (0.0f64, 0.0f64);
    for range in accept.split(',') {
        let mut params = range.split(';');
        let media = params.next().unwrap_or("").trim();
        let q = params
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(1.0);
        if media.eq_ignore_ascii_case("application/openmetrics-text") {
            om = om.max(q);
        } else if media.eq_ignore_ascii_case("text/plain") {
            text = text.max(q);
        }
    }
    if om > 0.0 && om >= text {
        Exposition::OpenMetrics
    } else {
        Exposition::Text
    }
}

impl http::Handler for Exporter {
    fn handle(&self, req: &http::Request) -> http::Response {
        if req.method != "GET" && req.method != "HEAD" {
            return http::Response::status(405);
        }
        match req.path {
            "/metrics" => {
                let format = negotiate(req.accept);
                match self.metrics(format) {
                    Some(body) => http::Response {
                        status: 200,
                        content_type: format.content_type(),
                        body: http::Body::Shared(body),
                    },
                    None => http::Response::status(500),
                }
            }
            "/" => http::Response {
                status: 200,
                content_type: "text/html; charset=utf-8",
                body: http::Body::Static(prometheus::INDEX_HTML),
            },
            _ => http::Response::status(404),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_choose_the_format() {
        assert_eq!(negotiate(None), Exposition::Text);
        assert_eq!(negotiate(Some("*/*")), Exposition::Text);
        assert_eq!(negotiate(Some("text/plain")), Exposition::Text);
        // What Prometheus 2.x sends.
        let prom = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(negotiate(Some(prom)), Exposition::OpenMetrics);
        assert_eq!(
            negotiate(Some("application/openmetrics-text; q=0.2, text/plain")),
            Exposition::Text
        );
        assert_eq!(
            negotiate(Some("application/openmetrics-text;q=0")),
            Exposition::Text
        );
    }
}

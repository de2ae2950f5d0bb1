//! The exporter behind `tcpstate serve`: one collector thread owns the socket sources and the
//! scrape sinks, and HTTP workers ask it for a rendered exposition. Requests that arrive
//! together are answered from one collection, a collection younger than `min_interval` is
//! reused, and two collections never run at once, so a burst of scrapes costs one dump.
//!
//! Where the sockets come from is a list of `Scope`s, one per network namespace, each with its
//! `netns` label (none for the exporter's own namespace), a socket source and a reader of the
//! kernel counters. Today the list holds the current namespace; `--netns`/`--all-netns` add
//! scopes whose source and counters were opened inside other namespaces, and every series of
//! those scopes carries their `netns` label.

pub mod http;

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};

use crate::analyze::scrape::{PortPlan, ScrapeSink};
use crate::filter::{Filter, Filtered};
use crate::kernel::counters::Counters;
use crate::render::prometheus::{self, Exposition, NamespaceSnapshot, Snapshot};
use crate::source::Source;

/// Reads the kernel counters of one namespace.
pub type CounterReader = Box<dyn FnMut() -> std::io::Result<Counters>>;

/// One network namespace to collect from.
pub struct Scope {
    /// The `netns` label value; `None` for the exporter's own namespace, which has no label.
    pub netns: Option<String>,
    /// A source bound to that namespace (a netlink socket opened inside it stays there).
    pub source: Box<dyn Source>,
    /// The namespace's TcpExt/Tcp counters.
    pub counters: CounterReader,
}

impl Scope {
    /// The exporter's own namespace: `source` as given, counters from `/proc/thread-self/net`.
    pub fn current(source: Box<dyn Source>) -> Scope {
        Scope {
            netns: None,
            source,
            counters: Box::new(crate::kernel::counters::read),
        }
    }
}

/// Opens the scopes; runs on the collector thread, which then owns them.
pub type ScopeOpener = Box<dyn FnOnce() -> Result<Vec<Scope>> + Send>;

/// What the collector does on each collection.
#[derive(Debug, Clone)]
pub struct Settings {
    pub filter: Filter,
    pub ports: PortPlan,
    /// A collection younger than this is served again instead of collecting anew.
    pub min_interval: Duration,
    pub compat_node_exporter: bool,
}

/// A rendered exposition, shared by every request that asked for it.
pub type Body = Arc<String>;

struct Request {
    format: Exposition,
    reply: SyncSender<Option<Body>>,
}

/// The handle HTTP workers use; cheap to share between threads.
pub struct Exporter {
    tx: Sender<Request>,
}

impl Exporter {
    /// Start the collector thread, open the scopes on it, and return once they are open (or
    /// with the reason they could not be).
    pub fn start(open: ScopeOpener, settings: Settings) -> Result<Exporter> {
        let (tx, rx) = mpsc::channel::<Request>();
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<()>>(1);
        thread::Builder::new()
            .name("collector".into())
            .spawn(move || {
                let scopes = match open() {
                    Ok(s) => {
                        let _ = ready_tx.send(Ok(()));
                        s
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                Collector::new(scopes, settings).run(rx);
            })
            .context("starting the collector thread")?;
        ready_rx
            .recv()
            .map_err(|_| anyhow!("the collector thread ended while opening its sources"))??;
        Ok(Exporter { tx })
    }

    /// The exposition in `format`, from a collection that started no earlier than
    /// `min_interval` ago. `None` when the collector is gone or cannot render.
    pub fn metrics(&self, format: Exposition) -> Option<Body> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.tx.send(Request { format, reply }).ok()?;
        answer.recv().ok().flatten()
    }
}

struct Cache {
    at: Instant,
    snapshot: Arc<Snapshot>,
    text: Option<Body>,
    openmetrics: Option<Body>,
}

impl Cache {
    fn body(&mut self, format: Exposition) -> Option<Body> {
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
    scopes: Vec<(Scope, ScrapeSink)>,
    settings: Settings,
    collections: u64,
    errors: u64,
    cache: Option<Cache>,
    /// What was last said on stderr, so a lasting problem is said once.
    last_said: Option<String>,
}

impl Collector {
    fn new(scopes: Vec<Scope>, settings: Settings) -> Collector {
        let scopes = scopes
            .into_iter()
            .map(|s| (s, ScrapeSink::new(settings.ports.clone())))
            .collect();
        Collector {
            scopes,
            settings,
            collections: 0,
            errors: 0,
            cache: None,
            last_said: None,
        }
    }

    /// Serve requests until every `Exporter` handle is gone.
    fn run(mut self, rx: Receiver<Request>) {
        while let Ok(first) = rx.recv() {
            // Everything already waiting is answered from the same collection.
            let batch: Vec<Request> = std::iter::once(first).chain(rx.try_iter()).collect();
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
        let mut namespaces = Vec::with_capacity(self.scopes.len());
        let mut problems = Vec::new();
        for (scope, sink) in &mut self.scopes {
            let filter = &self.settings.filter;
            let source = &mut scope.source;
            let scrape = sink
                .scrape(&query, |q, s| {
                    source
                        .run_unordered(q, &mut Filtered { filter, inner: s })
                        .map(|_| ())
                })
                .cloned();
            let label = scope.netns.as_deref().unwrap_or("this namespace");
            let scrape = match scrape {
                Ok(r) => {
                    if r.truncated_ports + r.truncated_listeners > 0 {
                        problems.push(format!(
                            "{label}: more ports than --max-ports {}; {} by-port and {} listener rows left out (see tcpstate_ports_truncated)",
                            self.settings.ports.max_ports, r.truncated_ports, r.truncated_listeners
                        ));
                    }
                    Some(r)
                }
                Err(e) => {
                    self.errors += 1;
                    problems.push(format!("{label}: {e}"));
                    None
                }
            };
            let counters = match (scope.counters)() {
                Ok(c) => Some(c),
                Err(e) => {
                    self.errors += 1;
                    problems.push(format!("{label}: cannot read the kernel counters: {e}"));
                    None
                }
            };
            namespaces.push(NamespaceSnapshot {
                netns: scope.netns.clone(),
                scrape,
                counters,
            });
        }
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

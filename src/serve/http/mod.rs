//! A small, defensive HTTP/1.1 server on std for the exporter's few GET routes. One thread
//! runs a readiness loop (epoll) over the listener and every connection: request heads are
//! read in pieces as bytes arrive, each within a short deadline and a size bound, so an idle
//! or trickling client holds nothing up; complete requests go to a small pool of worker
//! threads that ask the `Handler` (which may wait for a collection), and the loop writes the
//! answers without blocking. When `max_connections` are open, a new connection makes room by
//! closing the oldest one that has not sent a whole request; only when every connection is
//! being answered does the newcomer get 503. One request per connection (`Connection:
//! close`), 4xx for every malformed request and no panic on any input. The first SIGTERM or
//! SIGINT stops accepting, closes idle connections at once and gives answers in flight a
//! short grace; a second signal ends the process at once (see `Stop::on_signals_then_exit`).

mod conn;
mod head;
mod server;
mod workers;

use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

pub use head::parse_head;

use crate::stop::Stop;

/// The server's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request head (request line and headers) accepted; larger gets 431.
    pub max_head_bytes: usize,
    /// Most header lines accepted; more gets 431.
    pub max_headers: usize,
    /// Time allowed for the whole request head to arrive, from the connection's accept;
    /// slower gets 408.
    pub head_timeout: Duration,
    /// Time allowed for writing the whole response; a client that reads slower is dropped.
    pub write_timeout: Duration,
    /// Worker threads asking the handler; they never touch a connection.
    pub workers: usize,
    /// Connections open at once. At the limit a new connection closes the oldest one still
    /// sending its request head; when every one is being answered, the newcomer gets 503.
    pub max_connections: usize,
    /// After a stop, how long answers already being made or written may take.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_head_bytes: 8 * 1024,
            max_headers: 64,
            head_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(10),
            workers: 4,
            max_connections: 64,
            shutdown_grace: Duration::from_secs(2),
        }
    }
}

/// A parsed request head: what the handlers need of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The path, without the query string.
    pub path: &'a str,
    /// The first `Accept` header, if any.
    pub accept: Option<&'a str>,
}

/// A response body: borrowed, shared with other requests, or owned.
#[derive(Debug, Clone)]
pub enum Body {
    Static(&'static str),
    Shared(Arc<String>),
}

impl Body {
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Static(s) => s.as_bytes(),
            Body::Shared(s) => s.as_bytes(),
        }
    }
}

/// A response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Body,
}

impl Response {
    /// A plain-text response whose body is the status line's words.
    pub fn status(status: u16) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Body::Static(status_body(status)),
        }
    }
}

/// What answers requests.
pub trait Handler: Send + Sync + 'static {
    fn handle(&self, req: &Request) -> Response;
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Internal Server Error",
    }
}

fn status_body(status: u16) -> &'static str {
    match status {
        400 => "400 Bad Request\n",
        404 => "404 Not Found\n",
        405 => "405 Method Not Allowed: only GET and HEAD\n",
        408 => "408 Request Timeout\n",
        431 => "431 Request Header Fields Too Large\n",
        503 => "503 Service Unavailable: too many connections\n",
        505 => "505 HTTP Version Not Supported\n",
        _ => "500 Internal Server Error\n",
    }
}

/// Accept and answer connections on `listeners` until `stop` is set off; then close idle
/// connections, let the answers in flight finish (within `limits.shutdown_grace`) and return.
pub fn serve(
    listeners: Vec<TcpListener>,
    handler: Arc<dyn Handler>,
    limits: Limits,
    stop: &Stop,
) -> io::Result<()> {
    server::Server::new(listeners, handler, limits, stop)?.run()
}

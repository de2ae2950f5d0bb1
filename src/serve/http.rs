//! A small, defensive HTTP/1.1 server on std for the exporter's few GET routes: one acceptor,
//! a fixed pool of worker threads, at most `max_connections` connections in service or waiting
//! (the rest get 503 at once), a bounded request head (size and header count) read under one
//! deadline, write timeouts, one request per connection (`Connection: close`), 4xx for every
//! malformed request and no panic on any input. SIGTERM and SIGINT stop it gracefully: no new
//! connections, the ones already accepted are answered, then `serve` returns.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, poll};

use crate::stop::Stop;

/// The server's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request head (request line and headers) accepted; larger gets 431.
    pub max_head_bytes: usize,
    /// Most header lines accepted; more gets 431.
    pub max_headers: usize,
    /// Time allowed for the whole request head to arrive; slower gets 408.
    pub read_timeout: Duration,
    /// Time allowed for each write of the response.
    pub write_timeout: Duration,
    /// Worker threads answering requests.
    pub workers: usize,
    /// Connections in service or waiting for a worker; more get 503 at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_head_bytes: 8 * 1024,
            max_headers: 64,
            read_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            workers: 4,
            max_connections: 64,
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

/// The end of the request head (just past the blank line), if it is in `buf`. A bare LF is
/// accepted as a line end, as RFC 9112 allows.
fn head_end(buf: &[u8]) -> Option<usize> {
    let mut i = memchr::memchr(b'\n', buf)?;
    loop {
        match buf.get(i + 1..) {
            Some([b'\n', ..]) => return Some(i + 2),
            Some([b'\r', b'\n', ..]) => return Some(i + 3),
            _ => {}
        }
        i += 1 + memchr::memchr(b'\n', buf.get(i + 1..)?)?;
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parse a request head. `Err` carries the status to answer with.
pub fn parse_head<'a>(head: &'a [u8], limits: &Limits) -> Result<Request<'a>, u16> {
    let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().ok_or(400u16)?;
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !is_token(method) || method.len() > 32 {
        return Err(400);
    }
    if !target.starts_with('/') || target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(400);
    }
    match version {
        "HTTP/1.1" | "HTTP/1.0" => {}
        v if v.len() == 8
            && v.starts_with("HTTP/")
            && v.as_bytes()[5].is_ascii_digit()
            && v.as_bytes()[6] == b'.'
            && v.as_bytes()[7].is_ascii_digit() =>
        {
            return Err(505);
        }
        _ => return Err(400),
    }
    let mut accept = None;
    let mut count = 0usize;
    for line in lines {
        if line.is_empty() {
            break;
        }
        count += 1;
        if count > limits.max_headers {
            return Err(431);
        }
        if line.starts_with([' ', '\t']) {
            return Err(400);
        }
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        if !is_token(name) || value.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7f) {
            return Err(400);
        }
        if accept.is_none() && name.eq_ignore_ascii_case("accept") {
            accept = Some(value.trim());
        }
    }
    let path = target.split_once('?').map_or(target, |(p, _)| p);
    Ok(Request {
        method,
        path,
        accept,
    })
}

/// Why a request head could not be read.
enum HeadError {
    /// The peer closed or reset before a whole head arrived: nothing to answer.
    Gone,
    /// Answer with this status.
    Status(u16),
}

/// Read the request head into `buf`; returns its length.
fn read_head(stream: &mut TcpStream, buf: &mut [u8], limits: &Limits) -> Result<usize, HeadError> {
    let deadline = Instant::now() + limits.read_timeout;
    let mut filled = 0usize;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::Status(408));
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|_| HeadError::Gone)?;
        let n = match stream.read(&mut buf[filled..]) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(HeadError::Status(408));
            }
            Err(_) => return Err(HeadError::Gone),
        };
        let from = filled.saturating_sub(2);
        filled += n;
        if let Some(end) = head_end(&buf[from..filled]) {
            return Ok(from + end);
        }
        if filled == buf.len() {
            return Err(HeadError::Status(431));
        }
    }
}

fn write_response(stream: &mut TcpStream, resp: &Response, with_body: bool) -> io::Result<()> {
    let body = resp.body.bytes();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        body.len()
    );
    if resp.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if with_body {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Answer one connection: one request, one response, then close.
fn handle_connection(mut stream: TcpStream, handler: &dyn Handler, limits: &Limits) {
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    // The head and the body are two writes: without this, Nagle holds the body back until
    // the client's delayed ACK of the head (40 ms on Linux).
    let _ = stream.set_nodelay(true);
    let mut buf = vec![0u8; limits.max_head_bytes];
    let (resp, with_body) = match read_head(&mut stream, &mut buf, limits) {
        Err(HeadError::Gone) => return,
        Err(HeadError::Status(s)) => (Response::status(s), true),
        Ok(len) => match parse_head(&buf[..len], limits) {
            Err(s) => (Response::status(s), true),
            Ok(req) => (handler.handle(&req), req.method != "HEAD"),
        },
    };
    if write_response(&mut stream, &resp, with_body).is_err() {
        return;
    }
    // Send our FIN, then read what the client may still send (a body, a pipelined request)
    // until it closes, so the kernel does not answer unread data with a reset that could
    // destroy the response in flight. Bounded in bytes and time.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut drained = 0usize;
    while drained < 64 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// Answer a connection over the limit with 503, without waiting for it.
fn reject(mut stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let _ = write_response(&mut stream, &Response::status(503), true);
}

/// Accept and answer connections on `listener` until `stop` is set off; then answer the
/// connections already accepted and return.
pub fn serve(
    listener: TcpListener,
    handler: Arc<dyn Handler>,
    limits: Limits,
    stop: &Stop,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let (tx, rx) = mpsc::sync_channel::<TcpStream>(limits.max_connections.max(1));
    let rx: Arc<Mutex<Receiver<TcpStream>>> = Arc::new(Mutex::new(rx));
    let busy = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::with_capacity(limits.workers);
    for n in 0..limits.workers.max(1) {
        let rx = rx.clone();
        let handler = handler.clone();
        let busy = busy.clone();
        workers.push(
            thread::Builder::new()
                .name(format!("http-{n}"))
                .spawn(move || {
                    loop {
                        let next = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        let Ok(stream) = next else { break };
                        // A bug in a handler must not take the worker (and the pool) down.
                        let _ = catch_unwind(AssertUnwindSafe(|| {
                            handle_connection(stream, &*handler, &limits)
                        }));
                        busy.fetch_sub(1, Ordering::AcqRel);
                    }
                })?,
        );
    }

    let wakeup = stop.wakeup();
    'outer: loop {
        let mut fds = [
            PollFd::new(&listener, PollFlags::IN),
            PollFd::new(&wakeup, PollFlags::IN),
        ];
        match poll(&mut fds, None) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
        if !fds[1].revents().is_empty() {
            break;
        }
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    if stream.set_nonblocking(false).is_err() {
                        continue;
                    }
                    if busy.load(Ordering::Acquire) >= limits.max_connections {
                        reject(stream);
                        continue;
                    }
                    busy.fetch_add(1, Ordering::AcqRel);
                    match tx.try_send(stream) {
                        Ok(()) => {}
                        Err(TrySendError::Full(s)) => {
                            busy.fetch_sub(1, Ordering::AcqRel);
                            reject(s);
                        }
                        Err(TrySendError::Disconnected(_)) => break 'outer,
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.raw_os_error() == Some(libc::ECONNABORTED) => {}
                // Out of descriptors or memory: back off instead of spinning.
                Err(_) => {
                    thread::sleep(Duration::from_millis(50));
                    break;
                }
            }
        }
    }
    drop(listener);
    drop(tx);
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Request<'_>, u16> {
        parse_head(s.as_bytes(), &Limits::default())
    }

    #[test]
    fn heads_end_at_the_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest"), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\n"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
        assert_eq!(head_end(b""), None);
    }

    #[test]
    fn good_requests_parse() {
        let r =
            parse("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\naccept: text/plain\r\n\r\n").unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/metrics");
        assert_eq!(r.accept, Some("text/plain"));
        assert_eq!(parse("HEAD / HTTP/1.0\n\n").unwrap().path, "/");
    }

    #[test]
    fn bad_requests_get_4xx() {
        assert_eq!(parse("\u{1}\u{2}garbage\r\n\r\n"), Err(400));
        assert_eq!(parse("GET /metrics\r\n\r\n"), Err(400));
        assert_eq!(parse("GET  /metrics HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(parse("GET metrics HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(parse("GET /metrics HTTP/2.0\r\n\r\n"), Err(505));
        assert_eq!(parse("GET /metrics FOO/1.1\r\n\r\n"), Err(400));
        assert_eq!(parse("GET /metrics HTTP/1.1\r\nNoColon\r\n\r\n"), Err(400));
        assert_eq!(parse("GET /metrics HTTP/1.1\r\n folded\r\n\r\n"), Err(400));
        assert_eq!(
            parse("GET /metrics HTTP/1.1\r\nBad Name: x\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            parse_head(b"GET / HTTP/1.1\r\nA: \xff\r\n\r\n", &Limits::default()),
            Err(400)
        );
        let many: String = (0..65).map(|i| format!("H{i}: v\r\n")).collect();
        assert_eq!(parse(&format!("GET / HTTP/1.1\r\n{many}\r\n")), Err(431));
    }
}

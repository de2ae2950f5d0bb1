//! One client connection of the server, as the readiness loop sees it: the phase it is in
//! (sending its request head, waiting for a worker's answer, receiving the response, being
//! drained before the close) and the non-blocking steps that move it on — read what has
//! arrived of the head, write as much of the response as the socket takes, read and discard
//! what the client still sends after the response. No step ever waits.

use std::io::{self, IoSlice, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use super::head::head_end;
use super::{Body, Limits, Response, reason};

/// At most this much is read and thrown away after a response, before the close.
const DRAIN_BYTES: usize = 64 * 1024;

/// Where a connection is in its one request.
pub(super) enum Phase {
    /// Receiving the request head; what has arrived so far.
    Head(Vec<u8>),
    /// A worker is making the answer; whether it will carry its body (not for HEAD).
    Answering { with_body: bool },
    /// Writing the response.
    Writing(Outgoing),
    /// The response is written and our side shut: reading what the client still sends (a
    /// body, a pipelined request) until it closes, so the kernel does not answer unread data
    /// with a reset that could destroy the response in flight. Bytes read so far.
    Draining(usize),
}

/// Which phase, without its data: the server's deadline queues are per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PhaseKind {
    Head,
    Answering,
    Writing,
    Draining,
}

/// A connection and the moment its current phase must be over.
pub(super) struct Conn {
    pub(super) stream: TcpStream,
    pub(super) phase: Phase,
    pub(super) deadline: Instant,
}

/// What reading the head came to.
pub(super) enum HeadProgress {
    /// Not complete yet: wait for more bytes.
    More,
    /// The head is complete; its length (what follows it is not the head's).
    Complete(usize),
    /// The client closed or reset before a whole head arrived: nothing to answer.
    Gone,
    /// Answer with this status (the head is too large).
    Status(u16),
}

impl Conn {
    pub(super) fn kind(&self) -> PhaseKind {
        match self.phase {
            Phase::Head(_) => PhaseKind::Head,
            Phase::Answering { .. } => PhaseKind::Answering,
            Phase::Writing(_) => PhaseKind::Writing,
            Phase::Draining(_) => PhaseKind::Draining,
        }
    }

    /// Read what has arrived of the request head, through `scratch`, without waiting.
    pub(super) fn read_head(&mut self, scratch: &mut [u8], limits: &Limits) -> HeadProgress {
        let Phase::Head(buf) = &mut self.phase else {
            return HeadProgress::More;
        };
        loop {
            let room = limits.max_head_bytes.saturating_sub(buf.len());
            if room == 0 {
                return HeadProgress::Status(431);
            }
            let want = room.min(scratch.len());
            let n = match self.stream.read(&mut scratch[..want]) {
                Ok(0) => return HeadProgress::Gone,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return HeadProgress::More,
                Err(_) => return HeadProgress::Gone,
            };
            // The blank line may have started in the previous read.
            let from = buf.len().saturating_sub(3);
            buf.extend_from_slice(&scratch[..n]);
            if let Some(end) = head_end(&buf[from..]) {
                return HeadProgress::Complete(from + end);
            }
        }
    }

    /// Read and discard what the client sends after the response; true when the connection
    /// can be closed (the client closed, failed, or sent more than we drain).
    pub(super) fn drain(&mut self, scratch: &mut [u8]) -> bool {
        let Phase::Draining(drained) = &mut self.phase else {
            return true;
        };
        loop {
            match self.stream.read(scratch) {
                Ok(0) => return true,
                Ok(n) => {
                    *drained += n;
                    if *drained >= DRAIN_BYTES {
                        return true;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                Err(_) => return true,
            }
        }
    }
}

/// A response on its way out: the encoded head, the body, and how much of both is written.
pub(super) struct Outgoing {
    head: Vec<u8>,
    body: Option<Body>,
    sent: usize,
}

impl Outgoing {
    pub(super) fn new(resp: Response, with_body: bool) -> Outgoing {
        let body_len = resp.body.bytes().len();
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
            resp.status,
            reason(resp.status),
            resp.content_type,
            body_len
        );
        if resp.status == 405 {
            head.push_str("Allow: GET, HEAD\r\n");
        }
        head.push_str("\r\n");
        Outgoing {
            head: head.into_bytes(),
            body: with_body.then_some(resp.body),
            sent: 0,
        }
    }

    /// Write as much as the socket takes now; `Ok(true)` once everything is written.
    pub(super) fn write_to(&mut self, stream: &mut TcpStream) -> io::Result<bool> {
        let body: &[u8] = self.body.as_ref().map_or(&[], Body::bytes);
        let total = self.head.len() + body.len();
        while self.sent < total {
            let result = if let Some(head) = self.head.get(self.sent..).filter(|h| !h.is_empty()) {
                // Head and body in one segment where they fit: no Nagle or delayed-ACK wait.
                stream.write_vectored(&[IoSlice::new(head), IoSlice::new(body)])
            } else {
                stream.write(&body[self.sent - self.head.len()..])
            };
            match result {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }
}

//! The readiness loop: one epoll set holds the listener, the stop descriptor, the workers'
//! wake-up descriptor and every connection; each wake-up moves the ready connections on by
//! one non-blocking step and ends the phases whose deadline passed. Deadlines are per phase
//! and the same for every connection in it, so a queue per phase in entry order is also a
//! queue in deadline order, and the oldest connection still sending its head — the first to
//! go when the connection limit is reached — is the front of the head queue.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::{TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::buffer::spare_capacity;
use rustix::event::{Timespec, epoll};
use rustix::io::Errno;

use super::conn::{Conn, HeadProgress, Outgoing, Phase, PhaseKind};
use super::head::parse_head;
use super::workers::{Job, Workers};
use super::{Handler, Limits, Response};
use crate::stop::Stop;

/// The epoll keys of the descriptors that are not connections; listener `i` is
/// `LISTENER + i`.
const STOP: u64 = 0;
const ANSWERS: u64 = 1;
const LISTENER: u64 = 1 << 62;
/// Connections are numbered from here, never reusing a number (and never reaching
/// `LISTENER`).
const FIRST_CONN: u64 = 2;

/// How long the client has to close after the response before we close.
const DRAIN_TIME: Duration = Duration::from_millis(500);
/// How long accepting pauses when the process is out of descriptors or memory.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

pub(super) struct Server<'s> {
    epoll: OwnedFd,
    /// Empty once stopping.
    listeners: Vec<TcpListener>,
    /// Accepting is paused until then (out of descriptors); the listeners are out of the set.
    accept_paused: Option<Instant>,
    stop: &'s Stop,
    /// Set once stopping: when the answers in flight are given up.
    stopping: Option<Instant>,
    workers: Workers,
    limits: Limits,
    conns: HashMap<u64, Conn>,
    next_id: u64,
    /// Connection numbers in the order they entered each timed phase; entries of connections
    /// that moved on or closed are skipped when met.
    heads: VecDeque<u64>,
    writes: VecDeque<u64>,
    drains: VecDeque<u64>,
    scratch: Vec<u8>,
}

impl<'s> Server<'s> {
    pub(super) fn new(
        listeners: Vec<TcpListener>,
        handler: Arc<dyn Handler>,
        limits: Limits,
        stop: &'s Stop,
    ) -> io::Result<Server<'s>> {
        let epoll = epoll::create(epoll::CreateFlags::CLOEXEC)?;
        let workers = Workers::start(limits.workers, handler)?;
        for (i, l) in (0u64..).zip(&listeners) {
            l.set_nonblocking(true)?;
            epoll::add(&epoll, l, key(LISTENER + i), epoll::EventFlags::IN)?;
        }
        epoll::add(&epoll, stop.wakeup(), key(STOP), epoll::EventFlags::IN)?;
        epoll::add(
            &epoll,
            workers.wakeup(),
            key(ANSWERS),
            epoll::EventFlags::IN,
        )?;
        Ok(Server {
            epoll,
            listeners,
            accept_paused: None,
            stop,
            stopping: None,
            workers,
            limits,
            conns: HashMap::new(),
            next_id: FIRST_CONN,
            heads: VecDeque::new(),
            writes: VecDeque::new(),
            drains: VecDeque::new(),
            scratch: vec![0u8; 16 * 1024],
        })
    }

    /// Serve until stopped and the answers in flight are written or given up.
    pub(super) fn run(mut self) -> io::Result<()> {
        if self.stop.raised() {
            self.begin_stop();
        }
        let mut events: Vec<epoll::Event> = Vec::with_capacity(256);
        loop {
            let now = Instant::now();
            self.expire(now);
            if let Some(until) = self.stopping
                && (self.conns.is_empty() || now >= until)
            {
                return Ok(());
            }
            // A millisecond more, so a deadline is past when the wait ends.
            let timeout = self
                .next_deadline()
                .map(|d| d.saturating_duration_since(now) + Duration::from_millis(1))
                .and_then(|d| Timespec::try_from(d).ok());
            events.clear();
            match epoll::wait(&self.epoll, spare_capacity(&mut events), timeout.as_ref()) {
                Ok(_) => {}
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
            for ev in &events {
                let (flags, data) = (ev.flags, ev.data);
                match data.u64() {
                    STOP => self.begin_stop(),
                    ANSWERS => self.take_answers(),
                    id if id >= LISTENER => self.accept_all(id - LISTENER),
                    id => self.on_ready(id, flags),
                }
            }
        }
    }

    /// The earliest moment something must happen without any descriptor becoming ready.
    fn next_deadline(&self) -> Option<Instant> {
        let front = |q: &VecDeque<u64>| {
            q.front()
                .and_then(|id| self.conns.get(id))
                .map(|c| c.deadline)
        };
        [
            front(&self.heads),
            front(&self.writes),
            front(&self.drains),
            self.accept_paused,
            self.stopping,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// End the phases whose deadline passed: a late head gets 408, a late reader of the
    /// response and a client that does not close are closed. Leaves every queue's front a
    /// live connection in its phase.
    fn expire(&mut self, now: Instant) {
        for kind in [PhaseKind::Head, PhaseKind::Writing, PhaseKind::Draining] {
            while let Some(id) = self.front(kind) {
                let Some(conn) = self.conns.get(&id) else {
                    break;
                };
                if conn.deadline > now {
                    break;
                }
                self.queue(kind).pop_front();
                match kind {
                    PhaseKind::Head => self.respond(id, Response::status(408), true),
                    _ => self.close(id),
                }
            }
        }
        if self.accept_paused.is_some_and(|t| t <= now) {
            self.accept_paused = None;
            for (i, l) in (0u64..).zip(&self.listeners) {
                let _ = epoll::add(&self.epoll, l, key(LISTENER + i), epoll::EventFlags::IN);
            }
        }
    }

    fn queue(&mut self, kind: PhaseKind) -> &mut VecDeque<u64> {
        match kind {
            PhaseKind::Head => &mut self.heads,
            PhaseKind::Writing => &mut self.writes,
            PhaseKind::Draining => &mut self.drains,
            // Answering has no deadline and no queue; nothing asks for it.
            PhaseKind::Answering => &mut self.drains,
        }
    }

    /// The oldest connection still in phase `kind`, dropping stale entries on the way.
    fn front(&mut self, kind: PhaseKind) -> Option<u64> {
        loop {
            let id = *self.queue(kind).front()?;
            if self.conns.get(&id).is_some_and(|c| c.kind() == kind) {
                return Some(id);
            }
            self.queue(kind).pop_front();
        }
    }

    /// Accept every connection waiting on listener `index`.
    fn accept_all(&mut self, index: u64) {
        loop {
            let Some(listener) = usize::try_from(index)
                .ok()
                .and_then(|i| self.listeners.get(i))
            else {
                return;
            };
            match listener.accept() {
                Ok((stream, _)) => self.admit(stream),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.raw_os_error() == Some(libc::ECONNABORTED) => {}
                // Out of descriptors or memory: pause accepting instead of spinning.
                Err(_) => {
                    for l in &self.listeners {
                        let _ = epoll::delete(&self.epoll, l);
                    }
                    self.accept_paused = Some(Instant::now() + ACCEPT_PAUSE);
                    return;
                }
            }
        }
    }

    /// Take a new connection in, making room for it if the limit is reached.
    fn admit(&mut self, mut stream: TcpStream) {
        if stream.set_nonblocking(true).is_err() {
            return;
        }
        // The response goes out in one or two writes: Nagle must not hold the second back
        // until the client's delayed ACK of the first (40 ms on Linux).
        let _ = stream.set_nodelay(true);
        if self.conns.len() >= self.limits.max_connections && !self.make_room() {
            // Everyone is being answered: say so without waiting, and close.
            let _ = Outgoing::new(Response::status(503), true).write_to(&mut stream);
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        if epoll::add(&self.epoll, &stream, key(id), epoll::EventFlags::IN).is_err() {
            return;
        }
        self.conns.insert(
            id,
            Conn {
                stream,
                phase: Phase::Head(Vec::new()),
                deadline: Instant::now() + self.limits.head_timeout,
            },
        );
        self.heads.push_back(id);
    }

    /// Close the oldest connection that has not sent a whole request (or else the oldest one
    /// being drained after its response); false when every connection is being answered.
    fn make_room(&mut self) -> bool {
        if let Some(id) = self.front(PhaseKind::Head) {
            self.heads.pop_front();
            if let Some(mut conn) = self.conns.remove(&id) {
                let _ = Outgoing::new(Response::status(503), true).write_to(&mut conn.stream);
            }
            return true;
        }
        if let Some(id) = self.front(PhaseKind::Draining) {
            self.drains.pop_front();
            self.close(id);
            return true;
        }
        false
    }

    fn on_ready(&mut self, id: u64, flags: epoll::EventFlags) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        match conn.kind() {
            PhaseKind::Head => match conn.read_head(&mut self.scratch, &self.limits) {
                HeadProgress::More => {}
                HeadProgress::Gone => self.close(id),
                HeadProgress::Status(s) => self.respond(id, Response::status(s), true),
                HeadProgress::Complete(len) => self.request(id, len),
            },
            PhaseKind::Answering => {
                if flags.intersects(epoll::EventFlags::ERR | epoll::EventFlags::HUP) {
                    // The client is gone; its answer will find nobody.
                    self.close(id);
                }
            }
            PhaseKind::Writing => self.write(id),
            PhaseKind::Draining => {
                if conn.drain(&mut self.scratch) {
                    self.close(id);
                }
            }
        }
    }

    /// A whole head arrived: answer a malformed one at once, hand a valid one to a worker.
    fn request(&mut self, id: u64, len: usize) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        let Phase::Head(buf) = &conn.phase else {
            return;
        };
        let job = match parse_head(&buf[..len], &self.limits) {
            Err(status) => return self.respond(id, Response::status(status), true),
            Ok(req) => Job {
                id,
                method: req.method.to_string(),
                path: req.path.to_string(),
                accept: req.accept.map(str::to_string),
            },
        };
        let with_body = job.method != "HEAD";
        conn.phase = Phase::Answering { with_body };
        // Nothing more is read until the answer is written; errors and hang-ups still come.
        let _ = epoll::modify(
            &self.epoll,
            &conn.stream,
            key(id),
            epoll::EventFlags::empty(),
        );
        if !self.workers.submit(job) {
            self.respond(id, Response::status(500), true);
        }
    }

    fn take_answers(&mut self) {
        for answer in self.workers.ready() {
            if let Some(Conn {
                phase: Phase::Answering { with_body },
                ..
            }) = self.conns.get(&answer.id)
            {
                let with_body = *with_body;
                self.respond(answer.id, answer.response, with_body);
            }
        }
    }

    /// Start writing `resp` on connection `id`.
    fn respond(&mut self, id: u64, resp: Response, with_body: bool) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        conn.phase = Phase::Writing(Outgoing::new(resp, with_body));
        conn.deadline = Instant::now() + self.limits.write_timeout;
        self.writes.push_back(id);
        self.write(id);
    }

    /// Write what the socket takes; on completion shut our side and start draining.
    fn write(&mut self, id: u64) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        let Phase::Writing(out) = &mut conn.phase else {
            return;
        };
        match out.write_to(&mut conn.stream) {
            Err(_) => self.close(id),
            Ok(false) => {
                let _ = epoll::modify(&self.epoll, &conn.stream, key(id), epoll::EventFlags::OUT);
            }
            Ok(true) => {
                let _ = conn.stream.shutdown(std::net::Shutdown::Write);
                conn.phase = Phase::Draining(0);
                conn.deadline = Instant::now() + DRAIN_TIME;
                let _ = epoll::modify(&self.epoll, &conn.stream, key(id), epoll::EventFlags::IN);
                self.drains.push_back(id);
            }
        }
    }

    fn close(&mut self, id: u64) {
        // Closing the descriptor takes it out of the epoll set.
        self.conns.remove(&id);
    }

    /// Stop accepting, close every connection that is not being answered, and give the
    /// answers in flight until the grace period ends.
    fn begin_stop(&mut self) {
        if self.stopping.is_some() {
            return;
        }
        self.stopping = Some(Instant::now() + self.limits.shutdown_grace);
        let _ = epoll::delete(&self.epoll, self.stop.wakeup());
        self.listeners.clear();
        self.accept_paused = None;
        self.conns
            .retain(|_, c| matches!(c.kind(), PhaseKind::Answering | PhaseKind::Writing));
    }
}

fn key(id: u64) -> epoll::EventData {
    epoll::EventData::new_u64(id)
}

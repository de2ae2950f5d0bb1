//! The socket-level steps a `Population` is made of: listeners, connected pairs, SYNs that go
//! unanswered, connections driven into TIME_WAIT, waiting for a peer's FIN, and aborting one
//! end of a connection (SO_LINGER 0). Every function here must run on a thread that has joined
//! the namespace (`Netns::within`) when it creates sockets; the sockets may be used anywhere.

use std::io::Read;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use socket2::{Protocol, SockAddr, Socket, Type};

use super::super::Family;

/// How long one blocking step (connect, accept, waiting for a FIN) may take on loopback
/// before the fixture gives up.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections are made in batches of this many: connect them all, then accept them all, so
/// the accept queue (the listener's backlog) never has to hold more.
pub const BATCH: usize = 1024;

/// The two ends of a set of loopback connections to one server port. `clients[i]` is not
/// necessarily the peer of `servers[i]`; the fixture only ever treats a group as a whole.
#[derive(Debug, Default)]
pub struct Pairs {
    pub clients: Vec<Socket>,
    pub servers: Vec<Socket>,
}

impl Pairs {
    pub fn into_sockets(self) -> impl Iterator<Item = Socket> {
        self.clients.into_iter().chain(self.servers)
    }
}

pub fn addr(family: Family, port: u16) -> SockAddr {
    SockAddr::from(SocketAddr::new(family.loopback(), port))
}

/// A new TCP socket (close-on-exec) in the calling thread's namespace.
pub fn socket(family: Family) -> Result<Socket> {
    Socket::new(family.domain(), Type::STREAM, Some(Protocol::TCP))
        .with_context(|| format!("creating an {family} TCP socket"))
}

/// A listener on the loopback address, port `port`; accept() on it times out.
pub fn listener(family: Family, port: u16, backlog: usize) -> Result<Socket> {
    let s = socket(family)?;
    s.set_reuse_address(true)?;
    s.bind(&addr(family, port))
        .with_context(|| format!("binding {} port {port}", family.loopback()))?;
    let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
    s.listen(backlog)
        .with_context(|| format!("listening on port {port}"))?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    Ok(s)
}

/// `n` connections to `port`, both ends kept. The listener is closed afterwards: accepted
/// sockets outlive it, and no LISTEN socket is left behind.
pub fn connect_pairs(family: Family, port: u16, n: usize) -> Result<Pairs> {
    let mut pairs = Pairs::default();
    if n == 0 {
        return Ok(pairs);
    }
    let l = listener(family, port, n.min(BATCH) + 16)?;
    let mut left = n;
    while left > 0 {
        let k = left.min(BATCH);
        connect_batch(family, port, &l, k, &mut pairs)?;
        left -= k;
    }
    Ok(pairs)
}

fn connect_batch(
    family: Family,
    port: u16,
    listener: &Socket,
    k: usize,
    pairs: &mut Pairs,
) -> Result<()> {
    let to = addr(family, port);
    for _ in 0..k {
        let c = socket(family)?;
        c.connect_timeout(&to, IO_TIMEOUT)
            .with_context(|| format!("connecting to {} port {port}", family.loopback()))?;
        pairs.clients.push(c);
    }
    for _ in 0..k {
        let (s, _) = listener
            .accept()
            .with_context(|| format!("accepting on port {port}"))?;
        s.set_read_timeout(Some(IO_TIMEOUT))?;
        pairs.servers.push(s);
    }
    Ok(())
}

/// `n` sockets in TIME_WAIT, none of them holding a descriptor. Per connection: the client
/// closes (FIN_WAIT1, then FIN_WAIT2 once ACKed), the server waits until it has read the FIN
/// (CLOSE_WAIT) and only then closes (LAST_ACK), the client ACKs that FIN and sits in
/// TIME_WAIT for 60 s while the server's socket is freed. Waiting for the FIN matters: a
/// server that closed first would make it a simultaneous close, with both ends in TIME_WAIT.
/// Done in batches so at most `2 * BATCH` descriptors are open at once.
pub fn time_wait(family: Family, port: u16, n: usize) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    let l = listener(family, port, n.min(BATCH) + 16)?;
    let mut left = n;
    while left > 0 {
        let k = left.min(BATCH);
        let mut pairs = Pairs::default();
        connect_batch(family, port, &l, k, &mut pairs)?;
        drop(pairs.clients);
        for s in &pairs.servers {
            read_eof(s).context("TIME_WAIT: the server end never saw the client's FIN")?;
        }
        drop(pairs.servers);
        left -= k;
    }
    Ok(())
}

/// A non-blocking connect whose handshake cannot finish (its SYN or the SYN-ACK is dropped by
/// a rule): the socket stays in SYN_SENT. With `source`, the client binds that port first
/// instead of taking an ephemeral one. A connect that completes means the rule is missing.
pub fn connect_unanswered(family: Family, source: Option<u16>, port: u16) -> Result<Socket> {
    let s = socket(family)?;
    if let Some(source) = source {
        s.set_reuse_address(true)?;
        s.bind(&addr(family, source))
            .with_context(|| format!("binding source port {source}"))?;
    }
    s.set_nonblocking(true)?;
    match s.connect(&addr(family, port)) {
        Ok(()) => bail!("connect to port {port} completed although its handshake is blocked"),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(s),
        Err(e) => Err(e).with_context(|| format!("non-blocking connect to port {port}")),
    }
}

/// Blocks (up to `IO_TIMEOUT`) until the peer's FIN has arrived: read() returns 0.
pub fn read_eof(s: &Socket) -> Result<()> {
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    let mut buf = [0u8; 16];
    let mut reader: &Socket = s;
    match reader.read(&mut buf) {
        Ok(0) => Ok(()),
        Ok(n) => bail!("read {n} unexpected bytes instead of the peer's FIN"),
        Err(e) => Err(e).context("waiting for the peer's FIN"),
    }
}

/// Closes with SO_LINGER 0: the kernel sends a RST (which the fixture's rules drop when the
/// peer must survive) and frees the socket at once, leaving no TIME_WAIT or FIN state.
pub fn abort(s: Socket) {
    // If SO_LINGER cannot be set the close is an ordinary one; the census then shows it.
    let _ = s.set_linger(Some(Duration::ZERO));
    drop(s);
}

/// Aborts the last `n` sockets of `v`.
pub fn abort_last(v: &mut Vec<Socket>, n: usize) {
    for s in v.drain(v.len().saturating_sub(n)..) {
        abort(s);
    }
}

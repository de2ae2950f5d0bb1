//! The socket-level steps a population is made of: listeners, connected pairs, SYNs that go
//! unanswered, connections driven into TIME_WAIT, waiting for a peer's FIN, and aborting one
//! end of a connection (SO_LINGER 0). Each function creates its sockets in the network
//! namespace of the calling thread; the sockets may be used anywhere afterwards.

use std::io::Read;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use socket2::{Protocol, Socket, Type};

use crate::{Family, Server};

/// How long one blocking step (connect, accept, waiting for a FIN) may take on loopback
/// before the builder gives up.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections are made in batches of this many: connect them all, then accept them all, so
/// the accept queue (the listener's backlog) never has to hold more.
pub const BATCH: usize = 1024;

/// The two ends of a set of loopback connections to one server port. `clients[i]` is not
/// necessarily the peer of `servers[i]`; a group is only ever treated as a whole.
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

/// A new TCP socket (close-on-exec) in the calling thread's namespace.
pub fn socket(family: Family) -> Result<Socket> {
    Socket::new(family.domain(), Type::STREAM, Some(Protocol::TCP))
        .with_context(|| format!("creating an {family} TCP socket"))
}

/// A listener for `server` (SO_REUSEADDR); accept() on it times out after `IO_TIMEOUT`.
pub fn listener(server: Server, backlog: usize) -> Result<Socket> {
    let port = server.port;
    let s = socket(server.family)?;
    s.set_reuse_address(true)?;
    let at = server.bind_addr();
    s.bind(&at)
        .with_context(|| format!("binding {:?} port {port}", at.as_socket()))?;
    let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
    s.listen(backlog)
        .with_context(|| format!("listening on port {port}"))?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    Ok(s)
}

/// The backlog `connect_pairs` and `time_wait` give their listener for `n` connections.
pub fn pair_backlog(n: usize) -> usize {
    n.min(BATCH) + 16
}

/// `n` connections to `server`, both ends kept. The listener is closed afterwards: accepted
/// sockets outlive it, and no LISTEN socket is left behind.
pub fn connect_pairs(server: Server, n: usize) -> Result<Pairs> {
    if n == 0 {
        return Ok(Pairs::default());
    }
    let l = listener(server, pair_backlog(n))?;
    connect_pairs_on(&l, server, n)
}

/// `n` connections to `server`, whose listener (`listener`, with a backlog of at least
/// `pair_backlog(n)`) the caller keeps; both ends kept.
pub fn connect_pairs_on(listener: &Socket, server: Server, n: usize) -> Result<Pairs> {
    let mut pairs = Pairs::default();
    let mut done = 0;
    while done < n {
        let k = (n - done).min(BATCH);
        connect_batch(server, listener, done, k, &mut pairs)?;
        done += k;
    }
    Ok(pairs)
}

/// Clients `first .. first + k`: connect them all, then accept them all.
fn connect_batch(
    server: Server,
    listener: &Socket,
    first: usize,
    k: usize,
    pairs: &mut Pairs,
) -> Result<()> {
    let port = server.port;
    for i in first..first + k {
        let to = server.dest(i);
        let c = socket(server.family)?;
        c.connect_timeout(&to, IO_TIMEOUT)
            .with_context(|| format!("connecting to {:?}", to.as_socket()))?;
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

/// `n` sockets in TIME_WAIT, none of them holding a descriptor; the listener is closed
/// afterwards. See `time_wait_on`.
pub fn time_wait(server: Server, n: usize) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    let l = listener(server, pair_backlog(n))?;
    time_wait_on(&l, server, n)
}

/// `n` sockets in TIME_WAIT through `listener` (kept by the caller). Per connection: the
/// client closes (FIN_WAIT1, then FIN_WAIT2 once ACKed), the server waits until it has read
/// the FIN (CLOSE_WAIT) and only then closes (LAST_ACK), the client ACKs that FIN and sits in
/// TIME_WAIT for 60 s while the server's socket is freed. Waiting for the FIN matters: a
/// server that closed first would make it a simultaneous close, with both ends in TIME_WAIT.
/// Done in batches so at most `2 * BATCH` descriptors are open at once.
pub fn time_wait_on(listener: &Socket, server: Server, n: usize) -> Result<()> {
    let mut done = 0;
    while done < n {
        let k = (n - done).min(BATCH);
        let mut pairs = Pairs::default();
        connect_batch(server, listener, done, k, &mut pairs)?;
        drop(pairs.clients);
        for s in &pairs.servers {
            read_eof(s).context("TIME_WAIT: the server end never saw the client's FIN")?;
        }
        drop(pairs.servers);
        done += k;
    }
    Ok(())
}

/// Client number `i`'s non-blocking connect to `server` whose handshake cannot finish (its
/// SYN or the SYN-ACK is dropped by a rule): the socket stays in SYN_SENT. With `source`, the
/// client binds that loopback port first instead of taking an ephemeral one. A connect that
/// completes at once means the rule is missing.
pub fn connect_unanswered(server: Server, i: usize, source: Option<u16>) -> Result<Socket> {
    let family = server.family;
    let s = socket(family)?;
    if let Some(source) = source {
        s.set_reuse_address(true)?;
        s.bind(&Server::new(family, source).bind_addr())
            .with_context(|| format!("binding source port {source}"))?;
    }
    s.set_nonblocking(true)?;
    let port = server.port;
    match s.connect(&server.dest(i)) {
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

/// Closes with SO_LINGER 0: the kernel sends a RST (which the caller's rules drop when the
/// peer must survive) and frees the socket at once, leaving no TIME_WAIT or FIN state.
pub fn abort(s: Socket) {
    // If SO_LINGER cannot be set the close is an ordinary one; a census then shows it.
    let _ = s.set_linger(Some(Duration::ZERO));
    drop(s);
}

/// Aborts the last `n` sockets of `v`.
pub fn abort_last(v: &mut Vec<Socket>, n: usize) {
    for s in v.drain(v.len().saturating_sub(n)..) {
        abort(s);
    }
}

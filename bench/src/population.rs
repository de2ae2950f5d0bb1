//! Building a large socket population in a private network namespace: worker processes (this
//! same binary, `tcpstate-bench worker …`, started with `ip netns exec`) each hold at most
//! 20,000 descriptors and make one kind of socket — established pairs, TIME_WAIT, CLOSE_WAIT
//! (with its FIN_WAIT2 peer), SYN_RECV request sockets (with their SYN_SENT clients) or
//! listeners — then report "ready" and keep their sockets until their stdin closes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddrV4, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

/// Descriptors one worker may hold (the per-process limit here is 20,000).
pub const FDS_PER_WORKER: usize = 19_000;

/// What one worker makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Established,
    TimeWait,
    CloseWait,
    SynRecv,
    Listen,
}

/// The socket mix of a population, as fractions of the requested total.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    pub established: f64,
    pub time_wait: f64,
    /// CLOSE_WAIT sockets; each comes with a FIN_WAIT2 peer, counted in this share too.
    pub close_wait: f64,
    /// SYN_RECV request sockets; each comes with a SYN_SENT client, counted in this share too.
    pub syn_recv: f64,
    pub listen: f64,
}

impl Mix {
    /// The mix: 55 % ESTABLISHED, 35 % TIME_WAIT, 5 % CLOSE_WAIT (+FIN_WAIT2),
    /// 4.9 % SYN_RECV (+SYN_SENT), 0.1 % LISTEN.
    pub const STANDARD: Mix = Mix {
        established: 0.55,
        time_wait: 0.35,
        close_wait: 0.05,
        syn_recv: 0.049,
        listen: 0.001,
    };
}

/// A worker plan: kind, first port, and how many sockets it makes.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    pub kind: Kind,
    pub port: u16,
    pub count: usize,
}

/// Split a population of `total` sockets into worker jobs. Ports: listeners from 20000,
/// TIME_WAIT servers on 80 (the benchmark's `--dport 80` filter) and 81.., others from 30000.
pub fn plan(total: usize, mix: Mix) -> Vec<Job> {
    let mut jobs = Vec::new();
    let mut next_port = 30000u16;
    let mut split = |kind: Kind, sockets: usize, per_worker: usize, jobs: &mut Vec<Job>| {
        let mut left = sockets;
        while left > 0 {
            let n = left.min(per_worker);
            jobs.push(Job {
                kind,
                port: next_port,
                count: n,
            });
            next_port += 1;
            left -= n;
        }
    };
    // Each pair is two sockets and two descriptors.
    let pairs = (total as f64 * mix.established / 2.0) as usize;
    split(Kind::Established, pairs, FDS_PER_WORKER / 2, &mut jobs);
    let cw_pairs = (total as f64 * mix.close_wait / 2.0) as usize;
    split(Kind::CloseWait, cw_pairs, FDS_PER_WORKER / 2, &mut jobs);
    let syn = (total as f64 * mix.syn_recv / 2.0) as usize;
    split(Kind::SynRecv, syn, FDS_PER_WORKER.min(60_000), &mut jobs);
    let listen = ((total as f64 * mix.listen) as usize).max(1);
    jobs.push(Job {
        kind: Kind::Listen,
        port: 20000,
        count: listen,
    });
    // TIME_WAIT holds no descriptor; one worker per 60,000 keeps each 4-tuple space roomy.
    let tw = (total as f64 * mix.time_wait) as usize;
    let mut left = tw;
    let mut port = 80u16;
    while left > 0 {
        let n = left.min(60_000);
        jobs.push(Job {
            kind: Kind::TimeWait,
            port,
            count: n,
        });
        port += 1;
        left -= n;
    }
    jobs
}

/// A running worker.
pub struct Worker {
    pub job: Job,
    child: Child,
}

impl Worker {
    /// Start a worker inside namespace `ns`.
    pub fn start(ns: &str, job: Job) -> Result<Worker> {
        let me = std::env::current_exe().context("finding this benchmark's own binary")?;
        let kind = match job.kind {
            Kind::Established => "established",
            Kind::TimeWait => "time-wait",
            Kind::CloseWait => "close-wait",
            Kind::SynRecv => "syn-recv",
            Kind::Listen => "listen",
        };
        let child = Command::new("ip")
            .args(["netns", "exec", ns])
            .arg(me)
            .args(["worker", kind, "--port"])
            .arg(job.port.to_string())
            .arg("--count")
            .arg(job.count.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting a population worker with ip netns exec")?;
        Ok(Worker { job, child })
    }

    /// Wait for the worker's "ready" line.
    pub fn wait_ready(&mut self) -> Result<()> {
        let out = self.child.stdout.take().context("worker stdout")?;
        let mut line = String::new();
        BufReader::new(out).read_line(&mut line)?;
        if line.trim() != "ready" {
            bail!("worker {:?} failed: {:?}", self.job, line.trim());
        }
        Ok(())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listener(port: u16, backlog: i32) -> Result<TcpListener> {
    let l = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port))
        .with_context(|| format!("binding port {port}"))?;
    // A second listen() sets the backlog std chose for us.
    // SAFETY: a valid listening descriptor owned by `l`.
    if unsafe { libc::listen(l.as_raw_fd(), backlog) } != 0 {
        bail!("listen(): {}", std::io::Error::last_os_error());
    }
    Ok(l)
}

/// Destination address `i`: spreading over 127.0.0.1–127.0.0.200 keeps 4-tuples apart.
fn dst(i: usize, port: u16) -> SocketAddrV4 {
    SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, (i % 200) as u8 + 1), port)
}

/// A non-blocking connect that is left in progress.
fn connect_nonblocking(to: SocketAddrV4) -> Result<OwnedFd> {
    // SAFETY: plain socket syscalls on a descriptor we own.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_NONBLOCK, 0);
        if fd < 0 {
            bail!("socket(): {}", std::io::Error::last_os_error());
        }
        let owned = OwnedFd::from_raw_fd(fd);
        let sa = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: to.port().to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from_ne_bytes(to.ip().octets()),
            },
            sin_zero: [0; 8],
        };
        let r = libc::connect(
            fd,
            &sa as *const libc::sockaddr_in as *const libc::sockaddr,
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        );
        if r != 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINPROGRESS) {
            bail!("connect(): {}", std::io::Error::last_os_error());
        }
        Ok(owned)
    }
}

/// The worker's body: make the sockets, say ready, hold them until stdin closes.
pub fn run_worker(kind: Kind, port: u16, count: usize) -> Result<()> {
    let mut keep_streams: Vec<TcpStream> = Vec::new();
    let mut keep_listeners: Vec<TcpListener> = Vec::new();
    let mut keep_fds: Vec<OwnedFd> = Vec::new();
    match kind {
        Kind::Listen => {
            for i in 0..count {
                keep_listeners.push(listener(port + i as u16, 128)?);
            }
        }
        Kind::Established | Kind::CloseWait => {
            let l = listener(port, 4096)?;
            for i in 0..count {
                let c = TcpStream::connect(dst(i, port))?;
                let (s, _) = l.accept()?;
                if kind == Kind::CloseWait {
                    c.shutdown(Shutdown::Write)?;
                }
                keep_streams.push(c);
                keep_streams.push(s);
            }
            keep_listeners.push(l);
        }
        Kind::TimeWait => {
            let l = listener(port, 4096)?;
            let mut buf = [0u8; 1];
            for i in 0..count {
                let c = TcpStream::connect(dst(i, port))?;
                let (mut s, _) = l.accept()?;
                drop(c); // the client closes first and keeps the TIME_WAIT
                let _ = s.read(&mut buf); // the client's FIN
                drop(s);
            }
            keep_listeners.push(l);
        }
        Kind::SynRecv => {
            // The harness drops this port's SYN-ACKs, so every connect leaves a request
            // socket on the listener and a SYN_SENT client.
            let l = listener(port, (count as i32).saturating_mul(4).max(64))?;
            for i in 0..count {
                keep_fds.push(connect_nonblocking(dst(i, port))?);
            }
            keep_listeners.push(l);
        }
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    drop(out);
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(keep_streams);
    drop(keep_fds);
    drop(keep_listeners);
    Ok(())
}

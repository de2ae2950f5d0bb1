//! `plan`: a large population (a total and a `Mix` of states) split into `Job`s, each one kind
//! of socket on its own ports and small enough for one worker process (at most
//! `FDS_PER_WORKER` descriptors, at most 60,000 TIME_WAIT or SYN_RECV per port). This is how
//! the benchmark reaches a million sockets under a per-process descriptor limit. A job's
//! clients spread over 127.0.0.1 ..= 127.0.0.`SPREAD`, so its 4-tuples stay apart.

use anyhow::Result;

use crate::hold::{self, Held, Kind};
use crate::{Family, Server};

/// Descriptors one worker may hold (the per-process limit on the benchmark's host is 20,000).
pub const FDS_PER_WORKER: usize = 19_000;

/// IPv4 loopback addresses a job's clients spread over.
pub const SPREAD: u8 = 200;

/// Sockets of one kind per port at most where no descriptor limits them (TIME_WAIT).
const PER_PORT: usize = 60_000;

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
    /// The benchmark's mix: 55 % ESTABLISHED, 35 % TIME_WAIT, 5 % CLOSE_WAIT (+FIN_WAIT2),
    /// 4.9 % SYN_RECV (+SYN_SENT), 0.1 % LISTEN.
    pub const STANDARD: Mix = Mix {
        established: 0.55,
        time_wait: 0.35,
        close_wait: 0.05,
        syn_recv: 0.049,
        listen: 0.001,
    };
}

/// One worker's share: `count` units of `kind` (see `Kind`) from IPv4 port `port`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub kind: Kind,
    pub port: u16,
    pub count: usize,
}

impl Job {
    /// The server the job's sockets use.
    pub fn server(&self) -> Server {
        Server::new(Family::V4, self.port).spread(SPREAD)
    }

    /// Makes the job's sockets in the calling thread's namespace; they stay until dropped.
    pub fn make(&self) -> Result<Held> {
        hold::make(self.kind, self.server(), self.count)
    }
}

/// Splits a population of `total` sockets into jobs. Ports: listeners from 20000, TIME_WAIT
/// servers on 80 (the benchmark's `--dport 80` filter) and 81.., the others from 30000.
pub fn plan(total: usize, mix: Mix) -> Vec<Job> {
    let share = |f: f64| (total as f64 * f) as usize;
    let pairs = |f: f64| (total as f64 * f / 2.0) as usize;
    let mut jobs = Vec::new();
    let mut next_port = 30000u16;
    let mut split = |kind: Kind, units: usize, per_worker: usize, jobs: &mut Vec<Job>| {
        let mut left = units;
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
    split(
        Kind::Established,
        pairs(mix.established),
        FDS_PER_WORKER / 2,
        &mut jobs,
    );
    split(
        Kind::CloseWait,
        pairs(mix.close_wait),
        FDS_PER_WORKER / 2,
        &mut jobs,
    );
    split(
        Kind::SynRecv,
        pairs(mix.syn_recv),
        FDS_PER_WORKER.min(PER_PORT),
        &mut jobs,
    );
    jobs.push(Job {
        kind: Kind::Listen,
        port: 20000,
        count: share(mix.listen).max(1),
    });
    // TIME_WAIT holds no descriptor; one worker per 60,000 keeps each 4-tuple space roomy.
    let mut left = share(mix.time_wait);
    let mut port = 80u16;
    while left > 0 {
        let n = left.min(PER_PORT);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn units(jobs: &[Job], kind: Kind) -> usize {
        jobs.iter()
            .filter(|j| j.kind == kind)
            .map(|j| j.count)
            .sum()
    }

    #[test]
    fn a_million_fits_the_descriptor_budget() {
        let jobs = plan(1_000_000, Mix::STANDARD);
        assert_eq!(units(&jobs, Kind::Established), 275_000);
        assert_eq!(units(&jobs, Kind::TimeWait), 350_000);
        assert_eq!(units(&jobs, Kind::CloseWait), 25_000);
        assert_eq!(units(&jobs, Kind::SynRecv), 24_500);
        assert_eq!(units(&jobs, Kind::Listen), 1_000);
        for j in &jobs {
            let fds = match j.kind {
                Kind::Established | Kind::CloseWait => 2 * j.count + 1,
                Kind::SynRecv => j.count + 1,
                Kind::Listen => j.count,
                Kind::TimeWait => 1,
            };
            assert!(fds <= FDS_PER_WORKER + 1, "{j:?}");
        }
        let tw_ports: Vec<u16> = jobs
            .iter()
            .filter(|j| j.kind == Kind::TimeWait)
            .map(|j| j.port)
            .collect();
        assert_eq!(tw_ports, [80, 81, 82, 83, 84, 85]);
    }
}

//! `Population`: TCP sockets in exactly chosen numbers per state, made inside a `Netns` on its loopback
//! addresses, with the exact number of sockets per (state, family) that any correct tool must
//! then report (`Population::expected`). Each state gets its own server port, and nftables
//! rules on the namespace's input hook hold connections where they are:
//!
//! * LISTEN: listeners on their own ports.
//! * ESTABLISHED: connected pairs (two sockets each); for an odd count one client is aborted.
//! * TIME_WAIT: the client closes, the server waits for the FIN and closes; the client end
//!   stays in TIME_WAIT (60 s), the server end is freed.
//! * FIN_WAIT2 / CLOSE_WAIT: the client shuts down writing, the server never closes.
//! * SYN_SENT: a non-blocking connect to a port whose SYNs are dropped.
//! * SYN_RECV: SYN-ACKs from a listener are dropped, so it keeps request sockets; the clients
//!   are closed right after connecting (a SYN_SENT socket closes without sending anything),
//!   so only the request sockets and their listener remain (one listener per 4096 of them).
//!   The clients bind source ports reserved for them: with ephemeral ports, a later connect
//!   may pick a port just freed by a closed client (the kernel's ephemeral port offsets are
//!   shared by all namespaces, so other namespaces' connects move them), and its SYN, with a
//!   new sequence number, resets the request socket of that 4-tuple (`EmbryonicRsts`) without
//!   making one of its own. The listener's backlog is kept above twice its requests, since a
//!   request queue over half full gets old requests pruned after 2 SYN-ACK retries (7 s).
//! * FIN_WAIT1 / LAST_ACK: packets from the server port are dropped; the client shuts down
//!   writing (its FIN arrives, the ACK does not), the server reads the FIN and shuts down too.
//! * CLOSING: packets to the server port are dropped; the client shuts down writing (its FIN
//!   is lost), then the server does: the server's FIN reaches the client while the client's
//!   own FIN is unacknowledged, which is CLOSING, and the client's ACK is lost, so it stays.
//!
//! Counts of the paired states are independent: the fixture makes as many pairs as the larger
//! count needs, then drops all traffic of that port and aborts the surplus ends (SO_LINGER 0;
//! the RST is dropped, so the peer never learns). The only extra sockets are the SYN_RECV
//! listeners, which `expected` counts as LISTEN. Timers limit how long states last: TIME_WAIT
//! 60 s, request sockets about 63 s (5 SYN-ACK retries), SYN_SENT about 2 min; check within
//! that. The builder sets the namespace's `tcp_tw_reuse` to 0 (so later connects never recycle
//! a TIME_WAIT socket) and raises `somaxconn` and `tcp_max_syn_backlog`. The socket-level steps
//! are `sockets`' (shared with `hold`, the benchmark's bulk builder); this module adds the
//! exact per-state plan, the nftables rules and the `ss` verification. The tests use it.

mod counts;
mod make;
mod plan;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};
use socket2::Socket;

use self::make::Maker;
use self::plan::Plan;
use crate::census::{self as ss, Census};
use crate::netns::find_tool;
use crate::sockets::abort;
use crate::{Family, Netns};

pub use self::counts::Counts;

/// Expected socket counts per (netstat state name, family); states with no socket are absent.
pub type Expected = Census;

/// Request sockets one SYN_RECV listener is given (its backlog is twice that plus some). The
/// clients of every SYN_RECV listener bind the same block of this many reserved source ports:
/// the 4-tuples differ by the listener's port.
pub const SYN_RECV_PER_LISTENER: usize = 4096;

/// At most this many descriptors may be open while a population is built (the process may
/// hold 20,000; the test harness needs some).
pub const MAX_DESCRIPTORS: usize = 16_000;

/// At most this many sockets of one state and family (TIME_WAIT uses one ephemeral port each
/// towards one server port, and there are 28,232 of those).
pub const MAX_PER_STATE: usize = 20_000;

/// How long a build waits for the kernel to reach the expected states.
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(5);

static NEXT_TABLE: AtomicU32 = AtomicU32::new(0);

/// Chooses the counts, then `build()`.
#[derive(Debug)]
pub struct PopulationBuilder<'ns> {
    ns: &'ns Netns,
    counts: [Counts; 2],
    settle: Duration,
}

impl<'ns> PopulationBuilder<'ns> {
    pub fn family(mut self, family: Family, counts: Counts) -> Self {
        self.counts[family as usize] = counts;
        self
    }

    pub fn v4(self, counts: Counts) -> Self {
        self.family(Family::V4, counts)
    }

    pub fn v6(self, counts: Counts) -> Self {
        self.family(Family::V6, counts)
    }

    /// The same counts for IPv4 and IPv6.
    pub fn both(self, counts: Counts) -> Self {
        self.v4(counts).v6(counts)
    }

    /// How long to wait for the kernel to settle in each phase (default `SETTLE_TIMEOUT`).
    pub fn settle_timeout(mut self, timeout: Duration) -> Self {
        self.settle = timeout;
        self
    }

    /// Makes the sockets and waits until `ss` in the namespace shows exactly the expected
    /// counts on the population's ports.
    pub fn build(self) -> Result<Population<'ns>> {
        let started = Instant::now();
        let mut peak = 0;
        for (family, c) in Family::ALL.into_iter().zip(&self.counts) {
            for (state, n) in c.entries() {
                ensure!(
                    n <= MAX_PER_STATE,
                    "{n} {state} {family} sockets asked for; at most {MAX_PER_STATE}"
                );
            }
            peak += c.peak_descriptors();
        }
        ensure!(
            peak <= MAX_DESCRIPTORS,
            "these counts need about {peak} descriptors at once; at most {MAX_DESCRIPTORS}"
        );
        if self.counts.iter().any(Counts::needs_nft) && !find_tool("nft") {
            bail!("these counts need nftables rules and `nft` is not on PATH");
        }
        let plans = Family::ALL
            .into_iter()
            .zip(self.counts)
            .map(|(family, counts)| Plan::new(self.ns, family, counts))
            .collect::<Result<Vec<_>>>()?;
        let ports: BTreeSet<u16> = plans.iter().flat_map(Plan::ports).collect();
        let mut expected = Expected::new();
        let mut before_aborts = Expected::new();
        for p in &plans {
            p.expected(&mut expected);
            p.before_aborts(&mut before_aborts);
        }
        let maker = Maker {
            ns: self.ns,
            table: format!("tcpst_pop{}", NEXT_TABLE.fetch_add(1, Ordering::Relaxed)),
            ports: &ports,
            settle: self.settle,
        };
        let sockets = self
            .ns
            .within(|| maker.make(&plans, &before_aborts, &expected))??;
        Ok(Population {
            ns: self.ns,
            sockets,
            expected,
            ports,
            requested: self.counts,
            build_time: started.elapsed(),
        })
    }
}

/// Polls `ss` in the namespace (bounded by `timeout`) until the sockets touching `ports` are
/// exactly `want`; fails with the difference otherwise.
pub fn wait_for(
    ns: &Netns,
    ports: &BTreeSet<u16>,
    want: &Expected,
    timeout: Duration,
) -> Result<()> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(5);
    let mut first = None;
    loop {
        let seen = ss::census(ns, |p| ports.contains(&p))?;
        if seen == *want {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let first = ss::diff(want, &first.unwrap_or(seen.clone()));
            bail!(
                "after {timeout:?} the sockets still differ: {}; at the first look: {first}; \
                 kernel counters: {}",
                ss::diff(want, &seen),
                ss::tcp_counters(ns).unwrap_or_else(|e| format!("unreadable: {e:#}"))
            );
        }
        first.get_or_insert(seen);
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// Sockets in known states inside a namespace, and how many of each there are.
#[derive(Debug)]
pub struct Population<'ns> {
    ns: &'ns Netns,
    /// Every descriptor that keeps a socket in its state (dropped before the namespace).
    sockets: Vec<Socket>,
    expected: Expected,
    ports: BTreeSet<u16>,
    requested: [Counts; 2],
    build_time: Duration,
}

impl<'ns> Population<'ns> {
    pub fn builder(ns: &'ns Netns) -> PopulationBuilder<'ns> {
        PopulationBuilder {
            ns,
            counts: [Counts::default(); 2],
            settle: SETTLE_TIMEOUT,
        }
    }

    /// Many IPv4 sockets quickly, counted exactly (the bulk fixture tests; the benchmark uses
    /// `plan` and `worker` instead): `established_pairs` connections (two
    /// ESTABLISHED sockets each), `time_wait` TIME_WAIT sockets (no descriptors), `close_wait`
    /// CLOSE_WAIT sockets (their FIN_WAIT2 peers aborted), `syn_recv` request sockets (no
    /// descriptors, plus one listener per 4096), and `listen` listeners. Connections are made
    /// in batches of `BATCH` (connect all, accept all) against listeners with a large backlog.
    /// Bounded by `MAX_PER_STATE` per state and `MAX_DESCRIPTORS` in all (2 per pair, 2 per
    /// CLOSE_WAIT while building, 1 per listener).
    pub fn bulk(
        ns: &'ns Netns,
        established_pairs: usize,
        time_wait: usize,
        close_wait: usize,
        syn_recv: usize,
        listen: usize,
    ) -> Result<Population<'ns>> {
        let counts = Counts {
            established: 2 * established_pairs,
            time_wait,
            close_wait,
            syn_recv,
            listen,
            ..Counts::default()
        };
        Population::builder(ns)
            .v4(counts)
            .settle_timeout(Duration::from_secs(30))
            .build()
    }

    /// Exact socket counts per (netstat state name, family) on this population's ports.
    pub fn expected(&self) -> &Expected {
        &self.expected
    }

    /// The expected count of one state and family (0 when there are none).
    pub fn expected_count(&self, state: &str, family: Family) -> usize {
        self.expected
            .iter()
            .find(|((s, f), _)| *s == state && *f == family)
            .map_or(0, |(_, n)| *n)
    }

    /// The counts it was built with.
    pub fn requested(&self, family: Family) -> Counts {
        self.requested[family as usize]
    }

    /// The ports its sockets use on one end or the other.
    pub fn ports(&self) -> &BTreeSet<u16> {
        &self.ports
    }

    /// What `ss` shows on this population's ports now.
    pub fn census(&self) -> Result<Expected> {
        ss::census(self.ns, |p| self.ports.contains(&p))
    }

    /// Fails unless `ss` shows exactly the expected counts now.
    pub fn verify(&self) -> Result<()> {
        let seen = self.census()?;
        ensure!(
            seen == self.expected,
            "population drifted: {}",
            ss::diff(&self.expected, &seen)
        );
        Ok(())
    }

    /// Descriptors it holds.
    pub fn descriptors(&self) -> usize {
        self.sockets.len()
    }

    pub fn build_time(&self) -> Duration {
        self.build_time
    }
}

impl Drop for Population<'_> {
    /// Aborts every socket (SO_LINGER 0), so dropping leaves no new FIN or TIME_WAIT states.
    fn drop(&mut self) {
        self.sockets.drain(..).for_each(abort);
    }
}

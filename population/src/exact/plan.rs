//! `Plan`: where one family's sockets of a population go (a server port per purpose, the
//! listener ports, the SYN_RECV clients' source ports) and the counts `ss` must show once the
//! pairs have reached their states and once the surplus ends are aborted.

use anyhow::Result;

use super::{Counts, Expected, SYN_RECV_PER_LISTENER};
use crate::{Family, Netns};

/// Where one family's sockets go: a port per purpose (only for purposes with sockets).
#[derive(Debug)]
pub(super) struct Plan {
    pub(super) family: Family,
    pub(super) counts: Counts,
    pub(super) listen: Vec<u16>,
    pub(super) established: Option<u16>,
    pub(super) time_wait: Option<u16>,
    pub(super) half_closed: Option<u16>,
    pub(super) fin: Option<u16>,
    pub(super) closing: Option<u16>,
    pub(super) syn_sent: Option<u16>,
    pub(super) syn_recv: Vec<u16>,
    /// Source ports for the SYN_RECV clients (reused for every SYN_RECV listener).
    pub(super) syn_recv_sources: Option<u16>,
}

impl Plan {
    pub(super) fn new(ns: &Netns, family: Family, counts: Counts) -> Result<Plan> {
        let c = &counts;
        let singles = [
            c.established,
            c.time_wait,
            c.half_closed_pairs(),
            c.fin_pairs(),
            c.closing,
            c.syn_sent,
        ];
        let sources = c.syn_recv.min(SYN_RECV_PER_LISTENER);
        let needed = c.listen
            + c.syn_recv_listeners()
            + sources
            + singles.iter().filter(|&&n| n > 0).count();
        let mut next = ns.alloc_ports(needed)?;
        let mut take = |n: usize| -> Vec<u16> {
            let ports: Vec<u16> = (next..).take(n).collect();
            next = next.saturating_add(u16::try_from(n).unwrap_or(u16::MAX));
            ports
        };
        let mut one = |n: usize| take(usize::from(n > 0)).first().copied();
        let established = one(c.established);
        let time_wait = one(c.time_wait);
        let half_closed = one(c.half_closed_pairs());
        let fin = one(c.fin_pairs());
        let closing = one(c.closing);
        let syn_sent = one(c.syn_sent);
        let listen = take(c.listen);
        let syn_recv = take(c.syn_recv_listeners());
        let syn_recv_sources = take(sources).first().copied();
        Ok(Plan {
            family,
            counts,
            listen,
            established,
            time_wait,
            half_closed,
            fin,
            closing,
            syn_sent,
            syn_recv,
            syn_recv_sources,
        })
    }

    pub(super) fn ports(&self) -> impl Iterator<Item = u16> + '_ {
        let singles = [
            self.established,
            self.time_wait,
            self.half_closed,
            self.fin,
            self.closing,
            self.syn_sent,
        ];
        singles
            .into_iter()
            .flatten()
            .chain(self.listen.iter().copied())
            .chain(self.syn_recv.iter().copied())
    }

    /// The final counts: what was asked for, plus the SYN_RECV listeners.
    pub(super) fn expected(&self, into: &mut Expected) {
        for (state, n) in self.counts.entries() {
            add(into, state, self.family, n);
        }
        add(into, "LISTEN", self.family, self.syn_recv.len());
    }

    /// The counts once every pair has reached its states, before surplus ends are aborted.
    pub(super) fn before_aborts(&self, into: &mut Expected) {
        let c = &self.counts;
        let f = self.family;
        add(into, "LISTEN", f, c.listen + self.syn_recv.len());
        add(into, "SYN_SENT", f, c.syn_sent);
        add(into, "SYN_RECV", f, c.syn_recv);
        add(into, "TIME_WAIT", f, c.time_wait);
        add(into, "ESTABLISHED", f, 2 * c.established_pairs());
        add(into, "FIN_WAIT2", f, c.half_closed_pairs());
        add(into, "CLOSE_WAIT", f, c.half_closed_pairs());
        add(into, "FIN_WAIT1", f, c.fin_pairs() + c.closing);
        add(into, "LAST_ACK", f, c.fin_pairs());
        add(into, "CLOSING", f, c.closing);
    }
}

fn add(into: &mut Expected, state: &'static str, family: Family, n: usize) {
    if n > 0 {
        *into.entry((state, family)).or_default() += n;
    }
}

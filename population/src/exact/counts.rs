//! `Counts`: how many sockets of each state a population gets for one family, and what that
//! costs while it is built (connections, descriptors, whether nftables rules are needed).

use super::SYN_RECV_PER_LISTENER;
use crate::sockets::BATCH;

/// How many sockets of each state one family gets. Each count is the number of sockets in that
/// state, exactly; `established: 4` is two connections.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub established: usize,
    pub listen: usize,
    pub time_wait: usize,
    pub close_wait: usize,
    pub fin_wait2: usize,
    pub syn_sent: usize,
    pub syn_recv: usize,
    pub fin_wait1: usize,
    pub last_ack: usize,
    pub closing: usize,
}

impl Counts {
    /// `n` sockets in every state.
    pub fn each(n: usize) -> Counts {
        Counts {
            established: n,
            listen: n,
            time_wait: n,
            close_wait: n,
            fin_wait2: n,
            syn_sent: n,
            syn_recv: n,
            fin_wait1: n,
            last_ack: n,
            closing: n,
        }
    }

    /// (netstat state name, count) for every state.
    pub fn entries(&self) -> [(&'static str, usize); 10] {
        [
            ("ESTABLISHED", self.established),
            ("SYN_SENT", self.syn_sent),
            ("SYN_RECV", self.syn_recv),
            ("FIN_WAIT1", self.fin_wait1),
            ("FIN_WAIT2", self.fin_wait2),
            ("TIME_WAIT", self.time_wait),
            ("CLOSE_WAIT", self.close_wait),
            ("LAST_ACK", self.last_ack),
            ("LISTEN", self.listen),
            ("CLOSING", self.closing),
        ]
    }

    pub fn total(&self) -> usize {
        self.entries().iter().map(|(_, n)| n).sum()
    }

    pub(super) fn syn_recv_listeners(&self) -> usize {
        self.syn_recv.div_ceil(SYN_RECV_PER_LISTENER)
    }

    pub(super) fn established_pairs(&self) -> usize {
        self.established.div_ceil(2)
    }

    pub(super) fn half_closed_pairs(&self) -> usize {
        self.fin_wait2.max(self.close_wait)
    }

    pub(super) fn fin_pairs(&self) -> usize {
        self.fin_wait1.max(self.last_ack)
    }

    pub(super) fn needs_nft(&self) -> bool {
        self.syn_sent + self.syn_recv + self.fin_wait1 + self.last_ack + self.closing > 0
            || self.established % 2 == 1
            || self.fin_wait2 != self.close_wait
    }

    /// The descriptors open at the busiest moment of a build.
    pub(super) fn peak_descriptors(&self) -> usize {
        self.listen
            + self.syn_sent
            + self.syn_recv_listeners()
            + 2 * (self.established_pairs()
                + self.half_closed_pairs()
                + self.fin_pairs()
                + self.closing
                + self.time_wait.min(BATCH))
            + 2
    }
}

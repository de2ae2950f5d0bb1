//! What is inside a group of connections (`summary --by … --stats`): which peer is slow,
//! which service loses packets. Per group, from the tcp_info of the same dump: the rtt's
//! median and 99th percentile (a sparse log-linear histogram, at most 1/16 above the true
//! value; memory per group, not per socket), the share of sent bytes that were retransmissions,
//! how many sockets have retransmitted segments in flight now, and the send and receive queue
//! totals of its connections. A value no socket of the group carried is unknown, never 0.

use std::cmp::Ordering;

use crate::analyze::hist::SparseHistogram;
use crate::socket::Socket;
use crate::tcp::state::TcpState;

/// The running sums of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsAccumulator {
    with_info: u64,
    rtt: SparseHistogram,
    bytes_sent: u64,
    bytes_retrans: u64,
    bytes_known: bool,
    retransmitting: u64,
    /// Some socket carried its segments in flight retransmitted (`tcpi_retrans`): a FreeBSD
    /// `netstat -T` row carries only its total of retransmits.
    retrans_known: bool,
    recv_q: Option<u64>,
    send_q: Option<u64>,
}

fn add_to(sum: &mut Option<u64>, v: Option<u32>) {
    if let Some(v) = v {
        *sum = Some(sum.unwrap_or(0) + u64::from(v));
    }
}

impl StatsAccumulator {
    /// Take one socket in. A listener's queues are its accept queue and backlog, not bytes, and
    /// its rtt is no measurement: it adds to neither. An rtt of 0 is a connection without a
    /// sample yet (the kernel's "none"), not a fast one.
    pub fn add(&mut self, s: &Socket) {
        let listening = s.state == TcpState::Listen;
        if !listening {
            add_to(&mut self.recv_q, s.recv_q);
            add_to(&mut self.send_q, s.send_q);
        }
        let Some(info) = s.info.as_deref() else {
            return;
        };
        self.with_info += 1;
        if let Some(rtt) = info.rtt_us.filter(|&r| r > 0 && !listening) {
            self.rtt.record(u64::from(rtt));
        }
        if let (Some(sent), Some(retrans)) = (info.bytes_sent, info.bytes_retrans) {
            self.bytes_known = true;
            self.bytes_sent = self.bytes_sent.saturating_add(sent);
            self.bytes_retrans = self.bytes_retrans.saturating_add(retrans);
        }
        if let Some(r) = info.retrans {
            self.retrans_known = true;
            self.retransmitting += u64::from(r > 0);
        }
    }

    /// The group's figures.
    pub fn finish(&self) -> GroupStats {
        GroupStats {
            with_info: self.with_info,
            rtt_samples: self.rtt.count(),
            rtt_p50_us: self.rtt.quantile(0.50),
            rtt_p99_us: self.rtt.quantile(0.99),
            bytes_sent: self.bytes_known.then_some(self.bytes_sent),
            bytes_retrans: self.bytes_known.then_some(self.bytes_retrans),
            retransmitting: self.retrans_known.then_some(self.retransmitting),
            recv_q: self.recv_q,
            send_q: self.send_q,
        }
    }
}

/// One group's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupStats {
    /// Sockets that carried tcp_info (TIME_WAIT and SYN_RECV mini-sockets carry none).
    pub with_info: u64,
    /// Connections with an rtt sample: the values behind the quantiles.
    pub rtt_samples: u64,
    pub rtt_p50_us: Option<u64>,
    pub rtt_p99_us: Option<u64>,
    /// Bytes sent (retransmissions included) and retransmitted, summed over the sockets whose
    /// kernel reports both (4.19 and later).
    pub bytes_sent: Option<u64>,
    pub bytes_retrans: Option<u64>,
    /// Sockets with retransmitted segments not yet acknowledged (tcpi_retrans > 0, ss's first
    /// `retrans:` number).
    pub retransmitting: Option<u64>,
    /// Queued bytes of the group's connections (listeners left out).
    pub recv_q: Option<u64>,
    pub send_q: Option<u64>,
}

impl GroupStats {
    /// Retransmitted bytes over bytes sent; unknown when nothing was sent.
    pub fn retrans_share(&self) -> Option<f64> {
        match (self.bytes_retrans, self.bytes_sent) {
            (Some(r), Some(s)) if s > 0 => Some(r as f64 / s as f64),
            _ => None,
        }
    }
}

/// What `summary --by … --sort` ranks the groups by, largest first (unknown last, ties by
/// total, then key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupOrder {
    /// Sockets in the group.
    Total,
    /// Median rtt (with --stats).
    RttP50,
    /// 99th percentile rtt (with --stats).
    RttP99,
    /// Retransmitted share of the bytes sent (with --stats).
    RetransShare,
    /// Sockets retransmitting now (with --stats).
    Retransmitting,
    /// Receive queue total (with --stats).
    RecvQ,
    /// Send queue total (with --stats).
    SendQ,
}

impl GroupOrder {
    /// Whether ranking by this needs `--stats`.
    pub fn needs_stats(self) -> bool {
        self != GroupOrder::Total
    }

    /// The `--sort` spelling.
    pub fn word(self) -> &'static str {
        match self {
            GroupOrder::Total => "total",
            GroupOrder::RttP50 => "rtt-p50",
            GroupOrder::RttP99 => "rtt-p99",
            GroupOrder::RetransShare => "retrans-share",
            GroupOrder::Retransmitting => "retransmitting",
            GroupOrder::RecvQ => "recv-q",
            GroupOrder::SendQ => "send-q",
        }
    }

    /// The order of two groups' figures by this key: larger first, unknown last; `Equal` for
    /// `Total` (the caller breaks ties by total).
    pub fn compare(self, a: Option<&GroupStats>, b: Option<&GroupStats>) -> Ordering {
        let value = |g: Option<&GroupStats>| -> Option<f64> {
            let g = g?;
            match self {
                GroupOrder::Total => None,
                GroupOrder::RttP50 => g.rtt_p50_us.map(|v| v as f64),
                GroupOrder::RttP99 => g.rtt_p99_us.map(|v| v as f64),
                GroupOrder::RetransShare => g.retrans_share(),
                GroupOrder::Retransmitting => g.retransmitting.map(|v| v as f64),
                GroupOrder::RecvQ => g.recv_q.map(|v| v as f64),
                GroupOrder::SendQ => g.send_q.map(|v| v as f64),
            }
        };
        match (value(a), value(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{Endpoint, Family};
    use crate::tcpinfo::TcpInfo;
    use std::net::{IpAddr, Ipv4Addr};

    fn conn(state: TcpState, rtt: u32, sent: u64, retrans: u64, now: u32) -> Socket {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let mut s = Socket::new(
            Family::V4,
            state,
            Endpoint::new(ip, 1),
            Endpoint::new(ip, 2),
        );
        s.recv_q = Some(10);
        s.send_q = Some(100);
        s.info = Some(Box::new(TcpInfo {
            rtt_us: Some(rtt),
            bytes_sent: Some(sent),
            bytes_retrans: Some(retrans),
            retrans: Some(now),
            ..TcpInfo::default()
        }));
        s
    }

    #[test]
    fn sums_quantiles_and_what_is_left_out() {
        let mut acc = StatsAccumulator::default();
        acc.add(&conn(TcpState::Established, 20_000, 1000, 0, 0));
        acc.add(&conn(TcpState::Established, 60_000, 3000, 200, 2));
        acc.add(&conn(TcpState::Established, 0, 0, 0, 0));
        // A listener: its queues are no bytes, its rtt no sample.
        acc.add(&conn(TcpState::Listen, 5, 0, 0, 0));
        // A mini-socket: queues, no tcp_info.
        let mut tw = conn(TcpState::TimeWait, 0, 0, 0, 0);
        tw.info = None;
        acc.add(&tw);
        let g = acc.finish();
        assert_eq!((g.with_info, g.rtt_samples), (4, 2));
        // The median is the 20 ms connection's bucket: at most 1/16 above it.
        let p50 = g.rtt_p50_us.unwrap_or(0);
        assert!((20_000..=20_000 * 17 / 16).contains(&p50), "{p50}");
        assert_eq!(g.rtt_p99_us, Some(60_000));
        assert_eq!((g.bytes_sent, g.bytes_retrans), (Some(4000), Some(200)));
        assert_eq!(g.retrans_share(), Some(0.05));
        assert_eq!(g.retransmitting, Some(1));
        assert_eq!((g.recv_q, g.send_q), (Some(40), Some(400)));

        let empty = StatsAccumulator::default().finish();
        assert_eq!(
            (
                empty.rtt_p50_us,
                empty.retransmitting,
                empty.retrans_share()
            ),
            (None, None, None)
        );
        assert_eq!(
            GroupOrder::RttP99.compare(Some(&g), Some(&empty)),
            Ordering::Less
        );
        assert_eq!(
            GroupOrder::RetransShare.compare(Some(&empty), Some(&g)),
            Ordering::Greater
        );
    }
}

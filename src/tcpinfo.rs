//! Inside a connection: the kernel's `struct tcp_info` (rtt, congestion window, retransmits,
//! bytes, rates, time limited by the receiver or the send buffer) and the socket's memory
//! (`SK_MEMINFO_*`: buffers, queued bytes, drops), as sock_diag sends them in the attributes
//! of a dump that asked for them (`INET_DIAG_INFO`, `INET_DIAG_CONG`, `INET_DIAG_SKMEMINFO`).
//! Decoded from raw bytes, field by field: an older kernel's shorter struct leaves the fields
//! it does not have unknown (`None`), never 0.

/// What a dump asks the kernel to add to each socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Extensions {
    /// tcp_info and the congestion control algorithm.
    pub info: bool,
    /// The socket's memory.
    pub memory: bool,
}

impl Extensions {
    /// The request's `idiag_ext` bits: INFO (2) and CONG (4) as `1 << (attr - 1)`, SKMEMINFO
    /// (7) likewise.
    pub fn bits(self) -> u8 {
        let mut b = 0u8;
        if self.info {
            b |= 1 << (ATTR_INFO - 1) | 1 << (ATTR_CONG - 1);
        }
        if self.memory {
            b |= 1 << (ATTR_SKMEMINFO - 1);
        }
        b
    }

    pub fn any(self) -> bool {
        self.info || self.memory
    }
}

/// `INET_DIAG_INFO`.
pub const ATTR_INFO: u16 = 2;
/// `INET_DIAG_CONG`.
pub const ATTR_CONG: u16 = 4;
/// `INET_DIAG_SKMEMINFO`.
pub const ATTR_SKMEMINFO: u16 = 7;

/// The kernel's view of one connection; a field the running kernel's struct does not reach is
/// `None`. Times are in the unit their name says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcpInfo {
    pub rtt_us: Option<u32>,
    pub rttvar_us: Option<u32>,
    pub rto_us: Option<u32>,
    pub min_rtt_us: Option<u32>,
    pub cwnd: Option<u32>,
    pub ssthresh: Option<u32>,
    pub mss: Option<u32>,
    pub rcv_mss: Option<u32>,
    pub pmtu: Option<u32>,
    pub snd_wscale: Option<u8>,
    pub rcv_wscale: Option<u8>,
    pub retrans: Option<u32>,
    pub total_retrans: Option<u32>,
    /// Segments received out of order (`tcpi_rcv_ooopack`, Linux 5.4+; FreeBSD `netstat -T`'s
    /// OOORcv).
    pub rcv_ooopack: Option<u32>,
    pub lost: Option<u32>,
    pub unacked: Option<u32>,
    pub sacked: Option<u32>,
    pub bytes_sent: Option<u64>,
    pub bytes_acked: Option<u64>,
    pub bytes_received: Option<u64>,
    pub bytes_retrans: Option<u64>,
    pub segs_in: Option<u32>,
    pub segs_out: Option<u32>,
    pub delivery_rate_bps: Option<u64>,
    pub pacing_rate_bps: Option<u64>,
    pub last_send_ms: Option<u32>,
    pub last_recv_ms: Option<u32>,
    pub last_ack_ms: Option<u32>,
    pub busy_ms: Option<u64>,
    pub rwnd_limited_ms: Option<u64>,
    pub sndbuf_limited_ms: Option<u64>,
    pub app_limited: Option<bool>,
    pub timestamps: Option<bool>,
    pub sack: Option<bool>,
    pub ecn: Option<bool>,
    /// The congestion control algorithm (`cubic`, `bbr`, …).
    pub congestion: Option<Box<str>>,
}

/// `SK_MEMINFO_*`, in bytes (drops: packets).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SocketMemory {
    pub rmem_alloc: Option<u32>,
    pub rcvbuf: Option<u32>,
    pub wmem_alloc: Option<u32>,
    pub sndbuf: Option<u32>,
    pub fwd_alloc: Option<u32>,
    pub wmem_queued: Option<u32>,
    pub optmem: Option<u32>,
    pub backlog: Option<u32>,
    pub drops: Option<u32>,
}

fn u8_at(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_ne_bytes(a))
}

/// `tcpi_options` bits.
const OPT_TIMESTAMPS: u8 = 1;
const OPT_SACK: u8 = 2;
const OPT_ECN: u8 = 8;

impl TcpInfo {
    /// Decode `struct tcp_info` (`b` as long as the kernel sent it). Offsets are the struct's
    /// (include/uapi/linux/tcp.h); the `_us` times of busy/limited are turned into ms.
    pub fn decode(b: &[u8]) -> TcpInfo {
        let opts = u8_at(b, 5);
        let wscale = u8_at(b, 6);
        let us_to_ms = |v: Option<u64>| v.map(|us| us / 1000);
        TcpInfo {
            rto_us: u32_at(b, 8),
            mss: u32_at(b, 16),
            rcv_mss: u32_at(b, 20),
            unacked: u32_at(b, 24),
            sacked: u32_at(b, 28),
            lost: u32_at(b, 32),
            retrans: u32_at(b, 36),
            last_send_ms: u32_at(b, 44),
            last_recv_ms: u32_at(b, 52),
            last_ack_ms: u32_at(b, 56),
            pmtu: u32_at(b, 60),
            rtt_us: u32_at(b, 68),
            rttvar_us: u32_at(b, 72),
            ssthresh: u32_at(b, 76),
            cwnd: u32_at(b, 80),
            total_retrans: u32_at(b, 100),
            // ~0 is the kernel's "no pacing limit" (listeners, unpaced sockets): no rate, as
            // ss shows it, rather than 147 exabit/s.
            pacing_rate_bps: u64_at(b, 104)
                .filter(|&r| r != u64::MAX)
                .map(|r| r.saturating_mul(8)),
            bytes_acked: u64_at(b, 120),
            bytes_received: u64_at(b, 128),
            segs_out: u32_at(b, 136),
            segs_in: u32_at(b, 140),
            min_rtt_us: u32_at(b, 148),
            delivery_rate_bps: u64_at(b, 160).map(|r| r.saturating_mul(8)),
            busy_ms: us_to_ms(u64_at(b, 168)),
            rwnd_limited_ms: us_to_ms(u64_at(b, 176)),
            sndbuf_limited_ms: us_to_ms(u64_at(b, 184)),
            bytes_sent: u64_at(b, 200),
            bytes_retrans: u64_at(b, 208),
            rcv_ooopack: u32_at(b, 224),
            snd_wscale: wscale.map(|w| w & 0x0f),
            rcv_wscale: wscale.map(|w| w >> 4),
            // The app-limited bit shares byte 7 with the fastopen failure code (bit 0).
            app_limited: u8_at(b, 7).filter(|_| b.len() >= 168).map(|v| v & 1 == 1),
            timestamps: opts.map(|o| o & OPT_TIMESTAMPS != 0),
            sack: opts.map(|o| o & OPT_SACK != 0),
            ecn: opts.map(|o| o & OPT_ECN != 0),
            congestion: None,
        }
    }
}

impl SocketMemory {
    /// Decode the `SK_MEMINFO_*` array of u32.
    pub fn decode(b: &[u8]) -> SocketMemory {
        let at = |i: usize| u32_at(b, i * 4);
        SocketMemory {
            rmem_alloc: at(0),
            rcvbuf: at(1),
            wmem_alloc: at(2),
            sndbuf: at(3),
            fwd_alloc: at(4),
            wmem_queued: at(5),
            optmem: at(6),
            backlog: at(7),
            drops: at(8),
        }
    }
}

/// Read the attributes that follow an `inet_diag_msg` (`struct rtattr`: length, type, payload,
/// padded to 4 bytes) and keep tcp_info, the congestion algorithm and the memory. A cut-short
/// attribute ends the walk; what was read stays.
pub fn read_attributes(mut b: &[u8]) -> (Option<Box<TcpInfo>>, Option<Box<SocketMemory>>) {
    let mut info: Option<Box<TcpInfo>> = None;
    let mut congestion = None;
    let mut memory = None;
    while b.len() >= 4 {
        let len = usize::from(u16::from_ne_bytes([b[0], b[1]]));
        let kind = u16::from_ne_bytes([b[2], b[3]]);
        if len < 4 || len > b.len() {
            break;
        }
        let payload = &b[4..len];
        match kind {
            ATTR_INFO => info = Some(Box::new(TcpInfo::decode(payload))),
            ATTR_CONG => congestion = decode_congestion(payload),
            ATTR_SKMEMINFO => memory = Some(Box::new(SocketMemory::decode(payload))),
            _ => {}
        }
        b = b.get((len + 3) & !3..).unwrap_or(&[]);
    }
    if let Some(i) = info.as_mut() {
        i.congestion = congestion;
    }
    (info, memory)
}

/// The congestion algorithm of `INET_DIAG_CONG`: a NUL-terminated name.
pub fn decode_congestion(b: &[u8]) -> Option<Box<str>> {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    let name = std::str::from_utf8(&b[..end]).ok()?.trim();
    (!name.is_empty()).then(|| name.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put32(b: &mut [u8], at: usize, v: u32) {
        b[at..at + 4].copy_from_slice(&v.to_ne_bytes());
    }

    fn put64(b: &mut [u8], at: usize, v: u64) {
        b[at..at + 8].copy_from_slice(&v.to_ne_bytes());
    }

    #[test]
    fn a_whole_struct_and_a_short_one() {
        let mut b = vec![0u8; 232];
        b[5] = OPT_TIMESTAMPS | OPT_SACK;
        b[6] = 7 | (9 << 4);
        b[7] = 1;
        put32(&mut b, 16, 1448);
        put32(&mut b, 68, 250);
        put32(&mut b, 80, 10);
        put32(&mut b, 100, 3);
        put64(&mut b, 104, 1_000);
        put64(&mut b, 168, 5_000);
        put64(&mut b, 200, 123_456);
        put32(&mut b, 224, 17);
        let i = TcpInfo::decode(&b);
        assert_eq!(i.rcv_ooopack, Some(17));
        // A kernel before 5.4 ends its struct before tcpi_rcv_ooopack.
        assert_eq!(TcpInfo::decode(&b[..224]).rcv_ooopack, None);
        assert_eq!((i.mss, i.rtt_us, i.cwnd), (Some(1448), Some(250), Some(10)));
        assert_eq!(i.total_retrans, Some(3));
        assert_eq!(i.pacing_rate_bps, Some(8_000));
        assert_eq!(i.busy_ms, Some(5));
        assert_eq!(i.bytes_sent, Some(123_456));
        assert_eq!((i.snd_wscale, i.rcv_wscale), (Some(7), Some(9)));
        assert_eq!(
            (i.timestamps, i.sack, i.ecn),
            (Some(true), Some(true), Some(false))
        );
        assert_eq!(i.app_limited, Some(true));
        // A kernel whose struct ends before bytes_sent (4.x): those fields are unknown.
        let old = TcpInfo::decode(&b[..104]);
        assert_eq!(old.total_retrans, Some(3));
        assert_eq!(
            (old.bytes_sent, old.pacing_rate_bps, old.busy_ms),
            (None, None, None)
        );
        assert_eq!(old.app_limited, None);
        assert_eq!(TcpInfo::decode(&[]), TcpInfo::default());
        put64(&mut b, 104, u64::MAX);
        assert_eq!(TcpInfo::decode(&b).pacing_rate_bps, None, "unpaced");
    }

    #[test]
    fn memory_and_congestion() {
        let mut b = vec![0u8; 36];
        for i in 0..9 {
            put32(&mut b, i * 4, 100 + i as u32);
        }
        let m = SocketMemory::decode(&b);
        assert_eq!((m.rmem_alloc, m.drops), (Some(100), Some(108)));
        assert_eq!(SocketMemory::decode(&b[..8]).sndbuf, None);
        assert_eq!(decode_congestion(b"cubic\0").as_deref(), Some("cubic"));
        assert_eq!(decode_congestion(b"\0"), None);
        assert_eq!(
            Extensions {
                info: true,
                memory: true
            }
            .bits(),
            0b0100_1010
        );
    }
}

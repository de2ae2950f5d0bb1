//! What `list -i` and `list -m` add to a socket's row, in every format: an indented second
//! line in the table (a compact set that fits 80 columns; the rest with `-e`), an `info` and a
//! `memory` object in JSON whose field names carry their unit, and trailing columns in CSV. A
//! value the kernel did not give is `-`, null or empty.

use std::io;

use super::Known;

use serde_json::{Value, json};

use crate::socket::Socket;
use crate::tcp::state::TcpState;
use crate::tcpinfo::{SocketMemory, TcpInfo};

/// A value, or `-` when unknown.
pub(crate) fn n<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

/// Microseconds as milliseconds with three decimals (`0.250`), as ss writes rtt; `-` when
/// unknown. Written in place, with no string of its own.
struct Ms(Option<u32>);

impl std::fmt::Display for Ms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(us) => write!(f, "{}.{:03}", us / 1000, us % 1000),
            None => f.write_str("-"),
        }
    }
}

/// Microseconds as milliseconds with three decimals (`0.250`), as ss writes rtt.
pub(crate) fn ms<T: Into<u64>>(us: Option<T>) -> String {
    us.map(|us| format!("{:.3}", us.into() as f64 / 1000.0))
        .unwrap_or_else(|| "-".into())
}

/// A rate in bits per second, scaled (`12.3Mbps`).
fn rate(bps: Option<u64>) -> String {
    match bps {
        None => "-".into(),
        Some(b) if b >= 1_000_000_000 => format!("{:.1}Gbps", b as f64 / 1e9),
        Some(b) if b >= 1_000_000 => format!("{:.1}Mbps", b as f64 / 1e6),
        Some(b) if b >= 1_000 => format!("{:.1}Kbps", b as f64 / 1e3),
        Some(b) => format!("{b}bps"),
    }
}

/// The table's continuation line for tcp_info: rtt/rttvar, cwnd, mss, retransmits now and in
/// all, bytes sent and received, the algorithm; with `extended`, the rest.
pub fn write_info_line(w: &mut dyn io::Write, i: &TcpInfo, extended: bool) -> io::Result<()> {
    write!(
        w,
        "    rtt {}/{}ms cwnd {} mss {} retrans {}/{} bytes sent {} recv {} {}",
        Ms(i.rtt_us),
        Ms(i.rttvar_us),
        Known(i.cwnd),
        Known(i.mss),
        Known(i.retrans),
        Known(i.total_retrans),
        Known(i.bytes_sent),
        Known(i.bytes_received),
        i.congestion.as_deref().unwrap_or("-"),
    )?;
    if !extended {
        return w.write_all(b"\n");
    }
    {
        writeln!(
            w,
            "\n    rto {}ms minrtt {}ms ssthresh {} pmtu {} rcvmss {} lost {} unacked {} sacked {} \
             retrans-bytes {} ooo-recv {} segs out/in {}/{} delivery {} pacing {} last send/recv/ack {}/{}/{}ms \
             busy {}ms rwnd-limited {}ms sndbuf-limited {}ms{}{}{}{}",
            ms(i.rto_us),
            ms(i.min_rtt_us),
            // The kernel's "no threshold yet" (0x7fffffff) is shown as ss shows it: not at all.
            n(i.ssthresh.filter(|&t| t != 0x7fff_ffff)),
            n(i.pmtu),
            n(i.rcv_mss),
            n(i.lost),
            n(i.unacked),
            n(i.sacked),
            n(i.bytes_retrans),
            n(i.rcv_ooopack),
            n(i.segs_out),
            n(i.segs_in),
            rate(i.delivery_rate_bps),
            rate(i.pacing_rate_bps),
            n(i.last_send_ms),
            n(i.last_recv_ms),
            n(i.last_ack_ms),
            n(i.busy_ms),
            n(i.rwnd_limited_ms),
            n(i.sndbuf_limited_ms),
            if i.app_limited == Some(true) {
                " app-limited"
            } else {
                ""
            },
            if i.timestamps == Some(true) {
                " ts"
            } else {
                ""
            },
            if i.sack == Some(true) { " sack" } else { "" },
            if i.ecn == Some(true) { " ecn" } else { "" },
        )
    }
}

/// The table's continuation line for the socket's memory, written straight to `w` (no
/// string per field: `list -m` writes one per socket). A listener's line starts with its
/// accept queue against its backlog limit and its drops (`sk_drops`: every connection request
/// dropped on that socket, accept-queue overflows among them), the question `list -l -m`
/// answers: which listener drops.
pub fn write_memory_line(w: &mut dyn io::Write, s: &Socket, m: &SocketMemory) -> io::Result<()> {
    let mut num = itoa::Buffer::new();
    let mut put = |w: &mut dyn io::Write, word: &[u8], v: Option<u32>| -> io::Result<()> {
        w.write_all(word)?;
        match v {
            Some(v) => w.write_all(num.format(v).as_bytes()),
            None => w.write_all(b"-"),
        }
    };
    if s.state == TcpState::Listen {
        put(w, b"    listen accept-queue ", s.recv_q)?;
        put(w, b"/", s.send_q)?;
        put(w, b" drops ", m.drops)?;
        w.write_all(b"; mem")?;
    } else {
        w.write_all(b"    mem")?;
    }
    put(w, b" rmem ", m.rmem_alloc)?;
    put(w, b"/", m.rcvbuf)?;
    put(w, b" wmem ", m.wmem_alloc)?;
    put(w, b"/", m.sndbuf)?;
    put(w, b" queued ", m.wmem_queued)?;
    put(w, b" fwd ", m.fwd_alloc)?;
    put(w, b" opt ", m.optmem)?;
    put(w, b" backlog ", m.backlog)?;
    put(w, b" drops ", m.drops)?;
    w.write_all(b"\n")
}

/// The `info` object.
pub fn info_value(i: &TcpInfo) -> Value {
    json!({
        "rtt_us": i.rtt_us, "rttvar_us": i.rttvar_us, "rto_us": i.rto_us,
        "min_rtt_us": i.min_rtt_us, "cwnd": i.cwnd, "ssthresh": i.ssthresh, "mss": i.mss,
        "rcv_mss": i.rcv_mss, "pmtu": i.pmtu, "snd_wscale": i.snd_wscale,
        "rcv_wscale": i.rcv_wscale, "retrans": i.retrans, "total_retrans": i.total_retrans,
        "rcv_ooopack": i.rcv_ooopack,
        "lost": i.lost, "unacked": i.unacked, "sacked": i.sacked, "bytes_sent": i.bytes_sent,
        "bytes_acked": i.bytes_acked, "bytes_received": i.bytes_received,
        "bytes_retrans": i.bytes_retrans, "segs_in": i.segs_in, "segs_out": i.segs_out,
        "delivery_rate_bps": i.delivery_rate_bps, "pacing_rate_bps": i.pacing_rate_bps,
        "last_send_ms": i.last_send_ms, "last_recv_ms": i.last_recv_ms,
        "last_ack_ms": i.last_ack_ms, "busy_ms": i.busy_ms,
        "rwnd_limited_ms": i.rwnd_limited_ms, "sndbuf_limited_ms": i.sndbuf_limited_ms,
        "app_limited": i.app_limited, "timestamps": i.timestamps, "sack": i.sack,
        "ecn": i.ecn, "congestion": i.congestion.as_deref(),
    })
}

/// The `memory` object.
pub fn memory_value(m: &SocketMemory) -> Value {
    json!({
        "rmem_alloc": m.rmem_alloc, "rcvbuf": m.rcvbuf, "wmem_alloc": m.wmem_alloc,
        "sndbuf": m.sndbuf, "fwd_alloc": m.fwd_alloc, "wmem_queued": m.wmem_queued,
        "optmem": m.optmem, "backlog": m.backlog, "drops": m.drops,
    })
}

/// CSV columns of `info`, in the order of `INFO_COLUMNS`.
pub const INFO_COLUMNS: [&str; 14] = [
    "rtt_us",
    "rttvar_us",
    "min_rtt_us",
    "cwnd",
    "ssthresh",
    "mss",
    "retrans",
    "total_retrans",
    "lost",
    "bytes_sent",
    "bytes_received",
    "bytes_retrans",
    "delivery_rate_bps",
    "congestion",
];

pub fn info_fields(i: Option<&TcpInfo>) -> Vec<String> {
    let e = |v: Option<String>| v.unwrap_or_default();
    let s = |v: Option<u32>| e(v.map(|v| v.to_string()));
    let l = |v: Option<u64>| e(v.map(|v| v.to_string()));
    match i {
        None => vec![String::new(); INFO_COLUMNS.len()],
        Some(i) => vec![
            s(i.rtt_us),
            s(i.rttvar_us),
            s(i.min_rtt_us),
            s(i.cwnd),
            s(i.ssthresh),
            s(i.mss),
            s(i.retrans),
            s(i.total_retrans),
            s(i.lost),
            l(i.bytes_sent),
            l(i.bytes_received),
            l(i.bytes_retrans),
            l(i.delivery_rate_bps),
            e(i.congestion.as_deref().map(str::to_string)),
        ],
    }
}

/// CSV columns of `memory`.
pub const MEMORY_COLUMNS: [&str; 9] = [
    "rmem_alloc",
    "rcvbuf",
    "wmem_alloc",
    "sndbuf",
    "fwd_alloc",
    "wmem_queued",
    "optmem",
    "backlog",
    "drops",
];

pub fn memory_fields(m: Option<&SocketMemory>) -> Vec<String> {
    let s = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    match m {
        None => vec![String::new(); MEMORY_COLUMNS.len()],
        Some(m) => vec![
            s(m.rmem_alloc),
            s(m.rcvbuf),
            s(m.wmem_alloc),
            s(m.sndbuf),
            s(m.fwd_alloc),
            s(m.wmem_queued),
            s(m.optmem),
            s(m.backlog),
            s(m.drops),
        ],
    }
}

//! Decoding `sock:inet_sock_set_state`: the field layout is read at run time from the
//! tracepoint's `format` file in tracefs (offsets and sizes differ between kernels and
//! architectures), and each raw record is decoded into a [`RawEvent`] — the socket pointer,
//! old and new state, family, addresses and ports — keeping only TCP (MPTCP and SCTP share the
//! tracepoint).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::format::EventFormat;
pub use super::format::{Field, FormatError};
use crate::socket::Family;
use crate::tcp::state::TcpState;

/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: u64 = 6;
const AF_INET: u64 = 2;
const AF_INET6: u64 = 10;

/// Where a socket's addresses sit in a tracepoint record: the layout that
/// `sock:inet_sock_set_state` and most `tcp:` tracepoints share (ports in host order, IPv4
/// and IPv6 addresses side by side, the family telling which to read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TupleLayout {
    pub sport: Field,
    pub dport: Field,
    pub family: Field,
    pub saddr: Field,
    pub daddr: Field,
    pub saddr_v6: Field,
    pub daddr_v6: Field,
}

impl TupleLayout {
    pub fn from_format(f: &EventFormat) -> Result<TupleLayout, FormatError> {
        Ok(TupleLayout {
            sport: f.field("sport", &[2], "2")?,
            dport: f.field("dport", &[2], "2")?,
            family: f.field("family", &[1, 2, 4], "1, 2 or 4")?,
            saddr: f.field("saddr", &[4], "4")?,
            daddr: f.field("daddr", &[4], "4")?,
            saddr_v6: f.field("saddr_v6", &[16], "16")?,
            daddr_v6: f.field("daddr_v6", &[16], "16")?,
        })
    }

    pub fn end(&self) -> usize {
        [
            self.sport,
            self.dport,
            self.family,
            self.saddr,
            self.daddr,
            self.saddr_v6,
            self.daddr_v6,
        ]
        .iter()
        .map(Field::end)
        .max()
        .unwrap_or(0)
    }

    /// The family, local and remote address of a record at least `end()` long; `None` for
    /// a family other than IPv4 or IPv6.
    #[inline]
    pub fn decode(&self, raw: &[u8]) -> Option<(Family, SocketAddr, SocketAddr)> {
        let (family, saddr, daddr) = match uint(raw, self.family) {
            AF_INET => (Family::V4, v4(raw, self.saddr), v4(raw, self.daddr)),
            AF_INET6 => (Family::V6, v6(raw, self.saddr_v6), v6(raw, self.daddr_v6)),
            _ => return None,
        };
        Some((
            family,
            SocketAddr::new(saddr, uint(raw, self.sport) as u16),
            SocketAddr::new(daddr, uint(raw, self.dport) as u16),
        ))
    }
}

/// The fields of `sock:inet_sock_set_state` this tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub skaddr: Field,
    pub oldstate: Field,
    pub newstate: Field,
    pub protocol: Field,
    pub tuple: TupleLayout,
    /// The shortest record that holds every field.
    pub min_len: usize,
}

/// Parse the `format` file of `sock:inet_sock_set_state` into the layout of the fields we
/// need.
pub fn parse_format(text: &str) -> Result<Layout, FormatError> {
    let f = EventFormat::parse("sock:inet_sock_set_state", text);
    let l = Layout {
        skaddr: f.field("skaddr", &[4, 8], "4 or 8")?,
        oldstate: f.field("oldstate", &[1, 2, 4], "1, 2 or 4")?,
        newstate: f.field("newstate", &[1, 2, 4], "1, 2 or 4")?,
        protocol: f.field("protocol", &[1, 2, 4], "1, 2 or 4")?,
        tuple: TupleLayout::from_format(&f)?,
        min_len: 0,
    };
    let min_len = [l.skaddr, l.oldstate, l.newstate, l.protocol]
        .iter()
        .map(Field::end)
        .max()
        .unwrap_or(0)
        .max(l.tuple.end());
    Ok(Layout { min_len, ..l })
}

/// One TCP state change as the kernel reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawEvent {
    /// CLOCK_MONOTONIC, nanoseconds.
    pub ts: u64,
    pub cpu: u32,
    /// The task that was on the CPU (often not the socket's owner).
    pub pid: u32,
    pub tid: u32,
    /// The kernel's socket pointer: identifies the socket for its lifetime.
    pub skaddr: u64,
    pub old: TcpState,
    pub new: TcpState,
    pub family: Family,
    pub local: SocketAddr,
    pub remote: SocketAddr,
}

/// What a raw record turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    Tcp(RawEvent),
    /// A retransmit, reset, drop or socket error (see `incident`).
    Incident(super::incident::RawIncident),
    /// MPTCP, SCTP or another protocol sharing the tracepoint.
    OtherProtocol,
    /// Too short, an unknown family or an unknown state number.
    Malformed,
}

/// An unsigned field of 1, 2, 4 or 8 bytes in host order; the record must hold it.
#[inline]
pub fn uint(raw: &[u8], f: Field) -> u64 {
    let b = &raw[f.offset..f.offset + f.size];
    match f.size {
        1 => u64::from(b[0]),
        2 => u64::from(u16::from_ne_bytes([b[0], b[1]])),
        4 => u64::from(u32::from_ne_bytes([b[0], b[1], b[2], b[3]])),
        _ => u64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
    }
}

/// A TCP state number.
#[inline]
pub fn state(raw: &[u8], f: Field) -> Option<TcpState> {
    u8::try_from(uint(raw, f))
        .ok()
        .and_then(TcpState::from_kernel)
}

#[inline]
fn v4(raw: &[u8], f: Field) -> IpAddr {
    let b = &raw[f.offset..f.offset + 4];
    IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
}

#[inline]
fn v6(raw: &[u8], f: Field) -> IpAddr {
    let mut a = [0u8; 16];
    a.copy_from_slice(&raw[f.offset..f.offset + 16]);
    IpAddr::V6(Ipv6Addr::from(a))
}

impl Layout {
    /// Decode one raw tracepoint record. Ports in the record are in host order.
    #[inline]
    pub fn decode(&self, raw: &[u8], ts: u64, cpu: u32, pid: u32, tid: u32) -> Decoded {
        if raw.len() < self.min_len {
            return Decoded::Malformed;
        }
        if uint(raw, self.protocol) != IPPROTO_TCP {
            return Decoded::OtherProtocol;
        }
        let Some((family, local, remote)) = self.tuple.decode(raw) else {
            return Decoded::Malformed;
        };
        let (Some(old), Some(new)) = (state(raw, self.oldstate), state(raw, self.newstate)) else {
            return Decoded::Malformed;
        };
        Decoded::Tcp(RawEvent {
            ts,
            cpu,
            pid,
            tid,
            skaddr: uint(raw, self.skaddr),
            old,
            new,
            family,
            local,
            remote,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The format file of Linux 6.x on x86_64.
    pub const FORMAT: &str = "name: inet_sock_set_state
ID: 2287
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:const void * skaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:int oldstate;\toffset:16;\tsize:4;\tsigned:1;
\tfield:int newstate;\toffset:20;\tsize:4;\tsigned:1;
\tfield:__u16 sport;\toffset:24;\tsize:2;\tsigned:0;
\tfield:__u16 dport;\toffset:26;\tsize:2;\tsigned:0;
\tfield:__u16 family;\toffset:28;\tsize:2;\tsigned:0;
\tfield:__u16 protocol;\toffset:30;\tsize:2;\tsigned:0;
\tfield:__u8 saddr[4];\toffset:32;\tsize:4;\tsigned:0;
\tfield:__u8 daddr[4];\toffset:36;\tsize:4;\tsigned:0;
\tfield:__u8 saddr_v6[16];\toffset:40;\tsize:16;\tsigned:0;
\tfield:__u8 daddr_v6[16];\toffset:56;\tsize:16;\tsigned:0;

print fmt: \"family=%s ...\"
";

    fn record(protocol: u16, family: u16, old: i32, new: i32) -> Vec<u8> {
        let mut r = vec![0u8; 72];
        r[8..16].copy_from_slice(&0xffff_8880_1234_5678u64.to_ne_bytes());
        r[16..20].copy_from_slice(&old.to_ne_bytes());
        r[20..24].copy_from_slice(&new.to_ne_bytes());
        r[24..26].copy_from_slice(&41000u16.to_ne_bytes());
        r[26..28].copy_from_slice(&8080u16.to_ne_bytes());
        r[28..30].copy_from_slice(&family.to_ne_bytes());
        r[30..32].copy_from_slice(&protocol.to_ne_bytes());
        r[32..36].copy_from_slice(&[127, 0, 0, 1]);
        r[36..40].copy_from_slice(&[127, 0, 0, 2]);
        r[40..56].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
        r[56..72].copy_from_slice(&"fe80::1".parse::<Ipv6Addr>().unwrap().octets());
        r
    }

    #[test]
    fn layout_from_format() {
        let l = parse_format(FORMAT).unwrap();
        assert_eq!(l.skaddr, Field { offset: 8, size: 8 });
        assert_eq!(
            l.tuple.saddr_v6,
            Field {
                offset: 40,
                size: 16
            }
        );
        assert_eq!(l.min_len, 72);
        let broken = FORMAT.replace("protocol", "proto");
        assert_eq!(
            parse_format(&broken),
            Err(FormatError::Missing {
                event: "sock:inet_sock_set_state",
                field: "protocol"
            })
        );
    }

    #[test]
    fn decodes_tcp_only() {
        let l = parse_format(FORMAT).unwrap();
        let Decoded::Tcp(e) = l.decode(&record(6, 2, 2, 1), 5, 1, 10, 11) else {
            panic!()
        };
        assert_eq!(e.skaddr, 0xffff_8880_1234_5678);
        assert_eq!((e.old, e.new), (TcpState::SynSent, TcpState::Established));
        assert_eq!(e.local, "127.0.0.1:41000".parse().unwrap());
        assert_eq!(e.remote, "127.0.0.2:8080".parse().unwrap());
        let Decoded::Tcp(e) = l.decode(&record(6, 10, 1, 4), 5, 1, 10, 11) else {
            panic!()
        };
        assert_eq!(e.family, Family::V6);
        assert_eq!(e.remote, "[fe80::1]:8080".parse().unwrap());
        assert_eq!(
            l.decode(&record(262, 2, 2, 1), 5, 1, 10, 11),
            Decoded::OtherProtocol
        );
        assert_eq!(
            l.decode(&record(6, 2, 2, 99), 5, 1, 10, 11),
            Decoded::Malformed
        );
        assert_eq!(l.decode(&[0u8; 20], 5, 1, 10, 11), Decoded::Malformed);
    }
}

//! Decoding the tracepoints that say why connections fail — `tcp:tcp_retransmit_skb`,
//! `tcp:tcp_retransmit_synack`, `tcp:tcp_send_reset`, `tcp:tcp_receive_reset`,
//! `skb:kfree_skb` and `sock:inet_sk_error_report` — into [`RawIncident`]s: the socket pointer
//! and addresses where the record carries them, and what happened (the socket's state, the
//! reset or drop reason number, the kernel code address of a drop, the error number). Layouts
//! come from each tracepoint's `format` file; fields older kernels lack are `None`, never 0.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::event::{IPPROTO_TCP, TupleLayout, state, uint};
use super::format::{EventFormat, Field, FormatError};
use crate::socket::Family;
use crate::tcp::state::TcpState;

/// `ETH_P_IP` and `ETH_P_IPV6`, as `skb:kfree_skb` records `skb->protocol` (host order).
pub const ETH_P_IP: u64 = 0x0800;
pub const ETH_P_IPV6: u64 = 0x86dd;

/// What happened, as the kernel said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawKind {
    /// A segment retransmitted; `err` is the result where the kernel records it (0 sent).
    Retransmit {
        state: Option<TcpState>,
        err: Option<i32>,
    },
    /// A listener retransmitted a SYN-ACK: the client has not completed the handshake.
    SynAckRetransmit,
    /// We sent a reset; `state` of the socket when there was one, `reason` where the kernel
    /// gives one (Linux 6.10+).
    ResetSent {
        state: Option<TcpState>,
        reason: Option<u32>,
    },
    /// The peer sent us a reset.
    ResetReceived,
    /// The kernel dropped a packet: where (a code address), why (a reason number, Linux
    /// 5.17+), and its ethertype.
    Drop {
        location: u64,
        reason: Option<u32>,
        ethertype: u16,
    },
    /// A socket reported an error (a positive errno: ECONNREFUSED, ETIMEDOUT …).
    SocketError { errno: i32 },
}

/// One incident as the kernel reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawIncident {
    /// CLOCK_MONOTONIC, nanoseconds.
    pub ts: u64,
    pub cpu: u32,
    pub pid: u32,
    pub tid: u32,
    /// The kernel's socket pointer, when the record names a socket.
    pub skaddr: Option<u64>,
    /// Family, local and remote address, when the record carries them.
    pub tuple: Option<(Family, SocketAddr, SocketAddr)>,
    pub kind: RawKind,
}

/// Where `tcp_send_reset` keeps its addresses: the shared tuple layout (before Linux 6.10),
/// or two `struct sockaddr_in6`-sized arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetAddrs {
    Tuple(TupleLayout),
    Sockaddr { saddr: Field, daddr: Field },
}

/// How to decode one of the incident tracepoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentLayout {
    Retransmit {
        skaddr: Field,
        state: Field,
        err: Option<Field>,
        tuple: TupleLayout,
    },
    SynAck {
        skaddr: Field,
        tuple: TupleLayout,
    },
    SendReset {
        skaddr: Field,
        state: Field,
        reason: Option<Field>,
        addrs: ResetAddrs,
    },
    ReceiveReset {
        skaddr: Field,
        tuple: TupleLayout,
    },
    Drop {
        location: Field,
        rx_sk: Option<Field>,
        protocol: Field,
        reason: Option<Field>,
    },
    Error {
        error: Field,
        protocol: Field,
        tuple: TupleLayout,
    },
}

const PTR: &[usize] = &[4, 8];
const INT: &[usize] = &[1, 2, 4];

impl IncidentLayout {
    /// The layout of the tracepoint `event` (`tcp:tcp_retransmit_skb` …) from its format.
    pub fn from_format(f: &EventFormat) -> Result<IncidentLayout, FormatError> {
        Ok(match f.event {
            "tcp:tcp_retransmit_skb" => IncidentLayout::Retransmit {
                skaddr: f.field("skaddr", PTR, "4 or 8")?,
                state: f.field("state", INT, "1, 2 or 4")?,
                err: f.optional("err", &[4], "4")?,
                tuple: TupleLayout::from_format(f)?,
            },
            "tcp:tcp_retransmit_synack" => IncidentLayout::SynAck {
                skaddr: f.field("skaddr", PTR, "4 or 8")?,
                tuple: TupleLayout::from_format(f)?,
            },
            "tcp:tcp_send_reset" => IncidentLayout::SendReset {
                skaddr: f.field("skaddr", PTR, "4 or 8")?,
                state: f.field("state", INT, "1, 2 or 4")?,
                reason: f.optional("reason", &[4], "4")?,
                addrs: if f.get("sport").is_some() {
                    ResetAddrs::Tuple(TupleLayout::from_format(f)?)
                } else {
                    ResetAddrs::Sockaddr {
                        saddr: f.field("saddr", &[28], "28")?,
                        daddr: f.field("daddr", &[28], "28")?,
                    }
                },
            },
            "tcp:tcp_receive_reset" => IncidentLayout::ReceiveReset {
                skaddr: f.field("skaddr", PTR, "4 or 8")?,
                tuple: TupleLayout::from_format(f)?,
            },
            "skb:kfree_skb" => IncidentLayout::Drop {
                location: f.field("location", PTR, "4 or 8")?,
                rx_sk: f.optional("rx_sk", PTR, "4 or 8")?,
                protocol: f.field("protocol", &[2], "2")?,
                reason: f.optional("reason", &[4], "4")?,
            },
            _ => IncidentLayout::Error {
                error: f.field("error", &[4], "4")?,
                protocol: f.field("protocol", INT, "1, 2 or 4")?,
                tuple: TupleLayout::from_format(f)?,
            },
        })
    }

    /// The shortest record that holds every field.
    pub fn min_len(&self) -> usize {
        let ends = |fs: &[Option<Field>]| fs.iter().flatten().map(Field::end).max().unwrap_or(0);
        match self {
            IncidentLayout::Retransmit {
                skaddr,
                state,
                err,
                tuple,
            } => ends(&[Some(*skaddr), Some(*state), *err]).max(tuple.end()),
            IncidentLayout::SynAck { skaddr, tuple }
            | IncidentLayout::ReceiveReset { skaddr, tuple } => skaddr.end().max(tuple.end()),
            IncidentLayout::SendReset {
                skaddr,
                state,
                reason,
                addrs,
            } => {
                let a = match addrs {
                    ResetAddrs::Tuple(t) => t.end(),
                    ResetAddrs::Sockaddr { saddr, daddr } => saddr.end().max(daddr.end()),
                };
                ends(&[Some(*skaddr), Some(*state), *reason]).max(a)
            }
            IncidentLayout::Drop {
                location,
                rx_sk,
                protocol,
                reason,
            } => ends(&[Some(*location), *rx_sk, Some(*protocol), *reason]),
            IncidentLayout::Error {
                error,
                protocol,
                tuple,
            } => error.end().max(protocol.end()).max(tuple.end()),
        }
    }

    /// Decode one record (at least `min_len()` long). `None`: not TCP (an error report of
    /// another protocol, a drop of neither IPv4 nor IPv6) or an unknown family.
    pub fn decode(&self, raw: &[u8], ts: u64, cpu: u32, pid: u32, tid: u32) -> Option<RawIncident> {
        let ptr = |f: Field| Some(uint(raw, f)).filter(|&p| p != 0);
        let (skaddr, tuple, kind) = match *self {
            IncidentLayout::Retransmit {
                skaddr,
                state: st,
                err,
                tuple,
            } => (
                ptr(skaddr),
                Some(tuple.decode(raw)?),
                RawKind::Retransmit {
                    state: state(raw, st),
                    err: err.map(|f| uint(raw, f) as u32 as i32),
                },
            ),
            IncidentLayout::SynAck { skaddr, tuple } => (
                ptr(skaddr),
                Some(tuple.decode(raw)?),
                RawKind::SynAckRetransmit,
            ),
            IncidentLayout::SendReset {
                skaddr,
                state: st,
                reason,
                addrs,
            } => {
                let tuple = match addrs {
                    ResetAddrs::Tuple(t) => t.decode(raw),
                    ResetAddrs::Sockaddr { saddr, daddr } => sockaddr(raw, saddr)
                        .zip(sockaddr(raw, daddr))
                        .and_then(|((fa, a), (fb, b))| (fa == fb).then_some((fa, a, b))),
                };
                (
                    ptr(skaddr),
                    tuple,
                    RawKind::ResetSent {
                        // 0 means the kernel had no full socket to read the state from.
                        state: Some(uint(raw, st))
                            .filter(|&s| s != 0)
                            .and_then(|_| state(raw, st)),
                        reason: reason.map(|f| uint(raw, f) as u32),
                    },
                )
            }
            IncidentLayout::ReceiveReset { skaddr, tuple } => (
                ptr(skaddr),
                Some(tuple.decode(raw)?),
                RawKind::ResetReceived,
            ),
            IncidentLayout::Drop {
                location,
                rx_sk,
                protocol,
                reason,
            } => {
                let ethertype = uint(raw, protocol);
                if ethertype != ETH_P_IP && ethertype != ETH_P_IPV6 {
                    return None;
                }
                (
                    rx_sk.and_then(ptr),
                    None,
                    RawKind::Drop {
                        location: uint(raw, location),
                        reason: reason.map(|f| uint(raw, f) as u32),
                        ethertype: ethertype as u16,
                    },
                )
            }
            IncidentLayout::Error {
                error,
                protocol,
                tuple,
            } => {
                if uint(raw, protocol) != IPPROTO_TCP {
                    return None;
                }
                (
                    None,
                    Some(tuple.decode(raw)?),
                    RawKind::SocketError {
                        errno: uint(raw, error) as u32 as i32,
                    },
                )
            }
        };
        Some(RawIncident {
            ts,
            cpu,
            pid,
            tid,
            skaddr,
            tuple,
            kind,
        })
    }
}

/// A `struct sockaddr_in` or `sockaddr_in6` as the kernel copied it into a record (family
/// in host order, port in network order).
fn sockaddr(raw: &[u8], f: Field) -> Option<(Family, SocketAddr)> {
    let b = raw.get(f.offset..f.offset + f.size)?;
    let family = u16::from_ne_bytes([b[0], b[1]]);
    let port = u16::from_be_bytes([b[2], b[3]]);
    match u64::from(family) {
        2 => Some((
            Family::V4,
            SocketAddr::new(IpAddr::V4(Ipv4Addr::new(b[4], b[5], b[6], b[7])), port),
        )),
        10 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b.get(8..24)?);
            Some((
                Family::V6,
                SocketAddr::new(IpAddr::V6(Ipv6Addr::from(a)), port),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEND_RESET_6_18: &str = "name: tcp_send_reset
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:const void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:const void * skaddr;\toffset:16;\tsize:8;\tsigned:0;
\tfield:int state;\toffset:24;\tsize:4;\tsigned:1;
\tfield:enum sk_rst_reason reason;\toffset:28;\tsize:4;\tsigned:0;
\tfield:__u8 saddr[28];\toffset:32;\tsize:28;\tsigned:0;
\tfield:__u8 daddr[28];\toffset:60;\tsize:28;\tsigned:0;

print fmt: \"state=%s reason=%s\", __print_symbolic(REC->reason, { 0, \"NOT_SPECIFIED\" }, { 1, \"NO_SOCKET\" })
";

    #[test]
    fn send_reset_with_sockaddrs() {
        let f = EventFormat::parse("tcp:tcp_send_reset", SEND_RESET_6_18);
        let l = IncidentLayout::from_format(&f).unwrap();
        assert_eq!(l.min_len(), 88);
        let mut r = vec![0u8; 88];
        r[28..32].copy_from_slice(&1u32.to_ne_bytes());
        r[32..34].copy_from_slice(&2u16.to_ne_bytes());
        r[34..36].copy_from_slice(&8080u16.to_be_bytes());
        r[36..40].copy_from_slice(&[10, 0, 0, 1]);
        r[60..62].copy_from_slice(&2u16.to_ne_bytes());
        r[62..64].copy_from_slice(&40000u16.to_be_bytes());
        r[64..68].copy_from_slice(&[10, 0, 0, 2]);
        let i = l.decode(&r, 1, 0, 0, 0).unwrap();
        assert_eq!(i.skaddr, None);
        assert_eq!(
            i.tuple,
            Some((
                Family::V4,
                "10.0.0.1:8080".parse().unwrap(),
                "10.0.0.2:40000".parse().unwrap()
            ))
        );
        assert_eq!(
            i.kind,
            RawKind::ResetSent {
                state: None,
                reason: Some(1)
            }
        );
        // Families that disagree leave the tuple unknown.
        r[60..62].copy_from_slice(&10u16.to_ne_bytes());
        assert_eq!(l.decode(&r, 1, 0, 0, 0).unwrap().tuple, None);
    }

    #[test]
    fn drops_keep_ip_only() {
        let text = "name: kfree_skb
format:
\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:void * location;\toffset:16;\tsize:8;\tsigned:0;
\tfield:unsigned short protocol;\toffset:24;\tsize:2;\tsigned:0;
";
        let f = EventFormat::parse("skb:kfree_skb", text);
        let l = IncidentLayout::from_format(&f).unwrap();
        let mut r = vec![0u8; l.min_len()];
        r[16..24].copy_from_slice(&0xffff_ffff_8100_0000u64.to_ne_bytes());
        r[24..26].copy_from_slice(&0x0806u16.to_ne_bytes());
        assert_eq!(l.decode(&r, 1, 0, 0, 0), None);
        r[24..26].copy_from_slice(&0x86ddu16.to_ne_bytes());
        let i = l.decode(&r, 1, 0, 0, 0).unwrap();
        // An old kernel: no reason and no socket, unknown rather than 0.
        assert_eq!(
            i.kind,
            RawKind::Drop {
                location: 0xffff_ffff_8100_0000,
                reason: None,
                ethertype: 0x86dd
            }
        );
        assert_eq!((i.skaddr, i.tuple), (None, None));
    }
}

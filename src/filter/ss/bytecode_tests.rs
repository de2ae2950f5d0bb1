//! The compiler against the evaluator: a model of the kernel's bytecode audit and run
//! (net/ipv4/inet_diag.c, written from its documented behaviour) executes the compiled
//! program on random sockets and must agree with the evaluator on random expressions.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;

use super::*;
use crate::filter::ss::eval;
use crate::socket::{Endpoint, Family, Socket};
use crate::tcp::state::TcpState;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_ne_bytes([b[at], b[at + 1]])
}

/// The kernel's check of a program: every op reachable along `yes`, jumps on op boundaries
/// or to the end or 4 past it.
fn audit(bc: &[u8]) -> bool {
    let boundaries = {
        let mut v = Vec::new();
        let mut at = 0usize;
        while at + 4 <= bc.len() {
            v.push(bc.len() - at);
            at += usize::from(bc[at + 1]).max(1);
        }
        v
    };
    let mut at = 0usize;
    let mut len = bc.len() as isize;
    while len > 0 {
        if at + 4 > bc.len() {
            return false;
        }
        let code = bc[at];
        let min_len: usize = match code {
            S_COND | D_COND => {
                let fam = bc[at + 4];
                let alen = match fam {
                    AF_UNSPEC => 0,
                    AF_INET => 4,
                    AF_INET6 => 16,
                    _ => return false,
                };
                if bc[at + 5] as usize > alen * 8 {
                    return false;
                }
                12 + alen
            }
            S_GE | S_LE | D_GE | D_LE | DEV_COND => 8,
            MARK_COND | CGROUP_COND => 12,
            AUTO | JMP | NOP => 4,
            _ => return false,
        };
        if min_len as isize > len {
            return false;
        }
        let yes = isize::from(bc[at + 1]);
        let no = u16_at(bc, at + 2) as isize;
        if code != NOP {
            if no < min_len as isize || no > len + 4 || no & 3 != 0 {
                return false;
            }
            if no < len && !boundaries.contains(&((len - no) as usize)) {
                return false;
            }
        }
        if yes < min_len as isize || yes > len + 4 || yes & 3 != 0 {
            return false;
        }
        at += yes as usize;
        len -= yes;
    }
    len == 0
}

fn hostcond_holds(bc: &[u8], at: usize, family: Family, e: &Endpoint) -> bool {
    let fam = bc[at + 4];
    let plen = bc[at + 5];
    let port = i32::from_ne_bytes([bc[at + 8], bc[at + 9], bc[at + 10], bc[at + 11]]);
    if port != -1 && Some(port) != e.port.map(i32::from) {
        return false;
    }
    let addr: Vec<u8> = match e.ip {
        Some(IpAddr::V4(a)) => a.octets().to_vec(),
        Some(IpAddr::V6(a)) => a.octets().to_vec(),
        None => return false,
    };
    let entry_fam = match family {
        Family::V4 => AF_INET,
        Family::V6 => AF_INET6,
    };
    let bits = |a: &[u8], c: &[u8], n: u8| {
        (0..usize::from(n)).all(|i| (a[i / 8] >> (7 - i % 8)) & 1 == (c[i / 8] >> (7 - i % 8)) & 1)
    };
    let cond = &bc[at + 12..];
    if fam != AF_UNSPEC && fam != entry_fam {
        if entry_fam == AF_INET6
            && fam == AF_INET
            && addr[..10].iter().all(|&b| b == 0)
            && addr[10..12] == [0xff, 0xff]
        {
            return bits(&addr[12..], cond, plen);
        }
        return false;
    }
    plen == 0 || bits(&addr, cond, plen)
}

/// Run a program on a socket as the kernel does.
fn run(bc: &[u8], s: &Socket) -> bool {
    let mut at = 0usize;
    let mut len = bc.len() as isize;
    while len > 0 {
        let code = bc[at];
        let arg = || u16_at(bc, at + 6);
        let port = |e: &Endpoint| e.port.unwrap_or(0);
        let yes = match code {
            NOP => true,
            JMP => false,
            S_COND => hostcond_holds(bc, at, s.family, &s.local),
            D_COND => hostcond_holds(bc, at, s.family, &s.remote),
            S_GE => port(&s.local) >= arg(),
            S_LE => port(&s.local) <= arg(),
            D_GE => port(&s.remote) >= arg(),
            D_LE => port(&s.remote) <= arg(),
            _ => panic!("op {code} not modelled"),
        };
        let step = if yes {
            isize::from(bc[at + 1])
        } else {
            u16_at(bc, at + 2) as isize
        };
        len -= step;
        at = at.wrapping_add(step as usize);
    }
    len == 0
}

fn ip_strategy() -> impl Strategy<Value = (Family, IpAddr)> {
    prop_oneof![
        (0u8..4, 0u8..4).prop_map(|(a, b)| (Family::V4, IpAddr::V4(Ipv4Addr::new(10, a, b, 1)))),
        (0u8..4).prop_map(|a| (
            Family::V6,
            IpAddr::V6(Ipv4Addr::new(10, a, 0, 1).to_ipv6_mapped())
        )),
        (0u16..4).prop_map(|a| (
            Family::V6,
            IpAddr::V6(Ipv6Addr::new(0xfd00, a, 0, 0, 0, 0, 0, 1))
        )),
    ]
}

fn socket_strategy() -> impl Strategy<Value = Socket> {
    (ip_strategy(), 0u16..6, 0u16..6, 0u8..4, 0u8..4).prop_map(|((fam, lip), lp, rp, r1, r2)| {
        let rip = match fam {
            Family::V4 => IpAddr::V4(Ipv4Addr::new(10, r1, r2, 9)),
            Family::V6 if r1 % 2 == 0 => IpAddr::V6(Ipv4Addr::new(10, r1, r2, 9).to_ipv6_mapped()),
            Family::V6 => IpAddr::V6(Ipv6Addr::new(0xfd00, u16::from(r2), 0, 0, 0, 0, 0, 9)),
        };
        Socket::new(
            fam,
            TcpState::Established,
            Endpoint::new(lip, 8000 + lp),
            Endpoint::new(rip, 8000 + rp),
        )
    })
}

fn cond_strategy() -> impl Strategy<Value = Cond> {
    let side = prop_oneof![Just(Side::Local), Just(Side::Remote)];
    let net = prop_oneof![
        Just(None),
        (
            0u8..4,
            prop_oneof![Just(0u8), Just(8), Just(16), Just(24), Just(32), Just(13)]
        )
            .prop_map(|(a, l)| Some((IpAddr::V4(Ipv4Addr::new(10, a, 0, 0)), l))),
        (
            0u8..4,
            prop_oneof![Just(96u8), Just(104), Just(128), Just(0)]
        )
            .prop_map(|(a, l)| Some((IpAddr::V6(Ipv4Addr::new(10, a, 0, 1).to_ipv6_mapped()), l))),
        (0u16..4, prop_oneof![Just(16u8), Just(32), Just(128)])
            .prop_map(|(a, l)| Some((IpAddr::V6(Ipv6Addr::new(0xfd00, a, 0, 0, 0, 0, 0, 0)), l))),
    ];
    let port = prop_oneof![Just(None), (8000u16..8006).prop_map(Some)];
    prop_oneof![
        (side.clone(), net, port).prop_map(|(s, net, port)| Cond::Host(s, HostCond { net, port })),
        (side.clone(), 8000u16..8006).prop_map(|(s, p)| Cond::PortGe(s, p)),
        (side, 8000u16..8006).prop_map(|(s, p)| Cond::PortLe(s, p)),
    ]
}

fn expr_strategy() -> impl Strategy<Value = Expr> {
    cond_strategy()
        .prop_map(Expr::Cond)
        .prop_recursive(5, 40, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(Expr::negate),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::and(a, b)),
                (inner.clone(), inner).prop_map(|(a, b)| Expr::or(a, b)),
            ]
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn compiled_programs_pass_the_audit_and_agree_with_the_evaluator(
        e in expr_strategy(),
        socks in proptest::collection::vec(socket_strategy(), 8),
    ) {
        let bc = compile(&e).expect("small programs compile");
        prop_assert!(audit(&bc), "audit refused {:?} for {:?}", bc, e);
        for s in &socks {
            prop_assert_eq!(run(&bc, s), eval::matches(&e, s).expect("decidable"),
                "{:?} on {:?}", e, s);
        }
    }
}

#[test]
fn the_audit_model_refuses_bad_jumps() {
    // A JMP whose `no` lands inside the next op, and one past end + 4.
    let good = compile(&Expr::negate(Expr::Cond(Cond::PortGe(Side::Local, 80)))).unwrap();
    assert!(audit(&good));
    let mut bad = good.clone();
    bad[2..4].copy_from_slice(&6u16.to_ne_bytes());
    assert!(!audit(&bad));
    let mut far = good.clone();
    let n = (good.len() + 8) as u16;
    far[2..4].copy_from_slice(&n.to_ne_bytes());
    assert!(!audit(&far));
}

#[test]
fn not_and_or_layouts() {
    // not(sport >= 80): S_GE (8 bytes) failing jumps past the JMP to the end (accept);
    // holding falls into the JMP, which rejects (4 past the end).
    let bc = compile(&Expr::negate(Expr::Cond(Cond::PortGe(Side::Local, 80)))).unwrap();
    assert_eq!(bc.len(), 12);
    assert_eq!((bc[0], bc[1], u16_at(&bc, 2)), (S_GE, 8, 12));
    assert_eq!((bc[8], bc[9], u16_at(&bc, 10)), (JMP, 4, 8));
}

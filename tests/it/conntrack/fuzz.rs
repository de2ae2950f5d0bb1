//! Bounded fuzzing of the conntrack and IPVS text parsers and of the ctnetlink entry decoder
//! (proptest, 256 cases per property): arbitrary text, token soups of the words their lines
//! are made of, and every entry the domain can hold written as a line and read back exactly.
//! Nothing may panic; a line is an entry, not one, or an error with a reason.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;
use tcpstate::conntrack::{CtEntry, CtState, CtTuple};
use tcpstate::source::conntrack::{ctnetlink, text};
use tcpstate::source::ipvs;

const WORDS: &[&str] = &[
    "ipv4",
    "ipv6",
    "2",
    "10",
    "tcp",
    "udp",
    "6",
    "17",
    "431999",
    "ESTABLISHED",
    "TIME_WAIT",
    "SYN_SENT2",
    "src=10.0.0.1",
    "dst=::1",
    "sport=80",
    "dport=65535",
    "sport=70000",
    "[ASSURED]",
    "[UNREPLIED]",
    "mark=0",
    "zone=3",
    "use=1",
    "packets=1",
    "bytes=9",
    "=",
    "[",
    "TCP",
    "C0000201",
    "1388",
    "0050",
    "14:59",
    "10.0.0.2:80",
    "[fd00::1]:443",
    "SYNACK",
];

fn addr() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|n| IpAddr::V4(Ipv4Addr::from(n))),
        any::<u128>().prop_map(|n| IpAddr::V6(Ipv6Addr::from(n))),
    ]
}

fn entry() -> impl Strategy<Value = CtEntry> {
    (
        0usize..10,
        proptest::bool::ANY,
        (addr(), addr(), any::<u16>(), any::<u16>()),
        (any::<u16>(), any::<u16>()),
        (
            any::<u32>(),
            proptest::option::of(any::<u32>()),
            any::<u16>(),
        ),
        (proptest::bool::ANY, proptest::bool::ANY),
    )
        .prop_map(
            |(s, v4, (a, b, sp, dp), (rsp, rdp), (t, mark, zone), (assured, unreplied))| {
                let fam = |ip: IpAddr| match (v4, ip) {
                    (true, IpAddr::V6(x)) => IpAddr::V4(Ipv4Addr::from(x.to_bits() as u32)),
                    (false, IpAddr::V4(x)) => IpAddr::V6(x.to_ipv6_compatible()),
                    (_, ip) => ip,
                };
                let (a, b) = (fam(a), fam(b));
                CtEntry {
                    state: CtState::ALL[s],
                    orig: CtTuple {
                        src: a,
                        dst: b,
                        sport: sp,
                        dport: dp,
                    },
                    reply: CtTuple {
                        src: b,
                        dst: a,
                        sport: rsp,
                        dport: rdp,
                    },
                    timeout: Some(t),
                    mark,
                    zone,
                    assured,
                    unreplied,
                }
            },
        )
}

/// An entry as the kernel writes it in /proc/net/nf_conntrack.
fn proc_line(e: &CtEntry) -> String {
    let fam = if e.is_v4() {
        "ipv4     2"
    } else {
        "ipv6     10"
    };
    let t = |t: &CtTuple| {
        format!(
            "src={} dst={} sport={} dport={}",
            t.src, t.dst, t.sport, t.dport
        )
    };
    format!(
        "{fam} tcp      6 {} {} {}{} {}{}{} zone={} use=2\n",
        e.timeout.unwrap_or(0),
        e.state,
        t(&e.orig),
        if e.unreplied { " [UNREPLIED]" } else { "" },
        t(&e.reply),
        if e.assured { " [ASSURED]" } else { "" },
        e.mark.map_or(String::new(), |m| format!(" mark={m}")),
        e.zone
    )
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(s in ".{0,200}") {
        let _ = text::parse_line(&s);
        let _ = ipvs::parse_line(&s);
    }

    #[test]
    fn token_soups_never_panic(idx in proptest::collection::vec(0..WORDS.len(), 0..24)) {
        let line: Vec<&str> = idx.iter().map(|&i| WORDS[i]).collect();
        let line = line.join(" ");
        let _ = text::parse_line(&line);
        let _ = ipvs::parse_line(&line);
    }

    #[test]
    fn every_entry_reads_back_exactly(e in entry()) {
        let line = proc_line(&e);
        prop_assert_eq!(text::parse_line(&line), Ok(text::Line::Tcp(e.clone())));
        // `conntrack -L` writes the same without the family columns.
        let tool = format!("tcp {}", line.split_once(" tcp ").map_or("", |x| x.1));
        prop_assert_eq!(text::parse_line(&tool), Ok(text::Line::Tcp(e)));
    }

    #[test]
    fn arbitrary_netlink_attributes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = ctnetlink::entry(&b);
    }
}

//! The hand-made captures (tools that do not exist on a Linux build host, localised and
//! pasted output; see fixtures/captures/gen/make-handmade.py) read through the library API:
//! detected format, exact per-state counts, families and unread lines for each, and the saved
//! summaries, which carry counts rather than sockets.

use crate::common;

use tcpstate::source::capture::{CaptureSource, InputFormat};
use tcpstate::source::{Query, Report, Source};
use tcpstate::{Flow, Socket, StateSet, TcpState};

use TcpState::*;
use common::capture::{LINUX, Tally, fixture, map, run, run_file, unread_lines};

struct Case {
    file: &'static str,
    format: InputFormat,
    counts: &'static [(TcpState, u64)],
    families: [u64; 2],
    unread: &'static [u64],
}

const HANDMADE: &[Case] = &[
    Case {
        file: "netstat-1.60-rhel5.txt",
        format: InputFormat::Netstat,
        counts: &[
            (Listen, 5),
            (Established, 6),
            (TimeWait, 7),
            (CloseWait, 1),
            (FinWait2, 1),
            (SynRecv, 1),
            (LastAck, 1),
            (SynSent, 1),
        ],
        families: [4, 19],
        unread: &[],
    },
    Case {
        file: "netstat-de_DE.txt",
        format: InputFormat::Netstat,
        counts: &[(Listen, 3), (Established, 4), (CloseWait, 1), (TimeWait, 2)],
        families: [9, 1],
        unread: &[],
    },
    Case {
        file: "netstat-zh_CN-timers.txt",
        format: InputFormat::Netstat,
        counts: &[(Listen, 2), (Established, 2), (TimeWait, 1), (FinWait1, 1)],
        families: [6, 0],
        unread: &[],
    },
    Case {
        file: "netstat-resolved.txt",
        format: InputFormat::Netstat,
        counts: &[(Listen, 5), (Established, 3), (TimeWait, 1), (CloseWait, 1)],
        families: [8, 2],
        unread: &[],
    },
    Case {
        file: "netstat-W-eo.txt",
        format: InputFormat::Netstat,
        counts: &[(Established, 2), (TimeWait, 1), (Listen, 1), (SynRecv, 1)],
        families: [1, 4],
        unread: &[],
    },
    Case {
        file: "netstat-pasted-two.txt",
        format: InputFormat::Netstat,
        // Line 13 (`tcp 0 0 ... ESTABLISHED`) has its addresses redacted: it counts.
        counts: &[(Listen, 3), (Established, 4), (TimeWait, 3), (CloseWait, 1)],
        families: [10, 1],
        unread: &[],
    },
    Case {
        file: "netstat-truncated.txt",
        format: InputFormat::Netstat,
        counts: &[(Listen, 1), (Established, 2), (SynRecv, 1)],
        families: [4, 0],
        unread: &[8],
    },
    Case {
        file: "ss-old-t.txt",
        format: InputFormat::Ss,
        counts: &[
            (Listen, 3),
            (Established, 2),
            (TimeWait, 2),
            (SynRecv, 1),
            (CloseWait, 1),
            (Close, 1),
        ],
        families: [8, 2],
        unread: &[],
    },
    Case {
        file: "ss-wide-tuanpeo.txt",
        format: InputFormat::Ss,
        counts: &[
            (Listen, 3),
            (Established, 2),
            (FinWait2, 1),
            (TimeWait, 1),
            (SynSent, 1),
            (LastAck, 1),
            (Closing, 1),
        ],
        families: [7, 3],
        unread: &[14],
    },
    Case {
        file: "ss-tanm.txt",
        format: InputFormat::Ss,
        counts: &[(Listen, 1), (Established, 2), (TimeWait, 1)],
        families: [4, 0],
        unread: &[],
    },
    Case {
        file: "proc-net-tcp-pasted.txt",
        format: InputFormat::Proc,
        counts: &[
            (Listen, 2),
            (Established, 2),
            (TimeWait, 1),
            (CloseWait, 1),
            (SynRecv, 1),
        ],
        families: [3, 4],
        unread: &[10],
    },
    Case {
        file: "freebsd-netstat-an.txt",
        format: InputFormat::Bsd,
        counts: &[
            (Established, 1),
            (TimeWait, 1),
            (FinWait2, 1),
            (SynRecv, 1),
            (FinWait1, 1),
            (Closing, 1),
            (LastAck, 1),
            (Listen, 4),
            (CloseWait, 1),
        ],
        families: [9, 3],
        unread: &[],
    },
    Case {
        file: "macos-netstat-anv.txt",
        format: InputFormat::Bsd,
        counts: &[(Established, 3), (TimeWait, 1), (Listen, 2), (SynSent, 1)],
        families: [5, 2],
        unread: &[],
    },
    Case {
        file: "macos-netstat-an.txt",
        format: InputFormat::Bsd,
        counts: &[(Established, 1), (Listen, 2)],
        families: [2, 1],
        unread: &[],
    },
    Case {
        file: "windows-netstat-an.txt",
        format: InputFormat::Windows,
        counts: &[
            (Listen, 3),
            (Established, 3),
            (TimeWait, 1),
            (CloseWait, 1),
            (SynSent, 1),
        ],
        families: [6, 3],
        unread: &[],
    },
    Case {
        file: "windows-netstat-ano.txt",
        format: InputFormat::Windows,
        counts: &[
            (Listen, 3),
            (Established, 2),
            (TimeWait, 2),
            (FinWait2, 1),
            (FinWait1, 1),
            (LastAck, 1),
            (SynRecv, 1),
        ],
        families: [9, 2],
        unread: &[],
    },
    Case {
        file: "windows-netstat-ano-zh-CN.txt",
        format: InputFormat::Windows,
        counts: &[(Listen, 3), (Established, 1), (CloseWait, 1), (TimeWait, 1)],
        families: [5, 1],
        unread: &[],
    },
    Case {
        file: "windows-netstat-ano-zh-CN-gbk.txt",
        format: InputFormat::Windows,
        counts: &[(Listen, 3), (Established, 1), (CloseWait, 1), (TimeWait, 1)],
        families: [5, 1],
        unread: &[],
    },
];

#[test]
fn handmade_captures_give_their_counts() {
    for c in HANDMADE {
        let mut src = CaptureSource::open(fixture(&format!("handmade/{}", c.file)));
        assert_eq!(src.format().unwrap(), c.format, "{}", c.file);
        let (t, r) = run(src);
        assert_eq!(t.states, map(c.counts), "{}", c.file);
        assert_eq!(t.families, c.families, "{}", c.file);
        assert_eq!(unread_lines(&r), c.unread, "{}: {:?}", c.file, r.unread);
        for u in &r.unread {
            assert!(u.file.ends_with(c.file), "{u:?}");
            assert!(!u.why.is_empty());
        }
    }
}

#[test]
fn handmade_details() {
    let (t, r) = run_file("handmade/netstat-truncated.txt");
    assert_eq!(r.unread[0].why, "the row ends before its State column");
    assert_eq!(t.sockets.len(), 4);
    let (t, _) = run_file("handmade/netstat-resolved.txt");
    let named = t
        .sockets
        .iter()
        .find(|s| s.local.name.as_deref() == Some("SYSLP230.domain.n:51641"))
        .unwrap();
    assert_eq!((named.local.ip, named.local.port), (None, Some(51641)));
    assert_eq!(
        named.remote.name.as_deref(),
        Some("lb-192-30-255-112:https")
    );
    let (t, _) = run_file("handmade/netstat-zh_CN-timers.txt");
    let ka = t
        .sockets
        .iter()
        .find(|s| s.timer.map(|t| t.kind) == Some(tcpstate::TimerKind::Keepalive))
        .unwrap();
    assert_eq!(ka.timer.map(|t| t.expires_ms), Some(6_580_480));
    let (t, _) = run_file("handmade/netstat-1.60-rhel5.txt");
    let mapped = t.sockets.iter().find(|s| s.state == CloseWait).unwrap();
    assert_eq!(
        mapped.remote.canonical_ip(),
        Some("10.1.2.70".parse().unwrap())
    );
    let (_, r) = run_file("handmade/ss-wide-tuanpeo.txt");
    assert!(r.unread[0].why.contains("UNKNOWN"), "{:?}", r.unread);
    let (_, r) = run_file("handmade/macos-netstat-an.txt");
    assert!(
        // FreeBSD's `netstat -n` prints the same title: the notice does not say it is macOS.
        r.notices
            .iter()
            .any(|n| n.contains("shows no TIME_WAIT") && n.contains("if it comes from macOS")),
        "{:?}",
        r.notices
    );
    let (_, r) = run_file("handmade/macos-netstat-anv.txt");
    assert!(r.notices.is_empty());
}

fn counts_of(mut src: CaptureSource) -> (Tally, Report) {
    let mut t = Tally::default();
    let r = src.run(&Query::default(), &mut t).unwrap();
    (t, r)
}

#[test]
fn summaries_are_counts_not_sockets() {
    let f = fixture("handmade/summary-lvs-director.txt");
    let mut src = CaptureSource::open(&f);
    assert!(src.holds_summary().unwrap());
    // A sink that can only list refuses the counts, naming the file and the line.
    let mut listing = |_: &Socket| Flow::Continue;
    let err = src.run(&Query::default(), &mut listing).unwrap_err();
    let said = err.to_string();
    assert!(
        said.starts_with(&format!("{}:", f.display()))
            && said.contains("a saved summary line (counts per state, no sockets)"),
        "{said}"
    );
    let (t, r) = counts_of(CaptureSource::open(&f));
    assert_eq!(
        t.states,
        map(&[
            (TimeWait, 9137),
            (Established, 597),
            (FinWait1, 547),
            (CloseWait, 207),
            (FinWait2, 74),
            (SynRecv, 70),
            (Closing, 55),
            (LastAck, 8)
        ])
    );
    assert_eq!(r.sockets, 10_695);
    assert!(t.sockets.is_empty());

    let (t, r) = counts_of(CaptureSource::open(fixture("handmade/summary-uniq-c.txt")));
    assert_eq!(
        t.states,
        map(&[
            (Established, 412),
            (Listen, 3),
            (TimeWait, 1870),
            (CloseWait, 21),
            (SynRecv, 2),
            (FinWait1, 5)
        ])
    );
    assert_eq!(unread_lines(&r), [10]);

    // Sockets and counts go through the same run.
    let (t, _) = counts_of(CaptureSource::open(fixture("linux/ss-tan.txt")));
    assert_eq!(t.states, map(LINUX));
    // A query narrows counts as it narrows sockets.
    let mut t = Tally::default();
    let q = Query {
        states: StateSet::of(&[TimeWait]),
        ..Query::default()
    };
    CaptureSource::open(&f).run(&q, &mut t).unwrap();
    assert_eq!(t.states, map(&[(TimeWait, 9137)]));
}

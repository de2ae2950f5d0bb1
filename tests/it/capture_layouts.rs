//! Issue 19's capture layouts (fixtures written by fixtures/captures/gen/make-layouts.py from
//! the documented formats): localised net-tools and Windows listings, BSD `-A`/`-P`, macOS
//! `-A -b`, HP-UX/OpenBSD, Solaris 11, BusyBox, Windows `-b`/`-t`/`Select-String`, PowerShell
//! `Get-NetTCPConnection` in both forms, and an e-mailed `ss -a`; each is detected, counted per
//! state exactly, and listed. Then the silent zeros: files whose TCP-looking rows no layout
//! places end with one sentence naming file:line and a non-zero exit, and in a run over
//! several captures the others are still shown.

use predicates::prelude::*;

use crate::common;

use tcpstate::TcpState;
use tcpstate::source::capture::{CaptureSource, InputFormat};
use tcpstate::source::{Query, Source};

use crate::common::tcpstate;
use TcpState::*;
use common::capture::{fixture, map, run, unread_lines};

struct Layout {
    file: &'static str,
    format: InputFormat,
    counts: &'static [(TcpState, u64)],
}

/// The EXPECTED lines make-layouts.py prints.
const LAYOUTS: &[Layout] = &[
    Layout {
        file: "netstat-pt_BR-nonroot.txt",
        format: InputFormat::Netstat,
        counts: &[
            (Listen, 2),
            (Established, 2),
            (CloseWait, 1),
            (TimeWait, 1),
            (FinWait2, 1),
            (LastAck, 1),
        ],
    },
    Layout {
        file: "netstat-pt_BR-latin1.txt",
        format: InputFormat::Netstat,
        counts: &[
            (Listen, 2),
            (Established, 2),
            (CloseWait, 1),
            (TimeWait, 1),
            (FinWait2, 1),
            (LastAck, 1),
        ],
    },
    Layout {
        file: "netstat-fr_FR-e.txt",
        format: InputFormat::Netstat,
        counts: &[(Listen, 1), (Established, 1), (TimeWait, 1)],
    },
    Layout {
        file: "windows-netstat-ano-de-DE.txt",
        format: InputFormat::Windows,
        counts: &[
            (Listen, 3),
            (Established, 1),
            (TimeWait, 1),
            (FinWait2, 1),
            (CloseWait, 1),
        ],
    },
    Layout {
        file: "windows-netstat-anot.txt",
        format: InputFormat::Windows,
        counts: &[(Listen, 1), (Established, 1), (SynSent, 1)],
    },
    Layout {
        file: "windows-netstat-anb.txt",
        format: InputFormat::Windows,
        counts: &[(Listen, 2), (Established, 1), (CloseWait, 1)],
    },
    Layout {
        file: "windows-select-string.txt",
        format: InputFormat::Windows,
        counts: &[(Listen, 1), (Established, 1), (TimeWait, 1)],
    },
    Layout {
        file: "freebsd-netstat-A.txt",
        format: InputFormat::Bsd,
        counts: &[(Listen, 2), (Established, 1), (TimeWait, 1)],
    },
    Layout {
        file: "freebsd-netstat-P.txt",
        format: InputFormat::Bsd,
        counts: &[(Listen, 1), (Established, 1), (CloseWait, 1)],
    },
    Layout {
        file: "macos-netstat-Ab.txt",
        format: InputFormat::Bsd,
        counts: &[(Listen, 1), (Established, 2), (SynSent, 1)],
    },
    Layout {
        file: "openbsd-hpux-netstat-an.txt",
        format: InputFormat::Bsd,
        counts: &[(Listen, 1), (Established, 1), (FinWait1, 1), (FinWait2, 1)],
    },
    Layout {
        file: "solaris11-netstat-an.txt",
        format: InputFormat::Solaris,
        counts: &[(Close, 2), (Listen, 3), (Established, 2), (TimeWait, 1)],
    },
    Layout {
        file: "busybox-netstat-tanp.txt",
        format: InputFormat::Netstat,
        counts: &[(Listen, 1), (Established, 2), (TimeWait, 1)],
    },
    Layout {
        file: "powershell-get-nettcpconnection.txt",
        format: InputFormat::PowerShell,
        counts: &[
            (Listen, 3),
            (Close, 1),
            (Established, 1),
            (TimeWait, 1),
            (CloseWait, 1),
        ],
    },
    Layout {
        file: "powershell-format-list.txt",
        format: InputFormat::PowerShell,
        counts: &[(Listen, 1), (Established, 1), (TimeWait, 1)],
    },
    Layout {
        file: "ss-a-emailed.txt",
        format: InputFormat::Ss,
        counts: &[(Listen, 1), (Established, 2), (TimeWait, 1)],
    },
];

#[test]
fn every_layout_is_detected_and_counted_per_state() {
    for l in LAYOUTS {
        let mut src = CaptureSource::open(fixture(&format!("handmade/{}", l.file)));
        assert_eq!(src.format().unwrap(), l.format, "{}", l.file);
        let (t, r) = run(src);
        assert_eq!(t.states, map(l.counts), "{}", l.file);
        assert_eq!(
            unread_lines(&r),
            Vec::<u64>::new(),
            "{}: {:?}",
            l.file,
            r.unread
        );
        // No layout switch is guessed inside one printer's output.
        assert!(
            !r.notices.iter().any(|n| n.contains("changes format")),
            "{}: {:?}",
            l.file,
            r.notices
        );
    }
}

#[test]
fn layouts_keep_their_columns() {
    let sockets = |f: &str| {
        run(CaptureSource::open(fixture(&format!("handmade/{f}"))))
            .0
            .sockets
    };
    // Solaris: Send-Q and Recv-Q are the 4th and 6th columns, the section is the family.
    let s = sockets("solaris11-netstat-an.txt");
    let est = s
        .iter()
        .find(|s| s.local.port == Some(22) && s.state == Established)
        .unwrap();
    assert_eq!((est.send_q, est.recv_q), (Some(52), Some(0)));
    assert!(
        s.iter()
            .any(|s| s.family == tcpstate::Family::V6 && s.local.port == Some(5999))
    );
    // PowerShell: address and port apart; bare IPv6; no queue columns (unknown, not 0).
    let s = sockets("powershell-get-nettcpconnection.txt");
    let l = s.iter().find(|s| s.local.port == Some(49669)).unwrap();
    assert_eq!(
        (l.family, l.recv_q, l.send_q),
        (tcpstate::Family::V6, None, None)
    );
    let b = s.iter().find(|s| s.local.port == Some(139)).unwrap();
    assert_eq!(b.state, Close);
    // German Windows: the state is read by position, even wider than its column.
    let s = sockets("windows-netstat-ano-de-DE.txt");
    let cw = s.iter().find(|s| s.state == CloseWait).unwrap();
    assert_eq!(cw.local.port, Some(50004));
    // macOS -A -b: pointer and flow-hash columns first, byte counts last.
    let s = sockets("macos-netstat-Ab.txt");
    assert!(
        s.iter()
            .any(|s| s.remote.port == Some(5223) && s.state == Established)
    );
    // pt_BR with -p: the owners column is still read after a translated state.
    let s = sockets("netstat-pt_BR-nonroot.txt");
    let java = s.iter().find(|s| s.state == CloseWait).unwrap();
    assert!(java.listed_owners.is_listed());
    // ss -e-mailed: the empty keepalive timer field and the column-0 continuation lines.
    let s = sockets("ss-a-emailed.txt");
    assert_eq!(s.iter().filter(|s| s.state == Established).count(), 2);
}

#[test]
fn every_layout_is_listed() {
    for l in LAYOUTS {
        let total: u64 = l.counts.iter().map(|c| c.1).sum();
        let out = tcpstate()
            .args(["list", "-f", "csv", "--from"])
            .arg(fixture(&format!("handmade/{}", l.file)))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        // A header line, then one line per socket.
        assert_eq!(
            text.lines().count() as u64,
            total + 1,
            "{}:\n{text}",
            l.file
        );
    }
}

/// Files that hold TCP-looking rows no layout places: each was an empty summary with exit 0.
const SILENT: &[(&str, u64, &str)] = &[
    ("bsd-unknown-leading-column.txt", 3, "cannot place (Vnode)"),
    ("ss-timestamp-column.txt", 2, "read as iproute2 ss"),
    ("netstat-unknown-words.txt", 3, "'ESCUTANDO'"),
    (
        "windows-unknown-words.txt",
        5,
        "'DÉCOUTE' is not a TCP state",
    ),
];

#[test]
fn tcp_looking_rows_that_yield_nothing_are_an_error_naming_the_line() {
    for &(file, line, why) in SILENT {
        let path = fixture(&format!("silent/{file}"));
        let err = CaptureSource::open(&path)
            .run(&Query::default(), &mut common::capture::Tally::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!("{}:{line}: ", path.display())),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
        tcpstate()
            .arg("--from")
            .arg(&path)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(format!("{file}:{line}: ")));
    }
}

#[test]
fn several_hosts_still_show_the_readable_ones() {
    let bad = fixture("silent/netstat-unknown-words.txt");
    let good = fixture("handmade/freebsd-netstat-A.txt");
    let out = tcpstate()
        .args(["-f", "csv", "--from"])
        .arg(&bad)
        .arg("--from")
        .arg(&good)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("netstat-unknown-words.txt:3: "))
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(out).unwrap();
    // The readable host's counts are there; the other's are unknown (empty), never 0.
    let listen = csv
        .lines()
        .find(|l| l.starts_with("LISTEN,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(listen, "LISTEN,,2,2", "{csv}");
    tcpstate()
        .args(["list", "--from"])
        .arg(&good)
        .arg("--from")
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("10.0.0.2.51234")
                .or(predicate::str::contains("10.0.0.2:51234")),
        )
        .stderr(predicate::str::contains("netstat-unknown-words.txt:3: "));
}

#[test]
fn a_listing_with_no_tcp_rows_is_still_a_quiet_host() {
    // UDP and unix rows only: nothing TCP-looking, so zero sockets is the truth.
    let text = "Active Internet connections (servers and established)\n\
                Proto Recv-Q Send-Q Local Address           Foreign Address         State\n\
                udp        0      0 0.0.0.0:68              0.0.0.0:*\n\
                unix  2      [ ACC ]     STREAM     LISTENING     8311   /run/x\n";
    let (t, r) = run(CaptureSource::from_bytes(
        "udp-only.txt",
        text.as_bytes().to_vec(),
    ));
    assert!(t.sockets.is_empty() && r.unread.is_empty());
}

#[test]
fn rows_an_email_client_wrapped_are_joined_back() {
    let f = "handmade/netstat-emailed-wrapped.txt";
    let (t, r) = run(CaptureSource::open(fixture(f)));
    assert_eq!(
        t.states,
        map(&[(Established, 1), (TimeWait, 1), (CloseWait, 1)])
    );
    // The last row is cut for real: it stays unread, never joined with nothing.
    assert_eq!(unread_lines(&r), [7]);
    assert!(
        r.notices
            .iter()
            .any(|n| n.contains("1 row was split over two lines") && n.ends_with(":3")),
        "{:?}",
        r.notices
    );
    let joined = t.sockets.iter().find(|s| s.state == Established).unwrap();
    assert_eq!(joined.remote.port, Some(5555));

    let (t, r) = run(CaptureSource::open(fixture(
        "handmade/ss-emailed-wrapped.txt",
    )));
    assert_eq!(t.states, map(&[(Established, 1), (Listen, 1)]));
    assert!(r.unread.is_empty(), "{:?}", r.unread);
    let est = t.sockets.iter().find(|s| s.state == Established).unwrap();
    assert_eq!(est.remote.port, Some(50000));
    assert!(est.listed_owners.is_listed());
}

#[test]
fn ss_i_and_m_lines_fill_tcp_info_and_memory() {
    let (t, r) = run(CaptureSource::open(fixture("handmade/ss-tinm.txt")));
    assert!(r.unread.is_empty(), "{:?}", r.unread);
    assert_eq!(t.states, map(&[(Established, 2), (TimeWait, 1)]));
    let by_port = |p: u16| t.sockets.iter().find(|s| s.remote.port == Some(p)).unwrap();
    // Tab-indented lines.
    let s = by_port(52114);
    let i = s.info.as_deref().expect("tcp_info read");
    assert_eq!(i.congestion.as_deref(), Some("cubic"));
    assert_eq!(
        (i.rtt_us, i.rttvar_us, i.rto_us, i.min_rtt_us),
        (Some(500), Some(250), Some(204_000), Some(300))
    );
    assert_eq!(
        (i.mss, i.rcv_mss, i.pmtu, i.cwnd, i.ssthresh),
        (Some(1448), Some(536), Some(1500), Some(10), Some(7))
    );
    assert_eq!(
        (
            i.bytes_sent,
            i.bytes_acked,
            i.bytes_received,
            i.bytes_retrans
        ),
        (Some(3600), Some(3564), Some(2040), Some(72))
    );
    assert_eq!((i.segs_out, i.segs_in), (Some(30), Some(25)));
    assert_eq!(
        (i.retrans, i.total_retrans, i.lost, i.unacked),
        (Some(0), Some(2), Some(1), Some(1))
    );
    assert_eq!(
        (i.last_send_ms, i.last_recv_ms, i.last_ack_ms),
        (Some(4), Some(8), Some(4))
    );
    assert_eq!(
        (i.pacing_rate_bps, i.delivery_rate_bps),
        (Some(463_400_000), Some(115_800_000))
    );
    assert_eq!((i.busy_ms, i.rwnd_limited_ms), (Some(40), Some(3)));
    // What the capture lacks stays unknown.
    assert_eq!(
        (i.sndbuf_limited_ms, i.sacked, i.timestamps),
        (None, None, None)
    );
    let m = s.memory.as_deref().expect("skmem read");
    assert_eq!(
        (m.rcvbuf, m.sndbuf, m.fwd_alloc, m.wmem_queued, m.drops),
        (Some(131_072), Some(87_040), Some(3328), Some(768), Some(1))
    );
    // Lines at column 0, as an e-mail client leaves them.
    let s = by_port(52116);
    let i = s.info.as_deref().expect("tcp_info read");
    assert_eq!(
        (i.congestion.as_deref(), i.rtt_us),
        (Some("bbr"), Some(400))
    );
    assert_eq!(s.memory.as_deref().and_then(|m| m.sndbuf), Some(87_040));
    // A row without continuation lines has neither.
    let tw = by_port(80);
    assert!(tw.info.is_none() && tw.memory.is_none());

    // The same through `list -i -m`.
    let out = tcpstate()
        .args(["list", "-i", "-m", "-f", "json", "--from"])
        .arg(fixture("handmade/ss-tinm.txt"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows[0]["info"]["rtt_us"], 500);
    assert_eq!(rows[0]["memory"]["sndbuf"], 87_040);
    assert_eq!(rows[0]["info"]["sack"], serde_json::Value::Null);
    assert_eq!(rows[2]["info"], serde_json::Value::Null);
}

#[test]
fn a_real_ss_tanpeoi_capture_keeps_its_tcp_info() {
    // Saved from `ss -tanpeoi` in a test namespace (fixtures/captures/linux).
    let (t, _) = run(CaptureSource::open(fixture("linux/ss-tanpeoi.txt")));
    let cw = t
        .sockets
        .iter()
        .find(|s| s.state == CloseWait && s.remote.port == Some(59784))
        .unwrap();
    let i = cw.info.as_deref().unwrap();
    assert_eq!(
        (
            i.congestion.as_deref(),
            i.rtt_us,
            i.rttvar_us,
            i.mss,
            i.cwnd
        ),
        (Some("bbr"), Some(11), Some(5), Some(32768), Some(10))
    );
    assert_eq!(
        (i.bytes_received, i.segs_out, i.segs_in, i.last_send_ms),
        (Some(1), Some(1), Some(3), Some(436))
    );
    assert_eq!(
        (i.timestamps, i.sack, i.app_limited),
        (Some(true), Some(true), Some(true))
    );
    // Every socket but TIME_WAIT (no tcp_info for mini-sockets) has its line.
    for s in &t.sockets {
        assert_eq!(s.info.is_some(), s.state != TimeWait, "{s:?}");
    }
}

/// An `ss -i` line with words tcpstate does not read keeps the words it does read, and says
/// what it passed over; a row's owner and inode fields that an e-mail client moved to an
/// indented line of their own are read as the row's. Neither is lost without a word.
#[test]
fn info_lines_with_new_words_and_moved_row_tails_are_read() {
    let text = "State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n\
                ESTAB  0      0      10.0.0.1:22        10.0.0.2:5555\n\
                \t cubic rto:204 rtt:0.5/0.25 md5keys:(null) mss:1448 cwnd:10\n\
                ESTAB  0      0      10.0.0.1:22        10.0.0.2:5556\n\
                \t users:((\"sshd\",pid=77,fd=3)) ino:4242 sk:1 <->\n";
    let out = tcpstate()
        .args(["list", "-i", "-f", "json", "--from", "-"])
        .write_stdin(text)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "1 field of `ss -i` lines that tcpstate does not read (the first: `md5keys:(null)`)",
        ))
        .stderr(predicate::str::contains(
            "1 indented line held only the owner, inode and timer fields",
        ))
        .get_output()
        .stdout
        .clone();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["info"]["rtt_us"], 500);
    assert_eq!(rows[0]["info"]["mss"], 1448);
    assert_eq!(rows[1]["inode"], 4242);
    assert_eq!(rows[1]["uid"], 0);
}

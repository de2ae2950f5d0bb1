//! Bounded fuzzing of the capture parsers with proptest (256 cases per property): arbitrary
//! bytes, token soups built from the words captures are made of, and mutated real fixtures are
//! fed to every parser, forced and auto-detected, from memory and through the streaming reader.
//! Nothing may panic or hang, and every run keeps its bookkeeping straight (the report's socket
//! count is what the sink saw, unread lines lie inside the input, `--strict` fails exactly
//! when the lenient run lists an unread line, and at that line). Files that paste two
//! formats together read as the sum of their parts; UTF-16 text reads as its UTF-8. Single
//! rows (translated state words, FreeBSD `-T` counters) are fuzzed in `capture_fuzz_rows`.

use std::io::Cursor;
use std::path::PathBuf;

use proptest::prelude::*;
use tcpstate::source::capture::{CaptureSource, InputFormat};
use tcpstate::source::{Query, Source};
use tcpstate::{Family, Flow, Sink, Socket, TcpState};

#[derive(Default)]
struct Count {
    sockets: u64,
    counted: u64,
}

impl Sink for Count {
    fn socket(&mut self, _s: &Socket) -> std::io::Result<Flow> {
        self.sockets += 1;
        Ok(Flow::Continue)
    }

    fn aggregate(&mut self, _f: Option<Family>, _s: TcpState, n: u64) -> std::io::Result<Flow> {
        self.counted += n;
        Ok(Flow::Continue)
    }
}

/// Run `bytes` every way there is; check the invariants that hold whatever the input.
fn check(bytes: &[u8], format: InputFormat) {
    strict_agrees(bytes, format);
    // Line ends: `\n`, `\r\n`, or a lone `\r`.
    let lines = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count() as u64
        + 1;
    for assume in [None, Some(TcpState::TimeWait)] {
        let mut c = Count::default();
        let src = CaptureSource::from_bytes("fuzz.txt", bytes.to_vec())
            .with_format(format)
            .with_assume_state(assume);
        if let Ok(r) = { src }.run(&Query::default(), &mut c) {
            assert_eq!(r.sockets, c.sockets + c.counted);
            assert!(r.unread.iter().all(|u| u.line >= 1 && u.line <= lines));
        }
        let mut c = Count::default();
        let src = CaptureSource::from_reader("fuzz.txt", Cursor::new(bytes.to_vec()))
            .with_format(format)
            .with_assume_state(assume);
        if let Ok(r) = { src }.run(&Query::default(), &mut c) {
            assert_eq!(r.sockets, c.sockets + c.counted);
        }
    }
}

/// Every row read, or said: a strict run fails exactly when the lenient run lists an unread
/// line, and names the first of them.
fn strict_agrees(bytes: &[u8], format: InputFormat) {
    let lenient = CaptureSource::from_bytes("fuzz.txt", bytes.to_vec())
        .with_format(format)
        .run(&Query::default(), &mut Count::default());
    let strict = CaptureSource::from_bytes("fuzz.txt", bytes.to_vec())
        .with_format(format)
        .with_strict(true)
        .run(&Query::default(), &mut Count::default());
    match (lenient, strict) {
        (Ok(l), Ok(_)) => assert!(l.unread.is_empty(), "strict passed over {:?}", l.unread),
        (Ok(l), Err(e)) => {
            let first = l.unread.first().map(|u| format!("fuzz.txt:{}: ", u.line));
            let first = first.unwrap_or_else(|| panic!("strict failed on a clean run: {e}"));
            assert!(e.to_string().starts_with(&first), "{e} / {first}");
        }
        (Err(_), _) => {}
    }
}

fn fixture(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/captures")
        .join(rel);
    std::fs::read(p).unwrap()
}

/// The words captures are made of, to build rows that get deep into the parsers.
const WORDS: &[&str] = &[
    "tcp",
    "tcp6",
    "tcp4",
    "tcp46",
    "udp",
    "TCP",
    "UDP",
    "raw6",
    "unix",
    "0",
    "1",
    "64",
    "4294967296",
    "99999999999999999999",
    "127.0.0.1:80",
    "0.0.0.0:*",
    ":::*",
    ":::22",
    "[::1]:8080",
    "[fe80::1%eth0]:123",
    "*:*",
    "*:ssh",
    "127.0.0.53%lo:53",
    "host.dom:http",
    "::ffff:10.0.0.1:443",
    "10.0.0.1.22",
    "*.*",
    "fe80::1%lo0.123",
    "[",
    "]:",
    ":",
    "%",
    ".",
    "ESTABLISHED",
    "ESTAB",
    "TIME_WAIT",
    "TIME-WAIT",
    "LISTEN",
    "LISTENING",
    "SYN_RCVD",
    "VERBUNDEN",
    "UNCONN",
    "CLOSE",
    "UNKNOWN",
    "ABHÖREN",
    "off",
    "on",
    "(0.00/0/0)",
    "(6580.48/0/0)",
    "(",
    ")",
    "关闭",
    "保持连接",
    "timer:(keepalive,1min20sec,0)",
    "timer:(on,",
    "uid:1000",
    "ino:",
    "ino:123",
    "users:((\"x\",pid=1,fd=2))",
    "-",
    "1/sshd:",
    "0:",
    "12:",
    "0100007F:1F42",
    "00000000000000000000000001000000:1F43",
    "0A",
    "06",
    "00000000:00000001",
    "03:00001738",
    "sl",
    "local_address",
    "Proto",
    "Recv-Q",
    "Address:Port",
    "Process",
    "(state)",
    "Active",
    "Connections",
    "活动连接",
    "协议",
    "本地地址",
    "TIME_WAIT:",
    "9137",
    "\\",
    "...",
    "#",
    ">",
    "\u{feff}",
    "0x00000008",
    "[fe80::1]%v0:2222",
    "fe80::1%eth0:22",
    "1.2.3.4:99999",
    "127.101.0.1:10X6",
    "x.x.x.x:80",
    "x.x.x.x.80",
    "<ip>",
    "***",
    "a.b.c.d:port",
    "xxx.xxx.xxx.xxx:1",
    "-5",
    "18446744073709551615",
    "9223372036854775807",
    "1192/pgpool:",
    "idle",
    "users:((\"nginx\",1234,5))",
    "users:((\"a b\",pid=7,fd=1),...,(\"c\",pid=8,fd=2))",
    "users:((",
    "\r",
    // Issue 19's layouts: BSD -A pointers, Solaris sections, PowerShell, localised words.
    "fffff80012345678",
    "9f8e7d6c",
    "Tcpcb",
    "Flowhash",
    "Swind",
    "Rwind",
    "TCP:",
    "IPv4",
    "IPv6",
    "IDLE",
    "BOUND",
    "Bound",
    "LocalAddress",
    "LocalPort",
    "RemoteAddress",
    "RemotePort",
    "State",
    "Listen",
    "TimeWait",
    "DeleteTCB",
    "OUÇA",
    "ESPERANDO_FECHAR",
    "SCHLIESSEN_WARTEN",
    "FIN_WARTEN_2",
    "POSLEDNÍ",
    "ACK",
    "POSLEDNÍ ACK",
    "NASLOUCHÁ",
    "Abladungsstatus",
    "Proto.",
    "InHost",
    "timer:(keepalive,,0)",
    "PortProcess",
    "-----",
    // FreeBSD `netstat -T`: counters where the queues and the state were.
    "Rexmit",
    "OOORcv",
    "0-win",
    "10.0.0.1.22",
    "*.*",
    "::1.631",
];

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    let line = prop::collection::vec(
        (
            prop::sample::select(WORDS),
            prop::sample::select(&[" ", "  ", "\t", "      "][..]),
        ),
        0..14,
    );
    prop::collection::vec(
        (
            prop::sample::select(&["", " ", "\t", "    "][..]),
            line,
            prop::sample::select(&["\n", "\r\n", "\r", ""][..]),
        ),
        0..40,
    )
    .prop_map(|lines| {
        let mut out = Vec::new();
        for (indent, words, end) in lines {
            out.extend_from_slice(indent.as_bytes());
            for (w, sep) in words {
                out.extend_from_slice(w.as_bytes());
                out.extend_from_slice(sep.as_bytes());
            }
            out.extend_from_slice(end.as_bytes());
        }
        out
    })
}

/// One edit: delete, insert, overwrite, truncate, or duplicate a stretch.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Overwrite(usize, u8),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), 1usize..64).prop_map(|(p, n)| Edit::Delete(p, n)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(p, b)| Edit::Insert(p, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Overwrite(p, b)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), 1usize..400).prop_map(|(p, n)| Edit::Duplicate(p, n)),
    ];
    prop::collection::vec(edit, 1..12)
}

fn mutate(mut b: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = b.len().max(1);
        match e {
            Edit::Delete(p, n) => {
                let p = p % len;
                let end = (p + n).min(b.len());
                if p < end {
                    b.drain(p..end);
                }
            }
            Edit::Insert(p, bytes) => {
                let p = p % (b.len() + 1);
                b.splice(p..p, bytes.iter().copied());
            }
            Edit::Overwrite(p, v) => {
                if !b.is_empty() {
                    let p = p % b.len();
                    b[p] = *v;
                }
            }
            Edit::Truncate(p) => b.truncate(p % len),
            Edit::Duplicate(p, n) => {
                let p = p % len;
                let end = (p + n).min(b.len());
                if p < end {
                    let piece = b[p..end].to_vec();
                    b.splice(end..end, piece);
                }
            }
        }
    }
    b
}

/// One fixture per parser, for mutation.
const SEEDS: &[(&str, InputFormat)] = &[
    ("linux/netstat-tanpe.txt", InputFormat::Netstat),
    ("handmade/netstat-zh_CN-timers.txt", InputFormat::Netstat),
    ("linux/ss-tanpeoi.txt", InputFormat::Ss),
    ("handmade/ss-wide-tuanpeo.txt", InputFormat::Ss),
    ("linux/proc-net-tcp.txt", InputFormat::Proc),
    ("handmade/macos-netstat-anv.txt", InputFormat::Bsd),
    ("handmade/windows-netstat-ano.txt", InputFormat::Windows),
    ("handmade/summary-uniq-c.txt", InputFormat::Summary),
    ("handmade/solaris11-netstat-an.txt", InputFormat::Solaris),
    (
        "handmade/powershell-get-nettcpconnection.txt",
        InputFormat::PowerShell,
    ),
    (
        "handmade/powershell-format-list.txt",
        InputFormat::PowerShell,
    ),
    ("handmade/macos-netstat-Ab.txt", InputFormat::Bsd),
    (
        "handmade/windows-netstat-ano-de-DE.txt",
        InputFormat::Windows,
    ),
    ("handmade/ss-tinm.txt", InputFormat::Ss),
    ("handmade/netstat-emailed-wrapped.txt", InputFormat::Netstat),
    ("handmade/netstat-cs_CZ-tanpe.txt", InputFormat::Netstat),
    (
        "handmade/windows-netstat-ano-de-DE-cp850.txt",
        InputFormat::Windows,
    ),
    ("handmade/freebsd-netstat-anTA.txt", InputFormat::Bsd),
];

pub(crate) fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

macro_rules! per_format {
    ($($name:ident => $format:expr, $seed:expr;)*) => {
        mod arbitrary_bytes {
            use super::*;
            proptest! {
                #![proptest_config(config())]
                $(
                    #[test]
                    fn $name(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
                        check(&bytes, $format);
                    }
                )*
            }
        }
        mod token_soups {
            use super::*;
            proptest! {
                #![proptest_config(config())]
                $(
                    #[test]
                    fn $name(bytes in token_soup()) {
                        check(&bytes, $format);
                    }
                )*
            }
        }
        mod mutated_captures {
            use super::*;
            proptest! {
                #![proptest_config(config())]
                $(
                    #[test]
                    fn $name(e in edits()) {
                        let seed = fixture(SEEDS[$seed].0);
                        check(&mutate(seed, &e), $format);
                    }
                )*
            }
        }
    };
}

per_format! {
    auto => InputFormat::Auto, 1;
    netstat => InputFormat::Netstat, 0;
    ss => InputFormat::Ss, 2;
    ss_wide => InputFormat::Ss, 3;
    proc => InputFormat::Proc, 4;
    bsd => InputFormat::Bsd, 5;
    windows => InputFormat::Windows, 6;
    summary => InputFormat::Summary, 7;
    solaris => InputFormat::Solaris, 8;
    powershell => InputFormat::PowerShell, 9;
    powershell_list => InputFormat::PowerShell, 10;
    bsd_pointers => InputFormat::Bsd, 11;
    windows_de => InputFormat::Windows, 12;
    ss_info => InputFormat::Ss, 13;
    netstat_wrapped => InputFormat::Netstat, 14;
    netstat_cs => InputFormat::Netstat, 15;
    windows_cp850 => InputFormat::Windows, 16;
    bsd_counters => InputFormat::Bsd, 17;
}

proptest! {
    #![proptest_config(config())]

    /// Mutated captures, detected rather than told.
    #[test]
    fn mutated_auto(seed in 0..SEEDS.len(), e in edits()) {
        check(&mutate(fixture(SEEDS[seed].0), &e), InputFormat::Auto);
    }
}

/// What a run over `bytes` (detected) comes to: sockets and counts seen, unread line numbers,
/// or the error.
fn outcome(bytes: Vec<u8>) -> Result<(u64, u64, Vec<u64>), String> {
    let mut c = Count::default();
    CaptureSource::from_bytes("soup.txt", bytes)
        .run(&Query::default(), &mut c)
        .map(|r| {
            (
                c.sockets,
                c.counted,
                r.unread.iter().map(|u| u.line).collect(),
            )
        })
        .map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(config())]

    /// A capture saved as UTF-16 (little- or big-endian, with a byte-order mark) reads exactly as
    /// the same text in UTF-8: the same sockets, the same unread lines, the same error.
    #[test]
    fn utf16_reads_as_its_utf8(bytes in token_soup(), big in any::<bool>()) {
        let text = String::from_utf8(bytes).expect("soups are made of UTF-8 words");
        let mut utf16 = if big { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in text.encode_utf16() {
            utf16.extend(if big { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        check(&utf16, InputFormat::Auto);
        prop_assert_eq!(outcome(utf16), outcome(text.into_bytes()));
    }
}

/// Two captures of different formats pasted into one file read as the sum of their parts.
#[test]
fn pasted_formats_read_as_their_sum() {
    let read = |bytes: Vec<u8>| {
        let mut c = Count::default();
        let r = CaptureSource::from_bytes("paste.txt", bytes)
            .run(&Query::default(), &mut c)
            .unwrap_or_else(|e| panic!("{e}"));
        (c.sockets, c.counted, r.unread.len())
    };
    for (a, fa) in SEEDS {
        for (b, fb) in SEEDS {
            if fa == fb {
                continue;
            }
            let (ta, tb) = (fixture(a), fixture(b));
            let mut both = ta.clone();
            if !both.ends_with(b"\n") {
                both.push(b'\n');
            }
            both.extend_from_slice(&tb);
            let (x, y) = (read(ta), read(tb));
            assert_eq!(
                read(both),
                (x.0 + y.0, x.1 + y.1, x.2 + y.2),
                "{a} then {b}"
            );
        }
    }
}

//! Bounded fuzzing of what `trace --events` reads from the kernel (proptest, 256 cases per
//! property): `format` files and their print formats, raw tracepoint records of every kind
//! (any bytes, any length, a known or unknown tracepoint id) and kallsyms text. Nothing may
//! panic; a record shorter than its layout is malformed, never read past its end; names come
//! only from the print format; a symbol lookup returns the nearest symbol at or below.

use proptest::prelude::*;
use tcpstate::trace::decode::Decoders;
use tcpstate::trace::event::{Decoded, parse_format};
use tcpstate::trace::format::EventFormat;
use tcpstate::trace::incident::IncidentLayout;
use tcpstate::trace::kallsyms::Kallsyms;

const STATE: &str = "name: inet_sock_set_state
ID: 2287
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
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
";

const RETRANS: &str = "name: tcp_retransmit_skb
format:
\tfield:const void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:const void * skaddr;\toffset:16;\tsize:8;\tsigned:0;
\tfield:int state;\toffset:24;\tsize:4;\tsigned:1;
\tfield:__u16 sport;\toffset:28;\tsize:2;\tsigned:0;
\tfield:__u16 dport;\toffset:30;\tsize:2;\tsigned:0;
\tfield:__u16 family;\toffset:32;\tsize:2;\tsigned:0;
\tfield:__u8 saddr[4];\toffset:34;\tsize:4;\tsigned:0;
\tfield:__u8 daddr[4];\toffset:38;\tsize:4;\tsigned:0;
\tfield:__u8 saddr_v6[16];\toffset:42;\tsize:16;\tsigned:0;
\tfield:__u8 daddr_v6[16];\toffset:58;\tsize:16;\tsigned:0;
\tfield:int err;\toffset:76;\tsize:4;\tsigned:1;
";

const SEND_RESET: &str = "name: tcp_send_reset
format:
\tfield:const void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:const void * skaddr;\toffset:16;\tsize:8;\tsigned:0;
\tfield:int state;\toffset:24;\tsize:4;\tsigned:1;
\tfield:enum sk_rst_reason reason;\toffset:28;\tsize:4;\tsigned:0;
\tfield:__u8 saddr[28];\toffset:32;\tsize:28;\tsigned:0;
\tfield:__u8 daddr[28];\toffset:60;\tsize:28;\tsigned:0;
";

const KFREE: &str = "name: kfree_skb
format:
\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:void * location;\toffset:16;\tsize:8;\tsigned:0;
\tfield:void * rx_sk;\toffset:24;\tsize:8;\tsigned:0;
\tfield:unsigned short protocol;\toffset:32;\tsize:2;\tsigned:0;
\tfield:enum skb_drop_reason reason;\toffset:36;\tsize:4;\tsigned:0;
";

const ERROR: &str = "name: inet_sk_error_report
format:
\tfield:int error;\toffset:8;\tsize:4;\tsigned:1;
\tfield:__u16 sport;\toffset:12;\tsize:2;\tsigned:0;
\tfield:__u16 dport;\toffset:14;\tsize:2;\tsigned:0;
\tfield:__u16 family;\toffset:16;\tsize:2;\tsigned:0;
\tfield:__u16 protocol;\toffset:18;\tsize:2;\tsigned:0;
\tfield:__u8 saddr[4];\toffset:20;\tsize:4;\tsigned:0;
\tfield:__u8 daddr[4];\toffset:24;\tsize:4;\tsigned:0;
\tfield:__u8 saddr_v6[16];\toffset:28;\tsize:16;\tsigned:0;
\tfield:__u8 daddr_v6[16];\toffset:44;\tsize:16;\tsigned:0;
";

/// Every decoder, ids 1 (state) and 2..=5.
fn decoders() -> Decoders {
    let mut d = Decoders::new(1, parse_format(STATE).expect("state format"));
    for (id, event, text) in [
        (2, "tcp:tcp_retransmit_skb", RETRANS),
        (3, "tcp:tcp_send_reset", SEND_RESET),
        (4, "skb:kfree_skb", KFREE),
        (5, "sock:inet_sk_error_report", ERROR),
    ] {
        let layout = IncidentLayout::from_format(&EventFormat::parse(event, text))
            .unwrap_or_else(|e| panic!("{event}: {e}"));
        d.add(id, layout);
    }
    d
}

proptest! {
    #[test]
    fn any_record_decodes_or_is_refused(
        id in 0u16..8,
        body in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        let d = decoders();
        let mut raw = id.to_ne_bytes().to_vec();
        raw.extend(&body);
        match d.decode(&raw, 1, 0, 2, 3) {
            Decoded::Incident(i) => {
                prop_assert!((2..=5).contains(&id));
                prop_assert_eq!(i.ts, 1);
            }
            Decoded::Tcp(_) => prop_assert_eq!(id, 1),
            Decoded::OtherProtocol | Decoded::Malformed => {}
        }
        // Cut short, every record is refused rather than read past its end.
        for cut in 0..raw.len().min(24) {
            let r = d.decode(&raw[..cut], 1, 0, 2, 3);
            prop_assert!(matches!(r, Decoded::Malformed | Decoded::OtherProtocol));
        }
    }

    #[test]
    fn any_format_text_parses_without_panic(text in "(field:[a-z_ *\\[\\]0-9]{0,20};[ \\t]*offset:[0-9]{0,4};[ \\t]*size:[0-9]{0,3};\n|print fmt: [ -~]{0,80}\n|[ -~]{0,40}\n){0,12}") {
        let f = EventFormat::parse("x:y", &text);
        let _ = f.symbols("reason");
        let _ = f.field("reason", &[4], "4");
        let _ = IncidentLayout::from_format(&EventFormat::parse("skb:kfree_skb", &text));
        let _ = parse_format(&text);
    }

    #[test]
    fn symbols_are_exactly_the_print_formats(
        entries in proptest::collection::btree_map(0u64..500, "[A-Z_]{1,12}", 0..20),
    ) {
        let list: Vec<String> = entries.iter().map(|(v, n)| format!("{{ {v}, \"{n}\" }}")).collect();
        let text = format!(
            "print fmt: \"reason: %s\", __print_symbolic(REC->reason, {})\n",
            list.join(", ")
        );
        let got = EventFormat::parse("skb:kfree_skb", &text).symbols("reason");
        let want: Vec<(u64, String)> = entries.into_iter().collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn kallsyms_lookup_is_the_nearest_symbol_below(
        syms in proptest::collection::btree_map(1u64..1_000_000, "[a-z_]{1,10}", 1..30),
        probe in 0u64..1_100_000,
        junk in "[ -~\n]{0,60}",
    ) {
        let text: String = syms.iter().map(|(a, n)| format!("{a:016x} T {n}\n")).collect::<String>() + &junk;
        let k = Kallsyms::parse(&text);
        let want = syms.range(..=probe).next_back().map(|(a, n)| (n.as_str(), probe - a));
        let got = k.lookup(probe);
        // Junk lines may add symbols of their own; without them the answer is exact.
        if junk.trim().is_empty() {
            prop_assert_eq!(got, want);
        }
    }
}

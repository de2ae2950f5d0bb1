//! The ss filter parser on random input: words drawn from its vocabulary (keywords,
//! operators, parentheses, addresses, ports, states) and random text, as one word or many.
//! It must never panic; an error names a word of the input (or the keyword left without a
//! value) and its index; an accepted expression always compiles to a program.

use proptest::prelude::*;
use tcpstate::filter::ss::{bytecode, parse};

const VOCABULARY: &[&str] = &[
    "sport",
    "dport",
    "src",
    "dst",
    "dev",
    "mark",
    "fwmark",
    "autobound",
    "state",
    "exclude",
    "established",
    "listening",
    "bucket",
    "all",
    "and",
    "or",
    "not",
    "&&",
    "||",
    "!",
    "(",
    ")",
    "=",
    "==",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "eq",
    "neq",
    "lt",
    "gt",
    "le",
    "ge",
    ":80",
    ":http",
    "*",
    "*:22",
    "10.0.0.0/8",
    "[::1]:443",
    "::ffff:10.0.0.1",
    "10.0.0.1:5432",
    "[::]/0",
    "0x10/0xff",
    "lo",
    ":",
    "[",
    "]",
    "/",
    "70000",
    ":-1",
    "[::1",
    "1.2.3.4/99",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(VOCABULARY).prop_map(String::from),
        1 => "[ -~]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn the_parser_never_panics_and_names_the_word(
        words in proptest::collection::vec(word(), 0..12),
        joined in any::<bool>(),
    ) {
        let input: Vec<String> = if joined { vec![words.join(" ")] } else { words };
        match parse(&input) {
            Ok(f) => {
                if let Some(e) = f.expr {
                    prop_assert!(bytecode::compile(&e).is_some());
                }
            }
            Err(e) => {
                prop_assert!(e.word < input.len().max(1), "{e} for {input:?}");
                prop_assert!(
                    input.iter().any(|w| w.contains(e.at.as_str())),
                    "{e} names no word of {input:?}"
                );
                prop_assert!(!e.why.is_empty());
            }
        }
    }
}

//! Bounded fuzzing of single capture rows with proptest: every translated state word, one word
//! or two, in UTF-8 or a Windows console code page, is read by its position in a net-tools and
//! a Windows row; FreeBSD `netstat -T` rows with any counters and addresses become sockets of
//! unknown state or unread lines, never a socket in a state and never dropped.

use proptest::prelude::*;
use tcpstate::source::capture::{CaptureSource, InputFormat};
use tcpstate::source::{Query, Source};
use tcpstate::{Flow, Socket, TcpState};

use crate::capture_fuzz::config;

/// The one socket `row` reads as in `format`; panics with the report when it is not one.
fn one_socket(row: Vec<u8>, format: InputFormat) -> Socket {
    let mut t = crate::common::capture::Tally::default();
    let r = CaptureSource::from_bytes("row.txt", row.clone())
        .with_format(format)
        .run(&Query::default(), &mut t)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r.unread.is_empty() && t.sockets.len() == 1,
        "{:?}: {:?}",
        String::from_utf8_lossy(&row),
        r.unread
    );
    t.sockets.remove(0)
}

/// A state word as the printers write it: UTF-8, and the code pages a Windows console saves.
fn spellings(word: &str) -> Vec<Vec<u8>> {
    use oem_cp::code_table::{ENCODING_TABLE_CP850, ENCODING_TABLE_CP852};
    let mut v = vec![word.as_bytes().to_vec()];
    for table in [&ENCODING_TABLE_CP850, &ENCODING_TABLE_CP852] {
        if let Some(b) = oem_cp::encode_string_checked(word, table)
            && b != word.as_bytes()
        {
            v.push(b);
        }
    }
    v
}

proptest! {
    #![proptest_config(config())]

    /// Every translated word, one word or two, in UTF-8 or a console code page, is read by its
    /// position: in a net-tools `-e` row its user and inode still follow it (a two-word state
    /// is neither cut to its first word nor joined with the user), in a Windows `-ano` row the
    /// PID after it, however wide the word, does not move the state.
    #[test]
    fn translated_words_are_read_by_position(
        i in 0..tcpstate::tcp::state::LOCALISED.len(),
        uid in 0u32..70_000,
        inode in 1u64..1 << 40,
        pad in 1usize..4,
    ) {
        let w = tcpstate::tcp::state::LOCALISED[i];
        let sp = " ".repeat(pad);
        for word in spellings(w.word) {
            let mut row = format!("tcp        0      0 10.0.0.1:22{sp}10.0.0.2:5000{sp}").into_bytes();
            row.extend_from_slice(&word);
            row.extend_from_slice(format!("{sp}{uid}{sp}{inode}\n").as_bytes());
            let s = one_socket(row, InputFormat::Netstat);
            prop_assert_eq!((s.state, s.uid, s.inode), (w.state, Some(uid), Some(inode)));

            let mut row = format!("  TCP    10.0.0.1:22{sp}10.0.0.2:5000{sp}").into_bytes();
            row.extend_from_slice(&word);
            row.extend_from_slice(format!("{sp}{uid}\r\n").as_bytes());
            let s = one_socket(row, InputFormat::Windows);
            prop_assert_eq!((s.state, s.remote.port), (w.state, Some(5000)));
        }
    }
}

/// FreeBSD `netstat -T` rows (with `-A`'s pointer and `-P`'s Log ID or not) whose three
/// counters and two addresses are anything, good or bad: each is a socket of unknown state or
/// an unread line, never a socket in a state and never dropped.
fn counter_rows() -> impl Strategy<Value = (String, u64, u64)> {
    let counter = prop::sample::select(&["0", "7", "4294967295", "4294967296", "-1", "x"][..]);
    let address = prop::sample::select(
        &[
            "10.0.0.1.22",
            "*.*",
            "*.80",
            "2001:db8::1.443",
            "fe80::1%lo0.123",
            "10.0.0.1.99999",
            "10.0.0.1.x",
            "localhost.ssh",
            "..",
        ][..],
    );
    let row = (
        prop::bool::ANY,
        prop::sample::select(&["tcp4", "tcp6", "tcp46", "tcp"][..]),
        prop::collection::vec(counter, 3),
        prop::collection::vec(address, 2),
        prop::sample::select(&["", " -", " f0e1d2c3"][..]),
    );
    prop::collection::vec(row, 1..12).prop_map(|rows| {
        let mut text = String::from(
            "Active Internet connections (including servers)\n\
             Proto Rexmit OOORcv 0-win  Local Address          Foreign Address\n",
        );
        for (pointer, proto, counters, addresses, log_id) in &rows {
            if *pointer {
                text.push_str("fffff80012345600 ");
            }
            text.push_str(&format!(
                "{proto:<5} {:>6} {:>6} {:>6} {:<22} {:<22}{log_id}\n",
                counters[0], counters[1], counters[2], addresses[0], addresses[1]
            ));
        }
        // Rows made only of values FreeBSD prints: each must be read.
        let good = rows
            .iter()
            .filter(|(_, _, c, a, _)| {
                c.iter().all(|c| ["0", "7", "4294967295"].contains(c))
                    && a.iter().all(|a| {
                        [
                            "10.0.0.1.22",
                            "*.*",
                            "*.80",
                            "2001:db8::1.443",
                            "fe80::1%lo0.123",
                        ]
                        .contains(a)
                    })
            })
            .count() as u64;
        (text, rows.len() as u64, good)
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn counter_rows_are_of_unknown_state_or_unread((text, rows, good) in counter_rows()) {
        let mut states = Vec::new();
        let mut sink = |s: &Socket| {
            states.push(s.state);
            Flow::Continue
        };
        match CaptureSource::from_bytes("t.txt", text.clone().into_bytes())
            .run(&Query::default(), &mut sink)
        {
            Ok(r) => {
                prop_assert!(states.iter().all(|&s| s == TcpState::Unknown), "{}", text);
                prop_assert_eq!(states.len() as u64 + r.unread.len() as u64, rows, "{}", text);
                prop_assert!(states.len() as u64 >= good, "{}", text);
            }
            // Not one row read: one sentence naming the file and its first such row.
            Err(e) => {
                prop_assert_eq!(good, 0, "{}: {}", e, text);
                prop_assert!(e.to_string().starts_with("t.txt:3: "), "{e}");
            }
        }
    }
}

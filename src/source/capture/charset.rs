//! State words in captures that are not UTF-8: a listing printed in a legacy single-byte locale
//! (net-tools under `pt_BR.ISO-8859-1`: `OUÇA`) or saved from a Windows console with `>`, which
//! writes the console's OEM code page (`chcp`: CP850 in Western Europe, where German `ABHÖREN`
//! is `ABH\x99REN`; CP852 in Central Europe; CP437 in the US). A field that is not UTF-8 is
//! read in Latin-1, then in each OEM code page that can spell a word of the state table, and
//! the first reading that is a state word is taken. Only the letters of the table's words can
//! make a state, and no byte string spells two different states in two of these charsets
//! (the tests check every word), so the order decides nothing. The code pages come from
//! `oem_cp`'s tables.

use oem_cp::code_table::{DECODING_TABLE_CP437, DECODING_TABLE_CP850, DECODING_TABLE_CP852};
use oem_cp::decode_string_complete_table;

use crate::tcp::state::TcpState;

/// The OEM code pages tried after Latin-1, with their names: those a Windows console writes in
/// the languages whose words the table has (German and Czech) and the US one.
const OEM_CODE_PAGES: [(&str, &[char; 128]); 3] = [
    ("CP850", &DECODING_TABLE_CP850),
    ("CP852", &DECODING_TABLE_CP852),
    ("CP437", &DECODING_TABLE_CP437),
];

/// The state `parse` reads from the field `w`: as UTF-8 when it is UTF-8, else in Latin-1 and
/// then in each OEM code page; `None` when no reading is a state.
pub(crate) fn read_state(w: &[u8], parse: fn(&str) -> Option<TcpState>) -> Option<TcpState> {
    if let Ok(text) = std::str::from_utf8(w) {
        return parse(text);
    }
    let latin1: String = w.iter().map(|&b| char::from(b)).collect();
    parse(&latin1).or_else(|| {
        OEM_CODE_PAGES
            .iter()
            .find_map(|(_, table)| parse(&decode_string_complete_table(w, table)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp::state::{LOCALISED, two_word_state};

    /// Every way a table word can be written in the single-byte charsets read here.
    fn encodings(word: &str) -> Vec<(&'static str, Vec<u8>)> {
        let mut out = Vec::new();
        if let Some(bytes) = word
            .chars()
            .map(|c| u8::try_from(u32::from(c)).ok())
            .collect::<Option<Vec<u8>>>()
        {
            out.push(("Latin-1", bytes));
        }
        for (name, table) in OEM_CODE_PAGES {
            let bytes: Option<Vec<u8>> = word
                .chars()
                .map(|c| {
                    if c.is_ascii() {
                        Some(c as u8)
                    } else {
                        table.iter().position(|&t| t == c).map(|i| 0x80 + i as u8)
                    }
                })
                .collect();
            if let Some(bytes) = bytes {
                out.push((name, bytes));
            }
        }
        out
    }

    fn parse_any(text: &str) -> Option<TcpState> {
        TcpState::parse_word(text).or_else(|| two_word_state(text))
    }

    #[test]
    fn every_non_ascii_word_reads_back_in_every_charset_that_spells_it() {
        let mut seen = 0;
        for w in LOCALISED.iter().filter(|w| !w.word.is_ascii()) {
            for (name, bytes) in encodings(w.word) {
                assert!(std::str::from_utf8(&bytes).is_err(), "{} {name}", w.word);
                assert_eq!(
                    read_state(&bytes, parse_any),
                    Some(w.state),
                    "{} {name}",
                    w.word
                );
                seen += 1;
            }
        }
        // ABHÖREN in Latin-1, CP850 and CP437; OUÇA, ÚLTIMO_ACK, STÄNG… in Latin-1 and CP850;
        // the Czech words in CP852.
        assert!(seen >= 20, "{seen}");
        assert_eq!(
            read_state(b"ABH\x99REN", TcpState::parse_word),
            Some(TcpState::Listen)
        );
        assert_eq!(
            read_state(b"NASLOUCH\xb5", TcpState::parse_word),
            Some(TcpState::Listen)
        );
        assert_eq!(
            read_state(b"POSLEDN\xd6 ACK", two_word_state),
            Some(TcpState::LastAck)
        );
    }

    #[test]
    fn no_bytes_spell_two_states() {
        for w in LOCALISED.iter().filter(|w| !w.word.is_ascii()) {
            for (_, bytes) in encodings(w.word) {
                let latin1: String = bytes.iter().map(|&b| char::from(b)).collect();
                let readings = std::iter::once(latin1).chain(
                    OEM_CODE_PAGES
                        .iter()
                        .map(|(_, t)| decode_string_complete_table(&bytes, t)),
                );
                for text in readings {
                    if let Some(s) = parse_any(&text) {
                        assert_eq!(s, w.state, "{} read as {text}", w.word);
                    }
                }
            }
        }
    }

    #[test]
    fn bytes_that_are_no_word_stay_none() {
        assert_eq!(read_state(b"ABH\x98REN", TcpState::parse_word), None);
        assert_eq!(read_state(b"\xff\xfe", TcpState::parse_word), None);
        assert_eq!(read_state(b"", TcpState::parse_word), None);
    }
}

//! Byte-level helpers every capture parser shares: splitting a line into fields on runs of
//! whitespace without allocating (eight bytes at a time through padding), the last fields of a
//! line, strict decimal and hex numbers, and state words read through `TcpState::parse_word`
//! (one field, in UTF-8 or a legacy code page: `charset`) or `two_word_state` (two fields),
//! memoised so that a repeated word costs one comparison.

use super::charset::read_state;
use crate::tcp::state::{TcpState, two_word_state};

/// Field separators: space, tab, `\r` and every other ASCII control byte.
#[inline]
pub(crate) fn is_space(b: u8) -> bool {
    b <= b' '
}

const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Index of the first byte of `w` (little-endian) that is a separator (`<= 0x20`).
#[inline]
fn first_space(w: u64) -> Option<usize> {
    let m = w.wrapping_sub(ONES * 0x21) & !w & HIGHS;
    (m != 0).then(|| m.trailing_zeros() as usize / 8)
}

/// Index of the first byte of `w` (little-endian) that is not a separator (`> 0x20`).
#[inline]
fn first_non_space(w: u64) -> Option<usize> {
    let m = (w.wrapping_add(ONES * (127 - 0x20)) | w) & HIGHS;
    (m != 0).then(|| m.trailing_zeros() as usize / 8)
}

#[inline]
fn word(s: &[u8], i: usize) -> Option<u64> {
    s.get(i..i + 8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("eight bytes")))
}

/// The whitespace-separated fields of a line, in order.
pub(crate) struct Fields<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(s: &'a [u8]) -> Fields<'a> {
        Fields { s, i: 0 }
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];
    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let s = self.s;
        let mut i = self.i;
        // Eight bytes at a time through padding and through the field.
        while let Some(w) = word(s, i) {
            match first_non_space(w) {
                Some(k) => {
                    i += k;
                    break;
                }
                None => i += 8,
            }
        }
        while i < s.len() && is_space(s[i]) {
            i += 1;
        }
        if i == s.len() {
            self.i = i;
            return None;
        }
        let start = i;
        let mut found = false;
        while let Some(w) = word(s, i) {
            if let Some(k) = first_space(w) {
                i += k;
                found = true;
                break;
            }
            i += 8;
        }
        if !found {
            while i < s.len() && !is_space(s[i]) {
                i += 1;
            }
        }
        self.i = i;
        Some(&s[start..i])
    }
}

/// The last two fields of a line (already stripped of trailing whitespace), scanning from the
/// end: `(second to last, last)`.
pub(crate) fn last_two(line: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
    let field_before = |end: usize| -> Option<(usize, &[u8])> {
        let end = line[..end].iter().rposition(|&b| !is_space(b))? + 1;
        let start = line[..end]
            .iter()
            .rposition(|&b| is_space(b))
            .map_or(0, |p| p + 1);
        Some((start, &line[start..end]))
    };
    match field_before(line.len()) {
        None => (None, None),
        Some((start, last)) => (field_before(start).map(|(_, f)| f), Some(last)),
    }
}

/// What follows `field`, a field split from `line`, to the end of the line.
#[inline]
pub(crate) fn after<'a>(line: &'a [u8], field: &[u8]) -> &'a [u8] {
    let end = (field.as_ptr() as usize).wrapping_sub(line.as_ptr() as usize) + field.len();
    line.get(end..).unwrap_or(&[])
}

/// The high bit of every byte of `w` that is a separator (`<= 0x20`), exactly: no carry
/// crosses a byte, so every byte is told apart, not only the first.
#[inline]
pub(crate) fn space_mask(w: u64) -> u64 {
    !(((w & !HIGHS) + ONES * (0x7f - 0x20)) | w) & HIGHS
}

/// The high bit of every byte of `w` equal to `b`, exactly.
#[inline]
pub(crate) fn byte_mask(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    !(((x & !HIGHS) + !HIGHS) | x) & HIGHS
}

/// Up to `N` leading fields of a line; the count is the number filled. Eight bytes at a time:
/// the edges of fields in a word are found from its separator mask at once, so a run of
/// padding costs one step whatever its length and the branches follow fields, not bytes.
pub(crate) fn split<'a, const N: usize>(line: &'a [u8], out: &mut [&'a [u8]; N]) -> usize {
    let mut n = 0;
    let mut start = 0;
    let mut in_field = false;
    let mut base = 0;
    while base < line.len() {
        let w = word(line, base).unwrap_or_else(|| {
            // The last few bytes, padded with separators (which end a field at the line's end).
            let mut b = [b' '; 8];
            b[..line.len() - base].copy_from_slice(&line[base..]);
            u64::from_le_bytes(b)
        });
        let sp = space_mask(w);
        let prev_sp = sp << 8 | if in_field { 0 } else { 0x80 };
        // Starts (a byte after a separator) and ends (a separator after a byte) alternate.
        let mut edges = (!sp & prev_sp | sp & !prev_sp) & HIGHS;
        while edges != 0 {
            let at = base + edges.trailing_zeros() as usize / 8;
            edges &= edges - 1;
            if in_field {
                out[n] = &line[start..at];
                n += 1;
                if n == N {
                    return n;
                }
            } else {
                start = at;
            }
            in_field = !in_field;
        }
        base += 8;
    }
    if in_field {
        out[n] = &line[start..];
        n += 1;
    }
    n
}

/// A non-empty run of ASCII digits as a number; `None` on anything else or on overflow.
#[inline]
pub(crate) fn dec(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// A queue size: decimal, 0 to `u32::MAX`; `None` on a sign, anything not a digit, or a
/// larger number (no kernel queue holds more, so such a field is not one).
#[inline]
pub(crate) fn queue(b: &[u8]) -> Option<u32> {
    dec(b).and_then(|v| u32::try_from(v).ok())
}

/// A non-empty run of hex digits (either case) of at most 16 digits.
#[inline]
pub(crate) fn hex(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = v << 4 | u64::from(d);
    }
    Some(v)
}

/// A field as text for messages, cut to a readable length.
pub(crate) fn show(b: &[u8]) -> String {
    const MAX: usize = 40;
    let cut = &b[..b.len().min(MAX)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if b.len() > MAX {
        s.push('…');
    }
    s
}

/// Whether two short words are equal without a call to `memcmp`: those under 8 bytes byte by
/// byte, those of 8 to 16 bytes (most state words) as two overlapping words of eight bytes.
#[inline]
fn same_word(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0..8 => a.iter().zip(b).all(|(x, y)| x == y),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// State words seen so far, so each distinct spelling goes through `TcpState::parse_word` once.
/// Two-word states are kept under their two fields joined by a space, which no single field
/// holds.
#[derive(Default)]
pub(crate) struct StateWords {
    seen: Vec<(Box<[u8]>, Option<TcpState>)>,
    last: usize,
}

/// The longest two fields joined that are looked up as a two-word state.
const MAX_PAIR: usize = 40;

impl StateWords {
    /// The state a field spells, if it spells one.
    #[inline]
    pub(crate) fn get(&mut self, w: &[u8]) -> Option<TcpState> {
        // State words are short and start with a letter; anything else is not one.
        if w.is_empty() || w.len() > 24 || w[0].is_ascii_digit() {
            return None;
        }
        self.memo(w, TcpState::parse_word)
    }

    /// The state two fields spell together (Czech net-tools `POSLEDNÍ ACK`): only the table's
    /// words written as two words are read so. Asked only where `first` alone is no state.
    pub(crate) fn get_pair(&mut self, first: &[u8], second: &[u8]) -> Option<TcpState> {
        let n = first.len() + 1 + second.len();
        if first.is_empty()
            || second.is_empty()
            || n > MAX_PAIR
            || first[0].is_ascii_digit()
            || first.contains(&b':')
            || second.contains(&b':')
        {
            return None;
        }
        let mut joined = [b' '; MAX_PAIR];
        joined[..first.len()].copy_from_slice(first);
        joined[first.len() + 1..n].copy_from_slice(second);
        self.memo(&joined[..n], two_word_state)
    }

    #[inline]
    fn memo(&mut self, w: &[u8], parse: fn(&str) -> Option<TcpState>) -> Option<TcpState> {
        // Rows repeat a handful of words: try the last one found first.
        if let Some((k, s)) = self.seen.get(self.last)
            && same_word(k, w)
        {
            return *s;
        }
        if let Some(i) = self.seen.iter().position(|(k, _)| same_word(k, w)) {
            self.last = i;
            return self.seen[i].1;
        }
        // An address is no state word (and must not crowd the words out of the memo).
        if w.contains(&b':') {
            return None;
        }
        // Not UTF-8: a legacy locale's or a Windows console's code page.
        let s = read_state(w, parse);
        if self.seen.len() < 64 {
            self.last = self.seen.len();
            self.seen.push((w.into(), s));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_on_any_whitespace_run() {
        let v: Vec<&[u8]> = Fields::new(b"  tcp \t 0\r\x0b0   a:1  ").collect();
        assert_eq!(v, [&b"tcp"[..], b"0", b"0", b"a:1"]);
        assert_eq!(Fields::new(b"   ").count(), 0);
    }

    #[test]
    fn word_scans_match_bytewise() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut bytes = [b'x'; 8];
                bytes[pos] = b;
                let w = u64::from_le_bytes(bytes);
                let want = if is_space(b) { Some(pos) } else { None };
                assert_eq!(first_space(w), want, "{b} at {pos}");
                let mut bytes = [b' '; 8];
                bytes[pos] = b;
                let w = u64::from_le_bytes(bytes);
                let want = if is_space(b) { None } else { Some(pos) };
                assert_eq!(first_non_space(w), want, "{b} at {pos}");
            }
        }
        let line = b"tcp        0      0 127.0.0.1:8002\t\t0.0.0.0:*   LISTEN\x00x";
        let v: Vec<&[u8]> = Fields::new(line).collect();
        assert_eq!(
            v,
            [
                &b"tcp"[..],
                b"0",
                b"0",
                b"127.0.0.1:8002",
                b"0.0.0.0:*",
                b"LISTEN",
                b"x"
            ]
        );
    }

    #[test]
    fn split_agrees_with_fields() {
        let alphabet = b"ab:. \t\r\x00\x7f\x80\xa1\xff";
        for line in crate::source::capture::testutil::random_lines(alphabet, 40, 20_000) {
            let want: Vec<&[u8]> = Fields::new(&line).take(5).collect();
            let mut t: [&[u8]; 5] = [&[]; 5];
            let n = split(&line, &mut t);
            assert_eq!(&t[..n], &want[..], "{line:?}");
        }
    }

    #[test]
    fn last_two_fields() {
        assert_eq!(last_two(b"a b  c"), (Some(&b"b"[..]), Some(&b"c"[..])));
        assert_eq!(last_two(b"  c"), (None, Some(&b"c"[..])));
        assert_eq!(last_two(b""), (None, None));
    }

    #[test]
    fn numbers() {
        assert_eq!(dec(b"123"), Some(123));
        assert_eq!(dec(b""), None);
        assert_eq!(dec(b"1a"), None);
        assert_eq!(dec(b"99999999999999999999"), None);
        assert_eq!(queue(b"4294967295"), Some(u32::MAX));
        assert_eq!(queue(b"4294967296"), None);
        assert_eq!(queue(b"-5"), None);
        assert_eq!(hex(b"0100007F"), Some(0x0100_007f));
        assert_eq!(hex(b"zz"), None);
    }

    #[test]
    fn same_word_is_equality() {
        let words = crate::source::capture::testutil::random_lines(b"AB-_", 20, 4_000);
        let mut equal = 0;
        for pair in words.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert_eq!(same_word(a, b), a == b, "{a:?} {b:?}");
            assert!(same_word(a, a));
            equal += usize::from(a == b);
        }
        assert!(equal > 0, "no equal pair was tried");
    }

    #[test]
    fn state_words_memo() {
        let mut w = StateWords::default();
        assert_eq!(w.get(b"ESTABLISHED"), Some(TcpState::Established));
        assert_eq!(w.get(b"ESTABLISHED"), Some(TcpState::Established));
        assert_eq!(w.get(b"VERBUNDEN"), Some(TcpState::Established));
        assert_eq!(w.get(b"Foreign"), None);
        assert_eq!(w.get("OUÇA".as_bytes()), Some(TcpState::Listen));
        assert_eq!(w.get(b"OU\xc7A"), Some(TcpState::Listen));
        assert_eq!(w.get(b"7"), None);
        assert_eq!(w.get(b"a:b"), None);
        assert_eq!(w.get(b"ABH\x99REN"), Some(TcpState::Listen));
        assert_eq!(w.get(b"POSLEDN\xc3\x8d"), None);
        assert_eq!(
            w.get_pair("POSLEDNÍ".as_bytes(), b"ACK"),
            Some(TcpState::LastAck)
        );
        assert_eq!(w.get_pair(b"POSLEDN\xcd", b"ACK"), Some(TcpState::LastAck));
        // Two fields that only fold into a state word are not one.
        assert_eq!(w.get_pair(b"LAST", b"ACK"), None);
        assert_eq!(w.get_pair(b"FIN_WAIT", b"2"), None);
        assert_eq!(w.get_pair(b"ABH\x99REN", b"1234"), None);
    }
}

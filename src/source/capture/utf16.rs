//! Captures saved as UTF-16 — Windows PowerShell 5.1's `>` and `Out-File` write UTF-16LE with a
//! byte-order mark — told from their first bytes and read as UTF-8 through a streaming
//! reader: each chunk read is decoded with `char::decode_utf16` and handed on, holding back
//! only an odd byte or a high surrogate whose pair has not come yet, so a file of any size is
//! read whole, never cut. The byte-order mark is dropped; a surrogate without its pair becomes
//! U+FFFD, which leaves the row it is in unread (and named), never silently changed.

use std::io::{self, Read};

/// The byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Little,
    Big,
}

/// The byte order of `head` when it is UTF-16: from its byte-order mark, or, without one, from
/// the NUL byte every ASCII character has (in nine units of ten at least).
pub(crate) fn sniff(head: &[u8]) -> Option<Order> {
    if head.starts_with(&[0xFF, 0xFE]) {
        return Some(Order::Little);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Some(Order::Big);
    }
    let h = &head[..head.len().min(512)];
    let pairs = h.len() / 2;
    let nul_at = |first: usize| h.iter().skip(first).step_by(2).filter(|&&b| b == 0).count();
    if pairs < 8 {
        None
    } else if nul_at(1) * 10 >= pairs * 9 {
        Some(Order::Little)
    } else if nul_at(0) * 10 >= pairs * 9 {
        Some(Order::Big)
    } else {
        None
    }
}

/// Bytes of UTF-16 read at a time.
const CHUNK: usize = 64 * 1024;

/// A reader of UTF-16 text that yields it as UTF-8.
pub(crate) struct Utf16Reader<R> {
    inner: R,
    order: Order,
    raw: Vec<u8>,
    /// Bytes of `raw` left over from the last read: an odd byte, or a high surrogate's two.
    held: usize,
    units: Vec<u16>,
    out: Vec<u8>,
    pos: usize,
    started: bool,
    done: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub(crate) fn new(inner: R, order: Order) -> Utf16Reader<R> {
        Utf16Reader {
            inner,
            order,
            raw: vec![0; CHUNK + 4],
            held: 0,
            units: Vec::with_capacity(CHUNK / 2),
            out: Vec::with_capacity(CHUNK * 3 / 2),
            pos: 0,
            started: false,
            done: false,
        }
    }

    /// Decode the next chunk into `out`.
    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let n = loop {
            match self.inner.read(&mut self.raw[self.held..self.held + CHUNK]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        let end = self.held + n;
        if n == 0 {
            self.done = true;
        }
        let unit = |b: &[u8]| match self.order {
            Order::Little => u16::from_le_bytes([b[0], b[1]]),
            Order::Big => u16::from_be_bytes([b[0], b[1]]),
        };
        self.units.clear();
        self.units
            .extend(self.raw[..end - end % 2].chunks_exact(2).map(unit));
        let mut keep = end % 2;
        // A high surrogate last may have its pair in the next chunk.
        if !self.done
            && let Some(&last) = self.units.last()
            && (0xD800..0xDC00).contains(&last)
        {
            self.units.pop();
            keep += 2;
        }
        let mut units = &self.units[..];
        if !self.started && !units.is_empty() {
            self.started = true;
            if units[0] == 0xFEFF {
                units = &units[1..];
            }
        }
        let mut tmp = [0u8; 4];
        for c in char::decode_utf16(units.iter().copied()) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            self.out
                .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        if self.done && keep > 0 {
            // An odd byte at the very end: half a character.
            self.out
                .extend_from_slice(char::REPLACEMENT_CHARACTER.encode_utf8(&mut tmp).as_bytes());
            keep = 0;
        }
        self.raw.copy_within(end - keep..end, 0);
        self.held = keep;
        Ok(())
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = (self.out.len() - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// UTF-16 text held in memory, as UTF-8.
pub(crate) fn to_utf8(bytes: &[u8], order: Order) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() * 3 / 2);
    Utf16Reader::new(bytes, order).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    use crate::source::capture::testutil::Trickle;

    #[test]
    fn sniffs_the_byte_order() {
        let text = "  TCP    0.0.0.0:135    0.0.0.0:0    LISTENING    1\r\n";
        assert_eq!(sniff(&le(text, true)), Some(Order::Little));
        assert_eq!(sniff(&le(text, false)), Some(Order::Little));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(sniff(&be), Some(Order::Big));
        assert_eq!(sniff(text.as_bytes()), None);
        assert_eq!(sniff(b"\xff"), None);
    }

    #[test]
    fn decodes_across_any_cut() {
        let text = "Aktive Verbindungen\r\n  TCP  [::]:135  [::]:0  ABHÖREN  624 😀 活动连接\r\n";
        let bytes = le(text, true);
        for step in 1..9 {
            let mut out = String::new();
            Utf16Reader::new(Trickle(&bytes, step), Order::Little)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text, "step {step}");
        }
        assert_eq!(to_utf8(&bytes, Order::Little).unwrap(), text.as_bytes());
    }

    #[test]
    fn broken_units_become_replacement_characters() {
        // A lone low surrogate, a high one with no pair at the end, an odd last byte.
        let mut b = le("a", false);
        b.extend_from_slice(&[0x00, 0xDC, b'b', 0, 0x00, 0xD8]);
        assert_eq!(
            String::from_utf8(to_utf8(&b, Order::Little).unwrap()).unwrap(),
            "a\u{fffd}b\u{fffd}"
        );
        let mut b = le("ab", false);
        b.push(b'c');
        assert_eq!(
            String::from_utf8(to_utf8(&b, Order::Little).unwrap()).unwrap(),
            "ab\u{fffd}"
        );
    }
}

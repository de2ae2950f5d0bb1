//! Streaming line splitter for captures: reads the input in 1 MiB chunks into one reused
//! buffer (or walks an in-memory slice), finds line ends with `memchr`, and hands each line to a
//! callback as a borrowed `&[u8]` with its 1-based number. A line ends at `\n`, `\r\n` or a lone
//! `\r` (old Mac editors and some terminals' copy end lines so). Each line is already tidied
//! for parsing: a UTF-8
//! byte-order mark, `\r`, trailing whitespace, a pasted trailing backslash and a markdown `>`
//! quote prefix gone. A line longer than `MAX_LINE` is cut to its first `MAX_LINE` bytes and
//! flagged; the rest of it is read and thrown away without growing the buffer, so no input
//! makes memory grow.

use std::io::{self, Read};
use std::ops::ControlFlow;

use super::fields::{HIGHS, byte_mask, is_space, space_mask};

/// Buffer size and longest line kept whole.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// One line as the parsers see it.
pub(crate) struct Line<'a> {
    pub no: u64,
    pub text: &'a [u8],
    /// The line was longer than `MAX_LINE`; `text` is its head.
    pub cut: bool,
}

/// Where the first line of `b` ends: the index of its terminator and the terminator's length
/// (`\n`, `\r\n` or a lone `\r`). `None` when `b` holds no line end yet, or ends in a `\r`
/// whose `\n` may still come (`more`: the input goes on past `b`).
#[inline]
pub(crate) fn line_end(b: &[u8], more: bool) -> Option<(usize, usize)> {
    let i = memchr::memchr2(b'\n', b'\r', b)?;
    if b[i] == b'\n' {
        return Some((i, 1));
    }
    match b.get(i + 1) {
        Some(b'\n') => Some((i, 2)),
        Some(_) => Some((i, 1)),
        None if more => None,
        None => Some((i, 1)),
    }
}

/// Strip what pastes add around a row.
#[inline]
pub(crate) fn tidy(mut s: &[u8]) -> &[u8] {
    // A UTF-8 byte-order mark (Windows editors put one on the first line).
    if let [0xEF, 0xBB, 0xBF, rest @ ..] = s {
        s = rest;
    }
    // Trailing padding eight bytes at a time, then byte by byte.
    while let Some((head, tail)) = s.split_last_chunk::<8>() {
        let w = u64::from_le_bytes(*tail);
        let keep = !(space_mask(w) | byte_mask(w, b'\\')) & HIGHS;
        if keep == 0 {
            s = head;
            continue;
        }
        s = &s[..s.len() - keep.leading_zeros() as usize / 8];
        break;
    }
    while let [rest @ .., last] = s {
        if is_space(*last) || *last == b'\\' {
            s = rest;
        } else {
            break;
        }
    }
    // A markdown quote (`> tcp 0 0 …`); nothing we read starts with `>`.
    let lead = s.iter().take_while(|&&b| is_space(b)).count();
    if s.get(lead) == Some(&b'>') {
        s = &s[lead..];
        while let [b'>', rest @ ..] = s {
            s = rest;
        }
    }
    s
}

/// Call `f` on every line of `bytes`.
pub(crate) fn slice_lines<'a>(
    bytes: &'a [u8],
    first_no: u64,
    mut f: impl FnMut(Line<'a>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut no = first_no;
    let mut rest = bytes;
    while !rest.is_empty() {
        let (line, next) = match line_end(rest, false) {
            Some((i, k)) => (&rest[..i], &rest[i + k..]),
            None => (rest, &b""[..]),
        };
        let cut = line.len() > MAX_LINE;
        let text = tidy(&line[..line.len().min(MAX_LINE)]);
        f(Line { no, text, cut })?;
        no += 1;
        rest = next;
    }
    ControlFlow::Continue(())
}

/// A reader with the bytes already taken from it for format detection.
pub(crate) struct Chunked<R> {
    r: R,
    buf: Vec<u8>,
    filled: usize,
    eof: bool,
}

impl<R: Read> Chunked<R> {
    pub(crate) fn new(r: R) -> Chunked<R> {
        Chunked {
            r,
            buf: vec![0; MAX_LINE],
            filled: 0,
            eof: false,
        }
    }

    fn read_more(&mut self) -> io::Result<usize> {
        loop {
            match self.r.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(0);
                }
                Ok(n) => {
                    self.filled += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Read until at least `want` bytes are buffered (or the input ends); return them, and
    /// whether they are the whole input.
    pub(crate) fn head(&mut self, want: usize) -> io::Result<(&[u8], bool)> {
        let want = want.min(self.buf.len());
        while self.filled < want && !self.eof {
            self.read_more()?;
        }
        Ok((&self.buf[..self.filled], self.eof))
    }

    /// The bytes buffered so far (only `head` was asked) and the reader the rest comes from.
    pub(crate) fn into_parts(mut self) -> (Vec<u8>, R) {
        self.buf.truncate(self.filled);
        (self.buf, self.r)
    }

    /// How many bytes were read from the reader so far (all of them held: only `head` was
    /// asked).
    pub(crate) fn read_so_far(&self) -> usize {
        self.filled
    }

    /// Call `f` on every line, streaming.
    pub(crate) fn lines(
        &mut self,
        mut f: impl FnMut(Line<'_>) -> ControlFlow<()>,
    ) -> io::Result<ControlFlow<()>> {
        let mut no = 1u64;
        let mut start = 0usize;
        let mut scanned = 0usize;
        loop {
            while let Some((i, k)) = line_end(&self.buf[scanned..self.filled], !self.eof) {
                let end = scanned + i;
                let line = Line {
                    no,
                    text: tidy(&self.buf[start..end]),
                    cut: false,
                };
                if f(line).is_break() {
                    return Ok(ControlFlow::Break(()));
                }
                no += 1;
                start = end + k;
                scanned = start;
            }
            // A `\r` last in the buffer is looked at again once its `\n` may have come.
            scanned = if self.buf[scanned..self.filled].last() == Some(&b'\r') {
                self.filled - 1
            } else {
                self.filled
            };
            if self.eof {
                if start < self.filled {
                    let line = Line {
                        no,
                        text: tidy(&self.buf[start..self.filled]),
                        cut: false,
                    };
                    if f(line).is_break() {
                        return Ok(ControlFlow::Break(()));
                    }
                }
                return Ok(ControlFlow::Continue(()));
            }
            if start > 0 {
                self.buf.copy_within(start..self.filled, 0);
                self.filled -= start;
                scanned -= start;
                start = 0;
            }
            if self.filled == self.buf.len() {
                // A line longer than the buffer: parse its head, throw the rest away.
                let line = Line {
                    no,
                    text: tidy(&self.buf),
                    cut: true,
                };
                if f(line).is_break() {
                    return Ok(ControlFlow::Break(()));
                }
                no += 1;
                loop {
                    self.filled = 0;
                    if self.read_more()? == 0 {
                        return Ok(ControlFlow::Continue(()));
                    }
                    if let Some(i) = memchr::memchr2(b'\n', b'\r', &self.buf[..self.filled]) {
                        // A `\r\n` split by the end of this read leaves its `\n` behind,
                        // which then reads as one empty line more: rare, and harmless.
                        let k = if self.buf[i..self.filled].starts_with(b"\r\n") {
                            2
                        } else {
                            1
                        };
                        self.buf.copy_within(i + k..self.filled, 0);
                        self.filled -= i + k;
                        break;
                    }
                }
                scanned = 0;
                continue;
            }
            self.read_more()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_strips_trailing_padding_like_a_byte_loop() {
        let alphabet = b"a1: \t\r\\\x00\x7f\x80\xdc\xff";
        for line in crate::source::capture::testutil::random_lines(alphabet, 30, 20_000) {
            let mut want = &line[..];
            while let [rest @ .., last] = want {
                if is_space(*last) || *last == b'\\' {
                    want = rest;
                } else {
                    break;
                }
            }
            let got = tidy(&line);
            // tidy may also strip a byte-order mark or a quote mark in front; the end agrees.
            assert_eq!(got.as_ptr_range().end, want.as_ptr_range().end, "{line:?}");
        }
        assert_eq!(
            tidy(b"ESTAB 0 0 1.1.1.1:1 2.2.2.2:2            \\\r"),
            b"ESTAB 0 0 1.1.1.1:1 2.2.2.2:2"
        );
    }

    use crate::source::capture::testutil::Trickle;

    #[test]
    fn cr_crlf_and_lf_all_end_lines() {
        let text = b"a\rb\r\nc\nd\r\re\r";
        let want: Vec<(u64, Vec<u8>)> = vec![
            (1, b"a".to_vec()),
            (2, b"b".to_vec()),
            (3, b"c".to_vec()),
            (4, b"d".to_vec()),
            (5, b"".to_vec()),
            (6, b"e".to_vec()),
        ];
        let mut got = Vec::new();
        let _ = slice_lines(text, 1, |l| {
            got.push((l.no, l.text.to_vec()));
            ControlFlow::Continue(())
        });
        assert_eq!(got, want);
        for step in 1..5 {
            let mut got = Vec::new();
            let mut c = Chunked::new(Trickle(text, step));
            let _ = c
                .lines(|l| {
                    got.push((l.no, l.text.to_vec()));
                    ControlFlow::Continue(())
                })
                .unwrap();
            assert_eq!(got, want, "step {step}");
        }
    }
}

//! Helpers the capture readers' unit tests share: random lines, one line read through a parser
//! into a fresh socket, and a reader that hands its bytes out a few at a time.

use super::engine::{Ctx, ParsedRow, RowParser};
use crate::socket::{Endpoint, Family, Socket};
use crate::tcp::state::TcpState;

/// `count` pseudo-random lines of up to `max_len - 1` bytes drawn from `alphabet` (the
/// same lines every run).
pub(crate) fn random_lines(alphabet: &[u8], max_len: u64, count: usize) -> Vec<Vec<u8>> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (0..(x % max_len) as usize)
                .map(|k| alphabet[((x >> (k % 60)) as usize + k * 7) % alphabet.len()])
                .collect()
        })
        .collect()
}

/// One line through a parser, into a fresh socket.
pub(crate) fn parse_with(p: &mut impl RowParser, cx: &mut Ctx, line: &str) -> (ParsedRow, Socket) {
    let mut s = Socket::new(
        Family::V4,
        TcpState::Close,
        Endpoint::unspecified(),
        Endpoint::unspecified(),
    );
    let r = p.row(line.as_bytes(), cx, &mut s);
    (r, s)
}

/// One line through a fresh parser with a fresh context.
pub(crate) fn parse(mut p: impl RowParser, line: &str) -> (ParsedRow, Socket) {
    parse_with(&mut p, &mut Ctx::default(), line)
}

/// The socket a line reads as; panics with the reason when it is not one.
pub(crate) fn ok(p: impl RowParser, line: &str) -> Socket {
    match parse(p, line) {
        (ParsedRow::Socket, s) => s,
        (ParsedRow::Unread(w), _) => panic!("unread: {w}: {line}"),
        _ => panic!("not a socket: {line}"),
    }
}

/// A reader that hands out at most `.1` bytes a call, so line ends, UTF-16 units and surrogate
/// pairs fall across reads.
pub(crate) struct Trickle<'a>(pub(crate) &'a [u8], pub(crate) usize);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(self.0.len()).min(buf.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

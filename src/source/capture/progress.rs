//! How far a long capture has been read, for whoever shows it (the binary draws a bar on a
//! terminal): a capture file of at least `PROGRESS_MIN` bytes reports its size once, then the
//! bytes read as the reader hands them over (one call per 1 MiB read, not per line), then the
//! end. The library draws nothing itself.

use std::io::{self, Read};
use std::sync::Arc;

/// Files smaller than this are read too fast for progress to be worth showing.
pub const PROGRESS_MIN: u64 = 64 << 20;

/// Told how reading a long capture goes.
pub trait ReadProgress: Send + Sync {
    /// Reading `file`, of `total` bytes, begins.
    fn start(&self, file: &str, total: u64);
    /// `bytes` more were read.
    fn advance(&self, bytes: u64);
    /// The run over the file ended (read through, stopped early, or failed).
    fn finish(&self);
}

/// A reader that tells `progress` what it reads.
pub(crate) struct Counting<R> {
    pub inner: R,
    pub progress: Arc<dyn ReadProgress>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

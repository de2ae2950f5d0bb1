//! The fallback live source: `/proc/net/tcp` and `/proc/net/tcp6` of the calling thread's
//! network namespace (through `/proc/thread-self/net`, which follows `setns`). The rows are
//! read by the capture reader's `/proc` parser — the project's one reader of that format — fed
//! straight from the kernel's files in large chunks, and tagged with the namespace.

use std::fs::File;

use super::capture::{CaptureSource, InputFormat};
use super::{Query, Report, Source, SourceError};
use crate::socket::{Family, Flow, Sink, Socket};

/// The live `/proc/net/tcp{,6}` source.
pub struct ProcSource {
    root: String,
    netns: u64,
}

impl ProcSource {
    /// Read the calling thread's namespace (`/proc/thread-self/net`).
    pub fn new() -> ProcSource {
        ProcSource {
            root: "/proc/thread-self/net".to_string(),
            netns: super::netlink::current_netns_inode(),
        }
    }
}

impl Default for ProcSource {
    fn default() -> Self {
        ProcSource::new()
    }
}

/// Sets each socket's namespace before passing it on.
struct Tag<'a> {
    netns: u64,
    inner: &'a mut dyn Sink,
}

impl Sink for Tag<'_> {
    fn socket(&mut self, s: &Socket) -> Flow {
        if self.netns == 0 {
            return self.inner.socket(s);
        }
        let mut s = s.clone();
        s.netns = self.netns;
        self.inner.socket(&s)
    }
}

impl Source for ProcSource {
    fn run(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        let mut report = Report::default();
        for family in query.families() {
            let path = match family {
                Family::V4 => format!("{}/tcp", self.root),
                Family::V6 => format!("{}/tcp6", self.root),
            };
            let file = match File::open(&path) {
                Ok(f) => f,
                // A kernel without IPv6 has no tcp6.
                Err(e) if family == Family::V6 && e.kind() == std::io::ErrorKind::NotFound => {
                    continue;
                }
                Err(err) => return Err(SourceError::Io { path, err }),
            };
            let mut src = CaptureSource::from_reader(path, file).with_format(InputFormat::Proc);
            let mut tag = Tag {
                netns: self.netns,
                inner: sink,
            };
            let r = src.run(query, &mut tag)?;
            report.sockets += r.sockets;
            report.unread.extend(r.unread);
        }
        Ok(report)
    }
}

//! The fallback live source: `/proc/net/tcp` and `/proc/net/tcp6` of the network namespace
//! the source was opened in. The files are opened at construction through
//! `/proc/thread-self/net` (which follows `setns`), and a /proc/net file stays bound to the
//! namespace it was opened in, so a source opened in a thread inside another namespace reads
//! that namespace from any thread. Each run reads the files again from the start, in large
//! chunks, through the capture reader's `/proc` parser — the project's one reader of that
//! format — and tags the sockets with the namespace.

use std::fs::File;
use std::io::{Seek, SeekFrom};

use super::capture::{CaptureSource, InputFormat};
use super::{Query, Report, Source, SourceError};
use crate::sink::{Sink, StopNoted};
use crate::socket::Family;
use crate::tcp::state::TcpState;

/// One of the two files, as opening it went.
#[derive(Debug)]
enum Opened {
    File(File),
    /// tcp6 on a kernel without IPv6.
    Absent,
    Failed(std::io::ErrorKind, String),
}

/// The live `/proc/net/tcp{,6}` source.
#[derive(Debug)]
pub struct ProcSource {
    files: [(String, Opened); 2],
    netns: u64,
}

impl ProcSource {
    /// Open the calling thread's namespace's files (`/proc/thread-self/net/tcp{,6}`). A file
    /// that cannot be opened is reported by `run`.
    pub fn new() -> ProcSource {
        let open = |family: Family| {
            let path = match family {
                Family::V4 => "/proc/thread-self/net/tcp",
                Family::V6 => "/proc/thread-self/net/tcp6",
            };
            let opened = match File::open(path) {
                Ok(f) => Opened::File(f),
                Err(e) if family == Family::V6 && e.kind() == std::io::ErrorKind::NotFound => {
                    Opened::Absent
                }
                Err(e) => Opened::Failed(e.kind(), e.to_string()),
            };
            (path.to_string(), opened)
        };
        ProcSource {
            files: [open(Family::V4), open(Family::V6)],
            netns: super::netlink::current_netns_inode(),
        }
    }

    /// Like `new`, but fail at once when `/proc/net/tcp` cannot be opened.
    pub fn open() -> Result<ProcSource, SourceError> {
        let s = ProcSource::new();
        if let (path, Opened::Failed(kind, msg)) = &s.files[0] {
            return Err(SourceError::Io {
                path: path.clone(),
                err: std::io::Error::new(*kind, msg.clone()),
            });
        }
        Ok(s)
    }

    /// Inode of the namespace the files belong to.
    pub fn netns(&self) -> u64 {
        self.netns
    }
}

impl Default for ProcSource {
    fn default() -> Self {
        ProcSource::new()
    }
}

impl Source for ProcSource {
    fn run(&mut self, query: &Query, sink: &mut dyn Sink) -> Result<Report, SourceError> {
        let mut report = Report::default();
        if query.states.contains(TcpState::BoundInactive) {
            report.notices.push(
                "/proc/net/tcp does not list bound-inactive sockets (sock_diag netlink on Linux \
                 6.5 and later does); BOUND_INACTIVE is not counted"
                    .into(),
            );
        }
        for family in query.families() {
            let (path, opened) = &self.files[family.index()];
            let mut file = match opened {
                Opened::File(f) => f,
                Opened::Absent => continue,
                Opened::Failed(kind, msg) => {
                    return Err(SourceError::Io {
                        path: path.clone(),
                        err: std::io::Error::new(*kind, msg.clone()),
                    });
                }
            };
            let io_err = |err| SourceError::Io {
                path: path.clone(),
                err,
            };
            file.seek(SeekFrom::Start(0)).map_err(io_err)?;
            let dup = file.try_clone().map_err(io_err)?;
            let mut src = CaptureSource::from_reader(path.clone(), dup)
                .with_format(InputFormat::Proc)
                .with_netns(self.netns);
            let mut noted = StopNoted::new(&mut *sink);
            let r = src.run(query, &mut noted)?;
            report.sockets += r.sockets;
            report.unread.extend(r.unread);
            if noted.stopped {
                break;
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::Flow;
    use crate::socket::Socket;

    #[test]
    fn runs_twice_from_the_same_files() {
        let _l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut src = ProcSource::open().unwrap();
        let count = |src: &mut ProcSource| {
            let mut n = 0u64;
            src.run(&Query::default(), &mut |_: &Socket| {
                n += 1;
                Flow::Continue
            })
            .unwrap();
            n
        };
        let first = count(&mut src);
        assert!(first >= 1);
        assert!(count(&mut src) >= 1);
    }
}

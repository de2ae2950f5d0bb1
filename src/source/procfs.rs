//! The fallback live source: `/proc/net/tcp` and `/proc/net/tcp6` of the network namespace
//! the source was opened in. The files are opened at construction through
//! `/proc/thread-self/net` (which follows `setns`), and a /proc/net file stays bound to the
//! namespace it was opened in, so a source opened in a thread inside another namespace reads
//! that namespace from any thread. Each run reads the files again from the start. Rows are
//! decoded by `decode_row`, the project's one reader of that format, which saved `/proc`
//! dumps use too. The files are read in chunks and decoded line by line, never whole.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Query, Report, Source, SourceError};
use crate::socket::{Endpoint, Family, Flow, Sink, Socket, Timer, TimerKind};
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
            let mut rd = BufReader::with_capacity(128 * 1024, file);
            let mut line = Vec::with_capacity(256);
            let mut lineno = 0u64;
            loop {
                line.clear();
                let n = rd.read_until(b'\n', &mut line).map_err(io_err)?;
                if n == 0 {
                    break;
                }
                lineno += 1;
                if lineno == 1 {
                    continue; // header
                }
                match decode_row(&line, family) {
                    Ok(Some(mut s)) => {
                        if !query.states.contains(s.state) {
                            continue;
                        }
                        s.netns = self.netns;
                        report.sockets += 1;
                        if sink.socket(&s) == Flow::Stop {
                            return Ok(report);
                        }
                    }
                    Ok(None) => {}
                    Err(why) => {
                        return Err(SourceError::Parse {
                            file: path.clone(),
                            line: lineno,
                            why: why.to_string(),
                        });
                    }
                }
            }
        }
        Ok(report)
    }
}

fn hex_u32(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 8 {
        return None;
    }
    let mut v = 0u32;
    for &c in s {
        v = v << 4 | (c as char).to_digit(16)?;
    }
    Some(v)
}

fn hex_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    let mut v = 0u64;
    for &c in s {
        v = v << 4 | u64::from((c as char).to_digit(16)?);
    }
    Some(v)
}

fn dec_u64(s: &[u8]) -> Option<u64> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Decode `ADDR:PORT` in /proc's hex form: IPv4 as one 32-bit word in host byte order, IPv6
/// as four such words, the port big-endian.
fn decode_endpoint(s: &[u8], family: Family) -> Option<Endpoint> {
    let colon = memchr::memrchr(b':', s)?;
    let (a, p) = (&s[..colon], &s[colon + 1..]);
    let port = u16::try_from(hex_u32(p)?).ok()?;
    let ip = match (family, a.len()) {
        (Family::V4, 8) => IpAddr::V4(Ipv4Addr::from(hex_u32(a)?.to_le_bytes())),
        (Family::V6, 32) => {
            let mut b = [0u8; 16];
            for i in 0..4 {
                b[i * 4..i * 4 + 4].copy_from_slice(&hex_u32(&a[i * 8..i * 8 + 8])?.to_le_bytes());
            }
            IpAddr::V6(Ipv6Addr::from(b))
        }
        _ => return None,
    };
    Some(Endpoint::new(ip, port))
}

/// Decode one row of `/proc/net/tcp` or `/proc/net/tcp6`:
/// `sl local rem st tx:rx tr:when retrnsmt uid timeout inode …`.
/// Returns `Ok(None)` for a header or blank line, `Err` for a row that cannot be read.
pub fn decode_row(line: &[u8], family: Family) -> Result<Option<Socket>, &'static str> {
    let mut f = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let Some(sl) = f.next() else {
        return Ok(None);
    };
    if sl == b"sl" {
        return Ok(None);
    }
    if sl.last() != Some(&b':') {
        return Err("a row must start with its slot number ('0:')");
    }
    let mut next = |what: &'static str| f.next().ok_or(what);
    let local = decode_endpoint(next("the row ends before the local address")?, family)
        .ok_or("the local address is not hex ADDR:PORT")?;
    let remote = decode_endpoint(next("the row ends before the remote address")?, family)
        .ok_or("the remote address is not hex ADDR:PORT")?;
    let st = hex_u32(next("the row ends before the state")?).ok_or("the state is not hex")?;
    let state = u8::try_from(st)
        .ok()
        .and_then(TcpState::from_kernel)
        .ok_or("the state is not a kernel TCP state (01-0D)")?
        .reported();
    let q = next("the row ends before tx_queue:rx_queue")?;
    let c = memchr::memchr(b':', q).ok_or("tx_queue:rx_queue lacks its ':'")?;
    let send_q = hex_u32(&q[..c]).ok_or("tx_queue is not hex")?;
    let recv_q = hex_u32(&q[c + 1..]).ok_or("rx_queue is not hex")?;
    let t = next("the row ends before tr:tm->when")?;
    let c = memchr::memchr(b':', t).ok_or("tr:tm->when lacks its ':'")?;
    let tr = hex_u32(&t[..c]).ok_or("tr is not hex")?;
    let when = hex_u64(&t[c + 1..]).ok_or("tm->when is not hex")?;
    let retr = hex_u32(next("the row ends before retrnsmt")?).ok_or("retrnsmt is not hex")?;
    let uid = dec_u64(next("the row ends before uid")?).ok_or("uid is not a number")?;
    let _timeout = next("the row ends before timeout")?;
    let inode = dec_u64(next("the row ends before inode")?).ok_or("inode is not a number")?;
    let mini = matches!(state, TcpState::TimeWait | TcpState::SynRecv) && inode == 0;
    // /proc prints jiffies-to-clock_t (USER_HZ = 100) ticks for tm->when.
    let kind = TimerKind::from_kernel(u8::try_from(tr).unwrap_or(0));
    Ok(Some(Socket {
        family,
        state,
        recv_q,
        send_q,
        local,
        remote,
        uid: if mini { None } else { u32::try_from(uid).ok() },
        inode,
        cookie: None,
        timer: Timer {
            kind,
            expires_ms: when.saturating_mul(10),
            retransmits: retr,
        },
        netns: 0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_v4_and_v6_rows() {
        let v4 = b"   0: 0100007F:0016 00000000:0000 0A 00000000:00000080 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0\n";
        let s = decode_row(v4, Family::V4).unwrap().unwrap();
        assert_eq!(s.state, TcpState::Listen);
        assert_eq!(s.local, Endpoint::new("127.0.0.1".parse().unwrap(), 22));
        assert_eq!(s.recv_q, 0x80);
        assert_eq!(s.inode, 1234);
        let v6 = b"  1: 4606012600F1019E000000004C3A0000:E700 8028032A830031F10CB0CEFADE250000:0050 01 00000000:00000000 02:000AFB12 00000000  1000        0 99 2 0000000000000000 20 4 30 10 -1";
        let s = decode_row(v6, Family::V6).unwrap().unwrap();
        assert_eq!(s.local.ip.unwrap().to_string(), "2601:646:9e01:f100::3a4c");
        assert_eq!(s.local.port, Some(59136));
        assert_eq!(
            s.remote.ip.unwrap().to_string(),
            "2a03:2880:f131:83:face:b00c:0:25de"
        );
        assert_eq!(s.timer.kind, TimerKind::Keepalive);
        assert_eq!(s.uid, Some(1000));
    }

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

    #[test]
    fn cut_rows_are_errors() {
        let cut = b"   0: 0100007F:0016 00000000:0000";
        assert!(decode_row(cut, Family::V4).is_err());
        assert_eq!(
            decode_row(b"  sl  local_address rem_address", Family::V4),
            Ok(None)
        );
    }
}

//! The receiving end of a socket stream, in the manner of a search library's sink: a source
//! drives and pushes each `&Socket` into a `Sink` the caller supplies. Before each target (the
//! host, a namespace, a capture file) the sink hears `begin`, after it `finish` with what the
//! source reported; a socket may answer `Flow::Stop` to end the run early, and an error (a
//! closed pipe, a write that failed) ends it at once and travels back to the caller. Counts
//! known only in aggregate (a saved `STATE COUNT` summary) arrive through `aggregate`, which a
//! listing sink refuses by default. Nothing upstream keeps the sockets, so a counting sink
//! runs in constant memory.

use std::io;

use crate::filter::Filter;
use crate::socket::{Family, Socket};
use crate::source::Report;
use crate::tcp::state::TcpState;

/// Whether a sink wants more sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// What a sink is told about the target whose sockets come next.
#[derive(Debug, Clone, Copy)]
pub struct TargetInfo<'a> {
    /// The name the output shows: the host name, a namespace's name, a capture's label.
    pub label: &'a str,
    /// Inode of the live network namespace; `None` for saved captures.
    pub netns: Option<u64>,
    /// Position of the target in the scope (0 for the first).
    pub index: usize,
}

/// A consumer of sockets. Only `socket` is required.
pub trait Sink {
    /// Sockets of `target` follow.
    fn begin(&mut self, _target: &TargetInfo<'_>) -> io::Result<()> {
        Ok(())
    }

    /// One socket.
    fn socket(&mut self, s: &Socket) -> io::Result<Flow>;

    /// `n` sockets in `state` (of `family`, when the summary said), known only as a count.
    fn aggregate(
        &mut self,
        _family: Option<Family>,
        _state: TcpState,
        _n: u64,
    ) -> io::Result<Flow> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this input holds a saved summary (counts per state, no sockets): it can be counted, not listed or grouped",
        ))
    }

    /// Whether the sink only counts sockets by family and state, so that
    /// `aggregate(Some(family), state, n)` stands for `n` sockets of that family and state
    /// (a reader on several cores counts its rows itself and hands over the totals). Such a
    /// sink never says stop.
    fn counts_only(&self) -> bool {
        false
    }

    /// The target's sockets have all been delivered (or the sink said stop).
    fn finish(&mut self, _report: &Report) -> io::Result<()> {
        Ok(())
    }
}

/// A closure that takes every socket and cannot fail is a sink.
impl<F: FnMut(&Socket) -> Flow> Sink for F {
    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        Ok(self(s))
    }
}

/// Stops the stream after `left` sockets (`list --limit`).
pub struct StopAfter<'a> {
    pub left: u64,
    pub inner: &'a mut dyn Sink,
}

impl Sink for StopAfter<'_> {
    fn begin(&mut self, target: &TargetInfo<'_>) -> io::Result<()> {
        self.inner.begin(target)
    }

    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        if self.left == 0 {
            return Ok(Flow::Stop);
        }
        self.left -= 1;
        let f = self.inner.socket(s)?;
        Ok(if self.left == 0 { Flow::Stop } else { f })
    }

    fn finish(&mut self, report: &Report) -> io::Result<()> {
        self.inner.finish(report)
    }
}

/// A sink that passes on only the sockets (and aggregates) a `Filter` matches.
pub struct Filtered<'a, S: ?Sized> {
    pub filter: &'a Filter,
    pub inner: &'a mut S,
}

impl<S: Sink + ?Sized> Sink for Filtered<'_, S> {
    fn begin(&mut self, target: &TargetInfo<'_>) -> io::Result<()> {
        self.inner.begin(target)
    }

    #[inline]
    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        if self.filter.matches(s) {
            self.inner.socket(s)
        } else {
            Ok(Flow::Continue)
        }
    }

    fn aggregate(&mut self, family: Option<Family>, state: TcpState, n: u64) -> io::Result<Flow> {
        let family_ok = family.is_none_or(|f| self.filter.matches_family(f));
        if family_ok && self.filter.matches_state(state) {
            self.inner.aggregate(family, state, n)
        } else {
            Ok(Flow::Continue)
        }
    }

    fn counts_only(&self) -> bool {
        self.filter.only_states() && self.inner.counts_only()
    }

    fn finish(&mut self, report: &Report) -> io::Result<()> {
        self.inner.finish(report)
    }
}

/// Passes everything on and remembers whether the sink said stop, so a caller reading
/// several sources (families, targets) knows not to go on.
pub struct StopNoted<'a> {
    pub inner: &'a mut dyn Sink,
    pub stopped: bool,
}

impl<'a> StopNoted<'a> {
    pub fn new(inner: &'a mut dyn Sink) -> StopNoted<'a> {
        StopNoted {
            inner,
            stopped: false,
        }
    }
}

impl Sink for StopNoted<'_> {
    fn begin(&mut self, target: &TargetInfo<'_>) -> io::Result<()> {
        self.inner.begin(target)
    }

    #[inline]
    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        let f = self.inner.socket(s)?;
        self.stopped |= f == Flow::Stop;
        Ok(f)
    }

    fn aggregate(&mut self, family: Option<Family>, state: TcpState, n: u64) -> io::Result<Flow> {
        let f = self.inner.aggregate(family, state, n)?;
        self.stopped |= f == Flow::Stop;
        Ok(f)
    }

    fn counts_only(&self) -> bool {
        self.inner.counts_only()
    }

    fn finish(&mut self, report: &Report) -> io::Result<()> {
        self.inner.finish(report)
    }
}

/// One sink per target, made on `begin` and kept in target order: how `--all-netns` and
/// several `--from` files get one column each from a single pass, without looking up each
/// socket's namespace.
pub struct PerTarget<S, F: FnMut() -> S> {
    make: F,
    parts: Vec<S>,
}

impl<S, F: FnMut() -> S> PerTarget<S, F> {
    pub fn new(make: F) -> PerTarget<S, F> {
        PerTarget {
            make,
            parts: Vec::new(),
        }
    }

    /// The sinks, one per target begun, in order.
    pub fn into_parts(self) -> Vec<S> {
        self.parts
    }

    fn current(&mut self) -> &mut S {
        if self.parts.is_empty() {
            self.parts.push((self.make)());
        }
        let last = self.parts.len() - 1;
        &mut self.parts[last]
    }
}

impl<S: Sink, F: FnMut() -> S> Sink for PerTarget<S, F> {
    fn begin(&mut self, target: &TargetInfo<'_>) -> io::Result<()> {
        while self.parts.len() <= target.index {
            self.parts.push((self.make)());
        }
        self.parts.truncate(target.index + 1);
        self.current().begin(target)
    }

    #[inline]
    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        self.current().socket(s)
    }

    fn aggregate(&mut self, family: Option<Family>, state: TcpState, n: u64) -> io::Result<Flow> {
        self.current().aggregate(family, state, n)
    }

    fn counts_only(&self) -> bool {
        self.parts.last().is_some_and(Sink::counts_only)
    }

    fn finish(&mut self, report: &Report) -> io::Result<()> {
        self.current().finish(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::count::Counts;
    use crate::socket::Endpoint;

    fn sock(state: TcpState) -> Socket {
        Socket::new(
            Family::V4,
            state,
            Endpoint::unspecified(),
            Endpoint::unspecified(),
        )
    }

    fn info(index: usize) -> TargetInfo<'static> {
        TargetInfo {
            label: "t",
            netns: None,
            index,
        }
    }

    #[test]
    fn one_part_per_target() {
        let mut p = PerTarget::new(Counts::new);
        p.begin(&info(0)).unwrap();
        p.socket(&sock(TcpState::Listen)).unwrap();
        p.socket(&sock(TcpState::TimeWait)).unwrap();
        p.begin(&info(1)).unwrap();
        p.begin(&info(2)).unwrap();
        p.socket(&sock(TcpState::TimeWait)).unwrap();
        let parts = p.into_parts();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].total(), 2);
        assert_eq!(parts[1].total(), 0);
        assert_eq!(parts[2].get(TcpState::TimeWait), 1);
    }

    #[test]
    fn limit_stops_and_listing_sinks_refuse_aggregates() {
        let mut seen = 0;
        let mut count = |_: &Socket| {
            seen += 1;
            Flow::Continue
        };
        let mut l = StopAfter {
            left: 2,
            inner: &mut count,
        };
        assert_eq!(l.socket(&sock(TcpState::Listen)).unwrap(), Flow::Continue);
        assert_eq!(l.socket(&sock(TcpState::Listen)).unwrap(), Flow::Stop);
        assert_eq!(l.socket(&sock(TcpState::Listen)).unwrap(), Flow::Stop);
        let err = l
            .aggregate(None, TcpState::Listen, 3)
            .expect_err("a closure cannot take counts");
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        assert_eq!(seen, 2);
    }
}

/// Keeps a copy of every socket, per target (in scope order): for a command that must act on
/// each selected socket after the scan (`kill`). Memory grows with the sockets kept.
#[derive(Debug, Default)]
pub struct Collected {
    pub per_target: Vec<Vec<Socket>>,
    current: usize,
}

impl Collected {
    /// Sockets kept, over every target.
    pub fn total(&self) -> usize {
        self.per_target.iter().map(Vec::len).sum()
    }
}

impl Sink for Collected {
    fn begin(&mut self, target: &TargetInfo<'_>) -> io::Result<()> {
        self.current = target.index;
        if self.per_target.len() <= target.index {
            self.per_target.resize_with(target.index + 1, Vec::new);
        }
        Ok(())
    }

    fn socket(&mut self, s: &Socket) -> io::Result<Flow> {
        if self.per_target.len() <= self.current {
            self.per_target.resize_with(self.current + 1, Vec::new);
        }
        self.per_target[self.current].push(s.clone());
        Ok(Flow::Continue)
    }
}

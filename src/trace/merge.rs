//! Putting events from every CPU back in time order. Each CPU's ring buffer is (nearly) in
//! order, but the buffers are read one after another, so events wait here until no CPU can
//! still deliver an older one: everything at or before a flush limit is released sorted by
//! timestamp. The caller picks the limit — the smallest of the CPUs' latest timestamps, or the
//! clock minus a small margin, whichever is later, so an idle CPU holds nothing back. An event
//! that arrives older than something already released is still released (never dropped) and
//! counted as late.

/// Anything with a timestamp.
pub trait Timed {
    fn ts(&self) -> u64;
}

/// A reorder window.
#[derive(Debug)]
pub struct Reorder<T> {
    pending: Vec<T>,
    last_out: u64,
    /// Events released after a newer one had already gone out.
    pub late: u64,
}

impl<T> Default for Reorder<T> {
    fn default() -> Self {
        Reorder {
            pending: Vec::new(),
            last_out: 0,
            late: 0,
        }
    }
}

impl<T: Timed> Reorder<T> {
    pub fn push(&mut self, item: T) {
        self.pending.push(item);
    }

    pub fn extend(&mut self, items: impl IntoIterator<Item = T>) {
        self.pending.extend(items);
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Release, in time order, every event with a timestamp at or before `limit`. `f`
    /// returns false to stop: the caller is finishing, and the rest of this release is
    /// discarded.
    pub fn flush(&mut self, limit: u64, mut f: impl FnMut(T) -> bool) {
        if self.pending.is_empty() {
            return;
        }
        // A stable sort: events with one timestamp keep their arrival order, and the input —
        // the leftover of the last release followed by each CPU's run, all nearly sorted — is
        // merged in close to linear time.
        self.pending.sort_by_key(T::ts);
        let n = self.pending.partition_point(|item| item.ts() <= limit);
        let mut stopped = false;
        for item in self.pending.drain(..n) {
            if stopped {
                continue;
            }
            let ts = item.ts();
            if ts < self.last_out {
                self.late += 1;
            }
            self.last_out = self.last_out.max(ts);
            if !f(item) {
                stopped = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Timed for (u64, char) {
        fn ts(&self) -> u64 {
            self.0
        }
    }

    #[test]
    fn releases_in_order_up_to_the_limit() {
        let mut r = Reorder::default();
        for e in [(5, 'c'), (1, 'a'), (9, 'e'), (3, 'b'), (5, 'd')] {
            r.push(e);
        }
        let mut out = Vec::new();
        r.flush(5, |e| {
            out.push(e.1);
            true
        });
        assert_eq!(out, vec!['a', 'b', 'c', 'd']);
        assert_eq!(r.len(), 1);
        r.push((4, 'x'));
        r.flush(u64::MAX, |e| {
            out.push(e.1);
            true
        });
        assert_eq!(out, vec!['a', 'b', 'c', 'd', 'x', 'e']);
        assert_eq!(r.late, 1);
    }
}

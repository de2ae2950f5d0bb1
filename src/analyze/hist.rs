//! Small HDR-style histograms: logarithmic buckets, each power of two split into 16 linear
//! sub-buckets, so any percentile is within 1/16 (6.25 %) above the true value and recording is
//! a few instructions. `Histogram` holds every bucket (976 counters, fixed whatever the range —
//! the trace's durations in nanoseconds); `SparseHistogram` holds only the buckets a value fell
//! in, for quantiles kept per group where groups are many (`summary --by … --stats`).

const SUB_BITS: u32 = 4;
const SUB: u64 = 1 << SUB_BITS;
const BUCKETS: usize = (SUB + (64 - SUB_BITS as u64) * SUB) as usize;

/// Counts of durations in log-linear buckets, plus the exact count, sum, min and max.
#[derive(Debug, Clone)]
pub struct Histogram {
    counts: Box<[u64]>,
    count: u64,
    sum: u128,
    min: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram::new()
    }
}

fn index(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let e = 63 - v.leading_zeros();
    let sub = (v >> (e - SUB_BITS)) & (SUB - 1);
    (SUB + u64::from(e - SUB_BITS) * SUB + sub) as usize
}

/// The largest value that falls in bucket `i`.
fn upper(i: usize) -> u64 {
    let i = i as u64;
    if i < SUB {
        return i;
    }
    let e = (i - SUB) / SUB + u64::from(SUB_BITS);
    let sub = (i - SUB) % SUB;
    let shift = e - u64::from(SUB_BITS);
    ((SUB + sub + 1) << shift).wrapping_sub(1)
}

impl Histogram {
    pub fn new() -> Histogram {
        Histogram {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            count: 0,
            sum: 0,
            min: u64::MAX,
            max: 0,
        }
    }

    #[inline]
    pub fn record(&mut self, v: u64) {
        self.counts[index(v)] += 1;
        self.count += 1;
        self.sum += u128::from(v);
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn max(&self) -> u64 {
        self.max
    }

    pub fn min(&self) -> Option<u64> {
        (self.count > 0).then_some(self.min)
    }

    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / self.count as f64)
    }

    /// The value at quantile `q` (0..=1): the top of the bucket holding that rank, never
    /// more than the largest value recorded. `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = rank_of(q, self.count);
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(upper(i).min(self.max).max(self.min));
            }
        }
        Some(self.max)
    }
}

/// The 1-based rank of quantile `q` among `count` values (nearest rank).
fn rank_of(q: f64, count: u64) -> u64 {
    ((q.clamp(0.0, 1.0) * count as f64).ceil() as u64).max(1)
}

/// The buckets of `Histogram`, stored only where a value fell (in bucket order): a group of
/// three sockets costs three entries, and no group more than the 976 buckets, whatever the
/// number of values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SparseHistogram {
    /// (bucket, values in it), by bucket.
    buckets: Vec<(u16, u64)>,
    count: u64,
    min: u64,
    max: u64,
}

impl SparseHistogram {
    pub fn record(&mut self, v: u64) {
        // `index` is below BUCKETS (976), so it fits a u16.
        let i = index(v) as u16;
        match self.buckets.binary_search_by_key(&i, |&(b, _)| b) {
            Ok(at) => self.buckets[at].1 += 1,
            Err(at) => self.buckets.insert(at, (i, 1)),
        }
        self.min = if self.count == 0 { v } else { self.min.min(v) };
        self.max = self.max.max(v);
        self.count += 1;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// As `Histogram::quantile`: the top of the bucket holding the rank, within the values
    /// seen; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = rank_of(q, self.count);
        let mut seen = 0u64;
        for &(i, c) in &self.buckets {
            seen += c;
            if seen >= rank {
                return Some(upper(usize::from(i)).min(self.max).max(self.min));
            }
        }
        Some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value() {
        assert_eq!(index(u64::MAX), BUCKETS - 1);
        for v in [0u64, 1, 15, 16, 17, 31, 32, 1000, 123_456_789, u64::MAX / 3] {
            let i = index(v);
            assert!(upper(i) >= v, "{v}");
            if i > 0 {
                assert!(upper(i - 1) < v, "{v}");
            }
        }
    }

    #[test]
    fn quantiles_within_a_sixteenth() {
        let mut h = Histogram::new();
        for v in 1..=10_000u64 {
            h.record(v * 1000);
        }
        for (q, exact) in [(0.5, 5_000_000f64), (0.9, 9_000_000.0), (0.99, 9_900_000.0)] {
            let got = h.quantile(q).unwrap() as f64;
            assert!((got - exact).abs() / exact <= 1.0 / 16.0, "{q}: {got}");
        }
        assert_eq!(h.quantile(1.0), Some(10_000_000));
        assert_eq!(h.count(), 10_000);
        assert_eq!(Histogram::new().quantile(0.5), None);
    }

    #[test]
    fn sparse_answers_as_the_full_one() {
        let mut full = Histogram::new();
        let mut sparse = SparseHistogram::default();
        for v in [250u64, 20_000, 20_480, 61_000, 7, 1_000_000, 20_100, 59_999] {
            full.record(v);
            sparse.record(v);
        }
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(sparse.quantile(q), full.quantile(q), "{q}");
        }
        assert_eq!(sparse.count(), 8);
        assert!(sparse.buckets.len() < 8, "two values share a bucket");
        assert_eq!(SparseHistogram::default().quantile(0.5), None);
        let mut one = SparseHistogram::default();
        one.record(20_317);
        assert_eq!(one.quantile(0.99), Some(20_317));
    }
}

//! A running compensated sum that can be split across threads and merged, for sums over
//! millions of terms computed in parallel (rayon `fold`/`reduce`).

/// Compensated accumulator: the rounded sum plus the exactly computed rounding errors of
/// every addition (Knuth's TwoSum, TAOCP vol. 2 §4.2.2, Theorem B; the summation scheme is
/// Neumaier's 1974 improvement of Kahan's), so the error is O(ε)·|sum| + O(nε²)·Σ|xᵢ| instead
/// of O(nε)·Σ|xᵢ|. TwoSum needs no branch, which keeps the loop that feeds it fast.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CompensatedSum {
    sum: f64,
    err: f64,
}

impl CompensatedSum {
    /// Add one term.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let s = self.sum + x;
        let xv = s - self.sum;
        // TwoSum: the exact error of sum + x, with no assumption on their magnitudes.
        self.err += (self.sum - (s - xv)) + (x - xv);
        self.sum = s;
    }

    /// Merge another accumulator into this one (its sum and its error terms).
    #[inline]
    pub fn merge(mut self, other: CompensatedSum) -> CompensatedSum {
        self.add(other.sum);
        self.err += other.err;
        self
    }

    /// The compensated total.
    pub fn total(&self) -> f64 {
        self.sum + self.err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellation_is_exact_and_merging_keeps_it() {
        let mut a = CompensatedSum::default();
        for x in [1e16, 1.0, -1e16, 1.0] {
            a.add(x);
        }
        assert_eq!(a.total(), 2.0);
        let (mut l, mut r) = (CompensatedSum::default(), CompensatedSum::default());
        for x in [1e100, 3.0, 1e-3] {
            l.add(x);
        }
        for x in [-1e100, 4.0] {
            r.add(x);
        }
        assert!((l.merge(r).total() - 7.001).abs() < 1e-14);
    }
}

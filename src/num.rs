//! Numerical building blocks shared by the analysis modules: compensated sums, accurate
//! mean and variance, quantiles, the standard normal ([`normal`]). Everything here is pure and
//! allocation-light.

pub mod compensated;
pub mod gamma;
pub mod normal;
pub mod sort;

pub use compensated::CompensatedSum;
pub use sort::{sort_f64, sorted_copy};

/// Slices at least this long are summed in parallel, in chunks of [`SUM_CHUNK`].
pub const PAR_SUM_FROM: usize = 1 << 17;
/// Chunk of a parallel compensated sum: fixed, so the result does not depend on the threads.
const SUM_CHUNK: usize = 1 << 16;

/// Neumaier's compensated sum (improved Kahan–Babuška; Neumaier 1974). Error O(ε) instead of
/// O(nε). Long slices ([`PAR_SUM_FROM`]) are summed chunk by chunk in parallel and the chunks'
/// sums and corrections then added in order, compensated: the same accuracy, and the same
/// result on any number of threads.
pub fn sum(xs: &[f64]) -> f64 {
    shifted_sum(xs, 0.0)
}

/// Compensated sum of `x − shift` over the slice (see [`sum`]).
fn shifted_sum(xs: &[f64], shift: f64) -> f64 {
    use rayon::prelude::*;
    if xs.len() < PAR_SUM_FROM {
        let (s, c) = neumaier(xs, shift);
        return s + c;
    }
    let parts: Vec<(f64, f64)> = xs.par_chunks(SUM_CHUNK).map(|chunk| neumaier(chunk, shift)).collect();
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for (part, correction) in parts {
        neumaier_add(&mut s, &mut c, part);
        c += correction;
    }
    s + c
}

/// Neumaier's running sum and correction of `x − shift` over the slice.
#[inline]
fn neumaier(xs: &[f64], shift: f64) -> (f64, f64) {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for &x in xs {
        neumaier_add(&mut s, &mut c, x - shift);
    }
    (s, c)
}

/// One step of Neumaier's sum: add `x` to the sum `s`, its rounding error to `c`.
#[inline(always)]
fn neumaier_add(s: &mut f64, c: &mut f64, x: f64) {
    let t = *s + x;
    // both corrections, then a select: the same sum, without a branch that random-looking
    // data (|s| ≈ |x| in short sums) would mispredict
    let (big_s, big_x) = ((*s - t) + x, (x - t) + *s);
    *c += if s.abs() >= x.abs() { big_s } else { big_x };
    *s = t;
}

/// Arithmetic mean with a compensated sum and one refinement pass (the residual mean is
/// added back), so data like NIST NumAcc4 (1e7 + small) keep full precision.
pub fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let n = xs.len() as f64;
    let m0 = sum(xs) / n;
    // Refinement: mean of residuals (Higham, Accuracy and Stability, §1.9 two-pass idea).
    m0 + shifted_sum(xs, m0) / n
}

/// Subgroups up to this size take [`mean_few`].
pub const MEAN_FEW_MAX: usize = 16;

/// Mean of a few values (a subgroup): a plain sum, then the mean of the residuals added back
/// (the same two-pass correction as [`mean`], Higham §1.9, without compensation). With a
/// handful of terms the plain sums err by a few ulps of the residuals, so this agrees with
/// [`mean`] to about an ulp of the mean (of the values' spread when the mean is near zero) at
/// a fraction of the cost (millions of subgroups).
pub fn mean_few(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let m0 = xs.iter().sum::<f64>() / n;
    m0 + xs.iter().map(|&x| x - m0).sum::<f64>() / n
}

/// Sum of squared deviations from the mean, two-pass with the corrected term
/// (Chan, Golub & LeVeque 1983, eq. 1.7): Σ(x−m)² − (Σ(x−m))²/n.
pub fn sum_sq_dev(xs: &[f64], m: f64) -> f64 {
    let (mut ss, mut s) = (0.0f64, 0.0f64);
    let (mut c_ss, mut c_s) = (0.0f64, 0.0f64);
    for &x in xs {
        let d = x - m;
        // compensated accumulation of both sums
        let q = d * d;
        let t = ss + q;
        c_ss += if ss >= q { (ss - t) + q } else { (q - t) + ss };
        ss = t;
        let t2 = s + d;
        c_s += if s.abs() >= d.abs() { (s - t2) + d } else { (d - t2) + s };
        s = t2;
    }
    let ss = ss + c_ss;
    let s = s + c_s;
    (ss - s * s / xs.len() as f64).max(0.0)
}

/// Sample variance (n − 1 denominator); NaN for fewer than two values.
pub fn variance(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return f64::NAN;
    }
    sum_sq_dev(xs, mean(xs)) / (xs.len() as f64 - 1.0)
}

/// Sample standard deviation (n − 1).
pub fn sd(xs: &[f64]) -> f64 {
    variance(xs).sqrt()
}

/// Quantile of sorted data by Hyndman & Fan type 6 (Minitab's method): position p(n+1),
/// linear interpolation, clamped to the extremes.
pub fn quantile_type6(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = p * (n as f64 + 1.0);
    if h <= 1.0 {
        return sorted[0];
    }
    if h >= n as f64 {
        return sorted[n - 1];
    }
    let lo = h.floor();
    let frac = h - lo;
    let i = lo as usize - 1;
    sorted[i] + frac * (sorted[i + 1] - sorted[i])
}

/// Median of sorted data.
pub fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 { sorted[n / 2] } else { 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]) }
}

/// Median of unsorted data (copies and selects, in linear time: the middle value, and for
/// an even count the largest value below it; the same as [`median_sorted`] of the sorted copy).
pub fn median(xs: &[f64]) -> f64 {
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    let mut v: Vec<f64> = xs.to_vec();
    let (below, &mut mid, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return mid;
    }
    let lower = below.iter().copied().max_by(f64::total_cmp).unwrap_or(mid);
    0.5 * (lower + mid)
}

#[cfg(test)]
pub(crate) mod testgen;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_sum_beats_naive() {
        let xs = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(sum(&xs), 2.0);
    }

    #[test]
    fn long_sums_are_exact_and_the_same_on_any_number_of_threads() {
        // 1e9 + k/8 for k = 0..: every term and every partial sum is exact in f64, so the true
        // sum is known; with a cancelling ±1e16 pair added the plain sum loses it
        let n = 3 * PAR_SUM_FROM + 12_345;
        let plain: Vec<f64> = (0..n).map(|k| 1e9 + (k % 8) as f64 / 8.0).collect();
        let mut spiked = plain.clone();
        spiked[5] = 1e16;
        spiked[n - 3] = -1e16;
        let exact = |xs: &[f64]| xs.iter().map(|&x| (x * 8.0) as i128).sum::<i128>() as f64 / 8.0;
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            pool.install(|| (sum(&spiked), mean(&plain)))
        };
        let (one, four) = (on(1), on(4));
        assert_eq!((one.0.to_bits(), one.1.to_bits()), (four.0.to_bits(), four.1.to_bits()));
        assert_eq!(one.0, exact(&spiked));
        assert_ne!(spiked.iter().sum::<f64>(), exact(&spiked), "the data must defeat a plain sum");
        let want = exact(&plain) / n as f64;
        assert!((one.1 - want).abs() <= want * f64::EPSILON, "{} vs {want}", one.1);
    }

    #[test]
    fn variance_of_offset_data_is_exact() {
        // NumAcc-like: large offset, small spread.
        let xs: Vec<f64> = (0..1001).map(|i| 1e9 + if i % 2 == 0 { 0.1 } else { 0.3 }).collect();
        let v = variance(&xs);
        let want = 0.01 * 1001.0 / 1000.0 * (1.0 - 1.0 / 1001.0f64.powi(2));
        assert!((v - want).abs() / want < 1e-6, "{v} vs {want}");
    }

    #[test]
    fn mean_of_few_values_agrees_with_mean() {
        let mut rng = testgen::Xorshift::new(0x5DEE_CE66_D1CE_4E5B);
        for k in 0..200_000 {
            let n = 2 + k % (MEAN_FEW_MAX - 1);
            // offsets from 0 to 1e9 (NumAcc-like), spreads from 1e-6 to 1e3
            let (offset, spread) = (10f64.powi((k % 10) as i32) * rng.uniform(), 10f64.powi((k % 10) as i32 - 6));
            let xs: Vec<f64> = (0..n).map(|_| offset + spread * (rng.uniform() - 0.5)).collect();
            let (a, b) = (mean_few(&xs), mean(&xs));
            let spread = xs.iter().map(|x| (x - b).abs()).fold(0.0, f64::max);
            assert!((a - b).abs() <= 2.0 * f64::EPSILON * (b.abs() + spread), "{xs:?}: {a} vs {b}");
        }
        // 1e7 + 0.1/0.3 alternating (NumAcc4 pattern) comes out exact to the ulp
        let xs = [1e7 + 0.1, 1e7 + 0.3, 1e7 + 0.1, 1e7 + 0.3];
        assert!((mean_few(&xs) - (1e7 + 0.2)).abs() <= 2e-9, "{}", mean_few(&xs));
        assert!(mean_few(&[]).is_nan());
    }

    #[test]
    fn type6_quartiles() {
        // R: quantile(1:10, c(.25,.5,.75), type=6) = 2.75 5.5 8.25
        let xs: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile_type6(&xs, 0.25) - 2.75).abs() < 1e-12);
        assert!((quantile_type6(&xs, 0.5) - 5.5).abs() < 1e-12);
        assert!((quantile_type6(&xs, 0.75) - 8.25).abs() < 1e-12);
        assert_eq!(quantile_type6(&[3.0], 0.25), 3.0);
    }

    proptest::proptest! {
        #[test]
        fn median_by_selection_is_the_median_of_the_sorted_copy(xs in proptest::collection::vec(proptest::prop_oneof![-5i32..5, -1000i32..1000], 1..60)) {
            let xs: Vec<f64> = xs.iter().map(|&k| f64::from(k) / 4.0).collect();
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            proptest::prop_assert_eq!(median(&xs).to_bits(), median_sorted(&sorted).to_bits());
        }
    }

    #[test]
    fn median_of_small_cases() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
        assert!(median(&[]).is_nan());
    }
}

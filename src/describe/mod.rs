//! Descriptive statistics: the contract's `describe` keys, numerically careful.
//!
//! Mean and central moments use a compensated sum and a two-pass (shifted) scheme
//! (Chan, Golub & LeVeque 1983), so the NIST StRD univariate sets reach the accuracy their
//! double representation allows. Quartiles: Hyndman & Fan type 6 (Minitab). Skewness and
//! kurtosis: adjusted Fisher–Pearson G1 and excess G2, as Excel's SKEW and KURT
//! (Joanes & Gill 1998, types "b"/"G").

use crate::num;
use serde::Serialize;

/// Descriptive statistics of one sample. Statistics that do not exist for the sample size
/// (sd for n < 2, skewness for n < 3, kurtosis for n < 4) are `None` (JSON `null`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// Number of values used.
    pub n: usize,
    /// Missing cells (blank, error values, skipped bad text).
    pub missing: usize,
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Sample standard deviation (n − 1).
    pub sd: Option<f64>,
    /// Sample variance (n − 1).
    pub variance: Option<f64>,
    /// Standard error of the mean, sd/√n.
    pub se_mean: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// First quartile (type 6).
    pub q1: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// Third quartile (type 6).
    pub q3: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Interquartile range q3 − q1.
    pub iqr: Option<f64>,
    /// Range max − min (extension).
    pub range: Option<f64>,
    /// Coefficient of variation in percent, 100·sd/|mean| (extension).
    pub cv_percent: Option<f64>,
    /// Adjusted Fisher–Pearson skewness G1 (Excel SKEW).
    pub skewness: Option<f64>,
    /// Excess kurtosis G2 (Excel KURT).
    pub kurtosis: Option<f64>,
}

/// Summarise the values (NaN entries are ignored and counted as missing in addition to
/// `missing`).
pub fn summarize(values: &[f64], missing: usize) -> Summary {
    let mut xs: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let missing = missing + (values.len() - xs.len());
    summarize_owned(&mut xs, missing)
}

/// Summarise values that are all present; reorders `xs` in place (selection for quartiles).
pub fn summarize_owned(xs: &mut [f64], missing: usize) -> Summary {
    let n = xs.len();
    if n == 0 {
        return Summary { n, missing, mean: None, sd: None, variance: None, se_mean: None, min: None, q1: None, median: None, q3: None, max: None, iqr: None, range: None, cv_percent: None, skewness: None, kurtosis: None };
    }
    let mean = num::mean(xs);
    let m = moments(xs, mean);
    let nf = n as f64;
    let variance = (n >= 2).then(|| m.m2 / (nf - 1.0));
    let sd = variance.map(f64::sqrt);
    // Excel SKEW: n/((n−1)(n−2)) Σ((x−x̄)/s)³; KURT: n(n+1)/((n−1)(n−2)(n−3)) Σ((x−x̄)/s)⁴ − 3(n−1)²/((n−2)(n−3))
    let skewness = sd.filter(|&s| n >= 3 && s > 0.0).map(|s| nf / ((nf - 1.0) * (nf - 2.0)) * m.m3 / s.powi(3));
    let kurtosis = sd.filter(|&s| n >= 4 && s > 0.0).map(|s| {
        nf * (nf + 1.0) / ((nf - 1.0) * (nf - 2.0) * (nf - 3.0)) * m.m4 / s.powi(4) - 3.0 * (nf - 1.0).powi(2) / ((nf - 2.0) * (nf - 3.0))
    });
    let q = quartiles(xs);
    Summary {
        n,
        missing,
        mean: Some(mean),
        sd,
        variance,
        se_mean: sd.map(|s| s / nf.sqrt()),
        min: Some(q.min),
        q1: Some(q.q1),
        median: Some(q.median),
        q3: Some(q.q3),
        max: Some(q.max),
        iqr: Some(q.q3 - q.q1),
        range: Some(q.max - q.min),
        cv_percent: sd.filter(|_| mean != 0.0).map(|s| 100.0 * s / mean.abs()),
        skewness,
        kurtosis,
    }
}

/// Sums of 2nd, 3rd and 4th powers of deviations from the mean (compensated, with the
/// Chan–Golub–LeVeque correction on the second).
struct Moments {
    m2: f64,
    m3: f64,
    m4: f64,
}

fn moments(xs: &[f64], mean: f64) -> Moments {
    let (mut s1, mut s2, mut s3, mut s4) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut c2 = 0.0f64;
    for &x in xs {
        let d = x - mean;
        s1 += d;
        let d2 = d * d;
        let t = s2 + d2;
        c2 += (s2 - t) + d2;
        s2 = t;
        s3 += d2 * d;
        s4 += d2 * d2;
    }
    let n = xs.len() as f64;
    // The computed mean is off by e = Σ(x−m)/n (at most half an ulp of m, which matters when
    // the spread is tiny against the level, e.g. 1e8 + 0.01): move the sums of powers to the
    // exact mean, Σ(d−e)³ = S3 − 3e·S2 + 2n·e³, Σ(d−e)⁴ = S4 − 4e·S3 + 6e²·S2 − 3n·e⁴
    // (binomial expansion with S1 = n·e; the same shift as Chan–Golub–LeVeque's for S2).
    let e = s1 / n;
    let sq = s2 + c2;
    let m3 = s3 - 3.0 * e * sq + 2.0 * n * e.powi(3);
    let m4 = s4 - 4.0 * e * s3 + 6.0 * e * e * sq - 3.0 * n * e.powi(4);
    Moments { m2: (sq - s1 * s1 / n).max(0.0), m3, m4: m4.max(0.0) }
}

/// Order statistics needed for the five-number summary.
struct Quartiles {
    min: f64,
    q1: f64,
    median: f64,
    q3: f64,
    max: f64,
}

/// Type-6 quartiles by selection (O(n)), not a full sort: every order statistic the three
/// quartiles need is found by one recursive multi-selection (each selection splits the slice,
/// the ranks below and above are found in the two halves).
fn quartiles(xs: &mut [f64]) -> Quartiles {
    let n = xs.len();
    let (min, max) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    // Hyndman & Fan type 6: position h = p(n+1); value x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎).
    let position = |p: f64| p * (n as f64 + 1.0);
    let mut ranks: Vec<usize> = Vec::with_capacity(6);
    for p in [0.25, 0.5, 0.75] {
        let h = position(p);
        if h > 1.0 && h < n as f64 {
            let i = h.floor() as usize - 1;
            ranks.extend([i, i + 1]);
        }
    }
    ranks.sort_unstable();
    ranks.dedup();
    let mut order_stat = vec![f64::NAN; ranks.len()];
    multi_select(xs, 0, &ranks, &mut order_stat);
    let at = |p: f64| -> f64 {
        let h = position(p);
        if h <= 1.0 {
            return min;
        }
        if h >= n as f64 {
            return max;
        }
        let i = h.floor() as usize - 1;
        let get = |r: usize| ranks.binary_search(&r).map(|k| order_stat[k]).unwrap_or(f64::NAN);
        let (a, b) = (get(i), get(i + 1));
        a + (h - h.floor()) * (b - a)
    };
    Quartiles { min, q1: at(0.25), median: at(0.5), q3: at(0.75), max }
}

/// Put into `out[k]` the value of rank `ranks[k]` (0-based, within the whole array; `offset` is
/// the rank of `xs[0]`). `ranks` is sorted and every rank lies inside `xs`.
fn multi_select(xs: &mut [f64], offset: usize, ranks: &[usize], out: &mut [f64]) {
    if ranks.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let local = ranks[mid] - offset;
    let (left, &mut value, right) = xs.select_nth_unstable_by(local, f64::total_cmp);
    out[mid] = value;
    let (out_left, out_rest) = out.split_at_mut(mid);
    multi_select(left, offset, &ranks[..mid], out_left);
    multi_select(right, offset + local + 1, &ranks[mid + 1..], &mut out_rest[1..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn matches_r_on_a_small_sample() {
        // R: x <- c(2,4,4,4,5,5,7,9); quantile(x, type=6) -> 4, 4.5, 6.5;
        // e1071::skewness(x, type=2) = 0.8184875; e1071::kurtosis(x, type=2) = 0.940625
        let s = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 0);
        assert_eq!(s.n, 8);
        assert!(close(s.mean.unwrap(), 5.0, 1e-15));
        assert!(close(s.variance.unwrap(), 32.0 / 7.0, 1e-14));
        assert!(close(s.q1.unwrap(), 4.0, 1e-15));
        assert!(close(s.median.unwrap(), 4.5, 1e-15));
        assert!(close(s.q3.unwrap(), 6.5, 1e-15));
        assert!(close(s.skewness.unwrap(), 0.8184875, 1e-6), "{:?}", s.skewness);
        assert!(close(s.kurtosis.unwrap(), 0.940625, 1e-6), "{:?}", s.kurtosis);
    }

    #[test]
    fn skewness_and_kurtosis_do_not_depend_on_a_large_offset() {
        // Shift invariance: 1e8 + k/1024 is exact in doubles, so the shifted sample has exactly
        // the same skewness and kurtosis; an uncorrected computed mean (off by up to 7e-9 here)
        // moved them by ~1e-6 relative.
        let base: Vec<f64> = [3.0, 7.0, 1.0, 12.0, 5.0, 5.0, 9.0, 2.0, 30.0, 4.0, 6.0].iter().map(|k| k / 1024.0).collect();
        let shifted: Vec<f64> = base.iter().map(|x| 1e8 + x).collect();
        let (a, b) = (summarize(&base, 0), summarize(&shifted, 0));
        let (sa, sb) = (a.skewness.unwrap_or(f64::NAN), b.skewness.unwrap_or(f64::NAN));
        let (ka, kb) = (a.kurtosis.unwrap_or(f64::NAN), b.kurtosis.unwrap_or(f64::NAN));
        assert!(close(sa, sb, 1e-10), "{sa} vs {sb}");
        assert!(close(ka, kb, 1e-10), "{ka} vs {kb}");
    }

    #[test]
    fn undefined_statistics_are_none() {
        let s = summarize(&[3.0], 2);
        assert_eq!(s.n, 1);
        assert_eq!(s.missing, 2);
        assert_eq!(s.sd, None);
        assert_eq!(s.skewness, None);
        assert_eq!(s.median, Some(3.0));
        let empty = summarize(&[f64::NAN], 0);
        assert_eq!(empty.n, 0);
        assert_eq!(empty.missing, 1);
        assert_eq!(empty.mean, None);
    }

    #[test]
    fn quartiles_by_selection_equal_sorted_type6() {
        for n in [1usize, 2, 3, 4, 5, 6, 7, 8, 11, 100, 101, 1000] {
            let xs: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64 * 0.5 + (i % 3) as f64).collect();
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            let s = summarize(&xs, 0);
            for (got, p) in [(s.q1, 0.25), (s.median, 0.5), (s.q3, 0.75)] {
                assert_eq!(got.unwrap(), num::quantile_type6(&sorted, p), "n={n} p={p}");
            }
        }
        let xs: Vec<f64> = (0..101).map(|i| ((i * 37) % 101) as f64 * 0.5).collect();
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let s = summarize(&xs, 0);
        assert_eq!(s.q1.unwrap(), num::quantile_type6(&sorted, 0.25));
        assert_eq!(s.q3.unwrap(), num::quantile_type6(&sorted, 0.75));
    }
}

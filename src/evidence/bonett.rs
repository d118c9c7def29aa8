//! Bonett's test and confidence interval for the ratio of two standard deviations.
//!
//! Source: D. G. Bonett (2006), "Robust confidence interval for a ratio of standard
//! deviations", Applied Psychological Measurement 30(5), 432–439; as applied in Minitab's
//! "Test for 2 Variances" (Methods and formulas: Bonett's method; Minitab's default since
//! release 17). Unlike the F test it stays valid for non-normal data: the variance of
//! ln(S1²/S2²) is estimated from a pooled kurtosis.
//!
//! With m_i the trimmed mean of sample i (trim proportion 1/(2√(n_i − 4))),
//! γ̂ = (n1 + n2) Σ_ij (x_ij − m_i)⁴ / ((n1 − 1)S1² + (n2 − 1)S2²)²,
//! se² = (γ̂ − (n1 − 3)/n1)/(n1 − 1) + (γ̂ − (n2 − 3)/n2)/(n2 − 1),
//! c(z) = [n1/(n1 − z)] / [n2/(n2 − z)], the (1 − α) interval for σ1²/σ2² is
//! exp(ln(c(z) S1²/S2²) ± z se) with z = z_{α/2}; the two-sided p-value of H0: σ1 = σ2 is the
//! α at which one end of that interval reaches 1 (found by bisection on z), as Minitab does.

use serde::Serialize;
use crate::num::normal::{pnorm_upper, qnorm};

/// Bonett's test of σ1 = σ2, with the interval for σ1/σ2.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bonett {
    /// Always `"bonett"`.
    pub test: &'static str,
    /// S1 (n−1).
    pub sd_1: f64,
    /// S2 (n−1).
    pub sd_2: f64,
    /// Point estimate of σ1/σ2.
    pub ratio: f64,
    /// Interval for σ1/σ2 at `conf_level`.
    pub ci: [f64; 2],
    /// Confidence level.
    pub conf_level: f64,
    /// Two-sided p-value of σ1 = σ2.
    pub p_value: f64,
    /// Pooled kurtosis estimate γ̂.
    pub kurtosis: f64,
}

/// Trimmed mean with trim proportion `p` (floor(n·p) values cut at each end).
fn trimmed_mean(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let k = ((n as f64) * p).floor() as usize;
    let k = k.min((n.saturating_sub(1)) / 2);
    let kept = &sorted[k..n - k];
    crate::num::mean(kept)
}

/// Bonett's test for two samples; `None` when a sample has 5 values or fewer or zero spread.
pub fn bonett(x1: &[f64], x2: &[f64], conf_level: f64) -> Option<Bonett> {
    let (n1, n2) = (x1.len(), x2.len());
    if n1 < 6 || n2 < 6 || !(0.0..1.0).contains(&conf_level) {
        return None;
    }
    let (v1, v2) = (crate::num::variance(x1), crate::num::variance(x2));
    if v1 <= 0.0 || v2 <= 0.0 || !v1.is_finite() || !v2.is_finite() {
        return None;
    }
    let fourth = |xs: &[f64]| -> f64 {
        let mut s = xs.to_vec();
        s.sort_by(f64::total_cmp);
        let m = trimmed_mean(&s, 1.0 / (2.0 * ((xs.len() as f64) - 4.0).sqrt()));
        xs.iter().map(|x| (x - m).powi(4)).sum()
    };
    let (f1, f2) = (n1 as f64, n2 as f64);
    let pooled = (f1 - 1.0) * v1 + (f2 - 1.0) * v2;
    let kurtosis = (f1 + f2) * (fourth(x1) + fourth(x2)) / (pooled * pooled);
    let se2 = (kurtosis - (f1 - 3.0) / f1) / (f1 - 1.0) + (kurtosis - (f2 - 3.0) / f2) / (f2 - 1.0);
    if se2 <= 0.0 || !se2.is_finite() {
        return None;
    }
    let se = se2.sqrt();
    let ratio2 = v1 / v2;
    let ln_c = |z: f64| (f1 / (f1 - z)).ln() - (f2 / (f2 - z)).ln();
    let z = qnorm(1.0 - (1.0 - conf_level) / 2.0);
    let centre = ln_c(z) + ratio2.ln();
    let ci = [(centre - z * se).exp().sqrt(), (centre + z * se).exp().sqrt()];
    let p_value = p_value(ratio2.ln(), se, &ln_c, f1.min(f2));
    Some(Bonett { test: "bonett", sd_1: v1.sqrt(), sd_2: v2.sqrt(), ratio: (v1 / v2).sqrt(), ci, conf_level, p_value, kurtosis })
}

/// Two-sided p-value: the z at which the interval's nearer end touches ln 1 = 0, i.e. the root
/// of g(z) = |ln c(z) + ln r| − z·se, then p = 2(1 − Φ(z)).
fn p_value(ln_r: f64, se: f64, ln_c: &dyn Fn(f64) -> f64, n_min: f64) -> f64 {
    let g = |z: f64| (ln_c(z) + ln_r).abs() - z * se;
    if g(0.0) <= 0.0 {
        return 1.0;
    }
    // c(z) has a pole at z = n_min; stay well below it (p there is ~0 for any real sample).
    let mut hi = (n_min - 1.0).min(40.0);
    if g(hi) > 0.0 {
        return 2.0 * pnorm_upper(hi);
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if g(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (2.0 * pnorm_upper(0.5 * (lo + hi))).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize, scale: f64, shift: f64) -> Vec<f64> {
        // Deterministic, roughly normal spread (normal quantiles).
        (1..=n).map(|i| shift + scale * qnorm((i as f64 - 0.5) / n as f64)).collect()
    }

    #[test]
    fn equal_samples_give_p_one_and_ci_around_one() {
        let x = sample(40, 1.0, 0.0);
        let b = bonett(&x, &x, 0.95).unwrap();
        assert!((b.ratio - 1.0).abs() < 1e-12);
        assert!(b.p_value > 0.99, "{b:?}");
        assert!(b.ci[0] < 1.0 && b.ci[1] > 1.0);
    }

    #[test]
    fn doubled_spread_is_detected_and_p_matches_ci() {
        let x = sample(60, 2.0, 5.0);
        let y = sample(60, 1.0, 0.0);
        let b = bonett(&x, &y, 0.95).unwrap();
        assert!((b.ratio - 2.0).abs() < 1e-9);
        assert!(b.p_value < 0.001, "{b:?}");
        assert!(b.ci[0] > 1.0 && b.ci[0] < 2.0 && b.ci[1] > 2.0);
        // The p-value is the level at which the interval touches 1: at conf = 1 − p the lower
        // end equals 1.
        let at = bonett(&x, &y, 1.0 - b.p_value).unwrap();
        assert!((at.ci[0] - 1.0).abs() < 1e-6, "{at:?}");
    }

    #[test]
    fn swapping_samples_inverts_the_ratio() {
        let x = sample(30, 1.5, 0.0);
        let y = sample(45, 1.0, 3.0);
        let a = bonett(&x, &y, 0.95).unwrap();
        let b = bonett(&y, &x, 0.95).unwrap();
        assert!((a.ratio * b.ratio - 1.0).abs() < 1e-12);
        assert!((a.p_value - b.p_value).abs() < 1e-9);
    }

    proptest::proptest! {
        /// σ1/σ2 does not depend on units or location: rescaling both samples by c and
        /// shifting them leaves the ratio, its interval and the p-value unchanged.
        #[test]
        fn invariant_to_units_and_location(xs in proptest::collection::vec(-100.0f64..100.0, 8..40),
                                           ys in proptest::collection::vec(-100.0f64..100.0, 8..40),
                                           c in 0.01f64..100.0, shift in -1e3f64..1e3) {
            let (Some(a), Some(b)) = (bonett(&xs, &ys, 0.95), bonett(
                &xs.iter().map(|x| x * c + shift).collect::<Vec<_>>(),
                &ys.iter().map(|y| y * c - shift).collect::<Vec<_>>(),
                0.95,
            )) else { return Ok(()) };
            proptest::prop_assert!((a.ratio - b.ratio).abs() <= 1e-9 * a.ratio);
            proptest::prop_assert!((a.p_value - b.p_value).abs() <= 1e-7);
            proptest::prop_assert!((0.0..=1.0).contains(&a.p_value));
            proptest::prop_assert!(a.ci[0] <= a.ratio * 1.5 && a.ci[1] >= a.ratio / 1.5);
        }
    }

    #[test]
    fn too_small_or_constant_samples_are_none() {
        assert!(bonett(&[1.0, 2.0, 3.0, 4.0, 5.0], &sample(10, 1.0, 0.0), 0.95).is_none());
        assert!(bonett(&[1.0; 10], &sample(10, 1.0, 0.0), 0.95).is_none());
    }
}

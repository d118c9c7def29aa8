//! Power of the two-sample t test for the observed difference, and the sample size per group
//! needed for a target power: so a reviewer can see whether a "not significant" result ever
//! had a chance. Uses the noncentral t distribution (written here: statrs has none).

use super::ttest::Alternative;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::function::beta::beta_reg;
use statrs::function::gamma::ln_gamma;

/// Noncentral t CDF P(T ≤ t) with ν degrees of freedom and noncentrality δ (R `pt(t, ν, δ)`).
///
/// Lenth (1989), "Algorithm AS 243: cumulative distribution function of the non-central t
/// distribution", *Applied Statistics* 38:185–189: for t ≥ 0,
/// P = Φ(−δ) + ½ Σⱼ [pⱼ I_x(j+½, ν/2) + qⱼ I_x(j+1, ν/2)], x = t²/(t²+ν), λ = δ²/2,
/// pⱼ = e^{−λ}λʲ/j!, qⱼ = δ e^{−λ}λʲ/(√2 Γ(j+3/2)); for t < 0, P(T ≤ t; δ) = 1 − P(T ≤ −t; −δ).
/// The Poisson weights are formed in logarithms, so large δ does not underflow; the sum runs
/// over j within λ ± (12√λ + 60) (the weights outside are below 1e-20).
pub fn pnt(t: f64, df: f64, delta: f64) -> f64 {
    if t.is_nan() || !(df > 0.0) || delta.is_nan() {
        return f64::NAN;
    }
    if df > 1e5 {
        // Abramowitz & Stegun 26.7.10 (error O(1/ν²)): the series' incomplete beta functions
        // converge slowly for huge ν, and the approximation is exact to ~1e-10 there.
        let z = (t * (1.0 - 1.0 / (4.0 * df)) - delta) / (1.0 + t * t / (2.0 * df)).sqrt();
        return crate::tests::normality::pnorm(z);
    }
    if t < 0.0 {
        return (1.0 - pnt_nonnegative(-t, df, -delta)).clamp(0.0, 1.0);
    }
    pnt_nonnegative(t, df, delta).clamp(0.0, 1.0)
}

fn pnt_nonnegative(t: f64, df: f64, delta: f64) -> f64 {
    if t.is_infinite() {
        return 1.0;
    }
    let base = crate::tests::normality::pnorm(-delta);
    if t == 0.0 {
        return base;
    }
    let x = t * t / (t * t + df);
    let lambda = 0.5 * delta * delta;
    let half_nu = 0.5 * df;
    if lambda == 0.0 {
        return base + 0.5 * beta_reg(0.5, half_nu, x);
    }
    let ln_lambda = lambda.ln();
    let ln_abs_delta = delta.abs().ln();
    let spread = 12.0 * lambda.sqrt() + 60.0;
    let first = (lambda - spread).max(0.0).floor() as usize;
    let last = (lambda + spread).ceil() as usize;
    let mut sum = 0.0;
    for j in first..=last {
        let jf = j as f64;
        let ln_pois = -lambda + jf * ln_lambda - ln_gamma(jf + 1.0);
        let p_j = ln_pois.exp();
        let q_j = delta.signum() * (ln_abs_delta - lambda + jf * ln_lambda - 0.5 * std::f64::consts::LN_2 - ln_gamma(jf + 1.5)).exp();
        if p_j == 0.0 && q_j == 0.0 {
            continue;
        }
        sum += p_j * beta_reg(jf + 0.5, half_nu, x) + q_j * beta_reg(jf + 1.0, half_nu, x);
    }
    base + 0.5 * sum
}

/// Power analysis of a two-sample comparison of means.
#[derive(Debug, Clone, Serialize)]
pub struct TwoSamplePower {
    /// The difference the power refers to (the observed mean difference).
    pub difference: f64,
    /// The standard deviation assumed (pooled sd of the two groups).
    pub sd: f64,
    /// Significance level.
    pub alpha: f64,
    /// Group sizes used for `power`.
    pub n: (usize, usize),
    /// Probability that a test at `alpha` with these sizes detects `difference`.
    pub power: f64,
    /// Smallest equal group size reaching 80 % power (`None`: difference 0 or beyond 10⁷).
    pub n_per_group_80: Option<usize>,
    /// Smallest equal group size reaching 90 % power.
    pub n_per_group_90: Option<usize>,
    /// How the power is computed.
    pub method: String,
}

/// Power of the pooled two-sample t test at `alpha` to detect a true difference `diff` with
/// common sd `sd`, group sizes n1, n2: noncentral t with δ = diff/(sd·√(1/n1 + 1/n2)),
/// ν = n1 + n2 − 2. Two-sided power counts both rejection tails (R `power.t.test(strict=TRUE)`).
/// One-sided alternatives are about the sign of diff = mean(first) − mean(second).
pub fn t2_power(diff: f64, sd: f64, n1: usize, n2: usize, alpha: f64, alt: Alternative) -> Option<f64> {
    if n1 < 2 || n2 < 2 || !(sd > 0.0) || !(alpha > 0.0 && alpha < 1.0) {
        return None;
    }
    let df = (n1 + n2 - 2) as f64;
    let delta = diff / (sd * (1.0 / n1 as f64 + 1.0 / n2 as f64).sqrt());
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let p = match alt {
        Alternative::TwoSided => {
            let q = t.inverse_cdf(1.0 - alpha / 2.0);
            (1.0 - pnt(q, df, delta)) + pnt(-q, df, delta)
        }
        Alternative::Greater => 1.0 - pnt(t.inverse_cdf(1.0 - alpha), df, delta),
        Alternative::Less => pnt(-t.inverse_cdf(1.0 - alpha), df, delta),
    };
    Some(p.clamp(0.0, 1.0))
}

/// Smallest equal group size n (≥ 2) whose power reaches `target`; `None` when no n up to
/// 10⁷ does (a zero difference, or a one-sided test pointing away from the difference).
/// The search starts at the normal-theory size 2(z_α + z_β)²σ²/Δ² (Montgomery, *Design and
/// Analysis of Experiments*, §2.4), which the t test never beats, and steps up from there.
pub fn t2_sample_size(diff: f64, sd: f64, alpha: f64, alt: Alternative, target: f64) -> Option<usize> {
    let wrong_way = match alt {
        Alternative::TwoSided => false,
        Alternative::Greater => diff <= 0.0,
        Alternative::Less => diff >= 0.0,
    };
    if diff == 0.0 || !diff.is_finite() || wrong_way || !(sd > 0.0) || !(target > 0.0 && target < 1.0) {
        return None;
    }
    use crate::tests::normality::qnorm;
    let z_alpha = qnorm(1.0 - if alt == Alternative::TwoSided { alpha / 2.0 } else { alpha });
    let normal_n = 2.0 * (z_alpha + qnorm(target)).powi(2) * (sd / diff).powi(2);
    if !(normal_n < 1e7) {
        return None;
    }
    let reaches = |n: usize| t2_power(diff, sd, n, n, alpha, alt).is_some_and(|p| p >= target);
    let mut n = (normal_n.floor() as usize).max(2);
    while n > 2 && reaches(n - 1) {
        n -= 1;
    }
    while !reaches(n) {
        n += 1;
        if n > 10_000_000 {
            return None;
        }
    }
    Some(n)
}

/// Power of the observed difference of two groups and the sizes for 80 % and 90 % power,
/// with the pooled sd of the data as the planning value of σ.
pub fn two_sample_power(x: &[f64], y: &[f64], alpha: f64, alt: Alternative) -> Option<TwoSamplePower> {
    let (n1, n2) = (x.len(), y.len());
    if n1 < 2 || n2 < 2 {
        return None;
    }
    let diff = crate::num::mean(x) - crate::num::mean(y);
    let pooled_var = ((n1 - 1) as f64 * crate::num::variance(x) + (n2 - 1) as f64 * crate::num::variance(y)) / (n1 + n2 - 2) as f64;
    let sd = pooled_var.sqrt();
    let power = t2_power(diff, sd, n1, n2, alpha, alt)?;
    Some(TwoSamplePower {
        difference: diff,
        sd,
        alpha,
        n: (n1, n2),
        power,
        n_per_group_80: t2_sample_size(diff, sd, alpha, alt, 0.8),
        n_per_group_90: t2_sample_size(diff, sd, alpha, alt, 0.9),
        method: "noncentral t, pooled sd (power.t.test strict=TRUE)".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of fixtures/tests/power.csv.
    fn rows(name: &str) -> Vec<Vec<f64>> {
        let path = format!("{}/fixtures/tests/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        text.lines().filter(|l| !l.starts_with('#')).skip(1).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect()
    }

    #[test]
    fn noncentral_t_matches_r() {
        // fixtures/tests/pnt.csv: R 4.2.2 pt(t, df, ncp)
        for r in rows("pnt.csv") {
            let got = pnt(r[0], r[1], r[2]);
            assert!((got - r[3]).abs() <= 1e-10, "pt({}, {}, {}) = {got}, R {}", r[0], r[1], r[2], r[3]);
        }
    }

    #[test]
    fn power_and_sample_size_match_power_t_test() {
        // fixtures/tests/power.csv: R 4.2.2 power.t.test(n, delta, sd, sig.level, strict=TRUE)
        // and ceiling(power.t.test(power=0.8 / 0.9, delta, sd, strict=TRUE)$n)
        for r in rows("power.csv") {
            let (n, delta, sd, alpha, power, n80, n90) = (r[0] as usize, r[1], r[2], r[3], r[4], r[5], r[6]);
            let got = t2_power(delta, sd, n, n, alpha, Alternative::TwoSided).unwrap();
            assert!((got - power).abs() < 1e-9, "power {got} vs {power}");
            assert_eq!(t2_sample_size(delta, sd, alpha, Alternative::TwoSided, 0.8), Some(n80 as usize));
            assert_eq!(t2_sample_size(delta, sd, alpha, Alternative::TwoSided, 0.9), Some(n90 as usize));
        }
    }

    #[test]
    fn zero_difference_has_power_alpha_and_no_size() {
        let p = t2_power(0.0, 1.0, 10, 10, 0.05, Alternative::TwoSided).unwrap();
        assert!((p - 0.05).abs() < 1e-12);
        assert_eq!(t2_sample_size(0.0, 1.0, 0.05, Alternative::TwoSided, 0.8), None);
        // One-sided test pointing away from the difference: no size ever reaches 80 %.
        assert_eq!(t2_sample_size(1.0, 1.0, 0.05, Alternative::Less, 0.8), None);
        // Large-ν branch agrees with the series where both apply (ν = 1e5 ± 1).
        let (a, b) = (pnt(1.7, 100_000.0, 1.2), pnt(1.7, 100_001.0, 1.2));
        assert!((a - b).abs() < 1e-9, "{a} {b}");
    }
}

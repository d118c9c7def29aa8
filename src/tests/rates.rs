//! Two proportions (R `prop.test(correct = FALSE)` with Fisher's exact test beside it, power
//! and sample size) and two Poisson rates (R `poisson.test`: the exact conditional binomial
//! test).

use super::alternative::Alternative;
use crate::num::normal::{pnorm, qnorm};
use super::contingency::fisher_2x2;
use crate::error::{QceError, Result};
use serde::Serialize;
use statrs::distribution::{Beta, Binomial, ContinuousCDF, Discrete, DiscreteCDF};

/// Result of the two-proportion test.
#[derive(Debug, Clone, Serialize)]
pub struct Prop2 {
    /// Events in the first group.
    pub x1: u64,
    /// Trials in the first group.
    pub n1: u64,
    /// Events in the second group.
    pub x2: u64,
    /// Trials in the second group.
    pub n2: u64,
    /// x1 / n1.
    pub p1: f64,
    /// x2 / n2.
    pub p2: f64,
    /// p1 − p2.
    pub estimate: f64,
    /// z = (p1 − p2) / sqrt(p̄(1 − p̄)(1/n1 + 1/n2)) (pooled; z² = R's X-squared).
    pub z: f64,
    /// p-value of z.
    pub p_value: f64,
    /// Wald (unpooled) interval for p1 − p2, clipped to [−1, 1] (R `prop.test`, no correction).
    pub ci: [f64; 2],
    /// Fisher's exact p-value of the 2×2 table, same alternative.
    pub fisher_p_value: f64,
    /// Power of the test for the observed difference at these sample sizes and alpha.
    pub power: Option<f64>,
    /// Sample size per group for 80% power at the observed proportions (`None` if p1 = p2).
    pub n_per_group_80: Option<u64>,
    /// Sample size per group for 90% power.
    pub n_per_group_90: Option<u64>,
}

/// Result of the two-Poisson-rate test.
#[derive(Debug, Clone, Serialize)]
pub struct Poisson2 {
    /// Events in the first group.
    pub x1: u64,
    /// Exposure (time, units, area) of the first group.
    pub t1: f64,
    /// Events in the second group.
    pub x2: u64,
    /// Exposure of the second group.
    pub t2: f64,
    /// x1 / t1.
    pub rate1: f64,
    /// x2 / t2.
    pub rate2: f64,
    /// Rate ratio (x1/t1) / (x2/t2) (`None` when x2 = 0).
    pub ratio: Option<f64>,
    /// Exact conditional p-value: x1 ~ Binomial(x1 + x2, t1/(t1 + t2)) under equal rates.
    pub p_value: f64,
    /// Interval for the ratio from the Clopper–Pearson interval of the binomial proportion
    /// (`None` for an infinite bound).
    pub ci_ratio: [Option<f64>; 2],
    /// rate1 − rate2.
    pub difference: f64,
    /// Normal-approximation interval for the difference: d ± z·sqrt(x1/t1² + x2/t2²) (Minitab).
    pub ci_difference: [Option<f64>; 2],
}

fn whole(v: f64, what: &str) -> Result<u64> {
    if !v.is_finite() || v < 0.0 || v.fract() != 0.0 || v > 9.0e15 {
        return Err(QceError::analysis(format!("{what} must be a whole number ≥ 0 (found {v}).")));
    }
    Ok(v as u64)
}

/// Two-proportion test of x1/n1 against x2/n2 (Agresti §2.4 / R `prop.test(correct = FALSE)`).
pub fn prop2(x1: f64, n1: f64, x2: f64, n2: f64, alternative: Alternative, alpha: f64, conf: f64) -> Result<Prop2> {
    let (x1, n1, x2, n2) = (whole(x1, "events")?, whole(n1, "trials")?, whole(x2, "events")?, whole(n2, "trials")?);
    if n1 == 0 || n2 == 0 {
        return Err(QceError::analysis("two proportions: each group needs at least one trial."));
    }
    if x1 > n1 || x2 > n2 {
        return Err(QceError::analysis(format!("two proportions: events exceed trials ({x1}/{n1}, {x2}/{n2}).")));
    }
    let (p1, p2) = (x1 as f64 / n1 as f64, x2 as f64 / n2 as f64);
    let pooled = (x1 + x2) as f64 / (n1 + n2) as f64;
    let se0 = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se0 == 0.0 {
        return Err(QceError::analysis(
            "two proportions: both groups have 0% (or both 100%) events, so there is nothing to compare.",
        ));
    }
    let estimate = p1 - p2;
    let z = estimate / se0;
    let p_value = alternative.normal_p(z);
    let se1 = (p1 * (1.0 - p1) / n1 as f64 + p2 * (1.0 - p2) / n2 as f64).sqrt();
    let ci = match alternative {
        Alternative::TwoSided => {
            let w = qnorm((1.0 + conf) / 2.0) * se1;
            [(estimate - w).max(-1.0), (estimate + w).min(1.0)]
        }
        Alternative::Less => [-1.0, (estimate + qnorm(conf) * se1).min(1.0)],
        Alternative::Greater => [(estimate - qnorm(conf) * se1).max(-1.0), 1.0],
    };
    let fisher_p_value = fisher_2x2([[x1, n1 - x1], [x2, n2 - x2]], alternative)?;
    let power = prop2_power(p1, p2, n1 as f64, n2 as f64, alpha, alternative);
    Ok(Prop2 {
        x1,
        n1,
        x2,
        n2,
        p1,
        p2,
        estimate,
        z,
        p_value,
        ci,
        fisher_p_value,
        power,
        n_per_group_80: prop2_sample_size(p1, p2, alpha, alternative, 0.8),
        n_per_group_90: prop2_sample_size(p1, p2, alpha, alternative, 0.9),
    })
}

/// Power of the pooled two-proportion z test when the true proportions are p1, p2 (Fleiss,
/// Levin & Paik 3e §4.2; equal n gives R `power.prop.test(strict = TRUE)`):
/// σ0 = sqrt(p̄q̄(1/n1 + 1/n2)) with p̄ = (n1p1 + n2p2)/(n1 + n2), σ1 = sqrt(p1q1/n1 + p2q2/n2),
/// power = Φ((Δ − z σ0)/σ1) + Φ((−Δ − z σ0)/σ1) (two-sided; one tail for one-sided).
pub fn prop2_power(p1: f64, p2: f64, n1: f64, n2: f64, alpha: f64, alternative: Alternative) -> Option<f64> {
    if !(0.0..1.0).contains(&alpha) || alpha == 0.0 || n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let pbar = (n1 * p1 + n2 * p2) / (n1 + n2);
    let s0 = (pbar * (1.0 - pbar) * (1.0 / n1 + 1.0 / n2)).sqrt();
    let s1 = (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt();
    if s1 == 0.0 || s0 == 0.0 {
        return None;
    }
    let d = p1 - p2;
    let upper = |z: f64| pnorm((d - z * s0) / s1);
    let lower = |z: f64| pnorm((-d - z * s0) / s1);
    Some(match alternative {
        Alternative::TwoSided => {
            let z = qnorm(1.0 - alpha / 2.0);
            upper(z) + lower(z)
        }
        Alternative::Greater => upper(qnorm(1.0 - alpha)),
        Alternative::Less => lower(qnorm(1.0 - alpha)),
    })
}

/// Smallest equal n per group giving at least `target` power for true proportions p1, p2.
pub fn prop2_sample_size(p1: f64, p2: f64, alpha: f64, alternative: Alternative, target: f64) -> Option<u64> {
    let wrong_side = match alternative {
        Alternative::Greater => p1 <= p2,
        Alternative::Less => p1 >= p2,
        Alternative::TwoSided => p1 == p2,
    };
    if wrong_side {
        return None;
    }
    let power = |n: u64| prop2_power(p1, p2, n as f64, n as f64, alpha, alternative).unwrap_or(0.0);
    let mut hi = 2u64;
    while power(hi) < target {
        hi = hi.checked_mul(2)?;
        if hi > 1u64 << 50 {
            return None;
        }
    }
    let mut lo = hi / 2;
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if power(mid) >= target { hi = mid } else { lo = mid }
    }
    Some(hi)
}

/// Two Poisson rates by the exact conditional test (Przyborowski & Wilenski 1940; R
/// `poisson.test(c(x1, x2), c(t1, t2))`): given x1 + x2 events, x1 is binomial with
/// p = t1/(t1 + t2) when the rates are equal.
pub fn poisson2(x1: f64, t1: f64, x2: f64, t2: f64, alternative: Alternative, conf: f64) -> Result<Poisson2> {
    let (x1, x2) = (whole(x1, "event count")?, whole(x2, "event count")?);
    if !(t1.is_finite() && t2.is_finite() && t1 > 0.0 && t2 > 0.0) {
        return Err(QceError::analysis(format!("two Poisson rates: exposures must be positive (found {t1}, {t2}).")));
    }
    let n = x1 + x2;
    if n == 0 {
        return Err(QceError::analysis("two Poisson rates: no events in either group, so the rates cannot be compared."));
    }
    let p = t1 / (t1 + t2);
    let p_value = binomial_test_p(x1, n, p, alternative)?;
    let (rate1, rate2) = (x1 as f64 / t1, x2 as f64 / t2);
    let ratio = (x2 > 0).then(|| rate1 / rate2);
    let (pl, pu) = clopper_pearson(x1, n, conf, alternative);
    let to_ratio = |q: f64| if q >= 1.0 { None } else { Some(q / (1.0 - q) * t2 / t1) };
    let ci_ratio = [to_ratio(pl), to_ratio(pu)];
    let difference = rate1 - rate2;
    let se = (x1 as f64 / (t1 * t1) + x2 as f64 / (t2 * t2)).sqrt();
    let ci_difference = match alternative {
        Alternative::TwoSided => {
            let w = qnorm((1.0 + conf) / 2.0) * se;
            [Some(difference - w), Some(difference + w)]
        }
        Alternative::Less => [None, Some(difference + qnorm(conf) * se)],
        Alternative::Greater => [Some(difference - qnorm(conf) * se), None],
    };
    Ok(Poisson2 { x1, t1, x2, t2, rate1, rate2, ratio, p_value, ci_ratio, difference, ci_difference })
}

/// Exact binomial test p-value of x successes in n trials against p (R `binom.test`):
/// two-sided sums the probabilities of outcomes no more likely than x (relative slack 1e-7).
pub fn binomial_test_p(x: u64, n: u64, p: f64, alternative: Alternative) -> Result<f64> {
    let b = Binomial::new(p, n).map_err(|e| QceError::analysis(format!("binomial test: {e}")))?;
    let le = |k: u64| b.cdf(k);
    let ge = |k: u64| if k == 0 { 1.0 } else { b.sf(k - 1) };
    let pv = match alternative {
        Alternative::Less => le(x),
        Alternative::Greater => ge(x),
        Alternative::TwoSided => {
            let mean = n as f64 * p;
            let d = b.pmf(x) * (1.0 + 1e-7);
            if (x as f64 - mean).abs() < 1e-12 * mean.max(1.0) {
                1.0
            } else if (x as f64) < mean {
                let start = mean.ceil() as u64;
                let y = (start..=n).filter(|&i| b.pmf(i) <= d).count() as u64;
                le(x) + if y == 0 { 0.0 } else { ge(n - y + 1) }
            } else {
                let y = (0..=mean.floor() as u64).filter(|&i| b.pmf(i) <= d).count() as u64;
                (if y == 0 { 0.0 } else { le(y - 1) }) + ge(x)
            }
        }
    };
    Ok(pv.clamp(0.0, 1.0))
}

/// Clopper–Pearson interval for a binomial proportion (beta quantiles; R `binom.test`).
fn clopper_pearson(x: u64, n: u64, conf: f64, alternative: Alternative) -> (f64, f64) {
    let q = |prob: f64, a: f64, b: f64| Beta::new(a, b).map(|d| d.inverse_cdf(prob.clamp(0.0, 1.0))).unwrap_or(f64::NAN);
    let (xf, nf) = (x as f64, n as f64);
    let lower = |a: f64| if x == 0 { 0.0 } else { q(a, xf, nf - xf + 1.0) };
    let upper = |a: f64| if x == n { 1.0 } else { q(1.0 - a, xf + 1.0, nf - xf) };
    match alternative {
        Alternative::TwoSided => (lower((1.0 - conf) / 2.0), upper((1.0 - conf) / 2.0)),
        Alternative::Less => (0.0, upper(1.0 - conf)),
        Alternative::Greater => (lower(1.0 - conf), 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prop2_matches_r() {
        let r = prop2(23.0, 500.0, 9.0, 480.0, Alternative::TwoSided, 0.05, 0.95).unwrap();
        assert!((r.z - 2.3994185246282305).abs() < 1e-12);
        assert!((r.p_value - 0.016421133764386184).abs() < 1e-9 * 0.0164, "{:e}", r.p_value);
        assert!((r.ci[0] - 0.0052408979173193433).abs() < 1e-14);
    }

    #[test]
    fn poisson2_matches_r() {
        // R: poisson.test(c(12,5), c(100,120))$p.value = 0.049641789246622901
        let r = poisson2(12.0, 100.0, 5.0, 120.0, Alternative::TwoSided, 0.95).unwrap();
        assert!((r.p_value - 0.049641789246622901).abs() < 1e-12, "{}", r.p_value);
        assert!((r.ratio.unwrap() - 2.88).abs() < 1e-12);
    }
    use serde_json::Value;

    fn close(got: f64, want: f64, rel: f64, what: &str) {
        assert!((got - want).abs() <= rel * want.abs() + 1e-15, "{what}: got {got:e}, want {want:e}");
    }

    /// fixtures/tests_rank/prop2.json: R prop.test(correct = FALSE).
    #[test]
    fn prop2_matches_r_fixtures() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../fixtures/tests_rank/prop2.json")).unwrap();
        for c in &cases {
            let call = c["call"].as_str().unwrap();
            let k: Vec<f64> = c["counts"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            let alt = Alternative::parse(c["alternative"].as_str().unwrap()).unwrap();
            let r = prop2(k[0], k[1], k[2], k[3], alt, 0.05, 0.95).unwrap();
            close(r.z, c["z"].as_f64().unwrap(), 1e-12, call);
            close(r.p_value, c["p_value"].as_f64().unwrap(), 1e-12, call);
            close(r.ci[0], c["ci"][0].as_f64().unwrap(), 1e-12, call);
            close(r.ci[1], c["ci"][1].as_f64().unwrap(), 1e-12, call);
        }
    }

    /// fixtures/tests_rank/prop2_power.json: R power.prop.test(strict = TRUE).
    #[test]
    fn prop2_power_matches_r_fixtures() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../fixtures/tests_rank/prop2_power.json")).unwrap();
        for c in &cases {
            let call = c["call"].as_str().unwrap();
            let (p1, p2) = (c["p1"].as_f64().unwrap(), c["p2"].as_f64().unwrap());
            if let Some(pw) = c["power"].as_f64() {
                let n = c["n"].as_f64().unwrap();
                close(prop2_power(p1, p2, n, n, 0.05, Alternative::TwoSided).unwrap(), pw, 1e-9, call);
            } else {
                let target = c["target"].as_f64().unwrap();
                let n = prop2_sample_size(p1, p2, 0.05, Alternative::TwoSided, target).unwrap();
                assert_eq!(n as f64, c["n"].as_f64().unwrap(), "{call}");
            }
        }
    }

    /// fixtures/tests_rank/poisson2.json: R poisson.test.
    #[test]
    fn poisson2_matches_r_fixtures() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../fixtures/tests_rank/poisson2.json")).unwrap();
        for c in &cases {
            let call = c["call"].as_str().unwrap();
            let k: Vec<f64> = c["counts"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            let alt = Alternative::parse(c["alternative"].as_str().unwrap()).unwrap();
            let r = poisson2(k[0], k[1], k[2], k[3], alt, 0.95).unwrap();
            close(r.p_value, c["p_value"].as_f64().unwrap(), 1e-12, call);
            match c["estimate"].as_f64() {
                Some(e) => close(r.ratio.unwrap(), e, 1e-12, call),
                None => assert!(r.ratio.is_none(), "{call}"),
            }
            for k in 0..2 {
                match c["ci"][k].as_f64() {
                    Some(w) => close(r.ci_ratio[k].unwrap(), w, 1e-10, call),
                    None => assert!(r.ci_ratio[k].is_none(), "{call}"),
                }
            }
        }
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            #[test]
            fn prop2_swap(n1 in 1u32..400, n2 in 1u32..400, f1 in 0.0f64..1.0, f2 in 0.0f64..1.0) {
                let x1 = (f1 * n1 as f64).floor();
                let x2 = (f2 * n2 as f64).floor();
                prop_assume!(x1 + x2 > 0.0 && x1 + x2 < (n1 + n2) as f64);
                let a = prop2(x1, n1 as f64, x2, n2 as f64, Alternative::TwoSided, 0.05, 0.95).unwrap();
                let b = prop2(x2, n2 as f64, x1, n1 as f64, Alternative::TwoSided, 0.05, 0.95).unwrap();
                prop_assert!((a.z + b.z).abs() < 1e-12 * a.z.abs().max(1.0));
                prop_assert!((a.p_value - b.p_value).abs() < 1e-12);
                prop_assert!((a.fisher_p_value - b.fisher_p_value).abs() < 1e-9);
                for p in [a.p_value, a.fisher_p_value, a.power.unwrap_or(0.5)] { prop_assert!((0.0..=1.0).contains(&p)); }
                for alt in [Alternative::Less, Alternative::Greater] {
                    let r = prop2(x1, n1 as f64, x2, n2 as f64, alt, 0.05, 0.95).unwrap();
                    prop_assert!((0.0..=1.0).contains(&r.p_value) && (0.0..=1.0).contains(&r.fisher_p_value));
                }
            }

            #[test]
            fn poisson2_swap(x1 in 0u32..200, x2 in 0u32..200, t1 in 0.5f64..500.0, t2 in 0.5f64..500.0) {
                prop_assume!(x1 + x2 > 0);
                let a = poisson2(x1 as f64, t1, x2 as f64, t2, Alternative::TwoSided, 0.95).unwrap();
                let b = poisson2(x2 as f64, t2, x1 as f64, t1, Alternative::TwoSided, 0.95).unwrap();
                prop_assert!((a.p_value - b.p_value).abs() < 1e-8, "{} vs {}", a.p_value, b.p_value);
                if let (Some(ra), Some(rb)) = (a.ratio, b.ratio) { prop_assert!((ra * rb - 1.0).abs() < 1e-12); }
                prop_assert!((a.difference + b.difference).abs() < 1e-12 * a.difference.abs().max(1.0));
                prop_assert!((0.0..=1.0).contains(&a.p_value));
            }
        }
    }

}

//! Tests of equal variances: the F test of two variances (R `var.test`), Levene's test
//! (`car::leveneTest`; Brown–Forsythe with the median by default) and Bartlett's test
//! (R `bartlett.test`).

use super::anova::{f_upper, sums_of_squares};
use super::ttest::Alternative;
use crate::num;
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor};

/// Result of the F test comparing two variances.
#[derive(Debug, Clone, Serialize)]
pub struct FTestResult {
    /// F = s₁² / s₂².
    pub statistic: f64,
    /// (n₁ − 1, n₂ − 1).
    pub df: (f64, f64),
    /// p-value under `alternative` (ratio of variances vs 1).
    pub p_value: f64,
    /// The alternative tested.
    pub alternative: Alternative,
    /// Estimated ratio of variances (= statistic).
    pub estimate: f64,
    /// Confidence interval of the ratio; an infinite upper bound is `None`.
    pub ci: (Option<f64>, Option<f64>),
    /// Confidence level.
    pub conf_level: f64,
    /// Standard deviations of the two groups.
    pub sd: (f64, f64),
}

/// F test of H0: var(x)/var(y) = 1 (R `var.test(x, y)`): two-sided p = 2·min(P(F ≤ f), P(F ≥ f));
/// CI = f / F-quantiles. `None` for fewer than two values in a group or zero variance in `y`.
pub fn f_test(x: &[f64], y: &[f64], alt: Alternative, conf: f64) -> Option<FTestResult> {
    if x.len() < 2 || y.len() < 2 {
        return None;
    }
    let (vx, vy) = (num::variance(x), num::variance(y));
    if !(vy > 0.0 && vx.is_finite()) {
        return None;
    }
    let (d1, d2) = ((x.len() - 1) as f64, (y.len() - 1) as f64);
    let dist = FisherSnedecor::new(d1, d2).ok()?;
    let f = vx / vy;
    let lower = dist.cdf(f);
    let upper = dist.sf(f);
    let (p, ci) = match alt {
        Alternative::TwoSided => {
            let a = (1.0 - conf) / 2.0;
            (2.0 * lower.min(upper), (Some(f / dist.inverse_cdf(1.0 - a)), Some(f / dist.inverse_cdf(a))))
        }
        Alternative::Less => (lower, (Some(0.0), Some(f / dist.inverse_cdf(1.0 - conf)))),
        Alternative::Greater => (upper, (Some(f / dist.inverse_cdf(conf)), None)),
    };
    Some(FTestResult {
        statistic: f,
        df: (d1, d2),
        p_value: p.clamp(0.0, 1.0),
        alternative: alt,
        estimate: f,
        ci,
        conf_level: conf,
        sd: (vx.sqrt(), vy.sqrt()),
    })
}

/// Result of a k-sample test of equal variances (Levene, Bartlett).
#[derive(Debug, Clone, Serialize)]
pub struct EqualVarianceResult {
    /// Method text.
    pub method: String,
    /// F (Levene) or K² (Bartlett).
    pub statistic: f64,
    /// Levene: [k − 1, N − k]; Bartlett: [k − 1] (one entry).
    pub df: Vec<f64>,
    /// Upper-tail p-value.
    pub p_value: f64,
    /// Standard deviation of each group (n − 1), in the order given.
    pub sds: Vec<f64>,
}

/// Which center Levene's test subtracts in each group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LeveneCenter {
    /// Brown & Forsythe (1974): robust to non-normal data (default of car and Minitab).
    Median,
    /// Levene (1960): the original.
    Mean,
}

/// Levene's test: one-way ANOVA F on |x − center(group)| (car `leveneTest`). `None` for fewer
/// than two groups, a group without values, or no spread at all in the absolute deviations.
pub fn levene(groups: &[&[f64]], center: LeveneCenter) -> Option<EqualVarianceResult> {
    let k = groups.len();
    let n_total: usize = groups.iter().map(|g| g.len()).sum();
    if k < 2 || groups.iter().any(|g| g.is_empty()) || n_total <= k {
        return None;
    }
    let deviations: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| {
            let c = match center {
                LeveneCenter::Mean => num::mean(g),
                LeveneCenter::Median => num::median(g),
            };
            g.iter().map(|x| (x - c).abs()).collect()
        })
        .collect();
    let refs: Vec<&[f64]> = deviations.iter().map(|d| d.as_slice()).collect();
    let (ss_b, ss_w) = sums_of_squares(&refs);
    let (d1, d2) = ((k - 1) as f64, (n_total - k) as f64);
    if !(ss_w > 0.0) {
        return None;
    }
    let f = (ss_b / d1) / (ss_w / d2);
    let method = match center {
        LeveneCenter::Median => "Levene's test (Brown-Forsythe, center = median)",
        LeveneCenter::Mean => "Levene's test (center = mean)",
    };
    Some(EqualVarianceResult { method: method.into(), statistic: f, df: vec![d1, d2], p_value: f_upper(f, d1, d2)?, sds: sds(groups) })
}

fn sds(groups: &[&[f64]]) -> Vec<f64> {
    groups.iter().map(|g| num::sd(g)).collect()
}

/// Bartlett's test of homogeneity of variances (Bartlett 1937; R `bartlett.test`):
/// K² = [(N−k) ln s²ₚ − Σ(nᵢ−1) ln sᵢ²] / [1 + (Σ 1/(nᵢ−1) − 1/(N−k)) / (3(k−1))], χ²_{k−1}.
/// `None` when a group has fewer than two values or zero variance.
pub fn bartlett(groups: &[&[f64]]) -> Option<EqualVarianceResult> {
    let k = groups.len();
    if k < 2 || groups.iter().any(|g| g.len() < 2) {
        return None;
    }
    let dfs: Vec<f64> = groups.iter().map(|g| g.len() as f64 - 1.0).collect();
    let vars: Vec<f64> = groups.iter().map(|g| num::variance(g)).collect();
    if vars.iter().any(|v| !(*v > 0.0)) {
        return None;
    }
    let df_total = num::sum(&dfs);
    let pooled = num::sum(&dfs.iter().zip(&vars).map(|(d, v)| d * v).collect::<Vec<_>>()) / df_total;
    let log_terms: Vec<f64> = dfs.iter().zip(&vars).map(|(d, v)| d * v.ln()).collect();
    let inv: Vec<f64> = dfs.iter().map(|d| 1.0 / d).collect();
    let kf = k as f64;
    let correction = 1.0 + (num::sum(&inv) - 1.0 / df_total) / (3.0 * (kf - 1.0));
    let stat = (df_total * pooled.ln() - num::sum(&log_terms)) / correction;
    let p = ChiSquared::new(kf - 1.0).ok()?.sf(stat).clamp(0.0, 1.0);
    Some(EqualVarianceResult {
        method: "Bartlett test of homogeneity of variances".into(),
        statistic: stat,
        df: vec![kf - 1.0],
        p_value: p,
        sds: sds(groups),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // R datasets::InsectSprays count by spray A..F
    const SPRAYS: [[f64; 12]; 6] = [
        [10., 7., 20., 14., 14., 12., 10., 23., 17., 20., 14., 13.],
        [11., 17., 21., 11., 16., 14., 17., 17., 19., 21., 7., 13.],
        [0., 1., 7., 2., 3., 1., 2., 1., 3., 0., 1., 4.],
        [3., 5., 12., 6., 4., 3., 5., 5., 5., 5., 2., 4.],
        [3., 5., 3., 5., 3., 6., 1., 1., 3., 2., 6., 4.],
        [11., 9., 15., 22., 15., 16., 13., 10., 26., 26., 24., 13.],
    ];

    fn groups() -> Vec<&'static [f64]> {
        SPRAYS.iter().map(|g| g.as_slice()).collect()
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs()
    }

    #[test]
    fn insectsprays_match_r() {
        // R 4.2.2: bartlett.test(count ~ spray); car::leveneTest(count ~ spray, center=median|mean)
        let b = bartlett(&groups()).unwrap();
        assert!(close(b.statistic, 25.959825320368687, 1e-12) && close(b.p_value, 9.085122332945313e-05, 1e-10));
        let l = levene(&groups(), LeveneCenter::Median).unwrap();
        assert!(close(l.statistic, 3.821356313225924, 1e-12) && close(l.p_value, 0.004222791138992136, 1e-10));
        let l = levene(&groups(), LeveneCenter::Mean).unwrap();
        assert!(close(l.statistic, 6.455352710086696, 1e-12) && close(l.p_value, 6.10363383448211e-05, 1e-10));
    }

    proptest! {
        #[test]
        fn f_swap_inverts_ratio_and_keeps_p(x in prop::collection::vec(-1e3f64..1e3, 3..25), y in prop::collection::vec(-1e3f64..1e3, 3..25)) {
            if let (Some(a), Some(b)) = (f_test(&x, &y, Alternative::TwoSided, 0.95), f_test(&y, &x, Alternative::TwoSided, 0.95)) {
                prop_assert!((a.statistic * b.statistic - 1.0).abs() < 1e-9);
                prop_assert!((a.p_value - b.p_value).abs() < 1e-9);
                prop_assert!((0.0..=1.0).contains(&a.p_value));
            }
        }

        #[test]
        fn equal_variance_p_values_in_unit_interval(x in prop::collection::vec(-1e3f64..1e3, 3..20), y in prop::collection::vec(-1e3f64..1e3, 3..20)) {
            for r in [levene(&[&x, &y], LeveneCenter::Median), levene(&[&x, &y], LeveneCenter::Mean), bartlett(&[&x, &y])].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&r.p_value));
            }
        }
    }
}

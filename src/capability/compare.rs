//! Before/after comparison of two capability studies: change in the indices, the mean and
//! the sigmas, the ratio of expected PPM, and whether the stages differ (Welch t for the
//! mean, F and Levene/Brown–Forsythe for the spread).

use super::StageCapability;
use serde::Serialize;

/// A test of a difference between the two stages.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageTest {
    /// Test name: `welch-t`, `f`, `levene`.
    pub test: String,
    /// Test statistic.
    pub statistic: f64,
    /// Degrees of freedom (one number or a pair).
    pub df: Vec<f64>,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Second stage (after) against the first (before). Changes are after − before.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Comparison {
    /// Name of the first stage.
    pub before: String,
    /// Name of the second stage.
    pub after: String,
    /// Cpk(after) − Cpk(before).
    pub delta_cpk: Option<f64>,
    /// Ppk(after) − Ppk(before).
    pub delta_ppk: Option<f64>,
    /// Mean(after) − mean(before).
    pub delta_mean: f64,
    /// σ_within(after) − σ_within(before).
    pub delta_sigma_within: f64,
    /// σ_overall(after) − σ_overall(before).
    pub delta_sigma_overall: f64,
    /// σ_overall(after) / σ_overall(before).
    pub sigma_overall_ratio: f64,
    /// Expected overall PPM(after) / PPM(before); `None` when the before PPM is 0.
    pub ppm_ratio: Option<f64>,
    /// Expected within PPM(after) / PPM(before).
    pub ppm_within_ratio: Option<f64>,
    /// Welch's two-sample t test of the means (before − after).
    pub mean_test: Option<StageTest>,
    /// F test of the variances (before/after).
    pub variance_test: Option<StageTest>,
    /// Levene's test with the median (Brown–Forsythe, Minitab's and car's default).
    pub levene_test: Option<StageTest>,
}

/// Compare two stages; `x_before`/`x_after` are the data the tests use (original scale).
pub fn compare(a: &StageCapability, b: &StageCapability, x_before: &[f64], x_after: &[f64]) -> Comparison {
    let diff = |x: Option<f64>, y: Option<f64>| Some(y? - x?);
    let ratio = |x: f64, y: f64| (x > 0.0).then(|| y / x);
    Comparison {
        before: a.name.clone(),
        after: b.name.clone(),
        delta_cpk: diff(a.cpk, b.cpk),
        delta_ppk: diff(a.ppk, b.ppk),
        delta_mean: b.mean - a.mean,
        delta_sigma_within: b.sigma_within - a.sigma_within,
        delta_sigma_overall: b.sigma_overall - a.sigma_overall,
        sigma_overall_ratio: b.sigma_overall / a.sigma_overall,
        ppm_ratio: ratio(a.ppm.expected_overall.total, b.ppm.expected_overall.total),
        ppm_within_ratio: match (a.ppm.expected_within, b.ppm.expected_within) {
            (Some(x), Some(y)) => ratio(x.total, y.total),
            _ => None,
        },
        mean_test: welch_t(x_before, x_after),
        variance_test: f_test(x_before, x_after),
        levene_test: levene_median(x_before, x_after),
    }
}

/// Welch's t of the means (R `t.test`, from the hypothesis-test module), two-sided.
fn welch_t(x: &[f64], y: &[f64]) -> Option<StageTest> {
    let r = crate::tests::ttest::two_sample(x, y, false, crate::tests::ttest::Alternative::TwoSided, 0.95)?;
    r.statistic.is_finite().then(|| StageTest { test: "welch-t".into(), statistic: r.statistic, df: vec![r.df], p_value: r.p_value })
}

/// F = s₁²/s₂² with (n₁−1, n₂−1) df (R `var.test`, from the hypothesis-test module),
/// two-sided; `None` also when s₁² = 0 (no ratio to report).
fn f_test(x: &[f64], y: &[f64]) -> Option<StageTest> {
    let r = crate::tests::variance::f_test(x, y, crate::tests::ttest::Alternative::TwoSided, 0.95)?;
    (r.statistic > 0.0).then(|| StageTest { test: "f".into(), statistic: r.statistic, df: vec![r.df.0, r.df.1], p_value: r.p_value })
}

/// Levene's test on |x − median| (Brown & Forsythe 1974; R `car::leveneTest`, from the
/// hypothesis-test module): the one-way ANOVA F of the absolute deviations, (1, N − 2) df.
fn levene_median(x: &[f64], y: &[f64]) -> Option<StageTest> {
    let r = crate::tests::variance::levene(&[x, y], crate::tests::variance::LeveneCenter::Median)?;
    Some(StageTest { test: "levene".into(), statistic: r.statistic, df: r.df, p_value: r.p_value })
}

#[cfg(test)]
mod tests {
    use super::*;

    // R 4.2: x <- c(10.1, 9.8, 10.4, 10.0, 9.7, 10.3); y <- c(10.0, 10.05, 9.95, 10.02, 9.98, 10.01)
    const X: [f64; 6] = [10.1, 9.8, 10.4, 10.0, 9.7, 10.3];
    const Y: [f64; 6] = [10.0, 10.05, 9.95, 10.02, 9.98, 10.01];

    #[test]
    fn welch_matches_hand_computation() {
        let t = welch_t(&X, &Y).unwrap();
        // mean(x) = 10.05, mean(y) = 10.001667; var(x) = 0.075, var(y) = 0.0011767
        let vx = 0.075 / 6.0;
        let vy = crate::num::variance(&Y) / 6.0;
        let want = (10.05 - crate::num::mean(&Y)) / (vx + vy).sqrt();
        assert!((t.statistic - want).abs() < 1e-12);
        assert!(t.p_value > 0.5 && t.p_value < 1.0);
    }

    #[test]
    fn f_and_levene_see_the_spread_change() {
        let f = f_test(&X, &Y).unwrap();
        assert!(f.statistic > 50.0 && f.p_value < 0.001, "{f:?}");
        let l = levene_median(&X, &Y).unwrap();
        assert!(l.p_value < 0.05, "{l:?}");
    }

    /// fixtures/capability/compare.json: R t.test, var.test, car::leveneTest on improve.csv.
    #[test]
    fn stage_tests_match_r_on_improve_csv() {
        let doc: serde_json::Value = serde_json::from_str(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/capability/compare.json"))).unwrap();
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/data/improve.csv")).unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let v: f64 = f[1].parse().unwrap();
            if f[2].contains("改进前") { a.push(v) } else { b.push(v) }
        }
        let g = |k: &str| doc[k].as_f64().unwrap();
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * y.abs();
        let t = welch_t(&a, &b).unwrap();
        assert!(close(t.statistic, g("welch_t")) && close(t.df[0], g("welch_df")) && close(t.p_value, g("welch_p")), "{t:?}");
        let f = f_test(&a, &b).unwrap();
        assert!(close(f.statistic, g("f")) && close(f.p_value, g("f_p")), "{f:?}");
        let l = levene_median(&a, &b).unwrap();
        assert!(close(l.statistic, g("levene_f")) && close(l.p_value, g("levene_p")), "{l:?}");
    }
}

//! Student t tests: one sample, two samples (Welch or pooled) and paired, exactly as R's
//! `t.test` (statistic, df, p-value, estimate, confidence interval).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The alternative hypothesis of a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Alternative {
    /// The parameter differs from the null value (either direction).
    TwoSided,
    /// The parameter is below the null value.
    Less,
    /// The parameter is above the null value.
    Greater,
}

impl Alternative {
    /// Parse `two-sided` (also `two.sided`, `ne`), `less` (`lt`), `greater` (`gt`).
    pub fn parse(s: &str) -> Option<Alternative> {
        match s.trim().to_ascii_lowercase().as_str() {
            "two-sided" | "two.sided" | "two_sided" | "twosided" | "ne" | "!=" => Some(Alternative::TwoSided),
            "less" | "lt" | "<" => Some(Alternative::Less),
            "greater" | "gt" | ">" => Some(Alternative::Greater),
            _ => None,
        }
    }

    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Alternative::TwoSided => "two-sided",
            Alternative::Less => "less",
            Alternative::Greater => "greater",
        }
    }
}

/// Result of a t test.
#[derive(Debug, Clone, Serialize)]
pub struct TTestResult {
    /// R's method text, e.g. "Welch Two Sample t-test".
    pub method: String,
    /// t statistic.
    pub statistic: f64,
    /// Degrees of freedom (Welch–Satterthwaite for Welch).
    pub df: f64,
    /// p-value under `alternative`.
    pub p_value: f64,
    /// The alternative tested.
    pub alternative: Alternative,
    /// Mean (one sample), mean difference (paired: mean of A − B; two samples: first − second).
    pub estimate: f64,
    /// Standard error of the estimate.
    pub std_error: f64,
    /// Confidence interval of the estimate; an infinite bound (one-sided test) is `None`.
    pub ci: (Option<f64>, Option<f64>),
    /// Confidence level of `ci`.
    pub conf_level: f64,
    /// Null value: μ (one sample) or the hypothesised difference (0).
    pub null_value: f64,
}

/// The t distribution with `df` degrees of freedom (None when df is not positive).
fn t_dist(df: f64) -> Option<StudentsT> {
    StudentsT::new(0.0, 1.0, df).ok()
}

/// p-value of a t statistic (R's `t.test`): two-sided 2·P(T > |t|), less P(T ≤ t),
/// greater P(T ≥ t).
pub fn t_p_value(t: f64, df: f64, alt: Alternative) -> Option<f64> {
    let d = t_dist(df)?;
    let p = match alt {
        Alternative::TwoSided => 2.0 * d.cdf(-t.abs()),
        Alternative::Less => d.cdf(t),
        Alternative::Greater => d.cdf(-t),
    };
    Some(p.clamp(0.0, 1.0))
}

/// Confidence interval estimate ± q·se with the t quantile of the alternative (R's `t.test`:
/// one-sided tests give a one-sided interval).
fn t_interval(estimate: f64, se: f64, df: f64, alt: Alternative, conf: f64) -> Option<(Option<f64>, Option<f64>)> {
    let d = t_dist(df)?;
    Some(match alt {
        Alternative::TwoSided => {
            let q = d.inverse_cdf(1.0 - (1.0 - conf) / 2.0);
            (Some(estimate - q * se), Some(estimate + q * se))
        }
        Alternative::Less => (None, Some(estimate + d.inverse_cdf(conf) * se)),
        Alternative::Greater => (Some(estimate - d.inverse_cdf(conf) * se), None),
    })
}

/// Assemble a result from estimate, standard error and df.
fn finish(method: &str, estimate: f64, null_value: f64, se: f64, df: f64, alt: Alternative, conf: f64) -> Option<TTestResult> {
    if !(se.is_finite() && se > 0.0 && df > 0.0) {
        return None;
    }
    let t = (estimate - null_value) / se;
    Some(TTestResult {
        method: method.to_string(),
        statistic: t,
        df,
        p_value: t_p_value(t, df, alt)?,
        alternative: alt,
        estimate,
        std_error: se,
        ci: t_interval(estimate, se, df, alt, conf)?,
        conf_level: conf,
        null_value,
    })
}

/// One-sample t test of H0: mean = μ (R `t.test(x, mu=μ)`). `None` for n < 2 or zero spread.
pub fn one_sample(xs: &[f64], mu: f64, alt: Alternative, conf: f64) -> Option<TTestResult> {
    let n = xs.len();
    if n < 2 {
        return None;
    }
    let mean = crate::num::mean(xs);
    let se = (crate::num::sum_sq_dev(xs, mean) / (n as f64 - 1.0) / n as f64).sqrt();
    finish("One Sample t-test", mean, mu, se, n as f64 - 1.0, alt, conf)
}

/// Paired t test on the differences a − b (R `t.test(a, b, paired=TRUE)`); `a` and `b` are
/// the complete pairs, equal length.
pub fn paired(a: &[f64], b: &[f64], alt: Alternative, conf: f64) -> Option<TTestResult> {
    if a.len() != b.len() {
        return None;
    }
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let mut r = one_sample(&d, 0.0, alt, conf)?;
    r.method = "Paired t-test".into();
    Some(r)
}

/// Two-sample t test of H0: mean(x) − mean(y) = 0 (R `t.test(x, y)`; Welch by default,
/// `pooled` = `var.equal=TRUE`). Welch df by Satterthwaite (Welch 1947).
pub fn two_sample(x: &[f64], y: &[f64], pooled: bool, alt: Alternative, conf: f64) -> Option<TTestResult> {
    let (nx, ny) = (x.len() as f64, y.len() as f64);
    if x.len() < 2 || y.len() < 2 {
        return None;
    }
    let (mx, my) = (crate::num::mean(x), crate::num::mean(y));
    // Variances around the means already computed (one pass each instead of three).
    let (vx, vy) = (crate::num::sum_sq_dev(x, mx) / (nx - 1.0), crate::num::sum_sq_dev(y, my) / (ny - 1.0));
    let (se, df, method) = if pooled {
        let df = nx + ny - 2.0;
        let v = ((nx - 1.0) * vx + (ny - 1.0) * vy) / df;
        ((v * (1.0 / nx + 1.0 / ny)).sqrt(), df, "Two Sample t-test")
    } else {
        let (sx2, sy2) = (vx / nx, vy / ny);
        let se2 = sx2 + sy2;
        let df = se2 * se2 / (sx2 * sx2 / (nx - 1.0) + sy2 * sy2 / (ny - 1.0));
        (se2.sqrt(), df, "Welch Two Sample t-test")
    };
    finish(method, mx - my, 0.0, se, df, alt, conf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // R datasets::sleep, extra by group
    const DRUG1: [f64; 10] = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const DRUG2: [f64; 10] = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs()
    }

    #[test]
    fn welch_sleep_matches_r() {
        // R 4.2.2: t.test(extra[group==1], extra[group==2])
        let r = two_sample(&DRUG1, &DRUG2, false, Alternative::TwoSided, 0.95).unwrap();
        assert!(close(r.statistic, -1.860813467486853, 1e-12));
        assert!(close(r.df, 17.7764735161785, 1e-12));
        assert!(close(r.p_value, 0.07939414018735817, 1e-10));
        assert!(close(r.ci.0.unwrap(), -3.3654832307117104, 1e-10));
        assert!(close(r.ci.1.unwrap(), 0.20548323071171018, 1e-10));
    }

    #[test]
    fn pooled_and_paired_sleep_match_r() {
        // R 4.2.2: t.test(..., var.equal=TRUE); t.test(..., paired=TRUE)
        let r = two_sample(&DRUG1, &DRUG2, true, Alternative::TwoSided, 0.95).unwrap();
        assert!(close(r.p_value, 0.07918671421593818, 1e-10));
        assert_eq!(r.df, 18.0);
        let p = paired(&DRUG1, &DRUG2, Alternative::TwoSided, 0.95).unwrap();
        assert!(close(p.statistic, -4.062127683382037, 1e-12));
        assert!(close(p.p_value, 0.00283289019738427, 1e-10));
        assert!(close(p.ci.0.unwrap(), -2.4598857632769824, 1e-10));
    }

    #[test]
    fn one_sided_interval_is_open_on_one_side() {
        let r = two_sample(&DRUG1, &DRUG2, false, Alternative::Less, 0.95).unwrap();
        assert!(r.ci.0.is_none() && r.ci.1.is_some());
        assert!(close(r.p_value, 0.039697070093679086, 1e-10));
        assert!(one_sample(&[1.0, 1.0, 1.0], 0.0, Alternative::TwoSided, 0.95).is_none());
    }

    proptest! {
        #[test]
        fn swapping_groups_flips_t(x in prop::collection::vec(-1e3f64..1e3, 2..30), y in prop::collection::vec(-1e3f64..1e3, 2..30), pooled: bool) {
            if let (Some(a), Some(b)) = (two_sample(&x, &y, pooled, Alternative::TwoSided, 0.95), two_sample(&y, &x, pooled, Alternative::TwoSided, 0.95)) {
                prop_assert!((a.statistic + b.statistic).abs() <= 1e-9 * a.statistic.abs().max(1.0));
                prop_assert!((a.estimate + b.estimate).abs() <= 1e-9 * a.estimate.abs().max(1.0));
                prop_assert!((a.p_value - b.p_value).abs() <= 1e-12);
                prop_assert!((0.0..=1.0).contains(&a.p_value));
                for alt in [Alternative::Less, Alternative::Greater] {
                    let p = two_sample(&x, &y, pooled, alt, 0.9).unwrap().p_value;
                    prop_assert!((0.0..=1.0).contains(&p));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn paired_swap_flips_t_and_p_stays(pairs in prop::collection::vec((-1e3f64..1e3, -1e3f64..1e3), 2..40)) {
            let (a, b): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
            if let (Some(x), Some(y)) = (paired(&a, &b, Alternative::TwoSided, 0.95), paired(&b, &a, Alternative::TwoSided, 0.95)) {
                prop_assert!((x.statistic + y.statistic).abs() <= 1e-9 * x.statistic.abs().max(1.0));
                prop_assert!((x.p_value - y.p_value).abs() <= 1e-12);
                prop_assert!((0.0..=1.0).contains(&x.p_value));
                // One-sided p-values of opposite directions add to 1.
                let less = paired(&a, &b, Alternative::Less, 0.95).unwrap().p_value;
                let greater = paired(&a, &b, Alternative::Greater, 0.95).unwrap().p_value;
                prop_assert!((less + greater - 1.0).abs() < 1e-9);
            }
        }
    }
}

//! Box-Cox transformation for capability of non-normal positive data (Box & Cox 1964):
//! λ by maximum of the profile log-likelihood of the model y ~ 1 (as `MASS::boxcox`), or
//! fixed by the user. The normal-model study then runs on the transformed data with
//! transformed limits, using Minitab's form x^λ (ln x at λ = 0), negated for λ < 0 so that
//! the transform stays increasing and LSL stays the lower limit. (x^λ − 1)/λ differs from it
//! by an increasing affine map, which leaves every index unchanged, but loses all digits
//! when x^λ ≪ 1.

use super::{normal_stage, Options, SigmaMethod, SpecLimits, StageCapability};
use crate::dataset::{StageSpan, Subgroups};
use crate::error::{QceError, Result};
use serde::Serialize;

/// Search range of λ (Minitab's: −5 to 5).
pub const LAMBDA_RANGE: (f64, f64) = (-5.0, 5.0);

/// What the transform did.
#[derive(Debug, Clone, Serialize)]
pub struct BoxCoxInfo {
    /// `"box-cox"`.
    pub method: &'static str,
    /// The λ used.
    pub lambda: f64,
    /// `"mle"` (estimated) or `"given"` (`--lambda`).
    pub lambda_source: &'static str,
    /// The formula of the transform.
    pub formula: &'static str,
    /// Profile log-likelihood at λ.
    pub log_likelihood: f64,
    /// Transformed LSL.
    pub lsl: Option<f64>,
    /// Transformed USL.
    pub usl: Option<f64>,
    /// Transformed target.
    pub target: Option<f64>,
    /// Anderson–Darling normality of the original (untransformed) data.
    pub normality_original: Option<super::Normality>,
}

/// The capability transform: x^λ for λ > 0, ln x for λ = 0, −x^λ for λ < 0 (increasing).
pub fn transform(x: f64, lambda: f64) -> f64 {
    if lambda == 0.0 {
        x.ln()
    } else {
        lambda.signum() * x.powf(lambda)
    }
}

/// Profile log-likelihood of λ for y ~ 1 (Box & Cox 1964, eq. 9):
/// ℓ(λ) = −n/2 · ln(SS(w)/n) + (λ − 1)·Σ ln x, SS the sum of squared deviations of w.
/// Computed as MASS::boxcox does, on x/ġ (ġ the geometric mean), where the Jacobian term
/// vanishes: ℓ(λ) = −n/2 · ln(SS(w(x/ġ))/n) − Σ ln x. Without this scaling, x^λ of large x
/// with negative λ loses every digit of the deviations.
pub fn profile_log_likelihood(xs: &[f64], sum_log: f64, lambda: f64) -> f64 {
    let n = xs.len() as f64;
    let log_g = sum_log / n;
    let w: Vec<f64> = xs.iter().map(|&x| transform_log(x.ln() - log_g, lambda)).collect();
    let ss = crate::num::sum_sq_dev(&w, crate::num::mean(&w));
    -0.5 * n * (ss / n).ln() - sum_log
}

/// The transform written on ln x: (e^{λ ln x} − 1)/λ.
fn transform_log(log_x: f64, lambda: f64) -> f64 {
    if lambda == 0.0 { log_x } else { (lambda * log_x).exp_m1() / lambda }
}

/// Maximum-likelihood λ in [−5, 5]: a grid of step 0.1 brackets the maximum, then
/// golden-section search (Kiefer 1953) narrows it to ~1e-10.
pub fn mle_lambda(xs: &[f64]) -> Result<f64> {
    check_positive(xs)?;
    let sum_log: f64 = xs.iter().map(|x| x.ln()).sum();
    let ll = |l: f64| profile_log_likelihood(xs, sum_log, l);
    let (lo, hi) = LAMBDA_RANGE;
    let steps = 100;
    let grid: Vec<f64> = (0..=steps).map(|i| lo + (hi - lo) * i as f64 / steps as f64).collect();
    let values: Vec<f64> = grid.iter().map(|&l| ll(l)).collect();
    let best = (0..grid.len()).filter(|&i| values[i].is_finite()).max_by(|&a, &b| values[a].total_cmp(&values[b]));
    let Some(best) = best else {
        return Err(QceError::analysis("Box-Cox: the likelihood is not finite for any λ in [−5, 5]"));
    };
    let (mut a, mut b) = (grid[best.saturating_sub(1)], grid[(best + 1).min(steps)]);
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
    let (mut fc, mut fd) = (ll(c), ll(d));
    for _ in 0..200 {
        if (b - a).abs() < 1e-11 {
            break;
        }
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = ll(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = ll(d);
        }
    }
    Ok(0.5 * (a + b))
}

fn check_positive(xs: &[f64]) -> Result<()> {
    match xs.iter().find(|&&x| !(x > 0.0)) {
        Some(bad) => Err(QceError::analysis(format!(
            "Box-Cox needs positive data, but the data contain {bad}; use --dist, or the normal model"
        ))),
        None => Ok(()),
    }
}

/// A specification limit on the transformed scale; limits ≤ 0 cannot be transformed.
fn transform_limit(name: &str, v: Option<f64>, lambda: f64) -> Result<Option<f64>> {
    match v {
        Some(x) if x <= 0.0 => Err(QceError::analysis(format!(
            "Box-Cox: {name} {x} is not positive and cannot be transformed; for positive data drop {name} (nothing can fall below 0), or use --dist"
        ))),
        Some(x) => Ok(Some(transform(x, lambda))),
        None => Ok(None),
    }
}

/// The Box-Cox study of one stage: λ (given or MLE), transformed data and limits, then the
/// normal-model study; observed PPM counts the original data against the original limits.
pub(crate) fn boxcox_stage(sg: &Subgroups, st: &StageSpan, method: SigmaMethod, opts: &Options, lambda: Option<f64>) -> Result<StageCapability> {
    let xs = sg.stage_values(st);
    check_positive(xs)?;
    let (lambda, source) = match lambda {
        Some(l) if l.is_finite() => (l, "given"),
        Some(l) => return Err(QceError::usage(format!("--lambda {l}: give a finite number"))),
        None => (mle_lambda(xs)?, "mle"),
    };
    let spec = SpecLimits {
        lsl: transform_limit("--lsl", opts.spec.lsl, lambda)?,
        usl: transform_limit("--usl", opts.spec.usl, lambda)?,
        target: transform_limit("--target", opts.spec.target, lambda)?,
    };
    let mut tsg = sg.clone();
    for v in tsg.values.iter_mut() {
        *v = transform(*v, lambda);
    }
    let sum_log: f64 = xs.iter().map(|x| x.ln()).sum();
    let info = BoxCoxInfo {
        method: "box-cox",
        lambda,
        lambda_source: source,
        formula: "x^λ (λ > 0); ln x (λ = 0); −x^λ (λ < 0, keeps the order)",
        log_likelihood: profile_log_likelihood(xs, sum_log, lambda),
        lsl: spec.lsl,
        usl: spec.usl,
        target: spec.target,
        normality_original: crate::tests::normality::anderson_darling(xs),
    };
    normal_stage(&tsg, st, method, opts, Some((info, spec, xs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transform_is_increasing_for_every_lambda() {
        assert_eq!(transform(2.0, 0.0), 2f64.ln());
        assert!((transform(4.0, 0.5) - 2.0).abs() < 1e-15);
        for l in [-3.7, -1.0, -0.2, 0.0, 0.3, 2.0] {
            assert!(transform(1e4, l) < transform(1.0001e4, l), "λ = {l}");
        }
        assert!((transform_log(2f64.ln(), 1e-12) - 2f64.ln()).abs() < 1e-11);
    }

    #[test]
    fn lognormal_like_data_give_lambda_near_zero() {
        // exp of symmetric values: the log is exactly symmetric, λ ≈ 0.
        let xs: Vec<f64> = (-20..=20).map(|i| (f64::from(i) / 10.0).exp()).collect();
        let l = mle_lambda(&xs).unwrap();
        assert!(l.abs() < 0.05, "{l}");
    }

    /// fixtures/capability/boxcox.json: MASS::boxcox(y ~ 1) profile and its maximum (R call
    /// written in the file and in make_fixtures.R).
    #[test]
    fn lambda_and_profile_match_mass_boxcox() {
        let doc: serde_json::Value = serde_json::from_str(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/capability/boxcox.json"))).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            let xs: Vec<f64> = case["x"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            let n = xs.len() as f64;
            let want = case["lambda_mle"].as_f64().unwrap();
            let got = mle_lambda(&xs).unwrap();
            assert!((got - want).abs() < 1e-6, "{}: λ {got} vs MASS {want}", case["id"]);
            // MASS divides y by its geometric mean first, so its log-likelihood differs from
            // ours by the constant n/2·ln n − Σ ln y.
            let sum_log: f64 = xs.iter().map(|x| x.ln()).sum();
            let grid = case["grid_lambda"].as_array().unwrap().iter().zip(case["grid_loglik"].as_array().unwrap());
            for (l, ll) in grid {
                let (l, ll) = (l.as_f64().unwrap(), ll.as_f64().unwrap());
                let ours = profile_log_likelihood(&xs, sum_log, l) - 0.5 * n * n.ln() + sum_log;
                assert!((ours - ll).abs() < 1e-9 * ll.abs().max(1.0), "{}: λ {l}: {ours} vs {ll}", case["id"]);
            }
        }
    }
}

//! Non-normal capability with a fitted distribution: maximum-likelihood fits of the Weibull,
//! lognormal, gamma and exponential distributions (two-parameter, no threshold), indices by
//! the percentile method (ISO 22514-2:2017 §6.2, Clements 1989), expected PPM from the fitted
//! distribution, and the Anderson–Darling statistic of each fit (Stephens 1974) to choose one.

use super::{indices, ppm, ci, Options, SigmaMethod, StageCapability};
use crate::dataset::{StageSpan, Subgroups};
use crate::error::{QceError, Result};
use serde::Serialize;
use crate::num::normal::{dnorm, pnorm, pnorm_upper, qnorm};
use statrs::distribution::{Continuous, ContinuousCDF, Gamma};
use statrs::function::gamma::digamma;
use std::collections::BTreeMap;

/// A distribution family to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DistKind {
    /// Normal (for comparison in the list of fits).
    Normal,
    /// Two-parameter Weibull (shape k, scale λ).
    Weibull,
    /// Lognormal (meanlog μ, sdlog σ).
    Lognormal,
    /// Gamma (shape α, rate β).
    Gamma,
    /// Exponential (rate).
    Exponential,
}

impl DistKind {
    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DistKind::Normal => "normal",
            DistKind::Weibull => "weibull",
            DistKind::Lognormal => "lognormal",
            DistKind::Gamma => "gamma",
            DistKind::Exponential => "exponential",
        }
    }
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            DistKind::Normal => "正态",
            DistKind::Weibull => "威布尔",
            DistKind::Lognormal => "对数正态",
            DistKind::Gamma => "伽马",
            DistKind::Exponential => "指数",
        }
    }
    /// Every family, in the order fits are tried.
    pub const ALL: [DistKind; 5] = [DistKind::Normal, DistKind::Weibull, DistKind::Lognormal, DistKind::Gamma, DistKind::Exponential];
}

impl std::str::FromStr for DistKind {
    type Err = QceError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "weibull" => Ok(DistKind::Weibull),
            "lognormal" | "log-normal" | "lnorm" => Ok(DistKind::Lognormal),
            "gamma" => Ok(DistKind::Gamma),
            "exponential" | "exp" => Ok(DistKind::Exponential),
            "normal" => Ok(DistKind::Normal),
            _ => Err(QceError::usage(format!("--dist {s}: use weibull, lognormal, gamma or exponential"))),
        }
    }
}

/// A fitted distribution with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fitted {
    /// N(mean, sd²), sd the sample standard deviation (n − 1).
    Normal { mean: f64, sd: f64 },
    /// Weibull: F(x) = 1 − exp(−(x/scale)^shape).
    Weibull { shape: f64, scale: f64 },
    /// Lognormal: ln X ~ N(meanlog, sdlog²).
    Lognormal { meanlog: f64, sdlog: f64 },
    /// Gamma with shape α and rate β (mean α/β).
    Gamma { shape: f64, rate: f64 },
    /// Exponential with rate (mean 1/rate).
    Exponential { rate: f64 },
}

impl Fitted {
    /// The family.
    pub fn kind(&self) -> DistKind {
        match self {
            Fitted::Normal { .. } => DistKind::Normal,
            Fitted::Weibull { .. } => DistKind::Weibull,
            Fitted::Lognormal { .. } => DistKind::Lognormal,
            Fitted::Gamma { .. } => DistKind::Gamma,
            Fitted::Exponential { .. } => DistKind::Exponential,
        }
    }

    /// Parameters by name (R's names: shape/scale, meanlog/sdlog, shape/rate, rate).
    pub fn parameters(&self) -> BTreeMap<&'static str, f64> {
        match *self {
            Fitted::Normal { mean, sd } => [("mean", mean), ("sd", sd)].into(),
            Fitted::Weibull { shape, scale } => [("shape", shape), ("scale", scale)].into(),
            Fitted::Lognormal { meanlog, sdlog } => [("meanlog", meanlog), ("sdlog", sdlog)].into(),
            Fitted::Gamma { shape, rate } => [("shape", shape), ("rate", rate)].into(),
            Fitted::Exponential { rate } => [("rate", rate)].into(),
        }
    }

    /// Cumulative distribution function.
    pub fn cdf(&self, x: f64) -> f64 {
        match *self {
            Fitted::Normal { mean, sd } => pnorm((x - mean) / sd),
            Fitted::Lognormal { meanlog, sdlog } => if x <= 0.0 { 0.0 } else { pnorm((x.ln() - meanlog) / sdlog) },
            Fitted::Weibull { shape, scale } => if x <= 0.0 { 0.0 } else { -(-(x / scale).powf(shape)).exp_m1() },
            Fitted::Gamma { shape, rate } => if x <= 0.0 { 0.0 } else { gamma_tail(shape, rate, x, false) },
            Fitted::Exponential { rate } => if x <= 0.0 { 0.0 } else { -(-rate * x).exp_m1() },
        }
    }

    /// Survival function 1 − F(x), computed directly (precise in the upper tail).
    pub fn sf(&self, x: f64) -> f64 {
        match *self {
            Fitted::Normal { mean, sd } => pnorm_upper((x - mean) / sd),
            Fitted::Lognormal { meanlog, sdlog } => if x <= 0.0 { 1.0 } else { pnorm_upper((x.ln() - meanlog) / sdlog) },
            Fitted::Weibull { shape, scale } => if x <= 0.0 { 1.0 } else { (-(x / scale).powf(shape)).exp() },
            Fitted::Gamma { shape, rate } => if x <= 0.0 { 1.0 } else { gamma_tail(shape, rate, x, true) },
            Fitted::Exponential { rate } => if x <= 0.0 { 1.0 } else { (-rate * x).exp() },
        }
    }

    /// Density.
    pub fn pdf(&self, x: f64) -> f64 {
        match *self {
            Fitted::Normal { mean, sd } => if sd > 0.0 { dnorm((x - mean) / sd) / sd } else { f64::NAN },
            Fitted::Lognormal { meanlog, sdlog } => {
                if x <= 0.0 { 0.0 } else { dnorm((x.ln() - meanlog) / sdlog) / (x * sdlog) }
            }
            Fitted::Weibull { shape, scale } => {
                if x <= 0.0 { 0.0 } else { let z = x / scale; shape / scale * z.powf(shape - 1.0) * (-z.powf(shape)).exp() }
            }
            Fitted::Gamma { shape, rate } => if x <= 0.0 { 0.0 } else { gamma(shape, rate).map_or(f64::NAN, |g| g.pdf(x)) },
            Fitted::Exponential { rate } => if x < 0.0 { 0.0 } else { rate * (-rate * x).exp() },
        }
    }

    /// Quantile function.
    pub fn quantile(&self, p: f64) -> f64 {
        match *self {
            Fitted::Normal { mean, sd } => mean + sd * qnorm(p),
            Fitted::Lognormal { meanlog, sdlog } => (meanlog + sdlog * qnorm(p)).exp(),
            Fitted::Weibull { shape, scale } => scale * (-(-p).ln_1p()).powf(1.0 / shape),
            // Quantile of the unit-rate gamma, scaled: keeps the search well conditioned.
            Fitted::Gamma { shape, rate } => gamma(shape, 1.0).map_or(f64::NAN, |g| g.inverse_cdf(p)) / rate,
            Fitted::Exponential { rate } => -(-p).ln_1p() / rate,
        }
    }

    /// Log-likelihood of the data.
    pub fn log_likelihood(&self, xs: &[f64]) -> f64 {
        xs.iter().map(|&x| self.pdf(x).ln()).sum()
    }
}

fn gamma(shape: f64, rate: f64) -> Option<Gamma> {
    Gamma::new(shape, rate).ok()
}

/// F(x) (`upper` false) or 1 − F(x) (`upper` true) of the gamma distribution, x > 0: Temme's
/// expansion at large shapes ([`crate::num::gamma::gamma_pq_large_shape`]: fast and accurate
/// where statrs' series is slow and loses digits, e.g. at the shape of 5·10⁷ that a gamma fit
/// of precise measurements gives), statrs elsewhere.
fn gamma_tail(shape: f64, rate: f64, x: f64, upper: bool) -> f64 {
    match crate::num::gamma::gamma_pq_large_shape(shape, rate * x) {
        Some((p, q)) => if upper { q } else { p },
        None => gamma(shape, rate).map_or(f64::NAN, |g| if upper { g.sf(x) } else { g.cdf(x) }),
    }
}

/// Maximum-likelihood fit of a family to positive data (normal: any data).
pub fn fit(kind: DistKind, xs: &[f64]) -> Result<Fitted> {
    if xs.len() < 2 {
        return Err(QceError::analysis("a distribution fit needs at least 2 values"));
    }
    if kind != DistKind::Normal {
        if let Some(bad) = xs.iter().find(|&&x| !(x > 0.0)) {
            return Err(QceError::analysis(format!(
                "the {} distribution needs positive data, but the data contain {bad}; use the normal model, or shift the data",
                kind.as_str()
            )));
        }
    }
    let n = xs.len() as f64;
    let mean = crate::num::mean(xs);
    let fitted = match kind {
        // sd with n − 1, so that its AD statistic is the normality test's (nortest, Minitab)
        DistKind::Normal => Fitted::Normal { mean, sd: crate::num::sd(xs) },
        DistKind::Exponential => Fitted::Exponential { rate: 1.0 / mean },
        DistKind::Lognormal => {
            let logs: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
            let m = crate::num::mean(&logs);
            Fitted::Lognormal { meanlog: m, sdlog: (crate::num::sum_sq_dev(&logs, m) / n).sqrt() }
        }
        DistKind::Weibull => fit_weibull(xs)?,
        DistKind::Gamma => fit_gamma(xs, mean)?,
    };
    if fitted.parameters().values().any(|v| !v.is_finite()) {
        return Err(QceError::analysis(format!("the {} fit did not converge for these data (zero spread?)", kind.as_str())));
    }
    Ok(fitted)
}

/// Weibull MLE: the shape k solves g(k) = Σxᵏ ln x / Σxᵏ − 1/k − mean(ln x) = 0 (a strictly
/// increasing function of k; Cohen 1965) in [10⁻³, 10⁷] (precise measurements have large
/// shapes: a mean of 74 with an sd of 0.01 gives k ≈ 9,500, about 1.28 over the coefficient
/// of variation); scale = (Σxᵏ/n)^(1/k). The root is found by Newton's method safeguarded by
/// bisection ([`newton_increasing`]), started from Menon's (1963) moment estimate
/// k₀ = π/(√6·sd(ln x)), so that a fit of 10 million values (`--dist weibull`) takes a handful
/// of passes, not the sixty of a bisection. Data are divided by their maximum first so that xᵏ
/// cannot overflow (it may underflow to 0 far below the maximum, which then weighs nothing,
/// as it should).
fn fit_weibull(xs: &[f64]) -> Result<Fitted> {
    let xmax = xs.iter().copied().fold(f64::MIN, f64::max);
    let logs: Vec<f64> = xs.iter().map(|x| (x / xmax).ln()).collect();
    let mean_log = crate::num::mean(&logs);
    let sd_log = (crate::num::sum_sq_dev(&logs, mean_log) / (logs.len() as f64 - 1.0)).sqrt();
    let score = |k: f64| {
        let (s0, s1, s2) = weibull_sums(&logs, k);
        let (m1, m2) = (s1 / s0, s2 / s0);
        // g(k) and g'(k) = Var_w(ln x) + 1/k² > 0 (the w-weighted variance of the logs)
        (m1 - 1.0 / k - mean_log, (m2 - m1 * m1).max(0.0) + 1.0 / (k * k))
    };
    let start = std::f64::consts::PI / (6f64.sqrt() * sd_log);
    let k = newton_increasing(score, 1e-3, 1e7, start)?;
    let s0 = weibull_sums(&logs, k).0 / xs.len() as f64;
    Ok(Fitted::Weibull { shape: k, scale: xmax * s0.powf(1.0 / k) })
}

/// (Σw, Σw·l, Σw·l²) with w = e^{k·l} over the logs l; in parallel over fixed chunks for large
/// data, the chunks' sums added in order (the same result every run).
fn weibull_sums(logs: &[f64], k: f64) -> (f64, f64, f64) {
    use rayon::prelude::*;
    const CHUNK: usize = 1 << 16;
    let sums = |c: &[f64]| {
        c.iter().fold((0.0, 0.0, 0.0), |(s0, s1, s2), &l| {
            let w = (k * l).exp();
            (s0 + w, s1 + w * l, s2 + w * l * l)
        })
    };
    if logs.len() <= CHUNK {
        return sums(logs);
    }
    let parts: Vec<(f64, f64, f64)> = logs.par_chunks(CHUNK).map(sums).collect();
    parts.into_iter().fold((0.0, 0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1, a.2 + p.2))
}

/// Root of an increasing function on [lo, hi] by Newton's method kept inside a shrinking
/// bracket: a step that would leave the bracket is replaced by a bisection in the log scale
/// (safeguarded Newton, Press et al., *Numerical Recipes* 3e §9.4 `rtsafe`). `f` returns the
/// value and the derivative. Stops when a step moves the root by less than 10⁻¹⁴ of it (the
/// error left after such a Newton step is of the order of its square), or once steps of less
/// than 10⁻⁹ stop shrinking: the rounding noise of a sum over millions of values then sets
/// the last digits, and more steps would only wander inside it.
fn newton_increasing(f: impl Fn(f64) -> (f64, f64), lo: f64, hi: f64, start: f64) -> Result<f64> {
    if !(f(lo).0 < 0.0 && f(hi).0 > 0.0) {
        return Err(QceError::analysis("maximum-likelihood fit: no solution in the search range (data too extreme)"));
    }
    let (mut a, mut b) = (lo, hi);
    let mut x = if start > lo && start < hi { start } else { (lo * hi).sqrt() };
    let mut last_step = f64::INFINITY;
    for _ in 0..200 {
        let (fx, dfx) = f(x);
        if fx == 0.0 {
            return Ok(x);
        }
        if fx < 0.0 { a = x } else { b = x }
        let newton = x - fx / dfx;
        let next = if newton > a && newton < b { newton } else { (a * b).sqrt() };
        let step = (next - x).abs();
        if step <= 1e-14 * x || (step <= 1e-9 * x && step >= 0.5 * last_step) || next <= a || next >= b {
            return Ok(next);
        }
        (x, last_step) = (next, step);
    }
    Ok(x)
}

/// Gamma MLE: the shape α solves ln α − ψ(α) = ln(x̄) − mean(ln x) (Choi & Wette 1969),
/// bisection on ln α; rate = α/x̄.
fn fit_gamma(xs: &[f64], mean: f64) -> Result<Fitted> {
    let logs: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
    let s = mean.ln() - crate::num::mean(&logs);
    if !(s > 0.0) {
        return Err(QceError::analysis("the gamma fit needs data with some spread"));
    }
    // ln α − ψ(α) decreases in α; its negative increases.
    let alpha = bisect_increasing(|a| s - (a.ln() - digamma(a)), 1e-4, 1e8)?;
    Ok(Fitted::Gamma { shape: alpha, rate: alpha / mean })
}

/// Root of an increasing function on [lo, hi] by bisection in the log scale, to the last bit.
fn bisect_increasing(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> Result<f64> {
    let (mut a, mut b) = (lo.ln(), hi.ln());
    if !(f(lo) < 0.0 && f(hi) > 0.0) {
        return Err(QceError::analysis("maximum-likelihood fit: no solution in the search range (data too extreme)"));
    }
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if m <= a || m >= b {
            break;
        }
        if f(m.exp()) < 0.0 { a = m } else { b = m }
    }
    Ok((0.5 * (a + b)).exp())
}

/// Largest sample the goodness-of-fit statistic of a fitted distribution is computed on.
/// Some CDFs cost tens of microseconds a value (statrs' regularised incomplete gamma at a large
/// shape: a gamma fit of data with mean 74 and sd 0.01 has shape ≈ 5·10⁷), which made 10 million
/// values take many minutes; the statistic only ranks candidate families, so larger samples use
/// [`AD_MAX_N`] evenly spaced order statistics (reported as `ad_n`).
pub const AD_MAX_N: usize = 20_000;

/// Largest sample the candidate fits of [`all_fits`] are estimated on: beyond it they use
/// the same [`ad_sample`] of order statistics (reported as `fit_n`). Maximum likelihood over
/// 10 million values costs seconds (the Weibull shape alone is a root search over all of
/// them) and a gigabyte of temporary logs, for candidates that only serve to choose a family.
/// A systematic sample of the quantiles follows the data's distribution to within 1/m in
/// every quantile (a random sample of m only to 1/√m, and a deterministic one gives the same
/// answer every run): on 100,000 lognormal values the estimates agree with the full-data
/// ones to about 10⁻⁴ relative (3·10⁻⁴ for the Weibull shape, which leans most on the
/// extremes; see the test), far below what separates candidate families. `--dist`
/// ([`dist_stage`]) still fits the chosen family on all the values.
pub const FIT_MAX_N: usize = AD_MAX_N;

/// The sorted values the AD statistic uses: all of them up to [`AD_MAX_N`], else the order
/// statistics at ranks ⌊(j + ½)·n/m⌋, j = 0…m−1 (a systematic sample of the quantiles).
pub fn ad_sample(sorted: &[f64]) -> std::borrow::Cow<'_, [f64]> {
    let n = sorted.len();
    if n <= AD_MAX_N {
        return std::borrow::Cow::Borrowed(sorted);
    }
    let m = AD_MAX_N;
    std::borrow::Cow::Owned((0..m).map(|j| sorted[((j as f64 + 0.5) * n as f64 / m as f64) as usize]).collect())
}

/// Anderson–Darling statistic of sorted data against a fully specified CDF (Stephens 1974):
/// A² = −n − (1/n)·Σ(2i − 1)[ln F(x₍ᵢ₎) + ln(1 − F(x₍ₙ₊₁₋ᵢ₎))], on [`ad_sample`] of the data.
pub fn ad_statistic(sorted: &[f64], fitted: &Fitted) -> f64 {
    let sample = ad_sample(sorted);
    let sorted: &[f64] = &sample;
    let n = sorted.len();
    let mut h = 0.0;
    for i in 0..n {
        let lf = fitted.cdf(sorted[i]).max(f64::MIN_POSITIVE).ln();
        let ls = fitted.sf(sorted[n - 1 - i]).max(f64::MIN_POSITIVE).ln();
        h += (2.0 * i as f64 + 1.0) * (lf + ls);
    }
    -(n as f64) - h / n as f64
}

/// The chosen distribution of a `--dist` study.
#[derive(Debug, Clone, Serialize)]
pub struct FitInfo {
    /// Family name.
    pub distribution: DistKind,
    /// Maximum-likelihood parameters.
    pub parameters: BTreeMap<&'static str, f64>,
    /// Log-likelihood at the fit.
    pub log_likelihood: f64,
    /// Anderson–Darling statistic of the fit.
    pub ad_statistic: f64,
    /// Number of values the AD statistic was computed on (see [`AD_MAX_N`]).
    pub ad_n: usize,
    /// Number of values the parameters were estimated on: all of them (`--dist` fits the
    /// chosen family on the whole stage).
    pub fit_n: usize,
    /// X₀.₀₀₁₃₅, the lower "−3σ" percentile.
    pub p00135: f64,
    /// X₀.₅, the median.
    pub p50: f64,
    /// X₀.₉₉₈₆₅, the upper "+3σ" percentile.
    pub p99865: f64,
}

/// One candidate fit, for choosing a distribution.
#[derive(Debug, Clone, Serialize)]
pub struct FitSummary {
    /// Family name.
    pub distribution: DistKind,
    /// Maximum-likelihood parameters.
    pub parameters: BTreeMap<&'static str, f64>,
    /// Log-likelihood at the fit, over the `fit_n` values it was estimated on.
    pub log_likelihood: f64,
    /// Anderson–Darling statistic (smaller fits better).
    pub ad_statistic: f64,
    /// Number of values the AD statistic was computed on (see [`AD_MAX_N`]).
    pub ad_n: usize,
    /// Number of values the parameters were estimated on (see [`FIT_MAX_N`]).
    pub fit_n: usize,
}

/// Fit every family that the data allow, best (smallest AD) first.
pub fn all_fits(xs: &[f64]) -> Vec<FitSummary> {
    all_fits_sorted(&crate::num::sorted_copy(xs))
}

/// [`all_fits`] of data already sorted ascending. Up to [`FIT_MAX_N`] values every fit uses
/// all of them; beyond, the [`ad_sample`] of order statistics (see [`FIT_MAX_N`]).
pub fn all_fits_sorted(sorted: &[f64]) -> Vec<FitSummary> {
    let sample = ad_sample(sorted);
    let sample: &[f64] = &sample;
    let mut out: Vec<FitSummary> = DistKind::ALL
        .iter()
        .filter_map(|&k| fit(k, sample).ok())
        .map(|f| FitSummary {
            distribution: f.kind(),
            parameters: f.parameters(),
            log_likelihood: f.log_likelihood(sample),
            ad_statistic: ad_statistic(sample, &f),
            ad_n: sample.len(),
            fit_n: sample.len(),
        })
        .filter(|s| s.ad_statistic.is_finite())
        .collect();
    out.sort_by(|a, b| a.ad_statistic.total_cmp(&b.ad_statistic));
    out
}

/// The percentile-method study of one stage with a fitted distribution. The within-sigma
/// indices (Cp, Cpk) do not exist for a non-normal model (Minitab reports overall capability
/// only) and are `None`; σ_within is still reported as a description of the data.
pub(crate) fn dist_stage(sg: &Subgroups, st: &StageSpan, method: SigmaMethod, opts: &Options, kind: DistKind) -> Result<StageCapability> {
    let xs = sg.stage_values(st);
    let fitted = fit(kind, xs)?;
    let sorted = crate::num::sorted_copy(xs);
    let (mean, sd) = (crate::num::mean(xs), crate::num::sd(xs));
    let (q_lo, q_med, q_hi) = (fitted.quantile(0.00135), fitted.quantile(0.5), fitted.quantile(0.99865));
    let o = indices::percentile_indices(q_lo, q_med, q_hi, &opts.spec);
    let exp_o = ppm::expected(|x| fitted.cdf(x), |x| fitted.sf(x), &opts.spec);
    let within = crate::spc::sigma::sigma_within(sg, st, method)?;
    let info = FitInfo {
        distribution: kind,
        parameters: fitted.parameters(),
        log_likelihood: fitted.log_likelihood(xs),
        ad_statistic: ad_statistic(&sorted, &fitted),
        ad_n: sorted.len().min(AD_MAX_N),
        fit_n: xs.len(),
        p00135: q_lo,
        p50: q_med,
        p99865: q_hi,
    };
    Ok(StageCapability {
        name: st.name.clone(),
        n: xs.len(),
        subgroups: st.end - st.start,
        mean,
        sigma_within: within.sigma,
        sigma_overall: sd,
        sigma_method: within.method,
        sigma_within_df: within.df,
        lsl: opts.spec.lsl,
        usl: opts.spec.usl,
        target: opts.spec.target,
        cp: None,
        cpl: None,
        cpu: None,
        cpk: None,
        cpm: None,
        pp: o.potential,
        ppl: o.lower,
        ppu: o.upper,
        ppk: o.k,
        z_bench_within: None,
        z_bench_overall: ppm::z_bench(&exp_o),
        ci: ci::IndexCi { level: opts.conf, cp: None, cpk: None, pp: None, ppk: None },
        ppm: ppm::Ppm { observed: ppm::observed(xs, &opts.spec), expected_within: None, expected_overall: exp_o },
        normality: crate::tests::normality::anderson_darling_sorted(&sorted, mean, sd),
        transform: None,
        distribution: Some(info),
        fits: all_fits_sorted(&sorted),
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn ad_sample_bounds_large_data_and_keeps_quantiles() {
        let sorted: Vec<f64> = (0..1_000_000).map(|i| i as f64).collect();
        let sample = ad_sample(&sorted);
        assert_eq!(sample.len(), AD_MAX_N);
        assert!(sample.windows(2).all(|w| w[0] < w[1]));
        // the middle of the sample is the median of the data (within one spacing)
        assert!((sample[AD_MAX_N / 2] - 500_000.0).abs() <= 50.0);
        let small: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(ad_sample(&small).len(), 100);
    }

    use super::*;

    #[test]
    fn candidate_fits_of_large_data_use_the_quantile_sample_and_match_full_fits() {
        // 100,000 lognormal values exp(1 + 0.3·z), z from a fixed xorshift + Box–Muller
        let mut rng = crate::num::testgen::Xorshift::new(0x9E37_79B9_7F4A_7C15);
        let xs: Vec<f64> = (0..100_000).map(|_| (1.0 + 0.3 * rng.normal()).exp()).collect();
        let fits = all_fits(&xs);
        assert_eq!(fits.len(), 5);
        for f in &fits {
            assert_eq!((f.fit_n, f.ad_n), (FIT_MAX_N, AD_MAX_N), "{:?}", f.distribution);
            let full = fit(f.distribution, &xs).unwrap().parameters();
            for (name, v) in &f.parameters {
                let rel = (v - full[name]).abs() / full[name].abs();
                assert!(rel < 1e-3, "{:?} {name}: sample {v} vs all {}", f.distribution, full[name]);
            }
        }
        assert_eq!(fits[0].distribution, DistKind::Lognormal);
        // small data: every value
        let small = &xs[..500];
        assert!(all_fits(small).iter().all(|f| f.fit_n == 500 && f.ad_n == 500));
    }

    #[test]
    fn exponential_fit_is_the_mean() {
        let f = fit(DistKind::Exponential, &[1.0, 2.0, 3.0, 6.0]).unwrap();
        assert_eq!(f, Fitted::Exponential { rate: 1.0 / 3.0 });
        // median of Exp(mean 3) = 3 ln 2
        assert!((f.quantile(0.5) - 3.0 * 2f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn quantile_inverts_cdf() {
        for f in [
            Fitted::Weibull { shape: 1.7, scale: 3.0 },
            Fitted::Lognormal { meanlog: 0.3, sdlog: 0.4 },
            Fitted::Gamma { shape: 2.5, rate: 4.0 },
            Fitted::Exponential { rate: 0.5 },
        ] {
            for p in [0.00135, 0.5, 0.99865] {
                let q = f.quantile(p);
                assert!((f.cdf(q) - p).abs() < 1e-9 * p.max(1e-3), "{f:?} {p}");
            }
        }
    }

    #[test]
    fn weibull_score_equation_holds_at_the_fit() {
        let xs = [1.2, 0.8, 2.5, 1.9, 3.1, 0.6, 1.4, 2.2];
        let Fitted::Weibull { shape, scale } = fit(DistKind::Weibull, &xs).unwrap() else { panic!() };
        // ∂ℓ/∂scale = 0 ⇔ scale^k = mean(x^k)
        let m: f64 = xs.iter().map(|x: &f64| x.powf(shape)).sum::<f64>() / xs.len() as f64;
        assert!((scale.powf(shape) - m).abs() < 1e-10 * m);
    }

    #[test]
    fn weibull_newton_finds_the_root_bisection_finds() {
        let mut rng = crate::num::testgen::Xorshift::new(0x2545_F491_4F6C_DD1D);
        let skewed: Vec<f64> = (0..300).map(|_| 3.0 * (-rng.uniform().ln()).powf(1.0 / 1.7)).collect();
        // precise measurements (mean 74, sd 0.01: shape near 9,000) and many of them
        let precise: Vec<f64> = (0..200_000).map(|_| 74.0 + 0.01 * rng.normal()).collect();
        for xs in [&skewed, &precise] {
            let Fitted::Weibull { shape, .. } = fit(DistKind::Weibull, xs).unwrap() else { panic!() };
            let xmax = xs.iter().copied().fold(f64::MIN, f64::max);
            let logs: Vec<f64> = xs.iter().map(|x| (x / xmax).ln()).collect();
            let mean_log = crate::num::mean(&logs);
            let score = |k: f64| {
                let (s0, s1) = logs.iter().fold((0.0, 0.0), |(a, b), &l| ((a + (k * l).exp()), b + (k * l).exp() * l));
                s1 / s0 - 1.0 / k - mean_log
            };
            let by_bisection = bisect_increasing(score, 1e-3, 1e7).unwrap();
            assert!((shape - by_bisection).abs() <= 1e-10 * by_bisection, "n = {}: {shape} vs {by_bisection}", xs.len());
        }
    }

    #[test]
    fn non_positive_data_are_refused() {
        assert!(fit(DistKind::Weibull, &[1.0, 0.0, 2.0]).is_err());
        assert!(fit(DistKind::Normal, &[1.0, 0.0, 2.0]).is_ok());
    }

    fn fixture() -> serde_json::Value {
        serde_json::from_str(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/capability/fits.json"))).unwrap()
    }
    fn vec(v: &serde_json::Value) -> Vec<f64> {
        v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
    }
    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs()
    }

    /// fixtures/capability/fits.json (R: MASS::fitdistr, exact MLE by uniroot; call in the file).
    #[test]
    fn fits_match_r() {
        let d = fixture();
        let check = |key: &str, kind: DistKind, params: &[(&str, &str)]| {
            let c = &d[key];
            let xs = vec(&c["x"]);
            let f = fit(kind, &xs).unwrap();
            let p = f.parameters();
            for (ours, theirs) in params {
                let want = c[*theirs].as_f64().unwrap();
                assert!(close(p[ours], want, 1e-9), "{key} {ours}: {} vs R {want}", p[ours]);
            }
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            let ad = c["ad"].as_f64().unwrap();
            assert!(close(ad_statistic(&sorted, &f), ad, 1e-8), "{key} AD {} vs {ad}", ad_statistic(&sorted, &f));
            for (p, q) in [0.00135, 0.5, 0.99865].iter().zip(vec(&c["quantiles"])) {
                assert!(close(f.quantile(*p), q, 1e-8), "{key} q{p}: {} vs {q}", f.quantile(*p));
            }
            f
        };
        let w = check("weibull", DistKind::Weibull, &[("shape", "shape"), ("scale", "scale")]);
        assert!(close(w.log_likelihood(&vec(&d["weibull"]["x"])), d["weibull"]["loglik"].as_f64().unwrap(), 1e-10));
        check("lognormal", DistKind::Lognormal, &[("meanlog", "meanlog"), ("sdlog", "sdlog")]);
        check("gamma", DistKind::Gamma, &[("shape", "shape"), ("rate", "rate")]);
        check("exponential", DistKind::Exponential, &[("rate", "rate")]);
        // MASS::fitdistr (optim) agrees with the exact MLE to its own tolerance.
        let p = w.parameters();
        assert!(close(p["shape"], d["weibull"]["fitdistr_shape"].as_f64().unwrap(), 1e-6));
        assert!(close(p["scale"], d["weibull"]["fitdistr_scale"].as_f64().unwrap(), 1e-6));
    }
}

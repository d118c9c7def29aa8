//! Process capability: Cp, Cpk, Pp, Ppk, Cpm, Z.bench, PPM, confidence intervals, normality,
//! before/after comparison, and non-normal methods (Box-Cox transform, fitted Weibull,
//! lognormal, gamma or exponential with the ISO 22514-2 percentile method).
//!
//! Pure computation: [`capability`] takes the dataset's subgroups and returns plain
//! serialisable results. Formulas follow Minitab's "Normal Capability Analysis: methods and
//! formulas" as pinned down in the reference CONVENTIONS.md (capability section).

pub mod boxcox;
pub mod ci;
pub mod compare;
pub mod dist;
pub mod indices;
pub mod ppm;

use crate::dataset::{StageSpan, Subgroups};
use crate::error::{QceError, Result};
use serde::Serialize;

pub use crate::spc::sigma::SigmaMethod;
use crate::spc::sigma::{default_method, sigma_within};
use crate::tests::normality::{anderson_darling_sorted, NormalityResult};

/// Specification limits and target; one-sided specifications leave a limit `None`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SpecLimits {
    /// Lower specification limit.
    pub lsl: Option<f64>,
    /// Upper specification limit.
    pub usl: Option<f64>,
    /// Target value (gives Cpm).
    pub target: Option<f64>,
}

impl SpecLimits {
    /// Check that an analysis is possible: at least one limit, finite, LSL < USL.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [("--lsl", self.lsl), ("--usl", self.usl), ("--target", self.target)] {
            if v.is_some_and(|x| !x.is_finite()) {
                return Err(QceError::usage(format!("{name} must be a finite number")));
            }
        }
        match (self.lsl, self.usl) {
            (None, None) => Err(QceError::analysis(
                "no specification limit given: capability compares the process with its specification; give --lsl and/or --usl",
            )),
            (Some(l), Some(u)) if l >= u => Err(QceError::analysis(format!(
                "invalid specification: LSL {l} is not below USL {u}; check the order of --lsl and --usl"
            ))),
            _ => Ok(()),
        }
    }
}

/// What to do with data that are not normal.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Model {
    /// Normal model on the data as they are (default).
    #[default]
    Normal,
    /// Box-Cox transform, then the normal model; `lambda` fixed or by maximum likelihood.
    BoxCox {
        /// Fixed λ (`--lambda`), or `None` for the maximum-likelihood λ.
        lambda: Option<f64>,
    },
    /// A fitted distribution and the percentile method.
    Dist(dist::DistKind),
}

/// Options of a capability study.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Specification limits and target.
    pub spec: SpecLimits,
    /// Within-sigma estimator; `None` = that of the matching chart.
    pub sigma: Option<SigmaMethod>,
    /// Confidence level of the intervals (0 < conf < 1).
    pub conf: f64,
    /// Normal, Box-Cox or fitted distribution.
    pub model: Model,
}

/// Capability of every stage, and the before/after comparison when there are two stages.
#[derive(Debug, Clone, Serialize)]
pub struct CapabilityResult {
    /// One entry per stage, in file order.
    pub stages: Vec<StageCapability>,
    /// Second stage against the first (only with exactly two stages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<compare::Comparison>,
}

/// Normality of a stage's data (Anderson–Darling, as `nortest::ad.test`).
pub type Normality = NormalityResult;

/// The capability study of one stage. JSON keys follow CONTRACT.md's `capability` shape.
#[derive(Debug, Clone, Serialize)]
pub struct StageCapability {
    /// Stage label (`"all"` without `--phase`).
    pub name: String,
    /// Number of observations.
    pub n: usize,
    /// Number of subgroups.
    pub subgroups: usize,
    /// Mean of all observations (on the transformed scale with Box-Cox).
    pub mean: f64,
    /// Within-subgroup sigma.
    pub sigma_within: f64,
    /// Overall sigma: the sample standard deviation (n − 1).
    pub sigma_overall: f64,
    /// Estimator of the within sigma: `rbar`, `sbar`, `pooled`, `mr`.
    pub sigma_method: SigmaMethod,
    /// Degrees of freedom of the within sigma (Minitab's ν for the Cp interval).
    pub sigma_within_df: f64,
    /// Lower specification limit (as given, original scale).
    pub lsl: Option<f64>,
    /// Upper specification limit (as given, original scale).
    pub usl: Option<f64>,
    /// Target (as given, original scale).
    pub target: Option<f64>,
    /// Cp = (USL − LSL)/6σ_within.
    pub cp: Option<f64>,
    /// Cpl = (μ − LSL)/3σ_within.
    pub cpl: Option<f64>,
    /// Cpu = (USL − μ)/3σ_within.
    pub cpu: Option<f64>,
    /// Cpk = min(Cpl, Cpu).
    pub cpk: Option<f64>,
    /// Cpm (Minitab's formula; needs a target).
    pub cpm: Option<f64>,
    /// Pp = (USL − LSL)/6σ_overall (percentile method with a fitted distribution).
    pub pp: Option<f64>,
    /// Ppl.
    pub ppl: Option<f64>,
    /// Ppu.
    pub ppu: Option<f64>,
    /// Ppk = min(Ppl, Ppu).
    pub ppk: Option<f64>,
    /// Z.bench from the within model: Φ⁻¹(1 − expected proportion out).
    pub z_bench_within: Option<f64>,
    /// Z.bench from the overall model (or the fitted distribution).
    pub z_bench_overall: Option<f64>,
    /// Confidence intervals of Cp, Cpk, Pp, Ppk.
    pub ci: ci::IndexCi,
    /// Observed and expected parts per million out of specification.
    pub ppm: ppm::Ppm,
    /// Anderson–Darling normality of the data analysed (transformed data with Box-Cox).
    pub normality: Option<Normality>,
    /// Box-Cox details (`--transform box-cox`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform: Option<boxcox::BoxCoxInfo>,
    /// The fitted distribution (`--dist`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribution: Option<dist::FitInfo>,
    /// Goodness of fit of every candidate distribution (with `--dist`, or when the data are
    /// not normal), best first, so that a user can pick one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fits: Vec<dist::FitSummary>,
}

/// Anderson–Darling p-value under which the data count as not normal (and the candidate
/// distributions are fitted).
pub const NON_NORMAL_P: f64 = 0.05;

/// Run the capability study on every stage.
pub fn capability(sg: &Subgroups, opts: &Options) -> Result<CapabilityResult> {
    opts.spec.validate()?;
    if !(opts.conf > 0.0 && opts.conf < 1.0) {
        return Err(QceError::usage(format!("--conf {}: give a level between 0 and 1, e.g. 0.95", opts.conf)));
    }
    let method = opts.sigma.unwrap_or_else(|| default_method(sg));
    let stages = sg.stages.iter().map(|st| stage_capability(sg, st, method, opts)).collect::<Result<Vec<_>>>()?;
    let comparison = match (stages.len(), sg.stages.as_slice()) {
        (2, [a, b]) => Some(compare::compare(&stages[0], &stages[1], sg.stage_values(a), sg.stage_values(b))),
        _ => None,
    };
    Ok(CapabilityResult { stages, comparison })
}

/// The capability study of one stage.
pub fn stage_capability(sg: &Subgroups, st: &StageSpan, method: SigmaMethod, opts: &Options) -> Result<StageCapability> {
    let xs = sg.stage_values(st);
    check_data(xs, &st.name)?;
    match opts.model {
        Model::Normal => {
            let (mut cap, sorted) = normal_stage_sorted(sg, st, method, opts, None)?;
            // Non-normal data: fit the alternatives so the user can pick one.
            if cap.normality.as_ref().is_some_and(|nm| nm.p_value < NON_NORMAL_P) {
                cap.fits = dist::all_fits_sorted(&sorted);
            }
            Ok(cap)
        }
        Model::BoxCox { lambda } => boxcox::boxcox_stage(sg, st, method, opts, lambda),
        Model::Dist(kind) => dist::dist_stage(sg, st, method, opts, kind),
    }
}

/// Fewer than two values or no spread at all: analysis impossible.
fn check_data(xs: &[f64], stage: &str) -> Result<()> {
    let where_ = if stage == "all" { String::new() } else { format!(" in stage '{stage}'") };
    if xs.len() < 2 {
        return Err(QceError::analysis(format!(
            "only {} value{where_}: capability needs at least 2 (30 or more for a useful estimate); collect more data",
            xs.len()
        )));
    }
    let first = xs[0];
    if xs.iter().all(|&x| x == first) {
        return Err(QceError::analysis(format!(
            "all {} values{where_} equal {first}: zero spread, capability indices are undefined; check the measurement resolution or the column",
            xs.len()
        )));
    }
    Ok(())
}

/// The normal-model study on `sg` (already transformed when `transform` is given; the limits
/// in `transform` are then on the transformed scale while `opts.spec` keeps the originals).
pub(crate) fn normal_stage(
    sg: &Subgroups,
    st: &StageSpan,
    method: SigmaMethod,
    opts: &Options,
    transform: Option<(boxcox::BoxCoxInfo, SpecLimits, &[f64])>,
) -> Result<StageCapability> {
    normal_stage_sorted(sg, st, method, opts, transform).map(|(cap, _)| cap)
}

/// [`normal_stage`], also returning the stage's values sorted (for the candidate fits).
///
/// Every pass over the data is made once: the sorted copy (the most expensive step, for the
/// normality test) is made beside the mean and the sum of squared deviations, which give x̄,
/// σ_overall, the normality test's standardisation and Cpm; then the test runs beside the
/// within sigma and the observed PPM.
fn normal_stage_sorted(
    sg: &Subgroups,
    st: &StageSpan,
    method: SigmaMethod,
    opts: &Options,
    transform: Option<(boxcox::BoxCoxInfo, SpecLimits, &[f64])>,
) -> Result<(StageCapability, Vec<f64>)> {
    let xs = sg.stage_values(st);
    let (sorted, moments) = rayon::join(|| crate::num::sorted_copy(xs), || Moments::of(xs));
    let (normality, cap) = rayon::join(
        || anderson_darling_sorted(&sorted, moments.mean, moments.sd),
        || normal_stage_without_normality(sg, st, method, opts, transform, &moments),
    );
    cap.map(|c| (StageCapability { normality, ..c }, sorted))
}

/// Mean and spread of a stage's values, computed once for every statistic that needs them.
struct Moments {
    /// x̄ ([`crate::num::mean`]).
    mean: f64,
    /// Σ(x − x̄)² ([`crate::num::sum_sq_dev`]).
    sum_sq_dev: f64,
    /// Sample standard deviation (n − 1): the value of [`crate::num::sd`].
    sd: f64,
}

impl Moments {
    fn of(xs: &[f64]) -> Moments {
        let mean = crate::num::mean(xs);
        let sum_sq_dev = crate::num::sum_sq_dev(xs, mean);
        Moments { mean, sum_sq_dev, sd: (sum_sq_dev / (xs.len() as f64 - 1.0)).sqrt() }
    }
}

fn normal_stage_without_normality(
    sg: &Subgroups,
    st: &StageSpan,
    method: SigmaMethod,
    opts: &Options,
    transform: Option<(boxcox::BoxCoxInfo, SpecLimits, &[f64])>,
    moments: &Moments,
) -> Result<StageCapability> {
    let xs = sg.stage_values(st);
    let n = xs.len();
    let (mean, sigma_overall) = (moments.mean, moments.sd);
    let within = sigma_within(sg, st, method)?;
    if !(within.sigma > 0.0 && within.sigma.is_finite()) {
        return Err(QceError::analysis(format!(
            "the within-subgroup sigma ({}) of stage '{}' is {}: every subgroup is constant; use another --sigma estimator or check the data",
            method.as_str(),
            st.name,
            within.sigma
        )));
    }
    if !(sigma_overall > 0.0) {
        return Err(QceError::analysis(format!("stage '{}' has zero spread: capability indices are undefined", st.name)));
    }
    let (spec, original) = match &transform {
        Some((_, s, orig)) => (*s, *orig),
        None => (opts.spec, xs),
    };
    let w = indices::normal_indices(mean, within.sigma, &spec);
    let o = indices::normal_indices(mean, sigma_overall, &spec);
    let exp_w = ppm::expected_normal(mean, within.sigma, &spec);
    let exp_o = ppm::expected_normal(mean, sigma_overall, &spec);
    let nu_overall = n as f64 - 1.0;
    let ci = ci::IndexCi {
        level: opts.conf,
        cp: w.potential.and_then(|c| ci::potential_ci(c, within.df, opts.conf)),
        cpk: w.k.and_then(|c| ci::k_ci(c, n, within.df, opts.conf)),
        pp: o.potential.and_then(|c| ci::potential_ci(c, nu_overall, opts.conf)),
        ppk: o.k.and_then(|c| ci::k_ci(c, n, nu_overall, opts.conf)),
    };
    Ok(StageCapability {
        name: st.name.clone(),
        n,
        subgroups: st.end - st.start,
        mean,
        sigma_within: within.sigma,
        sigma_overall,
        sigma_method: within.method,
        sigma_within_df: within.df,
        lsl: opts.spec.lsl,
        usl: opts.spec.usl,
        target: opts.spec.target,
        cp: w.potential,
        cpl: w.lower,
        cpu: w.upper,
        cpk: w.k,
        cpm: indices::cpm_from_moments(n, mean, moments.sum_sq_dev, &spec),
        pp: o.potential,
        ppl: o.lower,
        ppu: o.upper,
        ppk: o.k,
        z_bench_within: ppm::z_bench(&exp_w),
        z_bench_overall: ppm::z_bench(&exp_o),
        ci,
        ppm: ppm::Ppm { observed: ppm::observed(original, &opts.spec), expected_within: Some(exp_w), expected_overall: exp_o },
        normality: None,
        transform: transform.map(|t| t.0),
        distribution: None,
        fits: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Individuals (or subgroups of `size`) in one stage.
    fn data(values: Vec<f64>, size: usize) -> Subgroups {
        Subgroups::fixed_size("x", values, size)
    }

    fn opts(lsl: Option<f64>, usl: Option<f64>) -> Options {
        Options { spec: SpecLimits { lsl, usl, target: None }, sigma: None, conf: 0.95, model: Model::Normal }
    }

    #[test]
    fn errors_say_what_is_impossible() {
        let sg = data(vec![1.0, 2.0, 3.0, 2.5], 1);
        let e = capability(&sg, &opts(None, None)).unwrap_err();
        assert_eq!(e.exit_code(), 4);
        assert!(e.message.contains("--lsl"));
        let e = capability(&sg, &opts(Some(5.0), Some(4.0))).unwrap_err();
        assert_eq!(e.exit_code(), 4);
        assert!(e.message.contains("LSL"));
        let e = capability(&data(vec![3.0, 3.0, 3.0], 1), &opts(Some(1.0), Some(4.0))).unwrap_err();
        assert!(e.message.contains("zero spread"));
        let e = capability(&data(vec![3.0], 1), &opts(Some(1.0), Some(4.0))).unwrap_err();
        assert!(e.message.contains("at least 2"));
    }

    #[test]
    fn one_sided_spec_gives_nulls_not_nan() {
        let sg = data(vec![1.0, 2.0, 3.0, 2.5, 1.7, 2.2, 2.9, 1.1], 1);
        let r = capability(&sg, &opts(None, Some(5.0))).unwrap();
        let v = serde_json::to_value(&r).unwrap();
        let s = &v["stages"][0];
        for k in ["cp", "cpl", "pp", "ppl", "cpm"] {
            assert!(s[k].is_null(), "{k}");
        }
        assert_eq!(s["cpk"], s["cpu"]);
        assert!(s["ci"]["cp"].is_null() && s["ci"]["cpk"].is_array());
        assert!(!serde_json::to_string(&v).unwrap().contains("NaN"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn cpk_never_exceeds_cp(xs in proptest::collection::vec(-100.0f64..100.0, 10..60), lo in -200.0f64..0.0, width in 1.0f64..400.0) {
            let sg = data(xs, 1);
            prop_assume!(sg.values.iter().any(|&x| x != sg.values[0]));
            let r = capability(&sg, &opts(Some(lo), Some(lo + width))).unwrap();
            let s = &r.stages[0];
            prop_assert!(s.cpk.unwrap() <= s.cp.unwrap() + 1e-12);
            prop_assert!(s.ppk.unwrap() <= s.pp.unwrap() + 1e-12);
        }

        #[test]
        fn scaling_data_and_limits_leaves_indices_unchanged(
            xs in proptest::collection::vec(0.5f64..20.0, 20..60),
            c in 0.001f64..1000.0,
            shift in -50.0f64..50.0,
            size in 1usize..5,
        ) {
            let base = data(xs.clone(), size);
            prop_assume!(base.len() >= 2);
            let scaled = data(xs.iter().map(|x| c * x + shift).collect(), size);
            let spec = |k: f64, d: f64| Options { spec: SpecLimits { lsl: Some(k * 1.0 + d), usl: Some(k * 15.0 + d), target: Some(k * 9.0 + d) }, ..opts(None, None) };
            let (Ok(a), Ok(b)) = (capability(&base, &spec(1.0, 0.0)), capability(&scaled, &spec(c, shift))) else {
                return Ok(()); // zero spread in a drawn sample
            };
            let (a, b) = (&a.stages[0], &b.stages[0]);
            let same = |x: Option<f64>, y: Option<f64>| match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                (None, None) => true,
                _ => false,
            };
            for (x, y) in [(a.cp, b.cp), (a.cpk, b.cpk), (a.pp, b.pp), (a.ppk, b.ppk), (a.cpl, b.cpl), (a.ppu, b.ppu), (a.cpm, b.cpm), (a.z_bench_overall, b.z_bench_overall)] {
                prop_assert!(same(x, y), "{x:?} vs {y:?}");
            }
        }
    }
}

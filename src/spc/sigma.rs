//! Within-subgroup sigma estimators (the σ of Shewhart limits and of Cp/Cpk), with the degrees
//! of freedom Minitab uses for capability confidence intervals.
//!
//! Unequal subgroup sizes follow Minitab ("Methods and formulas" of Xbar-R / Xbar-S charts):
//! * R̄: σ = Σ fᵢ·Rᵢ/d2(nᵢ) / Σ fᵢ with fᵢ = d2(nᵢ)²/d3(nᵢ)² (equal n: R̄/d2(n));
//! * S̄: σ = Σ hᵢ·Sᵢ/c4(nᵢ) / Σ hᵢ with hᵢ = c4(nᵢ)²/(1 − c4(nᵢ)²) (equal n: S̄/c4(n));
//! * pooled: sp = √(Σ(nᵢ−1)sᵢ² / Σ(nᵢ−1)), σ = sp / c4(Σ(nᵢ−1)+1);
//! * MR: σ = MR̄/d2(2), moving ranges of consecutive observations inside the stage.
//!
//! Subgroups of one observation carry no within-subgroup information and are left out of R̄,
//! S̄ and pooled.

use crate::dataset::{StageSpan, Subgroups};
use crate::error::{QceError, Result};
use crate::spc::constants::{c4, d2, d3};
use serde::Serialize;
use std::str::FromStr;

/// Which within-subgroup estimator of σ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SigmaMethod {
    /// Average range: R̄/d2.
    Rbar,
    /// Average standard deviation: S̄/c4.
    Sbar,
    /// Pooled standard deviation with the c4 unbiasing constant.
    Pooled,
    /// Average moving range (span 2): MR̄/d2(2).
    Mr,
}

impl SigmaMethod {
    /// The contract's string: "rbar", "sbar", "pooled", "mr".
    pub fn as_str(self) -> &'static str {
        match self {
            SigmaMethod::Rbar => "rbar",
            SigmaMethod::Sbar => "sbar",
            SigmaMethod::Pooled => "pooled",
            SigmaMethod::Mr => "mr",
        }
    }
}

impl FromStr for SigmaMethod {
    type Err = QceError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rbar" => Ok(SigmaMethod::Rbar),
            "sbar" => Ok(SigmaMethod::Sbar),
            "pooled" => Ok(SigmaMethod::Pooled),
            "mr" | "mrbar" => Ok(SigmaMethod::Mr),
            other => Err(QceError::usage(format!("unknown sigma method '{other}': use rbar, sbar, pooled or mr"))),
        }
    }
}

/// A within-subgroup σ with the degrees of freedom attached to it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SigmaEstimate {
    /// The estimator used.
    pub method: SigmaMethod,
    /// The estimate of σ.
    pub sigma: f64,
    /// Degrees of freedom for capability intervals (Minitab, Normal Capability Analysis
    /// "Methods and formulas"): R̄ 0.9·k·(n̄−1); MR N−1; pooled Σ(nᵢ−1); S̄: Σhᵢ/2, the
    /// chi-square df whose variance matches Var(σ̂) (Patnaik 1949 approximation; equals
    /// k·c4²/(2(1−c4²)) for equal n, e.g. 3.79·k for n = 5 against pooled 4·k).
    pub df: f64,
}

/// The default estimator of the matching chart: MR for individuals, R̄ for subgroups.
pub fn default_method(sg: &Subgroups) -> SigmaMethod {
    if sg.individuals { SigmaMethod::Mr } else { SigmaMethod::Rbar }
}

/// Within-subgroup σ of one stage by the chosen method.
///
/// Errors (`QceError::analysis`) when the stage has too few data for the method (no subgroup
/// of two or more for R̄/S̄/pooled, fewer than two observations for MR) or no within-subgroup
/// variation at all (σ = 0).
pub fn sigma_within(sg: &Subgroups, stage: &StageSpan, method: SigmaMethod) -> Result<SigmaEstimate> {
    let est = match method {
        SigmaMethod::Rbar => rbar(sg, stage),
        SigmaMethod::Sbar => sbar(sg, stage),
        SigmaMethod::Pooled => pooled(sg, stage),
        SigmaMethod::Mr => moving_range(sg.stage_values(stage)),
    };
    checked(sg, stage, method, est)
}

fn too_few(sg: &Subgroups, stage: &StageSpan, method: SigmaMethod) -> QceError {
    let need = match method {
        SigmaMethod::Mr => "at least 2 observations",
        _ => "at least one subgroup of 2 or more observations (use --subgroup, --subgroup-size or --sigma mr)",
    };
    let where_ = if stage.name == "all" { String::new() } else { format!(" in stage '{}'", stage.name) };
    QceError::analysis(format!("{}: too few data{where_} for sigma by {}: need {need}", sg.value_name, method.as_str()))
}

/// Subgroups of the stage with at least two observations.
fn multi<'a>(sg: &'a Subgroups, stage: &StageSpan) -> impl Iterator<Item = &'a [f64]> + use<'a> {
    multi_indices(sg, stage).map(move |i| sg.subgroup(i))
}

/// Indices of the stage's subgroups with at least two observations.
fn multi_indices<'a>(sg: &'a Subgroups, stage: &StageSpan) -> impl Iterator<Item = usize> + Clone + use<'a> {
    (stage.start..stage.end).filter(|&i| sg.size(i) >= 2)
}

/// Within-subgroup σ of one stage by R̄ or S̄ from each subgroup's range (R̄) or standard
/// deviation (S̄) already computed: `stat[i]` of subgroup `i` (of all the subgroups, entries of
/// subgroups of one observation are not read). The same estimate as [`sigma_within`] (same
/// sums in the same order); other methods are computed from the data.
pub(crate) fn sigma_from_stats(sg: &Subgroups, stage: &StageSpan, method: SigmaMethod, stat: &[f64]) -> Result<SigmaEstimate> {
    let est = match method {
        SigmaMethod::Rbar => rbar_with(sg, stage, |i| stat[i]),
        SigmaMethod::Sbar => sbar_with(sg, stage, |i| stat[i]),
        _ => return sigma_within(sg, stage, method),
    };
    checked(sg, stage, method, est)
}

/// The estimate, or the errors of [`sigma_within`].
fn checked(sg: &Subgroups, stage: &StageSpan, method: SigmaMethod, est: Option<SigmaEstimate>) -> Result<SigmaEstimate> {
    let est = est.ok_or_else(|| too_few(sg, stage, method))?;
    if !(est.sigma > 0.0) || !est.sigma.is_finite() {
        return Err(QceError::analysis(format!(
            "{}: no within-subgroup variation in stage '{}' (σ = 0): a control chart or capability needs varying data",
            sg.value_name, stage.name
        )));
    }
    Ok(SigmaEstimate { method, ..est })
}

/// Range of a slice (max − min).
pub fn range(xs: &[f64]) -> f64 {
    let (lo, hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    hi - lo
}

/// R̄/d2 (Montgomery 7e eq. 6.6); unequal n: Minitab's fᵢ-weighted mean of Rᵢ/d2(nᵢ).
fn rbar(sg: &Subgroups, stage: &StageSpan) -> Option<SigmaEstimate> {
    rbar_with(sg, stage, |i| range(sg.subgroup(i)))
}

/// [`rbar`] with the range of subgroup `i` given by `r(i)`.
fn rbar_with(sg: &Subgroups, stage: &StageSpan, r: impl Fn(usize) -> f64 + Sync) -> Option<SigmaEstimate> {
    let t = tally(sg, stage, &r);
    if t.count == 0 {
        return None;
    }
    let k = t.count as f64;
    let nbar = t.sizes as f64 / k;
    let sigma = if t.min_size == t.max_size {
        t.sum / k / d2(t.min_size)
    } else {
        let (mut num, mut den) = (0.0, 0.0);
        for i in multi_indices(sg, stage) {
            let n = sg.size(i);
            let f = (d2(n) / d3(n)).powi(2);
            num += f * r(i) / d2(n);
            den += f;
        }
        num / den
    };
    Some(SigmaEstimate { method: SigmaMethod::Rbar, sigma, df: 0.9 * k * (nbar - 1.0) })
}

/// Count, total and extreme sizes of a stage's subgroups with at least two observations, and
/// the sum of `stat` over them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tally {
    count: usize,
    sizes: usize,
    min_size: usize,
    max_size: usize,
    sum: f64,
}

/// [`Tally`] of a stage, in parallel over fixed chunks of subgroups whose sums are then added
/// in order: the same result on any number of threads.
fn tally(sg: &Subgroups, stage: &StageSpan, stat: &(impl Fn(usize) -> f64 + Sync)) -> Tally {
    use rayon::prelude::*;
    const CHUNK: usize = 1 << 14;
    let empty = Tally { count: 0, sizes: 0, min_size: usize::MAX, max_size: 0, sum: 0.0 };
    let chunk = |from: usize| {
        let mut t = empty;
        for i in from..(from + CHUNK).min(stage.end) {
            let n = sg.size(i);
            if n >= 2 {
                t.count += 1;
                t.sizes += n;
                t.min_size = t.min_size.min(n);
                t.max_size = t.max_size.max(n);
                t.sum += stat(i);
            }
        }
        t
    };
    let starts: Vec<usize> = (stage.start..stage.end).step_by(CHUNK).collect();
    let parts: Vec<Tally> = if starts.len() > 1 { starts.par_iter().map(|&f| chunk(f)).collect() } else { starts.iter().map(|&f| chunk(f)).collect() };
    parts.into_iter().fold(empty, |a, b| Tally {
        count: a.count + b.count,
        sizes: a.sizes + b.sizes,
        min_size: a.min_size.min(b.min_size),
        max_size: a.max_size.max(b.max_size),
        sum: a.sum + b.sum,
    })
}

/// S̄/c4 (Montgomery 7e eq. 6.27); unequal n: Minitab's hᵢ-weighted mean of Sᵢ/c4(nᵢ).
fn sbar(sg: &Subgroups, stage: &StageSpan) -> Option<SigmaEstimate> {
    sbar_with(sg, stage, |i| crate::num::sd(sg.subgroup(i)))
}

/// [`sbar`] with the standard deviation of subgroup `i` given by `sd(i)`.
fn sbar_with(sg: &Subgroups, stage: &StageSpan, sd: impl Fn(usize) -> f64) -> Option<SigmaEstimate> {
    let groups = multi_indices(sg, stage);
    let first = sg.size(groups.clone().next()?);
    let h = |n: usize| c4(n).powi(2) / (1.0 - c4(n).powi(2));
    let (mut count, mut hsum, mut equal) = (0usize, 0.0f64, true);
    for i in groups.clone() {
        count += 1;
        hsum += h(sg.size(i));
        equal &= sg.size(i) == first;
    }
    let df = hsum / 2.0;
    let sigma = if equal {
        groups.map(sd).sum::<f64>() / count as f64 / c4(first)
    } else {
        let (mut num, mut den) = (0.0, 0.0);
        for i in groups {
            let n = sg.size(i);
            num += h(n) * sd(i) / c4(n);
            den += h(n);
        }
        num / den
    };
    Some(SigmaEstimate { method: SigmaMethod::Sbar, sigma, df })
}

/// Pooled sd / c4(Σ(nᵢ−1)+1) (Minitab's default for Xbar-S with unequal n and for capability).
fn pooled(sg: &Subgroups, stage: &StageSpan) -> Option<SigmaEstimate> {
    let (mut ss, mut df) = (0.0, 0usize);
    for g in multi(sg, stage) {
        ss += crate::num::sum_sq_dev(g, crate::num::mean(g));
        df += g.len() - 1;
    }
    if df == 0 {
        return None;
    }
    let sp = (ss / df as f64).sqrt();
    Some(SigmaEstimate { method: SigmaMethod::Pooled, sigma: sp / c4(df + 1), df: df as f64 })
}

/// MR̄/d2(2) over consecutive observations (Montgomery 7e eq. 6.33); df N−1 (Minitab).
fn moving_range(xs: &[f64]) -> Option<SigmaEstimate> {
    if xs.len() < 2 {
        return None;
    }
    let mrbar = xs.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (xs.len() - 1) as f64;
    Some(SigmaEstimate { method: SigmaMethod::Mr, sigma: mrbar / d2(2), df: (xs.len() - 1) as f64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One stage "all", a subgroup per slice.
    fn sg(groups: &[&[f64]]) -> Subgroups {
        let gs: Vec<Vec<f64>> = groups.iter().map(|g| g.to_vec()).collect();
        crate::spc::test_support::sg_of(&gs, &[("all", 0, gs.len())])
    }

    #[test]
    fn tally_over_many_chunks_matches_one_loop() {
        let mut rng = crate::num::testgen::Xorshift::new(0xD1B5_4A32_D192_ED03);
        let gs: Vec<Vec<f64>> = (0..3 * (1 << 14) + 5).map(|i| (0..1 + i % 6).map(|_| rng.uniform()).collect()).collect();
        let s = crate::spc::test_support::sg_of(&gs, &[("a", 0, 7), ("b", 7, gs.len())]);
        for st in &s.stages {
            let t = tally(&s, st, &|i| range(s.subgroup(i)));
            let multi: Vec<usize> = (st.start..st.end).filter(|&i| s.size(i) >= 2).collect();
            assert_eq!(t.count, multi.len());
            assert_eq!(t.sizes, multi.iter().map(|&i| s.size(i)).sum::<usize>());
            assert_eq!((t.min_size, t.max_size), (2, 6));
            let want: f64 = multi.iter().map(|&i| range(s.subgroup(i))).sum();
            assert!((t.sum - want).abs() <= 1e-12 * want, "{} vs {want}", t.sum);
        }
    }

    #[test]
    fn rbar_equal_n() {
        let s = sg(&[&[1.0, 3.0, 2.0], &[4.0, 4.5, 5.0], &[0.0, 1.0, 0.5]]);
        let e = sigma_within(&s, &s.stages[0], SigmaMethod::Rbar).unwrap();
        assert!((e.sigma - (2.0 + 1.0 + 1.0) / 3.0 / 1.693).abs() < 1e-15);
        assert!((e.df - 0.9 * 3.0 * 2.0).abs() < 1e-12);
    }

    #[test]
    fn rbar_unequal_n_weights_by_f() {
        let s = sg(&[&[1.0, 3.0], &[4.0, 4.5, 5.0, 6.0]]);
        let e = sigma_within(&s, &s.stages[0], SigmaMethod::Rbar).unwrap();
        let (f2, f4) = ((1.128f64 / 0.8525033).powi(2), (2.059f64 / 0.8798108).powi(2));
        let want = (f2 * 2.0 / 1.128 + f4 * 2.0 / 2.059) / (f2 + f4);
        assert!((e.sigma - want).abs() < 1e-14);
    }

    #[test]
    fn pooled_and_sbar() {
        let a: &[f64] = &[1.0, 2.0, 4.0];
        let b: &[f64] = &[2.0, 2.5];
        let s = sg(&[a, b]);
        let p = sigma_within(&s, &s.stages[0], SigmaMethod::Pooled).unwrap();
        // R: sqrt((2*var(c(1,2,4)) + 1*var(c(2,2.5)))/3) / c4(4)
        let want = ((2.0 * 7.0 / 3.0 + 0.125) / 3.0f64).sqrt() / c4(4);
        assert!((p.sigma - want).abs() < 1e-14);
        assert_eq!(p.df, 3.0);
        let eq = sg(&[&[1.0, 2.0, 4.0], &[2.0, 2.5, 3.0]]);
        let sb = sigma_within(&eq, &eq.stages[0], SigmaMethod::Sbar).unwrap();
        let want = ((7.0f64 / 3.0).sqrt() + 0.5) / 2.0 / c4(3);
        assert!((sb.sigma - want).abs() < 1e-14);
    }

    #[test]
    fn moving_range_within_stage() {
        let mut s = sg(&[&[1.0], &[3.0], &[2.0], &[10.0], &[11.0]]);
        s.stages = vec![StageSpan { name: "a".into(), start: 0, end: 3 }, StageSpan { name: "b".into(), start: 3, end: 5 }];
        let a = sigma_within(&s, &s.stages[0], SigmaMethod::Mr).unwrap();
        assert!((a.sigma - 1.5 / 1.128).abs() < 1e-15);
        assert_eq!(a.df, 2.0);
        let b = sigma_within(&s, &s.stages[1], SigmaMethod::Mr).unwrap();
        assert!((b.sigma - 1.0 / 1.128).abs() < 1e-15);
        assert_eq!(default_method(&s), SigmaMethod::Mr);
    }

    #[test]
    fn too_few_and_constant_are_analysis_errors() {
        let s = sg(&[&[1.0]]);
        let e = sigma_within(&s, &s.stages[0], SigmaMethod::Mr).unwrap_err();
        assert_eq!(e.exit_code(), 4);
        let e = sigma_within(&s, &s.stages[0], SigmaMethod::Rbar).unwrap_err();
        assert_eq!(e.exit_code(), 4);
        let c = sg(&[&[2.0, 2.0], &[2.0, 2.0]]);
        assert_eq!(sigma_within(&c, &c.stages[0], SigmaMethod::Rbar).unwrap_err().exit_code(), 4);
    }

    #[test]
    fn method_strings_round_trip() {
        for m in [SigmaMethod::Rbar, SigmaMethod::Sbar, SigmaMethod::Pooled, SigmaMethod::Mr] {
            assert_eq!(m.as_str().parse::<SigmaMethod>().unwrap(), m);
        }
        assert!("median".parse::<SigmaMethod>().is_err());
    }
}

//! Variables charts: X̄-R, X̄-S, I-MR (Montgomery 7e ch. 6), and the dispatch to EWMA/CUSUM.
//!
//! Per stage: center = mean of all observations (or `--center-value`), σ = within-subgroup
//! estimate ([`sigma_within`]) or `--sigma-value`. X̄ limits center ± L·σ/√nᵢ; R chart
//! d2(nᵢ)σ ± L·d3(nᵢ)σ; S chart c4(nᵢ)σ ± L·σ√(1 − c4(nᵢ)²); MR chart d2(2)σ ± L·d3(2)σ
//! (Montgomery eqs. 6.4–6.6, 6.27–6.31, 6.33); lower limits of R, S, MR clipped at 0.

use super::constants::{c4, d2, d3};
use super::nelson::{self, RuleSet, Series};
use super::sigma::range;
use super::{limits_stage, need_points, ChartKind, ChartOptions, ChartResult, Line, LineKind, Panel, Points, Run, StageLimits};
use super::constant;
use super::{default_method, sigma_within, SigmaMethod};
use crate::dataset::{StageSpan, Subgroups};
use crate::error::{QceError, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Center and σ of one stage, and which stage they came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StageParams {
    pub center: f64,
    pub sigma: f64,
    /// Index of the stage whose data gave them.
    pub source: usize,
}

/// Compute a variables chart (X̄-R, X̄-S, I-MR, EWMA, CUSUM) of the subgroups.
pub fn variables_chart(sg: &Subgroups, opts: &ChartOptions) -> Result<ChartResult> {
    need_points(sg)?;
    match opts.kind {
        ChartKind::XbarR | ChartKind::XbarS if sg.individuals => {
            return Err(QceError::usage(format!(
                "{} needs subgroups: give --subgroup COL, --subgroup-size N or several --value columns (wide layout); for individual values use i-mr",
                opts.kind.as_str()
            )))
        }
        ChartKind::IMr if !sg.individuals => {
            return Err(QceError::usage("i-mr charts individual values: drop --subgroup/--subgroup-size (or use xbar-r for subgroups)"))
        }
        _ => {}
    }
    let method = chart_method(sg, opts);
    if matches!(opts.kind, ChartKind::Ewma | ChartKind::Cusum) {
        let params = stage_params(sg, opts, method)?;
        let sigma_method = if opts.sigma_value.is_some() { "known".to_string() } else { method.as_str().to_string() };
        return match opts.kind {
            ChartKind::Ewma => super::timeweighted::ewma(sg, opts, &params, sigma_method),
            _ => super::timeweighted::cusum(sg, opts, &params, sigma_method),
        };
    }
    // One parallel pass over the subgroups gives the plotted statistics of both panels
    // (x̄ and R or S); R̄ and S̄ sigma read them. The stages' means (one long sequential sum
    // each) run alongside that pass, the sigmas and the whole dispersion panel, which need no
    // center; the location panel follows.
    let dispersion = match opts.kind {
        ChartKind::XbarR => Some(Dispersion::Range),
        ChartKind::XbarS => Some(Dispersion::Sd),
        _ => None,
    };
    let stat_method = match dispersion {
        Some(Dispersion::Range) => SigmaMethod::Rbar,
        Some(Dispersion::Sd) => SigmaMethod::Sbar,
        None => method,
    };
    let (centers, rest) = rayon::join(
        || stage_centers(sg, opts),
        || -> Result<_> {
            let sizes: Vec<Option<usize>> = sg.stages.iter().map(|st| stage_size(sg, st)).collect();
            let (means, spreads) = subgroup_stats(sg, dispersion, &sizes);
            let stats = (method == stat_method && dispersion.is_some()).then_some(spreads.as_slice());
            let sigmas = stage_sigmas(sg, opts, method, stats)?;
            // the dispersion panel needs σ only
            let params: Vec<StageParams> = sigmas.iter().map(|&(sigma, source)| StageParams { center: f64::NAN, sigma, source }).collect();
            let disp = match dispersion {
                Some(kind) => subgroup_dispersion(sg, opts, &params, kind, spreads, &sizes),
                None => moving_range_panel(sg, opts, &params),
            };
            Ok((means, sigmas, sizes, disp))
        },
    );
    let (means, sigmas, sizes, disp) = rest?;
    let params = with_centers(&sigmas, &centers);
    let sigma_method = if opts.sigma_value.is_some() { "known".to_string() } else { method.as_str().to_string() };
    let statistic = if opts.kind == ChartKind::IMr { "i" } else { "xbar" };
    let main = location_panel(sg, opts, &params, statistic, means, &sizes);
    Ok(ChartResult {
        chart: opts.kind,
        sigma_method,
        stages: main.stages,
        points: main.points,
        violations: main.violations,
        dispersion: Some(disp),
        statistic: statistic.to_string(),
        labels: sg.labels.clone(),
    })
}

/// Each subgroup's mean (its value when alone) and, for X̄-R / X̄-S, its range or standard
/// deviation (empty otherwise), in parallel, stage by stage: `sizes[s]` is the size of every
/// subgroup of stage `s` when they all have one.
fn subgroup_stats(sg: &Subgroups, kind: Option<Dispersion>, sizes: &[Option<usize>]) -> (Vec<f64>, Vec<f64>) {
    let mut means = vec![0.0; sg.len()];
    let mut spreads = if kind.is_some() { vec![0.0; sg.len()] } else { Vec::new() };
    for (st, &size) in sg.stages.iter().zip(sizes) {
        let spread_out = if spreads.is_empty() { &mut [][..] } else { &mut spreads[st.start..st.end] };
        fill_stats(sg, st.start..st.end, size, kind, &mut means[st.start..st.end], spread_out);
    }
    (means, spreads)
}

/// Subgroups per parallel job of [`fill_stats`].
const STATS_CHUNK: usize = 1 << 12;

/// Mean of a subgroup (its value when alone).
#[inline(always)]
fn subgroup_mean(x: &[f64]) -> f64 {
    match x.len() {
        1 => x[0],
        n if n <= crate::num::MEAN_FEW_MAX => crate::num::mean_few(x),
        _ => crate::num::mean(x),
    }
}

/// Range or standard deviation of a subgroup.
#[inline(always)]
fn subgroup_spread(kind: Dispersion, x: &[f64]) -> f64 {
    match kind {
        Dispersion::Range => range(x),
        Dispersion::Sd => crate::num::sd(x),
    }
}

/// [`subgroup_stats`] of the subgroups `groups` (one stage; all of size `size` when given),
/// into `means` and, unless it is empty, `spreads`.
fn fill_stats(sg: &Subgroups, groups: std::ops::Range<usize>, size: Option<usize>, kind: Option<Dispersion>, means: &mut [f64], spreads: &mut [f64]) {
    let values = &sg.values[sg.offsets[groups.start]..sg.offsets[groups.end]];
    match (size, kind) {
        (Some(1), None) => means.par_chunks_mut(1 << 16).zip(values.par_chunks(1 << 16)).for_each(|(m, v)| m.copy_from_slice(v)),
        // the common sizes, unrolled (twice as fast on millions of subgroups; same numbers)
        (Some(2), Some(k)) => fixed_size_stats::<2>(values, k, means, spreads),
        (Some(3), Some(k)) => fixed_size_stats::<3>(values, k, means, spreads),
        (Some(4), Some(k)) => fixed_size_stats::<4>(values, k, means, spreads),
        (Some(5), Some(k)) => fixed_size_stats::<5>(values, k, means, spreads),
        (Some(6), Some(k)) => fixed_size_stats::<6>(values, k, means, spreads),
        (Some(7), Some(k)) => fixed_size_stats::<7>(values, k, means, spreads),
        (Some(8), Some(k)) => fixed_size_stats::<8>(values, k, means, spreads),
        (Some(9), Some(k)) => fixed_size_stats::<9>(values, k, means, spreads),
        (Some(10), Some(k)) => fixed_size_stats::<10>(values, k, means, spreads),
        // one pass: each subgroup is found once for its mean and its spread
        _ => match kind {
            Some(k) => means.par_chunks_mut(STATS_CHUNK).zip(spreads.par_chunks_mut(STATS_CHUNK)).enumerate().for_each(|(c, (m, s))| {
                let first = groups.start + c * STATS_CHUNK;
                for (j, (m, s)) in m.iter_mut().zip(s.iter_mut()).enumerate() {
                    let x = sg.subgroup(first + j);
                    (*m, *s) = (subgroup_mean(x), subgroup_spread(k, x));
                }
            }),
            None => means.par_chunks_mut(STATS_CHUNK).enumerate().for_each(|(c, m)| {
                let first = groups.start + c * STATS_CHUNK;
                for (j, m) in m.iter_mut().enumerate() {
                    *m = subgroup_mean(sg.subgroup(first + j));
                }
            }),
        },
    }
}

/// [`fill_stats`] of consecutive subgroups of `N` values each.
fn fixed_size_stats<const N: usize>(values: &[f64], kind: Dispersion, means: &mut [f64], spreads: &mut [f64]) {
    let (groups, _) = values.as_chunks::<N>();
    means.par_chunks_mut(STATS_CHUNK).zip(spreads.par_chunks_mut(STATS_CHUNK)).zip(groups.par_chunks(STATS_CHUNK)).for_each(|((m, s), g)| {
        for ((m, s), x) in m.iter_mut().zip(s.iter_mut()).zip(g) {
            *m = subgroup_mean(x);
            *s = subgroup_spread(kind, x);
        }
    });
}

/// The center of each stage that needs one: `--center-value` (or the EWMA/CUSUM target), else
/// the mean of the stage's observations (only the `--limits-from` stage's when given).
fn stage_centers(sg: &Subgroups, opts: &ChartOptions) -> Vec<Option<f64>> {
    let fixed = opts.center_value.or(opts.target.filter(|_| matches!(opts.kind, ChartKind::Ewma | ChartKind::Cusum)));
    let from = limits_stage(&sg.stages, opts.limits_from.as_deref()).ok().flatten();
    (0..sg.stages.len())
        .map(|i| match fixed {
            Some(c) => Some(c),
            None if from.is_none_or(|j| j == i) => Some(crate::num::mean(sg.stage_values(&sg.stages[i]))),
            None => None,
        })
        .collect()
}

/// The estimator of this chart: `--sigma`, else X̄-R R̄, X̄-S S̄ (pooled when n varies,
/// CONVENTIONS "X-bar/S"), I-MR MR̄, EWMA/CUSUM those of the matching Shewhart chart.
fn chart_method(sg: &Subgroups, opts: &ChartOptions) -> SigmaMethod {
    if let Some(m) = opts.sigma_method {
        return m;
    }
    match opts.kind {
        ChartKind::XbarS => {
            let equal = constant((0..sg.len()).map(|i| sg.size(i) as f64)).is_some();
            if equal { SigmaMethod::Sbar } else { SigmaMethod::Pooled }
        }
        ChartKind::IMr => SigmaMethod::Mr,
        _ => default_method(sg),
    }
}

/// Center and σ for every stage (each its own, or all from `--limits-from`).
pub(crate) fn stage_params(sg: &Subgroups, opts: &ChartOptions, method: SigmaMethod) -> Result<Vec<StageParams>> {
    Ok(with_centers(&stage_sigmas(sg, opts, method, None)?, &stage_centers(sg, opts)))
}

/// Stage parameters from each stage's (σ, source stage) and the centers of
/// [`stage_centers`], which hold every source stage's center.
fn with_centers(sigmas: &[(f64, usize)], centers: &[Option<f64>]) -> Vec<StageParams> {
    sigmas.iter().map(|&(sigma, source)| StageParams { center: centers.get(source).copied().flatten().unwrap_or(f64::NAN), sigma, source }).collect()
}

/// σ of every stage and the stage it comes from (each its own, or all from `--limits-from`):
/// `--sigma-value`, else the within-subgroup estimate (from `stats` when given, see
/// [`super::sigma::sigma_from_stats`]).
fn stage_sigmas(sg: &Subgroups, opts: &ChartOptions, method: SigmaMethod, stats: Option<&[f64]>) -> Result<Vec<(f64, usize)>> {
    let from = limits_stage(&sg.stages, opts.limits_from.as_deref())?;
    let estimate = |i: usize| -> Result<(f64, usize)> {
        let st = &sg.stages[i];
        let sigma = match opts.sigma_value {
            Some(s) if s > 0.0 && s.is_finite() => s,
            Some(s) => return Err(QceError::usage(format!("--sigma-value must be a positive number, got {s}"))),
            None => match stats {
                Some(stat) => super::sigma::sigma_from_stats(sg, st, method, stat)?.sigma,
                None => sigma_within(sg, st, method)?.sigma,
            },
        };
        Ok((sigma, i))
    };
    match from {
        Some(j) => {
            let p = estimate(j)?;
            Ok(vec![p; sg.stages.len()])
        }
        None => (0..sg.stages.len()).map(estimate).collect(),
    }
}

/// Stage line from the points of a stage (indices `range` of `points`): constant limits
/// become numbers, varying ones null.
pub(crate) fn stage_line(st: &StageSpan, points: &Points, range: std::ops::Range<usize>, sigma: Option<f64>, source: &str) -> StageLimits {
    let (first, last) = if range.is_empty() { (st.start + 1, st.start) } else { (points.number(range.start), points.number(range.end - 1)) };
    // A line is a number when every point has the same one (as [`constant`] judges it:
    // within 1e-12 of the stage's first point); a point without the line makes it vary.
    let center = points.constant_line(range.clone(), LineKind::Center);
    let lcl = points.constant_line(range.clone(), LineKind::Lcl);
    let ucl = points.constant_line(range.clone(), LineKind::Ucl);
    StageLimits {
        name: st.name.clone(),
        first_point: first,
        last_point: last,
        n_points: range.len(),
        center,
        sigma,
        lcl,
        ucl,
        limits_from: source.to_string(),
        extra: BTreeMap::new(),
    }
}

/// Assemble a panel: stage lines, and the Nelson tests restarted in each stage.
pub(crate) fn panel(sg: &Subgroups, statistic: &str, points: Points, params: &[StageParams], rules: &RuleSet) -> Panel {
    let mut stages = Vec::with_capacity(sg.stages.len());
    let mut segments = Vec::with_capacity(sg.stages.len());
    let mut at = 0usize;
    for (si, st) in sg.stages.iter().enumerate() {
        let begin = at;
        // the points numbered up to the stage's end
        at = points.lower_bound(st.end + 1).max(begin);
        segments.push((begin, at));
        let src = &sg.stages[params[si].source].name;
        stages.push(stage_line(st, &points, begin..at, Some(params[si].sigma), src));
    }
    let violations = judge(&points, &segments, rules);
    Panel { statistic: statistic.to_string(), stages, points, violations }
}

/// Nelson tests over the points, segment by segment (point indices, not numbers).
pub(crate) fn judge(points: &Points, segments: &[(usize, usize)], rules: &RuleSet) -> Vec<nelson::Violation> {
    if rules.tests.is_empty() {
        return Vec::new();
    }
    let series = Series::from_points(points);
    let mut v = nelson::apply(&series, segments, rules);
    // `apply` numbers points by index; map back to the points' own numbers.
    for x in &mut v {
        x.point = points.number(x.point - 1);
    }
    v
}

/// Index of the stage of subgroup `i` (stages are contiguous runs, in order).
pub(crate) fn stage_at(sg: &Subgroups, i: usize) -> usize {
    sg.stages.partition_point(|s| s.end <= i)
}


/// The subgroup size of every subgroup of a stage when they are all equal.
fn stage_size(sg: &Subgroups, st: &StageSpan) -> Option<usize> {
    if st.end <= st.start {
        return None;
    }
    let first = sg.size(st.start);
    sg.offsets[st.start..=st.end].par_windows(2).with_min_len(1 << 14).all(|w| w[1] - w[0] == first).then_some(first)
}

/// A run of a whole stage whose lines follow from the subgroup size: the same values when the
/// stage's subgroups all have one size, else one per point. `lines(n)` gives
/// (center, lcl, ucl, sigma) for size n.
fn stage_run(sg: &Subgroups, si: usize, size: Option<usize>, lines: impl Fn(usize) -> (f64, Option<f64>, Option<f64>, f64) + Sync) -> Run {
    let st = &sg.stages[si];
    let len = st.end - st.start;
    let (n, center, lcl, ucl, sigma) = match size.filter(|_| len > 0) {
        Some(n) => {
            let (c, l, u, s) = lines(n);
            (Line::Same(n as f64), Line::Same(c), Line::Same(l), Line::Same(u), Line::Same(s))
        }
        None => {
            let each: Vec<(f64, Option<f64>, Option<f64>, f64)> = (st.start..st.end).into_par_iter().with_min_len(1 << 12).map(|i| lines(sg.size(i))).collect();
            (
                Line::Each((st.start..st.end).map(|i| sg.size(i) as f64).collect()),
                Line::Each(each.iter().map(|e| e.0).collect()),
                Line::Each(each.iter().map(|e| e.1).collect()),
                Line::Each(each.iter().map(|e| e.2).collect()),
                Line::Each(each.iter().map(|e| e.3).collect()),
            )
        }
    };
    Run { start: st.start, len, first_number: st.start + 1, stage: si as u32, n, center, lcl, ucl, sigma }
}

/// The X̄ (or I) panel, from each subgroup's mean.
fn location_panel(sg: &Subgroups, opts: &ChartOptions, params: &[StageParams], statistic: &str, means: Vec<f64>, sizes: &[Option<usize>]) -> Panel {
    let l = opts.nsigma;
    let runs: Vec<Run> = (0..sg.stages.len())
        .filter(|&si| sg.stages[si].end > sg.stages[si].start)
        .map(|si| {
            let p = params[si];
            stage_run(sg, si, sizes[si], |n| {
                let se = p.sigma / (n as f64).sqrt();
                (p.center, Some(p.center - l * se), Some(p.center + l * se), se)
            })
        })
        .collect();
    panel(sg, statistic, Points::from_runs(means, runs), params, &opts.rules)
}

#[derive(Clone, Copy, PartialEq)]
enum Dispersion {
    Range,
    Sd,
}

/// Tests on the dispersion chart: test 1 only (points beyond the limits), when selected.
fn dispersion_rules(rules: &RuleSet) -> RuleSet {
    if rules.has(1) { RuleSet::only_limits() } else { RuleSet { tests: Vec::new(), western_electric: false } }
}

/// The R or S panel: per-point center and limits from σ and nᵢ, from each subgroup's range or
/// standard deviation (NaN, not plotted, where a subgroup has one observation).
fn subgroup_dispersion(sg: &Subgroups, opts: &ChartOptions, params: &[StageParams], kind: Dispersion, mut values: Vec<f64>, sizes: &[Option<usize>]) -> Panel {
    let l = opts.nsigma;
    // Subgroups of one observation have no R or S.
    for (st, size) in sg.stages.iter().zip(sizes) {
        if size.is_some_and(|n| n >= 2) {
            continue;
        }
        values[st.start..st.end].par_iter_mut().enumerate().with_min_len(1 << 14).for_each(|(j, v)| {
            if sg.size(st.start + j) < 2 {
                *v = f64::NAN;
            }
        });
    }
    let runs: Vec<Run> = (0..sg.stages.len())
        .filter(|&si| sg.stages[si].end > sg.stages[si].start)
        .map(|si| {
            let s = params[si].sigma;
            stage_run(sg, si, sizes[si], |n| {
                // (center factor, sd factor): R: d2, d3; S: c4, sqrt(1 - c4^2)
                let (cf, sf) = match kind {
                    Dispersion::Range => (d2(n), d3(n)),
                    Dispersion::Sd => (c4(n), (1.0 - c4(n).powi(2)).sqrt()),
                };
                let usable = n >= 2;
                (cf * s, usable.then(|| ((cf - l * sf) * s).max(0.0)), usable.then(|| (cf + l * sf) * s), sf * s)
            })
        })
        .collect();
    let stat = if kind == Dispersion::Range { "r" } else { "s" };
    panel(sg, stat, Points::from_runs(values, runs), params, &dispersion_rules(&opts.rules))
}

/// The MR panel: moving ranges inside each stage, from the stage's second point on.
fn moving_range_panel(sg: &Subgroups, opts: &ChartOptions, params: &[StageParams]) -> Panel {
    let l = opts.nsigma;
    let mut values = Vec::with_capacity(sg.len());
    let mut runs = Vec::with_capacity(sg.stages.len());
    for (si, st) in sg.stages.iter().enumerate() {
        let s = params[si].sigma;
        if st.end < st.start + 2 {
            continue;
        }
        let start = values.len();
        values.par_extend(((st.start + 1)..st.end).into_par_iter().with_min_len(1 << 14).map(|i| (sg.subgroup(i)[0] - sg.subgroup(i - 1)[0]).abs()));
        runs.push(Run {
            start,
            len: values.len() - start,
            first_number: st.start + 2,
            stage: si as u32,
            n: Line::Same(2.0),
            center: Line::Same(d2(2) * s),
            lcl: Line::Same(Some(((d2(2) - l * d3(2)) * s).max(0.0))),
            ucl: Line::Same(Some((d2(2) + l * d3(2)) * s)),
            sigma: Line::Same(d3(2) * s),
        });
    }
    panel(sg, "mr", Points::from_runs(values, runs), params, &dispersion_rules(&opts.rules))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spc::test_support::sg_of;

    #[test]
    fn unrolled_sizes_give_the_numbers_of_the_general_path() {
        let mut rng = crate::num::testgen::Xorshift::new(0xA076_1D64_78BD_642F);
        for n in 1..=12 {
            let groups: Vec<Vec<f64>> = (0..3 * STATS_CHUNK + 5).map(|_| (0..n).map(|_| 1e6 + rng.uniform()).collect()).collect();
            let sg = sg_of(&groups, &[("all", 0, groups.len())]);
            for kind in [None, Some(Dispersion::Range), Some(Dispersion::Sd)] {
                let len = if kind.is_some() { sg.len() } else { 0 };
                let run = |size: Option<usize>| {
                    let (mut m, mut s) = (vec![0.0; sg.len()], vec![0.0; len]);
                    fill_stats(&sg, 0..sg.len(), size, kind, &mut m, &mut s);
                    (m.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), s.iter().map(|x| x.to_bits()).collect::<Vec<_>>())
                };
                let (general, sized) = (run(None), run(Some(n)));
                assert_eq!(general, sized, "n = {n}");
                let first = &groups[7];
                assert_eq!(f64::from_bits(sized.0[7]), subgroup_mean(first));
            }
        }
    }

    #[test]
    fn xbar_r_textbook_limits() {
        // Montgomery-style: 3 subgroups of 2
        let sg = sg_of(&[vec![1.0, 3.0], vec![2.0, 2.0], vec![4.0, 5.0]], &[("all", 0, 3)]);
        let r = variables_chart(&sg, &ChartOptions::new(ChartKind::XbarR)).unwrap();
        let rbar = (2.0 + 0.0 + 1.0) / 3.0;
        let sigma = rbar / 1.128;
        let st = &r.stages[0];
        assert!((st.sigma.unwrap() - sigma).abs() < 1e-15);
        assert!((st.center.unwrap() - 17.0 / 6.0).abs() < 1e-14);
        assert!((st.ucl.unwrap() - (17.0 / 6.0 + 3.0 * sigma / 2f64.sqrt())).abs() < 1e-14);
        let d = r.dispersion.unwrap();
        assert!((d.stages[0].center.unwrap() - rbar).abs() < 1e-14);
        assert_eq!(d.stages[0].lcl, Some(0.0));
        assert!((d.stages[0].ucl.unwrap() - (rbar + 3.0 * 0.8525033 * sigma)).abs() < 1e-14);
    }

    #[test]
    fn imr_moving_range_restarts_per_stage() {
        let groups: Vec<Vec<f64>> = [1.0, 2.0, 4.0, 10.0, 12.0, 11.0].iter().map(|&x| vec![x]).collect();
        let sg = sg_of(&groups, &[("a", 0, 3), ("b", 3, 6)]);
        let r = variables_chart(&sg, &ChartOptions::new(ChartKind::IMr)).unwrap();
        let d = r.dispersion.unwrap();
        let pts: Vec<usize> = d.points.iter().map(|p| p.point).collect();
        assert_eq!(pts, vec![2, 3, 5, 6]);
        assert_eq!(d.stages[1].first_point, 5);
        assert!((r.stages[0].sigma.unwrap() - 1.5 / 1.128).abs() < 1e-15);
        assert!((r.stages[1].sigma.unwrap() - 1.5 / 1.128).abs() < 1e-15);
    }

    #[test]
    fn limits_from_judges_every_point_against_one_stage() {
        let groups: Vec<Vec<f64>> = [1.0, 2.0, 1.5, 9.0, 9.5, 9.2].iter().map(|&x| vec![x]).collect();
        let sg = sg_of(&groups, &[("before", 0, 3), ("after", 3, 6)]);
        let mut o = ChartOptions::new(ChartKind::IMr);
        o.limits_from = Some("before".into());
        let r = variables_chart(&sg, &o).unwrap();
        assert!(r.points.iter().all(|p| p.center == 1.5));
        assert_eq!(r.stages[1].limits_from, "before");
        assert!(r.violations.iter().any(|v| v.point == 4 && v.rule == 1));
        o.limits_from = Some("nope".into());
        assert_eq!(variables_chart(&sg, &o).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn known_sigma_and_center() {
        let sg = sg_of(&[vec![1.0, 3.0], vec![2.0, 2.0]], &[("all", 0, 2)]);
        let mut o = ChartOptions::new(ChartKind::XbarS);
        o.sigma_value = Some(2.0);
        o.center_value = Some(0.0);
        let r = variables_chart(&sg, &o).unwrap();
        assert_eq!(r.sigma_method, "known");
        assert!((r.stages[0].ucl.unwrap() - 3.0 * 2.0 / 2f64.sqrt()).abs() < 1e-14);
        let d = r.dispersion.unwrap();
        assert!((d.stages[0].center.unwrap() - c4(2) * 2.0).abs() < 1e-14);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn groups() -> impl Strategy<Value = Vec<Vec<f64>>> {
            prop::collection::vec(prop::collection::vec(-1000.0f64..1000.0, 2..6), 3..20)
        }

        proptest! {
            #[test]
            fn limits_widen_as_sigma_grows(gs in groups(), s1 in 0.01f64..100.0, factor in 1.01f64..10.0) {
                let k = gs.len();
                let sg = sg_of(&gs, &[("all", 0, k)]);
                for kind in [ChartKind::XbarR, ChartKind::XbarS] {
                    let mut o = ChartOptions::new(kind);
                    o.sigma_value = Some(s1);
                    let a = variables_chart(&sg, &o).unwrap();
                    o.sigma_value = Some(s1 * factor);
                    let b = variables_chart(&sg, &o).unwrap();
                    for (p, q) in a.points.iter().zip(b.points.iter()) {
                        prop_assert!(q.ucl.unwrap() > p.ucl.unwrap() && q.lcl.unwrap() < p.lcl.unwrap());
                    }
                    let (da, db) = (a.dispersion.unwrap(), b.dispersion.unwrap());
                    for (p, q) in da.points.iter().zip(db.points.iter()) {
                        prop_assert!(q.ucl.unwrap() > p.ucl.unwrap() && q.lcl.unwrap() <= p.lcl.unwrap() + 1e-12 * p.ucl.unwrap());
                    }
                }
            }

            #[test]
            fn shifting_the_data_shifts_every_limit(gs in groups(), shift in -1000.0f64..1000.0) {
                let k = gs.len();
                prop_assume!(gs.iter().any(|g| g.iter().any(|&x| x != g[0])));
                let shifted: Vec<Vec<f64>> = gs.iter().map(|g| g.iter().map(|x| x + shift).collect()).collect();
                let (a0, b0) = (sg_of(&gs, &[("all", 0, k)]), sg_of(&shifted, &[("all", 0, k)]));
                for kind in [ChartKind::XbarR, ChartKind::XbarS, ChartKind::Ewma] {
                    let o = ChartOptions::new(kind);
                    let (a, b) = (variables_chart(&a0, &o).unwrap(), variables_chart(&b0, &o).unwrap());
                    let tol = 1e-9 * (1.0 + shift.abs() + 1000.0);
                    for (p, q) in a.points.iter().zip(b.points.iter()) {
                        prop_assert!((q.center - p.center - shift).abs() < tol);
                        prop_assert!((q.ucl.unwrap() - p.ucl.unwrap() - shift).abs() < tol);
                        prop_assert!((q.lcl.unwrap() - p.lcl.unwrap() - shift).abs() < tol);
                        prop_assert!((q.value - p.value - shift).abs() < tol);
                    }
                    // the dispersion chart does not move at all
                    if let (Some(da), Some(db)) = (a.dispersion, b.dispersion) {
                        for (p, q) in da.points.iter().zip(db.points.iter()) {
                            prop_assert!((q.ucl.unwrap() - p.ucl.unwrap()).abs() < tol);
                        }
                    }
                }
            }
        }
    }
}

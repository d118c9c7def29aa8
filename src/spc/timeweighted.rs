//! Time-weighted charts: EWMA (Montgomery 7e §9.2) and the tabular CUSUM (§9.1), on subgroup
//! means (or individual values). Both restart at each stage boundary; only test 1 (a point
//! beyond the limits) applies.

use super::nelson::{texts, Violation};
use super::variables::{stage_at, stage_line, StageParams};
use super::{ChartOptions, ChartResult, Point, Points};
use crate::dataset::Subgroups;
use crate::error::{QceError, Result};

fn check(opts: &ChartOptions) -> Result<()> {
    if !(opts.lambda > 0.0 && opts.lambda <= 1.0) {
        return Err(QceError::usage(format!("--lambda must be in (0, 1], got {}", opts.lambda)));
    }
    if !(opts.nsigma > 0.0) || !(opts.h > 0.0) || !(opts.k >= 0.0) {
        return Err(QceError::usage("--nsigma and --h must be positive, --k zero or positive"));
    }
    Ok(())
}

fn stat(sg: &Subgroups, i: usize) -> (f64, f64) {
    let x = sg.subgroup(i);
    (if x.len() == 1 { x[0] } else { crate::num::mean(x) }, x.len() as f64)
}

/// EWMA: zᵢ = λx̄ᵢ + (1 − λ)zᵢ₋₁, z₀ = center (target or stage mean); limits
/// center ± L·σ/√nᵢ·√(λ/(2−λ)·(1 − (1−λ)^{2j})), j the point's index in its stage
/// (Montgomery 7e eqs. 9.22, 9.24–9.25). Stage lcl/ucl are the asymptotic limits.
pub(crate) fn ewma(sg: &Subgroups, opts: &ChartOptions, params: &[StageParams], sigma_method: String) -> Result<ChartResult> {
    check(opts)?;
    let (lambda, l) = (opts.lambda, opts.nsigma);
    let mut points = Vec::with_capacity(sg.len());
    let mut z = 0.0;
    let mut j = 0i32;
    for i in 0..sg.len() {
        let si = stage_at(sg, i);
        let p = params[si];
        if i == sg.stages[si].start {
            z = p.center;
            j = 0;
        }
        j += 1;
        let (x, n) = stat(sg, i);
        z = lambda * x + (1.0 - lambda) * z;
        let se = p.sigma / n.sqrt();
        let w = l * se * (lambda / (2.0 - lambda) * (1.0 - (1.0 - lambda).powi(2 * j))).sqrt();
        points.push(Point {
            point: i + 1,
            stage: si as u32,
            n,
            value: z,
            center: p.center,
            lcl: Some(p.center - w),
            ucl: Some(p.center + w),
            sigma: w / l,
            cusum: None,
        });
    }
    let points = Points::from_points(points);
    let mut stages = Vec::new();
    for (si, st) in sg.stages.iter().enumerate() {
        let p = params[si];
        let mut line = stage_line(st, &points, st.start..st.end, Some(p.sigma), &sg.stages[p.source].name);
        let n = points.constant_line(st.start..st.end, super::LineKind::N);
        let asym = n.map(|n| l * p.sigma / n.sqrt() * (lambda / (2.0 - lambda)).sqrt());
        line.lcl = asym.map(|w| p.center - w);
        line.ucl = asym.map(|w| p.center + w);
        line.extra.insert("lambda".into(), lambda);
        line.extra.insert("nsigma".into(), l);
        stages.push(line);
    }
    let violations = if opts.rules.has(1) { beyond(&points, |p| p.value, |p| p.value) } else { Vec::new() };
    Ok(ChartResult { chart: opts.kind, sigma_method, stages, points, violations, dispersion: None, statistic: "ewma".into(), labels: sg.labels.clone() })
}

/// Tabular CUSUM in data units: C⁺ᵢ = max(0, x̄ᵢ − (T + K) + C⁺ᵢ₋₁),
/// C⁻ᵢ = min(0, x̄ᵢ − (T − K) + C⁻ᵢ₋₁), K = k·σ/√nᵢ, decision interval H = h·σ/√nᵢ
/// (Montgomery 7e eqs. 9.2–9.3, written as Minitab plots them: C⁻ ≤ 0).
/// Points: `value` = x̄ᵢ, `upper` = C⁺, `lower` = C⁻, center 0, limits ±H.
pub(crate) fn cusum(sg: &Subgroups, opts: &ChartOptions, params: &[StageParams], sigma_method: String) -> Result<ChartResult> {
    check(opts)?;
    let mut points = Vec::with_capacity(sg.len());
    let (mut cp, mut cm) = (0.0f64, 0.0f64);
    for i in 0..sg.len() {
        let si = stage_at(sg, i);
        let p = params[si];
        if i == sg.stages[si].start {
            cp = 0.0;
            cm = 0.0;
        }
        let (x, n) = stat(sg, i);
        let se = p.sigma / n.sqrt();
        let (k, h) = (opts.k * se, opts.h * se);
        cp = (x - (p.center + k) + cp).max(0.0);
        cm = (x - (p.center - k) + cm).min(0.0);
        points.push(Point {
            point: i + 1,
            stage: si as u32,
            n,
            value: x,
            center: 0.0,
            lcl: Some(-h),
            ucl: Some(h),
            sigma: se,
            cusum: Some(super::CusumValues { upper: cp, lower: cm }),
        });
    }
    let points = Points::from_points(points);
    let mut stages = Vec::new();
    for (si, st) in sg.stages.iter().enumerate() {
        let p = params[si];
        let mut line = stage_line(st, &points, st.start..st.end, Some(p.sigma), &sg.stages[p.source].name);
        line.center = Some(p.center);
        line.extra.insert("target".into(), p.center);
        line.extra.insert("h".into(), opts.h);
        line.extra.insert("k".into(), opts.k);
        stages.push(line);
    }
    let violations = if opts.rules.has(1) { beyond(&points, |p| p.upper().unwrap_or(0.0), |p| p.lower().unwrap_or(0.0)) } else { Vec::new() };
    Ok(ChartResult { chart: opts.kind, sigma_method, stages, points, violations, dispersion: None, statistic: "cusum".into(), labels: sg.labels.clone() })
}

/// Test 1 on time-weighted charts: the upper statistic above UCL or the lower below LCL.
fn beyond(points: &Points, up: impl Fn(&Point) -> f64, down: impl Fn(&Point) -> f64) -> Vec<Violation> {
    let (en, zh) = texts(1, 1);
    points
        .iter()
        .filter(|p| p.ucl.is_some_and(|u| up(p) > u) || p.lcl.is_some_and(|l| down(p) < l))
        .map(|p| Violation { point: p.point, rule: 1, description: en.clone(), description_zh: zh.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{variables_chart, ChartKind};
    use super::*;

    fn indiv(xs: &[f64]) -> Subgroups {
        Subgroups::fixed_size("x", xs.to_vec(), 1)
    }

    #[test]
    fn ewma_recursion_and_limits() {
        let sg = indiv(&[1.0, 2.0, 3.0, 2.0]);
        let r = variables_chart(&sg, &ChartOptions::new(ChartKind::Ewma)).unwrap();
        let (c, s) = (2.0, (1.0 + 1.0 + 1.0) / 3.0 / 1.128);
        let z1 = 0.2 * 1.0 + 0.8 * c;
        assert!((r.points.get(0).unwrap().value - z1).abs() < 1e-15);
        let w1 = 3.0 * s * (0.2 / 1.8 * (1.0 - 0.8f64.powi(2))).sqrt();
        assert!((r.points.get(0).unwrap().ucl.unwrap() - (c + w1)).abs() < 1e-14);
    }

    #[test]
    fn cusum_accumulates_in_data_units() {
        let sg = indiv(&[0.0, 2.0, 4.0, 2.0]);
        let mut o = ChartOptions::new(ChartKind::Cusum);
        o.target = Some(1.0);
        o.sigma_value = Some(1.0);
        let r = variables_chart(&sg, &o).unwrap();
        let up: Vec<f64> = r.points.iter().map(|p| p.upper().unwrap()).collect();
        let lo: Vec<f64> = r.points.iter().map(|p| p.lower().unwrap()).collect();
        assert_eq!(up, vec![0.0, 0.5, 3.0, 3.5]);
        assert_eq!(lo, vec![-0.5, 0.0, 0.0, 0.0]);
        assert_eq!(r.stages[0].ucl, Some(4.0));
        assert_eq!(r.stages[0].center, Some(1.0));
    }
}

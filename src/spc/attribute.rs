//! Attribute charts (Montgomery 7e ch. 7): p, np (binomial), c, u (Poisson), and Laney's p′
//! and u′ (Laney 2002, "Improved control charts for attributes", Quality Engineering 14(4)):
//! the binomial/Poisson sigma of each point times σz, the average moving range of the
//! z-scores divided by d2(2), which widens the limits for overdispersed data.
//!
//! Per stage: p̄ = Σx/Σn, c̄ = mean x, ū = Σx/Σn (or `--center-value`). Limits center ± L·σᵢ,
//! clipped at 0 (p also at 1). Varying n gives per-point limits; the stage's lcl/ucl are null.

use super::constants::d2;
use super::variables::{judge, StageParams};
use super::{limits_stage, ChartKind, ChartOptions, ChartResult, Point, Points};
use crate::dataset::StageSpan;
use crate::error::{QceError, Result};
use std::collections::BTreeMap;

/// Counts and sizes, one per plotted point, split into stages.
#[derive(Debug, Clone)]
pub struct AttributeData {
    /// Name of the count column.
    pub name: String,
    /// Defectives (p, np) or defects (c, u) per subgroup.
    pub counts: Vec<f64>,
    /// Inspected items (p, np) or inspection units (u); 1 for c charts.
    pub sizes: Vec<f64>,
    /// x-axis labels.
    pub labels: std::sync::Arc<crate::label::Labels>,
    /// File row of each subgroup (for messages).
    pub rows: Vec<u64>,
    /// Stages over the points.
    pub stages: Vec<StageSpan>,
}

/// Compute an attribute chart.
pub fn attribute_chart(data: &AttributeData, opts: &ChartOptions) -> Result<ChartResult> {
    validate(data, opts.kind)?;
    let from = limits_stage(&data.stages, opts.limits_from.as_deref())?;
    let estimate = |si: usize| -> Result<(f64, f64)> { stage_center(data, &data.stages[si], opts) };
    let mut params: Vec<(StageParams, f64)> = Vec::with_capacity(data.stages.len());
    match from {
        Some(j) => {
            let (c, sz) = estimate(j)?;
            params = vec![(StageParams { center: c, sigma: f64::NAN, source: j }, sz); data.stages.len()];
        }
        None => {
            for si in 0..data.stages.len() {
                let (c, sz) = estimate(si)?;
                params.push((StageParams { center: c, sigma: f64::NAN, source: si }, sz));
            }
        }
    }
    let l = opts.nsigma;
    let mut points = Vec::with_capacity(data.counts.len());
    for (si, st) in data.stages.iter().enumerate() {
        let (p, sigma_z) = params[si];
        for i in st.start..st.end {
            let (x, n) = (data.counts[i], data.sizes[i]);
            let (value, center, s) = point_stat(opts.kind, x, n, p.center);
            let s = s * sigma_z;
            let mut lcl = (center - l * s).max(0.0);
            let mut ucl = center + l * s;
            if matches!(opts.kind, ChartKind::P | ChartKind::PLaney) {
                ucl = ucl.min(1.0);
                lcl = lcl.min(1.0);
            }
            points.push(Point {
                point: i + 1,
                stage: si as u32,
                n,
                value,
                center,
                lcl: Some(lcl),
                ucl: Some(ucl),
                sigma: s,
                cusum: None,
            });
        }
    }
    let points = Points::from_points(points);
    let mut stages = Vec::with_capacity(data.stages.len());
    let mut segments = Vec::new();
    for (si, st) in data.stages.iter().enumerate() {
        segments.push((st.start, st.end));
        let sigma = points.constant_line(st.start..st.end, super::LineKind::Sigma);
        let mut line = super::variables::stage_line(st, &points, st.start..st.end, sigma, &data.stages[params[si].0.source].name);
        let (p, sigma_z) = params[si];
        line.extra = BTreeMap::new();
        line.extra.insert(center_name(opts.kind).into(), p.center);
        if matches!(opts.kind, ChartKind::PLaney | ChartKind::ULaney) {
            line.extra.insert("sigma_z".into(), sigma_z);
        }
        stages.push(line);
    }
    let violations = judge(&points, &segments, &opts.rules);
    let method = match opts.kind {
        ChartKind::P | ChartKind::Np => "binomial",
        ChartKind::C | ChartKind::U => "poisson",
        _ => "laney",
    };
    Ok(ChartResult {
        chart: opts.kind,
        sigma_method: method.into(),
        stages,
        points,
        violations,
        dispersion: None,
        statistic: opts.kind.as_str().replace("-laney", "'"),
        labels: data.labels.clone(),
    })
}

fn center_name(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::P | ChartKind::Np | ChartKind::PLaney => "p_bar",
        ChartKind::C => "c_bar",
        _ => "u_bar",
    }
}

/// (plotted value, center, binomial/Poisson sigma of the plotted value) of one point, given
/// the stage's p̄, c̄ or ū (Montgomery 7e eqs. 7.8, 7.13, 7.17, 7.19).
fn point_stat(kind: ChartKind, x: f64, n: f64, c: f64) -> (f64, f64, f64) {
    match kind {
        ChartKind::P | ChartKind::PLaney => (x / n, c, (c * (1.0 - c) / n).sqrt()),
        ChartKind::Np => (x, n * c, (n * c * (1.0 - c)).sqrt()),
        ChartKind::C => (x, c, c.sqrt()),
        _ => (x / n, c, (c / n).sqrt()),
    }
}

/// The stage's p̄ / c̄ / ū and Laney's σz (1 for the classical charts).
fn stage_center(data: &AttributeData, st: &StageSpan, opts: &ChartOptions) -> Result<(f64, f64)> {
    let xs = &data.counts[st.start..st.end];
    let ns = &data.sizes[st.start..st.end];
    let center = match opts.center_value {
        Some(c) => c,
        None if opts.kind == ChartKind::C => crate::num::mean(xs),
        None => crate::num::sum(xs) / crate::num::sum(ns),
    };
    let where_ = if st.name == "all" { String::new() } else { format!(" in stage '{}'", st.name) };
    let degenerate = center <= 0.0 || (matches!(opts.kind, ChartKind::P | ChartKind::Np | ChartKind::PLaney) && center >= 1.0);
    if degenerate || !center.is_finite() {
        return Err(QceError::analysis(format!(
            "{}: the center line{where_} is {center}: with no defects (or all items defective) the {} chart has no spread to chart",
            data.name,
            opts.kind.as_str()
        )));
    }
    if !matches!(opts.kind, ChartKind::PLaney | ChartKind::ULaney) {
        return Ok((center, 1.0));
    }
    // Laney: z-scores of the stage, σz = MR̄(z)/d2(2).
    if xs.len() < 2 {
        return Err(QceError::analysis(format!("{}: Laney's chart needs at least 2 points{where_}", data.name)));
    }
    let z: Vec<f64> = xs
        .iter()
        .zip(ns)
        .map(|(&x, &n)| {
            let (v, c, s) = point_stat(opts.kind, x, n, center);
            (v - c) / s
        })
        .collect();
    let mrbar = z.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (z.len() - 1) as f64;
    Ok((center, mrbar / d2(2)))
}

fn validate(data: &AttributeData, kind: ChartKind) -> Result<()> {
    if data.counts.is_empty() {
        return Err(QceError::analysis(format!("{}: no data to chart", data.name)));
    }
    for i in 0..data.counts.len() {
        let (x, n) = (data.counts[i], data.sizes[i]);
        let row = data.rows.get(i).copied().unwrap_or(0);
        if !(x >= 0.0) || !x.is_finite() {
            return Err(QceError::input(format!("{}: row {row}: count {x} is negative; counts of defects must be 0 or more", data.name)).with_row(row));
        }
        if !(n > 0.0) || !n.is_finite() {
            return Err(QceError::input(format!("{}: row {row}: sample size {n} must be positive", data.name)).with_row(row));
        }
        if matches!(kind, ChartKind::P | ChartKind::Np | ChartKind::PLaney) && x > n {
            return Err(QceError::input(format!(
                "{}: row {row}: {x} defectives out of {n} inspected: the count cannot exceed the sample size (for defects per unit use a u chart)",
                data.name
            ))
            .with_row(row));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(counts: &[f64], sizes: &[f64]) -> AttributeData {
        let k = counts.len();
        AttributeData {
            name: "d".into(),
            counts: counts.to_vec(),
            sizes: sizes.to_vec(),
            labels: std::sync::Arc::new(crate::label::Labels::Numbered(k)),
            rows: (2..k as u64 + 2).collect(),
            stages: vec![StageSpan { name: "all".into(), start: 0, end: k }],
        }
    }

    #[test]
    fn p_chart_varying_n() {
        let d = data(&[2.0, 5.0, 3.0], &[50.0, 100.0, 80.0]);
        let r = attribute_chart(&d, &ChartOptions::new(ChartKind::P)).unwrap();
        let pbar = 10.0 / 230.0;
        assert!((r.stages[0].center.unwrap() - pbar).abs() < 1e-15);
        assert_eq!(r.stages[0].ucl, None);
        let s = (pbar * (1.0 - pbar) / 50.0).sqrt();
        assert!((r.points.get(0).unwrap().ucl.unwrap() - (pbar + 3.0 * s)).abs() < 1e-15);
        assert_eq!(r.points.get(0).unwrap().lcl, Some(0.0));
    }

    #[test]
    fn c_and_u() {
        let r = attribute_chart(&data(&[4.0, 9.0, 2.0], &[1.0; 3]), &ChartOptions::new(ChartKind::C)).unwrap();
        assert_eq!(r.stages[0].center, Some(5.0));
        assert!((r.stages[0].ucl.unwrap() - (5.0 + 3.0 * 5f64.sqrt())).abs() < 1e-14);
        let r = attribute_chart(&data(&[4.0, 9.0], &[2.0, 3.0]), &ChartOptions::new(ChartKind::U)).unwrap();
        assert!((r.points.get(1).unwrap().value - 3.0).abs() < 1e-15);
    }

    #[test]
    fn laney_sigma_z_of_binomial_data_is_near_one_and_scales_limits() {
        let d = data(&[5.0, 20.0, 3.0, 18.0], &[100.0; 4]);
        let r = attribute_chart(&d, &ChartOptions::new(ChartKind::PLaney)).unwrap();
        let pbar: f64 = 46.0 / 400.0;
        let s = (pbar * (1.0 - pbar) / 100.0).sqrt();
        let z: Vec<f64> = [0.05, 0.2, 0.03, 0.18].iter().map(|p| (p - pbar) / s).collect();
        let sz = ((z[1] - z[0]).abs() + (z[2] - z[1]).abs() + (z[3] - z[2]).abs()) / 3.0 / 1.128;
        assert!((r.stages[0].extra["sigma_z"] - sz).abs() < 1e-12);
        assert!((r.points.get(0).unwrap().ucl.unwrap() - (pbar + 3.0 * s * sz)).abs() < 1e-12);
    }

    #[test]
    fn bad_counts_are_input_errors() {
        assert_eq!(attribute_chart(&data(&[60.0], &[50.0]), &ChartOptions::new(ChartKind::P)).unwrap_err().exit_code(), 3);
        assert_eq!(attribute_chart(&data(&[0.0, 0.0], &[5.0, 5.0]), &ChartOptions::new(ChartKind::P)).unwrap_err().exit_code(), 4);
    }
}

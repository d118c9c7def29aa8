//! The capability figure, in the style of Minitab's Capability Sixpack: the control chart
//! and its dispersion chart, the capability histogram with the within and overall normal
//! curves (or the fitted distribution) and the specification lines, a probability plot with
//! the Anderson–Darling statistic, a capability plot (process spread against the tolerance),
//! and a table of the indices. With two stages, both share every panel and one scale.

use crate::capability::boxcox;
use crate::capability::dist::{DistKind, Fitted};
use crate::capability::{CapabilityResult, Options, SigmaMethod, SpecLimits, StageCapability};
use crate::spc::{variables_chart, ChartKind, ChartOptions, ChartResult, Points};
use crate::dataset::Subgroups;
use crate::error::{QceError, Result};
use crate::i18n::Lang;
use crate::render::font::{ensure_bitmap_font, ensure_svg_font, SVG_FAMILY};
use crate::render::fmt_num;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use crate::num::normal::{pnorm, qnorm};
use std::path::Path;

const WIDTH: u32 = 1500;
const HEIGHT: u32 = 1050;
/// Stage colours (before, after, more): blue, orange, green, purple.
const STAGE_COLORS: [RGBColor; 4] = [RGBColor(31, 119, 180), RGBColor(230, 115, 0), RGBColor(44, 160, 44), RGBColor(148, 103, 189)];
const SPEC_COLOR: RGBColor = RGBColor(200, 30, 30);
const TARGET_COLOR: RGBColor = RGBColor(20, 140, 60);
const LIMIT_COLOR: RGBColor = RGBColor(200, 30, 30);
const GRID_COLOR: RGBColor = RGBColor(225, 225, 225);

/// Write the capability figure to `path`: `.svg` or `.png` by extension.
pub fn write_figure(path: &Path, res: &CapabilityResult, sg: &Subgroups, opts: &Options, lang: Lang) -> Result<()> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let plots = stage_plots(res, sg, opts);
    let title = figure_title(res, sg, opts, lang);
    let fail = |e: String| QceError::input(format!("cannot write the figure {}: {e}", path.display()));
    match ext.as_str() {
        "svg" => {
            // plotters measures text with the registered font even for SVG (ab_glyph)
            ensure_svg_font()?;
            let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
            draw(&root, &plots, &title, lang).map_err(|e| fail(e.to_string()))?;
            root.present().map_err(|e| fail(e.to_string()))
        }
        "png" => {
            ensure_bitmap_font()?;
            let root = BitMapBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
            draw(&root, &plots, &title, lang).map_err(|e| fail(e.to_string()))?;
            root.present().map_err(|e| fail(e.to_string()))
        }
        _ => Err(QceError::usage(format!("--out {}: the figure is written as .svg or .png", path.display()))),
    }
}

/// Everything one stage contributes to the panels, on the analysed scale (transformed data
/// and limits with Box-Cox).
struct StagePlot<'a> {
    st: &'a StageCapability,
    color: RGBColor,
    /// Data on the analysed scale.
    values: Vec<f64>,
    /// Specification on the analysed scale.
    spec: SpecLimits,
    /// Control chart points of the stage.
    points: Vec<ChartPoint>,
    /// Dispersion (R, S or MR) chart points of the stage.
    dispersion: Vec<ChartPoint>,
    fitted: Option<Fitted>,
}

/// One plotted point of a control chart.
#[derive(Clone, Copy)]
struct ChartPoint {
    x: f64,
    value: f64,
    center: f64,
    lcl: f64,
    ucl: f64,
    /// Fails a Nelson test.
    flagged: bool,
}

/// The chart matching the within-sigma estimator: I-MR for individuals, X̄-R for R̄ (and MR
/// of subgroups), X̄-S for S̄ and pooled.
fn chart_kind(method: SigmaMethod, individuals: bool) -> ChartKind {
    match method {
        _ if individuals => ChartKind::IMr,
        SigmaMethod::Sbar | SigmaMethod::Pooled => ChartKind::XbarS,
        SigmaMethod::Rbar | SigmaMethod::Mr => ChartKind::XbarR,
    }
}

/// The control chart of the analysed data, computed by the control-chart module.
fn control_chart(res: &CapabilityResult, sg: &Subgroups) -> Option<ChartResult> {
    let method = res.stages.first()?.sigma_method;
    let mut analysed = sg.clone();
    for (st, span) in res.stages.iter().zip(&sg.stages) {
        if let Some(t) = &st.transform {
            let (a, b) = (sg.offsets[span.start], sg.offsets[span.end]);
            for v in &mut analysed.values[a..b] {
                *v = boxcox::transform(*v, t.lambda);
            }
        }
    }
    let kind = chart_kind(method, sg.individuals);
    let opts = ChartOptions { sigma_method: Some(method), ..ChartOptions::new(kind) };
    variables_chart(&analysed, &opts).ok()
}

/// The points of one stage (by index into the panel's stages); violations are sorted by point.
fn chart_points(points: &Points, violations: &[crate::spc::Violation], stage: Option<usize>) -> Vec<ChartPoint> {
    let of_stage: Vec<usize> = points.runs().iter().filter(|r| stage == Some(r.stage as usize)).flat_map(|r| r.indices()).collect();
    let values = points.values();
    let flagged = |i: usize| violations.binary_search_by_key(&points.number(i), |v| v.point).is_ok();
    // a stage of millions of points: keep each bucket's extremes and the flagged points
    let kept: Vec<usize> = if of_stage.len() > 4 * MAX_DRAWN {
        let size = of_stage.len().div_ceil(MAX_DRAWN / 2);
        let mut kept = Vec::new();
        for chunk in of_stage.chunks(size) {
            let lo = chunk.iter().min_by(|&&a, &&b| values[a].total_cmp(&values[b]));
            let hi = chunk.iter().max_by(|&&a, &&b| values[a].total_cmp(&values[b]));
            let mut c: Vec<usize> = chunk.iter().copied().filter(|&i| flagged(i)).take(8).chain(lo.copied()).chain(hi.copied()).collect();
            c.sort_unstable();
            c.dedup();
            kept.extend(c);
        }
        kept
    } else {
        of_stage
    };
    kept.into_iter()
        .filter_map(|i| points.get(i))
        .map(|p| ChartPoint {
            x: p.point as f64,
            value: p.value,
            center: p.center,
            lcl: p.lcl.unwrap_or(f64::NAN),
            ucl: p.ucl.unwrap_or(f64::NAN),
            flagged: violations.binary_search_by_key(&p.point, |v| v.point).is_ok(),
        })
        .collect()
}

fn stage_plots<'a>(res: &'a CapabilityResult, sg: &Subgroups, opts: &Options) -> Vec<StagePlot<'a>> {
    let chart = control_chart(res, sg);
    res.stages
        .iter()
        .zip(&sg.stages)
        .enumerate()
        .map(|(i, (st, span))| {
            let lambda = st.transform.as_ref().map(|t| t.lambda);
            let values: Vec<f64> = sg.stage_values(span).iter().map(|&x| lambda.map_or(x, |l| boxcox::transform(x, l))).collect();
            let spec = match &st.transform {
                Some(t) => SpecLimits { lsl: t.lsl, usl: t.usl, target: t.target },
                None => opts.spec,
            };
            let (points, dispersion) = match &chart {
                Some(c) => (
                    chart_points(&c.points, &c.violations, c.stages.iter().position(|s| s.name == span.name)),
                    c.dispersion.as_ref().map(|d| chart_points(&d.points, &[], d.stages.iter().position(|s| s.name == span.name))).unwrap_or_default(),
                ),
                None => (Vec::new(), Vec::new()),
            };
            let fitted = st.distribution.as_ref().and_then(|d| fitted_from(d.distribution, &d.parameters));
            StagePlot { st, color: STAGE_COLORS[i % STAGE_COLORS.len()], values, spec, points, dispersion, fitted }
        })
        .collect()
}

fn fitted_from(kind: DistKind, p: &std::collections::BTreeMap<&'static str, f64>) -> Option<Fitted> {
    let g = |k: &str| p.get(k).copied();
    Some(match kind {
        DistKind::Normal => Fitted::Normal { mean: g("mean")?, sd: g("sd")? },
        DistKind::Weibull => Fitted::Weibull { shape: g("shape")?, scale: g("scale")? },
        DistKind::Lognormal => Fitted::Lognormal { meanlog: g("meanlog")?, sdlog: g("sdlog")? },
        DistKind::Gamma => Fitted::Gamma { shape: g("shape")?, rate: g("rate")? },
        DistKind::Exponential => Fitted::Exponential { rate: g("rate")? },
    })
}

fn figure_title(res: &CapabilityResult, sg: &Subgroups, _opts: &Options, lang: Lang) -> String {
    let mut t = match lang {
        Lang::Zh => format!("过程能力六合图：{}", sg.value_name),
        Lang::En => format!("Process capability sixpack: {}", sg.value_name),
    };
    if let Some(tr) = res.stages.first().and_then(|s| s.transform.as_ref()) {
        let lambdas: Vec<String> = res.stages.iter().filter_map(|s| s.transform.as_ref()).map(|t| fmt_num(Some(t.lambda))).collect();
        t.push_str(&match lang {
            Lang::Zh => format!("（Box-Cox 变换后，λ = {}）", lambdas.join(" / ")),
            Lang::En => format!(" (Box-Cox transformed, λ = {})", lambdas.join(" / ")),
        });
        let _ = tr;
    }
    if let Some(d) = res.stages.first().and_then(|s| s.distribution.as_ref()) {
        t.push_str(&match lang {
            Lang::Zh => format!("（{}分布，百分位数法）", d.distribution.zh()),
            Lang::En => format!(" ({} distribution, percentile method)", d.distribution.as_str()),
        });
    }
    if res.stages.len() > 1 {
        let names: Vec<&str> = res.stages.iter().map(|s| s.name.as_str()).collect();
        t.push_str(&format!("  [{}]", names.join(" → ")));
    }
    t
}

type DrawResult<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn font(size: u32) -> TextStyle<'static> {
    (SVG_FAMILY, size).into_font().color(&BLACK)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, plots: &[StagePlot], title: &str, lang: Lang) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(56);
    head.draw_text(title, &font(24), (24, 16))?;
    let (left, right) = body.split_horizontally(WIDTH as i32 * 52 / 100);
    let lrows = left.split_evenly((3, 1));
    let rrows = right.split_evenly((3, 1));
    control_panel(&lrows[0], plots, lang)?;
    dispersion_panel(&lrows[1], plots, lang)?;
    capability_plot(&lrows[2], plots, lang)?;
    histogram_panel(&rrows[0], plots, lang)?;
    probability_panel(&rrows[1], plots, lang)?;
    table_panel(&rrows[2], plots, lang)?;
    Ok(())
}

/// Data range with padding.
fn padded(lo: f64, hi: f64, frac: f64) -> (f64, f64) {
    let w = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
    (lo - frac * w, hi + frac * w)
}

fn control_panel<'p, DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plots: &'p [StagePlot<'p>], lang: Lang) -> DrawResult<DB> {
    let individuals = plots.iter().all(|p| p.st.subgroups == p.st.n);
    let caption = match (individuals, lang) {
        (true, Lang::Zh) => "单值控制图 (I)",
        (true, Lang::En) => "Individuals chart (I)",
        (false, Lang::Zh) => "均值控制图 (Xbar)",
        (false, Lang::En) => "Xbar chart",
    };
    line_chart(area, caption, plots, |p| &p.points, lang)
}

fn dispersion_panel<'p, DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plots: &'p [StagePlot<'p>], lang: Lang) -> DrawResult<DB> {
    let individuals = plots.iter().all(|p| p.st.subgroups == p.st.n);
    let kind = plots.first().map(|p| chart_kind(p.st.sigma_method, individuals)).unwrap_or(ChartKind::IMr);
    let caption = match (kind, lang) {
        (ChartKind::XbarR, Lang::Zh) => "极差控制图 (R)",
        (ChartKind::XbarR, _) => "R chart",
        (ChartKind::XbarS, Lang::Zh) => "标准差控制图 (S)",
        (ChartKind::XbarS, _) => "S chart",
        (_, Lang::Zh) => "移动极差控制图 (MR)",
        (_, _) => "Moving range chart (MR)",
    };
    line_chart(area, caption, plots, |p| &p.dispersion, lang)
}

/// A control chart: points joined by lines, stepped limits per point, a center line per
/// stage, points failing a Nelson test (main chart) or outside the limits in red, the last
/// stage's limits written at the right.
fn line_chart<'p, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    plots: &'p [StagePlot<'p>],
    points_of: impl Fn(&'p StagePlot<'p>) -> &'p Vec<ChartPoint>,
    lang: Lang,
) -> DrawResult<DB> {
    let area = area.margin(6, 6, 10, 10);
    let all: Vec<ChartPoint> = plots.iter().flat_map(|p| points_of(p).iter().copied()).collect();
    if all.is_empty() {
        area.draw_text(caption, &font(16), (10, 10))?;
        return Ok(());
    }
    let finite = |v: f64| if v.is_finite() { Some(v) } else { None };
    let ylo = all.iter().flat_map(|p| [Some(p.value), finite(p.lcl)]).flatten().fold(f64::INFINITY, f64::min);
    let yhi = all.iter().flat_map(|p| [Some(p.value), finite(p.ucl)]).flatten().fold(f64::NEG_INFINITY, f64::max);
    let (ylo, yhi) = padded(ylo, yhi, 0.08);
    let xmax = all.iter().map(|p| p.x).fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(&area)
        .caption(caption, font(17))
        .x_label_area_size(26)
        .y_label_area_size(64)
        .build_cartesian_2d(0.5..xmax + 0.5 + 0.16 * xmax, ylo..yhi)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_COLOR)
        .label_style(font(12))
        .y_label_formatter(&|v| fmt_num(Some(*v)))
        .x_label_formatter(&|v| if *v <= xmax + 0.5 { format!("{v:.0}") } else { String::new() })
        .x_desc(lang.t("子组", "Subgroup"))
        .axis_desc_style(font(12))
        .draw()?;
    for p in plots {
        let pts = points_of(p);
        if pts.is_empty() {
            continue;
        }
        let (x0, x1) = (pts[0].x - 0.5, pts[pts.len() - 1].x + 0.5);
        if plots.len() > 1 {
            // stage boundary and name
            chart.draw_series(DashedLineSeries::new([(x0, ylo), (x0, yhi)], 3, 3, RGBColor(150, 150, 150).stroke_width(1)))?;
            chart.draw_series([EmptyElement::at((x0, yhi)) + Text::new(p.st.name.clone(), (4, 2), font(12).color(&p.color))])?;
        }
        let step = |f: &dyn Fn(&ChartPoint) -> f64| step_line(pts, f);
        chart.draw_series(LineSeries::new(step(&|q| q.center), TARGET_COLOR.stroke_width(1)))?;
        chart.draw_series(DashedLineSeries::new(step(&|q| q.lcl), 6, 4, LIMIT_COLOR.stroke_width(1)))?;
        chart.draw_series(DashedLineSeries::new(step(&|q| q.ucl), 6, 4, LIMIT_COLOR.stroke_width(1)))?;
        let _ = x1;
        // Many points: the line through the extremes of each of MAX_DRAWN/2 buckets, and
        // markers on the out-of-limit and flagged points of those only.
        let thinned = pts.len() > MAX_DRAWN;
        let drawn = if thinned { bucket_extremes(pts, MAX_DRAWN / 2) } else { pts.to_vec() };
        chart.draw_series(LineSeries::new(drawn.iter().map(|q| (q.x, q.value)), p.color.stroke_width(1)))?;
        chart.draw_series(drawn.iter().filter_map(|q| {
            let out = q.flagged || q.value > q.ucl || q.value < q.lcl;
            let c = if out { SPEC_COLOR } else { p.color };
            (out || !thinned).then(|| Circle::new((q.x, q.value), if out { 4 } else { 3 }, c.filled()))
        }))?;
        // the last stage's limits written to the right of its last point
        if std::ptr::eq(p, plots.last().unwrap_or(p)) {
            let last = pts[pts.len() - 1];
            for (label, v) in [("UCL", last.ucl), ("CL", last.center), ("LCL", last.lcl)] {
                if v.is_finite() {
                    let text = format!("{label} = {}", fmt_num(Some(v)));
                    chart.draw_series([EmptyElement::at((last.x + 0.5, v)) + Text::new(text, (4, -7), font(12).color(&RGBColor(70, 70, 70)))])?;
                }
            }
        }
    }
    Ok(())
}

/// Points of a chart panel drawn one by one up to this many per stage; more are thinned.
const MAX_DRAWN: usize = 2000;

/// A center or limit line as steps, consecutive equal values merged into one segment.
fn step_line(pts: &[ChartPoint], f: &dyn Fn(&ChartPoint) -> f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (i, q) in pts.iter().enumerate() {
        let v = f(q);
        if !v.is_finite() {
            continue;
        }
        if i == 0 || f(&pts[i - 1]) != v {
            out.push((q.x - 0.5, v));
        }
        if pts.get(i + 1).is_none_or(|n| f(n) != v) {
            out.push((q.x + 0.5, v));
        }
    }
    out
}

/// The lowest and highest point of each of `buckets` equal runs of points, in x order: the
/// drawn line keeps the envelope of the data.
fn bucket_extremes(pts: &[ChartPoint], buckets: usize) -> Vec<ChartPoint> {
    let size = pts.len().div_ceil(buckets.max(1)).max(1);
    let mut out = Vec::with_capacity(2 * buckets);
    for chunk in pts.chunks(size) {
        let by_value = |a: &&ChartPoint, b: &&ChartPoint| a.value.total_cmp(&b.value);
        let (Some(lo), Some(hi)) = (chunk.iter().min_by(by_value), chunk.iter().max_by(by_value)) else { continue };
        let (a, b) = if lo.x <= hi.x { (lo, hi) } else { (hi, lo) };
        out.push(*a);
        if b.x != a.x {
            out.push(*b);
        }
    }
    out
}

/// Evenly spaced ranks 0, …, n − 1 (all of them when n ≤ `max`), both ends included.
fn spread_ranks(n: usize, max: usize) -> Vec<usize> {
    if n <= max || max < 2 {
        return (0..n).collect();
    }
    let mut r: Vec<usize> = (0..max).map(|k| ((k as f64) * (n - 1) as f64 / (max - 1) as f64).round() as usize).collect();
    r.dedup();
    r
}

/// Histogram bin edges shared by every stage: Sturges' rule on the pooled data, the range
/// extended to show the specification limits.
fn bins(plots: &[StagePlot], lo: f64, hi: f64) -> Vec<f64> {
    let n: usize = plots.iter().map(|p| p.values.len()).max().unwrap_or(1);
    let dmin = plots.iter().flat_map(|p| p.values.iter().copied()).fold(f64::INFINITY, f64::min);
    let dmax = plots.iter().flat_map(|p| p.values.iter().copied()).fold(f64::NEG_INFINITY, f64::max);
    let k = ((n as f64).log2().ceil() as usize + 1).clamp(5, 40);
    let width = if dmax > dmin { (dmax - dmin) / k as f64 } else { (hi - lo) / 20.0 };
    let start = dmin - width * ((dmin - lo) / width).floor().max(0.0);
    let mut edges = vec![start];
    while *edges.last().unwrap_or(&hi) < dmax + width * 0.5 && edges.len() < 400 {
        let next = edges[edges.len() - 1] + width;
        edges.push(next);
    }
    edges
}

fn x_range(plots: &[StagePlot]) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in plots {
        for &v in &p.values {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if let Some(f) = p.fitted {
            lo = lo.min(f.quantile(0.001));
            hi = hi.max(f.quantile(0.999));
        } else {
            lo = lo.min(p.st.mean - 3.2 * p.st.sigma_overall.max(p.st.sigma_within));
            hi = hi.max(p.st.mean + 3.2 * p.st.sigma_overall.max(p.st.sigma_within));
        }
        for v in [p.spec.lsl, p.spec.usl, p.spec.target].into_iter().flatten() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    padded(lo, hi, 0.04)
}

fn normal_pdf(x: f64, m: f64, s: f64) -> f64 {
    (-0.5 * ((x - m) / s).powi(2)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
}

fn histogram_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plots: &[StagePlot], lang: Lang) -> DrawResult<DB> {
    let area = area.margin(6, 6, 10, 16);
    let (xlo, xhi) = x_range(plots);
    let edges = bins(plots, xlo, xhi);
    let width = if edges.len() > 1 { edges[1] - edges[0] } else { 1.0 };
    // densities, so stages of different size share one scale with the curves
    let hist: Vec<Vec<f64>> = plots
        .iter()
        .map(|p| {
            let mut c = vec![0.0; edges.len().saturating_sub(1)];
            for &v in &p.values {
                let i = ((v - edges[0]) / width).floor();
                if i >= 0.0 && (i as usize) < c.len() {
                    c[i as usize] += 1.0;
                }
            }
            c.iter().map(|k| k / (p.values.len() as f64 * width)).collect()
        })
        .collect();
    let grid: Vec<f64> = (0..=300).map(|i| xlo + (xhi - xlo) * i as f64 / 300.0).collect();
    let curves: Vec<Vec<(Vec<(f64, f64)>, bool)>> = plots
        .iter()
        .map(|p| match p.fitted {
            Some(f) => vec![(grid.iter().map(|&x| (x, f.pdf(x))).collect(), false)],
            None => vec![
                (grid.iter().map(|&x| (x, normal_pdf(x, p.st.mean, p.st.sigma_overall))).collect(), false),
                (grid.iter().map(|&x| (x, normal_pdf(x, p.st.mean, p.st.sigma_within))).collect(), true),
            ],
        })
        .collect();
    let ymax = hist
        .iter()
        .flatten()
        .copied()
        .chain(curves.iter().flatten().flat_map(|c| c.0.iter().map(|q| q.1)))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        * 1.15;
    let mut chart = ChartBuilder::on(&area)
        .caption(lang.t("能力直方图", "Capability histogram"), font(17))
        .x_label_area_size(26)
        .y_label_area_size(56)
        .build_cartesian_2d(xlo..xhi, 0.0..ymax.max(1e-300))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_COLOR)
        .label_style(font(12))
        .x_label_formatter(&|v| fmt_num(Some(*v)))
        .y_label_formatter(&|v| fmt_num(Some(*v)))
        .y_desc(lang.t("密度", "Density"))
        .axis_desc_style(font(12))
        .draw()?;
    let alpha = if plots.len() > 1 { 0.40 } else { 0.55 };
    for (p, h) in plots.iter().zip(&hist) {
        chart.draw_series(h.iter().enumerate().filter(|(_, v)| **v > 0.0).map(|(i, v)| {
            Rectangle::new([(edges[i], 0.0), (edges[i + 1], *v)], p.color.mix(alpha).filled())
        }))?;
        chart.draw_series(h.iter().enumerate().filter(|(_, v)| **v > 0.0).map(|(i, v)| {
            Rectangle::new([(edges[i], 0.0), (edges[i + 1], *v)], p.color.mix(0.9).stroke_width(1))
        }))?;
    }
    for (p, cs) in plots.iter().zip(&curves) {
        for (pts, dashed) in cs {
            let pts: Vec<(f64, f64)> = pts.iter().copied().filter(|q| q.1.is_finite()).collect();
            if *dashed {
                chart.draw_series(DashedLineSeries::new(pts, 7, 5, p.color.stroke_width(2)))?;
            } else {
                chart.draw_series(LineSeries::new(pts, p.color.stroke_width(2)))?;
            }
        }
    }
    // specification lines, labelled at the top
    let spec = plots.first().map(|p| p.spec).unwrap_or_default();
    let labels = [(spec.lsl, "LSL", SPEC_COLOR), (spec.target, lang.t("目标", "Target"), TARGET_COLOR), (spec.usl, "USL", SPEC_COLOR)];
    for (v, name, color) in labels {
        if let Some(v) = v {
            chart.draw_series(DashedLineSeries::new([(v, 0.0), (v, ymax)], 8, 5, color.stroke_width(2)))?;
            let text = format!("{name} = {}", fmt_num(Some(v)));
            let right_half = v > 0.5 * (xlo + xhi);
            let (dx, hpos) = if right_half { (-4, HPos::Right) } else { (4, HPos::Left) };
            let style = font(12).color(&color).pos(Pos::new(hpos, VPos::Top));
            chart.draw_series([EmptyElement::at((v, ymax)) + Text::new(text, (dx, 2), style)])?;
        }
    }
    // legend
    let mut legend: Vec<(String, RGBColor, bool)> = Vec::new();
    for p in plots {
        let prefix = if plots.len() > 1 { format!("{}：", p.st.name) } else { String::new() };
        match &p.st.distribution {
            Some(d) => legend.push((format!("{prefix}{}", match lang { Lang::Zh => format!("{}拟合", d.distribution.zh()), Lang::En => format!("{} fit", d.distribution.as_str()) }), p.color, false)),
            None => {
                legend.push((format!("{prefix}{}", lang.t("整体", "Overall")), p.color, false));
                legend.push((format!("{prefix}{}", lang.t("组内", "Within")), p.color, true));
            }
        }
    }
    let (w, _) = area.dim_in_pixel();
    for (i, (text, color, dashed)) in legend.iter().enumerate() {
        let y = 54 + 17 * i as i32;
        let x = w as i32 - 150;
        let style = color.stroke_width(2);
        if *dashed {
            area.draw(&PathElement::new(vec![(x, y + 7), (x + 8, y + 7)], style))?;
            area.draw(&PathElement::new(vec![(x + 12, y + 7), (x + 20, y + 7)], style))?;
        } else {
            area.draw(&PathElement::new(vec![(x, y + 7), (x + 20, y + 7)], style))?;
        }
        area.draw_text(text, &font(12), (x + 26, y))?;
    }
    Ok(())
}

/// The axes of a probability paper on which the family's CDF is a straight line:
/// normal (x, Φ⁻¹(p)); lognormal (ln x, Φ⁻¹(p)); Weibull (ln x, ln(−ln(1 − p)));
/// exponential (x, −ln(1 − p)). Gamma has no such paper: normal paper, curved line.
#[derive(Clone, Copy)]
struct Paper {
    log_x: bool,
    weibull_y: bool,
    exp_y: bool,
}

impl Paper {
    fn of(kind: DistKind) -> Paper {
        match kind {
            DistKind::Lognormal => Paper { log_x: true, weibull_y: false, exp_y: false },
            DistKind::Weibull => Paper { log_x: true, weibull_y: true, exp_y: false },
            DistKind::Exponential => Paper { log_x: false, weibull_y: false, exp_y: true },
            DistKind::Normal | DistKind::Gamma => Paper { log_x: false, weibull_y: false, exp_y: false },
        }
    }
    fn x(&self, v: f64) -> f64 {
        if self.log_x { v.ln() } else { v }
    }
    fn x_back(&self, u: f64) -> f64 {
        if self.log_x { u.exp() } else { u }
    }
    fn y(&self, p: f64) -> f64 {
        if self.weibull_y {
            (-(-p).ln_1p()).ln()
        } else if self.exp_y {
            -(-p).ln_1p()
        } else {
            qnorm(p)
        }
    }
}

/// Probability plot: data against the median ranks (i − 0.3)/(n + 0.4) (Benard's
/// approximation, as Minitab) on the paper of the model, with the model's CDF (normal with
/// the overall sigma, or the fitted distribution), and the AD statistic.
fn probability_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plots: &[StagePlot], lang: Lang) -> DrawResult<DB> {
    let area = area.margin(6, 6, 10, 16);
    let kind = plots.first().and_then(|p| p.fitted).map(|f| f.kind()).unwrap_or(DistKind::Normal);
    let paper = Paper::of(kind);
    let data: Vec<Vec<(f64, f64)>> = plots
        .iter()
        .map(|p| {
            let v = crate::num::sorted_copy(&p.values);
            let n = v.len() as f64;
            // at most MAX_DRAWN plotted order statistics (evenly spaced ranks, both extremes)
            spread_ranks(v.len(), MAX_DRAWN)
                .into_iter()
                .map(|i| (paper.x(v[i]), paper.y((i as f64 + 0.7) / (n + 0.4))))
                .filter(|q| q.0.is_finite())
                .collect()
        })
        .collect();
    let xlo = data.iter().flatten().map(|q| q.0).fold(f64::INFINITY, f64::min);
    let xhi = data.iter().flatten().map(|q| q.0).fold(f64::NEG_INFINITY, f64::max);
    let (xlo, xhi) = padded(xlo, xhi, 0.06);
    let ylo = data.iter().flatten().map(|q| q.1).fold(paper.y(0.02), f64::min);
    let yhi = data.iter().flatten().map(|q| q.1).fold(paper.y(0.98), f64::max);
    let (ylo, yhi) = padded(ylo, yhi, 0.06);
    let caption = match lang {
        Lang::Zh => format!("{}概率图", kind.zh()),
        Lang::En => format!("{}{} probability plot", kind.as_str()[..1].to_uppercase(), &kind.as_str()[1..]),
    };
    let mut chart = ChartBuilder::on(&area)
        .caption(caption, font(17))
        .x_label_area_size(26)
        .y_label_area_size(56)
        .build_cartesian_2d(xlo..xhi, ylo..yhi)?;
    let x_label = |u: &f64| if paper.log_x { String::new() } else { fmt_num(Some(*u)) };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_COLOR)
        .label_style(font(12))
        .x_label_formatter(&x_label)
        .y_label_formatter(&|_| String::new())
        .y_desc(lang.t("百分比", "Percent"))
        .axis_desc_style(font(12))
        .draw()?;
    // log paper: 1-2-5 ticks
    if paper.log_x {
        let (a, b) = (xlo.exp().log10().floor() as i32, xhi.exp().log10().ceil() as i32);
        for d in a..=b {
            for m in [1.0, 2.0, 5.0] {
                let v = m * 10f64.powi(d);
                let u = v.ln();
                if u < xlo || u > xhi {
                    continue;
                }
                chart.draw_series(LineSeries::new([(u, ylo), (u, yhi)], GRID_COLOR.stroke_width(1)))?;
                let style = font(12).pos(Pos::new(HPos::Center, VPos::Top));
                chart.draw_series([EmptyElement::at((u, ylo)) + Text::new(fmt_num(Some(v)), (0, 6), style)])?;
            }
        }
    }
    // percent grid at the usual probability-paper positions
    for pct in [0.1, 1.0, 5.0, 10.0, 20.0, 30.0, 50.0, 70.0, 80.0, 90.0, 95.0, 99.0, 99.9] {
        let y = paper.y(pct / 100.0);
        if y < ylo || y > yhi {
            continue;
        }
        chart.draw_series(LineSeries::new([(xlo, y), (xhi, y)], GRID_COLOR.stroke_width(1)))?;
        chart.draw_series([EmptyElement::at((xlo, y)) + Text::new(fmt_num(Some(pct)), (-30, -6), font(12))])?;
    }
    for (i, (p, pts)) in plots.iter().zip(&data).enumerate() {
        let line: Vec<(f64, f64)> = (0..=200)
            .map(|k| paper.x_back(xlo + (xhi - xlo) * k as f64 / 200.0))
            .map(|x| {
                let prob = match p.fitted {
                    Some(f) => f.cdf(x),
                    None => pnorm((x - p.st.mean) / p.st.sigma_overall),
                };
                (paper.x(x), paper.y(prob))
            })
            .filter(|q| q.0.is_finite() && q.1.is_finite() && q.1 >= ylo && q.1 <= yhi)
            .collect();
        chart.draw_series(LineSeries::new(line, p.color.mix(0.8).stroke_width(2)))?;
        chart.draw_series(pts.iter().map(|q| Circle::new(*q, 3, p.color.stroke_width(1))))?;
        // AD statistic and p of the analysed data (or of the fit)
        let text = match (&p.st.distribution, &p.st.normality) {
            (Some(d), _) => format!("AD = {:.3}", d.ad_statistic),
            (None, Some(nm)) => format!("AD = {:.3}, P = {}", nm.statistic, if nm.p_value < 0.005 { "< 0.005".to_string() } else { format!("{:.3}", nm.p_value) }),
            (None, None) => String::new(),
        };
        let prefix = if plots.len() > 1 { format!("{}：", p.st.name) } else { String::new() };
        area.draw_text(&format!("{prefix}{text}"), &font(13).color(&p.color), (70, 34 + 18 * i as i32))?;
    }
    Ok(())
}

/// Minitab's capability plot: the process spread (μ ± 3σ within and overall, or the
/// fitted 0.135%–99.865% percentiles) as intervals against the specification interval.
fn capability_plot<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plots: &[StagePlot], lang: Lang) -> DrawResult<DB> {
    let area = area.margin(6, 6, 10, 10);
    let mut rows: Vec<(String, f64, f64, f64, RGBColor)> = Vec::new();
    for p in plots {
        let prefix = if plots.len() > 1 { format!("{} ", p.st.name) } else { String::new() };
        match (&p.st.distribution, p.fitted) {
            (Some(d), _) => rows.push((format!("{prefix}{}", lang.t("整体", "Overall")), d.p00135, d.p50, d.p99865, p.color)),
            _ => {
                let (m, sw, so) = (p.st.mean, p.st.sigma_within, p.st.sigma_overall);
                rows.push((format!("{prefix}{}", lang.t("组内", "Within")), m - 3.0 * sw, m, m + 3.0 * sw, p.color));
                rows.push((format!("{prefix}{}", lang.t("整体", "Overall")), m - 3.0 * so, m, m + 3.0 * so, p.color));
            }
        }
    }
    let spec = plots.first().map(|p| p.spec).unwrap_or_default();
    let mut lo = rows.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
    let mut hi = rows.iter().map(|r| r.3).fold(f64::NEG_INFINITY, f64::max);
    for v in [spec.lsl, spec.usl, spec.target].into_iter().flatten() {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let (lo, hi) = padded(lo, hi, 0.05);
    let nrows = rows.len() + 1;
    let mut chart = ChartBuilder::on(&area)
        .caption(if plots.iter().any(|p| p.fitted.is_some()) { lang.t("能力图（0.135%–99.865% 分位数与规格）", "Capability plot (0.135%–99.865% percentiles against the specification)") } else { lang.t("能力图（±3σ 与规格）", "Capability plot (±3σ against the specification)") }, font(17))
        .x_label_area_size(26)
        .y_label_area_size(130)
        .build_cartesian_2d(lo..hi, 0.0..nrows as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_COLOR)
        .label_style(font(12))
        .x_label_formatter(&|v| fmt_num(Some(*v)))
        .draw()?;
    let y_of = |i: usize| nrows as f64 - 0.5 - i as f64;
    for (i, (name, a, m, b, color)) in rows.iter().enumerate() {
        let y = y_of(i);
        chart.draw_series(LineSeries::new([(*a, y), (*b, y)], color.stroke_width(3)))?;
        for x in [*a, *b] {
            chart.draw_series(LineSeries::new([(x, y - 0.22), (x, y + 0.22)], color.stroke_width(3)))?;
        }
        chart.draw_series([Circle::new((*m, y), 4, color.filled())])?;
        chart.draw_series([EmptyElement::at((lo, y)) + Text::new(name.clone(), (-125, -8), font(13).color(color))])?;
    }
    let y = y_of(rows.len());
    let (sl, su) = (spec.lsl.unwrap_or(lo), spec.usl.unwrap_or(hi));
    chart.draw_series(LineSeries::new([(sl, y), (su, y)], SPEC_COLOR.stroke_width(3)))?;
    for x in [spec.lsl, spec.usl].into_iter().flatten() {
        chart.draw_series(LineSeries::new([(x, y - 0.22), (x, y + 0.22)], SPEC_COLOR.stroke_width(3)))?;
    }
    if let Some(t) = spec.target {
        chart.draw_series([Cross::new((t, y), 6, TARGET_COLOR.stroke_width(2))])?;
    }
    chart.draw_series([EmptyElement::at((lo, y)) + Text::new(lang.t("规格", "Specification").to_string(), (-125, -8), font(13).color(&SPEC_COLOR))])?;
    Ok(())
}

/// The table of indices: one column per stage.
fn table_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plots: &[StagePlot], lang: Lang) -> DrawResult<DB> {
    let area = area.margin(6, 6, 16, 16);
    area.draw_text(lang.t("能力指数", "Capability statistics"), &font(17), (0, 4))?;
    let f3 = |x: Option<f64>| x.map_or("*".to_string(), |v| format!("{v:.3}"));
    let ppm = |x: f64| if x == 0.0 { "0".to_string() } else if x < 0.01 { format!("{x:.1e}") } else { format!("{x:.2}") };
    let rows: Vec<(&str, Box<dyn Fn(&StageCapability) -> String>)> = vec![
        ("N", Box::new(|s: &StageCapability| s.n.to_string())),
        (lang.t("均值", "Mean"), Box::new(|s: &StageCapability| fmt_num(Some(s.mean)))),
        (lang.t("组内标准差", "StDev (within)"), Box::new(|s: &StageCapability| fmt_num(Some(s.sigma_within)))),
        (lang.t("整体标准差", "StDev (overall)"), Box::new(|s: &StageCapability| fmt_num(Some(s.sigma_overall)))),
        ("Cp", Box::new(move |s: &StageCapability| f3(s.cp))),
        ("Cpk", Box::new(move |s: &StageCapability| with_ci(s.cpk, s.ci.cpk))),
        ("Pp", Box::new(move |s: &StageCapability| f3(s.pp))),
        ("Ppk", Box::new(move |s: &StageCapability| with_ci(s.ppk, s.ci.ppk))),
        ("Cpm", Box::new(move |s: &StageCapability| f3(s.cpm))),
        (lang.t("实测 PPM", "PPM observed"), Box::new(move |s: &StageCapability| ppm(s.ppm.observed.total))),
        (lang.t("预期 PPM（整体）", "PPM expected (overall)"), Box::new(move |s: &StageCapability| ppm(s.ppm.expected_overall.total))),
    ];
    let (w, _) = area.dim_in_pixel();
    let label_w = 170;
    let col_w = ((w as i32 - label_w) / plots.len().max(1) as i32).min(260);
    let line_h = 22;
    let top = 36;
    for (j, p) in plots.iter().enumerate() {
        let name = if p.st.name == "all" { lang.t("数值", "Value").to_string() } else { p.st.name.clone() };
        area.draw_text(&name, &font(14).color(&p.color), (label_w + j as i32 * col_w, top))?;
    }
    area.draw(&PathElement::new(vec![(0, top + 20), (label_w + col_w * plots.len() as i32, top + 20)], BLACK.mix(0.4).stroke_width(1)))?;
    for (i, (label, cell)) in rows.iter().enumerate() {
        let y = top + 26 + i as i32 * line_h;
        if i % 2 == 0 {
            area.draw(&Rectangle::new([(0, y - 3), (label_w + col_w * plots.len() as i32, y + line_h - 5)], RGBColor(244, 246, 250).filled()))?;
        }
        area.draw_text(label, &font(13), (4, y))?;
        for (j, p) in plots.iter().enumerate() {
            area.draw_text(&cell(p.st), &font(13), (label_w + j as i32 * col_w, y))?;
        }
    }
    let note = match plots.first().map(|p| p.st.ci.level) {
        Some(l) => match lang {
            Lang::Zh => format!("括号内为 {}% 置信区间", fmt_num(Some(l * 100.0))),
            Lang::En => format!("in brackets: {}% confidence interval", fmt_num(Some(l * 100.0))),
        },
        None => String::new(),
    };
    area.draw_text(&note, &font(11).color(&RGBColor(110, 110, 110)), (4, top + 30 + rows.len() as i32 * line_h))?;
    Ok(())
}

fn with_ci(x: Option<f64>, ci: Option<[f64; 2]>) -> String {
    match (x, ci) {
        (Some(v), Some([a, b])) => format!("{v:.3} ({a:.2}, {b:.2})"),
        (Some(v), None) => format!("{v:.3}"),
        _ => "*".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(x: f64, value: f64) -> ChartPoint {
        ChartPoint { x, value, center: 0.0, lcl: -3.0, ucl: 3.0, flagged: false }
    }

    #[test]
    fn constant_lines_are_one_segment_and_changes_are_steps() {
        let pts: Vec<ChartPoint> = (1..=5).map(|i| pt(i as f64, 0.0)).collect();
        assert_eq!(step_line(&pts, &|q| q.center), vec![(0.5, 0.0), (5.5, 0.0)]);
        let varying = [ChartPoint { ucl: 2.0, ..pt(1.0, 0.0) }, ChartPoint { ucl: 2.5, ..pt(2.0, 0.0) }];
        assert_eq!(step_line(&varying, &|q| q.ucl), vec![(0.5, 2.0), (1.5, 2.0), (1.5, 2.5), (2.5, 2.5)]);
    }

    #[test]
    fn thinning_keeps_the_envelope_and_the_ends() {
        let pts: Vec<ChartPoint> = (0..10_000).map(|i| pt(i as f64 + 1.0, ((i * 37) % 101) as f64 - 50.0)).collect();
        let kept = bucket_extremes(&pts, 100);
        assert!(kept.len() <= 200);
        assert!(kept.windows(2).all(|w| w[0].x < w[1].x));
        let (lo, hi) = kept.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), q| (a.min(q.value), b.max(q.value)));
        assert_eq!((lo, hi), (-50.0, 50.0));
        let r = spread_ranks(1_000_000, 2000);
        assert_eq!((r[0], r[r.len() - 1], r.len()), (0, 999_999, 2000));
        assert_eq!(spread_ranks(10, 2000), (0..10).collect::<Vec<_>>());
    }
}

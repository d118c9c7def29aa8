//! Control chart drawing (SVG/PNG) in the look of a Minitab chart: points joined by lines,
//! center line (green) and control limits (red) labelled with their values at the right edge
//! ("UCL=74.0143", "X̄=74.0012", "LCL=73.9880"), stage boundaries as dashed vertical lines with
//! the stage names, failed points in red with the test numbers beside them, X̄ with R/S (I
//! with MR) as two aligned panels, x labels thinned so they never overlap.
//!
//! Large series are decimated per pixel column (entry, minimum, maximum, exit of each column),
//! so 2 million points draw as a few thousand line vertices; every failed point keeps its
//! red marker (one per pixel).

use super::plot::{self, colors, dashed, font, line, text, Area, Figure, Frame};
use crate::error::Result;
use crate::i18n::Lang;
use crate::spc::{ChartKind, ChartResult, Point, Points, StageLimits, Violation};
use std::ops::Range;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::path::Path;

/// Presentation options of a chart.
#[derive(Debug, Clone)]
pub struct ChartStyle {
    /// Title (may be Chinese).
    pub title: String,
    /// Language of axis captions.
    pub lang: Lang,
}

/// Draw the chart into `path` (.svg or .png by extension).
pub fn draw(chart: &ChartResult, style: &ChartStyle, path: &Path) -> Result<()> {
    plot::save(&ControlFigure { chart, style }, path)
}

/// Points at most this many get a marker each (beyond, the line alone reads better).
const MARKERS_UP_TO: usize = 200;
/// Failed points at most this many get their test numbers written beside them.
const RULE_TEXT_UP_TO: usize = 80;

const WIDTH: u32 = 1000;
const LEFT: i32 = 78;
const RIGHT: i32 = 140;

struct ControlFigure<'a> {
    chart: &'a ChartResult,
    style: &'a ChartStyle,
}

/// What one panel shows.
struct PanelView<'a> {
    statistic: &'a str,
    stages: &'a [StageLimits],
    points: &'a Points,
    violations: &'a [Violation],
}

impl Figure for ControlFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (WIDTH, if self.chart.dispersion.is_some() { 860 } else { 560 })
    }

    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<()> {
        let (w, h) = self.size();
        let (w, h) = (w as i32, h as i32);
        text(root, &self.style.title, (w / 2, 14), &font(21.0, &colors::INK, HPos::Center, VPos::Top))?;
        let main = PanelView { statistic: &self.chart.statistic, stages: &self.chart.stages, points: &self.chart.points, violations: &self.chart.violations };
        let n = self.chart.points.len().max(1);
        let plot_w = w - LEFT - RIGHT;
        let top = 78;
        let gap = 86; // x labels of the upper panel + caption of the lower one
        let bottom_room = 62;
        match &self.chart.dispersion {
            None => {
                let frame = Frame::new((LEFT, top, plot_w, h - top - bottom_room), (0.5, n as f64 + 0.5), (0.0, 1.0));
                self.panel(root, &main, frame, true)?;
            }
            Some(d) => {
                let avail = h - top - gap - bottom_room;
                let h1 = avail * 55 / 100;
                let f1 = Frame::new((LEFT, top, plot_w, h1), (0.5, n as f64 + 0.5), (0.0, 1.0));
                self.panel(root, &main, f1, false)?;
                let disp = PanelView { statistic: &d.statistic, stages: &d.stages, points: &d.points, violations: &d.violations };
                let f2 = Frame::new((LEFT, top + h1 + gap, plot_w, avail - h1), (0.5, n as f64 + 0.5), (0.0, 1.0));
                self.panel(root, &disp, f2, true)?;
            }
        }
        Ok(())
    }
}

impl ControlFigure<'_> {
    fn is_cusum(&self) -> bool {
        self.chart.chart == ChartKind::Cusum
    }

    /// One panel: axes, stage boundaries and names, limits, data, failures, labels.
    fn panel<DB: DrawingBackend>(&self, root: &Area<DB>, p: &PanelView, frame: Frame, bottom: bool) -> Result<()> {
        let lang = self.style.lang;
        let frame = Frame { y: self.y_range(p), ..frame };
        let ticks = plot::nice_ticks(frame.y.0, frame.y.1, 5);
        frame.axes(root, &y_caption(p.statistic, lang), &ticks)?;
        self.stages(root, p, &frame)?;
        self.data(root, p, &frame)?;
        self.limits(root, p, &frame)?;
        self.failures(root, p, &frame)?;
        self.right_labels(root, p, &frame)?;
        self.stage_labels(root, p, &frame)?;
        self.x_labels(root, &frame)?;
        if bottom {
            let cap = if self.chart.points.first().is_some_and(|q| q.n == 1.0) && !self.chart.chart.is_attribute() {
                lang.t("观测值", "Observation")
            } else {
                lang.t("样本", "Sample")
            };
            text(root, cap, (frame.left + frame.width / 2, frame.bottom() + 30), &font(13.0, &colors::INK, HPos::Center, VPos::Top))?;
        }
        Ok(())
    }

    fn y_range(&self, p: &PanelView) -> (f64, f64) {
        // The finite extremes of everything drawn (min/max: any order gives the same answer).
        let (lo, hi) = p.points.extremes(self.is_cusum());
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        let pad = if hi > lo { (hi - lo) * 0.08 } else { lo.abs().max(1.0) * 0.1 };
        (lo - pad, hi + pad)
    }

    /// Dashed boundaries between stages, stage names at the top of each span.
    fn stages<DB: DrawingBackend>(&self, root: &Area<DB>, _p: &PanelView, f: &Frame) -> Result<()> {
        let stages = &self.chart.stages;
        if stages.len() < 2 && stages.first().is_none_or(|s| s.name == "all") {
            return Ok(());
        }
        let style = font(12.0, &colors::MUTED, HPos::Center, VPos::Top);
        for (i, st) in stages.iter().enumerate() {
            let (a, b) = (st.first_point as f64 - 0.5, st.last_point as f64 + 0.5);
            if i > 0 {
                dashed(root, (f.px(a), f.top), (f.px(a), f.bottom()), &colors::MUTED, 5.0, 4.0)?;
            }
            let span = f.px(b) - f.px(a);
            if plot::text_width(&st.name, 12.0) < span as f64 - 4.0 {
                text(root, &st.name, ((f.px(a) + f.px(b)) / 2, f.top + 4), &style)?;
            }
        }
        Ok(())
    }

    /// Center line and limits, as step lines per stage (one segment when constant).
    fn limits<DB: DrawingBackend>(&self, root: &Area<DB>, p: &PanelView, f: &Frame) -> Result<()> {
        for (st, range) in stage_slices(p) {
            // A line constant over the stage is one segment; otherwise a step per point.
            let (a, b) = (st.first_point as f64 - 0.5, st.last_point as f64 + 0.5);
            let lines: [(Option<f64>, fn(&Point) -> Option<f64>, &RGBColor); 3] =
                [(st.center, |q| Some(q.center), &colors::CENTER), (st.lcl, |q| q.lcl, &colors::LIMIT), (st.ucl, |q| q.ucl, &colors::LIMIT)];
            for (constant, get, color) in lines {
                let path = match constant.filter(|v| v.is_finite()) {
                    Some(v) => vec![(f.px(a), f.py(v)), (f.px(b), f.py(v))],
                    None => {
                        let xy: Vec<(f64, f64)> = p.points.iter_range(range.clone()).map(|q| (q.point as f64, get(&q).unwrap_or(f64::NAN))).collect();
                        step_path(&xy, f)
                    }
                };
                line(root, path, color, 1)?;
            }
        }
        Ok(())
    }

    /// The data line (broken at stage boundaries) and point markers.
    fn data<DB: DrawingBackend>(&self, root: &Area<DB>, p: &PanelView, f: &Frame) -> Result<()> {
        let pts = p.points;
        if self.is_cusum() {
            self.data_line(root, p, f, |i| pts.cusum(i).map_or(f64::NAN, |c| c.upper))?;
            self.data_line(root, p, f, |i| pts.cusum(i).map_or(f64::NAN, |c| c.lower))
        } else {
            let values = pts.values();
            self.data_line(root, p, f, |i| values[i])
        }
    }

    /// One data line: `get(i)` of every point index, per stage, with markers on small charts.
    fn data_line<DB: DrawingBackend>(&self, root: &Area<DB>, p: &PanelView, f: &Frame, get: impl Fn(usize) -> f64 + Sync) -> Result<()> {
        let pts = p.points;
        let markers = pts.len() <= MARKERS_UP_TO;
        for (_, range) in stage_slices(p) {
            let number = pts.numbers(range.clone());
            let at = |i: usize| (number(i) as f64, get(i));
            for path in decimate_with(range.clone(), &at, f) {
                line(root, path, &colors::DATA, 1)?;
            }
            if markers {
                for (x, y) in range.map(at).filter(|(_, y)| y.is_finite()) {
                    root.draw(&Circle::new((f.px(x), f.py(y)), 3, colors::DATA.filled())).map_err(plot::err)?;
                }
            }
        }
        Ok(())
    }

    /// Red markers on failed points with their test numbers.
    fn failures<DB: DrawingBackend>(&self, root: &Area<DB>, p: &PanelView, f: &Frame) -> Result<()> {
        // failed points in order with their tests (violations are sorted by point, then rule)
        debug_assert!(p.violations.windows(2).all(|w| (w[0].point, w[0].rule) <= (w[1].point, w[1].rule)));
        let failed = || p.violations.chunk_by(|a, b| a.point == b.point);
        let write = failed().count() <= RULE_TEXT_UP_TO;
        let style = font(11.0, &colors::LIMIT, HPos::Left, VPos::Bottom);
        let values = p.points.values();
        // which cells have a marker (membership only: any hasher gives the same drawing)
        let mut seen: foldhash::HashSet<(i32, i32)> = foldhash::HashSet::default();
        for tests in failed() {
            let pt = tests[0].point;
            // points are in chart order: find each failed point by binary search
            let Some(i) = p.points.position(pt) else { continue };
            let y = if self.is_cusum() {
                let Some(q) = p.points.get(i) else { continue };
                let (u, l) = (q.upper().unwrap_or(0.0), q.lower().unwrap_or(0.0));
                if q.ucl.is_some_and(|c| u > c) { u } else { l }
            } else {
                values[i]
            };
            let (x, y) = (f.px(pt as f64), f.py(y));
            // One marker per marker-sized cell when failures are many (large data): any other
            // failed point of the cell lies under that marker, and the SVG stays small.
            let (cell, r) = if write { ((x, y), 3) } else { ((x / 5, y / 5), 2) };
            if !seen.insert(cell) {
                continue;
            }
            root.draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], colors::LIMIT.filled())).map_err(plot::err)?;
            if write {
                let label = tests.iter().map(|v| v.rule.to_string()).collect::<Vec<_>>().join(",");
                text(root, &label, (x + 4, y - 3), &style)?;
            }
        }
        Ok(())
    }

    /// Earlier stages: small "UCL=…"/"LCL=…" values inside the plot at the stage's right end
    /// (the last stage is labelled in the margin), when the stage is wide enough.
    fn stage_labels<DB: DrawingBackend>(&self, root: &Area<DB>, p: &PanelView, f: &Frame) -> Result<()> {
        let slices = stage_slices(p);
        for (_, range) in slices.iter().take(slices.len().saturating_sub(1)) {
            let (Some(first), Some(last)) = (p.points.get(range.start), range.end.checked_sub(1).and_then(|i| p.points.get(i))) else { continue };
            let x = f.px(last.point as f64 + 0.5) - 4;
            if x - f.px(first.point as f64 - 0.5) < 110 || self.is_cusum() {
                continue;
            }
            let spread = match (last.lcl, last.ucl) {
                (Some(l), Some(u)) if u > l => u - l,
                _ => last.center.abs(),
            };
            for (v, name) in [(last.ucl, "UCL"), (last.lcl, "LCL")] {
                if let Some(v) = v {
                    let s = format!("{name}={}", plot::fmt_limit(v, spread));
                    text(root, &s, (x, f.py(v) - 2), &font(10.0, &colors::LIMIT, HPos::Right, VPos::Bottom))?;
                }
            }
        }
        Ok(())
    }

    /// "UCL=…", "X̄=…", "LCL=…" at the right edge, for the last stage (values of its last point).
    fn right_labels<DB: DrawingBackend>(&self, root: &Area<DB>, p: &PanelView, f: &Frame) -> Result<()> {
        let Some(last) = p.points.last() else { return Ok(()) };
        let spread = match (last.lcl, last.ucl) {
            (Some(l), Some(u)) if u > l => u - l,
            _ => last.center.abs(),
        };
        let sym = center_symbol(p.statistic);
        // (value, text, colour, letters to draw a bar over)
        let mut labels: Vec<(f64, String, RGBColor, &str)> = Vec::new();
        if let Some(u) = last.ucl {
            labels.push((u, format!("UCL={}", plot::fmt_limit(u, spread)), colors::LIMIT, ""));
        }
        if self.is_cusum() {
            labels.push((last.center, "0".to_string(), colors::CENTER, ""));
        } else {
            labels.push((last.center, format!("{sym}={}", plot::fmt_limit(last.center, spread)), colors::CENTER, sym));
        }
        if let Some(l) = last.lcl {
            labels.push((l, format!("LCL={}", plot::fmt_limit(l, spread)), colors::LIMIT, ""));
        }
        // Positions top to bottom, at least 15 px apart, inside the panel.
        let mut ys: Vec<i32> = labels.iter().map(|(v, _, _, _)| f.py(*v)).collect();
        for i in 1..ys.len() {
            if ys[i] < ys[i - 1] + 15 {
                ys[i] = ys[i - 1] + 15;
            }
        }
        for ((_, s, color, bar), y) in labels.iter().zip(ys) {
            let x = f.right() + 6;
            text(root, s, (x, y), &font(12.0, color, HPos::Left, VPos::Center))?;
            // The bar of X̄, R̄, ... drawn as a line: combining macrons render badly in many fonts.
            if !bar.is_empty() {
                let w = plot::text_width(bar, 12.0).round() as i32;
                line(root, vec![(x + 1, y - 8), (x + w - 1, y - 8)], color, 1)?;
            }
        }
        Ok(())
    }

    /// Point labels under the axis, thinned so that they never overlap.
    fn x_labels<DB: DrawingBackend>(&self, root: &Area<DB>, f: &Frame) -> Result<()> {
        let pts = &self.chart.points;
        let n = pts.len();
        if n == 0 {
            return Ok(());
        }
        let size = 11.0;
        let sample = pts.len().min(5000);
        let stride = (pts.len() / sample).max(1);
        let widest = (0..n).step_by(stride).map(|i| plot::text_width(&self.chart.label(pts.number(i)), size)).fold(0.0, f64::max);
        let step = plot::label_step(widest, f.width as f64 / n as f64);
        let style = font(size, &colors::INK, HPos::Center, VPos::Top);
        let mut i = if step == 1 { 1 } else { step };
        while i <= n {
            let x = f.px(i as f64);
            line(root, vec![(x, f.bottom()), (x, f.bottom() + 4)], &colors::INK, 1)?;
            text(root, &self.chart.label(pts.number(i - 1)), (x, f.bottom() + 7), &style)?;
            i += step;
        }
        Ok(())
    }
}

/// The points (index ranges) of each stage of a panel (points are in order of their numbers;
/// a stage runs from its first to its last point).
fn stage_slices<'a>(p: &'a PanelView) -> Vec<(&'a StageLimits, Range<usize>)> {
    let mut out: Vec<(&StageLimits, Range<usize>)> = p
        .stages
        .iter()
        .map(|st| {
            let a = p.points.lower_bound(st.first_point);
            let b = p.points.lower_bound(st.last_point.saturating_add(1));
            (st, a..b.max(a))
        })
        .collect();
    out.retain(|(_, s)| !s.is_empty());
    out
}

/// A step line through (x, value) pairs: each value held over [x − ½, x + ½]; consecutive
/// equal values merge, and the path is decimated per pixel column.
fn step_path(pts: &[(f64, f64)], f: &Frame) -> Vec<(i32, i32)> {
    let mut xy: Vec<(f64, f64)> = Vec::with_capacity(2 * pts.len());
    for (i, &(x, v)) in pts.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        let same_as_next = pts.get(i + 1).is_some_and(|&(_, w)| w == v);
        let same_as_prev = i > 0 && pts[i - 1].1 == v;
        if !same_as_prev {
            xy.push((x - 0.5, v));
        }
        if !same_as_next {
            xy.push((x + 0.5, v));
        }
    }
    decimate(&xy, f).into_iter().flatten().collect()
}

/// [`decimate_with`] of a slice of (x, y) vertices.
fn decimate(xy: &[(f64, f64)], f: &Frame) -> Vec<Vec<(i32, i32)>> {
    decimate_with(0..xy.len(), &|i| xy[i], f)
}

/// What one stretch of a polyline leaves after decimation: a finished pixel column
/// (x, entry y, min y, max y, exit y), or a break (a non-finite value).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mark {
    Column(i32, i32, i32, i32, i32),
    Break,
}

/// Vertices per parallel piece of [`decimate_with`].
const DECIMATE_PIECE: usize = 1 << 15;

/// Pixel paths of the polyline through the vertices `at(i)` for `i` in `range` (x not
/// decreasing), broken at non-finite values; within a pixel column only the entry, minimum,
/// maximum and exit vertices are kept (the drawn shape is unchanged). Long lines are cut into
/// pieces at pixel column boundaries and the pieces' columns found in parallel; putting them
/// together in order gives the paths of one pass over all vertices.
fn decimate_with(range: Range<usize>, at: &(impl Fn(usize) -> (f64, f64) + Sync), f: &Frame) -> Vec<Vec<(i32, i32)>> {
    use rayon::prelude::*;
    let px = |i: usize| f.px(at(i).0);
    // piece boundaries: roughly every DECIMATE_PIECE vertices, moved on to where the pixel column changes
    let mut cuts = vec![range.start];
    let mut next = range.start + DECIMATE_PIECE;
    while next < range.end {
        // the first vertex from `next` on that starts a pixel column (a galloping search: a
        // column of a 10M-point chart holds ≈ 13,000 vertices)
        let column = px(next - 1);
        let c = column_end(next - 1, range.end, |k| px(k) == column);
        if c >= range.end {
            break;
        }
        cuts.push(c);
        next = c + DECIMATE_PIECE;
    }
    cuts.push(range.end);
    let pieces: Vec<Vec<Mark>> = cuts.par_windows(2).map(|w| columns(w[0]..w[1], at, f)).collect();
    paths_of(pieces.iter().flatten())
}

/// The polylines through pixel columns' marks (a break ends a line).
fn paths_of<'a>(marks: impl Iterator<Item = &'a Mark>) -> Vec<Vec<(i32, i32)>> {
    let mut paths = Vec::new();
    let mut cur: Vec<(i32, i32)> = Vec::new();
    for m in marks {
        match *m {
            Mark::Column(x, first, lo, hi, last) => {
                for y in [first, lo, hi, last] {
                    if cur.last() != Some(&(x, y)) {
                        cur.push((x, y));
                    }
                }
            }
            Mark::Break => {
                if cur.len() > 1 {
                    paths.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() > 1 {
        paths.push(cur);
    }
    paths
}

/// The pixel columns and breaks of the vertices `at(i)`, `i` in `range`, in order: what
/// [`columns_by_vertex`] gives, found column by column. Pixel x does not decrease with `i`,
/// so each column's vertices are one index range, found by a galloping search; pixel y is a
/// non-increasing function of y, so the column's highest and lowest pixels are those of its
/// lowest and highest values, and only four vertices per column are mapped to pixels. A
/// column holding a non-finite value (a break) is done vertex by vertex.
fn columns(range: Range<usize>, at: &(impl Fn(usize) -> (f64, f64) + Sync), f: &Frame) -> Vec<Mark> {
    let px = |i: usize| f.px(at(i).0);
    let mut out = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let c = px(i);
        let j = column_end(i, range.end, |k| px(k) == c);
        let (mut lo, mut hi, mut finite) = (f64::INFINITY, f64::NEG_INFINITY, true);
        for k in i..j {
            let y = at(k).1;
            finite &= y.is_finite();
            lo = lo.min(y);
            hi = hi.max(y);
        }
        if finite {
            out.push(Mark::Column(c, f.py(at(i).1), f.py(hi), f.py(lo), f.py(at(j - 1).1)));
        } else {
            out.extend(columns_by_vertex(i..j, at, f));
        }
        i = j;
    }
    out
}

/// The first index after `i` (below `end`) where `same` fails, `same` holding from `i` on up to
/// that index: doubling steps, then bisection.
fn column_end(i: usize, end: usize, same: impl Fn(usize) -> bool) -> usize {
    let (mut ok, mut step) = (i, 1usize);
    while ok + step < end && same(ok + step) {
        ok += step;
        step *= 2;
    }
    // same(ok) holds; the end lies in (ok, min(ok + step, end)]
    let mut bad = (ok + step).min(end);
    while bad - ok > 1 {
        let mid = ok + (bad - ok) / 2;
        if same(mid) { ok = mid } else { bad = mid }
    }
    bad
}

/// [`columns`] one vertex at a time (the definition, and the way through breaks).
fn columns_by_vertex(range: Range<usize>, at: &(impl Fn(usize) -> (f64, f64) + Sync), f: &Frame) -> Vec<Mark> {
    let mut out = Vec::new();
    // current column: (x, entry y, min y, max y, last y)
    let mut col: Option<(i32, i32, i32, i32, i32)> = None;
    for i in range {
        let (x, y) = at(i);
        if !y.is_finite() {
            if let Some((x, a, lo, hi, b)) = col.take() {
                out.push(Mark::Column(x, a, lo, hi, b));
            }
            out.push(Mark::Break);
            continue;
        }
        let (px, py) = (f.px(x), f.py(y));
        match &mut col {
            Some(c) if c.0 == px => {
                c.2 = c.2.min(py);
                c.3 = c.3.max(py);
                c.4 = py;
            }
            _ => {
                if let Some((x, a, lo, hi, b)) = col.take() {
                    out.push(Mark::Column(x, a, lo, hi, b));
                }
                col = Some((px, py, py, py, py));
            }
        }
    }
    if let Some((x, a, lo, hi, b)) = col {
        out.push(Mark::Column(x, a, lo, hi, b));
    }
    out
}

/// Letters of the center line's name; drawn with a bar over them (X̄, R̄, M̄R̄, P̄, ...).
fn center_symbol(statistic: &str) -> &'static str {
    match statistic {
        "xbar" | "i" | "ewma" => "X",
        "r" => "R",
        "s" => "S",
        "mr" => "MR",
        "p" | "p'" => "P",
        "np" => "NP",
        "c" => "C",
        "u" | "u'" => "U",
        _ => "CL",
    }
}

fn y_caption(statistic: &str, lang: Lang) -> String {
    let (zh, en) = match statistic {
        "xbar" => ("样本均值", "Sample Mean"),
        "r" => ("样本极差", "Sample Range"),
        "s" => ("样本标准差", "Sample StDev"),
        "i" => ("单值", "Individual Value"),
        "mr" => ("移动极差", "Moving Range"),
        "p" | "p'" => ("不合格品率", "Proportion"),
        "np" => ("不合格品数", "Sample Count"),
        "c" => ("缺陷数", "Sample Count"),
        "u" | "u'" => ("单位缺陷数", "Sample Count Per Unit"),
        "ewma" => ("EWMA", "EWMA"),
        "cusum" => ("累积和", "Cumulative Sum"),
        _ => ("", ""),
    };
    lang.t(zh, en).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimation_keeps_extremes_per_column() {
        let f = Frame::new((0, 0, 100, 100), (0.0, 1000.0), (0.0, 1.0));
        let xy: Vec<(f64, f64)> = (0..1000).map(|i| (i as f64, if i == 503 { 1.0 } else { 0.5 })).collect();
        let paths = decimate(&xy, &f);
        assert_eq!(paths.len(), 1);
        assert!(paths[0].len() <= 4 * 101);
        assert!(paths[0].iter().any(|&(_, y)| y == 0), "the spike survives");
    }

    #[test]
    fn pieces_cut_at_column_starts_give_the_lines_of_one_pass() {
        // 300k vertices over 700 pixels: ≈ 430 per column, pieces of 32k cut inside columns
        let n = 300_000;
        let mut rng = crate::num::testgen::Xorshift::new(0x9E37_79B9_7F4A_7C15);
        let xy: Vec<(f64, f64)> = (0..n).map(|i| ((i + 1) as f64, if i % 50_000 == 7 { f64::NAN } else { rng.uniform() })).collect();
        let f = Frame::new((0, 0, 700, 300), (0.5, n as f64 + 0.5), (0.0, 1.0));
        let at = |i: usize| xy[i];
        for range in [0..n, 12_345..n - 999] {
            let whole = columns_by_vertex(range.clone(), &at, &f);
            assert_eq!(decimate_with(range.clone(), &at, &f), paths_of(whole.iter()), "{range:?}");
        }
    }

    #[test]
    fn columns_by_search_match_columns_by_vertex() {
        let mut rng = crate::num::testgen::Xorshift::new(0x2545_F491_4F6C_DD1D);
        for case in 0..300 {
            let n = 1 + (rng.uniform() * 5000.0) as usize;
            // x with repeats and gaps, y with spikes, breaks and infinities now and then
            let mut x = 0.0;
            let xy: Vec<(f64, f64)> = (0..n)
                .map(|_| {
                    x += [0.0, 1.0, 1.0, 3.0, 0.25][(rng.uniform() * 5.0) as usize % 5];
                    let u = rng.uniform();
                    let y = if case % 3 == 0 && u < 0.01 { f64::NAN } else if case % 5 == 0 && u > 0.995 { f64::INFINITY } else { 10.0 * rng.uniform() - 5.0 };
                    (x, y)
                })
                .collect();
            let width = [7, 100, 1000][case % 3];
            let f = Frame::new((0, 0, width, 300), (0.0, x.max(1.0)), (-5.0, 5.0));
            let at = |i: usize| xy[i];
            for range in [0..n, n / 3..n, 0..n / 2] {
                assert_eq!(columns(range.clone(), &at, &f), columns_by_vertex(range.clone(), &at, &f), "case {case}, range {range:?}");
            }
        }
    }

    #[test]
    fn column_ends_where_the_column_changes() {
        let col = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3];
        for i in 0..col.len() {
            let want = (i..col.len()).find(|&k| col[k] != col[i]).unwrap_or(col.len());
            assert_eq!(column_end(i, col.len(), |k| col[k] == col[i]), want, "from {i}");
        }
    }

    #[test]
    fn step_path_merges_constant_limits() {
        let f = Frame::new((0, 0, 100, 100), (0.5, 10.5), (0.0, 1.0));
        let pts: Vec<(f64, f64)> = (1..=10).map(|i| (i as f64, 0.5)).collect();
        assert_eq!(step_path(&pts, &f).len(), 2);
    }

    #[test]
    fn large_chart_svg_stays_small() {
        use crate::dataset::Subgroups;
        use crate::spc::{variables_chart, ChartOptions};
        // 300 000 subgroups of 2, deterministic noise: thousands of test failures.
        let k = 300_000;
        let mut rng = crate::num::testgen::Xorshift::new(88172645463325252);
        let values: Vec<f64> = (0..2 * k).map(|_| rng.uniform()).collect();
        let sg = Subgroups::fixed_size("x", values, 2);
        let chart = variables_chart(&sg, &ChartOptions::new(ChartKind::XbarR)).unwrap();
        assert!(chart.violations.len() > 1000);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.svg");
        draw(&chart, &ChartStyle { title: "big".into(), lang: Lang::En }, &path).unwrap();
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size < 2_000_000, "SVG of {size} bytes");
    }
}

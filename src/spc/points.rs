//! The points of a chart panel, stored column by column.
//!
//! A chart of 2 million subgroups has 2 million points per panel; stored as one struct per
//! point (number, stage, n, value, center, limits, sigma) that is ≈ 180 MB per panel, written
//! once and read several times. Here the plotted values are one `Vec<f64>`, and the points
//! are split into [`Run`]s (consecutive point numbers inside one stage) whose lines (n,
//! center, limits, sigma) are either one number for the whole run ([`Line::Same`]) or one per
//! point ([`Line::Each`]). A [`Point`] is built on demand by [`Points::get`] and
//! [`Points::iter`]; every reader sees exactly the numbers a per-point store would hold.

use super::{CusumValues, Point};
use rayon::prelude::*;
use std::ops::Range;

/// A line of a run (n, center, sigma, or a limit): one value for all points, or one each.
#[derive(Debug, Clone, PartialEq)]
pub enum Line<T> {
    /// The same value at every point of the run.
    Same(T),
    /// One value per point of the run (index = point index − run start).
    Each(Vec<T>),
}

impl<T> Line<T> {
    /// Add the value of the next point (a run built point by point holds one per point).
    fn push(&mut self, v: T) {
        if let Line::Each(xs) = self {
            xs.push(v);
        }
    }
}

impl<T: Copy> Line<T> {
    /// The value at point `j` of the run.
    #[inline]
    pub fn at(&self, j: usize) -> T {
        match self {
            Line::Same(v) => *v,
            Line::Each(v) => v[j],
        }
    }
}

/// Points with consecutive numbers in one stage, and their lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Index (0-based, into the panel's points) of the run's first point.
    pub start: usize,
    /// Number of points.
    pub len: usize,
    /// Number (1-based chart position) of the first point; the others follow one by one.
    pub first_number: usize,
    /// Index of the points' stage in the panel's `stages`.
    pub stage: u32,
    /// Subgroup size.
    pub n: Line<f64>,
    /// Center line.
    pub center: Line<f64>,
    /// Lower control limit.
    pub lcl: Line<Option<f64>>,
    /// Upper control limit.
    pub ucl: Line<Option<f64>>,
    /// Sigma of the plotted statistic.
    pub sigma: Line<f64>,
}

impl Run {
    /// Indices of the run's points.
    pub fn indices(&self) -> Range<usize> {
        self.start..self.start + self.len
    }
}

/// The points of a panel in chart order (see the module docs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Points {
    values: Vec<f64>,
    runs: Vec<Run>,
    /// CUSUM charts only: C⁺ and C⁻ of every point.
    cusum: Option<Vec<CusumValues>>,
}

/// Which line of the points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Center line.
    Center,
    /// Lower control limit.
    Lcl,
    /// Upper control limit.
    Ucl,
    /// Sigma of the plotted statistic.
    Sigma,
    /// Subgroup size.
    N,
}

impl Points {
    /// Points from their values and runs. The runs must cover `0..values.len()` in order
    /// with increasing point numbers, and `Each` lines must have one entry per point of the run.
    pub fn from_runs(values: Vec<f64>, runs: Vec<Run>) -> Points {
        debug_assert!(runs.windows(2).all(|w| w[0].start + w[0].len == w[1].start && w[0].first_number + w[0].len <= w[1].first_number));
        debug_assert_eq!(runs.last().map_or(0, |r| r.start + r.len), values.len());
        Points { values, runs, cusum: None }
    }

    /// Points one by one (each point's lines kept as they are), for charts built point by
    /// point; runs break where the stage changes or a number is skipped.
    pub fn from_points(points: impl IntoIterator<Item = Point>) -> Points {
        let mut values = Vec::new();
        let mut runs: Vec<Run> = Vec::new();
        // the CUSUM column exists only once a point has C⁺/C⁻ (NaN before it)
        let mut cusum: Option<Vec<CusumValues>> = None;
        const NO_CUSUM: CusumValues = CusumValues { upper: f64::NAN, lower: f64::NAN };
        for p in points {
            let i = values.len();
            let extends = runs.last().is_some_and(|r| r.stage == p.stage && r.first_number + r.len == p.point);
            if !extends {
                runs.push(Run {
                    start: i,
                    len: 0,
                    first_number: p.point,
                    stage: p.stage,
                    n: Line::Each(Vec::new()),
                    center: Line::Each(Vec::new()),
                    lcl: Line::Each(Vec::new()),
                    ucl: Line::Each(Vec::new()),
                    sigma: Line::Each(Vec::new()),
                });
            }
            if let Some(r) = runs.last_mut() {
                r.len += 1;
                r.n.push(p.n);
                r.center.push(p.center);
                r.lcl.push(p.lcl);
                r.ucl.push(p.ucl);
                r.sigma.push(p.sigma);
            }
            match (p.cusum, &mut cusum) {
                (Some(c), column) => column.get_or_insert_with(|| vec![NO_CUSUM; i]).push(c),
                (None, Some(column)) => column.push(NO_CUSUM),
                (None, None) => {}
            }
            values.push(p.value);
        }
        Points { values, runs, cusum }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// No point at all.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The plotted values, in chart order.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The runs, in chart order.
    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// The run holding point index `i` (`i < len`).
    fn run_of(&self, i: usize) -> &Run {
        let r = self.runs.partition_point(|r| r.start + r.len <= i);
        &self.runs[r.min(self.runs.len().saturating_sub(1))]
    }

    /// Number (1-based chart position) of the point at index `i`.
    pub fn number(&self, i: usize) -> usize {
        let r = self.run_of(i);
        r.first_number + (i - r.start)
    }

    /// The numbers of the points at indices `range` as a function of the index: one offset
    /// when the range lies in one run (no search per point, what a long stage is), else
    /// [`Points::number`].
    pub fn numbers(&self, range: Range<usize>) -> impl Fn(usize) -> usize + Sync + '_ {
        let one_run = (!range.is_empty()).then(|| self.run_of(range.start)).filter(|r| range.end <= r.start + r.len);
        // numbers grow by at least one per point from 1, so first_number > start
        let offset = one_run.map(|r| r.first_number - r.start);
        move |i| match offset {
            Some(d) => d + i,
            None => self.number(i),
        }
    }

    /// Index of the first point whose number is at least `k` (`len` if none).
    pub fn lower_bound(&self, k: usize) -> usize {
        let r = self.runs.partition_point(|r| r.first_number + r.len <= k);
        match self.runs.get(r) {
            None => self.len(),
            Some(run) => run.start + k.saturating_sub(run.first_number),
        }
    }

    /// Index of the point numbered `k`, if there is one.
    pub fn position(&self, k: usize) -> Option<usize> {
        let i = self.lower_bound(k);
        (i < self.len() && self.number(i) == k).then_some(i)
    }

    /// The point at index `i`.
    pub fn get(&self, i: usize) -> Option<Point> {
        if i >= self.len() {
            return None;
        }
        Some(self.point_in(self.run_of(i), i))
    }

    fn point_in(&self, r: &Run, i: usize) -> Point {
        let j = i - r.start;
        Point {
            point: r.first_number + j,
            stage: r.stage,
            n: r.n.at(j),
            value: self.values[i],
            center: r.center.at(j),
            lcl: r.lcl.at(j),
            ucl: r.ucl.at(j),
            sigma: r.sigma.at(j),
            cusum: self.cusum.as_ref().map(|c| c[i]),
        }
    }

    /// The first point.
    pub fn first(&self) -> Option<Point> {
        self.get(0)
    }

    /// The last point.
    pub fn last(&self) -> Option<Point> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Every point, in chart order.
    pub fn iter(&self) -> impl Iterator<Item = Point> + Clone + '_ {
        self.iter_range(0..self.len())
    }

    /// The points of an index range, in chart order.
    pub fn iter_range(&self, range: Range<usize>) -> impl Iterator<Item = Point> + Clone + '_ {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        let first_run = self.runs.partition_point(|r| r.start + r.len <= start);
        self.runs[first_run.min(self.runs.len())..]
            .iter()
            .take_while(move |r| r.start < end)
            .flat_map(move |r| (r.start.max(start)..(r.start + r.len).min(end)).map(move |i| self.point_in(r, i)))
    }

    /// The CUSUM statistics of point `i` (`None` on other charts).
    pub fn cusum(&self, i: usize) -> Option<CusumValues> {
        self.cusum.as_ref().and_then(|c| c.get(i).copied())
    }

    /// The line `kind` at every point of `range`, as one value per run piece: (indices, line).
    fn pieces(&self, range: Range<usize>) -> impl Iterator<Item = (Range<usize>, &Run)> + '_ {
        let first_run = self.runs.partition_point(|r| r.start + r.len <= range.start);
        self.runs[first_run.min(self.runs.len())..]
            .iter()
            .take_while(move |r| r.start < range.end)
            .map(move |r| (r.start.max(range.start)..(r.start + r.len).min(range.end), r))
            .filter(|(piece, _)| !piece.is_empty())
    }

    /// The value of line `kind` that is the same at every point of `range`, judged as
    /// [`super::constant`] does (within a relative 1e-12 of the first point's value); `None`
    /// when it varies, some point has no such line, or the range is empty.
    pub fn constant_line(&self, range: Range<usize>, kind: LineKind) -> Option<f64> {
        if range.is_empty() || range.start >= self.len() {
            return None;
        }
        let first = self.line_at(range.start, kind)?;
        let tol = 1e-12 * first.abs().max(1e-300);
        let near = |x: Option<f64>| x.is_some_and(|x| (x - first).abs() <= tol);
        self.pieces(range).all(|(piece, r)| {
            let j = piece.start - r.start..piece.end - r.start;
            match kind {
                LineKind::Lcl | LineKind::Ucl => {
                    let line = if kind == LineKind::Lcl { &r.lcl } else { &r.ucl };
                    match line {
                        Line::Same(v) => near(*v),
                        Line::Each(xs) => xs[j].par_iter().with_min_len(1 << 14).all(|&x| near(x)),
                    }
                }
                _ => {
                    let line = match kind {
                        LineKind::Center => &r.center,
                        LineKind::Sigma => &r.sigma,
                        _ => &r.n,
                    };
                    match line {
                        Line::Same(v) => near(Some(*v)),
                        Line::Each(xs) => xs[j].par_iter().with_min_len(1 << 14).all(|&x| near(Some(x))),
                    }
                }
            }
        })
        .then_some(first)
    }

    /// Line `kind` at point index `i`.
    pub fn line_at(&self, i: usize, kind: LineKind) -> Option<f64> {
        let r = self.run_of(i);
        let j = i.checked_sub(r.start)?;
        match kind {
            LineKind::Center => Some(r.center.at(j)),
            LineKind::Lcl => r.lcl.at(j),
            LineKind::Ucl => r.ucl.at(j),
            LineKind::Sigma => Some(r.sigma.at(j)),
            LineKind::N => Some(r.n.at(j)),
        }
    }

    /// The finite minimum and maximum of everything a chart draws from the points: the
    /// values (or, on CUSUM charts, C⁺ and C⁻), the center and the limits. Infinite bounds
    /// when nothing is finite.
    pub fn extremes(&self, cusum: bool) -> (f64, f64) {
        let fold = |(lo, hi): (f64, f64), v: f64| if v.is_finite() { (lo.min(v), hi.max(v)) } else { (lo, hi) };
        let merge = |a: (f64, f64), b: (f64, f64)| (a.0.min(b.0), a.1.max(b.1));
        let none = (f64::INFINITY, f64::NEG_INFINITY);
        let drawn = match (cusum, &self.cusum) {
            (true, Some(c)) => c.par_iter().with_min_len(1 << 14).fold(|| none, |acc, q| fold(fold(acc, q.upper), q.lower)).reduce(|| none, merge),
            (true, None) => none,
            _ => self.values.par_iter().with_min_len(1 << 14).fold(|| none, |acc, &v| fold(acc, v)).reduce(|| none, merge),
        };
        let mut acc = drawn;
        for r in &self.runs {
            let j = 0..r.len;
            let each = |xs: &[f64]| xs.par_iter().with_min_len(1 << 14).fold(|| none, |acc, &v| fold(acc, v)).reduce(|| none, merge);
            let each_opt = |xs: &[Option<f64>]| xs.par_iter().with_min_len(1 << 14).fold(|| none, |acc, v| v.map_or(acc, |v| fold(acc, v))).reduce(|| none, merge);
            acc = merge(acc, match &r.center {
                Line::Same(v) => fold(none, *v),
                Line::Each(xs) => each(&xs[j.clone()]),
            });
            for line in [&r.lcl, &r.ucl] {
                acc = merge(acc, match line {
                    Line::Same(v) => v.map_or(none, |v| fold(none, v)),
                    Line::Each(xs) => each_opt(&xs[j.clone()]),
                });
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(point: usize, stage: u32, value: f64) -> Point {
        Point { point, stage, n: 2.0, value, center: 1.0, lcl: Some(0.0), ucl: Some(2.0 + value), sigma: 0.5, cusum: None }
    }

    #[test]
    fn from_points_round_trips_and_finds_numbers() {
        let pts = vec![pt(2, 0, 1.0), pt(3, 0, 2.0), pt(5, 1, 3.0), pt(6, 1, 4.0), pt(7, 2, 5.0)];
        let p = Points::from_points(pts.clone());
        assert_eq!(p.runs().len(), 3);
        assert_eq!(p.iter().collect::<Vec<_>>(), pts);
        assert_eq!(p.iter_range(1..4).collect::<Vec<_>>(), pts[1..4].to_vec());
        assert_eq!(p.position(5), Some(2));
        assert_eq!(p.position(4), None);
        assert_eq!(p.lower_bound(4), 2);
        assert_eq!(p.lower_bound(1), 0);
        assert_eq!(p.lower_bound(8), 5);
        assert_eq!(p.number(4), 7);
        // numbers over one run (offset) and across runs (search) agree with number()
        for range in [0..2, 2..4, 1..2, 0..5, 1..4, 3..3] {
            let f = p.numbers(range.clone());
            for i in range {
                assert_eq!(f(i), p.number(i), "index {i}");
            }
        }
        assert_eq!(p.last(), Some(pts[4].clone()));
        assert_eq!(p.constant_line(0..5, LineKind::Center), Some(1.0));
        assert_eq!(p.constant_line(0..5, LineKind::Ucl), None);
        assert_eq!(p.constant_line(4..5, LineKind::Ucl), Some(7.0));
        assert_eq!(p.extremes(false), (0.0, 7.0));
    }

    #[test]
    fn same_lines_read_like_each_lines() {
        let each = Points::from_points((1..=4).map(|i| pt(i, 0, 1.0)).map(|q| Point { ucl: Some(3.0), ..q }));
        let same = Points::from_runs(
            vec![1.0; 4],
            vec![Run {
                start: 0,
                len: 4,
                first_number: 1,
                stage: 0,
                n: Line::Same(2.0),
                center: Line::Same(1.0),
                lcl: Line::Same(Some(0.0)),
                ucl: Line::Same(Some(3.0)),
                sigma: Line::Same(0.5),
            }],
        );
        assert_eq!(each.iter().collect::<Vec<_>>(), same.iter().collect::<Vec<_>>());
        for k in [LineKind::Center, LineKind::Lcl, LineKind::Ucl, LineKind::Sigma, LineKind::N] {
            assert_eq!(each.constant_line(0..4, k), same.constant_line(0..4, k));
        }
    }
}

//! Nelson's tests for special causes, with Minitab's numbering and default parameters
//! (Nelson 1984, J. Quality Technology 16(4); Minitab "Tests for special causes"):
//!
//! | test | pattern (K) |
//! | --- | --- |
//! | 1 | 1 point beyond the control limits (3σ) |
//! | 2 | 9 points in a row on the same side of the center line |
//! | 3 | 6 points in a row, all increasing or all decreasing |
//! | 4 | 14 points in a row, alternating up and down |
//! | 5 | 2 of 3 points beyond 2σ, same side |
//! | 6 | 4 of 5 points beyond 1σ, same side |
//! | 7 | 15 points in a row within 1σ, either side |
//! | 8 | 8 points in a row beyond 1σ, either side |
//!
//! Each failure is reported at the point that completes the pattern (and at every later point
//! that still completes one). Tests 5 and 6 follow qcc's reading (CONVENTIONS.md "Violations"):
//! the completing point must itself be beyond the zone. z = (x − center)/σ of each point, so
//! varying limits are handled point by point. Tests run inside each segment (stage) and
//! restart at its boundary. The Western Electric set is tests 1, 5, 6 and 2 with K = 8.

use crate::error::{QceError, Result};
use serde::Serialize;
use std::sync::Arc;

mod masks;

/// One test failure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Violation {
    /// The point (1-based) completing the pattern.
    pub point: usize,
    /// Minitab's test number, 1–8.
    pub rule: u8,
    /// What the test detects, in English (shared by every failure of the test: an I chart of
    /// 10 million points can fail a test hundreds of thousands of times).
    pub description: Arc<str>,
    /// The same in Chinese.
    pub description_zh: Arc<str>,
}

/// Which tests to apply, each with its K.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    /// (test number, K) pairs, in test number order.
    pub tests: Vec<(u8, usize)>,
    /// True for the Western Electric set.
    pub western_electric: bool,
}

/// Minitab's default K of each test (index = test number).
const DEFAULT_K: [usize; 9] = [0, 1, 9, 6, 14, 3, 5, 15, 8];

impl RuleSet {
    /// All eight tests with Minitab's defaults.
    pub fn all() -> Self {
        RuleSet { tests: (1..=8).map(|t| (t, DEFAULT_K[t as usize])).collect(), western_electric: false }
    }
    /// Only test 1 (EWMA, CUSUM: points beyond the limits).
    pub fn only_limits() -> Self {
        RuleSet { tests: vec![(1, 1)], western_electric: false }
    }
    /// Western Electric: tests 1, 5, 6 and test 2 with K = 8 (CONVENTIONS "Violations").
    pub fn western_electric() -> Self {
        RuleSet { tests: vec![(1, 1), (2, 8), (5, 3), (6, 5)], western_electric: true }
    }
    /// Parse `--rules`: `all`, `we`, `none`, or a list such as `1,2,5`.
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "we" | "western-electric" | "western_electric" => return Ok(Self::western_electric()),
            "all" | "nelson" => return Ok(Self::all()),
            "none" | "0" => return Ok(RuleSet { tests: Vec::new(), western_electric: false }),
            _ => {}
        }
        let mut tests = Vec::new();
        for part in t.split([',', '，', ' ']).filter(|p| !p.is_empty()) {
            let n: u8 = part
                .parse()
                .ok()
                .filter(|n| (1..=8).contains(n))
                .ok_or_else(|| QceError::usage(format!("--rules: '{part}' is not a test number 1-8 (use e.g. --rules 1,2,5 or --rules we)")))?;
            if !tests.iter().any(|(m, _)| *m == n) {
                tests.push((n, DEFAULT_K[n as usize]));
            }
        }
        tests.sort();
        Ok(RuleSet { tests, western_electric: false })
    }
    /// Is test `n` applied?
    pub fn has(&self, n: u8) -> bool {
        self.tests.iter().any(|(m, _)| *m == n)
    }
}

/// Text of a test with its K, in English and Chinese.
pub fn describe(rule: u8, k: usize) -> (String, String) {
    match rule {
        1 => ("beyond the control limits (3σ)".into(), "超出 3σ 控制限".into()),
        2 => (format!("{k} points in a row on the same side of the center line"), format!("连续 {k} 点落在中心线同一侧")),
        3 => (format!("{k} points in a row, all increasing or all decreasing"), format!("连续 {k} 点递增或递减")),
        4 => (format!("{k} points in a row, alternating up and down"), format!("连续 {k} 点交替上下")),
        5 => (format!("2 of {k} points beyond 2σ, same side"), format!("连续 {k} 点中有 2 点落在中心线同一侧 2σ 以外")),
        6 => (format!("4 of {k} points beyond 1σ, same side"), format!("连续 {k} 点中有 4 点落在中心线同一侧 1σ 以外")),
        7 => (format!("{k} points in a row within 1σ, either side"), format!("连续 {k} 点落在中心线两侧 1σ 以内")),
        _ => (format!("{k} points in a row beyond 1σ, either side"), format!("连续 {k} 点落在中心线两侧 1σ 以外")),
    }
}

/// What the tests look at, point by point: the plotted values (tests 3 and 4) and a byte of
/// flags per point (the other tests): where its standardised distance from the center line
/// z = (x − center)/σ lies (tests 2, 5–8), and whether it lies beyond a drawn control limit
/// (test 1). A byte instead of z itself keeps the passes over millions of points short.
#[derive(Debug, Clone, Default)]
pub struct Series<'a> {
    /// Plotted values (borrowed from the chart's points where they can be).
    pub values: std::borrow::Cow<'a, [f64]>,
    /// Flags of each point: [`BEYOND`], [`ABOVE`], [`BELOW`], [`ABOVE_1`], [`BELOW_1`],
    /// [`ABOVE_2`], [`BELOW_2`], [`WITHIN_1`].
    pub flags: Vec<u8>,
}

/// Flag: the point lies above its UCL or below its LCL (limits not drawn cannot be crossed).
pub const BEYOND: u8 = 1;
/// Flag: z > 0.
pub const ABOVE: u8 = 2;
/// Flag: z < 0.
pub const BELOW: u8 = 4;
/// Flag: z > 1.
pub const ABOVE_1: u8 = 8;
/// Flag: z < −1.
pub const BELOW_1: u8 = 16;
/// Flag: z > 2.
pub const ABOVE_2: u8 = 32;
/// Flag: z < −2.
pub const BELOW_2: u8 = 64;
/// Flag: |z| < 1.
pub const WITHIN_1: u8 = 128;

/// The flags of one point from z and whether it is beyond a limit.
#[inline]
pub fn zone_flags(z: f64, beyond: bool) -> u8 {
    u8::from(beyond)
        | (u8::from(z > 0.0) << 1)
        | (u8::from(z < 0.0) << 2)
        | (u8::from(z > 1.0) << 3)
        | (u8::from(z < -1.0) << 4)
        | (u8::from(z > 2.0) << 5)
        | (u8::from(z < -2.0) << 6)
        | (u8::from(z.abs() < 1.0) << 7)
}

/// The flags of a point (value, center, σ, LCL, UCL).
#[inline]
fn entry(x: f64, center: f64, sigma: f64, lcl: Option<f64>, ucl: Option<f64>) -> u8 {
    entry_open(x, center, sigma, lcl.unwrap_or(f64::NEG_INFINITY), ucl.unwrap_or(f64::INFINITY))
}

/// [`entry`] with a missing limit given as ∓∞, which no value crosses (NaN crosses none).
#[inline]
fn entry_open(x: f64, center: f64, sigma: f64, lcl: f64, ucl: f64) -> u8 {
    zone_flags((x - center) / sigma, (x > ucl) | (x < lcl))
}

impl Series<'static> {
    /// The series of points given as (value, center, σ, LCL, UCL).
    pub fn from_limits(points: impl Iterator<Item = (f64, f64, f64, Option<f64>, Option<f64>)>) -> Series<'static> {
        let (values, flags): (Vec<f64>, Vec<u8>) = points.map(|(x, c, s, l, u)| (x, entry(x, c, s, l, u))).unzip();
        Series { values: values.into(), flags }
    }
}

impl<'a> Series<'a> {
    /// The series of a chart panel's points, built in parallel run by run (values borrowed):
    /// the same series as [`Series::from_limits`] of every point's (value, center, σ, LCL, UCL).
    pub fn from_points(points: &'a crate::spc::Points) -> Series<'a> {
        use crate::spc::Line;
        use rayon::prelude::*;
        const CHUNK: usize = 1 << 14;
        let values = points.values();
        let mut flags = vec![0u8; values.len()];
        for r in points.runs() {
            let xs = &values[r.indices()];
            let out = &mut flags[r.indices()];
            match (&r.center, &r.sigma, &r.lcl, &r.ucl) {
                // lines constant over the run: a tight loop per chunk
                (Line::Same(c), Line::Same(s), Line::Same(l), Line::Same(u)) => {
                    let (c, s, l, u) = (*c, *s, l.unwrap_or(f64::NEG_INFINITY), u.unwrap_or(f64::INFINITY));
                    out.par_chunks_mut(CHUNK).zip(xs.par_chunks(CHUNK)).for_each(|(o, x)| {
                        for (o, &x) in o.iter_mut().zip(x) {
                            *o = entry_open(x, c, s, l, u);
                        }
                    });
                }
                _ => out.par_iter_mut().zip(xs.par_iter()).enumerate().with_min_len(CHUNK).for_each(|(j, (o, &x))| {
                    *o = entry(x, r.center.at(j), r.sigma.at(j), r.lcl.at(j), r.ucl.at(j));
                }),
            }
        }
        Series { values: values.into(), flags }
    }
}

/// Points per job of [`apply`]: a chunk's flags and values stay in cache while every test
/// passes over them.
const APPLY_CHUNK: usize = 1 << 15;

/// Apply the rule set to each segment `[start, end)` (0-based point indices); violations come
/// back sorted by point, then rule, with 1-based point numbers.
///
/// Segments are cut into chunks that run in parallel, each with every test on bit masks of its
/// points ([`masks`]). A test at point `i` looks at most K + 1 points back (test 4: K − 2
/// changes of direction), so chunk `[c0, c1)` is tested exactly from `max(start, c0 − look)`
/// on, keeping the hits from `c0`.
pub fn apply(series: &Series, segments: &[(usize, usize)], rules: &RuleSet) -> Vec<Violation> {
    use rayon::prelude::*;
    let look = rules.tests.iter().map(|&(_, k)| k).max().unwrap_or(0) + 2;
    let jobs: Vec<(usize, usize, usize)> =
        segments.iter().flat_map(|&(a, b)| (a..b).step_by(APPLY_CHUNK).map(move |c0| (a, c0, (c0 + APPLY_CHUNK).min(b)))).collect();
    let texts: Vec<(u8, (Arc<str>, Arc<str>))> = rules.tests.iter().map(|&(r, k)| (r, texts(r, k))).collect();
    let mut tests = rules.tests.clone();
    tests.sort_unstable();
    let parts: Vec<Vec<Violation>> = jobs
        .par_iter()
        .with_max_len(1)
        .map(|&(a, c0, c1)| {
            let from = c0.saturating_sub(look).max(a);
            masks::chunk_hits(series, from, c0, c1, &tests).into_iter().map(|(i, rule)| violation(i, rule, &texts)).collect()
        })
        .collect();
    let mut out: Vec<Violation> = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        out.extend(p);
    }
    // segments come in order from the panels; any other order is sorted here
    if !out.is_sorted_by_key(|v| (v.point, v.rule)) {
        out.sort_by_key(|v| (v.point, v.rule));
        out.dedup_by_key(|v| (v.point, v.rule));
    }
    out
}

/// The violation of `rule` at point index `i`, with the rule's texts.
fn violation(i: usize, rule: u8, texts: &[(u8, (Arc<str>, Arc<str>))]) -> Violation {
    let (en, zh) = texts.iter().find(|(r, _)| *r == rule).map(|(_, t)| t.clone()).unwrap_or_default();
    Violation { point: i + 1, rule, description: en, description_zh: zh }
}

/// [`describe`] as shared strings, for [`Violation`]s.
pub fn texts(rule: u8, k: usize) -> (Arc<str>, Arc<str>) {
    let (en, zh) = describe(rule, k);
    (en.into(), zh.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The tests point by point, as Nelson and Minitab define them: the oracle of the bit-mask
    // implementation that `apply` runs.
    /// Every point `i` of `[a, b)` that ends a run of at least `need` consecutive points satisfying
    /// `cond` (a run never starts before `a`).
    fn runs(a: usize, b: usize, need: usize, rule: u8, hits: &mut Vec<(usize, u8)>, cond: impl Fn(usize) -> bool) {
        runs_from(a, a, b, need, rule, hits, cond)
    }

    /// [`runs`] where `cond` is false before `from` (and is not asked there): tests 3 and 4 look
    /// one or two points back. The count is reset without a branch (the conditions are random on
    /// noisy data and would be mispredicted half of the time).
    fn runs_from(a: usize, from: usize, b: usize, need: usize, rule: u8, hits: &mut Vec<(usize, u8)>, cond: impl Fn(usize) -> bool) {
        let from = from.clamp(a, b.max(a));
        if need == 0 {
            hits.extend((a..from).map(|i| (i, rule)));
        }
        let mut run = 0usize;
        for i in from..b {
            run = (run + 1) & usize::from(cond(i)).wrapping_neg();
            if run >= need {
                hits.push((i, rule));
            }
        }
    }

    /// Tests 5 and 6: point `i` is beyond the zone on one side (flag `up` or `down`) and at least
    /// `need` of the `k` points ending at `i` are beyond it on that side (a sliding count per side).
    #[allow(clippy::too_many_arguments)]
    fn m_of_k(flags: &[u8], a: usize, b: usize, k: usize, up_flag: u8, down_flag: u8, need: usize, rule: u8, hits: &mut Vec<(usize, u8)>) {
        let (mut up, mut down) = (0usize, 0usize);
        let (is_up, is_down) = (|f: u8| f & up_flag != 0, |f: u8| f & down_flag != 0);
        for i in a..b {
            let f = flags[i];
            up += usize::from(is_up(f));
            down += usize::from(is_down(f));
            if i >= a + k {
                // branch-free: the point leaving the window
                let out = flags[i - k];
                up -= usize::from(is_up(out));
                down -= usize::from(is_down(out));
            }
            if i + 1 >= a + k && ((is_up(f) && up >= need) || (is_down(f) && down >= need)) {
                hits.push((i, rule));
            }
        }
    }

    fn test_segment(s: &Series, a: usize, b: usize, rule: u8, k: usize, hits: &mut Vec<(usize, u8)>) {
        let (x, f) = (&s.values, &s.flags);
        match rule {
            1 => runs(a, b, 1, rule, hits, |i| f[i] & BEYOND != 0),
            2 => {
                runs(a, b, k, rule, hits, |i| f[i] & ABOVE != 0);
                runs(a, b, k, rule, hits, |i| f[i] & BELOW != 0);
            }
            // K points in a row increasing = K−1 consecutive increases.
            3 => {
                runs_from(a, a + 1, b, k - 1, rule, hits, |i| x[i] > x[i - 1]);
                runs_from(a, a + 1, b, k - 1, rule, hits, |i| x[i] < x[i - 1]);
            }
            // K points alternating = K−2 consecutive changes of direction.
            4 => runs_from(a, a + 2, b, k - 2, rule, hits, |i| (x[i] > x[i - 1] && x[i - 1] < x[i - 2]) || (x[i] < x[i - 1] && x[i - 1] > x[i - 2])),
            5 => m_of_k(f, a, b, k, ABOVE_2, BELOW_2, 2, rule, hits),
            6 => m_of_k(f, a, b, k, ABOVE_1, BELOW_1, 4, rule, hits),
            7 => runs(a, b, k, rule, hits, |i| f[i] & WITHIN_1 != 0),
            // |z| > 1: beyond 1σ on either side
            _ => runs(a, b, k, rule, hits, |i| f[i] & (ABOVE_1 | BELOW_1) != 0),
        }
    }

    fn run(values: &[f64], rules: &RuleSet) -> Vec<(usize, u8)> {
        let n = values.len();
        let series = Series::from_limits(values.iter().map(|&x| (x, 0.0, 1.0, Some(-3.0), Some(3.0))));
        apply(&series, &[(0, n)], rules).into_iter().map(|v| (v.point, v.rule)).collect()
    }

    #[test]
    fn test1_beyond_limits() {
        assert_eq!(run(&[0.0, 3.5, -0.2, -3.1], &RuleSet::parse("1").unwrap()), vec![(2, 1), (4, 1)]);
    }

    #[test]
    fn test2_nine_on_one_side_flags_ninth_and_later() {
        let v = [0.5; 10];
        assert_eq!(run(&v, &RuleSet::parse("2").unwrap()), vec![(9, 2), (10, 2)]);
        assert_eq!(run(&v, &RuleSet::western_electric()), vec![(8, 2), (9, 2), (10, 2)]);
    }

    #[test]
    fn test3_six_increasing() {
        let v = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.4];
        assert_eq!(run(&v, &RuleSet::parse("3").unwrap()), vec![(6, 3)]);
    }

    #[test]
    fn test4_fourteen_alternating() {
        let v: Vec<f64> = (0..14).map(|i| if i % 2 == 0 { 0.1 } else { -0.1 }).collect();
        assert_eq!(run(&v, &RuleSet::parse("4").unwrap()), vec![(14, 4)]);
        assert!(run(&v[..13], &RuleSet::parse("4").unwrap()).is_empty());
    }

    #[test]
    fn test5_point_itself_must_be_beyond() {
        // 2.5, 2.5 -> flag at 2? Window needs 3 points: flag at point 3 only if point 3 beyond
        let v = [0.0, 2.5, 2.5, 0.0];
        assert_eq!(run(&v, &RuleSet::parse("5").unwrap()), vec![(3, 5)]);
        let v = [2.5, 0.0, 2.5, 0.0];
        assert_eq!(run(&v, &RuleSet::parse("5").unwrap()), vec![(3, 5)]);
        let v = [2.5, 2.5, 0.0];
        assert!(run(&v, &RuleSet::parse("5").unwrap()).is_empty());
        let v = [0.0, 2.5, -2.5];
        assert!(run(&v, &RuleSet::parse("5").unwrap()).is_empty());
    }

    #[test]
    fn test6_four_of_five() {
        let v = [1.5, 1.5, 0.0, 1.5, 1.5, 0.0];
        assert_eq!(run(&v, &RuleSet::parse("6").unwrap()), vec![(5, 6)]);
    }

    #[test]
    fn test7_and_8() {
        let v = [0.1; 15];
        assert_eq!(run(&v, &RuleSet::parse("7").unwrap()), vec![(15, 7)]);
        let v = [1.5, -1.5, 1.5, -1.5, 1.5, -1.5, 1.5, -1.5];
        assert_eq!(run(&v, &RuleSet::parse("8").unwrap()), vec![(8, 8)]);
    }

    #[test]
    fn tests_restart_at_segment_boundaries() {
        let v = [0.5; 10];
        let series = Series::from_limits(v.iter().map(|&x| (x, 0.0, 1.0, None, None)));
        assert!(apply(&series, &[(0, 5), (5, 10)], &RuleSet::parse("2").unwrap()).is_empty());
    }

    /// The sliding-window tests 5 and 6 against a direct count of every window.
    #[test]
    fn m_of_k_matches_a_direct_count() {
        let mut rng = crate::num::testgen::Xorshift::new(0x2545_F491_4F6C_DD1D);
        let z: Vec<f64> = (0..3000).map(|_| (rng.uniform() - 0.5) * 6.0).collect();
        let flags: Vec<u8> = z.iter().map(|&z| zone_flags(z, false)).collect();
        for (rule, k, zone, need, up, down) in [(5u8, 3usize, 2.0, 2usize, ABOVE_2, BELOW_2), (6, 5, 1.0, 4, ABOVE_1, BELOW_1)] {
            for (a, b) in [(0, 3000), (17, 1000), (5, 7)] {
                let mut fast = Vec::new();
                m_of_k(&flags, a, b, k, up, down, need, rule, &mut fast);
                let mut direct = Vec::new();
                for i in (a + k - 1)..b {
                    for sign in [1.0, -1.0] {
                        let beyond = |j: usize| sign * z[j] > zone;
                        if beyond(i) && (i + 1 - k..=i).filter(|&j| beyond(j)).count() >= need {
                            direct.push((i, rule));
                        }
                    }
                }
                assert_eq!(fast, direct, "rule {rule} on [{a}, {b})");
            }
        }
    }

    /// Every (segment, test) pass over whole segments, sorted: what [`apply`] must give.
    fn unchunked(series: &Series, segments: &[(usize, usize)], rules: &RuleSet) -> Vec<(usize, u8)> {
        let mut hits = Vec::new();
        for &(a, b) in segments {
            for &(rule, k) in &rules.tests {
                test_segment(series, a, b, rule, k, &mut hits);
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter().map(|(i, r)| (i + 1, r)).collect()
    }

    #[test]
    fn chunked_bit_masks_give_the_hits_of_the_point_by_point_tests() {
        // a slow random walk with noise (long runs, trends, alternations), long patterns laid
        // across chunk boundaries, and segments that start and end inside chunks
        let n = 3 * APPLY_CHUNK + 77;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut walk = 0.0f64;
        let mut values: Vec<f64> = (0..n)
            .map(|_| {
                walk = 0.98 * walk + 0.6 * (uniform() - 0.5);
                walk + 1.2 * (uniform() - 0.5)
            })
            .collect();
        for (j, v) in values[APPLY_CHUNK - 9..APPLY_CHUNK + 9].iter_mut().enumerate() {
            *v = 0.01 * j as f64 + 0.5; // increasing, one side, within 1σ
        }
        for (j, v) in values[2 * APPLY_CHUNK - 8..2 * APPLY_CHUNK + 8].iter_mut().enumerate() {
            *v = if j % 2 == 0 { 1.5 } else { -1.5 }; // alternating, beyond 1σ
        }
        // unplotted points (an R chart's subgroups of one) are NaN: no flag, no direction
        for v in values.iter_mut().step_by(997) {
            *v = f64::NAN;
        }
        let series = Series::from_limits(values.iter().map(|&x| (x, 0.0, 1.0, Some(-3.0), Some(3.0))));
        let we = RuleSet::western_electric();
        for segments in [vec![(0, n)], vec![(0, APPLY_CHUNK - 3), (APPLY_CHUNK - 3, 2 * APPLY_CHUNK + 5), (2 * APPLY_CHUNK + 5, n)], vec![(7, 20), (20, n - 1)]] {
            for rules in [&RuleSet::all(), &we] {
                let got: Vec<(usize, u8)> = apply(&series, &segments, rules).into_iter().map(|v| (v.point, v.rule)).collect();
                let want = unchunked(&series, &segments, rules);
                assert!(want.len() > 1000, "the data must fail the tests often ({})", want.len());
                assert_eq!(got, want, "segments {segments:?}");
            }
        }
    }

    #[test]
    fn missing_limits_are_never_crossed() {
        for x in [f64::INFINITY, f64::NEG_INFINITY, 1e308, f64::NAN] {
            assert_eq!(entry(x, 0.0, 1.0, None, None) & BEYOND, 0);
        }
        assert_eq!(entry(4.0, 0.0, 1.0, None, Some(3.0)) & BEYOND, BEYOND);
        assert_eq!(entry(-4.0, 0.0, 1.0, Some(-3.0), None) & BEYOND, BEYOND);
        assert_eq!(entry(3.0, 0.0, 1.0, Some(-3.0), Some(3.0)) & BEYOND, 0);
    }

    #[test]
    fn parse_rules() {
        assert_eq!(RuleSet::parse("1,2,5").unwrap().tests, vec![(1, 1), (2, 9), (5, 3)]);
        assert!(RuleSet::parse("9").is_err());
        assert!(RuleSet::parse("we").unwrap().western_electric);
    }
}

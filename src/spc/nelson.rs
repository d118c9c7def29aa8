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

/// One test failure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Violation {
    /// The point (1-based) completing the pattern.
    pub point: usize,
    /// Minitab's test number, 1–8.
    pub rule: u8,
    /// What the test detects, in English.
    pub description: String,
    /// The same in Chinese.
    pub description_zh: String,
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

/// What the tests look at, point by point.
pub struct Series<'a> {
    /// Plotted values.
    pub values: &'a [f64],
    /// Center line of each point.
    pub center: &'a [f64],
    /// Sigma of the plotted statistic at each point (zone width).
    pub sigma: &'a [f64],
    /// Lower limit of each point (test 1), if any.
    pub lcl: &'a [Option<f64>],
    /// Upper limit of each point (test 1), if any.
    pub ucl: &'a [Option<f64>],
}

/// Apply the rule set to each segment `[start, end)` (0-based point indices); violations come
/// back sorted by point, then rule, with 1-based point numbers.
pub fn apply(series: &Series, segments: &[(usize, usize)], rules: &RuleSet) -> Vec<Violation> {
    let mut hits: Vec<(usize, u8)> = Vec::new();
    for &(a, b) in segments {
        for &(rule, k) in &rules.tests {
            test_segment(series, a, b, rule, k, &mut hits);
        }
    }
    hits.sort_unstable();
    hits.dedup();
    let texts: Vec<(u8, (String, String))> = rules.tests.iter().map(|&(r, k)| (r, describe(r, k))).collect();
    hits.into_iter()
        .map(|(i, rule)| {
            let (en, zh) = texts.iter().find(|(r, _)| *r == rule).map(|(_, t)| t.clone()).unwrap_or_default();
            Violation { point: i + 1, rule, description: en, description_zh: zh }
        })
        .collect()
}

fn test_segment(s: &Series, a: usize, b: usize, rule: u8, k: usize, hits: &mut Vec<(usize, u8)>) {
    let z = |i: usize| (s.values[i] - s.center[i]) / s.sigma[i];
    let mut runs = |cond: &dyn Fn(usize) -> bool, need: usize| {
        let mut run = 0usize;
        for i in a..b {
            run = if cond(i) { run + 1 } else { 0 };
            if run >= need {
                hits.push((i, rule));
            }
        }
    };
    match rule {
        // Test 1: beyond the limits actually drawn (clipped limits cannot be crossed).
        1 => runs(&|i| s.ucl[i].is_some_and(|u| s.values[i] > u) || s.lcl[i].is_some_and(|l| s.values[i] < l), 1),
        2 => {
            runs(&|i| z(i) > 0.0, k);
            runs(&|i| z(i) < 0.0, k);
        }
        // K points in a row increasing = K−1 consecutive increases.
        3 => {
            runs(&|i| i > a && s.values[i] > s.values[i - 1], k - 1);
            runs(&|i| i > a && s.values[i] < s.values[i - 1], k - 1);
        }
        // K points alternating = K−2 consecutive sign changes of the differences.
        4 => runs(&|i| i >= a + 2 && (s.values[i] - s.values[i - 1]) * (s.values[i - 1] - s.values[i - 2]) < 0.0, k - 2),
        5 | 6 => {
            let (zone, need) = if rule == 5 { (2.0, 2) } else { (1.0, 4) };
            for i in (a + k - 1)..b {
                for sign in [1.0, -1.0] {
                    let beyond = |j: usize| sign * z(j) > zone;
                    if beyond(i) && (i + 1 - k..=i).filter(|&j| beyond(j)).count() >= need {
                        hits.push((i, rule));
                    }
                }
            }
        }
        7 => runs(&|i| z(i).abs() < 1.0, k),
        _ => runs(&|i| z(i).abs() > 1.0, k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(values: &[f64], rules: &RuleSet) -> Vec<(usize, u8)> {
        let n = values.len();
        let (c, s) = (vec![0.0; n], vec![1.0; n]);
        let (l, u) = (vec![Some(-3.0); n], vec![Some(3.0); n]);
        let series = Series { values, center: &c, sigma: &s, lcl: &l, ucl: &u };
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
        let (c, s) = (vec![0.0; 10], vec![1.0; 10]);
        let (l, u) = (vec![None; 10], vec![None; 10]);
        let series = Series { values: &v, center: &c, sigma: &s, lcl: &l, ucl: &u };
        assert!(apply(&series, &[(0, 5), (5, 10)], &RuleSet::parse("2").unwrap()).is_empty());
    }

    #[test]
    fn parse_rules() {
        assert_eq!(RuleSet::parse("1,2,5").unwrap().tests, vec![(1, 1), (2, 9), (5, 3)]);
        assert!(RuleSet::parse("9").is_err());
        assert!(RuleSet::parse("we").unwrap().western_electric);
    }
}

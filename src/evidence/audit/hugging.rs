//! Data hugging the center line: Nelson's test 7 (15 points in a row within 1σ of the
//! center line), judged by how unlikely its longest run is for the stage's length.
//!
//! Nelson's test 7 alone fires often on honest data: for an in-control normal process a
//! point is within 1σ with probability 0.6827, and a run of 15 somewhere in 200 points has
//! probability ≈ 0.2. So the test (from `crate::spc`, the one implementation of the Nelson
//! tests) finds the runs, and the flag requires the longest run to be improbable for the
//! stage's length: P(longest run ≥ L | n, 0.6827) ≤ 0.001, computed exactly by a Markov
//! chain on the current run length (Feller 1968, vol. 1 §XIII.7).

use super::{capped, flag, fmt_p, result, sigma_mr, stage_prefix, AuditData, CheckStatus, Outcome, Severity, StageData, Text};

/// P(|Z| < 1) for a normal variable: the chance a point lies within 1σ.
const P_WITHIN: f64 = 0.682_689_492_137_085_9;
/// Flag when the longest run is this improbable for the stage's length.
const ALPHA: f64 = 1e-3;
/// Fewest values in a stage: Nelson's test 7 needs 15 in a row.
const MIN_STAGE: usize = 15;

/// P(a run of at least `len` successes among `n` Bernoulli(`p`) trials).
///
/// The chain of "no run of `len` yet, current run k" (Feller, *An Introduction to Probability
/// Theory* vol. 1, §XIII.7, success runs) in O(n): the chance of "current run k" after trial t
/// is z(t − k)·pᵏ, z(t) being the chance of "current run 0" after trial t, so only the last
/// `len` values of z are kept. With A(t) the chance a run was completed by trial t:
/// z(t + 1) = (1 − A(t))(1 − p) and A(t + 1) = A(t) + z(t + 1 − len)·p^len; z(0) = 1, A(0) = 0.
pub(crate) fn prob_run_at_least(n: usize, len: usize, p: f64) -> f64 {
    if len == 0 {
        return 1.0;
    }
    if len > n {
        return 0.0;
    }
    let p_len = p.powi(i32::try_from(len).unwrap_or(i32::MAX));
    // z(t) in slot t mod len: the slot about to take z(t + 1) holds z(t + 1 − len)
    let mut z = vec![0.0f64; len];
    z[0] = 1.0;
    let mut absorbed = 0.0f64;
    for t in 0..n {
        let slot = (t + 1) % len;
        let next = (1.0 - absorbed) * (1.0 - p);
        absorbed += z[slot] * p_len;
        z[slot] = next;
    }
    absorbed.clamp(0.0, 1.0)
}

/// Runs of points within 1σ of the center found by Nelson's test 7 (`crate::spc::nelson`):
/// (first index, length). The test reports each point completing a run of 15, so a run of
/// L ≥ 15 points shows as L − 14 consecutive flagged points.
fn nelson7_runs(values: &[f64], center: f64, sigma: f64) -> Vec<(usize, usize)> {
    use crate::spc::nelson::{apply, RuleSet, Series};
    const K: usize = 15;
    let n = values.len();
    let series = Series::from_limits(values.iter().map(|&x| (x, center, sigma, None, None)));
    let rules = RuleSet { tests: vec![(7, K)], western_electric: false };
    let points: Vec<usize> = apply(&series, &[(0, n)], &rules).into_iter().filter(|v| v.rule == 7).map(|v| v.point).collect();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for p in points {
        // p is 1-based; the run ending at p started at p − K (0-based).
        match runs.last_mut() {
            Some((start, len)) if *start + *len == p - 1 => *len += 1,
            _ => runs.push((p - K, K)),
        }
    }
    runs
}

/// The chance a point is within 1σ, for the run-length probability: the share of the stage's
/// other points (outside the run) within 1σ, but never below the normal's 0.6827. A skewed
/// process keeps more points within mean ± 1σ (lognormal with σ_ln = 0.6: 0.80), which makes
/// long runs common without any hugging; the run itself is left out so that it does not
/// excuse itself. Fewer than 30 other points: the normal's value.
fn within_share_outside_run(values: &[f64], center: f64, sigma: f64, start: usize, len: usize) -> f64 {
    let others: Vec<f64> = values.iter().enumerate().filter(|(i, _)| *i < start || *i >= start + len).map(|(_, &x)| x).collect();
    if others.len() < 30 {
        return P_WITHIN;
    }
    let within = others.iter().filter(|&&x| (x - center).abs() < sigma).count() as f64 / others.len() as f64;
    within.max(P_WITHIN)
}

/// Test each stage: center = stage mean, σ = MR̄/d2 (as an individuals chart).
pub(crate) fn check(stages: &[StageData], data: &AuditData, out: &mut Outcome) {
    for st in stages {
        test(st, data, out);
    }
}

fn test(st: &StageData, data: &AuditData, out: &mut Outcome) {
    let mut c = result(
        "center_hugging",
        &st.name,
        Text::new("数据紧贴中心线（Nelson 检验 7）", "Data hugging the center line (Nelson test 7)"),
        Text::new("最长的 1σ 内连续点串在该长度下出现的概率 ≤ 0.001 时提示", "flag when the longest run within 1σ has probability ≤ 0.001 for the stage's length"),
    );
    c.n = st.values.len();
    if st.values.len() < MIN_STAGE {
        c.status = CheckStatus::NotEnoughData;
        c.note = Text::new("阶段数据少于 15 个", "fewer than 15 values in the stage");
        out.checks.push(c);
        return;
    }
    let center = crate::num::mean(&st.values);
    let sigma = sigma_mr(&st.values).unwrap_or(0.0);
    if sigma <= 0.0 {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("移动极差为 0", "zero moving range");
        out.checks.push(c);
        return;
    }
    let runs = nelson7_runs(&st.values, center, sigma);
    let Some(&(start, len)) = runs.iter().max_by_key(|r| r.1) else {
        c.count = Some(0);
        c.note = Text::new("没有 15 个连续点落在 1σ 内", "no 15 points in a row within 1σ");
        out.checks.push(c);
        return;
    };
    let n = st.values.len();
    let p_within = within_share_outside_run(&st.values, center, sigma, start, len);
    let p = prob_run_at_least(n, len, p_within);
    c.count = Some(runs.len());
    c.statistic = Some(len as f64);
    c.p_value = Some(p);
    if p > ALPHA {
        c.note = Text::new(
            format!("最长 {len} 点在 1σ 内，对 {n} 个点并不罕见（{}）", fmt_p(p)),
            format!("longest run of {len} within 1σ is not unusual for {n} points ({})", fmt_p(p)),
        );
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("{len} 个连续点在 1σ 内（{}）", fmt_p(p)), format!("{len} points in a row within 1σ ({})", fmt_p(p)));
    out.checks.push(c);
    let idx: Vec<usize> = st.idx[start..start + len].to_vec();
    let range = format!("{}:{}", data.cell(idx[0]), data.cell(idx[len - 1]));
    let mut f = flag("center_hugging", "center_hugging", if p <= 1e-6 { Severity::High } else { Severity::Medium }, &st.name);
    f.statistic = Some(len as f64);
    f.p_value = Some(p);
    f.count = Some(len);
    f.numbers.insert("run_length", len as f64);
    f.numbers.insert("center", center);
    f.numbers.insert("sigma", sigma);
    f.numbers.insert("points_in_stage", n as f64);
    f.numbers.insert("share_within_1sigma_elsewhere", p_within);
    f.cells = vec![range.clone()];
    f.rows = capped(&idx.iter().map(|&i| data.row(i)).collect::<Vec<_>>());
    let (pz, pe) = stage_prefix(&st.name);
    f.explanation = Text::new(
        format!("{pz}{range} 共 {len} 个连续点都在中心线 ±1σ 内（中心 {}，σ = {}，由移动极差估计）；对 {n} 个点的受控过程，出现这么长的点串的概率为 {}。", super::f4(center), super::f4(sigma), fmt_p(p)),
        format!("{pe}{len} consecutive points in {range} all lie within ±1σ of the center line (center {}, σ = {} from the moving range); for {n} points of an in-control process a run this long has {}.", super::f4(center), super::f4(sigma), fmt_p(p)),
    );
    f.question = Text::new(
        "这段数据是否来自不同的数据流混合（分层），或经过平均、筛选？原始单次读数能否提供？",
        "Do these values mix several streams (stratification), or were they averaged or selected? Can the single original readings be shown?",
    );
    out.flags.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_probability_small_cases() {
        // n = 2, len = 2: both successes.
        assert!((prob_run_at_least(2, 2, 0.5) - 0.25).abs() < 1e-15);
        // n = 3, len = 2, p = 1/2: HHx, THH → 1/4 + 1/8 = 3/8.
        assert!((prob_run_at_least(3, 2, 0.5) - 0.375).abs() < 1e-15);
        assert_eq!(prob_run_at_least(5, 6, 0.9), 0.0);
        // Single run of 15 in 15 trials.
        assert!((prob_run_at_least(15, 15, P_WITHIN) - P_WITHIN.powi(15)).abs() < 1e-15);
    }

    /// The chain step by step, every state kept (O(n·len)): what the O(n) form must give.
    fn run_chain(n: usize, len: usize, p: f64) -> f64 {
        let mut state = vec![0.0f64; len];
        state[0] = 1.0;
        let mut absorbed = 0.0f64;
        for _ in 0..n {
            let mut next = vec![0.0f64; len];
            for (k, &s) in state.iter().enumerate() {
                next[0] += s * (1.0 - p);
                if k + 1 == len {
                    absorbed += s * p;
                } else {
                    next[k + 1] += s * p;
                }
            }
            state = next;
        }
        absorbed
    }

    #[test]
    fn run_probability_is_the_chain_of_states() {
        for &(n, len) in &[(1, 1), (2, 1), (10, 3), (40, 15), (200, 15), (1000, 7), (3000, 25), (500, 499), (500, 500)] {
            for &p in &[0.05, 0.5, P_WITHIN, 0.9, 0.99] {
                let (fast, chain) = (prob_run_at_least(n, len, p), run_chain(n, len, p));
                assert!((fast - chain).abs() <= 1e-12 * chain.max(1e-300) + 1e-15, "n {n} len {len} p {p}: {fast} vs {chain}");
            }
        }
    }

    #[test]
    fn runs_from_nelson7_points() {
        let mut v = vec![3.0, -3.0];
        v.extend(std::iter::repeat_n(0.1, 20));
        v.extend([3.0, -3.0]);
        v.extend(std::iter::repeat_n(-0.2, 15));
        assert_eq!(nelson7_runs(&v, 0.0, 1.0), vec![(2, 20), (24, 15)]);
        assert!(nelson7_runs(&v[..16], 0.0, 1.0).is_empty());
    }

    #[test]
    fn nelson7_alone_fires_often_on_honest_data() {
        // Why the extra probability step is needed: ≈ 0.2 for 200 points.
        let p = prob_run_at_least(200, 15, P_WITHIN);
        assert!(p > 0.1 && p < 0.4, "{p}");
    }
}

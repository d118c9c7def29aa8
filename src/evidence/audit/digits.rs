//! Terminal-digit preference: are the last recorded digits as even as readings of the process
//! would make them? Uniform when the spread covers many units of the last digit; when it covers
//! only a few, the digits expected from a normal fitted to each stage.

use super::{capped, flag, fmt_p, result, stage_prefix, AuditData, CheckStatus, Outcome, Resolution, Severity, StageData, Text};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// Fewest values tested: 50, and at least 5 expected per digit (Cochran's rule for the χ²
/// approximation; 10 digits × 5 = 50).
const MIN_N: usize = 50;
/// Significance level: 0.001. The audit runs a dozen checks; at 0.001 each, honest data
/// raises a flag from this check in about 1 run in 1000 (a few in 1000 with stages).
const ALPHA: f64 = 0.001;
/// Smallest effect flagged: Cohen's w = √(χ²/n) ≥ 0.1 ("small", Cohen 1988 §7.2), so that
/// with many thousands of values a negligible unevenness (an instrument's converter, a
/// process not quite normal) is not flagged as a recording habit.
const MIN_W: f64 = 0.1;
/// Last digits are uniform when the spread covers the digit's cycle of 10 units: the Fourier
/// coefficient of a normal density at period P = 10 units is exp(−2π²σ²/P²), 0.007 at σ = 5
/// units (a negligible χ² non-centrality, ≈ 10⁻⁴·n). From σ = 5 units the expected digits are
/// uniform. σ here is the narrowest of the stage's sd and its two semi-deviations about the
/// median (√mean((x − Q2)²) over each half): a skewed process is steep on one side, and that
/// side decides how even the digits are (lognormal data with sd = 6 units and skewness 2 gave
/// uneven digits at w ≈ 0.4 when judged by the sd alone).
const UNIFORM_SIGMA_UNITS: f64 = 5.0;
/// Between 3 and 5 units the digits are expected uneven, as the fitted normal predicts
/// (coefficient 0.17 at σ = 3), but only for stages that look normal (|skewness| ≤ 0.5 and
/// |excess kurtosis| ≤ 1): the expectation hangs on the shape. Otherwise, and below 3 units,
/// the test is not applicable.
const MIN_SIGMA_UNITS: f64 = 3.0;
/// Shape limits for the fitted-normal expectation.
const MAX_ABS_SKEW: f64 = 0.5;
const MAX_ABS_KURT: f64 = 1.0;

/// One stage's fitted normal, its narrowest spread and its shape.
#[derive(Clone, Copy)]
struct Component {
    n: usize,
    mean: f64,
    sd: f64,
    /// min(sd, lower and upper semi-deviations about the median).
    sigma_narrow: f64,
    /// Looks normal enough for the fitted-normal expectation.
    normal_shape: bool,
}

fn component(st: &StageData) -> Option<Component> {
    if st.values.len() < 4 {
        return None;
    }
    let s = crate::describe::summarize(&st.values, 0);
    let (mean, sd) = (s.mean?, s.sd?);
    let median = crate::num::median(&st.values);
    // Semi-deviations about the median: for a normal each estimates σ (the half-normal's
    // second moment); a skewed process is narrow on its steep side.
    let semi = |keep: &dyn Fn(f64) -> bool| {
        let d: Vec<f64> = st.values.iter().copied().filter(|&x| keep(x)).map(|x| (x - median).powi(2)).collect();
        if d.is_empty() { 0.0 } else { (crate::num::sum(&d) / d.len() as f64).sqrt() }
    };
    let sigma_narrow = sd.min(semi(&|x| x <= median)).min(semi(&|x| x >= median));
    let normal_shape = s.skewness.is_some_and(|g| g.abs() <= MAX_ABS_SKEW) && s.kurtosis.is_some_and(|k| k.abs() <= MAX_ABS_KURT);
    Some(Component { n: st.values.len(), mean, sd, sigma_narrow, normal_shape })
}

/// χ² test of the last recorded digit, on all the data and on each stage (when there are two
/// or more). The spread condition uses each stage's standard deviation (the marginal spread
/// is what evens out the digits).
pub(crate) fn check(stages: &[StageData], res: Option<&Resolution>, data: &AuditData, out: &mut Outcome) {
    let comps: Vec<Component> = stages.iter().filter_map(component).collect();
    // the stages' rows, in row order, each once
    let mut all: Vec<usize> = stages.iter().flat_map(|s| s.idx.iter().copied()).collect();
    if stages.len() > 1 {
        all.sort_unstable();
        all.dedup();
    }
    let before = out.flags.len();
    test(&None, &all, &comps, res, data, out);
    let whole_flagged = out.flags.len() > before;
    if stages.len() >= 2 {
        let mut flagged_stages = Vec::new();
        for s in stages {
            let n_flags = out.flags.len();
            let comp: Vec<Component> = component(s).into_iter().collect();
            test(&s.name, &s.idx, &comp, res, data, out);
            // One flag for a habit seen in all the data; the stage checks stay in `checks`.
            if whole_flagged && out.flags.len() > n_flags {
                out.flags.truncate(n_flags);
                flagged_stages.extend(s.name.clone());
            }
        }
        if let (Some(f), false) = (out.flags.get_mut(before), flagged_stages.is_empty()) {
            f.explanation.zh.push_str(&format!("分阶段检验同样显著：{}。", flagged_stages.join("、")));
            f.explanation.en.push_str(&format!(" Also significant within stages: {}.", flagged_stages.join(", ")));
        }
    }
}

/// Expected share of each supported digit: uniform, or from the fitted normals (the mass of
/// each grid cell, summed by last digit, mixed by stage size).
fn expected_shares(support: &[u8], comps: &[Component], res: &Resolution, uniform: bool) -> Vec<f64> {
    if uniform {
        return vec![1.0 / support.len() as f64; support.len()];
    }
    let unit = 10f64.powi(res.exponent);
    let step = res.step as i64;
    let mut mass = [0.0f64; 10];
    let total: f64 = comps.iter().map(|c| c.n as f64).sum();
    for c in comps {
        let Ok(normal) = Normal::new(c.mean, c.sd) else { continue };
        let lo = ((c.mean - 9.0 * c.sd) / unit / step as f64).floor() as i64;
        let hi = ((c.mean + 9.0 * c.sd) / unit / step as f64).ceil() as i64;
        for j in lo..=hi {
            let k = j * step;
            let cell = normal.cdf((k as f64 + step as f64 / 2.0) * unit) - normal.cdf((k as f64 - step as f64 / 2.0) * unit);
            mass[(k.rem_euclid(10)) as usize] += cell * c.n as f64 / total;
        }
    }
    let shares: Vec<f64> = support.iter().map(|&d| mass[d as usize]).collect();
    let sum: f64 = shares.iter().sum();
    shares.iter().map(|s| s / sum).collect()
}

fn test(stage: &Option<String>, idx: &[usize], comps: &[Component], res: Option<&Resolution>, data: &AuditData, out: &mut Outcome) {
    let mut c = result(
        "terminal_digit",
        stage,
        Text::new("末位数字偏好（χ² 拟合优度检验）", "Terminal-digit preference (χ² goodness of fit)"),
        Text::new(
            "χ² 检验或“0 与 5”占比的二项检验（Bonferroni 各 0.0005）显著且效应量 w ≥ 0.1 时提示；需 n ≥ 50、σ ≥ 3 个末位单位（σ ≥ 5 时期望均匀，否则按拟合正态）",
            "flag when the χ² test or the binomial test of the 0-and-5 share is significant (Bonferroni, 0.0005 each) with effect w ≥ 0.1; needs n ≥ 50 and σ ≥ 3 last-digit units (uniform expected from σ ≥ 5, else the fitted normal's digits)",
        ),
    );
    c.n = idx.len();
    let Some(res) = res else {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("数值像是计算所得，无法确定记录的末位（给出 --resolution）", "values look computed; the recorded last digit is unknown (give --resolution)");
        out.checks.push(c);
        return;
    };
    let support = res.digit_support();
    let k = support.len();
    if k < 2 {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("分辨力网格上末位只有一种取值", "the last digit can take one value only on this grid");
        out.checks.push(c);
        return;
    }
    let digits: Vec<(usize, u8)> = idx.iter().map(|&i| (i, res.last_digit(data.values[i]))).filter(|(_, d)| support.contains(d)).collect();
    let n = digits.len();
    c.n = n;
    if n < MIN_N.max(5 * k) {
        c.status = CheckStatus::NotEnoughData;
        c.note = Text::new(format!("需要至少 {} 个数值，现有 {n} 个", MIN_N.max(5 * k)), format!("needs at least {} values, has {n}", MIN_N.max(5 * k)));
        out.checks.push(c);
        return;
    }
    let unit = 10f64.powi(res.exponent);
    let sigma_units = comps.iter().map(|c| c.sigma_narrow / unit).fold(f64::INFINITY, f64::min);
    let sigma_units = if sigma_units.is_finite() { sigma_units } else { 0.0 };
    let uniform = sigma_units >= UNIFORM_SIGMA_UNITS;
    let fitted = !uniform && sigma_units >= MIN_SIGMA_UNITS && comps.iter().all(|c| c.normal_shape);
    if !uniform && !fitted {
        c.status = CheckStatus::NotApplicable;
        c.note = if sigma_units >= MIN_SIGMA_UNITS {
            Text::new(
                format!("σ 仅为 {sigma_units:.1} 个末位单位且分布明显偏离正态，末位数字的期望分布无法可靠确定"),
                format!("σ is only {sigma_units:.1} last-digit units and the data are clearly not normal: the expected digits cannot be set reliably"),
            )
        } else {
            Text::new(
                format!("σ 仅为 {sigma_units:.1} 个末位单位，末位数字的期望分布取决于过程分布的确切形状"),
                format!("σ is only {sigma_units:.1} last-digit units: the expected digits depend on the exact shape of the process"),
            )
        };
        out.checks.push(c);
        return;
    }
    let shares = expected_shares(&support, comps, res, uniform);
    let expected: Vec<f64> = shares.iter().map(|s| s * n as f64).collect();
    if expected.iter().any(|&e| !(e >= 1.0)) {
        c.status = CheckStatus::NotEnoughData;
        c.note = Text::new("某些末位数字的期望频数小于 1", "some digits have an expected count below 1");
        out.checks.push(c);
        return;
    }
    let counts: Vec<usize> = support.iter().map(|d| digits.iter().filter(|(_, x)| x == d).count()).collect();
    // Pearson's χ² goodness of fit (Agresti 2013 §1.5.2).
    let chi2: f64 = counts.iter().zip(&expected).map(|(&o, &e)| (o as f64 - e).powi(2) / e).sum();
    let df = (k - 1) as f64;
    let p_chi2 = ChiSquared::new(df).map(|d| d.sf(chi2)).unwrap_or(f64::NAN);
    let w_chi2 = (chi2 / n as f64).sqrt();
    let round = round_digits(&support, &counts, &shares, n);
    // Two tests of one question: Bonferroni (each at α/2) when the round-number test applies.
    let tests = if round.is_some() { 2.0 } else { 1.0 };
    let hit_chi2 = p_chi2 * tests < ALPHA && w_chi2 >= MIN_W;
    let hit_round = round.is_some_and(|r| r.p * tests < ALPHA && r.w >= MIN_W);
    let p = (p_chi2.min(round.map_or(1.0, |r| r.p)) * tests).min(1.0);
    let w = if hit_round && !hit_chi2 { round.map_or(w_chi2, |r| r.w) } else { w_chi2 };
    c.statistic = Some(chi2);
    c.df = Some(df);
    c.p_value = Some(p);
    if !(hit_chi2 || hit_round) {
        c.note = if uniform {
            Text::new(format!("末位数字分布与均匀无显著差异（{}）", fmt_p(p)), format!("last digits consistent with uniform ({})", fmt_p(p)))
        } else {
            Text::new(format!("末位数字与拟合正态的预期相符（{}）", fmt_p(p)), format!("last digits consistent with the fitted normal ({})", fmt_p(p)))
        };
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("末位数字分布不均匀（{}，w = {w:.2}）", fmt_p(p)), format!("last digits uneven ({}, w = {w:.2})", fmt_p(p)));
    out.checks.push(c);

    // The preferred digits: those at least 1.3 times as frequent as expected, most first.
    let mut over: Vec<(u8, usize, f64)> =
        support.iter().zip(&counts).zip(&expected).map(|((&d, &o), &e)| (d, o, e)).filter(|&(_, o, e)| o as f64 >= 1.3 * e).collect();
    over.sort_by(|a, b| (b.1 as f64 / b.2).total_cmp(&(a.1 as f64 / a.2)));
    let mut f = flag("digit_preference", "terminal_digit", if p < 1e-6 { Severity::High } else { Severity::Medium }, stage);
    f.statistic = Some(chi2);
    f.p_value = Some(p);
    f.count = Some(n);
    f.numbers.insert("chi_square", chi2);
    f.numbers.insert("df", df);
    f.numbers.insert("p_value", p);
    f.numbers.insert("p_chi_square", p_chi2);
    if let Some(r) = round {
        f.numbers.insert("share_0_5", r.observed);
        f.numbers.insert("expected_share_0_5", r.expected);
        f.numbers.insert("p_round_digits", r.p);
    }
    f.numbers.insert("effect_w", w);
    f.numbers.insert("uniform_expected", if uniform { 1.0 } else { 0.0 });
    for (d, o) in support.iter().zip(&counts) {
        f.numbers.insert(DIGIT_KEYS[*d as usize], *o as f64);
    }
    let preferred: Vec<u8> = over.iter().map(|&(d, _, _)| d).collect();
    let concerned: Vec<usize> = digits.iter().filter(|(_, d)| preferred.contains(d)).map(|&(i, _)| i).collect();
    f.cells = capped(&concerned.iter().map(|&i| data.cell(i)).collect::<Vec<_>>());
    f.rows = capped(&concerned.iter().map(|&i| data.row(i)).collect::<Vec<_>>());
    let pct = |x: f64| 100.0 * x / n as f64;
    let list_zh = over.iter().map(|&(d, o, e)| format!("“{d}”占 {:.0}%（预期约 {:.0}%）", pct(o as f64), pct(e))).collect::<Vec<_>>().join("、");
    let list_en = over.iter().map(|&(d, o, e)| format!("{d} in {:.0}% (about {:.0}% expected)", pct(o as f64), pct(e))).collect::<Vec<_>>().join(", ");
    let (pz, pe) = stage_prefix(stage);
    let (basis_zh, basis_en) = if uniform {
        ("若按显示值如实记录，各末位数字应大致均匀", "readings recorded as displayed would give roughly even last digits")
    } else {
        ("预期按各阶段拟合的正态分布计算", "expected shares from the normal fitted to each stage")
    };
    f.explanation = Text::new(
        format!("{pz}{n} 个数值的末位数字：{list_zh}；{basis_zh}（χ² = {chi2:.1}，自由度 {df}，{}）。", fmt_p(p)),
        format!("{pe}last recorded digit of {n} values: {list_en}; {basis_en} (χ² = {chi2:.1}, df {df}, {}).", fmt_p(p)),
    );
    f.question = Text::new(
        "读数是如何读取和记录的？是否人工读刻度、估读或凑整？原始记录能否提供？",
        "How were the readings taken and written down: read by eye from a scale, estimated or rounded by the operator? Can the original records be shown?",
    );
    out.flags.push(f);
}

/// The round-number test: the share of last digits 0 and 5 against its expectation.
#[derive(Clone, Copy)]
struct RoundTest {
    observed: f64,
    expected: f64,
    p: f64,
    /// Cohen's w for two categories: |p̂ − p₀| / √(p₀(1 − p₀)).
    w: f64,
}

/// Readers who round favour 0 and 5 (Preece 1981, "Distributions of final digits in data",
/// The Statistician 30(1)); this one-sided binomial test of their joint share has far more
/// power against that habit than the 9-df χ² (40 % on 0/5 instead of 20 %, n = 100: χ²
/// p ≈ 0.02, binomial p ≈ 10⁻⁵). Applies when both digits are possible and others too.
fn round_digits(support: &[u8], counts: &[usize], shares: &[f64], n: usize) -> Option<RoundTest> {
    let i0 = support.iter().position(|&d| d == 0)?;
    let i5 = support.iter().position(|&d| d == 5)?;
    if support.len() <= 2 {
        return None;
    }
    let x = (counts[i0] + counts[i5]) as u64;
    let e = shares[i0] + shares[i5];
    let p = if x == 0 { 1.0 } else { statrs::distribution::Binomial::new(e, n as u64).ok().map(|b| 1.0 - statrs::distribution::DiscreteCDF::cdf(&b, x - 1))? };
    let observed = x as f64 / n as f64;
    Some(RoundTest { observed, expected: e, p, w: (observed - e).max(0.0) / (e * (1.0 - e)).sqrt() })
}

/// JSON keys of the digit counts.
const DIGIT_KEYS: [&str; 10] = ["digit_0", "digit_1", "digit_2", "digit_3", "digit_4", "digit_5", "digit_6", "digit_7", "digit_8", "digit_9"];

//! Terminal-digit preference: are the last recorded digits uniform, as readings of a process
//! whose spread covers many units of the last digit are?

use super::{capped, flag, fmt_p, result, sigma_mr, stage_prefix, AuditData, CheckStatus, Outcome, Resolution, Severity, StageData, Text};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Fewest values tested: 50, and at least 5 expected per digit (Cochran's rule for the χ²
/// approximation; 10 digits × 5 = 50).
const MIN_N: usize = 50;
/// Significance level: 0.001. The audit runs a dozen checks; at 0.001 each, honest data
/// raises a flag from this check in about 1 run in 1000 (a few in 1000 with stages).
const ALPHA: f64 = 0.001;
/// Smallest effect flagged: Cohen's w = √(χ²/n) ≥ 0.1 ("small", Cohen 1988 §7.2), so that
/// with many thousands of values a negligible unevenness (an instrument's converter) is not
/// flagged as a recording habit.
const MIN_W: f64 = 0.1;
/// Last digits are uniform only when the spread covers the digit's cycle of 10 units: the
/// Fourier coefficient of a normal density at period P = 10 units is exp(−2π²σ²/P²), which
/// at σ = 5 units is 0.007 (a negligible χ² non-centrality, ≈ 10⁻⁴·n). Below σ = 5 units the
/// test is not applicable: the digits are expected to be uneven.
const MIN_SIGMA_UNITS: f64 = 5.0;

/// χ² test of the last recorded digit against uniform, on all the data and on each stage
/// (when there are two or more). σ for the spread condition is MR̄/d2 within stages (the
/// smallest of the stages for the whole data).
pub(crate) fn check(stages: &[StageData], res: Option<&Resolution>, data: &AuditData, out: &mut Outcome) {
    let sigmas: Vec<f64> = stages.iter().filter_map(|s| sigma_mr(&s.values)).collect();
    let sigma_all = sigmas.iter().copied().fold(f64::INFINITY, f64::min);
    let all: Vec<usize> = stages.iter().flat_map(|s| s.idx.iter().copied()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let before = out.flags.len();
    test(&None, &all, sigma_all.is_finite().then_some(sigma_all), res, data, out);
    let whole_flagged = out.flags.len() > before;
    if stages.len() >= 2 {
        let mut flagged_stages = Vec::new();
        for s in stages {
            let n_flags = out.flags.len();
            test(&s.name, &s.idx, sigma_mr(&s.values), res, data, out);
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

fn test(stage: &Option<String>, idx: &[usize], sigma: Option<f64>, res: Option<&Resolution>, data: &AuditData, out: &mut Outcome) {
    let mut c = result(
        "terminal_digit",
        stage,
        Text::new("末位数字偏好（χ² 均匀性检验）", "Terminal-digit preference (χ² against uniform)"),
        Text::new("p < 0.001 且效应量 w ≥ 0.1 时提示；需 n ≥ 50 且 σ ≥ 5 个末位单位", "flag when p < 0.001 and effect w ≥ 0.1; needs n ≥ 50 and σ ≥ 5 last-digit units"),
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
    let sigma_units = sigma.map(|s| s / unit).unwrap_or(0.0);
    if sigma_units < MIN_SIGMA_UNITS {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new(
            format!("σ 仅为 {sigma_units:.1} 个末位单位，末位数字本就不均匀"),
            format!("σ is only {sigma_units:.1} last-digit units: the last digits are not expected to be uniform"),
        );
        out.checks.push(c);
        return;
    }
    let counts: Vec<usize> = support.iter().map(|d| digits.iter().filter(|(_, x)| x == d).count()).collect();
    let expected = n as f64 / k as f64;
    // Pearson's χ² goodness of fit (Agresti 2013 §1.5.2).
    let chi2: f64 = counts.iter().map(|&o| (o as f64 - expected).powi(2) / expected).sum();
    let df = (k - 1) as f64;
    let p = ChiSquared::new(df).map(|d| d.sf(chi2)).unwrap_or(f64::NAN);
    let w = (chi2 / n as f64).sqrt();
    c.statistic = Some(chi2);
    c.df = Some(df);
    c.p_value = Some(p);
    if !(p < ALPHA && w >= MIN_W) {
        c.note = Text::new(format!("末位数字分布与均匀无显著差异（{}）", fmt_p(p)), format!("last digits consistent with uniform ({})", fmt_p(p)));
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("末位数字分布不均匀（{}，w = {w:.2}）", fmt_p(p)), format!("last digits uneven ({}, w = {w:.2})", fmt_p(p)));
    out.checks.push(c);

    // The preferred digits: those at least 1.3 times as frequent as expected, most first.
    let mut over: Vec<(u8, usize)> = support.iter().copied().zip(counts.iter().copied()).filter(|&(_, o)| o as f64 >= 1.3 * expected).collect();
    over.sort_by_key(|&(_, o)| std::cmp::Reverse(o));
    let mut f = flag("digit_preference", "terminal_digit", if p < 1e-6 { Severity::High } else { Severity::Medium }, stage);
    f.statistic = Some(chi2);
    f.p_value = Some(p);
    f.count = Some(n);
    f.numbers.insert("chi_square", chi2);
    f.numbers.insert("df", df);
    f.numbers.insert("p_value", p);
    f.numbers.insert("effect_w", w);
    f.numbers.insert("expected_share", 1.0 / k as f64);
    for (d, o) in support.iter().zip(&counts) {
        f.numbers.insert(DIGIT_KEYS[*d as usize], *o as f64);
    }
    let preferred: Vec<u8> = over.iter().map(|&(d, _)| d).collect();
    let concerned: Vec<usize> = digits.iter().filter(|(_, d)| preferred.contains(d)).map(|&(i, _)| i).collect();
    f.cells = capped(&concerned.iter().map(|&i| data.cell(i)).collect::<Vec<_>>());
    f.rows = capped(&concerned.iter().map(|&i| data.row(i)).collect::<Vec<_>>());
    let share = |o: usize| 100.0 * o as f64 / n as f64;
    let list_zh = over.iter().map(|&(d, o)| format!("“{d}”占 {:.0}%", share(o))).collect::<Vec<_>>().join("、");
    let list_en = over.iter().map(|&(d, o)| format!("{d} in {:.0}%", share(o))).collect::<Vec<_>>().join(", ");
    let (pz, pe) = stage_prefix(stage);
    let exp_pct = 100.0 / k as f64;
    f.explanation = Text::new(
        format!("{pz}{n} 个数值的末位数字：{list_zh}，若按显示值如实记录，每个数字约占 {exp_pct:.0}%（χ² = {chi2:.1}，自由度 {df}，{}）。", fmt_p(p)),
        format!("{pe}last recorded digit of {n} values: {list_en}, where about {exp_pct:.0}% each is expected when readings are recorded as displayed (χ² = {chi2:.1}, df {df}, {}).", fmt_p(p)),
    );
    f.question = Text::new(
        "读数是如何读取和记录的？是否人工读刻度、估读或凑整？原始记录能否提供？",
        "How were the readings taken and written down: read by eye from a scale, estimated or rounded by the operator? Can the original records be shown?",
    );
    out.flags.push(f);
}

/// JSON keys of the digit counts.
const DIGIT_KEYS: [&str; 10] = ["digit_0", "digit_1", "digit_2", "digit_3", "digit_4", "digit_5", "digit_6", "digit_7", "digit_8", "digit_9"];

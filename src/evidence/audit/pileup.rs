//! A pile-up just inside a specification limit with a gap just outside: values "pulled" into
//! specification.
//!
//! Method: the caliper test (Gerber & Malhotra 2008, "Publication bias in empirical
//! sociological research"): compare the counts in two narrow bands of equal width, just
//! inside and just outside the limit. A smooth process density puts nearly equal mass in
//! both; we take the ratio it predicts from a normal fitted to the stage (mean, overall sd),
//! which corrects for the density's slope, and test the inside count against
//! Binomial(inside + outside, π_inside) one-sided.

use super::{capped, f4, flag, fmt_p, result, stage_prefix, AuditData, AuditOptions, CheckStatus, Outcome, Resolution, Severity, StageData, Text};
use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};

/// Fewest values in a stage for a fitted density to mean anything.
const MIN_STAGE: usize = 30;
/// Fewest values in the two bands together: below 10 the binomial test cannot reach 0.001
/// unless nearly all fall inside, so "not enough data" is the honest answer.
const MIN_BANDS: usize = 10;
/// Significance level 0.001 (one-sided), per limit and stage: honest data flag in about
/// 1 run in 1000 per limit tested.
const ALPHA: f64 = 1e-3;
/// Smallest effect flagged: the inside-to-outside odds must be at least twice what the
/// fitted normal predicts. With thousands of values the binomial test would otherwise flag
/// a mere misfit of the normal's slope (a skewed or heavy-tailed process), which changes the
/// odds across a σ/3 band by far less than a factor of 2 (t₅ scaled to the same sd, at
/// z = 2: 0.91 of the normal's odds). A process truncated by 100 % inspection does give the
/// pattern: the flag's question (how were out-of-spec parts handled) covers that case.
const MIN_ODDS_RATIO: f64 = 2.0;
/// The inside band must also hold more than the fitted normal allows relative to the band
/// next to it further in (see [`bump_p`]), at 0.01: a deficit outside alone is what a process
/// that ends steeply at the limit (skewed, bounded) shows; a pile-up is an excess inside too.
/// Lognormal data (skewness 2) with an LSL near their steep lower end flagged in 18 of 20
/// seeds without this condition, in none with it.
const ALPHA_LOCAL: f64 = 0.01;
/// The fitted normal is the reference, so the stage must look normal: |skewness| ≤ 0.5 and
/// |excess kurtosis| ≤ 1 (else not applicable). Strongly skewed data whose mode sits near a
/// limit put more values just inside than the normal predicts without any pulling.
const MAX_ABS_SKEW: f64 = 0.5;
const MAX_ABS_KURT: f64 = 1.0;

/// Band width: a third of the stage's standard deviation, rounded to a whole number of
/// resolution steps (at least one) so that both bands hold the same number of grid points.
/// Narrow enough that the fitted density's shape matters little (the predicted ratio at
/// z = 2 is e^(2/3) ≈ 1.9), wide enough to hold data.
fn band_width(sd: f64, res: Option<&Resolution>) -> f64 {
    match res {
        Some(r) => (sd / 3.0 / r.value).round().max(1.0) * r.value,
        None => sd / 3.0,
    }
}

/// Which limit: the inside band lies below the USL and above the LSL.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Lower,
    Upper,
}

/// Test each given limit on each stage.
pub(crate) fn check(stages: &[StageData], res: Option<&Resolution>, opts: &AuditOptions, data: &AuditData, out: &mut Outcome) {
    for (side, limit) in [(Side::Lower, opts.lsl), (Side::Upper, opts.usl)] {
        for st in stages {
            test(st, side, limit, res, data, out);
        }
    }
}

fn test(st: &StageData, side: Side, limit: Option<f64>, res: Option<&Resolution>, data: &AuditData, out: &mut Outcome) {
    let (code, name_zh, name_en) = match side {
        Side::Lower => ("pileup_lsl", "下规格限内侧的堆积", "Pile-up just inside the LSL"),
        Side::Upper => ("pileup_usl", "上规格限内侧的堆积", "Pile-up just inside the USL"),
    };
    let mut c = result(
        code,
        &st.name,
        Text::new(format!("{name_zh}（卡尺检验）"), format!("{name_en} (caliper test)")),
        Text::new("规格限内外等宽窄带计数的二项检验 p ≤ 0.001（单侧）且内外比达到拟合正态预测的 2 倍以上时提示；两带合计需 ≥ 10 个", "flag when the binomial test of counts in equal bands inside vs outside gives p ≤ 0.001 (one-sided) and the odds are ≥ 2× the fitted normal's; needs ≥ 10 values in the bands"),
    );
    c.n = st.values.len();
    let Some(limit) = limit else {
        c.status = CheckStatus::NotApplicable;
        c.note = match side {
            Side::Lower => Text::new("未给出 --lsl", "no --lsl given"),
            Side::Upper => Text::new("未给出 --usl", "no --usl given"),
        };
        out.checks.push(c);
        return;
    };
    if st.values.len() < MIN_STAGE {
        c.status = CheckStatus::NotEnoughData;
        c.note = Text::new(format!("阶段数据少于 {MIN_STAGE} 个"), format!("fewer than {MIN_STAGE} values in the stage"));
        out.checks.push(c);
        return;
    }
    let mean = crate::num::mean(&st.values);
    let sd = crate::num::sd(&st.values);
    let shape = crate::describe::summarize(&st.values, 0);
    let (skew, kurt) = (shape.skewness.unwrap_or(0.0), shape.kurtosis.unwrap_or(0.0));
    if skew.abs() > MAX_ABS_SKEW || kurt.abs() > MAX_ABS_KURT {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new(
            format!("分布明显偏离正态（偏度 {skew:.2}，峰度 {kurt:.2}），拟合正态不能作为参照"),
            format!("the data are clearly not normal (skewness {skew:.2}, kurtosis {kurt:.2}): a fitted normal cannot serve as the reference"),
        );
        out.checks.push(c);
        return;
    }
    let Ok(normal) = Normal::new(mean, sd) else {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("数据没有离散（标准差为 0）", "no spread (sd = 0)");
        out.checks.push(c);
        return;
    };
    let w = band_width(sd, res);
    let half = res.map(|r| r.value / 2.0).unwrap_or(0.0);
    let tol = 1e-9 * limit.abs().max(w);
    let (inside, outside, deeper): (Vec<usize>, Vec<usize>, usize) = match side {
        Side::Upper => (
            pick(st, |x| x > limit - w + tol && x <= limit + tol),
            pick(st, |x| x > limit + tol && x <= limit + w + tol),
            pick(st, |x| x > limit - 2.0 * w + tol && x <= limit - w + tol).len(),
        ),
        Side::Lower => (
            pick(st, |x| x >= limit - tol && x < limit + w - tol),
            pick(st, |x| x >= limit - w - tol && x < limit - tol),
            pick(st, |x| x >= limit + w - tol && x < limit + 2.0 * w - tol).len(),
        ),
    };
    // True-value intervals that round into each band (shifted by half a step).
    let mass = |lo: f64, hi: f64| normal.cdf(hi) - normal.cdf(lo);
    let (p_in, p_out) = match side {
        Side::Upper => (mass(limit - w + half, limit + half), mass(limit + half, limit + w + half)),
        Side::Lower => (mass(limit - half, limit + w - half), mass(limit - w - half, limit - half)),
    };
    let m = inside.len() + outside.len();
    c.count = Some(m);
    c.statistic = Some(inside.len() as f64);
    if m < MIN_BANDS || p_in + p_out <= 0.0 {
        c.status = CheckStatus::NotEnoughData;
        c.note = Text::new(format!("规格限两侧窄带内只有 {m} 个数值"), format!("only {m} values in the bands around the limit"));
        out.checks.push(c);
        return;
    }
    let pi = p_in / (p_in + p_out);
    let p = Binomial::new(pi, m as u64).map(|b| if inside.is_empty() { 1.0 } else { 1.0 - b.cdf(inside.len() as u64 - 1) }).unwrap_or(f64::NAN);
    c.p_value = Some(p);
    // Observed odds with ½ added to the outside count (Haldane's correction), so an empty
    // outside band gives a finite ratio.
    let odds_ratio = (inside.len() as f64 / (outside.len() as f64 + 0.5)) / (pi / (1.0 - pi));
    let p_deeper = match side {
        Side::Upper => mass(limit - 2.0 * w + half, limit - w + half),
        Side::Lower => mass(limit + w - half, limit + 2.0 * w - half),
    };
    let p_local = bump_p(deeper, inside.len(), p_deeper, p_in);
    if !(p <= ALPHA && odds_ratio >= MIN_ODDS_RATIO && p_local <= ALPHA_LOCAL) {
        c.note = Text::new(
            format!("内侧 {} 个、外侧 {} 个，与拟合分布相符（{}）", inside.len(), outside.len(), fmt_p(p)),
            format!("{} inside, {} outside: consistent with the fitted density ({})", inside.len(), outside.len(), fmt_p(p)),
        );
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("内侧 {} 个、外侧仅 {} 个（{}）", inside.len(), outside.len(), fmt_p(p)), format!("{} inside, only {} outside ({})", inside.len(), outside.len(), fmt_p(p)));
    out.checks.push(c);

    let (fcode, lname) = match side {
        Side::Upper => ("pileup_inside_usl", "USL"),
        Side::Lower => ("pileup_inside_lsl", "LSL"),
    };
    let mut f = flag(fcode, code, if p <= 1e-6 { Severity::High } else { Severity::Medium }, &st.name);
    f.statistic = Some(inside.len() as f64);
    f.p_value = Some(p);
    f.count = Some(inside.len());
    f.numbers.insert("limit", limit);
    f.numbers.insert("band_width", w);
    f.numbers.insert("inside", inside.len() as f64);
    f.numbers.insert("outside", outside.len() as f64);
    f.numbers.insert("expected_inside", m as f64 * pi);
    f.numbers.insert("expected_outside", m as f64 * (1.0 - pi));
    f.numbers.insert("odds_ratio", odds_ratio);
    f.numbers.insert("deeper_band", deeper as f64);
    f.numbers.insert("p_local", p_local);
    f.cells = capped(&inside.iter().map(|&i| data.cell(i)).collect::<Vec<_>>());
    f.rows = capped(&inside.iter().map(|&i| data.row(i)).collect::<Vec<_>>());
    let (band_in, band_out) = match side {
        Side::Upper => (format!("({}, {}]", f4(limit - w), f4(limit)), format!("({}, {}]", f4(limit), f4(limit + w))),
        Side::Lower => (format!("[{}, {})", f4(limit), f4(limit + w)), format!("[{}, {})", f4(limit - w), f4(limit))),
    };
    let (pz, pe) = stage_prefix(&st.name);
    let (ei, eo) = (m as f64 * pi, m as f64 * (1.0 - pi));
    f.explanation = Text::new(
        format!(
            "{pz}紧贴 {lname} = {} 内侧的窄带 {band_in} 有 {} 个数值，外侧等宽窄带 {band_out} 只有 {} 个；按拟合的正态分布应约为 {ei:.1} 与 {eo:.1} 个（二项检验，{}）。",
            f4(limit), inside.len(), outside.len(), fmt_p(p)
        ),
        format!(
            "{pe}{} values lie in the band {band_in} just inside {lname} = {}, and only {} in the equal band {band_out} just outside, where a fitted normal predicts about {ei:.1} and {eo:.1} (binomial test, {}).",
            inside.len(), f4(limit), outside.len(), fmt_p(p)
        ),
    );
    f.question = Text::new(
        "规格限附近的数值是否经过复测、挑选或修约？超出规格的零件是如何处理和记录的？",
        "Were values near the limit re-measured, selected or rounded? How were out-of-specification parts handled and recorded?",
    );
    out.flags.push(f);
}

/// The pile-up itself: the band just inside holds more than the fitted normal lets it hold
/// relative to the next band further in (P(X ≥ inside) for X ~ Binomial(deeper + inside,
/// π), π the normal's share of the inside band among the two). A process that ends steeply
/// at the limit (skewed, bounded) has fewer values there than the normal predicts, not more,
/// so the deficit outside alone does not flag it; a pile-up shows as both.
fn bump_p(deeper: usize, inside: usize, p_deeper: f64, p_inside: f64) -> f64 {
    if inside == 0 || p_deeper + p_inside <= 0.0 {
        return 1.0;
    }
    let pi = p_inside / (p_deeper + p_inside);
    Binomial::new(pi, (deeper + inside) as u64).map(|b| 1.0 - b.cdf(inside as u64 - 1)).unwrap_or(1.0)
}

fn pick(st: &StageData, keep: impl Fn(f64) -> bool) -> Vec<usize> {
    st.values.iter().zip(&st.idx).filter(|(x, _)| keep(**x)).map(|(_, &i)| i).collect()
}

//! How the values were recorded: the resolution (stated or inferred from the data), values off
//! the stated resolution, values outside the physically possible range, and a spread far
//! below the resolution.

use super::{capped, f4, flag, result, stage_prefix, AuditData, AuditOptions, CheckStatus, Outcome, Severity, StageData, Text};
use serde::Serialize;

/// Largest number of decimals looked for; a value needing more is taken as computed
/// (an average, a unit conversion), not as a recorded reading.
const MAX_DECIMALS: i32 = 9;

/// The recording grid of the values: `step × 10^exponent` (e.g. 0.005 = 5 × 10⁻³).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Resolution {
    /// The resolution as a number (e.g. 0.01).
    pub value: f64,
    /// Power of ten of the last recorded digit (−2 for hundredths).
    pub exponent: i32,
    /// Grid step in units of the last digit (1, 2, 5...).
    pub step: u64,
    /// `"stated"` (`--resolution`) or `"inferred"` (from the decimals recorded).
    pub source: &'static str,
}

impl Resolution {
    /// The stated resolution `r`, when it is a whole multiple of a power of ten (0.01, 0.005,
    /// 0.25, 10); `None` for a grid such as 1/3 where a last digit has no meaning.
    pub fn stated(r: f64) -> Option<Resolution> {
        if !(r.is_finite() && r > 0.0) {
            return None;
        }
        (-MAX_DECIMALS..=MAX_DECIMALS).rev().find_map(|e| {
            let m = r / 10f64.powi(e);
            let k = m.round();
            ((1.0..=1e6).contains(&k) && (m - k).abs() <= 1e-6 && (k as u64) % 10 != 0)
                .then_some(Resolution { value: r, exponent: e, step: k as u64, source: "stated" })
        })
    }

    /// The digits the last recorded digit can take on this grid (e.g. {0, 5} for step 5).
    pub fn digit_support(&self) -> Vec<u8> {
        // (j·step) mod 10 depends on the step's last digit only (no overflow for huge steps)
        let mut d: Vec<u8> = (0..10u64).map(|j| ((j * (self.step % 10)) % 10) as u8).collect();
        d.sort_unstable();
        d.dedup();
        d
    }

    /// The last recorded digit of `x` on this grid.
    pub fn last_digit(&self, x: f64) -> u8 {
        let k = (x / 10f64.powi(self.exponent)).round().abs();
        (k % 10.0) as u8
    }
}

/// Decimals needed to write `x` exactly (0..=9); `None` when more are needed (computed value).
fn decimals_needed(x: f64) -> Option<i32> {
    (0..=MAX_DECIMALS).find(|&d| {
        let y = x * 10f64.powi(d);
        (y - y.round()).abs() <= (8.0 * f64::EPSILON * y.abs()).max(1e-7)
    })
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The recording grid of the data: the number of decimals `D` is the largest that at least
/// max(2, 1 %) of the values need (so one mistyped value does not change it; trailing zeros
/// that a spreadsheet drops, 10.10 → 10.1, do not lower it because the other values keep
/// it); the step is the greatest common divisor of the spacings between the values on that
/// grid (0.005 grids), one unit of the last digit when all values are equal.
/// `None` when half the values or more need more than 9 decimals (computed values).
pub fn infer_resolution(values: &[f64]) -> Option<Resolution> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    let needed: Vec<Option<i32>> = finite.iter().map(|&x| decimals_needed(x)).collect();
    let computed = needed.iter().filter(|d| d.is_none()).count();
    if 2 * computed >= finite.len() {
        return None;
    }
    let min_count = 2usize.max(finite.len().div_ceil(100));
    let decimals = (0..=MAX_DECIMALS)
        .rev()
        .find(|&d| needed.iter().filter(|&&n| n == Some(d)).count() >= min_count)
        .or_else(|| needed.iter().flatten().copied().max())?;
    let scale = 10f64.powi(decimals);
    let grid: Vec<i64> = finite.iter().zip(&needed).filter(|(_, n)| n.is_some_and(|n| n <= decimals)).map(|(&x, _)| (x * scale).round() as i64).collect();
    // The grid step is the gcd of the spacings (not of the values: 5.00 alone is no 5-unit grid).
    let low = grid.iter().copied().min().unwrap_or(0);
    let g = grid.iter().map(|&k| k.abs_diff(low)).fold(0u64, gcd);
    let (mut step, mut exponent) = (g.max(1), -decimals);
    while step % 10 == 0 {
        step /= 10;
        exponent += 1;
    }
    Some(Resolution { value: step as f64 * 10f64.powi(exponent), exponent, step, source: "inferred" })
}

/// Spread far below the resolution: a stage whose standard deviation is below **half a
/// resolution step**. Reason: AIAG MSA 4e (ch. I §E) asks for a resolution of at most one
/// tenth of the process spread (6σ), i.e. r ≤ 0.6σ; σ < r/2 is more than three times past
/// that bound, where most readings are identical and the data cannot show a process change.
/// Needs 10 values in the stage.
pub(crate) fn check_spread(stages: &[StageData], res: Option<&Resolution>, out: &mut Outcome) {
    for st in stages {
        let mut c = result(
            "spread_vs_resolution",
            &st.name,
            Text::new("离散程度与测量分辨力", "Spread against the measurement resolution"),
            Text::new("标准差 < 分辨力/2 时提示（AIAG MSA 第4版：分辨力应不大于过程变差的1/10）", "flag when sd < resolution/2 (AIAG MSA 4e: resolution at most 1/10 of the process spread)"),
        );
        c.n = st.values.len();
        let Some(res) = res else {
            c.status = CheckStatus::NotApplicable;
            c.note = Text::new("无法确定分辨力（给出 --resolution）", "resolution unknown (give --resolution)");
            out.checks.push(c);
            continue;
        };
        if st.values.len() < 10 {
            c.status = CheckStatus::NotEnoughData;
            c.note = Text::new("数据少于 10 个", "fewer than 10 values");
            out.checks.push(c);
            continue;
        }
        let sd = crate::num::sd(&st.values);
        c.statistic = Some(sd / res.value);
        if sd < res.value / 2.0 {
            c.status = CheckStatus::Flag;
            c.note = Text::new("标准差小于半个分辨力", "sd below half a resolution step");
            let (pz, pe) = stage_prefix(&st.name);
            let mut f = flag("spread_below_resolution", c.check, Severity::Medium, &st.name);
            f.statistic = c.statistic;
            f.count = Some(st.values.len());
            f.numbers.insert("sd", sd);
            f.numbers.insert("resolution", res.value);
            f.numbers.insert("sd_over_resolution", sd / res.value);
            f.explanation = if sd == 0.0 {
                Text::new(
                    format!("{pz}全部 {} 个数值完全相同（{}），看不到任何过程波动。", st.values.len(), f4(st.values[0])),
                    format!("{pe}all {} values are identical ({}): no process variation is visible at all.", st.values.len(), f4(st.values[0])),
                )
            } else {
                Text::new(
                    format!("{pz}标准差 {} 仅为测量分辨力 {} 的 {:.2} 倍，多数读数相同，量具几乎分辨不出过程波动。", f4(sd), f4(res.value), sd / res.value),
                    format!("{pe}the standard deviation {} is only {:.2} times the measurement resolution {}: most readings are identical and the gauge barely sees the process variation.", f4(sd), sd / res.value, f4(res.value)),
                )
            };
            f.question = Text::new(
                "这些数据用什么量具测得？其分辨力是否足以显示改进前后的差异（是否做过测量系统分析）？",
                "Which gauge produced these values, and is its resolution fine enough to show the change (was a measurement system analysis done)?",
            );
            out.flags.push(f);
        } else {
            c.note = Text::new(format!("标准差为分辨力的 {:.1} 倍", sd / res.value), format!("sd is {:.1} resolution steps", sd / res.value));
        }
        out.checks.push(c);
    }
}

/// Values that are not multiples of the stated `--resolution` (beyond float tolerance, 10⁻⁶
/// of a step). Any such value is flagged: a reading from the stated gauge cannot be off its
/// grid, so it was typed, converted or computed (severity low for 1–2 values, medium above).
pub(crate) fn check_rounding(data: &AuditData, usable: &[usize], stated: Option<f64>, out: &mut Outcome) {
    let mut c = result(
        "rounding",
        &None,
        Text::new("数值与声明的分辨力一致", "Values on the stated resolution"),
        Text::new("任一数值不是分辨力的整数倍即提示", "flag any value that is not a multiple of the resolution"),
    );
    c.n = usable.len();
    let Some(r) = stated.filter(|r| r.is_finite() && *r > 0.0) else {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("未给出 --resolution", "no --resolution given");
        out.checks.push(c);
        return;
    };
    let off: Vec<usize> = usable
        .iter()
        .copied()
        .filter(|&i| {
            let k = data.values[i] / r;
            (k - k.round()).abs() > 1e-6_f64.max(8.0 * f64::EPSILON * k.abs())
        })
        .collect();
    c.count = Some(off.len());
    if off.is_empty() {
        c.note = Text::new("全部数值都是分辨力的整数倍", "every value is a multiple of the resolution");
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("{} 个数值不在分辨力网格上", off.len()), format!("{} values off the resolution grid", off.len()));
    out.checks.push(c);
    let severity = if off.len() <= 2 { Severity::Low } else { Severity::Medium };
    let mut f = flag("off_resolution", "rounding", severity, &None);
    f.count = Some(off.len());
    f.numbers.insert("resolution", r);
    f.numbers.insert("values_off_grid", off.len() as f64);
    f.numbers.insert("share_off_grid", off.len() as f64 / usable.len().max(1) as f64);
    let cells: Vec<String> = off.iter().map(|&i| data.cell(i)).collect();
    f.cells = capped(&cells);
    f.rows = capped(&off.iter().map(|&i| data.row(i)).collect::<Vec<_>>());
    let ex = off.iter().take(3).map(|&i| format!("{}={}", data.cell(i), data.values[i])).collect::<Vec<_>>().join(", ");
    f.explanation = Text::new(
        format!("{} 个数值不是声明分辨力 {} 的整数倍（如 {ex}）。", off.len(), f4(r)),
        format!("{} values are not multiples of the stated resolution {} (e.g. {ex}).", off.len(), f4(r)),
    );
    f.question = Text::new(
        "这些数值是直接读数，还是经过换算、平均或手工录入？所用量具的分辨力是多少？",
        "Are these direct readings, or converted, averaged or typed in by hand? What is the gauge's resolution?",
    );
    out.flags.push(f);
}

/// Values outside the physically possible range `--min`/`--max` (a negative length, a
/// percentage above 100): any one is flagged, severity high, since it cannot be a reading.
pub(crate) fn check_range(data: &AuditData, usable: &[usize], opts: &AuditOptions, out: &mut Outcome) {
    let mut c = result(
        "physical_range",
        &None,
        Text::new("物理可能范围", "Physically possible range"),
        Text::new("任一数值超出 --min/--max 即提示", "flag any value outside --min/--max"),
    );
    c.n = usable.len();
    if opts.min.is_none() && opts.max.is_none() {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("未给出 --min/--max", "no --min/--max given");
        out.checks.push(c);
        return;
    }
    let lo = opts.min.unwrap_or(f64::NEG_INFINITY);
    let hi = opts.max.unwrap_or(f64::INFINITY);
    let bad: Vec<usize> = usable.iter().copied().filter(|&i| data.values[i] < lo || data.values[i] > hi).collect();
    c.count = Some(bad.len());
    if bad.is_empty() {
        c.note = Text::new("全部数值在可能范围内", "every value is within the possible range");
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("{} 个数值超出可能范围", bad.len()), format!("{} values outside the possible range", bad.len()));
    out.checks.push(c);
    let mut f = flag("outside_physical_range", "physical_range", Severity::High, &None);
    f.count = Some(bad.len());
    if let Some(m) = opts.min {
        f.numbers.insert("min", m);
    }
    if let Some(m) = opts.max {
        f.numbers.insert("max", m);
    }
    f.cells = capped(&bad.iter().map(|&i| data.cell(i)).collect::<Vec<_>>());
    f.rows = capped(&bad.iter().map(|&i| data.row(i)).collect::<Vec<_>>());
    let ex = bad.iter().take(3).map(|&i| format!("{}={}", data.cell(i), data.values[i])).collect::<Vec<_>>().join(", ");
    let range = format!("[{}, {}]", opts.min.map(f4).unwrap_or_else(|| "−∞".into()), opts.max.map(f4).unwrap_or_else(|| "+∞".into()));
    f.explanation = Text::new(
        format!("{} 个数值超出物理可能范围 {range}（如 {ex}）。", bad.len()),
        format!("{} values lie outside the physically possible range {range} (e.g. {ex}).", bad.len()),
    );
    f.question = Text::new("这些单元格是录入错误、单位不同，还是另有含义？", "Are these cells typing errors, in another unit, or do they mean something else?");
    out.flags.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stated_grids() {
        let r = Resolution::stated(0.01).unwrap();
        assert_eq!((r.exponent, r.step), (-2, 1));
        let r = Resolution::stated(0.005).unwrap();
        assert_eq!((r.exponent, r.step), (-3, 5));
        assert_eq!(r.digit_support(), vec![0, 5]);
        let r = Resolution::stated(10.0).unwrap();
        assert_eq!((r.exponent, r.step), (1, 1));
        assert_eq!(Resolution::stated(0.002).unwrap().digit_support(), vec![0, 2, 4, 6, 8]);
        assert!(Resolution::stated(1.0 / 3.0).is_none());
    }

    #[test]
    fn last_digit_survives_float_noise() {
        let r = Resolution::stated(0.01).unwrap();
        assert_eq!(r.last_digit(10.13), 3);
        assert_eq!(r.last_digit(10.1), 0);
        assert_eq!(r.last_digit(-0.07), 7);
    }

    #[test]
    fn infers_hundredths_despite_dropped_zeros() {
        let xs = [10.1, 10.12, 10.13, 9.97, 10.0, 10.05, 9.99, 10.21];
        let r = infer_resolution(&xs).unwrap();
        assert_eq!((r.exponent, r.step), (-2, 1));
        // one stray extra decimal does not change the grid
        let mut ys: Vec<f64> = (0..300).map(|i| 10.0 + (i % 37) as f64 * 0.01).collect();
        ys.push(10.125);
        assert_eq!(infer_resolution(&ys).unwrap().exponent, -2);
        // a 0.005 grid
        let zs: Vec<f64> = (0..50).map(|i| 2.0 + i as f64 * 0.005).collect();
        let r = infer_resolution(&zs).unwrap();
        assert_eq!((r.exponent, r.step), (-3, 5));
        // integers in tens
        let r = infer_resolution(&[120.0, 130.0, 250.0, 90.0]).unwrap();
        assert_eq!((r.exponent, r.step), (1, 1));
        // equal values: one unit of the last digit, not the value itself
        let r = infer_resolution(&[5.0; 12]).unwrap();
        assert_eq!((r.exponent, r.step), (0, 1));
        let r = infer_resolution(&[10.5]).unwrap();
        assert_eq!((r.exponent, r.step), (-1, 1));
        // computed values
        assert!(infer_resolution(&[1.0 / 3.0, 2.0 / 3.0, 1.0 / 7.0]).is_none());
    }
}

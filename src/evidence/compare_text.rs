//! The words of a comparison: the verdict sentences and the check cards, in Chinese or
//! English. Numbers come from the [`Comparison`]; nothing is computed here but formatting.

use super::compare::{mean_p, num_at, Change, Check, Comparison, MIN_VALUES};
use super::project::Direction;
use crate::i18n::Lang;

/// A number with `d` decimals.
pub fn fixed(x: f64, d: usize) -> String {
    if !x.is_finite() {
        return "*".to_string();
    }
    let s = format!("{x:.d$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() { s[1..].to_string() } else { s }
}

/// A p-value as people read it: `p < 0.001` or `p = 0.012`.
pub fn p_text(p: f64) -> String {
    if p < 0.001 { "p < 0.001".to_string() } else { format!("p = {:.3}", p) }
}

/// A p-value in a table cell: four decimals, `<0.0001` below.
pub fn p_cell(p: f64) -> String {
    if p < 0.0001 { "<0.0001".to_string() } else { format!("{p:.4}") }
}

/// A signed percent with one decimal and a true minus sign: `−14.2%`.
pub fn pct_text(p: Option<f64>) -> String {
    match p {
        None => "—".to_string(),
        Some(p) => {
            // Small changes (a dimension's mean) keep 3 decimals so they do not read as 0.
            // Near −100 % likewise: 6390 → 0.73 PPM is −99.99 %, not −100 %.
            let s = if p != 0.0 && p.abs() < 0.1 {
                format!("{:+.3}%", p)
            } else if p.abs() > 99.95 && p.abs() < 100.0 {
                format!("{:+.2}%", p.signum() * (p.abs() * 100.0).floor() / 100.0)
            } else {
                format!("{:+.1}%", p)
            };
            s.replace('-', "−")
        }
    }
}

/// Parts per million for people: whole numbers from 100, one decimal from 1, else two
/// (0.73 PPM must not print as 1).
pub fn ppm_text(x: f64) -> String {
    if x >= 100.0 { format!("{x:.0}") } else if x >= 1.0 { format!("{x:.1}") } else { format!("{x:.2}") }
}

/// A capability index or PPM for people (2 decimals for indices, whole PPM).
pub fn index_text(x: f64) -> String {
    fixed(x, 2)
}

fn moved(lang: Lang, c: &Change) -> &'static str {
    if c.after < c.before { lang.t("降至", "fell to") } else if c.after > c.before { lang.t("升至", "rose to") } else { lang.t("保持为", "stayed at") }
}

/// The English verb of a change ("fell", "rose", "stayed").
fn verb(c: &Change) -> &'static str {
    if c.after < c.before { "fell" } else if c.after > c.before { "rose" } else { "stayed" }
}

/// The confidence interval of after − before from the Welch document (whose estimate may be
/// before − after: the sign is taken from the estimate).
///
/// With Mann–Whitney as the mean test, this is its interval of the location shift
/// (Hodges–Lehmann), taken from the rank test's document.
pub fn mean_diff_ci(c: &Comparison) -> Option<[f64; 2]> {
    let doc = if c.mean_method == "mann-whitney" { c.mean_test_rank.as_ref()? } else { c.mean_test.as_ref()? };
    let ci = doc.get("ci")?.as_array()?;
    let (lo, hi) = (ci.first()?.as_f64()?, ci.get(1)?.as_f64()?);
    let est = num_at(doc, &["estimate"]).unwrap_or(-c.mean.difference);
    if (est + c.mean.difference).abs() < (est - c.mean.difference).abs() { Some([-hi, -lo]) } else { Some([lo, hi]) }
}

/// The verdict, sentence by sentence.
pub fn verdict(c: &Comparison, lang: Lang) -> Vec<String> {
    let d = c.decimals + 1;
    let mut out = Vec::new();
    let m = &c.mean;
    // On a target, the relative change of the mean says little; the offset from the target
    // and its relative change say what moved.
    let target = c.spec.target.or_else(|| Some((c.spec.lsl? + c.spec.usl?) / 2.0));
    let change = match (c.direction, target) {
        (Some(Direction::Target), Some(t)) if (m.before - t).abs() > 0.0 => {
            let (ob, oa) = ((m.before - t).abs(), (m.after - t).abs());
            let pct = pct_text(Some((oa - ob) / ob * 100.0));
            match lang {
                Lang::Zh => format!("偏离目标 {} → {}，{}", fixed(ob, d), fixed(oa, d), pct),
                Lang::En => format!("offset from target {} → {}, {}", fixed(ob, d), fixed(oa, d), pct),
            }
        }
        _ => pct_text(m.percent),
    };
    let mut s = match lang {
        Lang::Zh => format!("{}均值由 {} {} {}（{}）", c.after, fixed(m.before, d), moved(lang, m), fixed(m.after, d), change),
        Lang::En => format!("The mean {} from {} to {} ({})", verb(m), fixed(m.before, d), fixed(m.after, d), change),
    };
    match (c.direction, m.better) {
        (Some(Direction::Target), Some(b)) => {
            let t = c.spec.target.or_else(|| Some((c.spec.lsl? + c.spec.usl?) / 2.0)).unwrap_or(f64::NAN);
            s += &match (lang, b) {
                (Lang::Zh, true) => format!("，更接近目标值 {}", fixed(t, c.decimals)),
                (Lang::Zh, false) => format!("，离目标值 {} 更远", fixed(t, c.decimals)),
                (Lang::En, true) => format!(", closer to the target {}", fixed(t, c.decimals)),
                (Lang::En, false) => format!(", further from the target {}", fixed(t, c.decimals)),
            };
        }
        (Some(_), Some(b)) => s += if b { lang.t("，方向符合期望", ", in the wanted direction") } else { lang.t("，方向与期望相反", ", against the wanted direction") },
        _ => {}
    }
    let method = if c.mean_method == "mann-whitney" { "Mann–Whitney" } else { "Welch t" };
    if let Some(p) = mean_p(c) {
        let sig = p < c.alpha;
        s += &match lang {
            Lang::Zh => format!("，差异{}（{}，{}", if sig { "显著" } else { "不显著" }, method, p_text(p)),
            Lang::En => format!("; the difference is {}({}, {}", if sig { "significant " } else { "not significant " }, method, p_text(p)),
        };
        if let Some([lo, hi]) = mean_diff_ci(c) {
            let doc = if c.mean_method == "mann-whitney" { c.mean_test_rank.as_ref() } else { c.mean_test.as_ref() };
            let level = doc.and_then(|t| num_at(t, &["conf_level"])).unwrap_or(1.0 - c.alpha) * 100.0;
            let what = if c.mean_method == "mann-whitney" { lang.t("位置偏移", "location shift") } else { lang.t("差值", "change") };
            s += &match lang {
                Lang::Zh => format!("；{what} {:.0}% 置信区间 [{}, {}]", level, fixed(lo, d), fixed(hi, d)),
                Lang::En => format!("; {:.0}% CI of the {what} [{}, {}]", level, fixed(lo, d), fixed(hi, d)),
            };
        }
        s += lang.t("）", ")");
    }
    s += lang.t("。", ".");
    out.push(s);

    let sd = &c.sd;
    let mut s = match lang {
        Lang::Zh => format!("标准差由 {} {} {}（{}）", fixed(sd.before, d + 1), moved(lang, sd), fixed(sd.after, d + 1), pct_text(sd.percent)),
        Lang::En => format!("The standard deviation {} from {} to {} ({})", verb(sd), fixed(sd.before, d + 1), fixed(sd.after, d + 1), pct_text(sd.percent)),
    };
    if let Some(b) = &c.bonett {
        let sig = b.p_value < c.alpha;
        s += &match lang {
            Lang::Zh => format!("，差异{}（Bonett 检验，{}", if sig { "显著" } else { "不显著" }, p_text(b.p_value)),
            Lang::En => format!("; the difference is {}(Bonett, {}", if sig { "significant " } else { "not significant " }, p_text(b.p_value)),
        };
        if let Some(p) = c.levene.as_ref().and_then(|l| num_at(l, &["p_value"])) {
            s += &match lang {
                Lang::Zh => format!("；Levene 检验 {}", p_text(p)),
                Lang::En => format!("; Levene {}", p_text(p)),
            };
        }
        s += lang.t("）", ")");
    }
    s += lang.t("。", ".");
    out.push(s);

    if let Some(k) = &c.cpk {
        // The intervals of Cpk, from the capability documents: "0.80 (0.67–0.93)".
        let with_ci = |i: usize, x: f64| -> String {
            let ci = c.stages.get(i).and_then(|s| s.capability.as_ref()).and_then(|v| v.get("ci")).and_then(|v| v.get("cpk")).and_then(|v| v.as_array()).and_then(|a| Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?)));
            match ci {
                Some((lo, hi)) => format!("{}{}{}–{}{}", index_text(x), lang.t("（", " ("), index_text(lo), index_text(hi), lang.t("）", ")")),
                None => index_text(x),
            }
        };
        let level = c.stages.first().and_then(|s| s.capability.as_ref()).and_then(|v| num_at(v, &["ci", "level"])).unwrap_or(1.0 - c.alpha) * 100.0;
        let mut s = match lang {
            Lang::Zh => format!("Cpk 由 {} {} {}（括号内为 {:.0}% 置信区间）", with_ci(0, k.before), if k.after >= k.before { "提高到" } else { "降低到" }, with_ci(1, k.after), level),
            Lang::En => format!("Cpk {} from {} to {} ({:.0}% intervals in brackets)", if k.after >= k.before { "rose" } else { "fell" }, with_ci(0, k.before), with_ci(1, k.after), level),
        };
        if let Some(p) = &c.ppk {
            s += &match lang {
                Lang::Zh => format!("，Ppk 由 {} 变为 {}", index_text(p.before), index_text(p.after)),
                Lang::En => format!(", Ppk from {} to {}", index_text(p.before), index_text(p.after)),
            };
        }
        if let Some(p) = &c.ppm_expected {
            s += &match lang {
                Lang::Zh => format!("；预期不合格品率由 {} PPM {} {} PPM", ppm_text(p.before), moved(lang, p), ppm_text(p.after)),
                Lang::En => format!("; expected nonconforming {} from {} PPM to {} PPM", verb(p), ppm_text(p.before), ppm_text(p.after)),
            };
        }
        s += lang.t("。", ".");
        out.push(s);
    }
    if let Some(h) = &c.historical {
        out.push(match lang {
            Lang::Zh => format!("按{}的控制限判断，{}的 {} 个点中有 {} 个（{:.0}%）落在限外。", h.limits_from, c.after, h.after_points, h.after_outside, h.after_outside_percent),
            Lang::En => format!("Judged against the {} limits, {} of {} {} points ({:.0}%) fall outside.", h.limits_from, h.after_outside, h.after_points, c.after, h.after_outside_percent),
        });
    }
    out.push(overall(c, lang));
    out
}

/// The closing sentence: is the improvement supported by the data?
fn overall(c: &Comparison, lang: Lang) -> String {
    let mean_ok = c.mean.better == Some(true) && mean_p(c).is_some_and(|p| p < c.alpha);
    let sd_ok = c.sd.better == Some(true) && c.bonett.as_ref().is_some_and(|b| b.p_value < c.alpha);
    let cap_ok = c.cpk.as_ref().is_some_and(|k| k.better == Some(true));
    let unstable = c.stages.iter().any(|s| s.stable == Some(false));
    let base = if mean_ok || sd_ok || (cap_ok && c.direction.is_none()) {
        lang.t("结论：数据支持改进有效", "Conclusion: the data support the improvement")
    } else {
        lang.t("结论：数据尚不足以证明改进有效", "Conclusion: the data do not yet show an improvement")
    };
    let tail = if unstable {
        lang.t("（但有阶段不稳定，见下方提示）。", " (but a stage is not stable: see the cards below).")
    } else {
        lang.t("。", ".")
    };
    format!("{base}{tail}")
}

fn card(id: &str, severity: &str, stage: Option<&str>, title: String, meaning: &str, action: &str) -> Check {
    Check { id: id.into(), severity: severity.into(), stage: stage.map(str::to_string), title, meaning: meaning.into(), action: action.into() }
}

/// Every check that failed or deserves attention, as a card.
pub fn checks(c: &Comparison, lang: Lang) -> Vec<Check> {
    let mut out = Vec::new();
    for e in &c.errors {
        out.push(card(
            "analysis_failed",
            "warn",
            None,
            format!("{}{}", lang.t("未能完成：", "Could not run: "), e.section),
            &e.message,
            lang.t("按提示修正数据或选项后重新运行；其余结论不受影响。", "Fix the data or options as the message says and run again; the other results stand."),
        ));
    }
    for s in &c.stages {
        if s.stable == Some(false) {
            let mut points: Vec<u64> = s.violations.location.iter().chain(&s.violations.dispersion).map(|v| v.point).collect();
            points.sort_unstable();
            points.dedup();
            let pts: Vec<String> = points.iter().map(u64::to_string).collect();
            out.push(card(
                "unstable",
                "fail",
                Some(&s.name),
                match lang {
                    Lang::Zh => format!("{}阶段不稳定：控制图上有 {} 个判异点（点 {}）", s.name, pts.len(), pts.join("、")),
                    Lang::En => format!("Stage {} is not stable: the control chart signals at {} point{} ({})", s.name, pts.len(), if pts.len() == 1 { "" } else { "s" }, pts.join(", ")),
                },
                lang.t(
                    "过程存在特殊原因，该阶段的均值、标准差和过程能力描述的是一个变动中的过程，不能据此预测今后的表现。",
                    "A special cause is acting: this stage's mean, spread and capability describe a moving process and do not predict future output.",
                ),
                lang.t(
                    "逐点查明判异原因并记录；有确凿原因的点才可剔除，消除原因后重新收集数据。",
                    "Find and record the cause of each signal; drop a point only with a documented cause, then collect data again once the cause is removed.",
                ),
            ));
        }
        if let Some(p) = s.normality.as_ref().and_then(|v| num_at(v, &["p_value"])) {
            if p < c.alpha {
                out.push(card(
                    "non_normal",
                    "warn",
                    Some(&s.name),
                    match lang {
                        Lang::Zh => format!("{}阶段数据不服从正态分布（Anderson–Darling，{}）", s.name, p_text(p)),
                        Lang::En => format!("Stage {} is not normal (Anderson–Darling, {})", s.name, p_text(p)),
                    },
                    lang.t(
                        "基于正态分布的 Cpk/Ppk 与预期 PPM 可能失真；均值比较在样本较大时仍然可靠。",
                        "Normal-based Cpk/Ppk and expected PPM may be off; the mean comparison stays reliable for large samples.",
                    ),
                    lang.t(
                        "检查是否混入不同的过程（设备、班次）或测量分辨率过粗；必要时用非正态能力分析（Box-Cox/Johnson）。",
                        "Check for mixed processes (machines, shifts) or a coarse gauge; use non-normal capability (Box-Cox/Johnson) if needed.",
                    ),
                ));
            }
        }
        if s.n < MIN_VALUES {
            out.push(card(
                "small_sample",
                "warn",
                Some(&s.name),
                match lang {
                    Lang::Zh => format!("{}阶段只有 {} 个数据（建议至少 {} 个）", s.name, s.n, MIN_VALUES),
                    Lang::En => format!("Stage {} has only {} values (at least {} recommended)", s.name, s.n, MIN_VALUES),
                },
                lang.t("过程能力指数的置信区间很宽，估计值可能与真实能力相差较大。", "The capability intervals are wide: the estimates may be far from the true capability."),
                lang.t("继续收集数据，达到 100 个以上再评价过程能力。", "Collect more data (100 or more) before judging capability."),
            ));
        }
    }
    if let Some(p) = mean_p(c) {
        if p >= c.alpha && c.direction.is_some() {
            out.push(card(
                "mean_not_significant",
                "warn",
                None,
                match lang {
                    Lang::Zh => format!("均值变化不显著（{}）", p_text(p)),
                    Lang::En => format!("The mean change is not significant ({})", p_text(p)),
                },
                lang.t("观察到的均值差异可能只是抽样波动。", "The observed change of the mean may be sampling noise."),
                lang.t("增加样本量，或确认措施确实作用于均值。", "Collect more data, or check that the measures act on the mean."),
            ));
        } else if p < c.alpha && c.mean.better == Some(false) {
            out.push(card(
                "wrong_direction",
                "fail",
                None,
                lang.t("均值显著变化，但方向与期望相反", "The mean changed significantly, but in the unwanted direction").to_string(),
                lang.t("改进措施使指标变差。", "The measures made the metric worse."),
                lang.t("复核措施与数据阶段标签是否正确。", "Check the measures and that the stage labels are right."),
            ));
        }
    }
    if c.spec.lsl.is_none() && c.spec.usl.is_none() {
        out.push(card(
            "no_spec",
            "info",
            None,
            lang.t("未给出规格限，未评价过程能力", "No specification limits: capability not assessed").to_string(),
            lang.t("无法给出 Cpk/Ppk 与不合格品率。", "Cpk/Ppk and nonconforming rates cannot be given."),
            lang.t("用 --lsl/--usl 给出规格限。", "Give the limits with --lsl/--usl."),
        ));
    }
    if let Some(k) = &c.cpk {
        if k.after < 1.33 {
            out.push(card(
                "capability_low",
                "warn",
                Some(&c.after),
                match lang {
                    Lang::Zh => format!("{} Cpk = {}，低于 1.33", c.after, index_text(k.after)),
                    Lang::En => format!("{} Cpk = {}, below 1.33", c.after, index_text(k.after)),
                },
                lang.t("过程能力仍不充足，会持续产生不合格品。", "Capability is still not adequate: nonconforming output will continue."),
                lang.t("继续减小波动或使均值对中。", "Reduce the spread further or centre the process."),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(p_text(0.0001), "p < 0.001");
        assert_eq!(p_text(0.0234), "p = 0.023");
        assert_eq!(pct_text(Some(-14.23)), "−14.2%");
        assert_eq!(pct_text(Some(3.0)), "+3.0%");
        assert_eq!(pct_text(Some(-99.9886)), "−99.98%");
        assert_eq!(pct_text(Some(-100.0)), "−100.0%");
        assert_eq!(ppm_text(0.734), "0.73");
        assert_eq!(ppm_text(6389.6), "6390");
        assert_eq!(fixed(-0.00001, 3), "0.000");
        assert_eq!(fixed(12.845, 2), "12.85");
    }
}

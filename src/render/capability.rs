//! Capability output: the Minitab-like text report (zh/en), the warnings, and the
//! capability sixpack figure (SVG/PNG).

use crate::capability::dist::DistKind;
use crate::capability::{CapabilityResult, Model, Options, StageCapability};
use crate::dataset::Subgroups;
use crate::i18n::Lang;
use crate::render::{fmt_num, TextTable};

mod figure;
pub use figure::write_figure;

/// Level of the normality test under which the data are called non-normal.
const NORMALITY_ALPHA: f64 = crate::capability::NON_NORMAL_P;

/// Human-readable report of every stage and the comparison.
pub fn text_report(res: &CapabilityResult, column: &str, lang: Lang) -> String {
    let mut out = String::new();
    for st in &res.stages {
        out.push_str(&stage_text(st, column, lang));
        out.push('\n');
    }
    if let Some(c) = &res.comparison {
        out.push_str(&comparison_text(res, c, lang));
    }
    out
}

fn sigma_method_label(st: &StageCapability, lang: Lang) -> String {
    let m = st.sigma_method.as_str();
    let label = match m {
        "rbar" => "R̄/d2",
        "sbar" => "S̄/c4",
        "pooled" => lang.t("合并标准差/c4", "pooled SD/c4"),
        "mr" => "MR̄/d2",
        other => other,
    };
    label.to_string()
}

fn ci_text(ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([a, b]) => format!("({}, {})", fmt3(a), fmt3(b)),
        None => String::new(),
    }
}

/// Indices are read to 2–3 decimals; 4 significant digits are plenty.
fn fmt3(x: f64) -> String {
    if !x.is_finite() {
        return "*".into();
    }
    if x.abs() >= 1000.0 { format!("{x:.0}") } else { format!("{x:.3}") }
}

fn opt3(x: Option<f64>) -> String {
    x.map(fmt3).unwrap_or_else(|| "*".into())
}

fn stage_text(st: &StageCapability, column: &str, lang: Lang) -> String {
    let mut s = String::new();
    let stage = if st.name == "all" { String::new() } else { format!(" — {}", st.name) };
    s.push_str(&match lang {
        Lang::Zh => format!("“{column}”的过程能力{stage}\n"),
        Lang::En => format!("Process capability of {column}{stage}\n"),
    });
    // Process data
    let mut pd = TextTable::new([lang.t("过程数据", "Process data"), ""]).align_right(1);
    pd.row([lang.t("规格下限 LSL", "LSL").to_string(), fmt_num(st.lsl)]);
    pd.row([lang.t("目标值", "Target").to_string(), fmt_num(st.target)]);
    pd.row([lang.t("规格上限 USL", "USL").to_string(), fmt_num(st.usl)]);
    pd.row([lang.t("样本均值", "Sample mean").to_string(), fmt_num(Some(st.mean))]);
    pd.row([lang.t("样本量 N", "Sample N").to_string(), st.n.to_string()]);
    pd.row([lang.t("子组数", "Subgroups").to_string(), st.subgroups.to_string()]);
    pd.row([format!("{} ({})", lang.t("组内标准差", "StDev (within)"), sigma_method_label(st, lang)), fmt_num(Some(st.sigma_within))]);
    pd.row([lang.t("整体标准差", "StDev (overall)").to_string(), fmt_num(Some(st.sigma_overall))]);
    s.push_str(&pd.render());
    if let Some(t) = &st.transform {
        s.push_str(&match lang {
            Lang::Zh => format!(
                "Box-Cox 变换：λ = {}（{}），变换后 LSL = {}，USL = {}；下表为变换后数据的指数\n",
                fmt_num(Some(t.lambda)),
                if t.lambda_source == "mle" { "最大似然估计" } else { "指定" },
                fmt_num(t.lsl),
                fmt_num(t.usl)
            ),
            Lang::En => format!(
                "Box-Cox transform: λ = {} ({}), transformed LSL = {}, USL = {}; indices below are of the transformed data\n",
                fmt_num(Some(t.lambda)),
                if t.lambda_source == "mle" { "maximum likelihood" } else { "given" },
                fmt_num(t.lsl),
                fmt_num(t.usl)
            ),
        });
    }
    if let Some(d) = &st.distribution {
        let params: Vec<String> = d.parameters.iter().map(|(k, v)| format!("{k} = {}", fmt_num(Some(*v)))).collect();
        s.push_str(&match lang {
            Lang::Zh => format!(
                "拟合分布：{}（{}），AD = {}；百分位数法（ISO 22514-2）：X0.00135 = {}，X0.5 = {}，X0.99865 = {}\n",
                d.distribution.zh(),
                params.join("，"),
                fmt3(d.ad_statistic),
                fmt_num(Some(d.p00135)),
                fmt_num(Some(d.p50)),
                fmt_num(Some(d.p99865))
            ),
            Lang::En => format!(
                "Fitted distribution: {} ({}), AD = {}; percentile method (ISO 22514-2): X0.00135 = {}, X0.5 = {}, X0.99865 = {}\n",
                d.distribution.as_str(),
                params.join(", "),
                fmt3(d.ad_statistic),
                fmt_num(Some(d.p00135)),
                fmt_num(Some(d.p50)),
                fmt_num(Some(d.p99865))
            ),
        });
    }
    s.push('\n');
    // Indices
    let pct = format!("{}% CI", fmt_num(Some(st.ci.level * 100.0)));
    let mut ix = TextTable::new([
        lang.t("指数", "Index").to_string(),
        lang.t("组内（潜在）", "Within (potential)").to_string(),
        pct.clone(),
        lang.t("整体", "Overall").to_string(),
        pct,
    ])
    .align_right(1)
    .align_right(3);
    ix.row(["Cp | Pp".to_string(), opt3(st.cp), ci_text(st.ci.cp), opt3(st.pp), ci_text(st.ci.pp)]);
    ix.row(["CPL | PPL".to_string(), opt3(st.cpl), String::new(), opt3(st.ppl), String::new()]);
    ix.row(["CPU | PPU".to_string(), opt3(st.cpu), String::new(), opt3(st.ppu), String::new()]);
    ix.row(["Cpk | Ppk".to_string(), opt3(st.cpk), ci_text(st.ci.cpk), opt3(st.ppk), ci_text(st.ci.ppk)]);
    ix.row(["Z.bench".to_string(), opt3(st.z_bench_within), String::new(), opt3(st.z_bench_overall), String::new()]);
    ix.row(["Cpm".to_string(), String::new(), String::new(), opt3(st.cpm), String::new()]);
    s.push_str(&ix.render());
    s.push('\n');
    // PPM
    let mut pp = TextTable::new([
        lang.t("性能（PPM）", "Performance (PPM)"),
        lang.t("实测", "Observed"),
        lang.t("预期（组内）", "Expected within"),
        lang.t("预期（整体）", "Expected overall"),
    ])
    .align_right(1)
    .align_right(2)
    .align_right(3);
    let w = st.ppm.expected_within;
    let o = &st.ppm;
    pp.row(["PPM < LSL".to_string(), fmt_ppm(o.observed.below), fmt_ppm(w.and_then(|t| t.below)), fmt_ppm(o.expected_overall.below)]);
    pp.row(["PPM > USL".to_string(), fmt_ppm(o.observed.above), fmt_ppm(w.and_then(|t| t.above)), fmt_ppm(o.expected_overall.above)]);
    pp.row([lang.t("合计", "PPM total").to_string(), fmt_ppm(Some(o.observed.total)), fmt_ppm(w.map(|t| t.total)), fmt_ppm(Some(o.expected_overall.total))]);
    s.push_str(&pp.render());
    if let Some(nm) = &st.normality {
        s.push_str(&match lang {
            Lang::Zh => format!("正态性（Anderson-Darling）：A² = {}，{}\n", fmt3(nm.statistic), p_text("P", nm.p_value)),
            Lang::En => format!("Normality (Anderson-Darling): A² = {}, {}\n", fmt3(nm.statistic), p_text("p", nm.p_value)),
        });
    }
    if let Some(line) = verdict(st, lang) {
        s.push_str(&line);
    }
    if !st.fits.is_empty() {
        let list: Vec<String> = st.fits.iter().map(|f| format!("{} {}", name(f.distribution, lang), fmt3(f.ad_statistic))).collect();
        s.push_str(&format!("{}{}\n", lang.t("各分布拟合的 AD 值（越小越好）：", "AD of each fitted distribution (smaller is better): "), list.join(", ")));
    }
    s
}

/// The usual grading of a capability index (AIAG/ISO 22514 practice, also the grades of
/// Chinese quality manuals): ≥ 1.67 excellent, 1.33–1.67 adequate, 1.00–1.33 marginal,
/// 0.67–1.00 inadequate, < 0.67 very poor. Graded on Cpk (Ppk for a fitted distribution).
fn verdict(st: &StageCapability, lang: Lang) -> Option<String> {
    let (name, k) = match (st.cpk, st.ppk) {
        (Some(c), _) => ("Cpk", c),
        (None, Some(p)) => ("Ppk", p),
        _ => return None,
    };
    let grade = match k {
        k if k >= 1.67 => lang.t("能力充分（≥ 1.67）", "excellent (≥ 1.67)"),
        k if k >= 1.33 => lang.t("能力充足（1.33–1.67）", "adequate (1.33–1.67)"),
        k if k >= 1.0 => lang.t("能力尚可，需改进（1.00–1.33）", "marginal, improve (1.00–1.33)"),
        k if k >= 0.67 => lang.t("能力不足（0.67–1.00）", "inadequate (0.67–1.00)"),
        _ => lang.t("能力严重不足（< 0.67）", "very poor (< 0.67)"),
    };
    let caveat = match (&st.normality, &st.distribution, &st.transform) {
        (Some(nm), None, None) if nm.p_value < NORMALITY_ALPHA => lang.t("；但数据非正态，此结论需用非正态方法复核", "; but the data are not normal: confirm with a non-normal method"),
        _ => "",
    };
    Some(match lang {
        Lang::Zh => format!("结论：{name} = {}，{grade}{caveat}\n", fmt3(k)),
        Lang::En => format!("Verdict: {name} = {}, {grade}{caveat}\n", fmt3(k)),
    })
}

fn name(k: DistKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => k.zh(),
        Lang::En => k.as_str(),
    }
}

/// A change with its sign: +0.012, −0.5.
fn signed(x: f64) -> String {
    if x > 0.0 { format!("+{}", fmt_num(Some(x))) } else { fmt_num(Some(x)) }
}

fn fmt_ppm(x: Option<f64>) -> String {
    match x {
        None => "*".into(),
        Some(v) if v == 0.0 => "0".into(),
        Some(v) if v < 0.01 => format!("{v:.2e}"),
        Some(v) => format!("{v:.2}"),
    }
}

/// "P = 0.015" or "P < 0.001" (`name` is "P" or "p").
fn p_text(name: &str, p: f64) -> String {
    if p < 0.001 { format!("{name} < 0.001") } else { format!("{name} = {p:.3}") }
}

fn comparison_text(res: &CapabilityResult, c: &crate::capability::compare::Comparison, lang: Lang) -> String {
    let (a, b) = (&res.stages[0], &res.stages[1]);
    let mut s = String::new();
    s.push_str(&match lang {
        Lang::Zh => format!("改进前后对比：{} → {}\n", c.before, c.after),
        Lang::En => format!("Before/after: {} → {}\n", c.before, c.after),
    });
    let mut t = TextTable::new([lang.t("项目", "Quantity"), &c.before, &c.after, lang.t("变化", "Change")]).align_right(1).align_right(2).align_right(3);
    let d = |x: Option<f64>| x.map(|v| format!("{v:+.3}")).unwrap_or_else(|| "*".into());
    t.row([lang.t("均值", "Mean").to_string(), fmt_num(Some(a.mean)), fmt_num(Some(b.mean)), signed(c.delta_mean)]);
    t.row([lang.t("组内标准差", "StDev (within)").to_string(), fmt_num(Some(a.sigma_within)), fmt_num(Some(b.sigma_within)), signed(c.delta_sigma_within)]);
    t.row([lang.t("整体标准差", "StDev (overall)").to_string(), fmt_num(Some(a.sigma_overall)), fmt_num(Some(b.sigma_overall)), format!("×{}", fmt3(c.sigma_overall_ratio))]);
    t.row(["Cpk".to_string(), opt3(a.cpk), opt3(b.cpk), d(c.delta_cpk)]);
    t.row(["Ppk".to_string(), opt3(a.ppk), opt3(b.ppk), d(c.delta_ppk)]);
    t.row([
        lang.t("预期 PPM（整体）", "Expected PPM (overall)").to_string(),
        fmt_ppm(Some(a.ppm.expected_overall.total)),
        fmt_ppm(Some(b.ppm.expected_overall.total)),
        c.ppm_ratio.map(|r| format!("×{}", fmt3(r))).unwrap_or_else(|| "*".into()),
    ]);
    s.push_str(&t.render());
    for test in [&c.mean_test, &c.variance_test, &c.levene_test].into_iter().flatten() {
        let what = match (test.test.as_str(), lang) {
            ("welch-t", Lang::Zh) => "均值差异（Welch t 检验）",
            ("welch-t", Lang::En) => "Means differ? (Welch t test)",
            ("f", Lang::Zh) => "方差差异（F 检验）",
            ("f", Lang::En) => "Variances differ? (F test)",
            (_, Lang::Zh) => "方差差异（Levene 检验，中位数）",
            (_, Lang::En) => "Variances differ? (Levene test, median)",
        };
        let verdict = if test.p_value < 0.05 { lang.t("显著", "significant") } else { lang.t("不显著", "not significant") };
        s.push_str(&format!("{what}: {} = {}, {} ({verdict}, α = 0.05)\n", if test.test == "welch-t" { "t" } else { "F" }, fmt3(test.statistic), p_text("P", test.p_value)));
    }
    s
}

/// Warnings about the method: non-normal data analysed with the normal model (with the
/// best-fitting alternative), small samples.
pub fn warnings(res: &CapabilityResult, sg: &Subgroups, opts: &Options, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for (st, span) in res.stages.iter().zip(&sg.stages) {
        let label = if st.name == "all" { String::new() } else { format!("[{}] ", st.name) };
        if opts.model == Model::Normal {
            if let Some(nm) = st.normality.as_ref().filter(|n| n.p_value < NORMALITY_ALPHA) {
                let best = st.fits.iter().find(|f| f.distribution != DistKind::Normal);
                let positive = sg.stage_values(span).iter().all(|&x| x > 0.0);
                let suggestion = match (best, positive) {
                    (Some(b), _) => format!("--dist {} (AD {}) {} --transform box-cox", b.distribution.as_str(), fmt3(b.ad_statistic), lang.t("或", "or")),
                    (None, true) => "--transform box-cox".to_string(),
                    (None, false) => lang.t("先查明非正态的原因（混杂、异常值）", "find the cause first (mixture, outliers)").to_string(),
                };
                out.push(match lang {
                    Lang::Zh => format!("{label}数据不服从正态分布（Anderson-Darling {}），基于正态的指数和 PPM 可能失真；可改用 {suggestion}", p_text("P", nm.p_value)),
                    Lang::En => format!("{label}the data are not normal (Anderson-Darling {}): normal-based indices and PPM may mislead; consider {suggestion}", p_text("p", nm.p_value)),
                });
            }
        }
        if let (Model::BoxCox { .. }, Some(nm)) = (opts.model, st.normality.as_ref()) {
            if nm.p_value < NORMALITY_ALPHA {
                out.push(match lang {
                    Lang::Zh => format!("{label}Box-Cox 变换后数据仍不服从正态分布（{}）：请改用 --dist 拟合分布", p_text("P", nm.p_value)),
                    Lang::En => format!("{label}the Box-Cox transformed data are still not normal ({}): try --dist with a fitted distribution", p_text("p", nm.p_value)),
                });
            }
        }
        if let (Some(d), Some(best)) = (st.distribution.as_ref(), st.fits.first()) {
            if best.distribution != d.distribution && best.ad_statistic < 0.8 * d.ad_statistic {
                out.push(match lang {
                    Lang::Zh => format!("{label}{}分布拟合更好（AD {} 对 {}），可考虑 --dist {}", best.distribution.zh(), fmt3(best.ad_statistic), fmt3(d.ad_statistic), best.distribution.as_str()),
                    Lang::En => format!("{label}the {} distribution fits better (AD {} against {}): consider --dist {}", best.distribution.as_str(), fmt3(best.ad_statistic), fmt3(d.ad_statistic), best.distribution.as_str()),
                });
            }
        }
        if st.n < 30 {
            out.push(match lang {
                Lang::Zh => format!("{label}只有 {} 个数据，指数的置信区间较宽，请结合区间判断", st.n),
                Lang::En => format!("{label}only {} values: the indices' confidence intervals are wide, read them with the intervals", st.n),
            });
        }
    }
    out
}

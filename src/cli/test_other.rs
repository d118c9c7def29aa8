//! `qce test` glue for the rank, count and rate tests: mann-whitney, wilcoxon, kruskal, chisq,
//! prop2, poisson2 (analysis in `tests::{rank, contingency, rates}`).

use super::test::{column, complete_pairs, extremes, load, parse_levels, split_by_group, TestArgs};
use super::{Ctx, Output};
use crate::error::{QceError, Result};
use crate::i18n::Lang;
use super::common::excluded_warning;
use crate::ingest::Table;
use crate::render::{fmt_num, TextTable};
use crate::tests::alternative::Alternative;
use crate::tests::{contingency, rank, rates};
use serde_json::{json, Value};

/// Run one of this file's tests.
pub fn run(args: &TestArgs, ctx: &Ctx) -> Result<Output> {
    let (alt, alpha, conf) = parse_levels(args)?;
    let s = Settings { alt, alpha, conf, lang: ctx.lang };
    match args.name.as_str() {
        "mann-whitney" => mann_whitney(args, &s),
        "wilcoxon" => wilcoxon(args, &s),
        "kruskal" => kruskal(args, &s),
        "chisq" => chisq(args, &s),
        "prop2" => prop2(args, &s),
        "poisson2" => poisson2(args, &s),
        other => Err(QceError::usage(format!("unknown test '{other}'"))),
    }
}

struct Settings {
    alt: Alternative,
    alpha: f64,
    conf: f64,
    lang: Lang,
}

impl Settings {
    fn significant(&self, p: f64) -> bool {
        p < self.alpha
    }
    /// "statistically significant at α = 0.05 (p = 0.012)" or its negation.
    fn verdict(&self, p: f64) -> String {
        let (a, pv) = (short(Some(self.alpha)), fmt_p(p));
        match (self.lang, self.significant(p)) {
            (Lang::Zh, true) => format!("在 α = {a} 水平下统计显著（{pv}）"),
            (Lang::Zh, false) => format!("在 α = {a} 水平下不显著（{pv}）"),
            (Lang::En, true) => format!("statistically significant at α = {a} ({pv})"),
            (Lang::En, false) => format!("not statistically significant at α = {a} ({pv})"),
        }
    }
    fn conf_pct(&self) -> String {
        format!("{}%", fmt_num(Some(self.conf * 100.0)))
    }
    /// "95% CI 1.2 to 3.4" for an interval that may be one-sided.
    fn ci_text(&self, ci: [Option<f64>; 2], scale: f64, unit: &str) -> String {
        let f = |v: Option<f64>| v.map(|v| format!("{}{unit}", short(Some(v * scale))));
        let c = self.conf_pct();
        match (self.lang, f(ci[0]), f(ci[1])) {
            (Lang::Zh, Some(a), Some(b)) => format!("{c} 置信区间 {a} 至 {b}"),
            (Lang::Zh, Some(a), None) => format!("{c} 置信下限 {a}"),
            (Lang::Zh, None, Some(b)) => format!("{c} 置信上限 {b}"),
            (Lang::En, Some(a), Some(b)) => format!("{c} CI {a} to {b}"),
            (Lang::En, Some(a), None) => format!("{c} lower bound {a}"),
            (Lang::En, None, Some(b)) => format!("{c} upper bound {b}"),
            (Lang::Zh, None, None) => format!("数据太少，无法给出 {c} 置信区间"),
            (Lang::En, None, None) => format!("too few values for a {c} interval"),
        }
    }
}

/// A number for a sentence: 4 significant digits (3 decimals at most above 1), no trailing zeros.
fn short(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() && v != 0.0 => {
            let mag = v.abs().log10().floor() as i32;
            if !(-4..=9).contains(&mag) {
                return format!("{v:.3e}");
            }
            let decimals = (3 - mag).clamp(0, 6) as usize;
            let s = format!("{v:.decimals$}");
            if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
        }
        other => fmt_num(other),
    }
}

/// A p-value for people: 3 significant digits, "p < 0.0001" below that.
fn fmt_p(p: f64) -> String {
    if !p.is_finite() {
        return "p = *".to_string();
    }
    if p < 1e-4 {
        return "p < 0.0001".to_string();
    }
    let mag = p.log10().floor() as i32;
    let decimals = (2 - mag).max(0) as usize;
    let s = format!("{p:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    format!("p = {s}")
}

fn need<'a>(opt: &'a Option<String>, flag: &str, test: &str) -> Result<&'a str> {
    opt.as_deref().ok_or_else(|| QceError::usage(format!("test {test} needs {flag} COL")))
}

/// The samples of a k-sample test: `--value COL --group COL` (stacked), or `--value A,B,...`
/// without `--group` (one column per sample, as Minitab's "samples in separate columns").
/// Returns the labels, their values, the group column's name ("--value" for separate columns)
/// and the value column's name (the column names joined by commas for separate columns).
fn samples(table: &Table, args: &TestArgs, test: &str, lang: Lang, warnings: &mut Vec<String>) -> Result<(Vec<String>, Vec<Vec<f64>>, String, String)> {
    let value = need(&args.value, "--value", test)?;
    if let Some(group) = &args.group {
        let g = split_by_group(table, value, group, lang, warnings)?;
        return Ok((g.names, g.values, g.group, g.value));
    }
    let cols: Vec<&str> = value.split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
    if cols.len() < 2 {
        return Err(QceError::usage(format!(
            "test {test} needs --group COL (labels of the samples), or --value A,B,... with one column per sample"
        )));
    }
    let mut names = Vec::new();
    let mut groups = Vec::new();
    for c in cols {
        let (name, values) = column(table, c, lang, warnings)?;
        groups.push(values);
        names.push(name);
    }
    let value = names.join(",");
    Ok((names, groups, "--value".to_string(), value))
}

fn exactly_two(names: &[String], group: &str, test: &str) -> Result<()> {
    if names.len() != 2 {
        let hint = if names.len() > 2 { " Use kruskal (medians) or anova (means) for more groups, or filter the file to two." } else { "" };
        return Err(QceError::analysis(format!(
            "test {test} compares two groups, but column '{group}' has {} group(s) with data: {}.{hint}",
            names.len(),
            names.join(", ")
        ))
        .with_column(group));
    }
    Ok(())
}

/// The contract's `test` document.
#[allow(clippy::too_many_arguments)]
fn doc(test: &str, method: &str, statistic: Option<f64>, df: Value, p: f64, s: &Settings, estimate: Option<f64>, ci: Value, conclusion: &str) -> Value {
    json!({
        "test": test,
        "method": method,
        "statistic": finite(statistic),
        "df": df,
        "p_value": finite(Some(p)),
        "alternative": s.alt.as_str(),
        "estimate": finite(estimate),
        "ci": ci,
        "conf_level": s.conf,
        "alpha": s.alpha,
        "conclusion": conclusion,
    })
}

fn finite(v: Option<f64>) -> Value {
    match v {
        Some(x) if x.is_finite() => json!(x),
        _ => Value::Null,
    }
}

fn ci_json(ci: [Option<f64>; 2]) -> Value {
    json!([finite(ci[0]), finite(ci[1])])
}

fn extend(doc: &mut Value, extra: Value) {
    if let (Some(d), Value::Object(e)) = (doc.as_object_mut(), extra) {
        d.extend(e);
    }
}

fn kv_table(rows: &[(&str, String)]) -> String {
    let mut t = TextTable::new(["", ""]);
    for (k, v) in rows {
        t.row([k.to_string(), v.clone()]);
    }
    // Drop the empty header line and rule: a key/value block reads better without them.
    t.render().lines().skip(2).map(|l| format!("{l}\n")).collect()
}

fn higher_lower(lang: Lang, diff: f64) -> &'static str {
    match (lang, diff.partial_cmp(&0.0)) {
        (Lang::Zh, Some(std::cmp::Ordering::Greater)) => "高于",
        (Lang::Zh, Some(std::cmp::Ordering::Less)) => "低于",
        (Lang::Zh, _) => "等于",
        (Lang::En, Some(std::cmp::Ordering::Greater)) => "higher than",
        (Lang::En, Some(std::cmp::Ordering::Less)) => "lower than",
        (Lang::En, _) => "equal to",
    }
}

fn mann_whitney(args: &TestArgs, s: &Settings) -> Result<Output> {
    let table = load(args)?;
    let mut warnings = Vec::new();
    let (names, groups, group, value) = samples(&table, args, "mann-whitney", s.lang, &mut warnings)?;
    let group_key = args.group.is_some().then_some(group.as_str());
    let group = group.as_str();
    exactly_two(&names, group, "mann-whitney")?;
    let r = rank::mann_whitney(&groups[0], &groups[1], s.alt, s.conf)?;
    let (a, b) = (&names[0], &names[1]);
    let est = fmt_num(Some(r.estimate));
    let conclusion = match s.lang {
        Lang::Zh => format!(
            "{a}（中位数 {}）{}{b}（中位数 {}），位置差 {a} − {b} 的估计为 {est}（{}）；该差异{}。",
            short(Some(r.median1)),
            higher_lower(s.lang, r.estimate),
            short(Some(r.median2)),
            s.ci_text(r.ci, 1.0, ""),
            s.verdict(r.p_value)
        ),
        Lang::En => format!(
            "{a} (median {}) is {} {b} (median {}): the estimated shift {a} − {b} is {est} ({}); the difference is {}.",
            short(Some(r.median1)),
            higher_lower(s.lang, r.estimate),
            short(Some(r.median2)),
            s.ci_text(r.ci, 1.0, ""),
            s.verdict(r.p_value)
        ),
    };
    let method = "Mann-Whitney rank-sum test (normal approximation with tie and continuity corrections); Hodges-Lehmann shift";
    let mut d = doc("mann-whitney", method, Some(r.rank_sum), Value::Null, r.p_value, s, Some(r.estimate), ci_json(r.ci), &conclusion);
    extend(
        &mut d,
        json!({
            "groups": [{"name": a, "n": r.n1, "median": r.median1}, {"name": b, "n": r.n2, "median": r.median2}],
            "u": r.u, "z": finite(Some(r.z)), "exact_p_value": r.exact_p_value, "ties": r.ties,
            "ci_achieved_conf": finite(Some(r.achieved_conf)), "ci_method": r.ci_method,
            "column": value, "group": group_key,
        }),
    );
    let mut t = TextTable::new([s.lang.t("组", "Group"), "N", s.lang.t("中位数", "Median")]).align_right(1).align_right(2);
    t.row([a.clone(), r.n1.to_string(), fmt_num(Some(r.median1))]);
    t.row([b.clone(), r.n2.to_string(), fmt_num(Some(r.median2))]);
    let mut text = format!("{}\n\n{}", s.lang.t("Mann-Whitney 检验（秩和检验）", "Mann-Whitney test (rank sum)"), t.render());
    let ci_label = format!("{} {}", s.conf_pct(), s.lang.t("置信区间", "CI"));
    text += &kv_table(&[
        ("W", fmt_num(Some(r.rank_sum))),
        ("U", fmt_num(Some(r.u))),
        ("z", fmt_num(Some(r.z))),
        ("p", fmt_num(Some(r.p_value))),
        (s.lang.t("精确 p", "exact p"), r.exact_p_value.map_or_else(|| s.lang.t("（有结或样本 ≥ 50，不计算）", "(ties or n ≥ 50: not computed)").to_string(), |p| fmt_num(Some(p)))),
        (s.lang.t("位置差估计", "Shift estimate"), est),
        (&ci_label, format!("[{}, {}]", fmt_num(r.ci[0]), fmt_num(r.ci[1]))),
    ]);
    text = format!("{text}\n{conclusion}\n");
    Ok(Output::new(d, text, warnings))
}

fn wilcoxon(args: &TestArgs, s: &Settings) -> Result<Output> {
    let table = load(args)?;
    let value = need(&args.value, "--value", "wilcoxon")?;
    let mut warnings = Vec::new();
    let cols: Vec<String> = value.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
    let (data, label) = match cols.as_slice() {
        [one] => {
            let (name, values) = column(&table, one, s.lang, &mut warnings)?;
            (values, name)
        }
        [a, b] => {
            let (name_a, name_b, xs, ys) = complete_pairs(&table, a, b, s.lang, &mut warnings)?;
            (xs.iter().zip(&ys).map(|(x, y)| x - y).collect(), format!("{name_a} − {name_b}"))
        }
        _ => return Err(QceError::usage("wilcoxon takes --value COL (one sample, with --mu) or --value A,B (paired, differences A−B)")),
    };
    let mu = args.mu.unwrap_or(0.0);
    if args.mu.is_none() && cols.len() == 1 {
        warnings.push(s.lang.t("未给出 --mu，检验中位数是否等于 0", "no --mu given: testing whether the median is 0").to_string());
    }
    let r = rank::signed_rank(&data, mu, s.alt, s.conf)?;
    let est = fmt_num(Some(r.estimate));
    let paired = cols.len() == 2;
    let subject = if paired {
        match s.lang {
            Lang::Zh => format!("配对差值 {label} 的中位数"),
            Lang::En => format!("the median of the paired differences {label}"),
        }
    } else {
        match s.lang {
            Lang::Zh => format!("{label} 的中位数"),
            Lang::En => format!("the median of {label}"),
        }
    };
    let conclusion = match s.lang {
        Lang::Zh => format!(
            "{subject}估计为 {est}（{}），{} {}；该差异{}。",
            s.ci_text(r.ci, 1.0, ""),
            higher_lower(s.lang, r.estimate - mu),
            short(Some(mu)),
            s.verdict(r.p_value)
        ),
        Lang::En => {
            let mut c = format!(
                "{subject} is estimated at {est} ({}), {} {}; the difference is {}.",
                s.ci_text(r.ci, 1.0, ""),
                higher_lower(s.lang, r.estimate - mu),
                short(Some(mu)),
                s.verdict(r.p_value)
            );
            c.replace_range(..1, &c[..1].to_uppercase());
            c
        }
    };
    let method = if paired {
        "Wilcoxon signed-rank test, paired (normal approximation with tie and continuity corrections); Hodges-Lehmann estimate"
    } else {
        "Wilcoxon signed-rank test, one sample (normal approximation with tie and continuity corrections); Hodges-Lehmann estimate"
    };
    let mut d = doc("wilcoxon", method, Some(r.v), Value::Null, r.p_value, s, Some(r.estimate), ci_json(r.ci), &conclusion);
    extend(
        &mut d,
        json!({
            "n": r.n, "n_nonzero": r.n_nonzero, "mu": r.mu, "median": r.median, "paired": paired,
            "z": finite(Some(r.z)), "exact_p_value": r.exact_p_value, "ties": r.ties,
            "ci_achieved_conf": finite(Some(r.achieved_conf)), "ci_method": r.ci_method, "column": label,
        }),
    );
    let ci_label = format!("{} {}", s.conf_pct(), s.lang.t("置信区间", "CI"));
    let mut text = format!("{} — {label}\n\n", s.lang.t("Wilcoxon 符号秩检验", "Wilcoxon signed-rank test"));
    text += &kv_table(&[
        ("N", r.n.to_string()),
        (s.lang.t("参与检验的 N（≠ mu）", "N for test (≠ mu)"), r.n_nonzero.to_string()),
        (s.lang.t("中位数", "Median"), fmt_num(Some(r.median))),
        ("mu", fmt_num(Some(mu))),
        ("V", fmt_num(Some(r.v))),
        ("z", fmt_num(Some(r.z))),
        ("p", fmt_num(Some(r.p_value))),
        (s.lang.t("精确 p", "exact p"), r.exact_p_value.map_or_else(|| s.lang.t("（有结、零差值或 n ≥ 50，不计算）", "(ties, zeros or n ≥ 50: not computed)").to_string(), |p| fmt_num(Some(p)))),
        (s.lang.t("Hodges-Lehmann 估计", "Hodges-Lehmann estimate"), est),
        (&ci_label, format!("[{}, {}]", fmt_num(r.ci[0]), fmt_num(r.ci[1]))),
    ]);
    text = format!("{text}\n{conclusion}\n");
    Ok(Output::new(d, text, warnings))
}

fn kruskal(args: &TestArgs, s: &Settings) -> Result<Output> {
    let table = load(args)?;
    let mut warnings = Vec::new();
    let (names, groups, group, value) = samples(&table, args, "kruskal", s.lang, &mut warnings)?;
    let group_key = args.group.is_some().then_some(group.as_str());
    let slices: Vec<&[f64]> = groups.iter().map(Vec::as_slice).collect();
    let r = rank::kruskal(&slices)?;
    let (lo, hi) = extremes(&r.groups.iter().map(|g| g.median).collect::<Vec<_>>());
    let conclusion = match s.lang {
        Lang::Zh => format!(
            "{} 个组的中位数{}：最高为 {}（{}），最低为 {}（{}）；H = {}，{}。",
            names.len(),
            if s.significant(r.p_value) { "存在差异" } else { "未见显著差异" },
            names[hi],
            short(Some(r.groups[hi].median)),
            names[lo],
            short(Some(r.groups[lo].median)),
            short(Some(r.h)),
            s.verdict(r.p_value)
        ),
        Lang::En => format!(
            "The medians of the {} groups {}: highest {} ({}), lowest {} ({}); H = {}, {}.",
            names.len(),
            if s.significant(r.p_value) { "differ" } else { "show no significant difference" },
            names[hi],
            short(Some(r.groups[hi].median)),
            names[lo],
            short(Some(r.groups[lo].median)),
            short(Some(r.h)),
            s.verdict(r.p_value)
        ),
    };
    let method = "Kruskal-Wallis rank test (H corrected for ties, chi-square approximation)";
    let mut d = doc("kruskal", method, Some(r.h), json!(r.df), r.p_value, s, None, Value::Null, &conclusion);
    let gj: Vec<Value> = names
        .iter()
        .zip(&r.groups)
        .map(|(n, g)| json!({"name": n, "n": g.n, "median": g.median, "mean_rank": g.mean_rank, "z": g.z}))
        .collect();
    extend(&mut d, json!({"groups": gj, "h_uncorrected": r.h_uncorrected, "column": value, "group": group_key}));
    let mut t = TextTable::new([s.lang.t("组", "Group"), "N", s.lang.t("中位数", "Median"), s.lang.t("平均秩", "Mean rank"), "z"]);
    for i in 1..5 {
        t = t.align_right(i);
    }
    for (n, g) in names.iter().zip(&r.groups) {
        t.row([n.clone(), g.n.to_string(), fmt_num(Some(g.median)), fmt_num(Some(g.mean_rank)), fmt_num(Some(g.z))]);
    }
    let mut text = format!("{}\n\n{}", s.lang.t("Kruskal-Wallis 检验", "Kruskal-Wallis test"), t.render());
    text += &kv_table(&[("H", fmt_num(Some(r.h))), ("df", r.df.to_string()), ("p", fmt_num(Some(r.p_value)))]);
    text = format!("{text}\n{conclusion}\n");
    Ok(Output::new(d, text, warnings))
}

fn chisq(args: &TestArgs, s: &Settings) -> Result<Output> {
    let table = load(args)?;
    let (row, col) = (need(&args.row, "--row", "chisq")?, need(&args.col, "--col", "chisq")?);
    let mut warnings = Vec::new();
    let rk = table.keys(row)?;
    let ck = table.keys(col)?;
    let counts = match &args.count {
        Some(c) => {
            let nc = table.numeric(c)?;
            warnings.extend(excluded_warning(&nc.name, &nc.notes, s.lang));
            Some(nc.values)
        }
        None => None,
    };
    let mut obs = vec![vec![0.0f64; ck.names.len()]; rk.names.len()];
    let mut skipped = 0usize;
    for i in 0..rk.codes.len() {
        let w = counts.as_ref().map_or(1.0, |c| c[i]);
        match (rk.codes[i], ck.codes[i]) {
            (Some(r), Some(c)) if !w.is_nan() => obs[r as usize][c as usize] += w,
            _ => skipped += 1,
        }
    }
    if skipped > 0 {
        warnings.push(match s.lang {
            Lang::Zh => format!("{skipped} 行的行变量、列变量或计数为空，未计入"),
            Lang::En => format!("{skipped} rows with a blank row label, column label or count are left out"),
        });
    }
    // Rows or columns without any count (e.g. a category with count 0) carry no information
    // and would make expected counts 0: leave them out, and say so.
    let keep_r: Vec<usize> = (0..obs.len()).filter(|&i| obs[i].iter().any(|v| *v > 0.0)).collect();
    let keep_c: Vec<usize> = (0..ck.names.len()).filter(|&j| obs.iter().any(|row| row[j] > 0.0)).collect();
    let dropped: Vec<String> = (0..obs.len())
        .filter(|i| !keep_r.contains(i))
        .map(|i| rk.names[i].clone())
        .chain((0..ck.names.len()).filter(|j| !keep_c.contains(j)).map(|j| ck.names[j].clone()))
        .collect();
    if !dropped.is_empty() {
        warnings.push(match s.lang {
            Lang::Zh => format!("以下行/列的计数全为 0，未计入检验：{}", dropped.join("、")),
            Lang::En => format!("rows/columns with no counts at all are left out of the test: {}", dropped.join(", ")),
        });
    }
    let obs: Vec<Vec<f64>> = keep_r.iter().map(|&i| keep_c.iter().map(|&j| obs[i][j]).collect()).collect();
    let row_names: Vec<String> = keep_r.iter().map(|&i| rk.names[i].clone()).collect();
    let col_names: Vec<String> = keep_c.iter().map(|&j| ck.names[j].clone()).collect();
    let r = contingency::chi_square(&obs)?;
    if r.cells_expected_below_5 > 0 {
        let cells = obs.len() * obs[0].len();
        let fisher = if obs.len() == 2 && obs[0].len() == 2 {
            s.lang.t("请参考 Fisher 精确检验的 p 值（fisher_p_value）", "use Fisher's exact p-value (fisher_p_value) instead")
        } else {
            s.lang.t("可合并稀少类别，或对 2×2 表使用 Fisher 精确检验", "merge sparse categories, or use Fisher's exact test on a 2×2 table")
        };
        warnings.push(match s.lang {
            Lang::Zh => format!(
                "{} / {cells} 个单元格的期望频数小于 5（最小 {}），χ² 近似可能不准；{fisher}",
                r.cells_expected_below_5,
                fmt_num(Some(r.min_expected))
            ),
            Lang::En => format!(
                "{} of {cells} cells have expected counts below 5 (smallest {}), so the χ² approximation may be poor; {fisher}",
                r.cells_expected_below_5,
                fmt_num(Some(r.min_expected))
            ),
        });
    }
    // The cell that departs most from independence, for the conclusion.
    let (mut bi, mut bj) = (0usize, 0usize);
    for (i, rowc) in r.contributions.iter().enumerate() {
        for (j, v) in rowc.iter().enumerate() {
            if *v > r.contributions[bi][bj] {
                (bi, bj) = (i, j);
            }
        }
    }
    let (o, e) = (r.observed[bi][bj], r.expected[bi][bj]);
    let (rn, cn) = (&row_names[bi], &col_names[bj]);
    let conclusion = match s.lang {
        Lang::Zh => format!(
            "“{}”的分布{}“{}”而不同（χ² = {}，df = {}），{}；偏离独立最大的是 {rn} × {cn}（实际 {}，期望 {}）。",
            ck.name,
            if s.significant(r.p_value) { "随" } else { "未见明显随" },
            rk.name,
            short(Some(r.statistic)),
            r.df,
            s.verdict(r.p_value),
            short(Some(o)),
            short(Some(e))
        ),
        Lang::En => format!(
            "The distribution of '{}' {} '{}' (χ² = {}, df = {}): {}; the largest departure from independence is {rn} × {cn} (observed {}, expected {}).",
            ck.name,
            if s.significant(r.p_value) { "depends on" } else { "shows no significant dependence on" },
            rk.name,
            short(Some(r.statistic)),
            r.df,
            s.verdict(r.p_value),
            short(Some(o)),
            short(Some(e))
        ),
    };
    let method = "Pearson chi-square test of independence (no continuity correction)";
    let mut d = doc("chisq", method, Some(r.statistic), json!(r.df), r.p_value, s, None, Value::Null, &conclusion);
    extend(
        &mut d,
        json!({
            "rows": row_names, "columns": col_names, "observed": r.observed, "expected": r.expected,
            "contributions": r.contributions, "total": r.total, "min_expected": r.min_expected,
            "cells_expected_below_5": r.cells_expected_below_5, "fisher_p_value": r.fisher_p_value,
            "row": rk.name, "col": ck.name,
        }),
    );
    let mut header = vec![format!("{} \\ {}", rk.name, ck.name)];
    header.extend(col_names.iter().cloned());
    let mut t = TextTable::new(header);
    for j in 1..=col_names.len() {
        t = t.align_right(j);
    }
    for (i, name) in row_names.iter().enumerate() {
        let mut cells = vec![name.clone()];
        cells.extend((0..col_names.len()).map(|j| format!("{} ({})", fmt_num(Some(r.observed[i][j])), fmt_num(Some((r.expected[i][j] * 100.0).round() / 100.0)))));
        t.row(cells);
    }
    let mut text = format!(
        "{}\n{}\n\n{}",
        s.lang.t("χ² 独立性检验", "Chi-square test of independence"),
        s.lang.t("单元格：实际频数（期望频数）", "cells: observed (expected)"),
        t.render()
    );
    let mut rows = vec![("χ²", fmt_num(Some(r.statistic))), ("df", r.df.to_string()), ("p", fmt_num(Some(r.p_value)))];
    if let Some(fp) = r.fisher_p_value {
        rows.push((s.lang.t("Fisher 精确 p", "Fisher exact p"), fmt_num(Some(fp))));
    }
    text += &kv_table(&rows);
    text = format!("{text}\n{conclusion}\n");
    Ok(Output::new(d, text, warnings))
}

/// Parse `--counts X1/N1,X2/N2`.
fn parse_counts(spec: &str, test: &str) -> Result<[(f64, f64); 2]> {
    let bad = || QceError::usage(format!("--counts {spec}: write two pairs as X1/N1,X2/N2 (e.g. 23/500,9/480) for {test}"));
    let parts: Vec<&str> = spec.split(',').map(str::trim).collect();
    if parts.len() != 2 {
        return Err(bad());
    }
    let mut out = [(0.0, 0.0); 2];
    for (slot, p) in out.iter_mut().zip(parts) {
        let (x, n) = p.split_once('/').ok_or_else(bad)?;
        *slot = (x.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    }
    Ok(out)
}

/// Group names with their (events, trials or exposure) sums.
type GroupSums = (Vec<String>, Vec<(f64, f64)>);

/// Per-group sums of two columns over the labels of `group` (exactly two groups).
fn summed(table: &Table, a: &str, b: Option<&str>, group: &str, test: &str, lang: Lang, warnings: &mut Vec<String>) -> Result<GroupSums> {
    let ca = table.numeric(a)?;
    warnings.extend(excluded_warning(&ca.name, &ca.notes, lang));
    let cb = match b {
        Some(b) => {
            let c = table.numeric(b)?;
            warnings.extend(excluded_warning(&c.name, &c.notes, lang));
            Some(c.values)
        }
        None => None,
    };
    let keys = table.keys(group)?;
    let mut sums = vec![(0.0f64, 0.0f64, false); keys.names.len()];
    for i in 0..keys.codes.len() {
        let x = ca.values[i];
        let y = cb.as_ref().map_or(1.0, |v| v[i]);
        if let (Some(c), false) = (keys.codes[i], x.is_nan() || y.is_nan()) {
            let s = &mut sums[c as usize];
            s.0 += x;
            s.1 += y;
            s.2 = true;
        }
    }
    let (names, vals): (Vec<String>, Vec<(f64, f64)>) =
        keys.names.into_iter().zip(sums).filter(|(_, s)| s.2).map(|(n, s)| (n, (s.0, s.1))).unzip();
    exactly_two(&names, &keys.name, test)?;
    Ok((names, vals))
}

fn pct(x: f64) -> String {
    format!("{}%", short(Some(x * 100.0)))
}

fn prop2(args: &TestArgs, s: &Settings) -> Result<Output> {
    let mut warnings = Vec::new();
    let (names, v) = match &args.counts {
        Some(spec) => {
            let c = parse_counts(spec, "prop2")?;
            (vec![s.lang.t("样本1", "sample 1").to_string(), s.lang.t("样本2", "sample 2").to_string()], c.to_vec())
        }
        None => {
            let table = load(args)?;
            let events = need(&args.events, "--events", "prop2")?;
            let trials = need(&args.trials, "--trials", "prop2")?;
            let group = need(&args.group, "--group", "prop2")?;
            summed(&table, events, Some(trials), group, "prop2", s.lang, &mut warnings)?
        }
    };
    let r = rates::prop2(v[0].0, v[0].1, v[1].0, v[1].1, s.alt, s.alpha, s.conf)?;
    let (a, b) = (&names[0], &names[1]);
    let pts = short(Some((r.estimate * 100.0).abs()));
    let ci = s.ci_text([Some(r.ci[0]), Some(r.ci[1])], 100.0, s.lang.t(" 个百分点", " points"));
    let ci = ci.replacen(s.lang.t(" 个百分点 至", " points to"), s.lang.t(" 至", " to"), 1);
    let power_note = match (r.power, r.n_per_group_80) {
        (Some(pw), Some(n80)) if !s.significant(r.p_value) => match s.lang {
            Lang::Zh => format!("；按观测差异，本检验的功效仅 {}，达到 80% 功效每组约需 {n80} 个", pct(pw)),
            Lang::En => format!("; for the observed difference the test had {} power, and about {n80} per group would give 80%", pct(pw)),
        },
        _ => String::new(),
    };
    let conclusion = match s.lang {
        Lang::Zh => format!(
            "{a} 的比例（{}）{}{b}（{}）{pts} 个百分点（{ci}）；该差异{}（Fisher 精确检验 p = {}）{power_note}。",
            pct(r.p1),
            higher_lower(s.lang, r.estimate),
            pct(r.p2),
            s.verdict(r.p_value),
            short(Some(r.fisher_p_value))
        ),
        Lang::En => format!(
            "The proportion of {a} ({}) is {pts} percentage points {} {b} ({}) ({ci}); the difference is {} (Fisher exact p = {}){power_note}.",
            pct(r.p1),
            higher_lower(s.lang, r.estimate),
            pct(r.p2),
            s.verdict(r.p_value),
            short(Some(r.fisher_p_value))
        ),
    };
    let method = "Two-proportion z test (pooled, no continuity correction); Wald interval; Fisher's exact test";
    let mut d = doc("prop2", method, Some(r.z), Value::Null, r.p_value, s, Some(r.estimate), json!(r.ci), &conclusion);
    extend(
        &mut d,
        json!({
            "groups": [{"name": a, "events": r.x1, "trials": r.n1, "proportion": r.p1}, {"name": b, "events": r.x2, "trials": r.n2, "proportion": r.p2}],
            "chi_square": r.z * r.z, "fisher_p_value": r.fisher_p_value,
            "power": r.power.and_then(|v| finite(Some(v)).as_f64()), "n_per_group_80": r.n_per_group_80, "n_per_group_90": r.n_per_group_90,
        }),
    );
    let mut t = TextTable::new([s.lang.t("组", "Group"), s.lang.t("事件数", "Events"), s.lang.t("试验数", "Trials"), s.lang.t("比例", "Proportion")]);
    for i in 1..4 {
        t = t.align_right(i);
    }
    t.row([a.clone(), r.x1.to_string(), r.n1.to_string(), pct(r.p1)]);
    t.row([b.clone(), r.x2.to_string(), r.n2.to_string(), pct(r.p2)]);
    let ci_label = format!("{} {}", s.conf_pct(), s.lang.t("置信区间", "CI"));
    let mut text = format!("{}\n\n{}", s.lang.t("两比例检验", "Two-proportion test"), t.render());
    text += &kv_table(&[
        (s.lang.t("差值 p1 − p2", "Difference p1 − p2"), fmt_num(Some(r.estimate))),
        (&ci_label, format!("[{}, {}]", fmt_num(Some(r.ci[0])), fmt_num(Some(r.ci[1])))),
        ("z", fmt_num(Some(r.z))),
        ("p", fmt_num(Some(r.p_value))),
        (s.lang.t("Fisher 精确 p", "Fisher exact p"), fmt_num(Some(r.fisher_p_value))),
        (s.lang.t("功效（观测差异）", "Power (observed difference)"), r.power.map(pct).unwrap_or_else(|| "*".into())),
        (s.lang.t("每组样本量（80% 功效）", "n per group for 80% power"), r.n_per_group_80.map_or("*".into(), |n| n.to_string())),
        (s.lang.t("每组样本量（90% 功效）", "n per group for 90% power"), r.n_per_group_90.map_or("*".into(), |n| n.to_string())),
    ]);
    text = format!("{text}\n{conclusion}\n");
    Ok(Output::new(d, text, warnings))
}

fn poisson2(args: &TestArgs, s: &Settings) -> Result<Output> {
    let mut warnings = Vec::new();
    let (names, v) = match &args.counts {
        Some(spec) => {
            let c = parse_counts(spec, "poisson2")?;
            (vec![s.lang.t("样本1", "sample 1").to_string(), s.lang.t("样本2", "sample 2").to_string()], c.to_vec())
        }
        None => {
            let table = load(args)?;
            let value = need(&args.value, "--value", "poisson2")?;
            let group = need(&args.group, "--group", "poisson2")?;
            summed(&table, value, args.size.as_deref(), group, "poisson2", s.lang, &mut warnings)?
        }
    };
    let r = rates::poisson2(v[0].0, v[0].1, v[1].0, v[1].1, s.alt, s.conf)?;
    let (a, b) = (&names[0], &names[1]);
    let ratio_text = r.ratio.map_or_else(|| "∞".to_string(), |x| short(Some(x)));
    let conclusion = match s.lang {
        Lang::Zh => format!(
            "{a} 的发生率（每单位 {}）是 {b}（每单位 {}）的 {ratio_text} 倍（{}）；该差异{}。",
            short(Some(r.rate1)),
            short(Some(r.rate2)),
            s.ci_text(r.ci_ratio, 1.0, ""),
            s.verdict(r.p_value)
        ),
        Lang::En => format!(
            "The rate of {a} ({} per unit) is {ratio_text} times the rate of {b} ({} per unit) ({}); the difference is {}.",
            short(Some(r.rate1)),
            short(Some(r.rate2)),
            s.ci_text(r.ci_ratio, 1.0, ""),
            s.verdict(r.p_value)
        ),
    };
    let method = "Exact conditional test of two Poisson rates (binomial test on the first count); estimate = rate ratio";
    let mut d = doc("poisson2", method, Some(r.x1 as f64), Value::Null, r.p_value, s, r.ratio, ci_json(r.ci_ratio), &conclusion);
    extend(
        &mut d,
        json!({
            "groups": [{"name": a, "events": r.x1, "exposure": r.t1, "rate": r.rate1}, {"name": b, "events": r.x2, "exposure": r.t2, "rate": r.rate2}],
            "rate_ratio": finite(r.ratio), "rate_difference": r.difference, "ci_difference": ci_json(r.ci_difference),
            "expected_ratio_under_h0": 1.0,
        }),
    );
    let mut t = TextTable::new([s.lang.t("组", "Group"), s.lang.t("事件数", "Events"), s.lang.t("暴露量", "Exposure"), s.lang.t("发生率", "Rate")]);
    for i in 1..4 {
        t = t.align_right(i);
    }
    t.row([a.clone(), r.x1.to_string(), fmt_num(Some(r.t1)), fmt_num(Some(r.rate1))]);
    t.row([b.clone(), r.x2.to_string(), fmt_num(Some(r.t2)), fmt_num(Some(r.rate2))]);
    let ci_label = format!("{} {}", s.conf_pct(), s.lang.t("置信区间", "CI"));
    let mut text = format!("{}\n\n{}", s.lang.t("两个泊松率的精确检验", "Exact test of two Poisson rates"), t.render());
    text += &kv_table(&[
        (s.lang.t("率比", "Rate ratio"), ratio_text.clone()),
        (&ci_label, format!("[{}, {}]", fmt_num(r.ci_ratio[0]), fmt_num(r.ci_ratio[1]))),
        (s.lang.t("率差", "Rate difference"), fmt_num(Some(r.difference))),
        ("p", fmt_num(Some(r.p_value))),
    ]);
    text = format!("{text}\n{conclusion}\n");
    Ok(Output::new(d, text, warnings))
}

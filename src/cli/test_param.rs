//! `qce test` glue for the normality and parametric tests: normality, t1, t2, paired, f,
//! levene, bartlett, anova (see cli/test.rs for the arguments). Loads the columns, calls the
//! pure functions of `crate::tests`, and shapes the contract's `test` JSON, a compact table
//! and a one-sentence conclusion.

use super::test::{column, complete_pairs, extremes, load, parse_levels, split_by_group, Groups, TestArgs};
use super::{Ctx, Output};
use crate::error::{QceError, Result};
use crate::i18n::Lang;
use crate::ingest::Table;
use crate::render::{fmt_num, TextTable};
use crate::tests::anova::{self, AnovaResult};
use crate::tests::normality::{self, NormalityResult};
use crate::tests::ttest::{self, Alternative, TTestResult};
use crate::tests::variance::{self, EqualVarianceResult, LeveneCenter};
use crate::tests::power;
use serde_json::{json, Value};

/// Settings shared by every test: alternative, α and the confidence level.
#[derive(Debug, Clone, Copy)]
struct Settings {
    alt: Alternative,
    alpha: f64,
    conf: f64,
    lang: Lang,
}

/// Run one of this file's tests.
pub fn run(args: &TestArgs, ctx: &Ctx) -> Result<Output> {
    let (alt, alpha, conf) = parse_levels(args)?;
    let s = Settings { alt, alpha, conf, lang: ctx.lang };
    let table = load(args)?;
    let mut warnings = Vec::new();
    let (json, text) = match args.name.as_str() {
        "normality" => run_normality(args, &table, s, &mut warnings)?,
        "t1" => run_t1(args, &table, s, &mut warnings)?,
        "t2" => run_t2(args, &table, s, &mut warnings)?,
        "paired" => run_paired(args, &table, s, &mut warnings)?,
        "f" => run_f(args, &table, s, &mut warnings)?,
        "levene" | "bartlett" => run_equal_variance(args, &table, s, &mut warnings)?,
        "anova" => run_anova(args, &table, s, &mut warnings)?,
        other => return Err(QceError::usage(format!("test '{other}' is not handled here"))),
    };
    Ok(Output::new(json, text, warnings))
}

// ---------------------------------------------------------------------------------------
// Loading

fn need_value<'a>(args: &'a TestArgs) -> Result<&'a str> {
    args.value.as_deref().ok_or_else(|| QceError::usage(format!("test {} needs --value COL (the measurement column)", args.name)))
}

/// Values split by `--group`, labels in order of first appearance.
fn grouped(args: &TestArgs, table: &Table, lang: Lang, warnings: &mut Vec<String>) -> Result<Groups> {
    let value = need_value(args)?;
    let group = args.group.as_deref().ok_or_else(|| {
        QceError::usage(format!("test {} needs --group COL (the column whose labels split the values into groups)", args.name))
    })?;
    split_by_group(table, value, group, lang, warnings)
}

/// Exactly two groups (t2, f), else a usage error naming the labels found.
fn two_groups(args: &TestArgs, table: &Table, lang: Lang, warnings: &mut Vec<String>) -> Result<Groups> {
    let g = grouped(args, table, lang, warnings)?;
    if g.names.len() != 2 {
        let hint = if g.names.len() > 2 { " For more than two groups use `qce test anova` (means) or `qce test levene` (spreads)." } else { "" };
        return Err(QceError::usage(format!(
            "test {} compares two groups, but column '{}' has {} label(s) with data: {}.{hint}",
            args.name,
            g.group,
            g.names.len(),
            g.names.join(", ")
        ))
        .with_column(&g.group));
    }
    Ok(g)
}

/// Two or more groups (levene, bartlett, anova).
fn several_groups(args: &TestArgs, table: &Table, lang: Lang, warnings: &mut Vec<String>) -> Result<Groups> {
    let g = grouped(args, table, lang, warnings)?;
    if g.names.len() < 2 {
        return Err(QceError::analysis(format!(
            "test {} needs at least two groups, but column '{}' has {} label(s) with data.",
            args.name,
            g.group,
            g.names.len()
        ))
        .with_column(&g.group));
    }
    Ok(g)
}

// ---------------------------------------------------------------------------------------
// Formatting helpers

/// 4 significant digits for sentences.
fn short(x: f64) -> String {
    if !x.is_finite() {
        return "*".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-4..=9).contains(&mag) {
        return format!("{x:.3e}");
    }
    let decimals = (3 - mag).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// "p = 0.0159" / "p < 0.0001".
fn fmt_p(p: f64) -> String {
    if p < 1e-4 { "p < 0.0001".into() } else { format!("p = {}", short(p)) }
}

/// "statistically significant at α = 0.05 (p = …)" or its negation.
fn significance(p: f64, alpha: f64, lang: Lang) -> String {
    let sig = p < alpha;
    match (lang, sig) {
        (Lang::En, true) => format!("statistically significant at α = {} ({})", short(alpha), fmt_p(p)),
        (Lang::En, false) => format!("not statistically significant at α = {} ({})", short(alpha), fmt_p(p)),
        (Lang::Zh, true) => format!("在 α = {} 水平上统计显著（{}）", short(alpha), fmt_p(p)),
        (Lang::Zh, false) => format!("在 α = {} 水平上不显著（{}）", short(alpha), fmt_p(p)),
    }
}

fn opt(x: Option<f64>) -> Value {
    x.filter(|v| v.is_finite()).map_or(Value::Null, |v| json!(v))
}

/// The contract's `test` document.
#[allow(clippy::too_many_arguments)]
fn test_doc(name: &str, method: &str, statistic: f64, df: Value, p: f64, alt: Alternative, estimate: Value, ci: Value, conf: Value, conclusion: &str) -> Value {
    json!({
        "test": name, "method": method, "statistic": opt(Some(statistic)), "df": df, "p_value": opt(Some(p)),
        "alternative": alt.as_str(), "estimate": estimate, "ci": ci, "conf_level": conf, "conclusion": conclusion,
    })
}

fn ci_json(ci: (Option<f64>, Option<f64>)) -> Value {
    json!([opt(ci.0), opt(ci.1)])
}

/// Summary table: one row per group (n, mean, sd).
fn groups_table(names: &[String], values: &[Vec<f64>], lang: Lang) -> String {
    let header = match lang {
        Lang::Zh => ["组", "N", "均值", "标准差"],
        Lang::En => ["Group", "N", "Mean", "StDev"],
    };
    let mut t = TextTable::new(header).align_right(1).align_right(2).align_right(3);
    for (name, v) in names.iter().zip(values) {
        let sd = if v.len() > 1 { Some(crate::num::sd(v)) } else { None };
        t.row([name.clone(), v.len().to_string(), fmt_num(Some(crate::num::mean(v))), fmt_num(sd)]);
    }
    t.render()
}

fn groups_json(names: &[String], values: &[Vec<f64>]) -> Value {
    Value::Array(
        names
            .iter()
            .zip(values)
            .map(|(name, v)| {
                let sd = if v.len() > 1 { Some(crate::num::sd(v)) } else { None };
                json!({"name": name, "n": v.len(), "mean": opt(Some(crate::num::mean(v))), "sd": opt(sd)})
            })
            .collect(),
    )
}

/// The statistic line: method, statistic, df, p (and the estimate with its interval).
fn result_table(method: &str, stat_name: &str, stat: f64, df: &str, p: f64, estimate: Option<(f64, (Option<f64>, Option<f64>), f64)>, lang: Lang) -> String {
    let mut header = vec![lang.t("方法", "Method").to_string(), stat_name.to_string(), lang.t("自由度", "DF").into(), lang.t("P 值", "P-Value").into()];
    let mut row = vec![method.to_string(), fmt_num(Some(stat)), df.to_string(), fmt_num(Some(p))];
    if let Some((est, ci, conf)) = estimate {
        header.push(lang.t("估计值", "Estimate").into());
        header.push(format!("{}% CI", short(conf * 100.0)));
        row.push(fmt_num(Some(est)));
        row.push(format!("({}, {})", ci.0.map_or("-∞".into(), |v| fmt_num(Some(v))), ci.1.map_or("+∞".into(), |v| fmt_num(Some(v)))));
    }
    let mut t = TextTable::new(header).align_right(1).align_right(2).align_right(3);
    t.row(row);
    t.render()
}

fn analysis_error(what: &str) -> QceError {
    QceError::analysis(what.to_string())
}

/// Warn when a small sample looks clearly non-normal (Shapiro–Wilk p < 0.01, n < 30): the
/// t test's p-value then rests on a shaky assumption.
fn normality_warning(label: &str, xs: &[f64], alternative_test: &str, lang: Lang) -> Option<String> {
    if xs.len() >= 30 {
        return None;
    }
    let r = normality::shapiro_wilk(xs)?;
    if r.p_value >= 0.01 {
        return None;
    }
    Some(match lang {
        Lang::Zh => format!(
            "{label}（n = {}）明显偏离正态（Shapiro-Wilk {}），小样本下 t 检验的结论可能不可靠；可改用 `qce test {alternative_test}`",
            xs.len(),
            fmt_p(r.p_value)
        ),
        Lang::En => format!(
            "{label} (n = {}) is clearly non-normal (Shapiro-Wilk {}); with a sample this small the t test may mislead: consider `qce test {alternative_test}`",
            xs.len(),
            fmt_p(r.p_value)
        ),
    })
}

// ---------------------------------------------------------------------------------------
// normality

/// One normality test by `--method`: (result, label, minimum-size text).
fn normality_by_method(method: &str, xs: &[f64]) -> Result<(Option<NormalityResult>, &'static str, &'static str)> {
    Ok(match method {
        "ad" | "anderson-darling" => (normality::anderson_darling(xs), "Anderson-Darling", "at least 8 values"),
        "sw" | "shapiro-wilk" => (normality::shapiro_wilk(xs), "Shapiro-Wilk", "between 3 and 5000 values"),
        "ks" | "lilliefors" => (normality::lilliefors(xs), "Lilliefors (Kolmogorov-Smirnov)", "at least 5 values"),
        other => return Err(QceError::usage(format!("--method {other}: use ad (Anderson-Darling), sw (Shapiro-Wilk) or ks (Lilliefors)"))),
    })
}

/// Normality per group (extension: `--group`): `groups[]` carries each group's statistic and
/// p-value; the top-level statistic and p_value are null (there is no single test).
fn run_normality_by_group(args: &TestArgs, table: &Table, method: &str, s: Settings, warnings: &mut Vec<String>) -> Result<(Value, String)> {
    let g = grouped(args, table, s.lang, warnings)?;
    let mut label = "";
    let mut docs = Vec::new();
    let mut t = TextTable::new([s.lang.t("组", "Group"), "N", s.lang.t("统计量", "Statistic"), s.lang.t("P 值", "P-Value")]).align_right(1).align_right(2).align_right(3);
    let mut not_normal = Vec::new();
    for (name, xs) in g.names.iter().zip(&g.values) {
        let (r, l, _) = normality_by_method(method, xs)?;
        label = l;
        let (stat, p) = (r.as_ref().map(|r| r.statistic), r.as_ref().map(|r| r.p_value));
        if p.is_some_and(|p| p < s.alpha) {
            not_normal.push(name.clone());
        }
        if r.is_none() {
            warnings.push(match s.lang {
                Lang::Zh => format!("组“{name}”（n = {}）数据不足或无波动，无法做 {l} 检验", xs.len()),
                Lang::En => format!("group '{name}' (n = {}) has too few values or no spread for the {l} test", xs.len()),
            });
        }
        docs.push(json!({"name": name, "n": xs.len(), "statistic": opt(stat), "p_value": opt(p), "normal": p.map(|p| p >= s.alpha)}));
        t.row([name.clone(), xs.len().to_string(), fmt_num(stat), fmt_num(p)]);
    }
    let conclusion = match (s.lang, not_normal.is_empty()) {
        (Lang::En, true) => format!("Every group of '{}' is consistent with a normal distribution ({label}, α = {}).", g.value, short(s.alpha)),
        (Lang::En, false) => format!("Not normally distributed at α = {} ({label}): {}.", short(s.alpha), not_normal.join(", ")),
        (Lang::Zh, true) => format!("“{}”的各组均与正态分布相符（{label}，α = {}）。", g.value, short(s.alpha)),
        (Lang::Zh, false) => format!("在 α = {} 下不服从正态分布的组（{label}）：{}。", short(s.alpha), not_normal.join("、")),
    };
    let mut doc = test_doc("normality", label, f64::NAN, Value::Null, f64::NAN, Alternative::TwoSided, Value::Null, Value::Null, Value::Null, &conclusion);
    doc["column"] = json!(g.value);
    doc["group"] = json!(g.group);
    doc["groups"] = Value::Array(docs);
    doc["alpha"] = json!(s.alpha);
    Ok((doc, format!("{label}\n{}\n{conclusion}\n", t.render())))
}

fn run_normality(args: &TestArgs, table: &Table, s: Settings, warnings: &mut Vec<String>) -> Result<(Value, String)> {
    let method = args.method.as_deref().unwrap_or("ad").trim().to_ascii_lowercase();
    if args.group.is_some() {
        return run_normality_by_group(args, table, &method, s, warnings);
    }
    let (name, xs) = column(table, need_value(args)?, s.lang, warnings)?;
    let n = xs.len();
    let (r, label, need) = normality_by_method(&method, &xs)?;
    let r = r.ok_or_else(|| analysis_error(&format!("{label} test on '{name}': needs {need} that are not all equal; found {n} values.")))?;
    let normal = r.p_value >= s.alpha;
    let conclusion = match (s.lang, normal) {
        (Lang::En, true) => format!("'{name}' is consistent with a normal distribution ({label} {} ≥ α = {}).", fmt_p(r.p_value), short(s.alpha)),
        (Lang::En, false) => format!("'{name}' is not normally distributed ({label} {} < α = {}): prefer rank tests, a transformation or non-normal capability.", fmt_p(r.p_value), short(s.alpha)),
        (Lang::Zh, true) => format!("“{name}”与正态分布相符（{label} {} ≥ α = {}）。", fmt_p(r.p_value), short(s.alpha)),
        (Lang::Zh, false) => format!("“{name}”不服从正态分布（{label} {} < α = {}）：宜用秩检验、数据变换或非正态能力分析。", fmt_p(r.p_value), short(s.alpha)),
    };
    let mut doc = test_doc("normality", label, r.statistic, Value::Null, r.p_value, Alternative::TwoSided, Value::Null, Value::Null, Value::Null, &conclusion);
    doc["column"] = json!(name);
    doc["n"] = json!(n);
    doc["alpha"] = json!(s.alpha);
    doc["normal"] = json!(normal);
    let stat_name = match method.as_str() {
        "sw" | "shapiro-wilk" => "W",
        "ks" | "lilliefors" => "D",
        _ => "A²",
    };
    let text = format!("{}\n{conclusion}\n", result_table(label, stat_name, r.statistic, "", r.p_value, None, s.lang));
    Ok((doc, text))
}

// ---------------------------------------------------------------------------------------
// t tests

fn t_doc(name: &str, r: &TTestResult, s: Settings, conclusion: &str) -> Value {
    let mut doc = test_doc(name, &r.method, r.statistic, json!(r.df), r.p_value, r.alternative, json!(r.estimate), ci_json(r.ci), json!(r.conf_level), conclusion);
    doc["std_error"] = json!(r.std_error);
    doc["null_value"] = json!(r.null_value);
    doc["alpha"] = json!(s.alpha);
    doc["significant"] = json!(r.p_value < s.alpha);
    doc
}

fn t_text(r: &TTestResult, s: Settings) -> String {
    result_table(&r.method, "T", r.statistic, &fmt_num(Some(r.df)), r.p_value, Some((r.estimate, r.ci, r.conf_level)), s.lang)
}

/// What H1 says, for the sentence: the direction tested.
fn h1_phrase(alt: Alternative, two_sided: &str, less: &str, greater: &str) -> String {
    match alt {
        Alternative::TwoSided => two_sided.to_string(),
        Alternative::Less => less.to_string(),
        Alternative::Greater => greater.to_string(),
    }
}

fn run_t1(args: &TestArgs, table: &Table, s: Settings, warnings: &mut Vec<String>) -> Result<(Value, String)> {
    let mu = args.mu.unwrap_or(0.0);
    if args.mu.is_none() {
        warnings.push(s.lang.t("未给出 --mu，按 R 的默认值与 0 比较", "no --mu given: the mean is tested against 0 (R's default)").into());
    }
    let (name, xs) = column(table, need_value(args)?, s.lang, warnings)?;
    let r = ttest::one_sample(&xs, mu, s.alt, s.conf)
        .ok_or_else(|| analysis_error(&format!("t1 on '{name}': needs at least 2 values that are not all equal; found {}.", xs.len())))?;
    warnings.extend(normality_warning(&format!("'{name}'"), &xs, "wilcoxon", s.lang));
    let diff = r.estimate - mu;
    let sig = significance(r.p_value, s.alpha, s.lang);
    let conclusion = match s.lang {
        Lang::En => {
            let dir = if diff >= 0.0 { "above" } else { "below" };
            let h1 = h1_phrase(s.alt, "the difference is", &format!("the evidence that the mean is below {} is", short(mu)), &format!("the evidence that the mean is above {} is", short(mu)));
            format!("The mean of '{name}' ({}) is {} {dir} the reference {}; {h1} {sig}.", short(r.estimate), short(diff.abs()), short(mu))
        }
        Lang::Zh => {
            let dir = if diff >= 0.0 { "高" } else { "低" };
            let h1 = h1_phrase(s.alt, "该差异", &format!("“均值低于 {}”", short(mu)), &format!("“均值高于 {}”", short(mu)));
            format!("“{name}”的均值（{}）比参考值 {} {dir} {}；{h1}{sig}。", short(r.estimate), short(mu), short(diff.abs()))
        }
    };
    let mut doc = t_doc("t1", &r, s, &conclusion);
    doc["column"] = json!(name);
    doc["mu"] = json!(mu);
    doc["n"] = json!(xs.len());
    doc["mean"] = json!(r.estimate);
    doc["sd"] = opt(Some(crate::num::sd(&xs)));
    Ok((doc, format!("{}\n{conclusion}\n", t_text(&r, s))))
}

fn run_t2(args: &TestArgs, table: &Table, s: Settings, warnings: &mut Vec<String>) -> Result<(Value, String)> {
    let g = two_groups(args, table, s.lang, warnings)?;
    let (a, b) = (&g.values[0], &g.values[1]);
    let r = ttest::two_sample(a, b, args.pooled, s.alt, s.conf).ok_or_else(|| {
        analysis_error(&format!(
            "t2 on '{}' by '{}': needs at least 2 values per group and some spread; groups have n = {} and {}.",
            g.value,
            g.group,
            a.len(),
            b.len()
        ))
    })?;
    for (name, v) in g.names.iter().zip(&g.values) {
        warnings.extend(normality_warning(&format!("{} '{name}'", s.lang.t("组", "group")), v, "mann-whitney", s.lang));
    }
    let conclusion = two_group_sentence(&g, &r, s);
    let mut doc = t_doc("t2", &r, s, &conclusion);
    doc["column"] = json!(g.value);
    doc["group"] = json!(g.group);
    doc["groups"] = groups_json(&g.names, &g.values);
    doc["pooled"] = json!(args.pooled);
    if let Some(p) = power::two_sample_power(a, b, s.alpha, s.alt) {
        doc["power"] = serde_json::to_value(&p).unwrap_or(Value::Null);
    }
    let mut text = format!("{}\n{}\n", groups_table(&g.names, &g.values, s.lang), t_text(&r, s));
    if let Some(p) = doc.get("power").filter(|p| !p.is_null()) {
        text.push_str(&power_line(p, s.lang));
    }
    text.push_str(&format!("\n{conclusion}\n"));
    Ok((doc, text))
}

/// "Power 42 % to detect the observed difference; 24 per group for 80 %, 32 for 90 %".
fn power_line(p: &Value, lang: Lang) -> String {
    let pw = p["power"].as_f64().unwrap_or(f64::NAN) * 100.0;
    let n = |k: &str| p[k].as_u64().map_or("—".to_string(), |v| v.to_string());
    match lang {
        Lang::En => format!(
            "Power to detect the observed difference: {} %; sample size per group for 80 % power: {}, for 90 %: {}\n",
            short(pw),
            n("n_per_group_80"),
            n("n_per_group_90")
        ),
        Lang::Zh => format!("检出所观察差异的功效：{}%；达到 80% 功效每组需 {} 个，90% 需 {} 个\n", short(pw), n("n_per_group_80"), n("n_per_group_90")),
    }
}

/// "Mean of 'A' (x) is lower than 'B' (y) by d (p %); the difference is … significant …".
fn two_group_sentence(g: &Groups, r: &TTestResult, s: Settings) -> String {
    let (a, b) = (&g.names[0], &g.names[1]);
    let (ma, mb) = (crate::num::mean(&g.values[0]), crate::num::mean(&g.values[1]));
    let d = r.estimate;
    let sign = if d >= 0.0 { "+" } else { "−" };
    let pct = match (mb != 0.0, s.lang) {
        (false, _) => String::new(),
        (true, Lang::En) => format!(" ({sign}{} %)", short((d / mb).abs() * 100.0)),
        (true, Lang::Zh) => format!("（{sign}{}%）", short((d / mb).abs() * 100.0)),
    };
    let sig = significance(r.p_value, s.alpha, s.lang);
    match s.lang {
        Lang::En => {
            let dir = if d >= 0.0 { "higher" } else { "lower" };
            let h1 = h1_phrase(s.alt, "the difference is", &format!("the evidence that '{a}' is lower is"), &format!("the evidence that '{a}' is higher is"));
            format!("The mean of '{a}' ({}) is {dir} than that of '{b}' ({}) by {}{pct}; {h1} {sig}.", short(ma), short(mb), short(d.abs()))
        }
        Lang::Zh => {
            let dir = if d >= 0.0 { "高" } else { "低" };
            let h1 = h1_phrase(s.alt, "该差异", &format!("“{a}低于{b}”"), &format!("“{a}高于{b}”"));
            format!("“{a}”的均值（{}）比“{b}”（{}）{dir} {}{pct}；{h1}{sig}。", short(ma), short(mb), short(d.abs()))
        }
    }
}

/// The pairs of a paired test: from two columns (`--value A,B`, wide), or, extension, from a
/// long layout `--value COL --group COL` with exactly two labels whose rows pair up in file
/// order (as R's `t.test(y ~ g, paired=TRUE)`). Returns the two names and aligned values.
fn paired_columns(args: &TestArgs, table: &Table, s: Settings, warnings: &mut Vec<String>) -> Result<(String, String, Vec<f64>, Vec<f64>)> {
    let spec = need_value(args)?;
    let parts: Vec<&str> = spec.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.len() == 1 && args.group.is_some() {
        let g = two_groups(args, table, s.lang, warnings)?;
        if g.values[0].len() != g.values[1].len() {
            return Err(QceError::analysis(format!(
                "paired test by '{}': the groups have {} and {} values, so they cannot pair up in order. Use --value A,B with one column per condition.",
                g.group,
                g.values[0].len(),
                g.values[1].len()
            )));
        }
        let mut values = g.values.into_iter();
        let (a, b) = (values.next().unwrap_or_default(), values.next().unwrap_or_default());
        let mut names = g.names.into_iter();
        return Ok((names.next().unwrap_or_default(), names.next().unwrap_or_default(), a, b));
    }
    if parts.len() != 2 {
        return Err(QceError::usage(format!("paired needs --value A,B (two columns; differences A−B), got '{spec}'")));
    }
    complete_pairs(table, parts[0], parts[1], s.lang, warnings)
}

fn run_paired(args: &TestArgs, table: &Table, s: Settings, warnings: &mut Vec<String>) -> Result<(Value, String)> {
    let (name_a, name_b, a, b) = paired_columns(args, table, s, warnings)?;
    let (na, nb) = (&name_a, &name_b);
    let r = ttest::paired(&a, &b, s.alt, s.conf)
        .ok_or_else(|| analysis_error(&format!("paired t on '{na}' − '{nb}': needs at least 2 complete pairs whose differences are not all equal; found {} pairs.", a.len())))?;
    let diffs: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    warnings.extend(normality_warning(s.lang.t("配对差值", "the paired differences"), &diffs, "wilcoxon", s.lang));
    let d = r.estimate;
    let sig = significance(r.p_value, s.alpha, s.lang);
    let ci_text = match r.ci {
        (Some(lo), Some(hi)) => format!("{} … {}", short(lo), short(hi)),
        (None, Some(hi)) => format!("< {}", short(hi)),
        (Some(lo), None) => format!("> {}", short(lo)),
        (None, None) => "*".into(),
    };
    let conclusion = match s.lang {
        Lang::En => {
            let dir = if d >= 0.0 { "higher" } else { "lower" };
            let h1 = h1_phrase(s.alt, "the difference is", &format!("the evidence that '{na}' is lower is"), &format!("the evidence that '{na}' is higher is"));
            format!("On average '{na}' is {} {dir} than '{nb}' ({} pairs, {}% CI of the mean difference {ci_text}); {h1} {sig}.", short(d.abs()), a.len(), short(s.conf * 100.0))
        }
        Lang::Zh => {
            let dir = if d >= 0.0 { "高" } else { "低" };
            let h1 = h1_phrase(s.alt, "该差异", &format!("“{na}低于{nb}”"), &format!("“{na}高于{nb}”"));
            format!("平均而言“{na}”比“{nb}”{dir} {}（{} 对，平均差的 {}% 置信区间 {ci_text}）；{h1}{sig}。", short(d.abs()), a.len(), short(s.conf * 100.0))
        }
    };
    let mut doc = t_doc("paired", &r, s, &conclusion);
    doc["columns"] = json!([na, nb]);
    doc["n"] = json!(a.len());
    doc["groups"] = groups_json(&[na.clone(), nb.clone()], &[a.clone(), b.clone()]);
    doc["sd_difference"] = opt(Some(crate::num::sd(&diffs)));
    let text = format!("{}\n{}\n{conclusion}\n", groups_table(&[na.clone(), nb.clone()], &[a, b], s.lang), t_text(&r, s));
    Ok((doc, text))
}

// ---------------------------------------------------------------------------------------
// Variances

fn run_f(args: &TestArgs, table: &Table, s: Settings, warnings: &mut Vec<String>) -> Result<(Value, String)> {
    let g = two_groups(args, table, s.lang, warnings)?;
    let r = variance::f_test(&g.values[0], &g.values[1], s.alt, s.conf).ok_or_else(|| {
        analysis_error(&format!("F test on '{}' by '{}': needs at least 2 values per group and spread in the second group.", g.value, g.group))
    })?;
    let (a, b) = (&g.names[0], &g.names[1]);
    let sig = significance(r.p_value, s.alpha, s.lang);
    let conclusion = match s.lang {
        Lang::En => {
            let h1 = h1_phrase(s.alt, "the difference in spread is", &format!("the evidence that '{a}' varies less is"), &format!("the evidence that '{a}' varies more is"));
            format!("The variance of '{a}' is {} times that of '{b}' (sd {} vs {}); {h1} {sig}.", short(r.statistic), short(r.sd.0), short(r.sd.1))
        }
        Lang::Zh => {
            let h1 = h1_phrase(s.alt, "波动的差异", &format!("“{a}波动更小”"), &format!("“{a}波动更大”"));
            format!("“{a}”的方差是“{b}”的 {} 倍（标准差 {} 对 {}）；{h1}{sig}。", short(r.statistic), short(r.sd.0), short(r.sd.1))
        }
    };
    let mut doc = test_doc("f", "F test to compare two variances", r.statistic, json!([r.df.0, r.df.1]), r.p_value, r.alternative, json!(r.estimate), ci_json(r.ci), json!(r.conf_level), &conclusion);
    doc["column"] = json!(g.value);
    doc["group"] = json!(g.group);
    doc["groups"] = groups_json(&g.names, &g.values);
    doc["alpha"] = json!(s.alpha);
    doc["significant"] = json!(r.p_value < s.alpha);
    let df = format!("{}, {}", r.df.0, r.df.1);
    let table_text = result_table("F", "F", r.statistic, &df, r.p_value, Some((r.estimate, r.ci, r.conf_level)), s.lang);
    Ok((doc, format!("{}\n{table_text}\n{conclusion}\n", groups_table(&g.names, &g.values, s.lang))))
}

fn run_equal_variance(args: &TestArgs, table: &Table, s: Settings, warnings: &mut Vec<String>) -> Result<(Value, String)> {
    let g = several_groups(args, table, s.lang, warnings)?;
    let slices = g.slices();
    let r: EqualVarianceResult = if args.name == "levene" {
        let center = match args.center.as_deref().map(|c| c.trim().to_ascii_lowercase()) {
            None => LeveneCenter::Median,
            Some(c) if c == "median" => LeveneCenter::Median,
            Some(c) if c == "mean" => LeveneCenter::Mean,
            Some(c) => return Err(QceError::usage(format!("--center {c}: use median (Brown-Forsythe, default) or mean"))),
        };
        variance::levene(&slices, center)
            .ok_or_else(|| analysis_error(&format!("Levene's test on '{}' by '{}': needs more values than groups and some spread within groups.", g.value, g.group)))?
    } else {
        variance::bartlett(&slices).ok_or_else(|| {
            analysis_error(&format!("Bartlett's test on '{}' by '{}': every group needs at least 2 values and a non-zero variance.", g.value, g.group))
        })?
    };
    if s.alt != Alternative::TwoSided {
        warnings.push(s.lang.t("该检验只有一种备择假设（各组方差不全相等），已忽略 --alternative", "this test has one alternative (the variances are not all equal); --alternative is ignored").into());
    }
    let conclusion = spread_sentence(&g, &r, s);
    let df = if r.df.len() == 1 { json!(r.df[0]) } else { json!(r.df) };
    let mut doc = test_doc(&args.name, &r.method, r.statistic, df, r.p_value, Alternative::TwoSided, Value::Null, Value::Null, Value::Null, &conclusion);
    doc["column"] = json!(g.value);
    doc["group"] = json!(g.group);
    doc["groups"] = groups_json(&g.names, &g.values);
    doc["alpha"] = json!(s.alpha);
    doc["significant"] = json!(r.p_value < s.alpha);
    let df_text = r.df.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ");
    let stat_name = if args.name == "levene" { "F" } else { "K²" };
    let text = format!("{}\n{}\n{conclusion}\n", groups_table(&g.names, &g.values, s.lang), result_table(&r.method, stat_name, r.statistic, &df_text, r.p_value, None, s.lang));
    Ok((doc, text))
}

fn spread_sentence(g: &Groups, r: &EqualVarianceResult, s: Settings) -> String {
    let (lo, hi) = extremes(&r.sds);
    let sig = significance(r.p_value, s.alpha, s.lang);
    let k = g.names.len();
    match s.lang {
        Lang::En => format!(
            "The spread of '{}' across the {k} groups ranges from sd {} ('{}') to {} ('{}'); the difference in spread is {sig}.",
            g.value,
            short(r.sds[lo]),
            g.names[lo],
            short(r.sds[hi]),
            g.names[hi]
        ),
        Lang::Zh => format!(
            "“{}”在 {k} 个组中的标准差从 {}（“{}”）到 {}（“{}”）；波动的差异{sig}。",
            g.value,
            short(r.sds[lo]),
            g.names[lo],
            short(r.sds[hi]),
            g.names[hi]
        ),
    }
}

// ---------------------------------------------------------------------------------------
// ANOVA

fn run_anova(args: &TestArgs, table: &Table, s: Settings, warnings: &mut Vec<String>) -> Result<(Value, String)> {
    let g = several_groups(args, table, s.lang, warnings)?;
    let slices = g.slices();
    let r = if args.welch { anova::welch(&slices, s.conf) } else { anova::one_way(&slices, s.conf) };
    let r = r.ok_or_else(|| {
        let need = if args.welch { "every group needs at least 2 values and a non-zero variance" } else { "needs more values than groups and some variation within groups" };
        analysis_error(&format!("ANOVA of '{}' by '{}': {need}.", g.value, g.group))
    })?;
    if s.alt != Alternative::TwoSided {
        warnings.push(s.lang.t("方差分析只有一种备择假设（各组均值不全相等），已忽略 --alternative", "ANOVA has one alternative (the means are not all equal); --alternative is ignored").into());
    }
    if !args.welch {
        warnings.extend(unequal_spread_warning(&slices, s.lang));
    }
    if g.names.len() > anova::MAX_PAIRWISE_GROUPS {
        warnings.push(match s.lang {
            Lang::Zh => format!("组数超过 {}，未做两两比较", anova::MAX_PAIRWISE_GROUPS),
            Lang::En => format!("more than {} groups: pairwise comparisons are left out", anova::MAX_PAIRWISE_GROUPS),
        });
    }
    let conclusion = anova_sentence(&g, &r, s);
    let mut doc = test_doc("anova", &r.method, r.statistic, json!([r.df_between, r.df_within]), r.p_value, Alternative::TwoSided, Value::Null, Value::Null, json!(r.conf_level), &conclusion);
    doc["ms_between"] = json!(r.ms_between);
    doc["ms_within"] = json!(r.ms_within);
    doc["ss_between"] = json!(r.ss_between);
    doc["ss_within"] = json!(r.ss_within);
    doc["r_squared"] = opt(Some(r.r_squared));
    doc["column"] = json!(g.value);
    doc["group"] = json!(g.group);
    doc["groups"] = groups_json(&g.names, &g.values);
    doc["alpha"] = json!(s.alpha);
    doc["significant"] = json!(r.p_value < s.alpha);
    doc["pairwise_method"] = json!(r.pairwise_method);
    let pairs: Vec<Value> = r
        .pairwise
        .iter()
        .map(|c| {
            json!({"pair": format!("{}-{}", g.names[c.second], g.names[c.first]), "first": g.names[c.second], "second": g.names[c.first],
                   "diff": c.diff, "ci": [c.ci.0, c.ci.1], "p_adj": c.p_adj, "significant": c.p_adj < s.alpha})
        })
        .collect();
    doc["tukey"] = Value::Array(pairs);
    Ok((doc, anova_text(&g, &r, s, &conclusion)))
}

/// Suggest Welch's ANOVA when the groups' spreads differ: Levene (Brown–Forsythe) p < 0.05 or
/// a largest-to-smallest sd ratio above 2.
fn unequal_spread_warning(groups: &[&[f64]], lang: Lang) -> Option<String> {
    let sds: Vec<f64> = groups.iter().filter(|g| g.len() > 1).map(|g| crate::num::sd(g)).collect();
    let (lo, hi) = extremes(&sds);
    let ratio = if sds.is_empty() || sds[lo] <= 0.0 { f64::INFINITY } else { sds[hi] / sds[lo] };
    let levene_p = variance::levene(groups, LeveneCenter::Median).map(|r| r.p_value);
    let unequal = levene_p.is_some_and(|p| p < 0.05) || ratio > 2.0;
    if !unequal {
        return None;
    }
    let lp = levene_p.map_or("*".into(), fmt_p);
    Some(match lang {
        Lang::Zh => format!("各组波动不一致（最大/最小标准差 = {}，Levene {lp}），经典方差分析假设方差相等：建议加 --welch（Welch 方差分析）", short(ratio)),
        Lang::En => format!("the groups' spreads differ (largest/smallest sd = {}, Levene {lp}); classic ANOVA assumes equal variances: consider --welch (Welch's ANOVA)", short(ratio)),
    })
}

fn anova_sentence(g: &Groups, r: &AnovaResult, s: Settings) -> String {
    let means: Vec<f64> = r.groups.iter().map(|x| x.mean).collect();
    let (lo, hi) = extremes(&means);
    let sig = significance(r.p_value, s.alpha, s.lang);
    let mut sig_pairs: Vec<String> = r.pairwise.iter().filter(|c| c.p_adj < s.alpha).map(|c| format!("{}−{}", g.names[c.second], g.names[c.first])).collect();
    let n_sig = sig_pairs.len();
    if n_sig > 6 {
        sig_pairs.truncate(5);
        sig_pairs.push("…".into());
    }
    let k = g.names.len();
    let total = r.pairwise.len();
    let (method_en, method_zh) = if r.pairwise_method == "games-howell" { ("Games-Howell", "Games-Howell") } else { ("Tukey HSD", "Tukey HSD") };
    match s.lang {
        Lang::En => {
            let pairs = if total == 0 { "pairwise comparisons were not made".to_string() } else if sig_pairs.is_empty() { format!("{method_en} finds no pair of groups different") } else { format!("{method_en} finds {n_sig} of {total} pairs different ({})", sig_pairs.join(", ")) };
            format!(
                "The mean of '{}' differs across the {k} groups from {} ('{}') to {} ('{}'), a gap of {}; this is {sig}, and {pairs}.",
                g.value,
                short(means[lo]),
                g.names[lo],
                short(means[hi]),
                g.names[hi],
                short(means[hi] - means[lo])
            )
        }
        Lang::Zh => {
            let pairs = if total == 0 { "未做两两比较".to_string() } else if sig_pairs.is_empty() { format!("{method_zh} 两两比较无显著差异的组对") } else { format!("{method_zh} 两两比较中 {total} 对里有 {n_sig} 对差异显著（{}）", sig_pairs.join("、")) };
            format!(
                "“{}”在 {k} 个组中的均值从 {}（“{}”）到 {}（“{}”），相差 {}；该差异{sig}，{pairs}。",
                g.value,
                short(means[lo]),
                g.names[lo],
                short(means[hi]),
                g.names[hi],
                short(means[hi] - means[lo])
            )
        }
    }
}

fn anova_text(g: &Groups, r: &AnovaResult, s: Settings, conclusion: &str) -> String {
    let lang = s.lang;
    let mut t = TextTable::new([lang.t("来源", "Source"), lang.t("自由度", "DF"), "SS", "MS", "F", lang.t("P 值", "P-Value")])
        .align_right(1)
        .align_right(2)
        .align_right(3)
        .align_right(4)
        .align_right(5);
    // Welch's F is not a ratio of these mean squares: show its df, F and p only.
    let welch = r.pairwise_method == "games-howell";
    let ss_ms = |ss: f64, ms: f64| if welch { (String::new(), String::new()) } else { (fmt_num(Some(ss)), fmt_num(Some(ms))) };
    let (ssb, msb) = ss_ms(r.ss_between, r.ms_between);
    let (ssw, msw) = ss_ms(r.ss_within, r.ms_within);
    t.row([g.group.clone(), fmt_num(Some(r.df_between)), ssb, msb, fmt_num(Some(r.statistic)), fmt_num(Some(r.p_value))]);
    t.row([lang.t("误差", "Error").to_string(), fmt_num(Some(r.df_within)), ssw, msw, String::new(), String::new()]);
    let mut pairs = TextTable::new([
        lang.t("组对", "Pair").to_string(),
        lang.t("差值", "Difference").to_string(),
        format!("{}% CI", short(r.conf_level * 100.0)),
        lang.t("调整后 P", "Adj. P").to_string(),
    ])
    .align_right(1)
    .align_right(3);
    for c in &r.pairwise {
        pairs.row([
            format!("{} − {}", g.names[c.second], g.names[c.first]),
            fmt_num(Some(c.diff)),
            format!("({}, {})", fmt_num(Some(c.ci.0)), fmt_num(Some(c.ci.1))),
            fmt_num(Some(c.p_adj)),
        ]);
    }
    let pair_title = if r.pairwise_method == "games-howell" { "Games-Howell" } else { "Tukey HSD" };
    format!("{}\n{}\n{}\n{pair_title}\n{}\n{conclusion}\n", groups_table(&g.names, &g.values, lang), r.method, t.render(), pairs.render())
}

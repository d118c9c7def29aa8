//! `qce chart KIND FILE ...`: control charts.

use super::common::{column_name, excluded_warning, InputArgs, LayoutArgs};
use super::{Ctx, JsonStream, Output};
use crate::dataset::{subgroups, LayoutSpec};
use crate::error::{QceError, Result};
use crate::i18n::Lang;
use crate::render::control::ChartStyle;
use crate::render::{fmt_num, TextTable};
use crate::spc::{attribute_chart, variables_chart, AttributeData, ChartKind, ChartOptions, ChartResult, RuleSet, SigmaMethod, StageLimits, Violation};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce chart`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce chart xbar-r pistonrings.csv --value diameter --subgroup sample --out xbar-r.svg
  qce chart xbar-r wide.xlsx --value x1,x2,x3,x4,x5 --rules 1,2,5
  qce chart i-mr improve.csv --value 直径 --phase 阶段 --out imr.png --lang zh
  qce chart i-mr improve.csv --value 直径 --phase 阶段 --limits-from 改进前
  qce chart p defects.csv --value 不良数 --size 检验数 --label 日期
  qce chart ewma viscosity.csv --value viscosity --lambda 0.2
  qce chart cusum viscosity.csv --value viscosity --h 4 --k 0.5

Sigma (within subgroups): X-bar/R R̄/d2; X-bar/S S̄/c4 (pooled sd/c4 when subgroup sizes differ);
I-MR, and EWMA/CUSUM of individuals, MR̄/1.128; EWMA/CUSUM of subgroups R̄/d2. d2/d3 are the
tabulated constants (d2(2) = 1.128), c4 exact. Unequal n: Minitab's weighted R̄ and S̄.
Tests (--rules): Nelson 1-8 with Minitab's numbering and defaults; `we` = Western Electric
(tests 1, 5, 6 and 2 with 8 in a row). Each failure is listed at the point completing the
pattern; tests and moving ranges restart at stage boundaries. R/S/MR charts: test 1 only;
EWMA/CUSUM: points beyond the limits only.
Attribute charts: --value holds the counts, --size the sample sizes (a column or a number);
p-laney/u-laney widen the limits by Laney's sigma_z for overdispersed data.")]
pub struct ChartArgs {
    /// Chart kind: xbar-r, xbar-s, i-mr, p, np, c, u, ewma, cusum, p-laney, u-laney.
    #[arg(value_name = "KIND")]
    pub kind: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub layout: LayoutArgs,
    /// Sample size per subgroup for p, np, u: a column or a constant N.
    #[arg(long, value_name = "COL|N")]
    pub size: Option<String>,
    /// Judge every point against this stage's limits (historical limits).
    #[arg(long, value_name = "LABEL")]
    pub limits_from: Option<String>,
    /// Nelson tests to apply: a list such as 1,2,5, or `we` (Western Electric). Default: all 8.
    #[arg(long, value_name = "LIST|we")]
    pub rules: Option<String>,
    /// Within-subgroup sigma estimator: rbar, sbar, pooled, mr.
    #[arg(long, value_name = "METHOD")]
    pub sigma: Option<String>,
    /// Known (historical) process sigma instead of an estimate.
    #[arg(long, value_name = "X")]
    pub sigma_value: Option<f64>,
    /// Known (historical) center line instead of the mean.
    #[arg(long, value_name = "X")]
    pub center_value: Option<f64>,
    /// Column whose values label the x axis (dates, batch numbers).
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,
    /// EWMA weight λ (default 0.2).
    #[arg(long, value_name = "X")]
    pub lambda: Option<f64>,
    /// EWMA limit width L in sigmas (default 3).
    #[arg(long, value_name = "L")]
    pub nsigma: Option<f64>,
    /// Target for EWMA/CUSUM (default: the stage mean).
    #[arg(long, value_name = "T")]
    pub target: Option<f64>,
    /// CUSUM decision interval h in sigmas (default 4).
    #[arg(long, value_name = "H")]
    pub h: Option<f64>,
    /// CUSUM allowance k in sigmas (default 0.5).
    #[arg(long, value_name = "K")]
    pub k: Option<f64>,
    /// Chart title (default from the column and chart kind).
    #[arg(long)]
    pub title: Option<String>,
    /// Write the chart: .svg or .png.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Run `qce chart`.
pub fn run(args: &ChartArgs, ctx: &Ctx) -> Result<Output> {
    let kind: ChartKind = args.kind.parse()?;
    let opts = options(args, kind)?;
    let mut timing = super::common::Timing::start();
    let table = args.input.load()?;
    timing.mark("open");
    let mut warnings = Vec::new();
    let result = if kind.is_attribute() {
        let data = attribute_data(args, &table, kind, ctx, &mut warnings)?;
        let chart = attribute_chart(&data, &opts)?;
        super::common::drop_in_background(data);
        chart
    } else {
        if args.size.is_some() {
            warnings.push(ctx.lang.t("--size 只用于计数型控制图（p、np、u），已忽略", "--size applies to attribute charts (p, np, u) only; ignored").to_string());
        }
        let spec = LayoutSpec {
            value: LayoutSpec::values_from_arg(&args.layout.value),
            subgroup: args.layout.subgroup.clone(),
            subgroup_size: args.layout.subgroup_size,
            phase: args.layout.phase.clone(),
            label: args.label.clone(),
        };
        let sg = subgroups(&table, &spec)?;
        timing.mark("subgroups");
        warnings.extend(excluded_warning(&sg.value_name, &sg.excluded, ctx.lang));
        if !sg.empty_subgroups.is_empty() {
            warnings.push(match ctx.lang {
                Lang::Zh => format!("{} 个子组没有可用数值，未绘出：{}", sg.empty_subgroups.len(), list(&sg.empty_subgroups)),
                Lang::En => format!("{} subgroups have no usable value and are not plotted: {}", sg.empty_subgroups.len(), list(&sg.empty_subgroups)),
            });
        }
        let chart = variables_chart(&sg, &opts)?;
        super::common::drop_in_background(sg);
        chart
    };
    timing.mark("statistics");
    let column = LayoutSpec::values_from_arg(&args.layout.value).join(",");
    let title = args.title.clone().unwrap_or_else(|| default_title(kind, &column, ctx.lang));
    if let Some(out) = &args.out {
        crate::render::control::draw(&result, &ChartStyle { title: title.clone(), lang: ctx.lang }, out)?;
        timing.mark("draw");
    }
    // The JSON of a 2-million-point chart is ≈ 1 GB of text: it is streamed to stdout, never
    // built as a tree (`JsonStream`); the human text is built only when asked for.
    if ctx.json {
        let phase = args.layout.phase.as_deref().map(|p| column_name(&table, p)).transpose()?;
        let out = args.out.as_ref().map(|o| o.display().to_string());
        let doc = ChartDocument { chart: result, column, phase, title, out };
        return Ok(Output { stream: Some(JsonStream::new(doc)), ..Output::new(serde_json::Value::Null, String::new(), warnings) });
    }
    let text = render_text(&result, &title, args.out.as_deref(), ctx.lang);
    super::common::drop_in_background(result);
    Ok(Output::new(serde_json::Value::Null, text, warnings))
}

/// The `--json` document of `qce chart`: the chart (CONTRACT.md `chart`) and the extension
/// keys `column`, `phase`, `title`, `out`.
#[derive(serde::Serialize)]
struct ChartDocument {
    #[serde(flatten)]
    chart: ChartResult,
    column: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    phase: Option<String>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    out: Option<String>,
}

fn list(items: &[String]) -> String {
    let mut s = items.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 10 {
        s.push_str(", …");
    }
    s
}

/// The computation options from the flags.
fn options(args: &ChartArgs, kind: ChartKind) -> Result<ChartOptions> {
    let mut o = ChartOptions::new(kind);
    o.sigma_method = args.sigma.as_deref().map(str::parse::<SigmaMethod>).transpose()?;
    o.sigma_value = args.sigma_value;
    o.center_value = args.center_value;
    o.limits_from = args.limits_from.clone();
    if o.limits_from.is_some() && args.layout.phase.is_none() {
        return Err(QceError::usage("--limits-from LABEL needs --phase COL (the column holding the stage labels)"));
    }
    if let Some(r) = &args.rules {
        o.rules = RuleSet::parse(r)?;
    }
    if matches!(kind, ChartKind::Ewma | ChartKind::Cusum) && args.rules.is_none() {
        o.rules = RuleSet::only_limits();
    }
    if let Some(x) = args.nsigma {
        o.nsigma = x;
    }
    if !(o.nsigma > 0.0) {
        return Err(QceError::usage("--nsigma must be positive"));
    }
    if let Some(x) = args.lambda {
        o.lambda = x;
    }
    o.target = args.target;
    if let Some(x) = args.h {
        o.h = x;
    }
    if let Some(x) = args.k {
        o.k = x;
    }
    if kind.is_attribute() && o.sigma_method.is_some() {
        return Err(QceError::usage("--sigma applies to variables charts; attribute charts use the binomial/Poisson sigma"));
    }
    Ok(o)
}

/// Counts from `--value`, sizes from `--size COL|N`, one point per row.
fn attribute_data(args: &ChartArgs, table: &crate::ingest::Table, kind: ChartKind, ctx: &Ctx, warnings: &mut Vec<String>) -> Result<AttributeData> {
    if args.layout.subgroup.is_some() || args.layout.subgroup_size.is_some() {
        return Err(QceError::usage(format!("a {} chart takes one count per row: drop --subgroup/--subgroup-size", kind.as_str())));
    }
    let spec = LayoutSpec {
        value: LayoutSpec::values_from_arg(&args.layout.value),
        subgroup: None,
        subgroup_size: None,
        phase: args.layout.phase.clone(),
        label: args.label.clone(),
    };
    if spec.value.len() != 1 {
        return Err(QceError::usage(format!("a {} chart takes one count column in --value", kind.as_str())));
    }
    let sg = subgroups(table, &spec)?;
    warnings.extend(excluded_warning(&sg.value_name, &sg.excluded, ctx.lang));
    let needs_size = matches!(kind, ChartKind::P | ChartKind::Np | ChartKind::PLaney);
    let sizes: Vec<f64> = match args.size.as_deref().map(str::trim) {
        None if needs_size => {
            return Err(QceError::usage(format!("a {} chart needs --size COL|N: the number inspected in each subgroup", kind.as_str())))
        }
        None => vec![1.0; sg.len()],
        Some(s) if s.parse::<f64>().is_ok() => {
            let n: f64 = s.parse().unwrap_or(1.0); // ok: parse checked just above
            vec![n; sg.len()]
        }
        Some(col) => {
            let c = table.numeric(col)?;
            let index: std::collections::HashMap<u64, usize> = (0..table.height()).map(|r| (table.file_row(r), r)).collect();
            let mut out = Vec::with_capacity(sg.len());
            for &row in &sg.first_rows {
                let v = index.get(&row).map(|&r| c.values[r]).unwrap_or(f64::NAN);
                if v.is_nan() {
                    return Err(QceError::input(format!("{}: row {row}: the sample size (column '{}') is missing while the count is given", table.source.file, c.name))
                        .with_row(row)
                        .with_column(&c.name));
                }
                out.push(v);
            }
            out
        }
    };
    if kind == ChartKind::C && args.size.is_some() {
        warnings.push(ctx.lang.t("c 图假定每个子组的检验单位相同，--size 未使用；单位数不同时请用 u 图", "a c chart assumes equal inspection units; --size is not used (use a u chart when units vary)").to_string());
    }
    Ok(AttributeData { name: sg.value_name.clone(), counts: sg.values.clone(), sizes, labels: sg.labels.clone(), rows: sg.first_rows.clone(), stages: sg.stages.clone() })
}

/// "Xbar-R Chart of diameter" / "直径 的 Xbar-R 控制图".
pub fn default_title(kind: ChartKind, column: &str, lang: Lang) -> String {
    let name = chart_name(kind, lang);
    match lang {
        Lang::Zh => format!("{column} 的{name}"),
        Lang::En => format!("{name} of {column}"),
    }
}

/// The chart's name for titles and tables.
pub fn chart_name(kind: ChartKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ChartKind::XbarR, Lang::Zh) => " Xbar-R 控制图",
        (ChartKind::XbarR, Lang::En) => "Xbar-R Chart",
        (ChartKind::XbarS, Lang::Zh) => " Xbar-S 控制图",
        (ChartKind::XbarS, Lang::En) => "Xbar-S Chart",
        (ChartKind::IMr, Lang::Zh) => " I-MR 控制图",
        (ChartKind::IMr, Lang::En) => "I-MR Chart",
        (ChartKind::P, Lang::Zh) => " P 控制图",
        (ChartKind::P, Lang::En) => "P Chart",
        (ChartKind::Np, Lang::Zh) => " NP 控制图",
        (ChartKind::Np, Lang::En) => "NP Chart",
        (ChartKind::C, Lang::Zh) => " C 控制图",
        (ChartKind::C, Lang::En) => "C Chart",
        (ChartKind::U, Lang::Zh) => " U 控制图",
        (ChartKind::U, Lang::En) => "U Chart",
        (ChartKind::Ewma, Lang::Zh) => " EWMA 控制图",
        (ChartKind::Ewma, Lang::En) => "EWMA Chart",
        (ChartKind::Cusum, Lang::Zh) => " CUSUM 控制图",
        (ChartKind::Cusum, Lang::En) => "CUSUM Chart",
        (ChartKind::PLaney, Lang::Zh) => " Laney P′ 控制图",
        (ChartKind::PLaney, Lang::En) => "Laney P′ Chart",
        (ChartKind::ULaney, Lang::Zh) => " Laney U′ 控制图",
        (ChartKind::ULaney, Lang::En) => "Laney U′ Chart",
    }
}

/// Human output: a table per panel (one row per stage) and the violations in words.
fn render_text(r: &ChartResult, title: &str, out: Option<&std::path::Path>, lang: Lang) -> String {
    let mut s = format!("{title}\n\n");
    s.push_str(&stage_table(&panel_label(&r.statistic, lang), &r.stages, lang));
    if let Some(d) = &r.dispersion {
        s.push('\n');
        s.push_str(&stage_table(&panel_label(&d.statistic, lang), &d.stages, lang));
    }
    let method = match (r.sigma_method.as_str(), lang) {
        ("rbar", Lang::Zh) => "σ 由平均极差估计（R̄/d2）",
        ("rbar", Lang::En) => "σ estimated from the average range (R̄/d2)",
        ("sbar", Lang::Zh) => "σ 由平均标准差估计（S̄/c4）",
        ("sbar", Lang::En) => "σ estimated from the average standard deviation (S̄/c4)",
        ("pooled", Lang::Zh) => "σ 为合并标准差（含 c4 无偏修正）",
        ("pooled", Lang::En) => "σ is the pooled standard deviation (with c4 unbiasing)",
        ("mr", Lang::Zh) => "σ 由平均移动极差估计（MR̄/1.128）",
        ("mr", Lang::En) => "σ estimated from the average moving range (MR̄/1.128)",
        ("known", Lang::Zh) => "σ 为给定的历史值",
        ("known", Lang::En) => "σ is the given (historical) value",
        ("laney", Lang::Zh) => "Laney 修正：二项/泊松 σ 乘以 σz（z 值的平均移动极差/1.128）",
        ("laney", Lang::En) => "Laney adjustment: binomial/Poisson σ times σz (average moving range of z / 1.128)",
        (_, Lang::Zh) => "σ 按二项/泊松分布计算",
        (_, Lang::En) => "σ from the binomial/Poisson distribution",
    };
    s.push_str(&format!("\n{method}\n"));
    s.push_str(&violations_text(&r.violations, lang));
    if let Some(d) = &r.dispersion {
        if !d.violations.is_empty() {
            let name = panel_label(&d.statistic, lang);
            s.push_str(&format!("\n{name}:\n"));
            s.push_str(&violations_text(&d.violations, lang));
        }
    }
    if let Some(p) = out {
        s.push_str(&match lang {
            Lang::Zh => format!("\n控制图已写入 {}\n", p.display()),
            Lang::En => format!("\nChart written to {}\n", p.display()),
        });
    }
    s
}

fn panel_label(statistic: &str, lang: Lang) -> String {
    let zh = match statistic {
        "xbar" => "均值 (X̄)",
        "r" => "极差 (R)",
        "s" => "标准差 (S)",
        "i" => "单值 (I)",
        "mr" => "移动极差 (MR)",
        "ewma" => "EWMA",
        "cusum" => "CUSUM",
        "p" | "p'" => "不合格品率 (P)",
        "np" => "不合格品数 (NP)",
        "c" => "缺陷数 (C)",
        _ => "单位缺陷数 (U)",
    };
    let en = match statistic {
        "xbar" => "Mean (X̄)",
        "r" => "Range (R)",
        "s" => "StDev (S)",
        "i" => "Individual value (I)",
        "mr" => "Moving range (MR)",
        "ewma" => "EWMA",
        "cusum" => "CUSUM",
        "p" | "p'" => "Proportion (P)",
        "np" => "Number defective (NP)",
        "c" => "Defects (C)",
        _ => "Defects per unit (U)",
    };
    lang.t(zh, en).to_string()
}

fn stage_table(name: &str, stages: &[StageLimits], lang: Lang) -> String {
    let header = match lang {
        Lang::Zh => [name, "中心线", "σ", "LCL", "UCL", "点数"],
        Lang::En => [name, "Center", "Sigma", "LCL", "UCL", "Points"],
    };
    let mut t = TextTable::new(header);
    for i in 1..6 {
        t = t.align_right(i);
    }
    let varying = lang.t("逐点", "varies");
    for st in stages {
        let lim = |x: Option<f64>| if x.is_some() { fmt_num(x) } else { varying.to_string() };
        let mut label = st.name.clone();
        if st.limits_from != st.name {
            label = match lang {
                Lang::Zh => format!("{label}（用 {} 的控制限）", st.limits_from),
                Lang::En => format!("{label} (limits of {})", st.limits_from),
            };
        }
        t.row([label, lim(st.center), fmt_num(st.sigma), lim(st.lcl), lim(st.ucl), st.n_points.to_string()]);
    }
    t.render()
}

/// "第 12 点：检验 1，超出 3σ 控制限" / "Point 12: test 1, beyond 3σ limits" (first 30).
fn violations_text(v: &[Violation], lang: Lang) -> String {
    if v.is_empty() {
        return lang.t("未发现异常（所选检验均未触发）。\n", "No test failed: no special-cause signal.\n").to_string();
    }
    let mut s = match lang {
        Lang::Zh => format!("{} 处检验未通过：\n", v.len()),
        Lang::En => format!("{} test failures:\n", v.len()),
    };
    for x in v.iter().take(30) {
        s.push_str(&match lang {
            Lang::Zh => format!("  第 {} 点：检验 {}，{}\n", x.point, x.rule, x.description_zh),
            Lang::En => format!("  Point {}: test {}, {}\n", x.point, x.rule, x.description),
        });
    }
    if v.len() > 30 {
        s.push_str(&match lang {
            Lang::Zh => format!("  ……另有 {} 处（完整列表见 --json）\n", v.len() - 30),
            Lang::En => format!("  … and {} more (see --json for the full list)\n", v.len() - 30),
        });
    }
    s
}

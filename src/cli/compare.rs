//! `qce compare FILE --value COL --phase COL ...`: automatic before/after evidence.
//!
//! Glue only: it runs the contract commands (`chart`, `capability`, `test`) on the same file
//! and layout, so every number equals what those commands print, and hands their JSON
//! documents to [`crate::evidence::compare::assemble`]. The JSON keys are listed in
//! `src/evidence/compare.rs`.

use super::common::{excluded_warning, InputArgs, LayoutArgs};
use super::{Ctx, Output};
use crate::dataset::{self, LayoutSpec};
use crate::error::{QceError, Result};
use crate::evidence::compare::{assemble, prefers_rank_test, num_at, CompareSpec, Comparison, Gathered};
use crate::evidence::compare_text::{fixed, index_text, p_text, pct_text, ppm_text};
use crate::evidence::project::Direction;
use crate::i18n::Lang;
use crate::render::TextTable;
use clap::Args;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Arguments of `qce compare`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce compare improve.xlsx --value 直径 --phase 阶段 --lsl 9.95 --usl 10.05 --direction target
  qce compare defects.csv --value 不良率 --phase 阶段 --direction lower --lang zh
  qce compare rings.csv --value diameter --subgroup sample --phase phase --json
  qce compare data.csv --value x --phase stage --before 改进前 --after 巩固期 --out charts/

Per stage: description, control chart chosen from the layout (I-MR, X̄-R up to n = 8, X̄-S),
stability (Nelson 1, 2, 7 on the location chart, 1 on the dispersion chart), Anderson-Darling
normality, amount of data (a card below 100 values), capability with intervals when limits
are given. The after stage is also judged against the before stage's limits. Changes: mean
(Welch t; Mann-Whitney when a stage is clearly non-normal and small), standard deviation
(Bonett's test, Levene/Brown-Forsythe beside it), Cpk/Ppk and expected PPM. Every failed check
is a card saying what it means and what to do. The numbers are those of `qce chart`,
`qce capability` and `qce test` on the same data.")]
pub struct CompareArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub layout: LayoutArgs,
    /// Lower specification limit.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub lsl: Option<f64>,
    /// Upper specification limit.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub usl: Option<f64>,
    /// Target value.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub target: Option<f64>,
    /// Wanted direction of change: lower, higher or target.
    #[arg(long, value_name = "lower|higher|target")]
    pub direction: Option<String>,
    /// Significance level.
    #[arg(long, value_name = "A", default_value_t = 0.05)]
    pub alpha: f64,
    /// Label of the before stage (default: the first stage).
    #[arg(long, value_name = "LABEL")]
    pub before: Option<String>,
    /// Label of the after stage (default: the last stage).
    #[arg(long, value_name = "LABEL")]
    pub after: Option<String>,
    /// Write the comparison charts into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Run `qce compare`.
pub fn run(args: &CompareArgs, ctx: &Ctx) -> Result<Output> {
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| QceError::input(format!("cannot create folder '{}': {e}", dir.display())).with_file(dir.display().to_string()))?;
    }
    let (c, warnings) = compare(args, ctx.lang, args.out.as_deref())?;
    let json = serde_json::to_value(&c).map_err(|e| QceError::analysis(format!("cannot serialise the comparison: {e}")))?;
    Ok(Output::new(json, render_text(&c, ctx.lang), warnings))
}

/// Run one contract command (argv without the program name) and return its JSON document.
pub(crate) fn run_sub(argv: &[String], lang: Lang) -> Result<Value> {
    let cli = <super::Cli as clap::Parser>::try_parse_from(std::iter::once("qce".to_string()).chain(argv.iter().cloned()))
        .map_err(|e| QceError::usage(format!("qce {}: {}", argv.join(" "), e.to_string().trim())))?;
    let ctx = Ctx { lang, json: true };
    super::dispatch(cli.command, &ctx)?.into_json()
}

/// Run a contract command that also draws a chart to `out` (when given). When only the
/// drawing fails, the command is run again without `--out`, so the numbers survive; the
/// drawing error is returned beside them.
pub(crate) fn run_sub_chart(argv: &[String], out: Option<&Path>, lang: Lang) -> (Result<Value>, Option<String>) {
    let Some(out) = out else { return (run_sub(argv, lang), None) };
    let mut with_out = argv.to_vec();
    with_out.extend(["--out".to_string(), out.display().to_string()]);
    match run_sub(&with_out, lang) {
        Ok(v) => {
            // The same chart as PNG beside the SVG (for slides and documents); optional.
            if out.extension().is_some_and(|e| e == "svg") {
                let mut png = argv.to_vec();
                png.extend(["--out".to_string(), out.with_extension("png").display().to_string()]);
                let _ = run_sub(&png, lang);
            }
            (Ok(v), None)
        }
        Err(e) => match run_sub(argv, lang) {
            // A half-written drawing must not be shown as the chart.
            Ok(v) if out.is_file() => {
                let _ = std::fs::remove_file(out);
                (Ok(v), Some(e.message))
            }
            Ok(v) => (Ok(v), Some(e.message)),
            Err(e2) => (Err(e2), None),
        },
    }
}

/// The input options as command-line arguments (FILE, --sheet, --header-row, --skip-bad).
pub(crate) fn input_argv(input: &InputArgs) -> Vec<String> {
    let mut v = vec![input.file.display().to_string()];
    if let Some(s) = &input.sheet {
        v.extend(["--sheet".into(), s.clone()]);
    }
    if let Some(h) = input.header_row {
        v.extend(["--header-row".into(), h.to_string()]);
    }
    if input.skip_bad {
        v.push("--skip-bad".into());
    }
    v
}

fn layout_argv(l: &LayoutArgs, with_phase: bool) -> Vec<String> {
    let mut v = vec!["--value".to_string(), l.value.clone()];
    if let Some(s) = &l.subgroup {
        v.extend(["--subgroup".into(), s.clone()]);
    }
    if let Some(n) = l.subgroup_size {
        v.extend(["--subgroup-size".into(), n.to_string()]);
    }
    if let (true, Some(p)) = (with_phase, &l.phase) {
        v.extend(["--phase".into(), p.clone()]);
    }
    v
}

fn spec_argv(args: &CompareArgs) -> Vec<String> {
    let mut v = Vec::new();
    for (k, x) in [("--lsl", args.lsl), ("--usl", args.usl), ("--target", args.target)] {
        if let Some(x) = x {
            v.extend([k.to_string(), x.to_string()]);
        }
    }
    v
}

/// The chart kind the layout calls for: I-MR for individuals, X̄-R up to subgroups of 8,
/// X̄-S above (Montgomery 7e §6.3; Minitab Assistant's rule).
pub fn chart_kind(sg: &dataset::Subgroups) -> &'static str {
    let max = (0..sg.len()).map(|i| sg.size(i)).max().unwrap_or(1);
    if sg.individuals || max <= 1 {
        "i-mr"
    } else if max <= 8 {
        "xbar-r"
    } else {
        "xbar-s"
    }
}

/// Build the comparison (also used by `qce report`); charts go to `out` when given.
pub fn compare(args: &CompareArgs, lang: Lang, out: Option<&Path>) -> Result<(Comparison, Vec<String>)> {
    let phase = args.layout.phase.clone().ok_or_else(|| QceError::usage("compare needs --phase COL: the column that says which rows are before and after"))?;
    let direction = match &args.direction {
        None => None,
        Some(d) => Some(Direction::parse(d).ok_or_else(|| QceError::usage(format!("--direction {d}: use lower, higher or target")))?),
    };
    if !(0.0 < args.alpha && args.alpha < 0.5) {
        return Err(QceError::usage(format!("--alpha {}: give a level between 0 and 0.5, e.g. 0.05", args.alpha)));
    }
    if let (Some(l), Some(u)) = (args.lsl, args.usl) {
        if l >= u {
            return Err(QceError::analysis(format!("--lsl {l} is not below --usl {u}")));
        }
    }
    let table = args.input.load()?;
    let spec = LayoutSpec {
        value: LayoutSpec::values_from_arg(&args.layout.value),
        subgroup: args.layout.subgroup.clone(),
        subgroup_size: args.layout.subgroup_size,
        phase: Some(phase.clone()),
        label: None,
    };
    let sg = dataset::subgroups(&table, &spec)?;
    let mut warnings: Vec<String> = excluded_warning(&sg.value_name, &sg.excluded, lang).into_iter().collect();
    let names: Vec<&str> = sg.stages.iter().map(|s| s.name.as_str()).collect();
    if names.len() < 2 {
        return Err(QceError::analysis(format!(
            "column '{phase}' has only one stage ({}): compare needs a before and an after stage",
            names.join(", ")
        ))
        .with_column(&phase));
    }
    let pick = |label: &Option<String>, default: &str| -> Result<String> {
        match label {
            None => Ok(default.to_string()),
            Some(l) if names.contains(&l.as_str()) => Ok(l.clone()),
            Some(l) => Err(QceError::input(format!("stage '{l}' is not in column '{phase}' (stages: {})", names.join(", "))).with_column(&phase)),
        }
    };
    let before = pick(&args.before, names[0])?;
    let after = pick(&args.after, names[names.len() - 1])?;
    if before == after {
        return Err(QceError::usage(format!("--before and --after name the same stage '{before}'")));
    }
    if names.len() > 2 {
        warnings.push(match lang {
            Lang::Zh => format!("列“{phase}”有 {} 个阶段；比较 {before} 与 {after}", names.len()),
            Lang::En => format!("column '{phase}' has {} stages; comparing {before} with {after}", names.len()),
        });
    }
    let values: Vec<&[f64]> = [&before, &after].iter().map(|n| sg.stage(n).map(|s| sg.stage_values(s)).unwrap_or(&[])).collect();
    let kind = chart_kind(&sg);
    let cspec = CompareSpec {
        value: sg.value_name.clone(),
        phase: phase.clone(),
        before: before.clone(),
        after: after.clone(),
        lsl: args.lsl,
        usl: args.usl,
        target: args.target,
        direction,
        alpha: args.alpha,
        chart_kind: kind.to_string(),
    };
    let g = gather(args, kind, names.len(), &before, [values[0], values[1]], lang, out);
    Ok((assemble(&cspec, [values[0], values[1]], g, lang), warnings))
}

#[allow(clippy::too_many_arguments)]
fn gather(args: &CompareArgs, kind: &str, n_stages: usize, before: &str, values: [&[f64]; 2], lang: Lang, out: Option<&Path>) -> Gathered {
    let input = input_argv(&args.input);
    let phase = args.layout.phase.clone().unwrap_or_default();
    let value = args.layout.value.clone();
    let mut g = Gathered::default();
    let errors = std::cell::RefCell::new(Vec::new());
    let chart_errors = std::cell::RefCell::new(Vec::new());
    let run_chart = |section: &str, argv: Vec<String>, chart: Option<&str>| -> Option<Value> {
        let path = chart.and_then(|c| out.map(|d| d.join(c)));
        let (result, drawing) = run_sub_chart(&argv, path.as_deref(), lang);
        if let Some(d) = drawing {
            chart_errors.borrow_mut().push((section.to_string(), d));
        }
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                errors.borrow_mut().push((section.to_string(), e.message));
                None
            }
        }
    };
    let base = |cmd: &[&str]| -> Vec<String> { cmd.iter().map(|s| s.to_string()).chain(input.iter().cloned()).collect() };

    let mut a = base(&["chart", kind]);
    a.extend(layout_argv(&args.layout, true));
    a.extend(["--rules".into(), "1,2,7".into()]);
    let chart = run_chart("chart", a, Some("control.svg"));
    let mut a = base(&["chart", kind]);
    a.extend(layout_argv(&args.layout, true));
    a.extend(["--limits-from".into(), before.to_string(), "--rules".into(), "1".into()]);
    let historical = run_chart("chart --limits-from", a, Some("control_historical.svg"));
    let mut capability = None;
    if args.lsl.is_some() || args.usl.is_some() {
        let mut a = base(&["capability"]);
        a.extend(layout_argv(&args.layout, true));
        a.extend(spec_argv(args));
        a.extend(["--conf".into(), (1.0 - args.alpha).to_string()]);
        capability = run_chart("capability", a, Some("capability.svg"));
    }
    let test = |name: &str, extra: &[&str]| -> Vec<String> {
        let mut a = base(&["test", name]);
        a.extend(["--value".into(), value.clone(), "--group".into(), phase.clone(), "--alpha".into(), args.alpha.to_string()]);
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    // With exactly two stages the tests run as the contract commands (`qce test t2 --group
    // PHASE`...). With more stages those commands refuse (they see every label), so the same
    // functions of crate::tests run on the two compared stages directly.
    let direct = |section: &str, name: &str, r: Option<Value>| -> Option<Value> {
        match r {
            Some(mut v) => {
                v["test"] = Value::from(name);
                Some(v)
            }
            None => {
                errors.borrow_mut().push((section.to_string(), format!("{section}: the two stages do not support the test (too few values or no spread)")));
                None
            }
        }
    };
    let conf = 1.0 - args.alpha;
    let (welch, levene) = if n_stages == 2 {
        (run_chart("test t2", test("t2", &[]), None), run_chart("test levene", test("levene", &["--center", "median"]), None))
    } else {
        use crate::tests::{ttest, variance};
        let t = ttest::two_sample(values[0], values[1], false, ttest::Alternative::TwoSided, conf).and_then(|r| serde_json::to_value(r).ok());
        let l = variance::levene(&[values[0], values[1]], variance::LeveneCenter::Median).and_then(|r| serde_json::to_value(r).ok());
        (direct("test t2", "t2", t), direct("test levene", "levene", l))
    };
    // Anderson–Darling per stage from its owner (crate::tests::normality), the function
    // behind `qce test normality --method ad`.
    let normality = [0, 1].map(|i| crate::tests::normality::anderson_darling(values[i]).and_then(|r| serde_json::to_value(r).ok()));
    let normal_p = [0, 1].map(|i| normality[i].as_ref().and_then(|v| num_at(v, &["p_value"])));
    let mann_whitney = match (prefers_rank_test(normal_p, [values[0].len(), values[1].len()]), n_stages == 2) {
        (false, _) => None,
        (true, true) => run_chart("test mann-whitney", test("mann-whitney", &[]), None),
        (true, false) => {
            use crate::tests::{alternative::Alternative, rank};
            let r = rank::mann_whitney(values[0], values[1], Alternative::TwoSided, conf).ok().and_then(|r| serde_json::to_value(r).ok());
            direct("test mann-whitney", "mann-whitney", r)
        }
    };
    g.errors = errors.into_inner();
    g.chart_errors = chart_errors.into_inner();
    g.chart = chart;
    g.historical = historical;
    g.capability = capability;
    g.welch = welch;
    g.levene = levene;
    g.normality = normality;
    g.mann_whitney = mann_whitney;
    g
}

/// Terminal view: per-stage table, change table, verdict, cards.
pub fn render_text(c: &Comparison, lang: Lang) -> String {
    let d = c.decimals + 1;
    let opt = |x: Option<f64>, d: usize| x.map(|v| fixed(v, d)).unwrap_or_else(|| "*".into());
    let header = match lang {
        Lang::Zh => ["阶段", "N", "均值", "标准差", "中心线", "LCL", "UCL", "判异点", "AD p", "Cpk", "Ppk"],
        Lang::En => ["Stage", "N", "Mean", "StDev", "Center", "LCL", "UCL", "Signals", "AD p", "Cpk", "Ppk"],
    };
    let mut t = TextTable::new(header);
    for i in 1..header.len() {
        t = t.align_right(i);
    }
    for s in &c.stages {
        let cap = |k: &str| s.capability.as_ref().and_then(|v| num_at(v, &[k])).map(index_text).unwrap_or_else(|| "*".into());
        t.row([
            s.name.clone(),
            s.n.to_string(),
            opt(s.describe.mean, d),
            opt(s.describe.sd, d + 1),
            opt(s.chart.center, d),
            opt(s.chart.lcl, d),
            opt(s.chart.ucl, d),
            match s.stable {
                None => "*".into(),
                Some(_) => (s.violations.location.len() + s.violations.dispersion.len()).to_string(),
            },
            s.normality.as_ref().and_then(|v| num_at(v, &["p_value"])).map(|p| format!("{p:.3}")).unwrap_or_else(|| "*".into()),
            cap("cpk"),
            cap("ppk"),
        ]);
    }
    let mut out = format!("{}: {} {} → {} ({})\n\n", lang.t("前后对比", "Before/after"), c.value, c.before, c.after, c.chart_kind);
    out += &t.render();
    let mut t = TextTable::new(match lang {
        Lang::Zh => ["变化", "改进前", "改进后", "变化%", "检验", "p"],
        Lang::En => ["Change", "Before", "After", "Change %", "Test", "p"],
    })
    .align_right(1)
    .align_right(2)
    .align_right(3)
    .align_right(5);
    let pstr = |p: Option<f64>| p.map(crate::evidence::compare_text::p_cell).unwrap_or_else(|| "*".into());
    t.row([lang.t("均值", "Mean").to_string(), fixed(c.mean.before, d), fixed(c.mean.after, d), pct_text(c.mean.percent), c.mean_method.clone(), pstr(crate::evidence::compare::mean_p(c))]);
    t.row([lang.t("标准差", "StDev").to_string(), fixed(c.sd.before, d + 1), fixed(c.sd.after, d + 1), pct_text(c.sd.percent), "bonett".into(), pstr(c.bonett.as_ref().map(|b| b.p_value))]);
    for (name, ch) in [("Cpk", &c.cpk), ("Ppk", &c.ppk)] {
        if let Some(k) = ch {
            t.row([name.to_string(), index_text(k.before), index_text(k.after), pct_text(k.percent), String::new(), String::new()]);
        }
    }
    if let Some(k) = &c.ppm_expected {
        t.row([lang.t("预期 PPM", "Expected PPM").to_string(), ppm_text(k.before), ppm_text(k.after), pct_text(k.percent), String::new(), String::new()]);
    }
    out += "\n";
    out += &t.render();
    out += "\n";
    for l in &c.verdict_lines {
        out += l;
        out += "\n";
    }
    for k in &c.checks {
        let mark = match k.severity.as_str() {
            "fail" => "✗",
            "warn" => "!",
            _ => "i",
        };
        out += &format!("\n[{mark}] {}\n    {}\n    {} {}\n", k.title, k.meaning, lang.t("建议：", "To do:"), k.action);
    }
    let _ = p_text;
    out
}

//! `qce report PROJECT.toml`: the full evidence pack of a project.
//!
//! Glue only: validates the project file ([`crate::evidence::project`]), runs each analysis
//! through the contract command it names (so the report's numbers equal the commands'),
//! fingerprints the input files, judges the goal ([`crate::evidence::report`]) and writes
//! `index.html` ([`crate::render::html`]), `report.json` and `charts/`.

use super::compare::{compare, run_sub, CompareArgs};
use super::common::{InputArgs, LayoutArgs};
use super::{Ctx, Output};
use crate::dataset::{self, LayoutSpec};
use crate::error::{QceError, Result};
use crate::evidence::compare::Comparison;
use crate::evidence::project::{self, Analysis, AnalysisKind, DataSet, Project};
use crate::evidence::report::{self as model, AuditResult, ChartFile, Exclusion, InputEvidence, MethodUse, Report, Section};
use crate::i18n::Lang;
use crate::ingest::{self, CellProblem, LoadOptions};
use clap::Args;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Arguments of `qce report`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce report project.toml                    # writes reports/<project folder>/index.html
  qce report project.toml --out reports/p1 --lang en
  qce report project.toml --pdf              # also print report.pdf through chromium, when installed

The project file's schema is documented in fixtures/demo/project.toml (a commented example).")]
pub struct ReportArgs {
    /// The project file (TOML).
    #[arg(value_name = "PROJECT.toml")]
    pub project: PathBuf,
    /// Output folder (index.html, report.json, charts/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also print the report to PDF with headless chromium.
    #[arg(long)]
    pub pdf: bool,
}

/// Run `qce report`.
pub fn run(args: &ReportArgs, ctx: &Ctx) -> Result<Output> {
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.project));
    let (report, warnings) = build(&args.project, &out, ctx.lang)?;
    let index = write(&report, &out, ctx.lang)?;
    let mut warnings = warnings;
    if args.pdf {
        match print_pdf(&index, &out.join("report.pdf")) {
            Ok(()) => {}
            Err(e) => warnings.push(e.message),
        }
    }
    Ok(finish(&report, &index, warnings, ctx.lang))
}

/// The output of a built report: the path of index.html and a one-line summary.
pub(crate) fn finish(report: &Report, index: &Path, warnings: Vec<String>, lang: Lang) -> Output {
    let g = &report.goal;
    let met = match g.met {
        Some(true) => lang.t("目标已达成", "target met"),
        Some(false) => lang.t("目标未达成", "target not met"),
        None => lang.t("目标无法判定", "target not judged"),
    };
    let mut text = format!("{}\n{}: {met}", index.display(), report.project.info.name);
    if let (Some(a), Some(p)) = (g.achieved, g.improvement_percent) {
        let v = |x: f64| crate::render::html::goal_value(x, &g.unit);
        let base = g.baseline_measured.or(g.baseline).map(v).unwrap_or_default();
        text += &format!(" ({} {base} → {}, {})", g.metric, v(a), crate::evidence::compare_text::pct_text(Some(p)));
    }
    text.push('\n');
    let failed: Vec<String> = report.sections.iter().filter_map(|s| s.error.as_ref().map(|e| format!("  {} {}: {e}", lang.t("分析", "analysis"), s.number))).collect();
    if !failed.is_empty() {
        text += &format!("{}\n{}\n", lang.t("未能完成的分析：", "Analyses that could not run:"), failed.join("\n"));
    }
    let json = json!({"index_html": index.display().to_string(), "report_json": index.with_file_name("report.json").display().to_string(), "goal": g});
    Output::new(json, text, warnings)
}

fn default_out(project: &Path) -> PathBuf {
    let name = project
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().and_then(|d| d.file_name()).map(|n| n.to_string_lossy().to_string()))
        .or_else(|| project.file_stem().map(|s| s.to_string_lossy().to_string()))
        .unwrap_or_else(|| "report".into());
    PathBuf::from("reports").join(name)
}

/// Validate the project and run everything; charts are written under `out/charts`.
pub fn build(project_file: &Path, out: &Path, lang: Lang) -> Result<(Report, Vec<String>)> {
    let p = project::load(project_file)?;
    let charts = out.join("charts");
    std::fs::create_dir_all(&charts).map_err(|e| QceError::input(format!("cannot create '{}': {e}", charts.display())).with_file(charts.display().to_string()))?;
    let mut warnings = Vec::new();
    let inputs: Vec<InputEvidence> = p.data.iter().map(|d| input_evidence(d, lang)).collect();
    let mut sections = Vec::new();
    for (i, a) in p.analyses.iter().enumerate() {
        sections.push(run_analysis(&p, i + 1, a, out, lang, &mut warnings));
    }
    let goal = goal(&p, &sections, lang, &mut warnings);
    let audits: Vec<AuditResult> = p
        .data
        .iter()
        .filter(|d| d.value.is_some())
        .map(|d| {
            let mut argv = vec!["audit".to_string()];
            argv.extend(file_argv(d));
            argv.extend(["--value".into(), d.value.clone().unwrap_or_default()]);
            argv.extend(audit_argv(&p, d));
            match run_sub(&argv, lang) {
                Ok(v) => AuditResult { data: d.id.clone(), result: Some(v), error: None },
                Err(e) => AuditResult { data: d.id.clone(), result: None, error: Some(e.message) },
            }
        })
        .collect();
    let mut methods = methods(&sections, lang);
    for a in audits.iter().filter(|a: &&AuditResult| a.result.is_some()) {
        let flags = a.result.as_ref().and_then(|r| r.get("flag_count")).and_then(Value::as_u64).unwrap_or(0);
        methods.push(MethodUse {
            method: lang.t("数据真实性审核（末位数字、重复块、贴近中心线、规格限堆积等）", "Data audit (terminal digits, copied blocks, hugging, pile-up at a limit, ...)").to_string(),
            place: format!("{} {}", lang.t("数据", "data"), a.data),
            finding: format!("{} {flags}", lang.t("提示", "flags:")),
        });
    }
    let report = Report { generator: format!("qce {}", env!("CARGO_PKG_VERSION")), lang, project: p, goal, sections, inputs, methods, audits };
    Ok((report, warnings))
}

/// Write index.html and report.json; returns the path of index.html.
pub fn write(report: &Report, out: &Path, lang: Lang) -> Result<PathBuf> {
    let html = crate::render::html::report_page(report, out, lang);
    let index = out.join("index.html");
    let io = |p: &Path, e: std::io::Error| QceError::input(format!("cannot write '{}': {e}", p.display())).with_file(p.display().to_string());
    std::fs::write(&index, html).map_err(|e| io(&index, e))?;
    let json_path = out.join("report.json");
    let doc = serde_json::to_string_pretty(report).map_err(|e| QceError::analysis(format!("cannot serialise the report: {e}")))?;
    std::fs::write(&json_path, doc).map_err(|e| io(&json_path, e))?;
    Ok(index)
}

/// What the project knows that the audit can check: stages, limits, resolution, range,
/// dates against the period, and the after stage against the date of the last measure.
fn audit_argv(p: &Project, d: &DataSet) -> Vec<String> {
    let mut v = Vec::new();
    let mut opt = |k: &str, x: Option<String>| {
        if let Some(x) = x {
            v.extend([k.to_string(), x]);
        }
    };
    opt("--phase", d.phase.clone());
    opt("--lsl", d.lsl.map(|x| x.to_string()));
    opt("--usl", d.usl.map(|x| x.to_string()));
    opt("--resolution", d.resolution.map(|x| x.to_string()));
    opt("--min", d.min.map(|x| x.to_string()));
    opt("--max", d.max.map(|x| x.to_string()));
    if d.date.is_some() {
        opt("--date", d.date.clone());
        opt("--period-start", p.info.start.clone());
        opt("--period-end", p.info.end.clone());
        let iso = |s: &str| s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
        let last = p.measures.iter().filter_map(|m| m.date.clone()).filter(|s| iso(s)).max();
        if d.phase.is_some() {
            opt("--measures-date", last);
            opt("--after-stage", d.after.clone());
        }
    }
    v
}

fn file_argv(d: &DataSet) -> Vec<String> {
    let mut v = vec![d.path.display().to_string()];
    if let Some(s) = &d.sheet {
        v.extend(["--sheet".into(), s.clone()]);
    }
    if let Some(h) = d.header_row {
        v.extend(["--header-row".into(), h.to_string()]);
    }
    v
}

fn layout_argv(d: &DataSet) -> Vec<String> {
    let mut v = vec!["--value".to_string(), d.value.clone().unwrap_or_default()];
    if let Some(s) = &d.subgroup {
        v.extend(["--subgroup".into(), s.clone()]);
    }
    if let Some(n) = d.subgroup_size {
        v.extend(["--subgroup-size".into(), n.to_string()]);
    }
    if let Some(p) = &d.phase {
        v.extend(["--phase".into(), p.clone()]);
    }
    v
}

fn spec_argv(d: &DataSet) -> Vec<String> {
    let mut v = Vec::new();
    for (k, x) in [("--lsl", d.lsl), ("--usl", d.usl), ("--target", d.target)] {
        if let Some(x) = x {
            v.extend([k.to_string(), x.to_string()]);
        }
    }
    v
}

fn need(d: &DataSet, what: Option<&String>, key: &str) -> Result<()> {
    if what.is_none() {
        return Err(QceError::input(format!("data '{}' has no `{key}`, which this analysis needs", d.id)).with_column(key));
    }
    Ok(())
}

fn compare_args(d: &DataSet) -> CompareArgs {
    CompareArgs {
        input: InputArgs { file: d.path.clone(), sheet: d.sheet.clone(), header_row: d.header_row, skip_bad: false },
        layout: LayoutArgs { value: d.value.clone().unwrap_or_default(), subgroup: d.subgroup.clone(), subgroup_size: d.subgroup_size, phase: d.phase.clone() },
        lsl: d.lsl,
        usl: d.usl,
        target: d.target,
        direction: Some(if d.target.is_some() || (d.lsl.is_some() && d.usl.is_some()) { "target".into() } else { "lower".into() }),
        alpha: 0.05,
        before: d.before.clone(),
        after: d.after.clone(),
        out: None,
    }
}

/// The compare options of a data set plus the analysis' own `args` (e.g. `--direction lower`,
/// `--alpha 0.01`), parsed by the same clap definition as the command line.
fn compare_args_with(d: &DataSet, extra: &[String]) -> Result<CompareArgs> {
    if extra.is_empty() {
        return Ok(compare_args(d));
    }
    let mut argv = vec!["qce".to_string(), "compare".to_string()];
    argv.extend(file_argv(d));
    argv.extend(layout_argv(d));
    argv.extend(spec_argv(d));
    let has = |k: &str| extra.iter().any(|a| a == k);
    if !has("--direction") {
        argv.extend(["--direction".into(), compare_args(d).direction.unwrap_or_default()]);
    }
    for (k, v) in [("--before", &d.before), ("--after", &d.after)] {
        if let (false, Some(v)) = (has(k), v) {
            argv.extend([k.to_string(), v.clone()]);
        }
    }
    argv.extend(extra.iter().cloned());
    let cli = <super::Cli as clap::Parser>::try_parse_from(&argv).map_err(|e| QceError::usage(format!("analysis args {}: {}", extra.join(" "), e.to_string().trim())))?;
    match cli.command {
        super::Command::Compare(a) => Ok(a),
        _ => Err(QceError::usage("analysis args did not parse as compare options")),
    }
}

fn run_analysis(p: &Project, number: usize, a: &Analysis, out: &Path, lang: Lang, warnings: &mut Vec<String>) -> Section {
    let kind = format!("{:?}", a.kind).to_lowercase();
    let mut s = Section {
        number,
        kind: kind.clone(),
        title: a.title.clone().unwrap_or_else(|| default_title(a.kind, lang).to_string()),
        section: a.section.clone(),
        data: a.data.clone(),
        result: None,
        comparison: None,
        charts: Vec::new(),
        error: None,
        command: String::new(),
    };
    let Some(d) = p.data.iter().find(|d| d.id == a.data) else {
        s.error = Some(format!("no data set '{}'", a.data));
        return s;
    };
    match analysis_result(d, number, a, out, lang, warnings) {
        Ok((result, comparison, charts, command)) => {
            s.result = result;
            s.comparison = comparison;
            s.charts = charts;
            s.command = command;
        }
        Err(e) => s.error = Some(e.message),
    }
    s
}

type Ran = (Option<Value>, Option<Comparison>, Vec<ChartFile>, String);

fn analysis_result(d: &DataSet, n: usize, a: &Analysis, out: &Path, lang: Lang, warnings: &mut Vec<String>) -> Result<Ran> {
    let chart_rel = |name: &str| format!("charts/{n}-{name}");
    if a.kind == AnalysisKind::Compare {
        need(d, d.value.as_ref(), "value")?;
        need(d, d.phase.as_ref(), "phase")?;
        let tmp = out.join("charts").join(format!(".{n}"));
        std::fs::create_dir_all(&tmp).map_err(|e| QceError::input(format!("cannot create '{}': {e}", tmp.display())))?;
        let (c, w) = compare(&compare_args_with(d, &a.args)?, lang, Some(&tmp))?;
        warnings.extend(w);
        let mut charts = Vec::new();
        for (file, zh, en) in [
            ("control.svg", "控制图（各阶段分别计算控制限）", "Control chart (limits per stage)"),
            ("control_historical.svg", "控制图（按改进前控制限判断改进后）", "Control chart (after judged against the before limits)"),
            ("capability.svg", "过程能力", "Process capability"),
        ] {
            let from = tmp.join(file);
            if from.is_file() {
                let rel = chart_rel(file);
                let _ = std::fs::rename(&from, out.join(&rel));
                let png_rel = chart_rel(&file.replace(".svg", ".png"));
                let png = std::fs::rename(from.with_extension("png"), out.join(&png_rel)).ok().map(|_| png_rel);
                charts.push(ChartFile { caption: lang.t(zh, en).to_string(), svg: rel, png });
            }
        }
        let _ = std::fs::remove_dir_all(&tmp);
        let mut cmd = format!("qce compare {} --value {}", d.file, d.value.clone().unwrap_or_default());
        for (k, v) in [("--sheet", &d.sheet), ("--subgroup", &d.subgroup), ("--phase", &d.phase)] {
            if let Some(v) = v {
                cmd += &format!(" {k} {v}");
            }
        }
        cmd += &spec_argv(d).iter().map(|s| format!(" {s}")).collect::<String>();
        return Ok((None, Some(c), charts, cmd));
    }
    let mut argv: Vec<String> = Vec::new();
    let mut chart_name = None;
    match a.kind {
        AnalysisKind::Chart => {
            need(d, d.value.as_ref(), "value")?;
            let kind = match &a.chart {
                Some(k) => k.clone(),
                None => {
                    let t = ingest::load(&d.path, &LoadOptions { sheet: d.sheet.clone(), header_row: d.header_row, skip_bad: false })?;
                    let sg = dataset::subgroups(&t, &layout_spec(d))?;
                    super::compare::chart_kind(&sg).to_string()
                }
            };
            argv.extend(["chart".into(), kind]);
            argv.extend(file_argv(d));
            argv.extend(layout_argv(d));
            chart_name = Some("chart");
        }
        AnalysisKind::Capability => {
            need(d, d.value.as_ref(), "value")?;
            argv.push("capability".into());
            argv.extend(file_argv(d));
            argv.extend(layout_argv(d));
            argv.extend(spec_argv(d));
            chart_name = Some("capability");
        }
        AnalysisKind::Test => {
            need(d, d.value.as_ref(), "value")?;
            argv.extend(["test".into(), a.test.clone().unwrap_or_default()]);
            argv.extend(file_argv(d));
            argv.extend(["--value".into(), d.value.clone().unwrap_or_default()]);
            if let Some(ph) = &d.phase {
                argv.extend(["--group".into(), ph.clone()]);
            }
        }
        AnalysisKind::Pareto => {
            need(d, d.category.as_ref(), "category")?;
            argv.push("pareto".into());
            argv.extend(file_argv(d));
            argv.extend(["--category".into(), d.category.clone().unwrap_or_default()]);
            if let Some(c) = &d.count {
                argv.extend(["--count".into(), c.clone()]);
            }
            if let Some(ph) = &d.phase {
                argv.extend(["--phase".into(), ph.clone()]);
            }
            chart_name = Some("pareto");
        }
        AnalysisKind::Compare => {}
    }
    argv.extend(a.args.iter().cloned());
    let command = format!("qce {}", argv.iter().map(|s| if s == &d.path.display().to_string() { d.file.clone() } else { s.clone() }).collect::<Vec<_>>().join(" "));
    let mut charts = Vec::new();
    if let Some(name) = chart_name {
        let rel = chart_rel(&format!("{name}.svg"));
        let (result, drawing) = super::compare::run_sub_chart(&argv, Some(&out.join(&rel)), lang);
        let result = result?;
        if let Some(d) = drawing {
            warnings.push(format!("{}: {d}", a.title.clone().unwrap_or_else(|| default_title(a.kind, lang).into())));
        }
        if out.join(&rel).is_file() {
            let png_rel = chart_rel(&format!("{name}.png"));
            let png = out.join(&png_rel).is_file().then_some(png_rel);
            charts.push(ChartFile { caption: a.title.clone().unwrap_or_else(|| default_title(a.kind, lang).into()), svg: rel, png });
        }
        return Ok((Some(result), None, charts, command));
    }
    Ok((Some(run_sub(&argv, lang)?), None, charts, command))
}

fn layout_spec(d: &DataSet) -> LayoutSpec {
    LayoutSpec {
        value: LayoutSpec::values_from_arg(d.value.as_deref().unwrap_or_default()),
        subgroup: d.subgroup.clone(),
        subgroup_size: d.subgroup_size,
        phase: d.phase.clone(),
        label: None,
    }
}

fn default_title(k: AnalysisKind, lang: Lang) -> &'static str {
    match k {
        AnalysisKind::Compare => lang.t("改进前后对比", "Before/after comparison"),
        AnalysisKind::Chart => lang.t("控制图", "Control chart"),
        AnalysisKind::Capability => lang.t("过程能力分析", "Process capability"),
        AnalysisKind::Test => lang.t("假设检验", "Hypothesis test"),
        AnalysisKind::Pareto => lang.t("排列图", "Pareto chart"),
    }
}

/// Fingerprint and row accounting of one input file.
fn input_evidence(d: &DataSet, lang: Lang) -> InputEvidence {
    let bytes = std::fs::read(&d.path).unwrap_or_default();
    let mut ev = InputEvidence {
        id: d.id.clone(),
        file: d.file.clone(),
        sha256: model::sha256_hex(&bytes),
        bytes: bytes.len() as u64,
        sheet: d.sheet.clone(),
        rows: 0,
        rows_used: 0,
        excluded: Vec::new(),
        description: d.description.clone(),
        error: None,
    };
    let table = match ingest::load(&d.path, &LoadOptions { sheet: d.sheet.clone(), header_row: d.header_row, skip_bad: true }) {
        Ok(t) => t,
        Err(e) => {
            ev.error = Some(e.message);
            return ev;
        }
    };
    ev.rows = table.height();
    if table.source.sheet.is_some() {
        ev.sheet = table.source.sheet.clone();
    }
    let reason = |p: CellProblem| -> String {
        match p {
            CellProblem::Blank => lang.t("空白", "blank"),
            CellProblem::ErrorCell => lang.t("错误值", "error value"),
            CellProblem::BadText => lang.t("非数字文本", "not a number"),
        }
        .to_string()
    };
    let notes = if d.value.is_some() {
        match dataset::subgroups(&table, &layout_spec(d)) {
            Ok(sg) => sg.excluded,
            Err(e) => {
                ev.error = Some(e.message);
                Vec::new()
            }
        }
    } else {
        let mut notes = Vec::new();
        if let Some(c) = &d.count {
            if let Ok(col) = table.numeric(c) {
                notes.extend(col.notes);
            }
        }
        if let Some(c) = &d.category {
            if let Ok(k) = table.keys(c) {
                for (i, code) in k.codes.iter().enumerate() {
                    if code.is_none() {
                        let row = table.file_row(i);
                        notes.push(crate::ingest::CellNote { cell: format!("row {row}"), row, text: String::new(), problem: CellProblem::Blank });
                    }
                }
            }
        }
        notes
    };
    let mut rows: Vec<u64> = notes.iter().map(|n| n.row).collect();
    rows.sort_unstable();
    rows.dedup();
    ev.rows_used = ev.rows.saturating_sub(rows.len());
    ev.excluded = notes.into_iter().map(|n| Exclusion { cell: n.cell, row: n.row, reason: reason(n.problem), text: n.text }).collect();
    ev
}

fn goal(p: &Project, sections: &[Section], lang: Lang, warnings: &mut Vec<String>) -> model::GoalResult {
    let Some(stat) = p.goal.statistic.as_deref() else {
        return model::judge_goal(p, None, lang.t("项目文件给出的实测值", "value given in the project file").into());
    };
    let data_id = p.goal.data.clone().unwrap_or_default();
    let d = p.data.iter().find(|d| d.id == data_id);
    if stat == "defects" {
        let ch = sections
            .iter()
            .find(|s| s.kind == "pareto" && s.data == data_id)
            .and_then(|s| s.result.as_ref())
            .and_then(|r| model::pareto_change(r, d.and_then(|d| d.before.as_deref()), d.and_then(|d| d.after.as_deref())));
        return model::judge_goal(p, ch.as_ref(), format!("{} {data_id}", lang.t("排列图缺陷总数：", "Pareto defect total:")));
    }
    let from_section = sections.iter().find(|s| s.data == data_id).and_then(|s| s.comparison.clone());
    let c = match (from_section, d) {
        (Some(c), _) => Some(c),
        (None, Some(d)) if d.value.is_some() && d.phase.is_some() => match compare(&compare_args(d), lang, None) {
            Ok((c, _)) => Some(c),
            Err(e) => {
                warnings.push(e.message);
                None
            }
        },
        _ => None,
    };
    let ch = c.as_ref().and_then(|c| model::goal_change(stat, c));
    let source = match &c {
        Some(c) => format!("{} {} → {}（{}）", stat.to_uppercase(), c.before, c.after, data_id),
        None => lang.t("无法由数据计算", "could not be computed from the data").into(),
    };
    model::judge_goal(p, ch.as_ref(), source)
}

/// Methods applied, for table A.1 (技术手段).
fn methods(sections: &[Section], lang: Lang) -> Vec<MethodUse> {
    let mut out = Vec::new();
    for s in sections.iter().filter(|s| s.error.is_none()) {
        let place = format!("{} {}", lang.t("分析", "Analysis"), s.number);
        let mut add = |m: &str, f: String| out.push(MethodUse { method: m.to_string(), place: place.clone(), finding: f });
        match (s.kind.as_str(), &s.comparison) {
            ("compare", Some(c)) => {
                let chart = match c.chart_kind.as_str() {
                    "xbar-r" => lang.t("X̄-R 控制图与 Nelson 判异准则 1、2、7", "X̄-R chart with Nelson tests 1, 2, 7"),
                    "xbar-s" => lang.t("X̄-S 控制图与 Nelson 判异准则 1、2、7", "X̄-S chart with Nelson tests 1, 2, 7"),
                    _ => lang.t("I-MR 控制图与 Nelson 判异准则 1、2、7", "I-MR chart with Nelson tests 1, 2, 7"),
                };
                let signals: usize = c.stages.iter().map(|s| s.violations.location.len() + s.violations.dispersion.len()).sum();
                add(chart, format!("{} {signals}", lang.t("判异点", "signals:")));
                if let Some(h) = &c.historical {
                    add(lang.t("历史控制限对比", "Historical control limits"), format!("{}/{}", h.after_outside, h.after_points));
                }
                if c.mean_test.is_some() {
                    let p = crate::evidence::compare::mean_p(c).map(crate::evidence::compare_text::p_text).unwrap_or_default();
                    add(if c.mean_method == "mann-whitney" { "Mann–Whitney" } else { lang.t("Welch t 检验（均值）", "Welch t test (means)") }, p);
                }
                if let Some(b) = &c.bonett {
                    add(lang.t("Bonett 检验（标准差）", "Bonett test (standard deviations)"), crate::evidence::compare_text::p_text(b.p_value));
                }
                if c.levene.is_some() {
                    add(lang.t("Levene（Brown–Forsythe）检验", "Levene (Brown–Forsythe) test"), c.levene.as_ref().and_then(|l| crate::evidence::compare::num_at(l, &["p_value"])).map(crate::evidence::compare_text::p_text).unwrap_or_default());
                }
                if c.stages.iter().any(|s| s.normality.is_some()) {
                    let ps: Vec<String> = c
                        .stages
                        .iter()
                        .filter_map(|s| Some(format!("{} {}", s.name, crate::evidence::compare_text::p_text(crate::evidence::compare::num_at(s.normality.as_ref()?, &["p_value"])?))))
                        .collect();
                    add(lang.t("Anderson–Darling 正态性检验", "Anderson–Darling normality test"), ps.join("；"));
                }
                if let Some(k) = &c.cpk {
                    add(lang.t("过程能力分析 Cp/Cpk/Pp/Ppk", "Process capability Cp/Cpk/Pp/Ppk"), format!("Cpk {:.2} → {:.2}", k.before, k.after));
                }
            }
            ("pareto", _) => add(lang.t("排列图（帕累托分析）", "Pareto analysis"), String::new()),
            ("chart", _) => add(lang.t("控制图", "Control chart"), String::new()),
            ("capability", _) => add(lang.t("过程能力分析", "Process capability"), String::new()),
            ("test", _) => add(lang.t("假设检验", "Hypothesis test"), s.result.as_ref().and_then(|r| r.get("method")).and_then(Value::as_str).unwrap_or_default().to_string()),
            _ => {}
        }
    }
    out
}

/// Print index.html to PDF with headless chromium.
pub fn print_pdf(index: &Path, pdf: &Path) -> Result<()> {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| QceError::analysis("--pdf needs chromium (Debian: apt-get install chromium); index.html was written"))?;
    let abs = index.canonicalize().map_err(|e| QceError::input(format!("{}: {e}", index.display())))?;
    let pdf_abs = std::env::current_dir().map(|d| d.join(pdf)).unwrap_or_else(|_| pdf.to_path_buf());
    let profile = std::env::temp_dir().join(format!("qce-chromium-{}", std::process::id()));
    let status = std::process::Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf_abs.display()))
        .arg(format!("file://{}", abs.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| QceError::analysis(format!("cannot run chromium: {e}")))?;
    let _ = std::fs::remove_dir_all(&profile);
    if !status.success() || !pdf_abs.is_file() {
        return Err(QceError::analysis("chromium did not print the PDF; index.html was written"));
    }
    Ok(())
}

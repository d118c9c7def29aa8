//! The project file (`PROJECT.toml`) of `qce report`: what a quality-breakthrough project
//! (质量攻关项目, DB1407/T 45—2022) claims, and which data and analyses support the claim.
//!
//! Schema (every table and key; see fixtures/demo/project.toml for a commented example):
//! - `[project]`: `name`, `enterprise`, `team` (string or list), `leader`, `theme` (one of the
//!   seed's §3.1 themes, Chinese or English: quality/质量, defects/缺陷, energy/节能,
//!   emissions/减排, new-product/新产品 (also new-service/新服务, new-process/新工艺),
//!   customer-satisfaction/顾客满意), `period = { start = 2025-03-01, end = 2025-07-31 }`,
//!   `background` (现状调查 text), `causes` (原因分析 text).
//! - `[goal]`: `metric`, `unit`, `baseline`, `target`, `direction` (lower|higher|target),
//!   optional `statistic` (cpk|ppk|mean|sd|ppm|defects: which result of the data measures the
//!   goal after the improvement), `data` (id of the data set it is measured on), `achieved`
//!   (a value measured outside qce; used when `statistic` is absent).
//! - `[[data]]`: `id`, `file` (relative to the project file), `sheet`, `header_row`, `value`,
//!   `phase`, `subgroup`, `subgroup_size`, `category`, `count`, `lsl`, `usl`, `target`,
//!   `before`/`after` (stage labels; default the first and last stage), `description`,
//!   and for the data audit `date` (date column), `resolution`, `min`, `max`.
//! - `[[analysis]]`: `kind` (compare|chart|capability|test|pareto), `data` (id; default the
//!   first data set), `title`, `chart` (chart kind, default from the layout), `test` (test
//!   name), `args` (further contract options, e.g. `["--rules", "1,2,7"]`), `stage` (plan
//!   section: `plan` for the baseline survey, else `check`).
//! - `[[measure]]` (执行): `title`, `detail`, `owner`, `date`.
//! - `[standardisation]` (处置): `text`, `documents` (list).
//! - `[[economics]]`: `item`, `value`, `unit`, `note`.
//!
//! Errors name the file, the line and the key (from toml's spans).

use crate::error::{QceError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A parsed, validated project file.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// Path of the project file as given.
    pub path: PathBuf,
    /// Folder of the project file (data paths are relative to it).
    pub dir: PathBuf,
    /// `[project]`.
    pub info: Info,
    /// `[goal]`.
    pub goal: Goal,
    /// `[[data]]`.
    pub data: Vec<DataSet>,
    /// `[[analysis]]`.
    pub analyses: Vec<Analysis>,
    /// `[[measure]]` (执行).
    pub measures: Vec<Measure>,
    /// `[standardisation]` (处置).
    pub standardisation: Standardisation,
    /// `[[economics]]`.
    pub economics: Vec<Economic>,
}

/// The seed's §3.1 themes of a quality-breakthrough project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    /// 提升产品（服务）质量
    Quality,
    /// 减少产品（服务）缺陷
    Defects,
    /// 节约能源
    Energy,
    /// 减少污染物排放
    Emissions,
    /// 开发新产品、新服务、新工艺
    NewProduct,
    /// 提升顾客满意度
    CustomerSatisfaction,
}

impl Theme {
    const NAMES: &[(&'static str, Theme)] = &[
        ("quality", Theme::Quality),
        ("提升质量", Theme::Quality),
        ("质量", Theme::Quality),
        ("提升产品质量", Theme::Quality),
        ("提升产品（服务）质量", Theme::Quality),
        ("defects", Theme::Defects),
        ("defect", Theme::Defects),
        ("减少缺陷", Theme::Defects),
        ("缺陷", Theme::Defects),
        ("减少产品（服务）缺陷", Theme::Defects),
        ("energy", Theme::Energy),
        ("节约能源", Theme::Energy),
        ("节能", Theme::Energy),
        ("emissions", Theme::Emissions),
        ("减少污染物排放", Theme::Emissions),
        ("减排", Theme::Emissions),
        ("new-product", Theme::NewProduct),
        ("new-service", Theme::NewProduct),
        ("new-process", Theme::NewProduct),
        ("开发新产品", Theme::NewProduct),
        ("新产品", Theme::NewProduct),
        ("新服务", Theme::NewProduct),
        ("新工艺", Theme::NewProduct),
        ("开发新产品、新服务、新工艺", Theme::NewProduct),
        ("customer-satisfaction", Theme::CustomerSatisfaction),
        ("提升顾客满意度", Theme::CustomerSatisfaction),
        ("顾客满意", Theme::CustomerSatisfaction),
        ("顾客满意度", Theme::CustomerSatisfaction),
    ];

    /// Parse a theme name (Chinese or English, case and `_`/space insensitive).
    pub fn parse(s: &str) -> Option<Theme> {
        let key = s.trim().to_lowercase().replace(['_', ' '], "-");
        Self::NAMES.iter().find(|(n, _)| *n == key).map(|(_, t)| *t)
    }

    /// The seed's wording of the theme.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Theme::Quality => lang.t("提升产品（服务）质量", "Improve product (service) quality"),
            Theme::Defects => lang.t("减少产品（服务）缺陷", "Reduce product (service) defects"),
            Theme::Energy => lang.t("节约能源", "Save energy"),
            Theme::Emissions => lang.t("减少污染物排放", "Reduce pollutant emissions"),
            Theme::NewProduct => lang.t("开发新产品、新服务、新工艺", "New product, service or process"),
            Theme::CustomerSatisfaction => lang.t("提升顾客满意度", "Improve customer satisfaction"),
        }
    }
}

/// Wanted direction of a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Smaller is better (defects, energy, PPM).
    Lower,
    /// Larger is better (Cpk, yield, satisfaction).
    Higher,
    /// Closer to a target is better (a dimension).
    Target,
}

impl Direction {
    /// Parse `lower|higher|target` (also 降低/提高/望目).
    pub fn parse(s: &str) -> Option<Direction> {
        match s.trim().to_lowercase().as_str() {
            "lower" | "decrease" | "smaller" | "降低" | "减少" | "望小" => Some(Direction::Lower),
            "higher" | "increase" | "larger" | "提高" | "提升" | "望大" => Some(Direction::Higher),
            "target" | "nominal" | "望目" => Some(Direction::Target),
            _ => None,
        }
    }
}

/// `[project]`.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    /// 项目名称.
    pub name: String,
    /// 企业名称.
    pub enterprise: String,
    /// Team members.
    pub team: Vec<String>,
    /// Team leader.
    pub leader: Option<String>,
    /// Theme (seed §3.1).
    pub theme: Theme,
    /// Period start (ISO date text).
    pub start: Option<String>,
    /// Period end (ISO date text).
    pub end: Option<String>,
    /// 现状调查 narrative.
    pub background: Option<String>,
    /// 原因分析 narrative.
    pub causes: Option<String>,
}

/// `[goal]`.
#[derive(Debug, Clone, Serialize)]
pub struct Goal {
    /// What is measured (e.g. "主轴颈直径 Cpk").
    pub metric: String,
    /// Unit (may be empty).
    pub unit: String,
    /// Value before the project.
    pub baseline: Option<f64>,
    /// Value aimed at.
    pub target: f64,
    /// Wanted direction.
    pub direction: Direction,
    /// Which computed result measures the goal (cpk, ppk, mean, sd, ppm, defects).
    pub statistic: Option<String>,
    /// Data set id the statistic is computed on.
    pub data: Option<String>,
    /// A value measured outside qce.
    pub achieved: Option<f64>,
}

/// `[[data]]`: one input file and how to read it.
#[derive(Debug, Clone, Serialize)]
pub struct DataSet {
    /// Id used by analyses.
    pub id: String,
    /// Path as written in the project file.
    pub file: String,
    /// Resolved path (relative to the project file).
    pub path: PathBuf,
    /// Sheet name or number.
    pub sheet: Option<String>,
    /// Header row (1-based).
    pub header_row: Option<usize>,
    /// Measurement column.
    pub value: Option<String>,
    /// Stage column.
    pub phase: Option<String>,
    /// Subgroup column.
    pub subgroup: Option<String>,
    /// Fixed subgroup size.
    pub subgroup_size: Option<usize>,
    /// Category column (Pareto).
    pub category: Option<String>,
    /// Count column (Pareto).
    pub count: Option<String>,
    /// Lower specification limit.
    pub lsl: Option<f64>,
    /// Upper specification limit.
    pub usl: Option<f64>,
    /// Target value.
    pub target: Option<f64>,
    /// Label of the before stage.
    pub before: Option<String>,
    /// Label of the after stage.
    pub after: Option<String>,
    /// What the file is.
    pub description: Option<String>,
    /// Date column (audit: dates within the project period, after stage after the measures).
    pub date: Option<String>,
    /// Stated measurement resolution (audit).
    pub resolution: Option<f64>,
    /// Smallest physically possible value (audit).
    pub min: Option<f64>,
    /// Largest physically possible value (audit).
    pub max: Option<f64>,
}

/// The analyses a report may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalysisKind {
    /// `qce compare`.
    Compare,
    /// `qce chart`.
    Chart,
    /// `qce capability`.
    Capability,
    /// `qce test`.
    Test,
    /// `qce pareto`.
    Pareto,
}

/// `[[analysis]]`.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// Which command.
    pub kind: AnalysisKind,
    /// Data set id.
    pub data: String,
    /// Heading in the report.
    pub title: Option<String>,
    /// Chart kind (`chart`).
    pub chart: Option<String>,
    /// Test name (`test`).
    pub test: Option<String>,
    /// Further contract options.
    pub args: Vec<String>,
    /// `plan` (baseline survey) or `check` (effect check).
    pub section: String,
}

/// `[[measure]]` (执行).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Short title.
    pub title: String,
    /// What was done.
    #[serde(default)]
    pub detail: Option<String>,
    /// Who did it.
    #[serde(default)]
    pub owner: Option<String>,
    /// When (text).
    #[serde(default)]
    pub date: Option<String>,
}

/// `[standardisation]` (处置).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Standardisation {
    /// What was standardised.
    #[serde(default)]
    pub text: Option<String>,
    /// Documents issued or revised.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// `[[economics]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Economic {
    /// What (e.g. 年节约返修费用).
    pub item: String,
    /// Amount.
    pub value: f64,
    /// Unit (e.g. 万元/年).
    #[serde(default)]
    pub unit: Option<String>,
    /// How it was computed.
    #[serde(default)]
    pub note: Option<String>,
}

// ---- raw (as written) ----------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    project: Spanned<RawInfo>,
    goal: Spanned<RawGoal>,
    #[serde(default)]
    data: Vec<Spanned<RawData>>,
    #[serde(default)]
    analysis: Vec<Spanned<RawAnalysis>>,
    #[serde(default)]
    measure: Vec<Measure>,
    #[serde(default)]
    standardisation: Standardisation,
    #[serde(default)]
    economics: Vec<Economic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfo {
    name: String,
    enterprise: String,
    #[serde(default)]
    team: Option<RawTeam>,
    #[serde(default)]
    leader: Option<String>,
    theme: Spanned<String>,
    #[serde(default)]
    period: Option<RawPeriod>,
    #[serde(default)]
    background: Option<String>,
    #[serde(default)]
    causes: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawTeam {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    start: Spanned<toml::Value>,
    end: Spanned<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGoal {
    metric: String,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    baseline: Option<f64>,
    target: f64,
    direction: Spanned<String>,
    #[serde(default)]
    statistic: Option<Spanned<String>>,
    #[serde(default)]
    data: Option<Spanned<String>>,
    #[serde(default)]
    achieved: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    id: Spanned<String>,
    file: Spanned<String>,
    #[serde(default)]
    sheet: Option<toml::Value>,
    #[serde(default)]
    header_row: Option<usize>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    phase: Option<String>,
    #[serde(default)]
    subgroup: Option<String>,
    #[serde(default)]
    subgroup_size: Option<usize>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    count: Option<String>,
    #[serde(default)]
    lsl: Option<f64>,
    #[serde(default)]
    usl: Option<f64>,
    #[serde(default)]
    target: Option<f64>,
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    resolution: Option<f64>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnalysis {
    kind: Spanned<String>,
    #[serde(default)]
    data: Option<Spanned<String>>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    chart: Option<Spanned<String>>,
    #[serde(default)]
    test: Option<Spanned<String>>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    section: Option<Spanned<String>>,
}

/// The test names of `qce test` (CONTRACT.md), accepted by `[[analysis]] test`.
pub const TEST_NAMES: &[&str] = &["normality", "t1", "t2", "paired", "f", "levene", "bartlett", "anova", "mann-whitney", "wilcoxon", "kruskal", "chisq", "prop2", "poisson2"];

/// The chart kinds of `qce chart`, accepted by `[[analysis]] chart`.
pub const CHART_KINDS: &[&str] = &["xbar-r", "xbar-s", "i-mr", "p", "np", "c", "u", "ewma", "cusum", "p-laney", "u-laney"];

/// The goal statistics `[goal] statistic` accepts.
pub const GOAL_STATISTICS: &[&str] = &["cpk", "ppk", "mean", "sd", "ppm", "defects"];

/// Read and validate a project file.
pub fn load(path: &Path) -> Result<Project> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        QceError::input(format!("cannot read project file '{shown}': {e}. Check the path.")).with_file(&shown)
    })?;
    parse(&text, path)
}

/// Parse and validate a project file's text (`path` locates the data files and names errors).
pub fn parse(text: &str, path: &Path) -> Result<Project> {
    let shown = path.display().to_string();
    let src = Source { text, file: &shown };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| src.line(s.start));
        let key = key_of_message(e.message());
        let mut err = QceError::input(format!(
            "{}{}: {}{}",
            shown,
            line.map(|l| format!(":{l}")).unwrap_or_default(),
            e.message().trim(),
            key.as_deref().map(|k| format!(" (key `{k}`)")).unwrap_or_default()
        ))
        .with_file(&shown);
        if let Some(l) = line {
            err = err.with_row(l);
        }
        if let Some(k) = key {
            err = err.with_column(k);
        }
        err
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let info = validate_info(raw.project.into_inner(), &src)?;
    let data = raw.data.into_iter().map(|d| validate_data(d, &src, &dir)).collect::<Result<Vec<_>>>()?;
    for (i, d) in data.iter().enumerate() {
        if data[..i].iter().any(|o| o.id == d.id) {
            return Err(src.err_key(None, "data.id", &format!("two [[data]] tables have the id '{}': give each its own id", d.id)));
        }
    }
    let goal_span = raw.goal.span();
    let goal = validate_goal(raw.goal.into_inner(), goal_span, &src, &data)?;
    let analyses = raw.analysis.into_iter().map(|a| validate_analysis(a, &src, &data)).collect::<Result<Vec<_>>>()?;
    Ok(Project {
        path: path.to_path_buf(),
        dir,
        info,
        goal,
        data,
        analyses,
        measures: raw.measure,
        standardisation: raw.standardisation,
        economics: raw.economics,
    })
}

struct Source<'a> {
    text: &'a str,
    file: &'a str,
}

impl Source<'_> {
    fn line(&self, offset: usize) -> u64 {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    }
    /// An input error at a span (line) for a key.
    fn err_key(&self, span: Option<std::ops::Range<usize>>, key: &str, msg: &str) -> QceError {
        let line = span.map(|s| self.line(s.start));
        let mut e = QceError::input(format!(
            "{}{}: key `{key}`: {msg}",
            self.file,
            line.map(|l| format!(":{l}")).unwrap_or_default()
        ))
        .with_file(self.file)
        .with_column(key);
        if let Some(l) = line {
            e = e.with_row(l);
        }
        e
    }
}

/// toml names the offending key in its messages as `` `key` ``; pick it out for the error's
/// `column` field.
fn key_of_message(msg: &str) -> Option<String> {
    let a = msg.find('`')?;
    let b = msg[a + 1..].find('`')?;
    Some(msg[a + 1..a + 1 + b].to_string())
}

fn validate_info(raw: RawInfo, src: &Source) -> Result<Info> {
    let theme = Theme::parse(raw.theme.get_ref()).ok_or_else(|| {
        src.err_key(
            Some(raw.theme.span()),
            "project.theme",
            &format!(
                "'{}' is not a theme of DB1407/T 45 §3.1; use one of quality (提升质量), defects (减少缺陷), energy (节约能源), emissions (减少污染物排放), new-product (开发新产品/新服务/新工艺), customer-satisfaction (提升顾客满意度)",
                raw.theme.get_ref()
            ),
        )
    })?;
    let (start, end) = match raw.period {
        None => (None, None),
        Some(p) => {
            let s = date_text(&p.start, "project.period.start", src)?;
            let e = date_text(&p.end, "project.period.end", src)?;
            if e < s {
                return Err(src.err_key(Some(p.end.span()), "project.period.end", &format!("the period ends ({e}) before it starts ({s})")));
            }
            (Some(s), Some(e))
        }
    };
    let team = match raw.team {
        None => Vec::new(),
        Some(RawTeam::One(s)) => s.split(['、', ',', '，']).map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect(),
        Some(RawTeam::Many(v)) => v,
    };
    Ok(Info { name: raw.name, enterprise: raw.enterprise, team, leader: raw.leader, theme, start, end, background: raw.background, causes: raw.causes })
}

/// A date as `YYYY-MM-DD` text, from a TOML date or a string.
fn date_text(v: &Spanned<toml::Value>, key: &str, src: &Source) -> Result<String> {
    let text = match v.get_ref() {
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::String(s) => s.trim().replace(['/', '.'], "-"),
        _ => String::new(),
    };
    let ok = text.len() >= 10
        && text.as_bytes()[4] == b'-'
        && text.as_bytes()[7] == b'-'
        && text[..4].parse::<u32>().is_ok()
        && text[5..7].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && text[8..10].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d));
    if !ok {
        return Err(src.err_key(Some(v.span()), key, "write the date as 2025-03-01"));
    }
    Ok(text[..10].to_string())
}

fn validate_goal(raw: RawGoal, span: std::ops::Range<usize>, src: &Source, data: &[DataSet]) -> Result<Goal> {
    let direction = Direction::parse(raw.direction.get_ref()).ok_or_else(|| {
        src.err_key(Some(raw.direction.span()), "goal.direction", &format!("'{}': use lower, higher or target", raw.direction.get_ref()))
    })?;
    let statistic = match raw.statistic {
        None => None,
        Some(s) => {
            let v = s.get_ref().trim().to_lowercase();
            if !GOAL_STATISTICS.contains(&v.as_str()) {
                return Err(src.err_key(Some(s.span()), "goal.statistic", &format!("'{}': use one of {}", s.get_ref(), GOAL_STATISTICS.join(", "))));
            }
            Some(v)
        }
    };
    let data_id = match raw.data {
        Some(d) => {
            if !data.iter().any(|x| x.id == *d.get_ref()) {
                return Err(src.err_key(Some(d.span()), "goal.data", &format!("no [[data]] has the id '{}'", d.get_ref())));
            }
            Some(d.into_inner())
        }
        None => data.first().map(|d| d.id.clone()),
    };
    if statistic.is_none() && raw.achieved.is_none() {
        return Err(src.err_key(
            Some(span),
            "goal",
            "say how the goal is measured: `statistic = \"cpk\"` (computed from the data) or `achieved = <value>` (measured outside qce)",
        ));
    }
    Ok(Goal {
        metric: raw.metric,
        unit: raw.unit.unwrap_or_default(),
        baseline: raw.baseline,
        target: raw.target,
        direction,
        statistic,
        data: data_id,
        achieved: raw.achieved,
    })
}

fn validate_data(raw: Spanned<RawData>, src: &Source, dir: &Path) -> Result<DataSet> {
    let span = raw.span();
    let r = raw.into_inner();
    let file = r.file.get_ref().clone();
    let path = dir.join(&file);
    if !path.is_file() {
        return Err(src.err_key(
            Some(r.file.span()),
            "data.file",
            &format!("'{}' not found (looked for {}); paths are relative to the project file", file, path.display()),
        ));
    }
    if r.value.is_none() && r.category.is_none() {
        return Err(src.err_key(Some(span), "data", &format!("data '{}' names no column: give `value` (measurements) or `category` (defect log)", r.id.get_ref())));
    }
    if let (Some(l), Some(u)) = (r.lsl, r.usl) {
        if l >= u {
            return Err(src.err_key(Some(span), "data.lsl", &format!("lsl {l} is not below usl {u}")));
        }
    }
    let sheet = match r.sheet {
        None => None,
        Some(toml::Value::String(s)) => Some(s),
        Some(toml::Value::Integer(n)) => Some(n.to_string()),
        Some(_) => return Err(src.err_key(Some(span), "data.sheet", "give the sheet as a name or a 1-based number")),
    };
    Ok(DataSet {
        id: r.id.into_inner(),
        file,
        path,
        sheet,
        header_row: r.header_row,
        value: r.value,
        phase: r.phase,
        subgroup: r.subgroup,
        subgroup_size: r.subgroup_size,
        category: r.category,
        count: r.count,
        lsl: r.lsl,
        usl: r.usl,
        target: r.target,
        before: r.before,
        after: r.after,
        description: r.description,
        date: r.date,
        resolution: r.resolution,
        min: r.min,
        max: r.max,
    })
}

fn validate_analysis(raw: Spanned<RawAnalysis>, src: &Source, data: &[DataSet]) -> Result<Analysis> {
    let span = raw.span();
    let r = raw.into_inner();
    let kind = match r.kind.get_ref().trim().to_lowercase().as_str() {
        "compare" => AnalysisKind::Compare,
        "chart" => AnalysisKind::Chart,
        "capability" => AnalysisKind::Capability,
        "test" => AnalysisKind::Test,
        "pareto" => AnalysisKind::Pareto,
        other => {
            return Err(src.err_key(Some(r.kind.span()), "analysis.kind", &format!("'{other}': use compare, chart, capability, test or pareto")));
        }
    };
    let data_id = match r.data {
        Some(d) => {
            if !data.iter().any(|x| x.id == *d.get_ref()) {
                return Err(src.err_key(Some(d.span()), "analysis.data", &format!("no [[data]] has the id '{}'", d.get_ref())));
            }
            d.into_inner()
        }
        None => data
            .first()
            .map(|d| d.id.clone())
            .ok_or_else(|| src.err_key(Some(span.clone()), "analysis.data", "there is no [[data]] table to analyse"))?,
    };
    if kind == AnalysisKind::Test && r.test.is_none() {
        return Err(src.err_key(Some(span), "analysis.test", "a test analysis needs `test = \"t2\"` (or normality, levene, mann-whitney, ...)"));
    }
    if let Some(t) = &r.test {
        if !TEST_NAMES.contains(&t.get_ref().as_str()) {
            return Err(src.err_key(Some(t.span()), "analysis.test", &format!("'{}' is not a test; use one of {}", t.get_ref(), TEST_NAMES.join(", "))));
        }
    }
    if let Some(c) = &r.chart {
        if !CHART_KINDS.contains(&c.get_ref().as_str()) {
            return Err(src.err_key(Some(c.span()), "analysis.chart", &format!("'{}' is not a chart kind; use one of {}", c.get_ref(), CHART_KINDS.join(", "))));
        }
    }
    let section = match &r.section {
        None if kind == AnalysisKind::Pareto => "plan".to_string(),
        None => "check".to_string(),
        Some(s) => match s.get_ref().trim().to_lowercase().as_str() {
            "plan" | "计划" => "plan".to_string(),
            "check" | "检查" => "check".to_string(),
            _ => return Err(src.err_key(Some(s.span()), "analysis.section", "use plan or check")),
        },
    };
    Ok(Analysis { kind, data: data_id, title: r.title, chart: r.chart.map(Spanned::into_inner), test: r.test.map(Spanned::into_inner), args: r.args, section })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/project.toml")
    }

    #[test]
    fn demo_project_parses() {
        let p = load(&demo_dir()).unwrap();
        assert_eq!(p.info.theme, Theme::Quality);
        assert_eq!(p.goal.direction, Direction::Higher);
        assert!(!p.data.is_empty());
        assert!(!p.analyses.is_empty());
    }

    #[test]
    fn english_example_is_valid_up_to_its_data_files() {
        // docs/project-example.toml names data files that are not shipped: everything up to
        // the first [[data]] file must validate.
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/project-example.toml");
        let e = load(&path).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("data.file"), "{}", e.message);
    }

    #[test]
    fn themes_in_both_languages() {
        assert_eq!(Theme::parse("减少缺陷"), Some(Theme::Defects));
        assert_eq!(Theme::parse("Customer Satisfaction"), Some(Theme::CustomerSatisfaction));
        assert_eq!(Theme::parse("节能"), Some(Theme::Energy));
        assert_eq!(Theme::parse("banana"), None);
    }

    const MINIMAL: &str = "[project]\nname = \"p\"\nenterprise = \"e\"\ntheme = \"quality\"\n\n[goal]\nmetric = \"m\"\ntarget = 1.33\ndirection = \"higher\"\nachieved = 1.5\n";

    #[test]
    fn minimal_project_parses() {
        let p = parse(MINIMAL, Path::new("x/p.toml")).unwrap();
        assert_eq!(p.goal.achieved, Some(1.5));
        assert!(p.data.is_empty());
    }

    #[test]
    fn bad_theme_names_line_and_key() {
        let text = MINIMAL.replace("theme = \"quality\"", "theme = \"banana\"");
        let e = parse(&text, Path::new("p.toml")).unwrap_err();
        assert_eq!(e.row, Some(4));
        assert_eq!(e.column.as_deref(), Some("project.theme"));
        assert!(e.message.starts_with("p.toml:4: key `project.theme`"), "{}", e.message);
    }

    #[test]
    fn unknown_key_names_line() {
        let text = MINIMAL.replace("target = 1.33", "taget = 1.33");
        let e = parse(&text, Path::new("p.toml")).unwrap_err();
        assert_eq!(e.row, Some(8), "{}", e.message);
        assert!(e.message.contains("taget"), "{}", e.message);
    }

    #[test]
    fn unknown_test_and_chart_names_are_caught() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/project.toml");
        let text = std::fs::read_to_string(&dir).unwrap();
        let bad = text.replace("kind = \"compare\"", "kind = \"test\"\ntest = \"ttest\"");
        let e = parse(&bad, &dir).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("analysis.test"), "{}", e.message);
        let bad = text.replace("kind = \"compare\"", "kind = \"chart\"\nchart = \"xbar\"");
        let e = parse(&bad, &dir).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("analysis.chart"), "{}", e.message);
        assert!(e.row.is_some());
    }

    #[test]
    fn bad_direction_and_period() {
        let text = MINIMAL.replace("\"higher\"", "\"up\"");
        let e = parse(&text, Path::new("p.toml")).unwrap_err();
        assert_eq!(e.row, Some(9));
        let text = MINIMAL.replace("theme = \"quality\"", "theme = \"quality\"\nperiod = { start = 2025-07-01, end = 2025-03-01 }");
        let e = parse(&text, Path::new("p.toml")).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("project.period.end"));
    }
}

//! Before/after comparison (`qce compare`): assembles the per-stage evidence (description,
//! control chart, stability, normality, capability) and the change tests into one result with
//! checks ("cards") and a plain-words verdict.
//!
//! The statistics come from their owners: descriptive statistics from [`crate::describe`],
//! charts, Nelson tests, capability and the hypothesis tests from the contract commands
//! (`chart`, `capability`, `test`), whose JSON documents (stable contract keys) are passed in
//! as [`Gathered`], so a comparison's numbers are those of the commands by construction.
//! Only Bonett's test ([`super::bonett`]) is computed here.
//!
//! JSON keys of `qce compare --json` (stable):
//! - `value`, `phase`, `before`, `after` (stage labels), `direction` (lower|higher|target|null),
//!   `alpha`, `spec` {`lsl`, `usl`, `target`}, `chart_kind` (i-mr|xbar-r|xbar-s)
//! - `stages[]`: `name`, `n`, `describe` {describe keys}, `chart` {`center`, `lcl`, `ucl`,
//!   `sigma`}, `violations` {`location` [{point, rule}], `dispersion` [{point, rule}]},
//!   `stable` (bool), `normality` {`test`, `statistic`, `p_value`} | null, `capability`
//!   {capability stage keys} | null
//! - `historical`: {`limits_from`, `center`, `lcl`, `ucl`, `after_points`, `after_outside`,
//!   `after_outside_percent`} | null (after stage judged against the before stage's limits)
//! - `mean`: {`before`, `after`, `difference`, `percent`, `better`}; `mean_test`: the `test t2`
//!   document (Welch); `mean_test_rank`: the `test mann-whitney` document | null;
//!   `mean_method`: "welch" | "mann-whitney" (which one the verdict uses)
//! - `sd`: {`before`, `after`, `difference`, `percent`, `better`}; `bonett` {`sd_1`, `sd_2`,
//!   `ratio`, `ci`, `conf_level`, `p_value`, `kurtosis`} | null; `levene`: the `test levene
//!   --center median` document | null
//! - `cpk`, `ppk`, `ppm_expected` (overall expected PPM total): {`before`, `after`,
//!   `difference`, `percent`, `better`} | null; `capability`: the `capability` document | null
//! - `checks[]`: {`id`, `severity` (fail|warn|info), `stage`, `title`, `meaning`, `action`}
//! - `verdict`: the conclusion in plain words (language of `--lang`); `verdict_lines[]`
//! - `errors[]`: {`section`, `message`} for a sub-analysis that could not run;
//!   `chart_errors[]`: the same for a chart that could not be drawn (numbers still present)

use super::bonett::{bonett, Bonett};
use super::project::Direction;
use crate::describe::Summary;
use crate::i18n::Lang;
use serde::Serialize;
use serde_json::Value;

/// What is compared: names, stage labels, specification, wanted direction.
#[derive(Debug, Clone, Serialize)]
pub struct CompareSpec {
    /// Value column name.
    pub value: String,
    /// Stage column name.
    pub phase: String,
    /// Before stage label.
    pub before: String,
    /// After stage label.
    pub after: String,
    /// Lower specification limit.
    pub lsl: Option<f64>,
    /// Upper specification limit.
    pub usl: Option<f64>,
    /// Target.
    pub target: Option<f64>,
    /// Wanted direction of the mean.
    pub direction: Option<Direction>,
    /// Significance level.
    pub alpha: f64,
    /// Chart kind used (i-mr, xbar-r, xbar-s).
    pub chart_kind: String,
}

/// The contract documents of the sub-analyses, as the commands returned them.
#[derive(Debug, Clone, Default)]
pub struct Gathered {
    /// `chart KIND --phase` (each stage its own limits; rules 1, 2, 7).
    pub chart: Option<Value>,
    /// `chart KIND --phase --limits-from BEFORE` (historical limits).
    pub historical: Option<Value>,
    /// `test t2` (Welch).
    pub welch: Option<Value>,
    /// `test mann-whitney` (run when a stage is clearly non-normal and small).
    pub mann_whitney: Option<Value>,
    /// `test levene --center median`.
    pub levene: Option<Value>,
    /// `capability --phase` (when limits are given).
    pub capability: Option<Value>,
    /// Normality (Anderson–Darling) per stage, before then after.
    pub normality: [Option<Value>; 2],
    /// Sub-analyses that failed: (section, message).
    pub errors: Vec<(String, String)>,
    /// Charts that could not be drawn (the numbers are there): (section, message).
    pub chart_errors: Vec<(String, String)>,
}

/// A change of one statistic from before to after.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// Before value.
    pub before: f64,
    /// After value.
    pub after: f64,
    /// after − before.
    pub difference: f64,
    /// Percent change relative to |before| (null when before is 0).
    pub percent: Option<f64>,
    /// In the wanted direction (null when no direction is known).
    pub better: Option<bool>,
}

impl Change {
    fn new(before: f64, after: f64, better: Option<bool>) -> Change {
        let percent = if before != 0.0 { Some((after - before) / before.abs() * 100.0) } else { None };
        Change { before, after, difference: after - before, percent, better }
    }
}

/// One Nelson test signal.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Signal {
    /// Point number (chart order).
    pub point: u64,
    /// Nelson test number.
    pub rule: u64,
}

/// Control-chart limits of a stage.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Limits {
    /// Centre line.
    pub center: Option<f64>,
    /// Lower control limit.
    pub lcl: Option<f64>,
    /// Upper control limit.
    pub ucl: Option<f64>,
    /// Sigma used.
    pub sigma: Option<f64>,
}

/// Signals on a stage's charts.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct StageSignals {
    /// Nelson 1, 2, 7 on the location chart.
    pub location: Vec<Signal>,
    /// Nelson 1 on the dispersion chart.
    pub dispersion: Vec<Signal>,
}

/// Everything about one stage.
#[derive(Debug, Clone, Serialize)]
pub struct StageEvidence {
    /// Stage label.
    pub name: String,
    /// Number of values.
    pub n: usize,
    /// Descriptive statistics.
    pub describe: Summary,
    /// Location chart limits.
    pub chart: Limits,
    /// Nelson signals.
    pub violations: StageSignals,
    /// No signal on either chart (null when the chart could not be made).
    pub stable: Option<bool>,
    /// Anderson–Darling result {test, statistic, p_value}.
    pub normality: Option<Value>,
    /// The capability stage document.
    pub capability: Option<Value>,
}

/// The after stage judged against the before stage's limits.
#[derive(Debug, Clone, Serialize)]
pub struct Historical {
    /// Stage whose limits are used.
    pub limits_from: String,
    /// Centre line.
    pub center: Option<f64>,
    /// LCL.
    pub lcl: Option<f64>,
    /// UCL.
    pub ucl: Option<f64>,
    /// Number of after points.
    pub after_points: usize,
    /// After points outside the before limits.
    pub after_outside: usize,
    /// Percent of after points outside.
    pub after_outside_percent: f64,
}

/// A check that failed or deserves attention: what it means and what to do.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable id (e.g. `unstable`, `non_normal`, `small_sample`).
    pub id: String,
    /// `fail`, `warn` or `info`.
    pub severity: String,
    /// Stage concerned.
    pub stage: Option<String>,
    /// One line.
    pub title: String,
    /// What it means for the conclusion.
    pub meaning: String,
    /// What to do.
    pub action: String,
}

/// The full before/after comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Value column.
    pub value: String,
    /// Stage column.
    pub phase: String,
    /// Before label.
    pub before: String,
    /// After label.
    pub after: String,
    /// Wanted direction.
    pub direction: Option<Direction>,
    /// Significance level.
    pub alpha: f64,
    /// Specification.
    pub spec: Spec,
    /// Chart kind.
    pub chart_kind: String,
    /// Before, after.
    pub stages: Vec<StageEvidence>,
    /// After stage against before limits.
    pub historical: Option<Historical>,
    /// Mean change.
    pub mean: Change,
    /// Welch t document.
    pub mean_test: Option<Value>,
    /// Mann–Whitney document.
    pub mean_test_rank: Option<Value>,
    /// Which mean test the verdict uses.
    pub mean_method: String,
    /// Standard deviation change.
    pub sd: Change,
    /// Bonett's test.
    pub bonett: Option<Bonett>,
    /// Levene (Brown–Forsythe) document.
    pub levene: Option<Value>,
    /// Cpk change.
    pub cpk: Option<Change>,
    /// Ppk change.
    pub ppk: Option<Change>,
    /// Expected (overall) PPM change.
    pub ppm_expected: Option<Change>,
    /// The capability document.
    pub capability: Option<Value>,
    /// Failed checks.
    pub checks: Vec<Check>,
    /// Verdict, one paragraph.
    pub verdict: String,
    /// Verdict, sentence by sentence.
    pub verdict_lines: Vec<String>,
    /// Sub-analyses that failed.
    pub errors: Vec<SectionError>,
    /// Charts that could not be drawn (their numbers are in the other keys).
    pub chart_errors: Vec<SectionError>,
    /// Decimals recorded in the data (for printing means at one more decimal).
    pub decimals: usize,
}

/// Specification limits.
#[derive(Debug, Clone, Serialize)]
pub struct Spec {
    /// LSL.
    pub lsl: Option<f64>,
    /// USL.
    pub usl: Option<f64>,
    /// Target.
    pub target: Option<f64>,
}

/// A sub-analysis that could not run.
#[derive(Debug, Clone, Serialize)]
pub struct SectionError {
    /// Which one.
    pub section: String,
    /// Why.
    pub message: String,
}

/// Below this many values per stage the capability interval is wide (Minitab Assistant: 100).
pub const MIN_VALUES: usize = 100;

/// A number at a JSON path, if it is a number.
pub fn num_at(v: &Value, path: &[&str]) -> Option<f64> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    cur.as_f64()
}

/// The stage object named `name` in a document's `stages` array.
pub fn stage_doc<'a>(doc: &'a Value, name: &str) -> Option<&'a Value> {
    doc.get("stages")?.as_array()?.iter().find(|s| s.get("name").and_then(Value::as_str) == Some(name))
}

/// Signals of one stage in a chart document (`violations` joined to `points` by point number).
fn signals(chart: &Value, stage: &str, rules: &[u64]) -> Vec<Signal> {
    let Some(vs) = chart.get("violations").and_then(Value::as_array) else { return Vec::new() };
    // point number → stage, made once (a search of the points per violation was quadratic:
    // minutes for a chart of 100,000 points)
    let stages: std::collections::HashMap<u64, &str> = chart
        .get("points")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|q| Some((q.get("point")?.as_u64()?, q.get("stage")?.as_str()?)))
        .collect();
    let stage_of = |p: u64| stages.get(&p).copied();
    vs.iter()
        .filter_map(|v| Some(Signal { point: v.get("point")?.as_u64()?, rule: v.get("rule")?.as_u64()? }))
        .filter(|s| rules.contains(&s.rule) && stage_of(s.point) == Some(stage))
        .collect()
}

fn limits(chart: &Value, stage: &str) -> Limits {
    match stage_doc(chart, stage) {
        Some(s) => Limits { center: num_at(s, &["center"]), lcl: num_at(s, &["lcl"]), ucl: num_at(s, &["ucl"]), sigma: num_at(s, &["sigma"]) },
        None => Limits::default(),
    }
}

/// Count after-stage points outside their (historical) limits.
fn historical(doc: &Value, before: &str, after: &str) -> Option<Historical> {
    let points = doc.get("points")?.as_array()?;
    let after_pts: Vec<&Value> = points.iter().filter(|p| p.get("stage").and_then(Value::as_str) == Some(after)).collect();
    let outside = after_pts
        .iter()
        .filter(|p| {
            let (v, l, u) = (num_at(p, &["value"]), num_at(p, &["lcl"]), num_at(p, &["ucl"]));
            matches!(v, Some(v) if l.is_some_and(|l| v < l) || u.is_some_and(|u| v > u))
        })
        .count();
    let b = limits(doc, before);
    let n = after_pts.len();
    Some(Historical {
        limits_from: before.to_string(),
        center: b.center,
        lcl: b.lcl,
        ucl: b.ucl,
        after_points: n,
        after_outside: outside,
        after_outside_percent: if n > 0 { outside as f64 / n as f64 * 100.0 } else { 0.0 },
    })
}

/// True when the mean test should be the rank test: a stage clearly non-normal (AD p < 0.01)
/// and small (n < 30), where the t test's normal approximation is doubtful.
pub fn prefers_rank_test(normality_p: [Option<f64>; 2], n: [usize; 2]) -> bool {
    (0..2).any(|i| normality_p[i].is_some_and(|p| p < 0.01) && n[i] < 30)
}

fn mean_better(spec: &CompareSpec, before: f64, after: f64) -> Option<bool> {
    match spec.direction? {
        Direction::Lower => Some(after < before),
        Direction::Higher => Some(after > before),
        Direction::Target => {
            let t = spec.target.or_else(|| match (spec.lsl, spec.usl) {
                (Some(l), Some(u)) => Some((l + u) / 2.0),
                _ => None,
            })?;
            Some((after - t).abs() < (before - t).abs())
        }
    }
}

/// Assemble the comparison from the stage values and the gathered documents.
pub fn assemble(spec: &CompareSpec, values: [&[f64]; 2], g: Gathered, lang: Lang) -> Comparison {
    let names = [spec.before.clone(), spec.after.clone()];
    let stages: Vec<StageEvidence> = (0..2)
        .map(|i| {
            let name = &names[i];
            let describe = crate::describe::summarize(values[i], 0);
            let (chart, violations, stable) = match &g.chart {
                Some(c) => {
                    let loc = signals(c, name, &[1, 2, 7]);
                    let disp = c.get("dispersion").map(|d| signals(d, name, &[1])).unwrap_or_default();
                    let stable = loc.is_empty() && disp.is_empty();
                    (limits(c, name), StageSignals { location: loc, dispersion: disp }, Some(stable))
                }
                None => (Limits::default(), StageSignals::default(), None),
            };
            let capability = g.capability.as_ref().and_then(|c| stage_doc(c, name)).cloned();
            let normality = g.normality[i].clone().or_else(|| capability.as_ref().and_then(|c| c.get("normality")).cloned());
            StageEvidence { name: name.clone(), n: values[i].len(), describe, chart, violations, stable, normality, capability }
        })
        .collect();
    let mean = Change::new(stages[0].describe.mean.unwrap_or(f64::NAN), stages[1].describe.mean.unwrap_or(f64::NAN), None);
    let mean = Change { better: mean_better(spec, mean.before, mean.after), ..mean };
    let sd = Change::new(stages[0].describe.sd.unwrap_or(f64::NAN), stages[1].describe.sd.unwrap_or(f64::NAN), None);
    let sd = Change { better: Some(sd.after < sd.before), ..sd };
    let cap_change = |path: &[&str], higher: bool| -> Option<Change> {
        let b = stages[0].capability.as_ref().and_then(|c| num_at(c, path))?;
        let a = stages[1].capability.as_ref().and_then(|c| num_at(c, path))?;
        Some(Change::new(b, a, Some(if higher { a > b } else { a < b })))
    };
    let normal_p = [0, 1].map(|i| stages[i].normality.as_ref().and_then(|v| num_at(v, &["p_value"])));
    let rank = prefers_rank_test(normal_p, [stages[0].n, stages[1].n]) && g.mann_whitney.is_some();
    let mut c = Comparison {
        value: spec.value.clone(),
        phase: spec.phase.clone(),
        before: spec.before.clone(),
        after: spec.after.clone(),
        direction: spec.direction,
        alpha: spec.alpha,
        spec: Spec { lsl: spec.lsl, usl: spec.usl, target: spec.target },
        chart_kind: spec.chart_kind.clone(),
        historical: g.historical.as_ref().and_then(|h| historical(h, &spec.before, &spec.after)),
        mean,
        mean_test: g.welch,
        mean_test_rank: g.mann_whitney,
        mean_method: if rank { "mann-whitney" } else { "welch" }.to_string(),
        sd,
        bonett: bonett(values[0], values[1], 1.0 - spec.alpha),
        levene: g.levene,
        cpk: cap_change(&["cpk"], true),
        ppk: cap_change(&["ppk"], true),
        ppm_expected: cap_change(&["ppm", "expected_overall", "total"], false),
        capability: g.capability,
        stages,
        checks: Vec::new(),
        verdict: String::new(),
        verdict_lines: Vec::new(),
        errors: g.errors.into_iter().map(|(section, message)| SectionError { section, message }).collect(),
        chart_errors: g.chart_errors.into_iter().map(|(section, message)| SectionError { section, message }).collect(),
        decimals: values.iter().flat_map(|v| v.iter()).map(|&x| recorded_decimals(x)).max().unwrap_or(0),
    };
    c.checks = super::compare_text::checks(&c, lang);
    c.verdict_lines = super::compare_text::verdict(&c, lang);
    c.verdict = c.verdict_lines.join(lang.t("", " "));
    c
}

/// Decimals of a value as recorded (shortest round-trip text), at most 6.
pub fn recorded_decimals(x: f64) -> usize {
    let s = format!("{x}");
    if s.contains('e') {
        return 6;
    }
    s.split_once('.').map(|(_, f)| f.len()).unwrap_or(0).min(6)
}

/// The p-value the verdict uses for the mean change.
pub fn mean_p(c: &Comparison) -> Option<f64> {
    let doc = if c.mean_method == "mann-whitney" { c.mean_test_rank.as_ref() } else { c.mean_test.as_ref() };
    doc.and_then(|d| num_at(d, &["p_value"]))
}

//! The report model of `qce report`: the project file, what each analysis returned, the goal
//! judged against the data, and the evidence list (input files with SHA-256, rows used and
//! excluded). Built by the CLI glue from the analyses' results, drawn by
//! [`crate::render::html`]; serialised as `report.json` (every number shown in the page).
//!
//! `report.json` keys (stable): `generator`, `lang`, `project` (the validated project file:
//! `info`, `goal`, `data[]`, `analyses[]`, `measures[]`, `standardisation`, `economics[]`),
//! `goal` {`metric`, `unit`, `baseline` (claimed), `baseline_measured`, `target`, `direction`,
//! `achieved`, `source`, `met`, `improvement`, `improvement_percent`, `baseline_differs`},
//! `sections[]` {`number`, `kind`, `title`, `section` (plan|check), `data`, `result` (the
//! command's JSON document), `comparison` (the `qce compare` document, compare only),
//! `charts[]` {`caption`, `svg`, `png`}, `error`, `command` (to reproduce)},
//! `inputs[]` {`id`, `file`, `sha256`, `bytes`, `sheet`, `rows`, `rows_used`, `excluded[]`
//! {`cell`, `row`, `reason`, `text`}, `description`, `error`}, `methods[]` {`method`, `place`,
//! `finding`}, `audits[]` {`data`, `result` (the `qce audit` document), `error`}.

use super::compare::{Change, Comparison};
use super::project::{Direction, Project};
use serde::Serialize;
use serde_json::Value;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Tool and version that made it.
    pub generator: String,
    /// Language of the texts.
    pub lang: crate::Lang,
    /// The project file as validated.
    pub project: Project,
    /// The goal judged against the data.
    pub goal: GoalResult,
    /// One entry per `[[analysis]]`, in file order.
    pub sections: Vec<Section>,
    /// Each input file.
    pub inputs: Vec<InputEvidence>,
    /// The methods applied and where (table A.1, 技术手段).
    pub methods: Vec<MethodUse>,
    /// Audit results per data set (the `audit` document), or why it is missing.
    pub audits: Vec<AuditResult>,
}

/// One analysis of the project.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// 1-based number in the project file.
    pub number: usize,
    /// compare, chart, capability, test, pareto.
    pub kind: String,
    /// Heading.
    pub title: String,
    /// `plan` or `check`.
    pub section: String,
    /// Data set id.
    pub data: String,
    /// The command's JSON document (absent for compare, which has `comparison`).
    pub result: Option<Value>,
    /// The comparison (compare only).
    pub comparison: Option<Comparison>,
    /// Charts written under charts/.
    pub charts: Vec<ChartFile>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// The equivalent command line (for reproducing the numbers).
    pub command: String,
}

/// A chart written for the report.
#[derive(Debug, Clone, Serialize)]
pub struct ChartFile {
    /// Caption.
    pub caption: String,
    /// Path of the SVG relative to the report folder.
    pub svg: String,
    /// Path of the PNG relative to the report folder, when it was drawn.
    pub png: Option<String>,
}

/// An input file as evidence (印证材料).
#[derive(Debug, Clone, Serialize)]
pub struct InputEvidence {
    /// Data set id.
    pub id: String,
    /// Path as written in the project file.
    pub file: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Sheet read.
    pub sheet: Option<String>,
    /// Data rows found.
    pub rows: usize,
    /// Rows whose values were used.
    pub rows_used: usize,
    /// Excluded cells: where and why.
    pub excluded: Vec<Exclusion>,
    /// What the file is.
    pub description: Option<String>,
    /// Why the file could not be read, if so.
    pub error: Option<String>,
}

/// One excluded cell or row.
#[derive(Debug, Clone, Serialize)]
pub struct Exclusion {
    /// Cell address or row.
    pub cell: String,
    /// 1-based file row.
    pub row: u64,
    /// Why (blank, error value, text).
    pub reason: String,
    /// The cell text as found.
    pub text: String,
}

/// A method applied (table A.1 技术手段).
#[derive(Debug, Clone, Serialize)]
pub struct MethodUse {
    /// Method name.
    pub method: String,
    /// Where in the report.
    pub place: String,
    /// What it showed.
    pub finding: String,
}

/// The audit of one data set.
#[derive(Debug, Clone, Serialize)]
pub struct AuditResult {
    /// Data set id.
    pub data: String,
    /// The `audit` document.
    pub result: Option<Value>,
    /// Why it is missing.
    pub error: Option<String>,
}

/// The goal judged against the data.
#[derive(Debug, Clone, Serialize)]
pub struct GoalResult {
    /// Metric name.
    pub metric: String,
    /// Unit.
    pub unit: String,
    /// Claimed baseline (project file).
    pub baseline: Option<f64>,
    /// Baseline measured from the data (before stage), when computed.
    pub baseline_measured: Option<f64>,
    /// Target.
    pub target: f64,
    /// Direction.
    pub direction: Direction,
    /// Achieved value (after stage, or as given).
    pub achieved: Option<f64>,
    /// Where the achieved value comes from.
    pub source: String,
    /// Target met.
    pub met: Option<bool>,
    /// achieved − baseline (measured baseline when known).
    pub improvement: Option<f64>,
    /// Improvement in percent of |baseline|.
    pub improvement_percent: Option<f64>,
    /// Claimed baseline differs from the measured one by more than 5 %.
    pub baseline_differs: bool,
}

/// Judge the goal: `change` holds the statistic before/after from the data, when computed.
pub fn judge_goal(p: &Project, change: Option<&Change>, source: String) -> GoalResult {
    let g = &p.goal;
    let achieved = change.map(|c| c.after).or(g.achieved);
    let baseline_measured = change.map(|c| c.before);
    let base = baseline_measured.or(g.baseline);
    let met = achieved.map(|a| match g.direction {
        Direction::Higher => a >= g.target,
        Direction::Lower => a <= g.target,
        Direction::Target => base.is_none_or(|b| (a - g.target).abs() <= (b - g.target).abs()),
    });
    let improvement = match (achieved, base) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    let improvement_percent = match (improvement, base) {
        (Some(d), Some(b)) if b != 0.0 => Some(d / b.abs() * 100.0),
        _ => None,
    };
    let baseline_differs = match (g.baseline, baseline_measured) {
        (Some(c), Some(m)) if m != 0.0 => ((c - m) / m).abs() > 0.05,
        _ => false,
    };
    GoalResult {
        metric: g.metric.clone(),
        unit: g.unit.clone(),
        baseline: g.baseline,
        baseline_measured,
        target: g.target,
        direction: g.direction,
        achieved,
        source,
        met,
        improvement,
        improvement_percent,
        baseline_differs,
    }
}

/// The before/after change of the goal statistic from a comparison
/// (`cpk`, `ppk`, `mean`, `sd`, `ppm`).
pub fn goal_change(statistic: &str, c: &Comparison) -> Option<Change> {
    match statistic {
        "cpk" => c.cpk.clone(),
        "ppk" => c.ppk.clone(),
        "mean" => Some(c.mean.clone()),
        "sd" => Some(c.sd.clone()),
        "ppm" => c.ppm_expected.clone(),
        _ => None,
    }
}

/// The before/after totals of a `pareto --phase` document (statistic `defects`).
pub fn pareto_change(doc: &Value, before: Option<&str>, after: Option<&str>) -> Option<Change> {
    let stages = doc.get("stages")?.as_array()?;
    let total = |name: Option<&str>, default: usize| -> Option<f64> {
        let s = match name {
            Some(n) => stages.iter().find(|s| s.get("name").and_then(Value::as_str) == Some(n))?,
            None => stages.get(default)?,
        };
        s.get("total")?.as_f64()
    };
    let b = total(before, 0)?;
    let a = total(after, stages.len().checked_sub(1)?)?;
    let pct = if b != 0.0 { Some((a - b) / b.abs() * 100.0) } else { None };
    Some(Change { before: b, after: a, difference: a - b, percent: pct, better: Some(a < b) })
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        // FIPS 180-2 appendix B.1.
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn pareto_totals() {
        let doc = serde_json::json!({"stages": [{"name": "a", "total": 80.0}, {"name": "b", "total": 20.0}]});
        let c = pareto_change(&doc, None, None).unwrap();
        assert_eq!((c.before, c.after, c.percent), (80.0, 20.0, Some(-75.0)));
    }
}

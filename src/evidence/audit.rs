//! The data audit: patterns in a measurement column that deserve a reviewer's question.
//!
//! Every check is a pure function of the values (and optional stages, dates, specification
//! limits, resolution). Each says what it tested, its statistic and p-value (or count), and
//! whether it flagged. A flag is never an accusation: it names the numbers and cells and asks
//! a neutral question, in Chinese and English.
//!
//! Thresholds are chosen so that honest data almost never flags (a false flag costs an
//! enterprise a reviewer's trust): each check states its threshold and the reason in its doc
//! comment. Checks that lack the data they need report `not_enough_data` or
//! `not_applicable`, never a silent pass.

mod dates;
mod digits;
mod hugging;
mod pileup;
mod recording;
mod repeats;

use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::BTreeMap;

pub use recording::{infer_resolution, Resolution};

/// A piece of text in both languages.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Text {
    /// 简体中文
    pub zh: String,
    /// English
    pub en: String,
}

impl Text {
    /// Both languages.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text { zh: zh.into(), en: en.into() }
    }
    /// The text in one language.
    pub fn get(&self, lang: crate::Lang) -> &str {
        lang.t(&self.zh, &self.en)
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Tested; nothing unusual.
    Pass,
    /// Tested; something deserves a question (see `flags`).
    Flag,
    /// Too few values to test with useful power: neither a pass nor a flag.
    NotEnoughData,
    /// The check needs an input that was not given (e.g. `--resolution`, `--lsl`).
    NotApplicable,
}

/// How strongly a flag deserves attention.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; honest explanations are common.
    Low,
    /// Worth a question to the team.
    Medium,
    /// Very unlikely by chance: ask for the raw records.
    High,
}

/// What one check tested and what it found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// Stable code of the check (e.g. `terminal_digit`).
    pub check: &'static str,
    /// Stage tested (`None` = all the data).
    pub stage: Option<String>,
    /// What was tested, in words.
    pub title: Text,
    /// Outcome.
    pub status: CheckStatus,
    /// Test statistic, when the check is a test.
    pub statistic: Option<f64>,
    /// Degrees of freedom of the statistic, when it has them.
    pub df: Option<f64>,
    /// p-value (or, for the block search, an upper bound of the chance probability).
    pub p_value: Option<f64>,
    /// A count (values concerned, blocks found...), when the check counts.
    pub count: Option<usize>,
    /// Values the check used.
    pub n: usize,
    /// The threshold applied, in words.
    pub threshold: Text,
    /// One sentence on the result (why it passed, what was missing).
    pub note: Text,
}

/// One pattern that deserves a question.
#[derive(Debug, Clone, Serialize)]
pub struct AuditFlag {
    /// Stable code (e.g. `digit_preference`, `repeated_block`, `pileup_inside_usl`).
    pub code: &'static str,
    /// The check that raised it.
    pub check: &'static str,
    /// How strongly it deserves attention.
    pub severity: Severity,
    /// Stage concerned (`None` = all the data).
    pub stage: Option<String>,
    /// Test statistic, when there is one.
    pub statistic: Option<f64>,
    /// p-value or chance-probability bound, when there is one.
    pub p_value: Option<f64>,
    /// Number of values (or rows, blocks) concerned.
    pub count: Option<usize>,
    /// The figures behind the flag, under stable keys.
    pub numbers: BTreeMap<&'static str, f64>,
    /// Cells concerned (e.g. `B12`, or ranges `B12:B19`), at most [`MAX_CELLS`].
    pub cells: Vec<String>,
    /// 1-based file rows concerned, at most [`MAX_CELLS`].
    pub rows: Vec<u64>,
    /// What was seen, neutrally.
    pub explanation: Text,
    /// The question to ask the team.
    pub question: Text,
}

/// Most cells or rows listed in one flag (the count says how many there are in all).
pub const MAX_CELLS: usize = 40;

/// The audit of one column.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Usable values audited.
    pub n: usize,
    /// The resolution used by the digit and rounding checks.
    pub resolution: Option<Resolution>,
    /// Every check run, in a fixed order.
    pub checks: Vec<CheckResult>,
    /// Every flag raised, in check order.
    pub flags: Vec<AuditFlag>,
}

/// One other column of the table, for the duplicated-rows check: its cells as codes of
/// their texts (numbers written shortest, so `1.0` and `1` are one text).
#[derive(Debug, Clone)]
pub struct RecordColumn {
    /// Header text.
    pub name: String,
    /// A measured number column (treated as independent of the others by the chance model).
    pub numeric: bool,
    /// Code of each row's cell text (`None` for a blank cell): equal codes, equal texts.
    pub codes: Vec<Option<u32>>,
    /// Text of each code.
    pub names: Vec<String>,
}

impl RecordColumn {
    /// A column from its cell texts (an empty text is a blank cell); codes in order of first
    /// appearance. Handy for tests and library users.
    pub fn from_texts(name: &str, numeric: bool, cells: &[String]) -> Self {
        let mut coder = crate::ingest::Coder::default();
        let codes = cells.iter().map(|c| (!c.is_empty()).then(|| coder.code(c))).collect();
        RecordColumn { name: name.to_string(), numeric, codes, names: coder.names }
    }
}

/// A hash map with a fast, fixed hasher: the audit's keys (values, codes) are not chosen by an
/// attacker, and a fixed state makes every iteration order, and so every sum over one, the
/// same from run to run.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
/// The set of the same kind.
pub(crate) type FastSet<T> = std::collections::HashSet<T, foldhash::fast::FixedState>;

/// The data audited: one entry per table row.
#[derive(Debug, Clone, Default)]
pub struct AuditData {
    /// Values in row order; NaN = missing cell.
    pub values: Vec<f64>,
    /// Column letter of the values (`B`): a value's cell is this letter and its file row
    /// (`B7`); without a letter, `#` and its position.
    pub letter: String,
    /// 1-based file row of each value.
    pub rows: Vec<u64>,
    /// Stage code per row (`None` = blank stage), when there is a stage column.
    pub stage: Option<Vec<Option<u32>>>,
    /// Stage names, indexed by code, in order of first appearance.
    pub stage_names: Vec<String>,
    /// Date per row, when there is a date column.
    pub dates: Option<Vec<Option<NaiveDateTime>>>,
    /// Column letter of the dates (for flags; the value's cell when `None`).
    pub date_letter: Option<String>,
    /// Every column of the table (value column included), for duplicated rows.
    pub record: Vec<RecordColumn>,
}

/// Options of the audit: what is known about the measurement and the project.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Stated measurement resolution (`--resolution`).
    pub resolution: Option<f64>,
    /// Lower specification limit.
    pub lsl: Option<f64>,
    /// Upper specification limit.
    pub usl: Option<f64>,
    /// Smallest physically possible value.
    pub min: Option<f64>,
    /// Largest physically possible value.
    pub max: Option<f64>,
    /// First day of the project period.
    pub period_start: Option<chrono::NaiveDate>,
    /// Last day of the project period.
    pub period_end: Option<chrono::NaiveDate>,
    /// Date the improvement measures were taken.
    pub measures_date: Option<chrono::NaiveDate>,
    /// Label of the "after" stage (default: the last stage in file order).
    pub after_stage: Option<String>,
}

/// A stage's usable values with their positions in the row order.
#[derive(Debug, Clone)]
pub(crate) struct StageData {
    /// Stage label (`None`: all the data, no stage column).
    pub name: Option<String>,
    /// Usable values, in row order.
    pub values: Vec<f64>,
    /// Row index (into `AuditData`) of each value.
    pub idx: Vec<usize>,
}

impl AuditData {
    /// Build from values and rows alone (no stages, dates or other columns); cells are `A{row}`
    /// unless given. Handy for tests and library users.
    pub fn from_values(values: &[f64], letter: &str, first_row: u64) -> Self {
        let rows: Vec<u64> = (0..values.len() as u64).map(|i| first_row + i).collect();
        AuditData { values: values.to_vec(), letter: letter.to_string(), rows, ..Default::default() }
    }

    /// Usable values per stage (one "stage" with name `None` when there is no stage column).
    /// Rows with a blank stage are left out.
    pub(crate) fn stages(&self) -> Vec<StageData> {
        match &self.stage {
            None => {
                let idx: Vec<usize> = (0..self.values.len()).filter(|&i| !self.values[i].is_nan()).collect();
                vec![StageData { name: None, values: idx.iter().map(|&i| self.values[i]).collect(), idx }]
            }
            Some(codes) => self
                .stage_names
                .iter()
                .enumerate()
                .map(|(c, name)| {
                    let idx: Vec<usize> = (0..self.values.len())
                        .filter(|&i| codes.get(i).copied().flatten() == Some(c as u32) && !self.values[i].is_nan())
                        .collect();
                    StageData { name: Some(name.clone()), values: idx.iter().map(|&i| self.values[i]).collect(), idx }
                })
                .collect(),
        }
    }

    /// Indices of usable values, in row order.
    pub(crate) fn usable(&self) -> Vec<usize> {
        (0..self.values.len()).filter(|&i| !self.values[i].is_nan()).collect()
    }

    /// Cell address of row index `i`.
    pub(crate) fn cell(&self, i: usize) -> String {
        self.cell_in(&self.letter, i)
    }

    /// Address of row index `i` in the column `letter`.
    pub(crate) fn cell_in(&self, letter: &str, i: usize) -> String {
        match self.rows.get(i) {
            Some(r) if !letter.is_empty() => format!("{letter}{r}"),
            _ => format!("#{}", i + 1),
        }
    }

    /// File row of row index `i`.
    pub(crate) fn row(&self, i: usize) -> u64 {
        self.rows.get(i).copied().unwrap_or(i as u64 + 1)
    }
}

/// Run every check on the data.
pub fn audit(data: &AuditData, opts: &AuditOptions) -> AuditReport {
    let usable = data.usable();
    let values: Vec<f64> = usable.iter().map(|&i| data.values[i]).collect();
    let resolution = match opts.resolution {
        Some(r) => Resolution::stated(r),
        None => infer_resolution(&values),
    };
    let stages = data.stages();
    let mut out = Outcome::default();
    digits::check(&stages, resolution.as_ref(), data, &mut out);
    repeats::check_blocks(data, &usable, &mut out);
    repeats::check_rows(data, &mut out);
    hugging::check(&stages, data, &mut out);
    recording::check_spread(&stages, resolution.as_ref(), &mut out);
    pileup::check(&stages, resolution.as_ref(), opts, data, &mut out);
    recording::check_rounding(data, &usable, opts.resolution, &mut out);
    recording::check_range(data, &usable, opts, &mut out);
    dates::check(data, opts, &mut out);
    // A number that does not exist is null in JSON, never NaN.
    let finite = |x: &mut Option<f64>| *x = x.filter(|v| v.is_finite());
    for c in &mut out.checks {
        finite(&mut c.statistic);
        finite(&mut c.df);
        finite(&mut c.p_value);
    }
    for f in &mut out.flags {
        finite(&mut f.statistic);
        finite(&mut f.p_value);
        f.numbers.retain(|_, v| v.is_finite());
    }
    AuditReport { n: values.len(), resolution, checks: out.checks, flags: out.flags }
}

/// Checks and flags collected while auditing.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub checks: Vec<CheckResult>,
    pub flags: Vec<AuditFlag>,
}

/// A check result with only the fixed parts filled; the rest set by the caller.
pub(crate) fn result(check: &'static str, stage: &Option<String>, title: Text, threshold: Text) -> CheckResult {
    CheckResult {
        check,
        stage: stage.clone(),
        title,
        status: CheckStatus::Pass,
        statistic: None,
        df: None,
        p_value: None,
        count: None,
        n: 0,
        threshold,
        note: Text::new("", ""),
    }
}

/// A flag with only the fixed parts filled.
pub(crate) fn flag(code: &'static str, check: &'static str, severity: Severity, stage: &Option<String>) -> AuditFlag {
    AuditFlag {
        code,
        check,
        severity,
        stage: stage.clone(),
        statistic: None,
        p_value: None,
        count: None,
        numbers: BTreeMap::new(),
        cells: Vec::new(),
        rows: Vec::new(),
        explanation: Text::new("", ""),
        question: Text::new("", ""),
    }
}

/// "stage 'after': " / "阶段“改进后”：" prefix for explanations.
pub(crate) fn stage_prefix(stage: &Option<String>) -> (String, String) {
    match stage {
        Some(s) => (format!("阶段“{s}”："), format!("stage '{s}': ")),
        None => (String::new(), String::new()),
    }
}

/// Within-stage sigma from the average moving range of consecutive values, MR̄/d2 with
/// d2 = 1.128 (Montgomery 7e §6.4); `None` for fewer than two values.
pub(crate) fn sigma_mr(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let mr: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    Some(crate::num::mean(&mr) / 1.128)
}

/// Shorten a list of addresses to at most [`MAX_CELLS`].
pub(crate) fn capped<T: Clone>(v: &[T]) -> Vec<T> {
    v.iter().take(MAX_CELLS).cloned().collect()
}

/// Format a number for explanations (up to 6 significant digits, no trailing zeros).
pub(crate) fn f4(x: f64) -> String {
    crate::render::fmt_num(Some(x))
}

/// A p-value as people read it: `p < 0.0001` or `p = 0.0123`.
pub(crate) fn fmt_p(p: f64) -> String {
    if p < 1e-4 { "p < 0.0001".to_string() } else { format!("p = {:.4}", p) }
}

#[cfg(test)]
mod tests;

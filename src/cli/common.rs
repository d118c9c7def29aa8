//! Arguments shared by the commands that read a file, and the glue that loads it.

use crate::error::Result;
use crate::i18n::Lang;
use crate::ingest::{self, CellNote, CellProblem, LoadOptions, SkipReason, SkippedRow, Table};
use clap::Args;
use std::path::PathBuf;

/// The contract's input options: FILE, `--sheet`, `--header-row`, `--skip-bad`.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Data file: .csv .tsv .txt .xlsx .xlsm .xls .ods .parquet
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Sheet by name or 1-based number (default: the first sheet with data).
    #[arg(long, value_name = "NAME|N")]
    pub sheet: Option<String>,
    /// 1-based row of the header (default: found below title rows).
    #[arg(long, value_name = "N")]
    pub header_row: Option<usize>,
    /// Treat text in a number column as missing (listed in a warning) instead of an error.
    #[arg(long)]
    pub skip_bad: bool,
}

impl InputArgs {
    /// Load the file as a table. Rows left out of the data (summary rows, notes below the
    /// table) are remembered for a warning (see [`take_skipped_warnings`]).
    pub fn load(&self) -> Result<Table> {
        let table = ingest::load(&self.file, &LoadOptions { sheet: self.sheet.clone(), header_row: self.header_row, skip_bad: self.skip_bad })?;
        if !table.skipped_rows().is_empty() {
            let place = (table.source.file.clone(), table.source.sheet.clone());
            if let Ok(mut v) = SKIPPED.lock() {
                if !v.iter().any(|(p, _)| *p == place) {
                    v.push((place, table.skipped_rows().to_vec()));
                }
            }
        }
        Ok(table)
    }
}

/// Data layout for charts, capability and compare: value column(s), subgroups, stages.
#[derive(Debug, Clone, Args)]
pub struct LayoutArgs {
    /// Measurement column; a comma-separated list (x1,x2,x3) means wide layout, a row per subgroup.
    #[arg(long, value_name = "COL[,COL...]")]
    pub value: String,
    /// Consecutive rows with equal values in this column form one subgroup.
    #[arg(long, value_name = "COL", conflicts_with = "subgroup_size")]
    pub subgroup: Option<String>,
    /// Consecutive blocks of N rows form one subgroup.
    #[arg(long, value_name = "N")]
    pub subgroup_size: Option<usize>,
    /// Stage labels (e.g. 改进前/改进后): each stage gets its own limits.
    #[arg(long, value_name = "COL")]
    pub phase: Option<String>,
}

/// Rows left out of the tables loaded so far, per (file, sheet).
type SkippedOf = ((String, Option<String>), Vec<SkippedRow>);
static SKIPPED: std::sync::Mutex<Vec<SkippedOf>> = std::sync::Mutex::new(Vec::new());

/// The warnings about rows left out of the tables loaded so far (and forget them).
pub fn take_skipped_warnings(lang: Lang) -> Vec<String> {
    let taken = SKIPPED.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default();
    taken.iter().map(|((file, sheet), rows)| skipped_rows_warning(file, sheet.as_deref(), rows, lang)).collect()
}

/// A warning naming the rows that were not read as data, e.g. "'a.xlsx', sheet 'S': 2 rows
/// are not data and were left out: row 16 (A16 '合计', summary row), ...".
pub fn skipped_rows_warning(file: &str, sheet: Option<&str>, rows: &[SkippedRow], lang: Lang) -> String {
    let listed: Vec<String> = rows
        .iter()
        .take(10)
        .map(|r| match (lang, r.reason) {
            (Lang::Zh, SkipReason::Summary) => format!("第 {} 行（{} “{}”，汇总行）", r.row, r.cell, r.text),
            (Lang::Zh, SkipReason::Note) => format!("第 {} 行（{} “{}”，表下说明）", r.row, r.cell, r.text),
            (Lang::En, SkipReason::Summary) => format!("row {} ({} '{}', a summary row)", r.row, r.cell, r.text),
            (Lang::En, SkipReason::Note) => format!("row {} ({} '{}', a note below the table)", r.row, r.cell, r.text),
        })
        .collect();
    let more = if rows.len() > 10 { ", …" } else { "" };
    match lang {
        Lang::Zh => {
            let place = sheet.map_or(format!("“{file}”"), |s| format!("“{file}”工作表“{s}”"));
            format!("{place}中有 {} 行不是数据，未计入统计：{}{more}。若这些行确是数据，请改写该单元格的文字。", rows.len(), listed.join("、"))
        }
        Lang::En => {
            let place = sheet.map_or(format!("'{file}'"), |s| format!("'{file}', sheet '{s}'"));
            format!("{place}: {} rows are not data and were left out of the statistics: {}{more}. If such a row is data, change the text of that cell.", rows.len(), listed.join(", "))
        }
    }
}

/// A warning listing excluded cells, e.g. "column 厚度: 5 blank cells excluded (B3, B9, ...)".
pub fn excluded_warning(column: &str, notes: &[CellNote], lang: Lang) -> Option<String> {
    if notes.is_empty() {
        return None;
    }
    let count = |p: CellProblem| notes.iter().filter(|n| n.problem == p).count();
    let (blank, err, bad) = (count(CellProblem::Blank), count(CellProblem::ErrorCell), count(CellProblem::BadText));
    let cells: Vec<String> = notes
        .iter()
        .take(10)
        .map(|n| if n.text.is_empty() { n.cell.clone() } else { format!("{} '{}'", n.cell, n.text) })
        .collect();
    let more = if notes.len() > 10 { ", …" } else { "" };
    Some(match lang {
        Lang::Zh => format!(
            "列“{column}”有 {} 个单元格未计入（空白 {blank}，错误值或缺测标记 {err}，非数字文本 {bad}）：{}{more}",
            notes.len(),
            cells.join("、")
        ),
        Lang::En => format!(
            "column '{column}': {} cells excluded ({blank} blank, {err} error values or missing marks, {bad} non-numeric text): {}{more}",
            notes.len(),
            cells.join(", ")
        ),
    })
}

/// The header name of column `spec` (`--phase`, `--group`, …), for the JSON keys that name
/// the columns used (`column`, `group`, `phase`).
pub fn column_name(table: &Table, spec: &str) -> Result<String> {
    let i = table.resolve(spec)?;
    Ok(table.names().get(i).cloned().unwrap_or_else(|| spec.to_string()))
}

/// Free large analysis data (millions of points) on another thread: the answer is printed
/// without waiting for the frees, and a process that exits first simply skips them.
pub(crate) fn drop_in_background<T: Send + 'static>(data: T) {
    if std::thread::Builder::new().name("qce-drop".into()).spawn(move || drop(data)).is_err() {
        // no thread available: the data are dropped here instead
    }
}

/// Phase timer for performance work: with `QCE_TIMING=1` in the environment each
/// [`Timing::mark`] prints the time since the previous mark to stderr (README "Performance").
pub(crate) struct Timing {
    last: Option<std::time::Instant>,
}

impl Timing {
    /// A timer that is active only when `QCE_TIMING` is set.
    pub(crate) fn start() -> Timing {
        Timing { last: std::env::var_os("QCE_TIMING").map(|_| std::time::Instant::now()) }
    }
    /// Print the time spent since the last mark under `phase` (no-op when inactive).
    pub(crate) fn mark(&mut self, phase: &str) {
        if let Some(t) = self.last {
            let now = std::time::Instant::now();
            eprintln!("qce timing: {phase:<12} {:8.1} ms", (now - t).as_secs_f64() * 1e3);
            self.last = Some(now);
        }
    }
}

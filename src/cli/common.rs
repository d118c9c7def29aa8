//! Arguments shared by the commands that read a file, and the glue that loads it.

use crate::error::Result;
use crate::i18n::Lang;
use crate::ingest::{self, CellNote, CellProblem, LoadOptions, Table};
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
    /// Load the file as a table.
    pub fn load(&self) -> Result<Table> {
        ingest::load(&self.file, &LoadOptions { sheet: self.sheet.clone(), header_row: self.header_row, skip_bad: self.skip_bad })
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
            "列“{column}”有 {} 个单元格未计入（空白 {blank}，错误值 {err}，非数字文本 {bad}）：{}{more}",
            notes.len(),
            cells.join("、")
        ),
        Lang::En => format!(
            "column '{column}': {} cells excluded ({blank} blank, {err} error values, {bad} non-numeric text): {}{more}",
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

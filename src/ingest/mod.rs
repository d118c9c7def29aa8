//! Ingest: files as enterprises send them, read into one typed [`Table`].
//!
//! Formats: delimited text (`.csv`, `.tsv`, `.txt`; delimiter sniffed; UTF-8 with or without
//! BOM, GBK/GB18030), spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.ods` through calamine) and
//! `.parquet` (polars). The header row is found below title rows; numbers stored as text,
//! full-width digits, thousands separators and trailing `%` are numbers; blanks and Excel error
//! cells are missing (counted, listed with their addresses); other text in a number column is
//! an input error naming file, sheet, cell and text (unless `--skip-bad`).
//!
//! The table keeps each column's cell notes (blank, error, bad text) so that an analysis that
//! uses a column can report exactly which cells it excluded and why.

mod cell;
mod decimal;
mod delimited;
mod fastcsv;
mod parquet;
mod sheet;
mod table;

pub use cell::{cell_address, column_letter, excel_serial_to_datetime, format_datetime, is_error_text, is_missing_mark, parse_date_text, parse_number};
pub(crate) use table::Coder;
pub use table::{format_number, CellNote, CellProblem, ColumnInfo, ColumnKind, Keys, NumericColumn, RowMap, Runs, SkipReason, SkippedRow, Source, Table, MAX_NOTES};

use crate::error::{QceError, Result};
use std::path::Path;

/// How to read a file: the contract's common input options.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--sheet NAME|N` (N is 1-based).
    pub sheet: Option<String>,
    /// `--header-row N` (1-based), overriding detection.
    pub header_row: Option<usize>,
    /// `--skip-bad`: text in a number column counts as missing instead of an error.
    pub skip_bad: bool,
}

/// The file formats the tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Delimited text (.csv, .tsv, .txt).
    Csv,
    /// Office Open XML workbook (.xlsx, .xlsm).
    Xlsx,
    /// Legacy Excel workbook (.xls).
    Xls,
    /// OpenDocument spreadsheet (.ods).
    Ods,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// The format named by a file's extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" | "tsv" | "txt" | "tab" => Format::Csv,
            "xlsx" | "xlsm" => Format::Xlsx,
            "xls" => Format::Xls,
            "ods" => Format::Ods,
            "parquet" | "pq" => Format::Parquet,
            _ => return None,
        })
    }
}

/// Read a file into a [`Table`].
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Table> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        QceError::input(format!(
            "cannot open '{shown}': {}. Check the path (relative paths start in the current folder).",
            io_reason(&e)
        ))
        .with_file(&shown)
    })?;
    if meta.is_dir() {
        return Err(QceError::input(format!("'{shown}' is a folder, not a data file. Give a .csv, .xlsx, .xls, .ods or .parquet file.")).with_file(&shown));
    }
    let format = Format::from_path(path).ok_or_else(|| {
        QceError::input(format!(
            "'{shown}': unknown file type. Supported: .csv .tsv .txt .xlsx .xlsm .xls .ods .parquet."
        ))
        .with_file(&shown)
    })?;
    match format {
        Format::Csv => delimited::load(path, &shown, opts),
        Format::Parquet => parquet::load(path, &shown, opts),
        spreadsheet => sheet::load(path, &shown, spreadsheet, opts),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

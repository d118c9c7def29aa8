//! The typed table every analysis reads: columns of numbers, text or dates plus, per column,
//! where each excluded cell was and why.
//!
//! Two stores sit behind the same API: a polars `DataFrame` built when the file is read
//! (spreadsheets, parquet, small or unusual text files), and a lazy columnar view of a large
//! delimited file ([`super::fastcsv`]) whose columns are parsed on demand, in parallel,
//! straight into `Vec<f64>`, so that a 10-million-row CSV never holds more than the one column
//! an analysis asks for.

use super::cell::{cell_address, classify, column_letter, excel_serial_to_datetime, format_datetime, is_error_text, parse_date_text, parse_number, CellClass};
use super::fastcsv::LazyCsv;
use crate::label::{Label, Labels};
use crate::error::{QceError, Result};
use chrono::NaiveDateTime;
use polars::prelude::*;
use serde::Serialize;
use std::hash::BuildHasher;
use std::sync::OnceLock;

/// At most this many cell notes of one kind are kept per column (counts stay exact).
pub const MAX_NOTES: usize = 100_000;

/// Where a table came from, as shown to the user in messages and in `inspect`.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// The path as the user gave it.
    pub file: String,
    /// File format.
    pub format: super::Format,
    /// The sheet read (spreadsheets).
    pub sheet: Option<String>,
    /// All sheets of the workbook (spreadsheets).
    pub sheets: Vec<String>,
    /// 1-based row of the header, as seen in the file.
    pub header_row: usize,
    /// Text encoding detected (delimited text): "UTF-8", "UTF-8 (BOM)", "GB18030".
    pub encoding: Option<String>,
    /// Delimiter detected (delimited text).
    pub delimiter: Option<char>,
}

impl Source {
    /// Where the data are, for messages: `'a.xlsx', sheet 'S'` or `'a.csv'`.
    pub(crate) fn place(&self) -> String {
        match &self.sheet {
            Some(s) => format!("'{}', sheet '{s}'", self.file),
            None => format!("'{}'", self.file),
        }
    }
}

/// What a column holds, inferred from its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Numbers (possibly with blank, error or bad-text cells).
    Number,
    /// Text labels.
    Text,
    /// Dates or date-times (Excel serial dates or ISO text).
    Date,
    /// No value at all.
    Empty,
}

/// Why a cell holds no usable value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellProblem {
    /// Empty cell: missing.
    Blank,
    /// Excel error value (#DIV/0!, #N/A, #VALUE!...): missing.
    ErrorCell,
    /// Text that is not a number, in a number column: an input error unless `--skip-bad`.
    BadText,
}

/// One excluded cell: address, row and the text found.
#[derive(Debug, Clone, Serialize)]
pub struct CellNote {
    /// Address such as `B7`.
    pub cell: String,
    /// 1-based row as seen in the file.
    pub row: u64,
    /// The text found (empty for blanks).
    pub text: String,
    /// Why it is excluded.
    pub problem: CellProblem,
}

/// Per-column facts kept beside the data.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnInfo {
    /// Header text (trimmed); `column N` when the header cell was blank.
    pub name: String,
    /// Spreadsheet letter of the column.
    pub letter: String,
    /// Inferred type.
    pub kind: ColumnKind,
    /// Cells with a usable value.
    pub count: usize,
    /// Blank cells.
    pub blank: usize,
    /// Excel error cells (exact count).
    pub errors: usize,
    /// Cells whose text does not fit the column's type (exact count).
    pub bad: usize,
    /// Excluded non-blank cells (error cells, bad text), in row order (at most
    /// [`MAX_NOTES`] of each kind).
    pub notes: Vec<CellNote>,
    /// Addresses of blank cells, in row order (at most [`MAX_NOTES`]).
    pub blank_cells: Vec<String>,
}

/// Spreadsheet row of each data row.
#[derive(Debug, Clone)]
pub enum RowMap {
    /// Data row i is at file row `first + i`.
    Contiguous {
        /// File row (1-based) of the first data row.
        first: u64,
    },
    /// Data row i is at file row `rows[i]` (blank rows were skipped).
    Explicit(Vec<u64>),
    /// Data rows start at `first` and run on, except the (sorted) blank file rows `skipped`.
    Gaps {
        /// File row (1-based) of the first line below the header.
        first: u64,
        /// Blank file rows skipped, ascending.
        skipped: Vec<u64>,
    },
}

impl RowMap {
    /// File row (1-based) of data row `i`.
    pub fn file_row(&self, i: usize) -> u64 {
        match self {
            RowMap::Contiguous { first } => first + i as u64,
            RowMap::Explicit(v) => v.get(i).copied().unwrap_or(0),
            RowMap::Gaps { first, skipped } => {
                // Skipped row j has (skipped[j] - first - j) data rows before it; count the
                // skipped rows that come before data row i (binary search: that is monotone).
                let (mut lo, mut hi) = (0usize, skipped.len());
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    if skipped[mid].saturating_sub(*first + mid as u64) <= i as u64 {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                first + i as u64 + lo as u64
            }
        }
    }
}

/// A column of numbers extracted for an analysis: one entry per table row, NaN where the cell
/// is missing; `notes` lists every missing cell with its reason.
#[derive(Debug, Clone)]
pub struct NumericColumn {
    /// Header text.
    pub name: String,
    /// Values, NaN = missing.
    pub values: Vec<f64>,
    /// Every missing cell: blanks, error cells and (with `--skip-bad`) bad text.
    pub notes: Vec<CellNote>,
}

impl NumericColumn {
    /// Number of usable values.
    pub fn count(&self) -> usize {
        self.values.iter().filter(|v| !v.is_nan()).count()
    }
}

/// A column used as labels (groups, stages, subgroups, categories): a code per row into
/// `names` (first-appearance order); `None` where the cell is blank.
#[derive(Debug, Clone)]
pub struct Keys {
    /// Header text.
    pub name: String,
    /// Code per row, `None` for a blank cell.
    pub codes: Vec<Option<u32>>,
    /// Distinct labels in order of first appearance.
    pub names: Vec<String>,
}

/// A column cut into runs of equal consecutive cells, as `--subgroup COL` reads it: run `c`
/// starts at data row `starts[c]` and goes on to the next run's start; blank cells (`blanks`)
/// neither end nor start a run and belong to none; `labels[c]` is the text of run `c`. Cells
/// equal as numbers (`1`, `1.0`) continue a run; in a number column a run's label is its
/// number written shortest. Kept as run starts, not a code per row: 2 million subgroups of a
/// 10-million-row file are 2 million numbers.
#[derive(Debug, Clone, Default)]
pub struct Runs {
    /// Header text.
    pub name: String,
    /// Data row where each run starts, ascending (never a blank cell).
    pub starts: Vec<usize>,
    /// Data rows of blank cells, ascending.
    pub blanks: Vec<usize>,
    /// Label of each run, in file order.
    pub labels: Labels,
    /// Number of data rows.
    pub height: usize,
}

impl Runs {
    /// Runs of a keyed column: consecutive equal codes (blank cells skipped) are one run.
    fn of_keys(keys: Keys) -> Runs {
        let mut out = Runs { name: keys.name, height: keys.codes.len(), ..Runs::default() };
        let mut labels = Vec::new();
        let mut last: Option<u32> = None;
        for (r, c) in keys.codes.into_iter().enumerate() {
            match c {
                None => out.blanks.push(r),
                Some(c) if last != Some(c) => {
                    labels.push(Label::from(&keys.names[c as usize]));
                    out.starts.push(r);
                    last = Some(c);
                }
                Some(_) => {}
            }
        }
        out.labels = Labels::Listed(labels);
        out
    }

    /// The run of every data row, `None` for a blank cell.
    pub fn codes(&self) -> Vec<Option<u32>> {
        let mut out = Vec::with_capacity(self.height);
        let (mut next_run, mut next_blank) = (0usize, 0usize);
        for r in 0..self.height {
            if self.blanks.get(next_blank) == Some(&r) {
                next_blank += 1;
                out.push(None);
                continue;
            }
            while self.starts.get(next_run).is_some_and(|&s| s <= r) {
                next_run += 1;
            }
            out.push(next_run.checked_sub(1).map(|c| c as u32));
        }
        out
    }
}

/// The label of a number: its shortest text (as [`format_number`]), inline when short.
pub(crate) fn number_label(x: f64) -> Label {
    if x == x.trunc() && x.abs() < 1e15 { Label::integer(x as i64) } else { Label::from_display(x) }
}

/// The data behind a table.
#[derive(Debug, Clone)]
pub(crate) enum Store {
    /// Everything read: a polars frame and the column facts.
    Frame { df: DataFrame, columns: Vec<ColumnInfo> },
    /// A delimited file read column by column on demand; facts cached once computed.
    Lazy { csv: LazyCsv, infos: Vec<OnceLock<ColumnInfo>> },
}

/// Height and row map of a table, and the structural error found while reading it (ragged
/// rows), which every later access reports.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// Data rows.
    pub(crate) height: usize,
    /// File row of each data row.
    pub(crate) rows: RowMap,
    /// A row with more fields than the header.
    pub(crate) error: Option<QceError>,
}

/// A typed table read from one file (one sheet).
#[derive(Debug, Clone)]
pub struct Table {
    /// Where it came from.
    pub source: Source,
    /// `--skip-bad` was given.
    pub skip_bad: bool,
    names: Vec<String>,
    letters: Vec<String>,
    /// Rows below the header not read as data (summary rows, notes below the table).
    skipped: Vec<SkippedRow>,
    /// Known when read (spreadsheets, parquet) or with the first column read (large CSV).
    layout: OnceLock<Layout>,
    store: Store,
}

impl Table {
    pub(crate) fn new(source: Source, names: Vec<String>, letters: Vec<String>, layout: Option<Layout>, store: Store, skip_bad: bool) -> Table {
        let cell = OnceLock::new();
        if let Some(l) = layout {
            let _ = cell.set(l);
        }
        Table { source, skip_bad, names, letters, skipped: Vec::new(), layout: cell, store }
    }

    /// The table is read column by column from a large CSV (the fast path).
    #[cfg(test)]
    pub(crate) fn is_lazy(&self) -> bool {
        matches!(self.store, Store::Lazy { .. })
    }

    /// Rows below the header that were not read as data: summary rows (合计, 平均值, Total...)
    /// and notes below the table, in file order.
    pub fn skipped_rows(&self) -> &[SkippedRow] {
        &self.skipped
    }

    fn layout(&self) -> &Layout {
        self.layout.get_or_init(|| match &self.store {
            Store::Lazy { csv, .. } => csv.layout(),
            Store::Frame { df, .. } => Layout { height: df.height(), rows: RowMap::Contiguous { first: 2 }, error: None },
        })
    }

    /// The structural error of the file (ragged rows), if any.
    fn check_layout(&self) -> Result<()> {
        match &self.layout().error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Number of data rows.
    pub fn height(&self) -> usize {
        self.layout().height
    }

    /// Where each data row is in the file.
    pub fn row_map(&self) -> &RowMap {
        &self.layout().rows
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.names.len()
    }

    /// File row (1-based) of data row `i`.
    pub fn file_row(&self, i: usize) -> u64 {
        self.layout().rows.file_row(i)
    }

    /// Header names in order.
    pub fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    /// Facts of column `i` (type, counts, excluded cells). On a large delimited file this
    /// reads the column once and caches the result.
    pub fn column(&self, i: usize) -> Result<ColumnInfo> {
        match &self.store {
            Store::Frame { columns, .. } => columns.get(i).cloned().ok_or_else(|| self.err(format!("no column #{}", i + 1))),
            Store::Lazy { csv, infos } => {
                let slot = infos.get(i).ok_or_else(|| self.err(format!("no column #{}", i + 1)))?;
                if let Some(info) = slot.get() {
                    return Ok(info.clone());
                }
                let (_, info, layout) = csv.numeric_pass(i, &self.names[i], &self.letters[i], false)?;
                let _ = self.layout.set(layout);
                self.check_layout()?;
                Ok(slot.get_or_init(|| info).clone())
            }
        }
    }

    /// Facts of every column.
    pub fn columns(&self) -> Result<Vec<ColumnInfo>> {
        (0..self.width()).map(|i| self.column(i)).collect()
    }

    /// The whole table as a polars `DataFrame`: numbers Float64 (null = missing), text and
    /// dates (ISO text) as String. On a large delimited file this reads every column.
    pub fn frame(&self) -> Result<DataFrame> {
        match &self.store {
            Store::Frame { df, .. } => Ok(df.clone()),
            Store::Lazy { .. } => {
                let mut cols = Vec::with_capacity(self.width());
                for i in 0..self.width() {
                    let info = self.column(i)?;
                    let name = PlSmallStr::from(self.names[i].as_str());
                    let series = if info.kind == ColumnKind::Number || info.kind == ColumnKind::Empty {
                        let (values, _) = self.lazy_values(i)?;
                        values.iter().map(|v| (!v.is_nan()).then_some(*v)).collect::<Float64Chunked>().with_name(name).into_series()
                    } else {
                        let texts = self.texts(i)?;
                        Series::new(name, texts)
                    };
                    cols.push(series.into_column());
                }
                DataFrame::new(self.height(), cols).map_err(|e| self.err(format!("{}: {e}", self.place())))
            }
        }
    }

    fn lazy_values(&self, i: usize) -> Result<(Vec<f64>, ColumnInfo)> {
        match &self.store {
            Store::Lazy { csv, infos } => {
                let (values, info, layout) = csv.numeric_pass(i, &self.names[i], &self.letters[i], true)?;
                let _ = self.layout.set(layout);
                self.check_layout()?;
                if let Some(slot) = infos.get(i) {
                    let _ = slot.set(info.clone());
                }
                Ok((values, info))
            }
            Store::Frame { .. } => Err(self.err("internal: not a lazy table".into())),
        }
    }

    /// Cell texts of column `i` (trimmed; `None` for blanks), numbers as written in the file.
    fn texts(&self, i: usize) -> Result<Vec<Option<String>>> {
        match &self.store {
            Store::Frame { df, .. } => {
                let col = df.columns()[i].as_materialized_series();
                if let Ok(ca) = col.f64() {
                    Ok(ca.iter().map(|v| v.map(format_number)).collect())
                } else if let Ok(ca) = col.str() {
                    Ok(ca.iter().map(|v| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())).collect())
                } else {
                    Err(self.err(format!("{}: column '{}' cannot be read as text", self.place(), self.names[i])))
                }
            }
            Store::Lazy { csv, .. } => {
                self.check_layout()?;
                csv.text_pass(i)
            }
        }
    }

    fn err(&self, message: String) -> QceError {
        QceError::input(message).with_file(&self.source.file).with_sheet(self.source.sheet.clone())
    }

    fn place(&self) -> String {
        self.source.place()
    }

    /// Find a column by header text (trimmed; exact, then case-insensitive) or `#N` (1-based).
    /// Unknown: an input error listing the columns and suggesting the closest header.
    pub fn resolve(&self, spec: &str) -> Result<usize> {
        let s = spec.trim();
        if let Some(n) = s.strip_prefix('#') {
            if let Ok(n) = n.trim().parse::<usize>() {
                if n >= 1 && n <= self.width() {
                    return Ok(n - 1);
                }
                return Err(self
                    .err(format!("{}: there is no column #{n}; the table has {} columns: {}.", self.place(), self.width(), self.names.join(", ")))
                    .with_column(s));
            }
        }
        if let Some(i) = self.names.iter().position(|c| c == s) {
            return Ok(i);
        }
        let lower = s.to_lowercase();
        if let Some(i) = self.names.iter().position(|c| c.to_lowercase() == lower) {
            return Ok(i);
        }
        // spaces and full-width forms aside (直径(mm) = 直径 (mm) = 直径（mm）), when that is unique
        let key = loose_key(s);
        let loose: Vec<usize> = self.names.iter().enumerate().filter(|(_, c)| loose_key(c) == key).map(|(i, _)| i).collect();
        if let [i] = loose[..] {
            return Ok(i);
        }
        let closest = self
            .names
            .iter()
            .map(|c| {
                let name = c.to_lowercase();
                // a header that contains what was asked (直径 → 直径(mm)) is a strong hint
                let contains = !lower.is_empty() && (name.contains(&lower) || lower.contains(&name));
                (strsim::normalized_damerau_levenshtein(&name, &lower) + if contains { 0.5 } else { 0.0 }, c)
            })
            .filter(|(score, _)| *score > 0.4)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| format!(" Did you mean '{n}'?"))
            .unwrap_or_default();
        Err(self
            .err(format!(
                "{}: no column '{s}'. Columns found (header row {}): {}.{closest} A column can also be given by position, e.g. '#2'.",
                self.place(),
                self.source.header_row,
                self.names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
            ))
            .with_column(s))
    }

    /// The numbers of a column, NaN where missing. Text in a number column is an input error
    /// naming the first such cell (unless `--skip-bad`, when it is missing and listed).
    pub fn numeric(&self, spec: &str) -> Result<NumericColumn> {
        let i = self.resolve(spec)?;
        let (values, info) = match &self.store {
            Store::Frame { df, columns } => {
                let info = columns[i].clone();
                self.check_numeric(i, &info)?;
                let col = df.columns()[i].as_materialized_series();
                let ca = col.f64().map_err(|e| self.err(format!("{}: column '{}': {e}", self.place(), info.name)))?;
                let values: Vec<f64> = match ca.cont_slice() {
                    Ok(s) => s.to_vec(),
                    Err(_) => ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
                };
                (values, info)
            }
            Store::Lazy { .. } => {
                let (values, info) = self.lazy_values(i)?;
                self.check_numeric(i, &info)?;
                (values, info)
            }
        };
        Ok(numeric_column(values, &info))
    }

    /// Column `value` as numbers and column `key` cut into runs, read in one pass over a large
    /// CSV file (the value and subgroup columns of a chart); two reads otherwise.
    pub fn numeric_with_runs(&self, value: &str, key: &str) -> Result<(NumericColumn, Runs)> {
        let (vi, ki) = (self.resolve(value)?, self.resolve(key)?);
        let Store::Lazy { csv, infos } = &self.store else {
            return Ok((self.numeric(value)?, self.runs(key)?));
        };
        if vi == ki {
            return Ok((self.numeric(value)?, self.runs(key)?));
        }
        let got = csv.numeric_runs_pass((vi, &self.names[vi], &self.letters[vi]), (ki, &self.names[ki], &self.letters[ki]))?;
        let _ = self.layout.set(got.layout);
        self.check_layout()?;
        let ((values, vinfo), (runs, kinfo)) = (got.values, got.runs);
        for (i, info) in [(vi, &vinfo), (ki, &kinfo)] {
            if let Some(slot) = infos.get(i) {
                let _ = slot.set(info.clone());
            }
        }
        self.check_numeric(vi, &vinfo)?;
        Ok((numeric_column(values, &vinfo), runs))
    }

    /// The error for a column that cannot give numbers (text, dates, empty, bad cells).
    fn check_numeric(&self, i: usize, info: &ColumnInfo) -> Result<()> {
        if info.kind == ColumnKind::Text || info.kind == ColumnKind::Date {
            let texts = self.texts(i).unwrap_or_default();
            // the example is a cell that is not a number (a column of half numbers, half
            // "12.5 mm", is text: name a cell to correct, not one of its numbers)
            let numbers = texts.iter().flatten().filter(|t| parse_number(t).is_some()).count();
            let odd = texts.iter().enumerate().filter_map(|(r, v)| v.as_ref().map(|t| (r, t))).filter(|(_, t)| parse_number(t).is_none());
            let cells: Vec<String> = odd.take(3).map(|(r, t)| format!("{} '{t}'", cell_address(self.col_pos(i), self.file_row(r)))).collect();
            let example = match (numbers, cells.is_empty()) {
                (_, true) => String::new(),
                (0, false) => format!(" (e.g. cell {})", cells[0]),
                (n, false) => format!(" ({n} cells are numbers, {} are not, e.g. {})", info.count.saturating_sub(n), cells.join(", ")),
            };
            let numeric = self.numeric_names();
            let advice = if numeric.is_empty() {
                "No column of this table holds numbers: check the header row (--header-row N) and the delimiter.".to_string()
            } else {
                format!("Choose a numeric column: {}.", numeric.join(", "))
            };
            return Err(self
                .err(format!(
                    "{}: column '{}' holds {} rather than numbers{example}. {advice}",
                    self.place(),
                    info.name,
                    if info.kind == ColumnKind::Date { "dates" } else { "text" },
                ))
                .with_column(&info.name));
        }
        if info.kind == ColumnKind::Empty {
            let what = if info.errors > 0 { format!("has no number: {} blank cells and {} Excel error cells", info.blank, info.errors) } else { "is empty (no value in any row)".to_string() };
            return Err(self.err(format!("{}: column '{}' {what}. Choose a column with data.", self.place(), info.name)).with_column(&info.name));
        }
        let bad: Vec<&CellNote> = info.notes.iter().filter(|n| n.problem == CellProblem::BadText).collect();
        if let (Some(first), false) = (bad.first(), self.skip_bad) {
            let more = if info.bad > 1 { format!(" ({} more such cells: {})", info.bad - 1, list_cells(bad[1..].iter().map(|n| n.cell.as_str()), 8)) } else { String::new() };
            // the header written again lower down: a second table on the same sheet
            let advice = if loose_key(&first.text) == loose_key(&info.name) {
                format!(
                    "Row {} repeats the header: the data seem to hold a second table from there. Keep one table per sheet (move the second one to its own sheet or file), or pass --skip-bad to treat such cells as missing.",
                    first.row
                )
            } else {
                "Correct the cell, or pass --skip-bad to treat such cells as missing.".to_string()
            };
            return Err(self
                .err(format!("{}, cell {}: '{}' is not a number (column '{}'){more}. {advice}", self.place(), first.cell, first.text, info.name))
                .with_row(first.row)
                .with_column(&info.name)
                .with_cell(&first.cell));
        }
        Ok(())
    }

    /// A column as labels: numbers written back as text (`1`, `74.03`), dates as ISO text.
    pub fn keys(&self, spec: &str) -> Result<Keys> {
        let i = self.resolve(spec)?;
        let name = self.names[i].clone();
        if let Store::Frame { df, .. } = &self.store {
            let col = df.columns()[i].as_materialized_series();
            if let Ok(ca) = col.f64() {
                return Ok(keys_of_numbers(name, ca));
            }
        }
        if let Store::Lazy { csv, infos } = &self.store {
            self.check_layout()?;
            let (codes, names, info) = csv.key_pass(i, &self.names[i], &self.letters[i], self.height())?;
            if let Some(slot) = infos.get(i) {
                let _ = slot.set(info);
            }
            return Ok(Keys { name, codes, names });
        }
        let texts = self.texts(i)?;
        let mut coder = Coder::default();
        let codes = texts.iter().map(|t| t.as_deref().map(|s| coder.code(s))).collect();
        Ok(Keys { name, codes, names: coder.names })
    }

    /// A column cut into runs of equal consecutive cells (see [`Runs`]): how `--subgroup COL`
    /// groups rows. One pass without hashing on large CSV files.
    pub fn runs(&self, spec: &str) -> Result<Runs> {
        let i = self.resolve(spec)?;
        if let Store::Lazy { csv, infos } = &self.store {
            // The pass finds the layout itself (it may run beside a numeric pass).
            let (runs, info, layout) = csv.runs_pass(i, &self.names[i], &self.letters[i])?;
            let _ = self.layout.set(layout);
            self.check_layout()?;
            if let Some(slot) = infos.get(i) {
                let _ = slot.set(info);
            }
            return Ok(runs);
        }
        self.keys(spec).map(Runs::of_keys)
    }

    /// A column as dates: Excel serial dates (number cells), ISO text (`2024-03-01`,
    /// `2024-03-01 08:30:00`), `2024/3/1`, `2024年3月1日`. `None` for blank and error cells;
    /// other text is an input error naming the cell (unless `--skip-bad`: then `None`).
    pub fn dates(&self, spec: &str) -> Result<Vec<Option<NaiveDateTime>>> {
        let i = self.resolve(spec)?;
        let texts = self.texts(i)?;
        let mut out = Vec::with_capacity(texts.len());
        for (r, t) in texts.iter().enumerate() {
            let v = match t.as_deref() {
                None => None,
                Some(s) => match parse_date_text(s).or_else(|| parse_number(s).and_then(excel_serial_to_datetime)) {
                    Some(d) => Some(d),
                    None if super::cell::is_error_text(s) || super::cell::is_missing_mark(s) || self.skip_bad => None,
                    None => {
                        let cell = cell_address(self.col_pos(i), self.file_row(r));
                        return Err(self
                            .err(format!("{}, cell {cell}: '{s}' is not a date (column '{}'). Write dates as 2024-03-01 or 2024/3/1, or pass --skip-bad.", self.place(), self.names[i]))
                            .with_row(self.file_row(r))
                            .with_column(&self.names[i])
                            .with_cell(cell));
                    }
                },
            };
            out.push(v);
        }
        Ok(out)
    }

    fn numeric_names(&self) -> Vec<String> {
        (0..self.width()).filter(|&i| self.column(i).is_ok_and(|c| c.kind == ColumnKind::Number)).map(|i| format!("'{}'", self.names[i])).collect()
    }

    fn col_pos(&self, i: usize) -> usize {
        letter_index(&self.letters[i])
    }
}

/// Labels of a Float64 column; runs of equal values reuse the last code without formatting.
/// A numeric column with its excluded cells (blank, error, text) in row order.
fn numeric_column(values: Vec<f64>, info: &ColumnInfo) -> NumericColumn {
    let mut notes: Vec<CellNote> = info
        .blank_cells
        .iter()
        .map(|c| CellNote { cell: c.clone(), row: row_of(c), text: String::new(), problem: CellProblem::Blank })
        .chain(info.notes.iter().cloned())
        .collect();
    notes.sort_by_key(|n| n.row);
    NumericColumn { name: info.name.clone(), values, notes }
}

fn keys_of_numbers(name: String, ca: &Float64Chunked) -> Keys {
    let mut coder = Coder::default();
    let mut codes = Vec::with_capacity(ca.len());
    let mut last: Option<(u64, u32)> = None;
    for v in ca.iter() {
        match v {
            Some(x) => {
                let code = match last {
                    Some((b, c)) if b == x.to_bits() => c,
                    _ => coder.code(&format_number(x)),
                };
                last = Some((x.to_bits(), code));
                codes.push(Some(code));
            }
            None => codes.push(None),
        }
    }
    Keys { name, codes, names: coder.names }
}

/// Codes labels in order of first appearance.
#[derive(Default)]
pub(crate) struct Coder {
    pub(crate) names: Vec<String>,
    // The codes, hashed by their labels: each label is stored once, in `names` (a map from
    // String to code would hold a second copy). foldhash, fixed state: labels are not
    // attacker-chosen keys, and SipHash dominated the time of a 2-million-subgroup column.
    index: hashbrown::HashTable<u32>,
    state: foldhash::fast::FixedState,
}

impl Coder {
    /// The code of a label (new labels get the next code).
    pub(crate) fn code(&mut self, label: &str) -> u32 {
        let hash = self.state.hash_one(label);
        match self.find(hash, label) {
            Some(c) => c,
            None => self.insert(hash, label.to_string()),
        }
    }
    /// [`Coder::code`] of a label already owned (kept, not copied, when new).
    pub(crate) fn code_owned(&mut self, label: String) -> u32 {
        let hash = self.state.hash_one(label.as_str());
        match self.find(hash, &label) {
            Some(c) => c,
            None => self.insert(hash, label),
        }
    }
    fn find(&self, hash: u64, label: &str) -> Option<u32> {
        self.index.find(hash, |&c| self.names[c as usize] == label).copied()
    }
    fn insert(&mut self, hash: u64, label: String) -> u32 {
        let c = self.names.len() as u32;
        self.names.push(label);
        let (names, state) = (&self.names, &self.state);
        self.index.insert_unique(hash, c, |&i| state.hash_one(names[i as usize].as_str()));
        c
    }
}

/// Shortest text of a number that reads back the same: 1 → "1", 74.03 → "74.03".
pub fn format_number(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// A header's text for a loose comparison: no white space, full-width ASCII forms (（）：Ａ１)
/// as ASCII, lower case.
fn loose_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn list_cells<'a>(cells: impl Iterator<Item = &'a str>, max: usize) -> String {
    let v: Vec<&str> = cells.collect();
    if v.len() <= max { v.join(", ") } else { format!("{}, …", v[..max].join(", ")) }
}

fn row_of(cell: &str) -> u64 {
    cell.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().unwrap_or(0)
}

fn letter_index(letter: &str) -> usize {
    letter.bytes().fold(0usize, |acc, b| acc * 26 + (b - b'A') as usize + 1).saturating_sub(1)
}

/// Whether the row below the header `header` is a second header row: a header spread over two
/// rows (a merged 尺寸 above 直径 and 长度, or a row of units under the names). It holds text
/// only (no number, date, error or missing mark), directly below the header, and the next row
/// has a number in a column where it has text.
pub(crate) fn sub_header(grid: &[Vec<RawCell>], header: usize) -> bool {
    let (Some(sub), Some(next)) = (grid.get(header + 1), grid.get(header + 2)) else { return false };
    let texts: Vec<usize> = sub.iter().enumerate().filter(|(_, c)| c.is_filled()).map(|(i, _)| i).collect();
    if texts.is_empty() || !sub.iter().all(|c| !c.is_filled() || c.class() == CellClass::Text) {
        return false;
    }
    let head = &grid[header];
    // a row of labels under a header of labels: the sub-row must sit under the header's cells
    // or fill the gaps of a merged header cell, not be a text data row of a text table
    let under = texts.iter().all(|&c| head.get(c).is_some_and(RawCell::is_filled) || (0..c).rev().find_map(|k| head.get(k).filter(|h| h.is_filled())).is_some());
    under && texts.iter().any(|&c| matches!(next.get(c).map(RawCell::class), Some(CellClass::Number(_))))
}

/// Names of a header spread over two rows: the upper cell (carried right over the blank cells of
/// a merged cell), a space, the lower cell: 尺寸 直径, 尺寸 长度, 阶段.
fn combined_header(upper: &[String], lower: &[RawCell]) -> Vec<String> {
    let mut carried = String::new();
    upper
        .iter()
        .enumerate()
        .map(|(c, up)| {
            let low = lower.get(c).map(RawCell::text).unwrap_or_default();
            let up = if up.trim().is_empty() && !low.is_empty() { carried.clone() } else { up.trim().to_string() };
            carried = up.clone();
            match (up.is_empty(), low.is_empty()) {
                (true, _) => low,
                (false, true) => up,
                (false, false) => format!("{up} {low}"),
            }
        })
        .collect()
}

/// Why a row below the header is not read as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A summary row: its first filled cell is 合计, 小计, 平均值, Total, Average, Max...
    Summary,
    /// A note below the table: 备注：..., 制表：..., or one line of text after a blank row.
    Note,
}

/// A row left out of the data, with the cell that identifies it.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedRow {
    /// 1-based row as seen in the file.
    pub row: u64,
    /// Address of the identifying cell, e.g. `A16`.
    pub cell: String,
    /// Its text.
    pub text: String,
    /// Why the row is left out.
    pub reason: SkipReason,
}

/// Labels of summary rows (compared without spaces, full-width forms, case or a final colon).
const SUMMARY_LABELS: &[&str] = &[
    "合计", "总计", "小计", "共计", "累计", "总和", "求和", "汇总", "平均", "平均值", "均值", "平均数", "最大", "最大值", "最小", "最小值", "极差", "标准差",
    "方差", "中位数", "计数", "总数", "total", "totals", "grandtotal", "subtotal", "sum", "average", "avg", "mean", "max", "maximum", "min", "minimum", "range",
    "stdev", "stddev", "std", "sd", "count", "median",
];

/// Starts of note lines below a table (compared as for [`SUMMARY_LABELS`]).
const NOTE_STARTS: &[&str] = &[
    "备注", "注:", "说明:", "注意:", "note:", "notes:", "remark", "制表", "审核", "批准", "编制", "检验员", "检验人", "测量员", "测量人", "记录人", "记录员",
    "签字", "签名", "preparedby", "checkedby", "approvedby", "source:", "数据来源",
];

/// The rows of `grid` from index `first` on that are not data: summary rows anywhere (their
/// first filled cell is a summary label such as 合计 or Total) and, at the bottom, notes (a
/// first cell starting with 备注/注：/Note:..., or, after a blank row, a row of one text cell
/// in a table of several columns). Returns (grid index, column index, text, reason), in row order.
pub(crate) fn footer_rows(grid: &[Vec<RawCell>], first: usize) -> Vec<(usize, usize, String, SkipReason)> {
    let several = grid.iter().skip(first).take(200).any(|r| r.iter().filter(|c| c.is_filled()).count() >= 2);
    // the row's first filled cell when it is text: (column, trimmed text)
    fn label(r: &[RawCell]) -> Option<(usize, &str)> {
        let c = r.iter().position(RawCell::is_filled)?;
        match &r[c] {
            RawCell::Text(t) => Some((c, t.trim())),
            _ => None,
        }
    }
    // every label is short: longer text is no summary label (and costs no loose key)
    let is_summary = |t: &str| {
        if t.len() > 64 {
            return false;
        }
        let k = loose_key(t);
        let k = k.trim_end_matches(':');
        SUMMARY_LABELS.contains(&k)
    };
    let is_note = |t: &str| {
        let k = loose_key(t);
        NOTE_STARTS.iter().any(|p| k.starts_with(p))
    };
    let mut out = Vec::new();
    // one text cell, not a number, long or with a colon, and not a label used above
    let lone_note = |row: &[RawCell], c: usize, t: &str| {
        several
            && row.iter().filter(|c| c.is_filled()).count() == 1
            && parse_number(t).is_none()
            && !is_error_text(t)
            && (t.chars().count() >= 6 || t.contains([':', '：']))
            && !grid[first..].iter().any(|r| matches!(r.get(c), Some(RawCell::Text(o)) if o.trim() == t && !std::ptr::eq(r.as_slice(), row)))
    };
    // the trailing block: from the bottom up, blank rows, summary rows and notes (at most 50)
    let mut trailing_from = grid.len();
    let mut r = grid.len();
    let mut looked = 0;
    while r > first && looked < 50 {
        let row = &grid[r - 1];
        if !row.iter().any(RawCell::is_filled) {
            r -= 1;
            continue;
        }
        looked += 1;
        let Some((c, t)) = label(row) else { break };
        if is_summary(t) || is_note(t) || lone_note(row, c, t) {
            r -= 1;
            trailing_from = r;
            continue;
        }
        break;
    }
    // a lone text line is a note only when a blank row separates it from the data
    let gap_before = |i: usize| i > first && !grid[i - 1].iter().any(RawCell::is_filled);
    let mut note_zone = false;
    for (i, row) in grid.iter().enumerate().skip(first) {
        let Some((c, t)) = label(row) else { continue };
        if i >= trailing_from && gap_before(i) {
            note_zone = true;
        }
        // a row of the trailing block that is neither summary nor note passed `lone_note` above
        let reason = if is_summary(t) {
            Some(SkipReason::Summary)
        } else if i >= trailing_from && (is_note(t) || note_zone) {
            Some(SkipReason::Note)
        } else {
            None
        };
        if let Some(reason) = reason {
            out.push((i, c, t.to_string(), reason));
        }
    }
    out
}

/// Whether grid row `r` is one of `footers` ([`footer_rows`] lists them in row order).
pub(crate) fn is_footer(footers: &[(usize, usize, String, SkipReason)], r: usize) -> bool {
    footers.binary_search_by_key(&r, |f| f.0).is_ok()
}

/// One raw cell as a reader produced it, before typing.
#[derive(Debug, Clone, PartialEq)]
pub enum RawCell {
    /// Nothing in the cell.
    Empty,
    /// A number stored as a number.
    Number(f64),
    /// Text (may still be a number written as text).
    Text(String),
    /// An Excel error value such as `#DIV/0!`.
    Error(String),
    /// A date/time (Excel date cell).
    Date(NaiveDateTime),
}

impl RawCell {
    /// The class of this cell, as for text cells.
    fn class(&self) -> CellClass {
        match self {
            RawCell::Empty => CellClass::Blank,
            RawCell::Number(x) => CellClass::Number(*x),
            RawCell::Text(t) => classify(t),
            RawCell::Error(_) => CellClass::Error,
            RawCell::Date(_) => CellClass::Date,
        }
    }

    /// The cell as text (trimmed): numbers shortest, dates ISO.
    fn text(&self) -> String {
        match self {
            RawCell::Empty => String::new(),
            RawCell::Number(x) => format_number(*x),
            RawCell::Text(t) | RawCell::Error(t) => t.trim().to_string(),
            RawCell::Date(d) => format_datetime(d),
        }
    }

    /// True when the cell holds anything.
    pub(crate) fn is_filled(&self) -> bool {
        match self {
            RawCell::Empty => false,
            RawCell::Text(t) => !t.trim().is_empty(),
            _ => true,
        }
    }
}

/// Running facts of one column while its cells are read: counts per class and the first
/// [`MAX_NOTES`] unusual cells. Shared by every reader so that all formats type cells alike.
#[derive(Debug, Default, Clone)]
pub(crate) struct ColumnTally {
    pub(crate) numbers: usize,
    pub(crate) texts: usize,
    pub(crate) dates: usize,
    pub(crate) errors: usize,
    pub(crate) blanks: usize,
    /// File rows of blank cells (first MAX_NOTES).
    pub(crate) blank_rows: Vec<u64>,
    /// (file row, text, class) of error, date and text cells (first MAX_NOTES).
    pub(crate) odd: Vec<(u64, String, CellClass)>,
}

impl ColumnTally {
    /// Count one cell of file row `row`; `text` gives the cell's text only when it is needed.
    #[inline]
    pub(crate) fn add(&mut self, row: u64, class: CellClass, text: impl FnOnce() -> String) {
        match class {
            CellClass::Number(_) => self.numbers += 1,
            CellClass::Blank => {
                self.blanks += 1;
                if self.blank_rows.len() < MAX_NOTES {
                    self.blank_rows.push(row);
                }
            }
            other => {
                match other {
                    CellClass::Error => self.errors += 1,
                    CellClass::Date => self.dates += 1,
                    _ => self.texts += 1,
                }
                if self.odd.len() < MAX_NOTES {
                    self.odd.push((row, text(), other));
                }
            }
        }
    }

    /// Append the tally of the rows that follow.
    pub(crate) fn merge(&mut self, other: ColumnTally) {
        self.numbers += other.numbers;
        self.texts += other.texts;
        self.dates += other.dates;
        self.errors += other.errors;
        self.blanks += other.blanks;
        let room = MAX_NOTES.saturating_sub(self.blank_rows.len());
        self.blank_rows.extend(other.blank_rows.into_iter().take(room));
        let room = MAX_NOTES.saturating_sub(self.odd.len());
        self.odd.extend(other.odd.into_iter().take(room));
    }

    /// The column's type: numbers when they outnumber text; dates when they dominate.
    pub(crate) fn kind(&self) -> ColumnKind {
        let (num, text, date) = (self.numbers, self.texts, self.dates);
        if num + text + date == 0 {
            ColumnKind::Empty
        } else if date > num && date >= text {
            ColumnKind::Date
        } else if num > text {
            // a few text cells in a mostly-numeric column are bad cells, not labels
            ColumnKind::Number
        } else {
            ColumnKind::Text
        }
    }

    /// The column's facts.
    pub(crate) fn into_info(self, name: &str, letter: &str) -> ColumnInfo {
        let kind = self.kind();
        let addr = |row: u64| format!("{letter}{row}");
        let mut notes = Vec::new();
        let mut bad = 0usize;
        let count;
        match kind {
            ColumnKind::Number | ColumnKind::Empty => {
                count = self.numbers;
                bad = self.texts + self.dates;
                for (row, text, class) in &self.odd {
                    let problem = if *class == CellClass::Error { CellProblem::ErrorCell } else { CellProblem::BadText };
                    notes.push(CellNote { cell: addr(*row), row: *row, text: text.clone(), problem });
                }
            }
            ColumnKind::Text => {
                count = self.numbers + self.texts + self.dates;
                for (row, text, class) in &self.odd {
                    if *class == CellClass::Error {
                        notes.push(CellNote { cell: addr(*row), row: *row, text: text.clone(), problem: CellProblem::ErrorCell });
                    }
                }
            }
            ColumnKind::Date => {
                // numbers in a date column are Excel serial dates
                count = self.dates + self.numbers;
                for (row, text, class) in &self.odd {
                    match class {
                        CellClass::Error => notes.push(CellNote { cell: addr(*row), row: *row, text: text.clone(), problem: CellProblem::ErrorCell }),
                        CellClass::Text => {
                            bad += 1;
                            notes.push(CellNote { cell: addr(*row), row: *row, text: text.clone(), problem: CellProblem::BadText });
                        }
                        _ => {}
                    }
                }
            }
        }
        ColumnInfo {
            name: name.to_string(),
            letter: letter.to_string(),
            kind,
            count,
            blank: self.blanks,
            errors: self.errors,
            bad,
            notes,
            blank_cells: self.blank_rows.iter().map(|&r| addr(r)).collect(),
        }
    }
}

/// Header names of a header row: trimmed text, line breaks inside the cell made one space;
/// `column N` when blank; duplicates get their column letter appended.
pub(crate) fn header_names(cells: &[String], first_col: usize) -> (Vec<String>, Vec<String>) {
    let mut names: Vec<String> = Vec::with_capacity(cells.len());
    let mut letters = Vec::with_capacity(cells.len());
    for (c, cell) in cells.iter().enumerate() {
        let letter = column_letter(first_col + c);
        // a header typed on two lines in its cell (Alt+Enter: "直径\n(mm)") is one name
        let mut name = cell.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            name = format!("column {}", c + 1);
        }
        if names.contains(&name) {
            name = format!("{name} ({letter})");
        }
        names.push(name);
        letters.push(letter);
    }
    (names, letters)
}

/// Build a table from a grid of raw cells. Grid row `r` is file row `first_row + r` (1-based
/// rows); grid column `c` is sheet column `first_col + c` (0-based). `header` is the grid
/// index of the header row. Fully blank rows below the header are skipped.
pub(crate) fn from_grid(mut source: Source, grid: &[Vec<RawCell>], header: usize, first_row: u64, first_col: usize, skip_bad: bool) -> Result<Table> {
    let width = grid.iter().map(|r| r.iter().rposition(RawCell::is_filled).map_or(0, |p| p + 1)).max().unwrap_or(0);
    let mut header_cells: Vec<String> = (0..width).map(|c| grid.get(header).and_then(|r| r.get(c)).map(RawCell::text).unwrap_or_default()).collect();
    let two_rows = sub_header(grid, header);
    if two_rows {
        header_cells = combined_header(&header_cells, &grid[header + 1]);
    }
    let body = header + 1 + usize::from(two_rows);
    let (names, letters) = header_names(&header_cells, first_col);
    let file_row = |r: usize| first_row + r as u64;
    let footers = footer_rows(grid, body);
    let data_rows: Vec<usize> = (body..grid.len()).filter(|&r| grid[r].iter().any(RawCell::is_filled) && !is_footer(&footers, r)).collect();
    let skipped: Vec<SkippedRow> =
        footers.into_iter().map(|(r, c, text, reason)| SkippedRow { row: file_row(r), cell: cell_address(first_col + c, file_row(r)), text, reason }).collect();
    if data_rows.is_empty() && !skipped.is_empty() {
        let place = source.place();
        let rows: Vec<String> = skipped.iter().take(5).map(|k| format!("{} '{}'", k.cell, k.text)).collect();
        return Err(QceError::input(format!(
            "{place}: every row below the header (row {}) looks like a summary row or a note ({}{}), so no data row is left. If these rows are data, rename their first cell (e.g. 'Max' as 'max value') or add a first column such as a sample number.",
            file_row(header),
            rows.join(", "),
            if skipped.len() > 5 { ", …" } else { "" }
        ))
        .with_file(&source.file)
        .with_sheet(source.sheet.clone())
        .with_row(skipped[0].row)
        .with_cell(&skipped[0].cell));
    }
    let mut columns = Vec::with_capacity(width);
    let mut infos = Vec::with_capacity(width);
    for c in 0..width {
        let cells: Vec<&RawCell> = data_rows.iter().map(|&r| grid[r].get(c).unwrap_or(&RawCell::Empty)).collect();
        let mut tally = ColumnTally::default();
        for (k, cell) in cells.iter().enumerate() {
            tally.add(file_row(data_rows[k]), cell.class(), || cell.text());
        }
        let info = tally.into_info(&names[c], &letters[c]);
        let name = PlSmallStr::from(names[c].as_str());
        let series = match info.kind {
            ColumnKind::Number | ColumnKind::Empty => cells
                .iter()
                .map(|cell| match cell.class() {
                    CellClass::Number(x) => Some(x),
                    _ => None,
                })
                .collect::<Float64Chunked>()
                .with_name(name)
            .into_series(),
            ColumnKind::Text | ColumnKind::Date => {
                let vals: Vec<Option<String>> = cells
                    .iter()
                    .map(|cell| match cell.class() {
                        CellClass::Blank | CellClass::Error => None,
                        _ => Some(cell.text()),
                    })
                    .collect();
                Series::new(name, vals)
            }
        };
        columns.push(series.into_column());
        infos.push(info);
    }
    let df = DataFrame::new(data_rows.len(), columns).map_err(|e| QceError::input(format!("'{}': {e}", source.file)).with_file(&source.file))?;
    let rows = RowMap::Explicit(data_rows.iter().map(|&r| file_row(r)).collect());
    source.header_row = file_row(header) as usize;
    let layout = Layout { height: data_rows.len(), rows, error: None };
    let mut table = Table::new(source, names, letters, Some(layout), Store::Frame { df, columns: infos }, skip_bad);
    table.skipped = skipped;
    Ok(table)
}

/// Build a table from a polars frame read as is (parquet): the header is row 1, data rows
/// start at row 2; numbers stay numbers, text is typed cell by cell, dates become ISO text.
pub(crate) fn from_frame(source: Source, df: DataFrame, skip_bad: bool) -> Result<Table> {
    let height = df.height();
    let cells: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    let (names, letters) = header_names(&cells, 0);
    let mut columns = Vec::with_capacity(cells.len());
    let mut infos = Vec::with_capacity(cells.len());
    let fail = |e: PolarsError| QceError::input(format!("'{}': {e}", source.file)).with_file(&source.file);
    for (c, col) in df.columns().iter().enumerate() {
        let s = col.as_materialized_series();
        let name = PlSmallStr::from(names[c].as_str());
        let dtype = s.dtype().clone();
        let mut tally = ColumnTally::default();
        let series = if dtype.is_primitive_numeric() || dtype == DataType::Boolean {
            let f = s.cast(&DataType::Float64).map_err(fail)?;
            let ca = f.f64().map_err(fail)?;
            for (r, v) in ca.iter().enumerate() {
                let class = match v {
                    Some(x) if x.is_finite() => CellClass::Number(x),
                    Some(_) => CellClass::Text,
                    None => CellClass::Blank,
                };
                tally.add(r as u64 + 2, class, || v.map(|x| x.to_string()).unwrap_or_default());
            }
            let clean: Float64Chunked = ca.iter().map(|v| v.filter(|x| x.is_finite())).collect();
            clean.with_name(name).into_series()
        } else {
            let texts = s.cast(&DataType::String).map_err(fail)?;
            let ca = texts.str().map_err(fail)?;
            let is_date = matches!(dtype, DataType::Date | DataType::Datetime(..));
            for (r, v) in ca.iter().enumerate() {
                let class = match v {
                    None => CellClass::Blank,
                    Some(_) if is_date => CellClass::Date,
                    Some(t) => classify(t),
                };
                tally.add(r as u64 + 2, class, || v.unwrap_or_default().to_string());
            }
            let kind = tally.kind();
            if kind == ColumnKind::Number {
                let vals: Float64Chunked = ca.iter().map(|v| v.and_then(parse_number)).collect();
                vals.with_name(name).into_series()
            } else {
                let vals: StringChunked = ca.iter().map(|v| v.map(|t| t.trim().replace('T', " ")).filter(|t| !t.is_empty())).collect();
                vals.with_name(name).into_series()
            }
        };
        infos.push(tally.into_info(&names[c], &letters[c]));
        columns.push(series.into_column());
    }
    let df = DataFrame::new(height, columns).map_err(fail)?;
    let layout = Layout { height, rows: RowMap::Contiguous { first: 2 }, error: None };
    Ok(Table::new(source, names, letters, Some(layout), Store::Frame { df, columns: infos }, skip_bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coder_gives_codes_in_order_of_first_appearance() {
        let mut coder = Coder::default();
        assert_eq!((coder.code("b"), coder.code("a"), coder.code("b"), coder.code_owned("a".to_string())), (0, 1, 0, 1));
        // enough labels to make the table grow several times: every code still found
        for k in 0..50_000u32 {
            assert_eq!(coder.code_owned(format!("L{k}")), k + 2);
        }
        for k in (0..50_000u32).rev() {
            assert_eq!(coder.code(&format!("L{k}")), k + 2);
        }
        assert_eq!(coder.names.len(), 50_002);
        assert_eq!((coder.names[0].as_str(), coder.names[50_001].as_str()), ("b", "L49999"));
    }

    #[test]
    fn gaps_map_data_rows_to_file_rows() {
        let m = RowMap::Gaps { first: 2, skipped: vec![4, 5, 9] };
        let rows: Vec<u64> = (0..6).map(|i| m.file_row(i)).collect();
        assert_eq!(rows, vec![2, 3, 6, 7, 8, 10]);
    }

    #[test]
    fn tally_types_columns() {
        let mut t = ColumnTally::default();
        for (r, s) in [(2, "1.5"), (3, ""), (4, "#N/A"), (5, "abc"), (6, "２")] {
            t.add(r, classify(s), || s.to_string());
        }
        let info = t.into_info("x", "B");
        assert_eq!(info.kind, ColumnKind::Number);
        assert_eq!((info.count, info.blank, info.errors, info.bad), (2, 1, 1, 1));
        assert_eq!(info.blank_cells, vec!["B3"]);
        assert_eq!(info.notes[1].cell, "B5");
        assert_eq!(info.notes[1].problem, CellProblem::BadText);
    }
}

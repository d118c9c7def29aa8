//! The typed table every analysis reads: a polars `DataFrame` plus, per column, where each
//! excluded cell was and why.

use super::cell::{cell_address, column_letter, parse_number};
use crate::error::{QceError, Result};
use polars::prelude::*;
use serde::Serialize;

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
    /// Excluded non-blank cells (error cells, bad text), in row order.
    pub notes: Vec<CellNote>,
    /// Addresses of blank cells (in row order).
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

/// A typed table read from one file (one sheet).
#[derive(Debug, Clone)]
pub struct Table {
    /// Where it came from.
    pub source: Source,
    /// The data: Float64 (null = missing) for numbers, String for text and dates as text.
    pub df: DataFrame,
    /// Per-column facts, parallel to `df`'s columns.
    pub columns: Vec<ColumnInfo>,
    /// File row of each data row.
    pub rows: RowMap,
    /// `--skip-bad` was given.
    pub skip_bad: bool,
}

impl Table {
    /// Number of data rows.
    pub fn height(&self) -> usize {
        self.df.height()
    }

    /// File row (1-based) of data row `i`.
    pub fn file_row(&self, i: usize) -> u64 {
        match &self.rows {
            RowMap::Contiguous { first } => first + i as u64,
            RowMap::Explicit(v) => v.get(i).copied().unwrap_or(0),
        }
    }

    /// Header names in order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    fn err(&self, message: String) -> QceError {
        QceError::input(message).with_file(&self.source.file).with_sheet(self.source.sheet.clone())
    }

    fn place(&self) -> String {
        match &self.source.sheet {
            Some(s) => format!("'{}', sheet '{}'", self.source.file, s),
            None => format!("'{}'", self.source.file),
        }
    }

    /// Find a column by header text (trimmed; exact, then case-insensitive) or `#N` (1-based).
    /// Unknown: an input error listing the columns and suggesting the closest header.
    pub fn resolve(&self, spec: &str) -> Result<usize> {
        let s = spec.trim();
        if let Some(n) = s.strip_prefix('#') {
            if let Ok(n) = n.trim().parse::<usize>() {
                if n >= 1 && n <= self.columns.len() {
                    return Ok(n - 1);
                }
                return Err(self
                    .err(format!("{}: there is no column #{n}; the table has {} columns: {}.", self.place(), self.columns.len(), self.names().join(", ")))
                    .with_column(s));
            }
        }
        if let Some(i) = self.columns.iter().position(|c| c.name == s) {
            return Ok(i);
        }
        let lower = s.to_lowercase();
        if let Some(i) = self.columns.iter().position(|c| c.name.to_lowercase() == lower) {
            return Ok(i);
        }
        let closest = self
            .columns
            .iter()
            .map(|c| (strsim::normalized_damerau_levenshtein(&c.name.to_lowercase(), &lower), &c.name))
            .filter(|(score, _)| *score > 0.4)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| format!(" Did you mean '{n}'?"))
            .unwrap_or_default();
        Err(self
            .err(format!(
                "{}: no column '{s}'. Columns found (header row {}): {}.{closest} A column can also be given by position, e.g. '#2'.",
                self.place(),
                self.source.header_row,
                self.names().iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
            ))
            .with_column(s))
    }

    /// The numbers of a column, NaN where missing. Text in a number column is an input error
    /// naming the first such cell (unless `--skip-bad`, when it is missing and listed).
    pub fn numeric(&self, spec: &str) -> Result<NumericColumn> {
        let i = self.resolve(spec)?;
        let info = &self.columns[i];
        let col = self.df.columns()[i].as_materialized_series();
        if info.kind == ColumnKind::Text || info.kind == ColumnKind::Date {
            let example = col
                .str()
                .ok()
                .and_then(|ca| ca.iter().enumerate().find_map(|(r, v)| v.map(|t| (r, t.to_string()))))
                .map(|(r, t)| format!(" (e.g. cell {} holds '{t}')", cell_address(self.col_pos(i), self.file_row(r))))
                .unwrap_or_default();
            return Err(self
                .err(format!(
                    "{}: column '{}' holds {} rather than numbers{example}. Choose a numeric column: {}.",
                    self.place(),
                    info.name,
                    if info.kind == ColumnKind::Date { "dates" } else { "text" },
                    self.numeric_names().join(", ")
                ))
                .with_column(&info.name));
        }
        if info.kind == ColumnKind::Empty {
            return Err(self.err(format!("{}: column '{}' is empty (no value in any row).", self.place(), info.name)).with_column(&info.name));
        }
        let bad: Vec<&CellNote> = info.notes.iter().filter(|n| n.problem == CellProblem::BadText).collect();
        if let (Some(first), false) = (bad.first(), self.skip_bad) {
            let more = if bad.len() > 1 { format!(" ({} more such cells: {})", bad.len() - 1, list_cells(bad[1..].iter().map(|n| n.cell.as_str()), 8)) } else { String::new() };
            return Err(self
                .err(format!(
                    "{}, cell {}: '{}' is not a number (column '{}'){more}. Correct the cell, or pass --skip-bad to treat such cells as missing.",
                    self.place(),
                    first.cell,
                    first.text,
                    info.name
                ))
                .with_row(first.row)
                .with_column(&info.name)
                .with_cell(&first.cell));
        }
        let ca = col.f64().map_err(|e| self.err(format!("{}: column '{}': {e}", self.place(), info.name)))?;
        let values: Vec<f64> = ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
        let mut notes: Vec<CellNote> = info
            .blank_cells
            .iter()
            .map(|c| CellNote { cell: c.clone(), row: row_of(c), text: String::new(), problem: CellProblem::Blank })
            .chain(info.notes.iter().cloned())
            .collect();
        notes.sort_by_key(|n| n.row);
        Ok(NumericColumn { name: info.name.clone(), values, notes })
    }

    /// A column as labels: numbers written back as text (`1`, `74.03`), dates as ISO text.
    pub fn keys(&self, spec: &str) -> Result<Keys> {
        let i = self.resolve(spec)?;
        let info = &self.columns[i];
        let col = self.df.columns()[i].as_materialized_series();
        let mut names: Vec<String> = Vec::new();
        let mut index: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let mut codes = Vec::with_capacity(col.len());
        let mut push = |label: Option<String>, codes: &mut Vec<Option<u32>>| {
            codes.push(label.map(|l| {
                if let Some(&c) = index.get(&l) {
                    c
                } else {
                    let c = names.len() as u32;
                    index.insert(l.clone(), c);
                    names.push(l);
                    c
                }
            }));
        };
        if let Ok(ca) = col.f64() {
            let mut last: Option<(u64, u32)> = None;
            for v in ca.iter() {
                match v {
                    Some(x) if last.is_some_and(|(b, _)| b == x.to_bits()) => codes.push(last.map(|(_, c)| c)),
                    Some(x) => {
                        push(Some(format_number(x)), &mut codes);
                        last = codes.last().copied().flatten().map(|c| (x.to_bits(), c));
                    }
                    None => codes.push(None),
                }
            }
        } else if let Ok(ca) = col.str() {
            for v in ca.iter() {
                push(v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()), &mut codes);
            }
        } else {
            return Err(self.err(format!("{}: column '{}' cannot be used as labels", self.place(), info.name)));
        }
        Ok(Keys { name: info.name.clone(), codes, names })
    }

    fn numeric_names(&self) -> Vec<String> {
        self.columns.iter().filter(|c| c.kind == ColumnKind::Number).map(|c| format!("'{}'", c.name)).collect()
    }

    fn col_pos(&self, i: usize) -> usize {
        letter_index(&self.columns[i].letter)
    }
}

/// Shortest text of a number that reads back the same: 1 → "1", 74.03 → "74.03".
pub fn format_number(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
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
    /// A date/time as ISO text.
    Date(String),
}

/// Build a table from a grid of raw cells (rows as read, 0-based file row `r` is row r+1).
/// `header` is the 0-based index of the header row in `grid`.
pub(crate) fn from_grid(source: Source, grid: &[Vec<RawCell>], header: usize, first_col: usize, skip_bad: bool) -> Result<Table> {
    let width = grid.iter().map(|r| r.len()).max().unwrap_or(0);
    let header_cells = grid.get(header).cloned().unwrap_or_default();
    let mut data_rows: Vec<usize> = (header + 1..grid.len()).filter(|&r| grid[r].iter().any(|c| *c != RawCell::Empty)).collect();
    // trailing/embedded fully blank rows are skipped
    data_rows.retain(|&r| r < grid.len());
    let mut columns = Vec::new();
    let mut infos = Vec::new();
    let mut used_names: Vec<String> = Vec::new();
    for c in 0..width {
        let mut name = match header_cells.get(c) {
            Some(RawCell::Text(t)) => t.trim().to_string(),
            Some(RawCell::Number(x)) => format_number(*x),
            Some(RawCell::Date(d)) => d.clone(),
            _ => String::new(),
        };
        if name.is_empty() {
            name = format!("column {}", c + 1);
        }
        if used_names.contains(&name) {
            name = format!("{name} ({})", column_letter(first_col + c));
        }
        used_names.push(name.clone());
        let letter = column_letter(first_col + c);
        let cells: Vec<&RawCell> = data_rows.iter().map(|&r| grid[r].get(c).unwrap_or(&RawCell::Empty)).collect();
        let kind = infer_kind(&cells);
        let mut info = ColumnInfo { name: name.clone(), letter: letter.clone(), kind, count: 0, blank: 0, notes: Vec::new(), blank_cells: Vec::new() };
        let series = match kind {
            ColumnKind::Number | ColumnKind::Empty => {
                let mut vals: Vec<Option<f64>> = Vec::with_capacity(cells.len());
                for (k, cell) in cells.iter().enumerate() {
                    let row = data_rows[k] as u64 + 1;
                    let addr = || format!("{letter}{row}");
                    let v = match cell {
                        RawCell::Number(x) => Some(*x),
                        RawCell::Text(t) => match parse_number(t) {
                            Some(x) => Some(x),
                            None if t.trim().is_empty() => {
                                info.blank += 1;
                                info.blank_cells.push(addr());
                                None
                            }
                            None if is_error_text(t) => {
                                info.notes.push(CellNote { cell: addr(), row, text: t.trim().to_string(), problem: CellProblem::ErrorCell });
                                None
                            }
                            None => {
                                info.notes.push(CellNote { cell: addr(), row, text: t.trim().to_string(), problem: CellProblem::BadText });
                                None
                            }
                        },
                        RawCell::Error(e) => {
                            info.notes.push(CellNote { cell: addr(), row, text: e.clone(), problem: CellProblem::ErrorCell });
                            None
                        }
                        RawCell::Date(d) => {
                            info.notes.push(CellNote { cell: addr(), row, text: d.clone(), problem: CellProblem::BadText });
                            None
                        }
                        RawCell::Empty => {
                            info.blank += 1;
                            info.blank_cells.push(addr());
                            None
                        }
                    };
                    if v.is_some() {
                        info.count += 1;
                    }
                    vals.push(v);
                }
                Series::new(name.as_str().into(), vals)
            }
            ColumnKind::Text | ColumnKind::Date => {
                let mut vals: Vec<Option<String>> = Vec::with_capacity(cells.len());
                for (k, cell) in cells.iter().enumerate() {
                    let row = data_rows[k] as u64 + 1;
                    let v = match cell {
                        RawCell::Empty => None,
                        RawCell::Number(x) => Some(format_number(*x)),
                        RawCell::Text(t) | RawCell::Date(t) | RawCell::Error(t) => Some(t.trim().to_string()).filter(|s| !s.is_empty()),
                    };
                    if v.is_none() {
                        info.blank += 1;
                        info.blank_cells.push(format!("{letter}{row}"));
                    } else {
                        info.count += 1;
                    }
                    vals.push(v);
                }
                Series::new(name.as_str().into(), vals)
            }
        };
        columns.push(series.into_column());
        infos.push(info);
    }
    let df = DataFrame::new(data_rows.len(), columns).map_err(|e| QceError::input(format!("'{}': {e}", source.file)).with_file(&source.file))?;
    let rows = RowMap::Explicit(data_rows.iter().map(|&r| r as u64 + 1).collect());
    Ok(Table { source, df, columns: infos, rows, skip_bad })
}

/// Excel's error values, as text.
pub(crate) fn is_error_text(t: &str) -> bool {
    matches!(t.trim(), "#DIV/0!" | "#N/A" | "#VALUE!" | "#REF!" | "#NAME?" | "#NUM!" | "#NULL!" | "#GETTING_DATA" | "#SPILL!" | "#CALC!")
}

fn infer_kind(cells: &[&RawCell]) -> ColumnKind {
    let (mut num, mut text, mut date) = (0usize, 0usize, 0usize);
    for c in cells {
        match c {
            RawCell::Number(_) => num += 1,
            RawCell::Text(t) if parse_number(t).is_some() => num += 1,
            RawCell::Text(t) if t.trim().is_empty() || is_error_text(t) => {}
            RawCell::Text(_) => text += 1,
            RawCell::Date(_) => date += 1,
            RawCell::Error(_) | RawCell::Empty => {}
        }
    }
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

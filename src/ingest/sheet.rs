//! Spreadsheets (.xlsx, .xlsm, .xls, .ods) through calamine: pick the sheet, keep real cell
//! addresses (a used range may start below row 1 or right of column A), type Excel's cells.

use super::cell::parse_date_text;
use super::delimited::detect_header;
use super::table::{from_grid, RawCell, Source};
use super::{Format, LoadOptions, Table};
use crate::error::{QceError, Result};
use calamine::{open_workbook, Data, Ods, Range, Reader, SheetVisible, Sheets, Xls, Xlsx};
use std::path::Path;

/// Read one sheet of a workbook.
pub(crate) fn load(path: &Path, shown: &str, format: Format, opts: &LoadOptions) -> Result<Table> {
    let invalid = |e: String| {
        let kind = match format {
            Format::Xls => "Excel 97-2003 (.xls)",
            Format::Ods => "OpenDocument (.ods)",
            _ => "Excel (.xlsx)",
        };
        QceError::input(format!("'{shown}' is not a valid {kind} workbook ({e}). Open it in Excel or LibreOffice and save it again, or export the sheet as .csv.")).with_file(shown)
    };
    let mut wb: Sheets<_> = match format {
        Format::Xls => Sheets::Xls(open_workbook::<Xls<_>, _>(path).map_err(|e| invalid(e.to_string()))?),
        Format::Ods => Sheets::Ods(open_workbook::<Ods<_>, _>(path).map_err(|e| invalid(e.to_string()))?),
        _ => Sheets::Xlsx(open_workbook::<Xlsx<_>, _>(path).map_err(|e| invalid(e.to_string()))?),
    };
    let sheets = wb.sheet_names();
    // hidden sheets (lookup tables, old versions) are read only when asked for by --sheet
    let hidden: Vec<bool> = sheets.iter().map(|n| wb.sheets_metadata().iter().any(|m| &m.name == n && m.visible != SheetVisible::Visible)).collect();
    let listed = || sheets.iter().enumerate().map(|(i, s)| format!("{} '{s}'{}", i + 1, if hidden[i] { " (hidden)" } else { "" })).collect::<Vec<_>>().join(", ");
    let (name, range) = match &opts.sheet {
        Some(want) => {
            let w = want.trim();
            let by_number = w.parse::<usize>().ok().filter(|&n| n >= 1 && n <= sheets.len()).map(|n| sheets[n - 1].clone());
            let found = sheets.iter().find(|s| s.trim() == w).or_else(|| sheets.iter().find(|s| s.trim().to_lowercase() == w.to_lowercase())).cloned();
            let Some(name) = found.or(by_number) else {
                return Err(QceError::input(format!("'{shown}': no sheet '{w}'. Sheets in this workbook: {}. Give --sheet a name or a number from 1 to {}.", listed(), sheets.len()))
                    .with_file(shown)
                    .with_sheet(Some(w.to_string())));
            };
            let range = wb.worksheet_range(&name).map_err(|e| invalid(e.to_string()))?;
            (name, range)
        }
        None => {
            let mut chosen = None;
            // visible sheets first; a hidden sheet only when no visible sheet holds data
            let order = (0..sheets.len()).filter(|&i| !hidden[i]).chain((0..sheets.len()).filter(|&i| hidden[i]));
            for i in order {
                let s = &sheets[i];
                let range = wb.worksheet_range(s).map_err(|e| invalid(e.to_string()))?;
                if range.used_cells().any(|(_, _, c)| !matches!(c, Data::Empty)) {
                    chosen = Some((s.clone(), range));
                    break;
                }
            }
            chosen.ok_or_else(|| QceError::input(format!("'{shown}': no sheet holds any data (sheets: {}).", listed())).with_file(shown))?
        }
    };
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let grid = to_grid(&range);
    let source = Source { file: shown.to_string(), format, sheet: Some(name.clone()), sheets: sheets.clone(), header_row: 0, encoding: None, delimiter: None };
    let place = format!("'{shown}', sheet '{name}'");
    if grid.iter().all(|r| !r.iter().any(RawCell::is_filled)) {
        return Err(QceError::input(format!("{place} is empty. Choose a sheet with data: {}.", listed())).with_file(shown).with_sheet(Some(name)));
    }
    let header = match opts.header_row {
        Some(h) if h as u64 > r0 as u64 && h as u64 <= r0 as u64 + grid.len() as u64 => h - 1 - r0 as usize,
        Some(h) => {
            return Err(QceError::usage(format!("--header-row {h}: {place} has data in rows {} to {} only.", r0 + 1, r0 as usize + grid.len()))
                .with_file(shown)
                .with_sheet(Some(name)));
        }
        None => detect_header(&grid),
    };
    let table = from_grid(source, &grid, header, r0 as u64 + 1, c0 as usize, opts.skip_bad)?;
    if table.height() == 0 {
        return Err(QceError::input(format!("{place} has a header (row {}) but no data rows below it.", table.source.header_row)).with_file(shown).with_sheet(Some(name)));
    }
    Ok(table)
}

/// The used range as raw cells.
fn to_grid(range: &Range<Data>) -> Vec<Vec<RawCell>> {
    range.rows().map(|row| row.iter().map(raw).collect()).collect()
}

/// One calamine cell as a raw cell: Excel dates become dates, errors error cells.
fn raw(c: &Data) -> RawCell {
    match c {
        Data::Empty => RawCell::Empty,
        Data::Int(i) => RawCell::Number(*i as f64),
        Data::Float(x) => RawCell::Number(*x),
        Data::String(s) => RawCell::Text(s.clone()),
        Data::Bool(b) => RawCell::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
        // a time of day alone (serial below 1) stays a time, not a day of 1899
        Data::DateTime(dt) if dt.is_datetime() && dt.as_f64() < 1.0 => match dt.as_datetime() {
            Some(d) => RawCell::Text(d.format("%H:%M:%S").to_string()),
            None => RawCell::Number(dt.as_f64()),
        },
        Data::DateTime(dt) if dt.is_datetime() => match dt.as_datetime() {
            Some(d) => RawCell::Date(d),
            None => RawCell::Number(dt.as_f64()),
        },
        Data::DateTime(dt) => RawCell::Text(dt.to_string()),
        Data::DateTimeIso(s) => parse_date_text(s).map(RawCell::Date).unwrap_or_else(|| RawCell::Text(s.clone())),
        Data::DurationIso(s) => RawCell::Text(s.clone()),
        Data::Error(e) => RawCell::Error(e.to_string()),
    }
}

//! Delimited text: encoding and delimiter detection, quote-aware splitting.

use super::table::{from_grid, RawCell, Source};
use super::{Format, LoadOptions};
use crate::error::{QceError, Result};
use std::path::Path;

/// Read a delimited text file.
pub(crate) fn load(path: &Path, shown: &str, opts: &LoadOptions) -> Result<super::Table> {
    let bytes = std::fs::read(path).map_err(|e| QceError::input(format!("cannot read '{shown}': {e}")).with_file(shown))?;
    let (text, encoding) = decode(&bytes);
    if text.trim().is_empty() {
        return Err(QceError::input(format!("'{shown}' is empty: no header and no data. Export the sheet again with its data.")).with_file(shown));
    }
    let delim = sniff_delimiter(&text);
    let grid: Vec<Vec<RawCell>> = split_records(&text, delim)
        .into_iter()
        .map(|rec| rec.into_iter().map(|f| if f.trim().is_empty() { RawCell::Empty } else { RawCell::Text(f) }).collect())
        .collect();
    let header = match opts.header_row {
        Some(h) if h >= 1 && h <= grid.len() => h - 1,
        Some(h) => return Err(QceError::usage(format!("--header-row {h}: '{shown}' has {} rows", grid.len())).with_file(shown)),
        None => detect_header(&grid),
    };
    let source = Source { file: shown.to_string(), format: Format::Csv, sheet: None, sheets: vec![], header_row: header + 1, encoding: Some(encoding), delimiter: Some(delim as char) };
    let table = from_grid(source, &grid, header, 0, opts.skip_bad)?;
    if table.height() == 0 {
        return Err(QceError::input(format!("'{shown}' has a header (row {}) but no data rows below it.", header + 1)).with_file(shown));
    }
    Ok(table)
}

/// Decode bytes: UTF-8 (BOM stripped) when valid, else GB18030 (a superset of GBK).
pub(crate) fn decode(bytes: &[u8]) -> (String, String) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8 (BOM)".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8".into()),
        Err(_) => {
            let (cow, _, _) = encoding_rs::GB18030.decode(bytes);
            (cow.into_owned(), "GB18030".into())
        }
    }
}

/// The delimiter among comma, tab and semicolon that splits the first lines most consistently.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(50).collect();
    let mut best = (b',', 0usize);
    for d in [b',', b'\t', b';'] {
        let counts: Vec<usize> = lines.iter().map(|l| l.bytes().filter(|&b| b == d).count()).collect();
        let max = counts.iter().copied().max().unwrap_or(0);
        let consistent = counts.iter().filter(|&&c| c == max && c > 0).count();
        if consistent * (max + 1) > best.1 {
            best = (d, consistent * (max + 1));
        }
    }
    best.0
}

/// Split text into records of fields, honouring double quotes (RFC 4180).
pub(crate) fn split_records(text: &str, delim: u8) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rec = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let d = delim as char;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.trim().is_empty() {
            field.clear();
            in_quotes = true;
        } else if c == d {
            rec.push(std::mem::take(&mut field));
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            rec.push(std::mem::take(&mut field));
            out.push(std::mem::take(&mut rec));
        } else {
            field.push(c);
        }
    }
    if !field.is_empty() || !rec.is_empty() {
        rec.push(field);
        out.push(rec);
    }
    out
}

/// The header: the first row that fills at least half of the widest row, below title rows.
pub(crate) fn detect_header(grid: &[Vec<RawCell>]) -> usize {
    let filled = |r: &Vec<RawCell>| r.iter().filter(|c| **c != RawCell::Empty).count();
    let width = grid.iter().take(100).map(filled).max().unwrap_or(0);
    grid.iter().position(|r| filled(r) * 2 >= width.max(1) && filled(r) > 0).unwrap_or(0)
}

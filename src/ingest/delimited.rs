//! Delimited text: encoding and delimiter detection, quote-aware splitting.

use super::table::{from_grid, RawCell, Source};
use super::{Format, LoadOptions};
use crate::error::{QceError, Result};
use std::path::Path;

/// Read a delimited text file: the columnar fast path for UTF-8 files, else (GBK/GB18030,
/// quoted fields spanning lines) the general reader below.
///
/// Ragged rows: a row with more non-empty fields than the header is an input error naming
/// the row (a stray delimiter would otherwise shift values into the wrong column); trailing
/// empty fields are ignored; a row with fewer fields has blanks in the missing columns.
pub(crate) fn load(path: &Path, shown: &str, opts: &LoadOptions) -> Result<super::Table> {
    if fast_path_fits(path, opts) {
        if let Some(t) = super::fastcsv::open(path, shown, opts)? {
            return Ok(t);
        }
    }
    let table = load_general(path, shown, opts)?;
    if table.height() == 0 {
        return Err(QceError::input(format!(
            "'{shown}' has a header (row {}) but no data rows below it. Add the measurements below the header.",
            table.source.header_row
        ))
        .with_file(shown));
    }
    Ok(table)
}

/// Bytes of a file's start and end examined for rows the columnar path cannot leave out.
const LOOK: u64 = 64 << 10;

/// Whether the columnar fast path may read the file: no UTF-16 (zero bytes), and no summary
/// rows or notes (see `table::footer_rows`) in its first and last lines, which only the general
/// reader leaves out of the data. Unreadable files go to the fast path, which reports them.
fn fast_path_fits(path: &Path, opts: &LoadOptions) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    use super::table::{footer_rows, SkipReason};
    let Ok(mut f) = std::fs::File::open(path) else { return true };
    let len = f.metadata().map_or(0, |m| m.len());
    let mut head = Vec::new();
    if (&mut f).take(LOOK).read_to_end(&mut head).is_err() {
        return true;
    }
    if head.contains(&0) {
        return false;
    }
    let rows = |bytes: &[u8], partial_first: bool, partial_last: bool| -> Vec<Vec<RawCell>> {
        let text = String::from_utf8_lossy(bytes);
        let mut lines: Vec<&str> = text.lines().collect();
        if partial_first && !lines.is_empty() {
            lines.remove(0);
        }
        if partial_last {
            lines.pop();
        }
        let delim = sniff_delimiter(&text);
        lines
            .iter()
            .map(|l| {
                let fields = split_quoted(l, delim, false).0.into_iter().next().unwrap_or_default();
                fields.into_iter().map(|f| if f.trim().is_empty() { RawCell::Empty } else { RawCell::Text(f) }).collect()
            })
            .collect()
    };
    let whole = len <= LOOK;
    let head_rows = rows(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head), false, !whole);
    if head_rows.is_empty() {
        return true;
    }
    let header = match opts.header_row {
        Some(h) if h >= 1 && h <= head_rows.len() => h - 1,
        _ => detect_header(&head_rows),
    };
    if super::table::sub_header(&head_rows, header) {
        return false;
    }
    let found = footer_rows(&head_rows, header + 1);
    if whole {
        return found.is_empty();
    }
    // the start of a long file: summary rows only (its last lines are not the table's end)
    if found.iter().any(|f| f.3 == SkipReason::Summary) {
        return false;
    }
    let mut tail = Vec::new();
    if f.seek(SeekFrom::Start(len - LOOK)).is_err() || f.read_to_end(&mut tail).is_err() {
        return true;
    }
    footer_rows(&rows(&tail, true, false), 0).is_empty()
}

/// The general reader: decode the whole file, split records (quotes may span lines), type
/// the cells.
pub(super) fn load_general(path: &Path, shown: &str, opts: &LoadOptions) -> Result<super::Table> {
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
    let filled = |r: &Vec<RawCell>| r.iter().rposition(RawCell::is_filled).map_or(0, |p| p + 1);
    let width = filled(&grid[header]);
    // A row wider than the header is an error unless it is a summary row or a note; those are
    // looked for (over the whole grid, as `from_grid` does again) only when such a row exists.
    let wide = |r: &usize| filled(&grid[*r]) > width;
    let ragged = (header + 1..grid.len()).find(wide).and_then(|_| {
        let footers = super::table::footer_rows(&grid, header + 1);
        (header + 1..grid.len()).filter(wide).find(|&r| !super::table::is_footer(&footers, r))
    });
    if let Some(r) = ragged {
        return Err(QceError::input(format!(
            "'{shown}', row {}: {} fields but the header (row {}) has {width} columns. Check that row for a stray delimiter ('{}') or a number written with a thousands separator without quotes, then save again.",
            r + 1,
            filled(&grid[r]),
            header + 1,
            super::fastcsv::display_delim(delim)
        ))
        .with_file(shown)
        .with_row(r as u64 + 1));
    }
    let source = Source { file: shown.to_string(), format: Format::Csv, sheet: None, sheets: vec![], header_row: header + 1, encoding: Some(encoding), delimiter: Some(delim as char) };
    from_grid(source, &grid, header, 1, 0, opts.skip_bad)
}

/// Rows below the header that set the table's width.
const HEAD_ROWS: usize = 100;

/// Decode bytes: UTF-16 with its BOM (Excel's "Unicode text" export: UTF-16LE, tabs), or
/// without one when every other byte of the start is zero; UTF-8 (BOM stripped) when valid,
/// else GB18030 (a superset of GBK).
pub(crate) fn decode(bytes: &[u8]) -> (String, String) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8 (BOM)".into());
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return (encoding_rs::UTF_16LE.decode_without_bom_handling(rest).0.into_owned(), "UTF-16LE (BOM)".into());
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return (encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0.into_owned(), "UTF-16BE (BOM)".into());
    }
    // text in UTF-8 or GBK has no zero byte; UTF-16 has one in every ASCII character
    let head = &bytes[..bytes.len().min(1024) & !1];
    let zeros_at = |k: usize| head.iter().skip(k).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let enough = |z: usize| head.len() >= 4 && z * 8 >= head.len() / 2;
    if enough(odd) && even == 0 {
        return (encoding_rs::UTF_16LE.decode_without_bom_handling(bytes).0.into_owned(), "UTF-16LE".into());
    }
    if enough(even) && odd == 0 {
        return (encoding_rs::UTF_16BE.decode_without_bom_handling(bytes).0.into_owned(), "UTF-16BE".into());
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
    split_quoted(text, delim, true).0
}

/// The RFC 4180 field scanner behind [`split_records`] and `fastcsv::split_line`: fields end
/// at `delim` outside quotes, `""` inside quotes is a quote, a quote opens a field only at its
/// start. With `line_breaks`, CR, LF or CRLF outside quotes ends a record; without, the text is
/// one record and line-break characters are field content. Returns the records and whether a
/// quote was left open at the end.
pub(crate) fn split_quoted(text: &str, delim: u8, line_breaks: bool) -> (Vec<Vec<String>>, bool) {
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
        } else if line_breaks && (c == '\n' || c == '\r') {
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
    (out, in_quotes)
}

/// The header row (0-based index into `grid`): the first row, below any title rows, that
/// fills at least half of the widest of the first 100 rows and (when the table has several
/// columns) at least two cells. A title such as "XX公司 曲轴磨削尺寸记录表" (one cell, or a
/// merged cell) and blank rows above the header are so skipped.
pub(crate) fn detect_header(grid: &[Vec<RawCell>]) -> usize {
    let filled = |r: &Vec<RawCell>| r.iter().filter(|c| c.is_filled()).count();
    let width = grid.iter().take(HEAD_ROWS).map(filled).max().unwrap_or(0);
    let need = if width >= 2 { 2.max(width.div_ceil(2)) } else { 1 };
    grid.iter().take(HEAD_ROWS).position(|r| filled(r) >= need).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Vec<Vec<RawCell>> {
        rows.iter().map(|r| r.iter().map(|s| if s.is_empty() { RawCell::Empty } else { RawCell::Text(s.to_string()) }).collect()).collect()
    }

    #[test]
    fn header_below_title_rows() {
        let g = grid(&[&["XX公司 曲轴磨削尺寸记录表", ""], &["", ""], &["序号", "直径"], &["1", "10.01"]]);
        assert_eq!(detect_header(&g), 2);
        let g = grid(&[&["x"], &["1"]]);
        assert_eq!(detect_header(&g), 0);
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter("a,b\n1,2\n"), b',');
    }

    #[test]
    fn decodes_gbk() {
        let (bytes, _, _) = encoding_rs::GBK.encode("直径,阶段\n10.0,改进前\n");
        let (text, enc) = decode(&bytes);
        assert!(text.starts_with("直径"));
        assert_eq!(enc, "GB18030");
    }

    #[test]
    fn decodes_utf16() {
        let text = "直径\t阶段\r\n10.0\t改进前\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let with_bom = [&[0xFF, 0xFE][..], &le].concat();
        assert_eq!(decode(&with_bom), (text.to_string(), "UTF-16LE (BOM)".to_string()));
        let ascii: Vec<u8> = "x\ty\n1\t2\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&ascii).1, "UTF-16LE");
        assert_eq!(decode(&le).0, text);
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(&be).0, text);
    }
}

//! Large UTF-8 delimited files read column by column, in parallel, without a `String` per cell.
//!
//! Opening a file reads its first lines (header detection, delimiter) and makes one
//! structural pass over the body: lines, blank lines, ragged rows, UTF-8 validity. A column
//! is parsed only when an analysis asks for it: the body (memory-mapped, never copied) is
//! split at line boundaries into parts parsed in parallel (rayon) straight into `Vec<f64>`;
//! only the exceptional cells (blank, Excel error, text) are noted with their addresses. A
//! 10-million-row file costs the 80 MB of the one column asked for, plus the file's pages in
//! the page cache, which the mapping shares. The file must not be truncated while it is read
//! (a mapped page past the new end would fault): qce never writes its inputs.
//!
//! Files this path does not handle (not UTF-8, a quoted field spanning lines, a header below
//! the first 100 lines) go to the general reader ([`super::delimited`]).

use super::cell::{classify, CellClass};
use super::decimal::zero_bytes;
use super::table::{header_names, Coder, ColumnInfo, ColumnTally, Layout, RawCell, RowMap, Runs, Source, Store, Table};
use super::{Format, LoadOptions};
use crate::error::{QceError, Result};
use crate::label::{Label, Labels};
use rayon::prelude::*;
use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Smallest part worth a thread of its own.
const PART_MIN: usize = 256 << 10;
/// Bytes of the file's start examined for the delimiter and the header.
const PREFIX: usize = 256 << 10;
/// Lines of the file's start examined for the header.
const HEAD_LINES: usize = 100;

/// A delimited file opened for column-wise reading.
#[derive(Debug, Clone)]
pub(crate) struct LazyCsv {
    path: PathBuf,
    shown: String,
    /// File row (1-based) of the header.
    header_row: u64,
    delim: u8,
    /// Byte offset of the first line below the header.
    body_start: u64,
    /// File row (1-based) of that line.
    first_row: u64,
    /// Number of columns.
    width: usize,
    /// The file's bytes, mapped at the first pass and shared by the later ones.
    bytes: OnceLock<Arc<FileBytes>>,
    /// The body holds a double quote somewhere (else no part is searched for one).
    quoted: bool,
}

/// A file's bytes: mapped when the file can be (a regular file), else read into memory.
#[derive(Debug)]
enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Read(v) => v,
        }
    }
}

/// Open a delimited file on the fast path; `Ok(None)` when the general reader must do it.
pub(crate) fn open(path: &Path, shown: &str, opts: &LoadOptions) -> Result<Option<Table>> {
    let io_err = |e: std::io::Error| QceError::input(format!("cannot read '{shown}': {e}")).with_file(shown);
    let mut file = std::fs::File::open(path).map_err(io_err)?;
    let mut prefix = Vec::with_capacity(PREFIX);
    (&mut file).take(PREFIX as u64).read_to_end(&mut prefix).map_err(io_err)?;
    let at_eof = prefix.len() < PREFIX;
    let bom = prefix.starts_with(b"\xEF\xBB\xBF");
    let start = if bom { 3 } else { 0 };
    let mut usable = &prefix[start..];
    if !at_eof {
        match memchr::memrchr(b'\n', usable) {
            Some(p) => usable = &usable[..=p],
            None => return Ok(None),
        }
    }
    let Ok(text) = std::str::from_utf8(usable) else { return Ok(None) };
    if text.trim().is_empty() {
        return Err(QceError::input(format!("'{shown}' is empty: no header and no data. Export the sheet again with its data.")).with_file(shown));
    }
    let delim = super::delimited::sniff_delimiter(text);
    // The first lines as cells, with each line's byte offset.
    let mut head: Vec<Vec<RawCell>> = Vec::new();
    let mut offsets: Vec<usize> = Vec::new();
    let mut pos = 0usize;
    for line in LineIter::new(usable).take(HEAD_LINES) {
        offsets.push(pos);
        pos += line.raw_len;
        let Some(fields) = split_line(line.bytes, delim) else { return Ok(None) };
        head.push(fields.iter().map(|f| if f.trim().is_empty() { RawCell::Empty } else { RawCell::Text(f.to_string()) }).collect());
    }
    offsets.push(pos);
    let header = match opts.header_row {
        Some(h) if h >= 1 && h <= head.len() => h - 1,
        Some(_) => return Ok(None),
        None => super::delimited::detect_header(&head),
    };
    let header_cells: Vec<String> = head[header].iter().map(|c| if let RawCell::Text(t) = c { t.clone() } else { String::new() }).collect();
    let filled_width = |r: &Vec<RawCell>| r.iter().rposition(RawCell::is_filled).map_or(0, |p| p + 1);
    // The header sets the width; longer data rows are ragged (an error, see delimited::load).
    let width = filled_width(&head[header]).max(1);
    let mut header_cells = header_cells;
    header_cells.resize(width, String::new());
    let (names, letters) = header_names(&header_cells, 0);
    let csv = LazyCsv {
        path: path.to_path_buf(),
        shown: shown.to_string(),
        header_row: header as u64 + 1,
        delim,
        body_start: (start + offsets[header + 1]) as u64,
        first_row: header as u64 + 2,
        width,
        bytes: OnceLock::new(),
        quoted: true,
    };
    let check = csv.precheck()?;
    let csv = LazyCsv { quoted: check.quotes, ..csv };
    if !check.utf8 {
        return Ok(None);
    }
    // With quotes anywhere, a field may span lines: check every line now (general reader if
    // so). Without, the layout (height, blank rows, ragged rows) comes with the first column
    // read, at no extra cost.
    let layout = if check.quotes {
        let Some(layout) = csv.structure()? else { return Ok(None) };
        Some(layout)
    } else {
        None
    };
    if let Some(e) = layout.as_ref().and_then(|l| l.error.clone()) {
        return Err(e);
    }
    if !check.data && layout.as_ref().is_none_or(|l| l.height == 0) {
        return Err(QceError::input(format!("'{shown}' has a header (row {}) but no data rows below it. Add the measurements below the header.", header + 1)).with_file(shown));
    }
    let source = Source {
        file: shown.to_string(),
        format: Format::Csv,
        sheet: None,
        sheets: vec![],
        header_row: header + 1,
        encoding: Some(if bom { "UTF-8 (BOM)" } else { "UTF-8" }.to_string()),
        delimiter: Some(delim as char),
    };
    let infos = (0..width).map(|_| OnceLock::new()).collect();
    Ok(Some(Table::new(source, names, letters, layout, Store::Lazy { csv, infos }, opts.skip_bad)))
}

/// A delimiter as shown in messages.
pub(crate) fn display_delim(d: u8) -> &'static str {
    match d {
        b'\t' => "tab",
        b';' => ";",
        _ => ",",
    }
}

/// Per-part structural facts (rows are local line indices).
#[derive(Default)]
struct PartShape {
    blank: Vec<u64>,
    ragged: Option<(u64, usize)>,
    fallback: bool,
}

impl PartShape {
    /// Note line `n` (with `fields` fields) of a part; false for a blank line (not a data row).
    #[inline(always)]
    fn see(&mut self, n: u64, line: &[u8], fields: usize, delim: u8, width: usize) -> bool {
        if is_blank(line, delim) {
            self.blank.push(n);
            return false;
        }
        if self.ragged.is_none() && (fields > width || fields == 0) {
            match count_fields(line, delim, width) {
                FieldCount::Fine => {}
                FieldCount::Extra(k) => self.ragged = Some((n, k)),
                FieldCount::OpenQuote => self.fallback = true,
            }
        }
        true
    }
}

/// The layout being gathered across parts.
#[derive(Default)]
struct ShapeAcc {
    lines: u64,
    blank_rows: Vec<u64>,
    ragged: Option<(u64, usize)>,
    fallback: bool,
}

impl ShapeAcc {
    fn merge(&mut self, s: PartShape, first_row: u64) {
        self.fallback |= s.fallback;
        self.blank_rows.extend(s.blank.iter().map(|r| r + first_row));
        if self.ragged.is_none() {
            self.ragged = s.ragged.map(|(r, k)| (r + first_row, k));
        }
    }
}

/// What the cheap first look at the whole body found.
struct Precheck {
    utf8: bool,
    quotes: bool,
    data: bool,
}

impl LazyCsv {
    /// Whole-body look at SIMD speed: valid UTF-8? any double quote? any non-blank line?
    fn precheck(&self) -> Result<Precheck> {
        let mut out = Precheck { utf8: true, quotes: false, data: false };
        let delim = self.delim;
        let mut lines = 0u64;
        self.for_parts(
            |part| {
                let utf8 = std::str::from_utf8(part).is_ok();
                let quotes = memchr::memchr(b'"', part).is_some();
                let data = LineIter::new(part).any(|l| !is_blank(l.bytes, delim));
                ((utf8, quotes, data), 0)
            },
            |(utf8, quotes, data), _| {
                out.utf8 &= utf8;
                out.quotes |= quotes;
                out.data |= data;
            },
            &mut lines,
        )?;
        Ok(out)
    }

    /// The structural pass (every line); `None` when the general reader must take over.
    fn structure(&self) -> Result<Option<Layout>> {
        let mut acc = ShapeAcc::default();
        let (delim, width) = (self.delim, self.width);
        let mut lines = 0u64;
        self.for_parts(
            |part| {
                let mut s = PartShape::default();
                if std::str::from_utf8(part).is_err() {
                    s.fallback = true;
                    return (s, 0);
                }
                let n = scan_lines(part, delim, true, [], |n, line, [], fields| {
                    s.see(n, line, fields, delim, width);
                });
                (s, n)
            },
            |s, first_row| acc.merge(s, first_row),
            &mut lines,
        )?;
        acc.lines = lines;
        Ok((!acc.fallback).then(|| self.layout_of(acc)))
    }

    /// The layout (height, row map, ragged-row error) of what a pass gathered.
    fn layout_of(&self, acc: ShapeAcc) -> Layout {
        let height = (acc.lines - acc.blank_rows.len() as u64) as usize;
        let rows = if acc.blank_rows.is_empty() { RowMap::Contiguous { first: self.first_row } } else { RowMap::Gaps { first: self.first_row, skipped: acc.blank_rows } };
        let error = acc.ragged.map(|(row, fields)| {
            QceError::input(format!(
                "'{}', row {row}: {fields} fields but the header (row {}) has {} columns. Check that row for a stray delimiter ('{}') or a number written with a thousands separator without quotes, then save again.",
                self.shown,
                self.header_row,
                self.width,
                display_delim(self.delim)
            ))
            .with_file(&self.shown)
            .with_row(row)
        });
        Layout { height, rows, error }
    }

    /// The layout by a structural pass (when no column has been read yet).
    pub(crate) fn layout(&self) -> Layout {
        match self.structure() {
            Ok(Some(l)) => l,
            Ok(None) => Layout { height: 0, rows: RowMap::Contiguous { first: self.first_row }, error: Some(QceError::input(format!("'{}': a quoted field spans lines or the text is not UTF-8 past the first lines; save the file again as UTF-8 CSV.", self.shown)).with_file(&self.shown)) },
            Err(e) => Layout { height: 0, rows: RowMap::Contiguous { first: self.first_row }, error: Some(e) },
        }
    }

    /// Parse column `i` as numbers: values (NaN = missing; empty when `want_values` is false)
    /// and the column's facts.
    pub(crate) fn numeric_pass(&self, i: usize, name: &str, letter: &str, want_values: bool) -> Result<(Vec<f64>, ColumnInfo, Layout)> {
        let mut acc = NumberAcc::default();
        let layout = self.cell_pass([i], |len| NumberPart::new(want_values, len / 12), |p, n, [f]| p.cell(n, f), |p, row| acc.merge(p, row))?;
        Ok((concat(acc.parts), acc.tally.into_info(name, letter), layout))
    }

    /// One pass for two columns: column `v` as numbers and column `k` cut into runs (the value
    /// and subgroup columns of a chart), each with its facts, and the file's layout.
    pub(crate) fn numeric_runs_pass(&self, v: (usize, &str, &str), k: (usize, &str, &str)) -> Result<NumericRuns> {
        let mut numbers = NumberAcc::default();
        let mut runs = RunAcc::default();
        let layout = self.cell_pass(
            [v.0, k.0],
            |len| (NumberPart::new(true, len / 12), RunPart::default()),
            |(num, run), n, [fv, fk]| {
                num.cell(n, fv);
                run.cell(n, fk);
            },
            |(num, run), row| {
                numbers.merge(num, row);
                runs.merge(run, row);
            },
        )?;
        let values = (concat(numbers.parts), numbers.tally.into_info(v.1, v.2));
        Ok(NumericRuns { values, runs: runs.finish(k.1, k.2), layout })
    }

    /// One parallel pass over the data rows for the fields `want`: each part of the file gets
    /// its own builder (`new_part(part length)`), `cell` gives it the fields of every data row
    /// (local line index), `merge` takes the builders in file order with the file row of their
    /// first line. The layout (height, blank and ragged rows) comes with it.
    fn cell_pass<const N: usize, P: Send>(
        &self,
        want: [usize; N],
        new_part: impl Fn(usize) -> P + Sync,
        cell: impl Fn(&mut P, u64, [&[u8]; N]) + Sync,
        mut merge: impl FnMut(P, u64),
    ) -> Result<Layout> {
        let (delim, width, quoted) = (self.delim, self.width, self.quoted);
        let mut shapes = ShapeAcc::default();
        let mut lines = 0u64;
        self.for_parts(
            |part| {
                let mut builder = new_part(part.len());
                let mut shape = PartShape::default();
                let n = scan_lines(part, delim, quoted, want, |n, line, fields, count| {
                    if shape.see(n, line, count, delim, width) {
                        cell(&mut builder, n, fields);
                    }
                });
                ((builder, shape), n)
            },
            |(builder, shape), first_row| {
                merge(builder, first_row);
                shapes.merge(shape, first_row);
            },
            &mut lines,
        )?;
        shapes.lines = lines;
        Ok(self.layout_of(shapes))
    }

    /// Column `i` as labels: codes in order of first appearance, and the column's facts.
    /// In a number column, numbers are normalised (`1.0` and `1` are one label, written `1`);
    /// in a text column labels are the trimmed texts. One pass: runs of equal cells reuse the
    /// last code without hashing.
    pub(crate) fn key_pass(&self, i: usize, name: &str, letter: &str, rows_hint: usize) -> Result<(Vec<Option<u32>>, Vec<String>, ColumnInfo)> {
        let (delim, quoted) = (self.delim, self.quoted);
        let mut codes: Vec<Option<u32>> = Vec::with_capacity(rows_hint);
        let mut global = Coder::default();
        let mut tally = ColumnTally::default();
        let mut lines = 0u64;
        self.for_parts(
            |part| {
                let mut coder = Coder::default();
                let mut t = ColumnTally::default();
                let mut local: Vec<Option<u32>> = Vec::with_capacity(part.len() / 8);
                // the last cell's bytes, code and class: a run of equal cells is coded and
                // classified once
                let mut last: (Vec<u8>, Option<u32>, CellClass) = (Vec::new(), None, CellClass::Blank);
                let n = scan_lines(part, delim, quoted, [i], |n, line, [f], _| {
                    if is_blank(line, delim) {
                        return;
                    }
                    let f = trim(f);
                    if f.is_empty() {
                        t.add(n, CellClass::Blank, String::new);
                        local.push(None);
                        return;
                    }
                    if last.1.is_none() || last.0 != f {
                        last.0.clear();
                        last.0.extend_from_slice(f);
                        last.1 = Some(coder.code(&String::from_utf8_lossy(f)));
                        last.2 = classify_bytes(f);
                    }
                    t.add(n, last.2, || String::from_utf8_lossy(f).into_owned());
                    local.push(last.1);
                });
                ((local, coder.names, t), n)
            },
            |(local, names, mut t), first_row| {
                let map: Vec<u32> = names.into_iter().map(|s| global.code_owned(s)).collect();
                codes.extend(local.iter().map(|c| c.map(|c| map[c as usize])));
                shift_rows(&mut t, first_row);
                tally.merge(t);
            },
            &mut lines,
        )?;
        let info = tally.into_info(name, letter);
        if info.kind != super::table::ColumnKind::Number {
            return Ok((codes, global.names, info));
        }
        // Number column: labels are the numbers, written shortest; merge equal numbers.
        let mut normal = Coder::default();
        let remap: Vec<u32> = global
            .names
            .iter()
            .map(|s| match super::cell::parse_number(s).map(super::table::format_number) {
                Some(label) => normal.code_owned(label),
                None => normal.code(s),
            })
            .collect();
        for c in codes.iter_mut().flatten() {
            *c = remap[*c as usize];
        }
        Ok((codes, normal.names, info))
    }

    /// Column `i` cut into runs of equal consecutive cells ([`super::Runs`]): the run of each
    /// row, each run's label, the column's facts and the file's layout. No hashing: a cell is compared with the
    /// cell that opened the current run (bytes, then value when both are numbers), so 2 million
    /// subgroup ids cost one comparison each and no allocation for labels of up to 24 bytes.
    pub(crate) fn runs_pass(&self, i: usize, name: &str, letter: &str) -> Result<(Runs, ColumnInfo, Layout)> {
        let mut runs = RunAcc::default();
        let layout = self.cell_pass([i], |_| RunPart::default(), |p, n, [f]| p.cell(n, f), |p, row| runs.merge(p, row))?;
        let (runs, info) = runs.finish(name, letter);
        Ok((runs, info, layout))
    }

    /// Column `i` as trimmed texts (`None` for blank cells).
    pub(crate) fn text_pass(&self, i: usize) -> Result<Vec<Option<String>>> {
        let (delim, quoted) = (self.delim, self.quoted);
        let mut out = Vec::new();
        let mut lines = 0u64;
        self.for_parts(
            |part| {
                let mut v = Vec::new();
                let n = scan_lines(part, delim, quoted, [i], |_, line, [f], _| {
                    if !is_blank(line, delim) {
                        let f = trim(f);
                        v.push((!f.is_empty()).then(|| String::from_utf8_lossy(f).into_owned()));
                    }
                });
                (v, n)
            },
            |v, _| out.extend(v),
            &mut lines,
        )?;
        Ok(out)
    }

    /// The file's bytes (mapped once, then shared).
    fn bytes(&self) -> Result<Arc<FileBytes>> {
        if let Some(b) = self.bytes.get() {
            return Ok(b.clone());
        }
        let io_err = |e: std::io::Error| QceError::input(format!("cannot read '{}': {e}", self.shown)).with_file(&self.shown);
        let mut file = std::fs::File::open(&self.path).map_err(io_err)?;
        let regular = file.metadata().map(|m| m.is_file() && m.len() > 0).unwrap_or(false);
        // SAFETY: the map is read-only and private to this process; qce never writes its
        // inputs. Another program truncating the file while it is read would make a read past
        // the new end fault (the module documentation says so), as with every mapped reader.
        let mapped = if regular { unsafe { memmap2::MmapOptions::new().populate().map(&file) }.ok() } else { None };
        let bytes = match mapped {
            Some(m) => FileBytes::Mapped(m),
            None => {
                let mut v = Vec::new();
                file.read_to_end(&mut v).map_err(io_err)?;
                FileBytes::Read(v)
            }
        };
        let bytes = Arc::new(bytes);
        let _ = self.bytes.set(bytes.clone());
        Ok(bytes)
    }

    /// Split the body at line ends into parts processed in parallel by `work` (which returns
    /// its result and its number of lines); `merge` gets the results in file order with the
    /// file row of each part's first line.
    fn for_parts<R: Send>(&self, work: impl Fn(&[u8]) -> (R, u64) + Sync, mut merge: impl FnMut(R, u64), lines: &mut u64) -> Result<()> {
        let bytes = self.bytes()?;
        let body = bytes.get(self.body_start as usize..).unwrap_or(&[]);
        // A few parts per thread, so that a thread that ends early takes another.
        let threads = rayon::current_num_threads().max(1);
        let n = (body.len() / PART_MIN).clamp(1, threads * 8);
        let results: Vec<(R, u64)> = split_parts(body, n).par_iter().map(|p| work(p)).collect();
        let mut row = self.first_row;
        for (r, n) in results {
            merge(r, row);
            row += n;
            *lines += n;
        }
        Ok(())
    }
}

/// Visit every line of a part: `f(line index, line bytes, field `want` (empty when the line
/// is shorter), number of fields)`; `quoted`: the file may hold a double quote. Returns the number of lines. Lines end with `\n` or
/// `\r\n`; a last line without a line end counts. Quoted fields are unquoted (through a
/// per-line slow path, only on lines that hold a quote); a line whose quote stays open gets
/// 0 fields.
fn scan_lines<const N: usize>(part: &[u8], delim: u8, quoted: bool, want: [usize; N], mut f: impl FnMut(u64, &[u8], [&[u8]; N], usize)) -> u64 {
    let mut n = 0u64;
    if quoted && memchr::memchr(b'"', part).is_some() {
        let mut scratch: [Vec<u8>; N] = std::array::from_fn(|_| Vec::new());
        for line in LineIter::new(part) {
            let fields = split_line(line.bytes, delim);
            let count = fields.as_ref().map_or(0, Vec::len);
            for (j, buf) in scratch.iter_mut().enumerate() {
                buf.clear();
                if let Some(v) = fields.as_ref().and_then(|fs| fs.get(want[j])) {
                    buf.extend_from_slice(v.as_bytes());
                }
            }
            f(n, line.bytes, std::array::from_fn(|j| scratch[j].as_slice()), count);
            n += 1;
        }
        return n;
    }
    // Quote-free: one pass over delimiters and line ends.
    let (mut line_start, mut k, mut field_start) = (0usize, 0usize, 0usize);
    let mut field: [(usize, usize); N] = [(0, 0); N];
    let strip_cr = |end: usize, start: usize| if end > start && part[end - 1] == b'\r' { end - 1 } else { end };
    let mark = |field: &mut [(usize, usize); N], k: usize, span: (usize, usize)| {
        for (j, w) in want.iter().enumerate() {
            if *w == k {
                field[j] = span;
            }
        }
    };
    for_hits(part, delim, b'\n', |p| {
        if part[p] == delim {
            mark(&mut field, k, (field_start, p));
            k += 1;
            field_start = p + 1;
        } else {
            let end = strip_cr(p, line_start);
            mark(&mut field, k, (field_start, end.max(field_start)));
            f(n, &part[line_start..end], std::array::from_fn(|j| &part[field[j].0..field[j].1]), k + 1);
            n += 1;
            line_start = p + 1;
            field_start = p + 1;
            k = 0;
            field = [(p + 1, p + 1); N];
        }
    });
    if line_start < part.len() {
        let end = strip_cr(part.len(), line_start);
        mark(&mut field, k, (field_start, end.max(field_start)));
        f(n, &part[line_start..end], std::array::from_fn(|j| &part[field[j].0..field[j].1]), k + 1);
        n += 1;
    }
    n
}

/// Visit the positions of the bytes `a` or `b` in order, found eight bytes at a time (SWAR
/// with exact zero-byte masks: Mycroft's test, as in Hacker's Delight §6-1). In CSV the hits
/// are dense (a delimiter or line end every few bytes), where this beats restarting a SIMD
/// search after each hit; a plain loop over whole words lets the compiler keep the state of
/// the caller's line scan in registers (an iterator measured ≈ 25 % slower).
/// The last bytes (fewer than eight) are loaded into a zero-padded word, so that `visit` has
/// one call site and is inlined into the loop.
#[inline(always)]
fn for_hits(bytes: &[u8], a: u8, b: u8, mut visit: impl FnMut(usize)) {
    let (wa, wb) = (u64::from_le_bytes([a; 8]), u64::from_le_bytes([b; 8]));
    let len = bytes.len();
    let mut base = 0usize;
    while base < len {
        let mut word = [0u8; 8];
        let valid = if base + 8 <= len {
            word.copy_from_slice(&bytes[base..base + 8]);
            u64::MAX
        } else {
            word[..len - base].copy_from_slice(&bytes[base..]);
            (1u64 << (8 * (len - base))) - 1
        };
        let w = u64::from_le_bytes(word);
        let mut mask = (zero_bytes(w ^ wa) | zero_bytes(w ^ wb)) & valid;
        while mask != 0 {
            visit(base + (mask.trailing_zeros() / 8) as usize);
            mask &= mask - 1;
        }
        base += 8;
    }
}

/// One column read as numbers, in one part of the file.
struct NumberPart {
    want_values: bool,
    values: Vec<f64>,
    tally: ColumnTally,
}

impl NumberPart {
    fn new(want_values: bool, capacity: usize) -> Self {
        NumberPart { want_values, values: Vec::with_capacity(if want_values { capacity } else { 0 }), tally: ColumnTally::default() }
    }
    /// The cell of data row `n` (local line index): its value (NaN unless a number) and class.
    #[inline(always)]
    fn cell(&mut self, n: u64, f: &[u8]) {
        // The common cell, a short plain decimal, inline: it has no spaces, so trimming it
        // first (as `classify_bytes` does) would give the same bytes and the same value.
        if let Some(x) = super::decimal::short_decimal(f) {
            if self.want_values {
                self.values.push(x);
            }
            self.tally.numbers += 1;
            return;
        }
        self.other_cell(n, f);
    }
    /// Any other cell: classified in full.
    #[cold]
    #[inline(never)]
    fn other_cell(&mut self, n: u64, f: &[u8]) {
        let class = classify_bytes(f);
        if self.want_values {
            self.values.push(if let CellClass::Number(x) = class { x } else { f64::NAN });
        }
        self.tally.add(n, class, || String::from_utf8_lossy(trim(f)).into_owned());
    }
}

/// A numeric column gathered over the parts, in file order.
#[derive(Default)]
struct NumberAcc {
    parts: Vec<Vec<f64>>,
    tally: ColumnTally,
}

impl NumberAcc {
    fn merge(&mut self, mut part: NumberPart, first_row: u64) {
        self.parts.push(std::mem::take(&mut part.values));
        shift_rows(&mut part.tally, first_row);
        self.tally.merge(part.tally);
    }
}

/// The parts' values end to end, copied in parallel.
fn concat(mut parts: Vec<Vec<f64>>) -> Vec<f64> {
    if parts.len() == 1 {
        return parts.pop().unwrap_or_default();
    }
    let total: usize = parts.iter().map(Vec::len).sum();
    // zeroed memory comes from the system untouched: each page is written once, by the copy
    let mut out = vec![0.0; total];
    let mut slots: Vec<&mut [f64]> = Vec::with_capacity(parts.len());
    let mut rest = out.as_mut_slice();
    for p in &parts {
        let (slot, tail) = rest.split_at_mut(p.len());
        slots.push(slot);
        rest = tail;
    }
    slots.into_par_iter().zip(parts.par_iter()).for_each(|(slot, p)| slot.copy_from_slice(p));
    out
}

/// One column cut into runs of equal consecutive cells, in one part of the file.
#[derive(Default)]
struct RunPart {
    /// Data rows seen.
    rows: usize,
    /// Local data rows of blank cells.
    blanks: Vec<usize>,
    /// Local data row where each run starts (`finish` adds the part's first row).
    starts: Vec<usize>,
    /// Each run's id when the cell that opened it is a whole number written shortest (`7`,
    /// `-31`: its label in a number column and in a text column alike), else [`NOT_INT`].
    ints: Vec<i64>,
    /// Text of the cells that opened the other runs, in order.
    texts: Vec<Label>,
    /// Value of the cell that opened each run; NaN when it is not a number.
    values: Vec<f64>,
    /// Bytes and class of the last cell of the current run.
    last_bytes: Vec<u8>,
    last_class: Option<CellClass>,
    tally: ColumnTally,
}

/// [`RunPart::ints`] of a run whose id is not a whole number written shortest (no such id
/// has 19 digits).
const NOT_INT: i64 = i64::MIN;

/// What decides whether a run goes on into the next part: the opening cell's text (for runs
/// that are not whole numbers) and value.
type RunKey<'a> = (Option<&'a Label>, f64);

impl RunPart {
    /// The cell of data row `n`: the same bytes as the last cell (or the same number) continue
    /// its run; anything else opens a new one. Blank cells belong to no run.
    #[inline(always)]
    fn cell(&mut self, n: u64, f: &[u8]) {
        // The common cell, inline: the same bytes as the cell that opened the current run
        // (stored trimmed and never blank, so an equal `f` needs no trimming and is not blank).
        if let Some(class) = self.last_class {
            if self.same_as_last(f) {
                self.rows += 1;
                match class {
                    CellClass::Number(_) => self.tally.numbers += 1,
                    _ => self.tally.add(n, class, || String::from_utf8_lossy(f).into_owned()),
                }
                return;
            }
            // The next common cell, inline too: a plain decimal after another number opens a
            // new run, as `other_cell` would find (no spaces to trim; a different value).
            if let (CellClass::Number(last), Some(x)) = (class, super::decimal::short_decimal(f))
                && x != last
            {
                self.open_number_run(f, x);
                return;
            }
        }
        self.other_cell(n, f);
    }
    /// A new run opened by the plain decimal `f` (value `x`), counted as a number.
    #[inline(always)]
    fn open_number_run(&mut self, f: &[u8], x: f64) {
        let row = self.rows;
        self.rows += 1;
        self.open_run(row, f, CellClass::Number(x));
        self.set_last(f, CellClass::Number(x));
        self.tally.numbers += 1;
    }
    /// `f` has the bytes of the last cell (compared as one word when short).
    #[inline(always)]
    fn same_as_last(&self, f: &[u8]) -> bool {
        if f.len() != self.last_bytes.len() {
            return false;
        }
        if f.len() <= 8 {
            return super::decimal::load_le(f) == super::decimal::load_le(&self.last_bytes);
        }
        f == self.last_bytes.as_slice()
    }
    /// The (trimmed, not blank) cell `f` of class `class` is now the last cell.
    #[inline(always)]
    fn set_last(&mut self, f: &[u8], class: CellClass) {
        self.last_bytes.clear();
        self.last_bytes.extend_from_slice(f);
        self.last_class = Some(class);
    }
    /// Any other cell: a new run, a blank, spaces around the text.
    #[inline(never)]
    fn other_cell(&mut self, n: u64, f: &[u8]) {
        let row = self.rows;
        self.rows += 1;
        let f = trim(f);
        if f.is_empty() {
            self.tally.add(n, CellClass::Blank, String::new);
            self.blanks.push(row);
            return;
        }
        let class = match self.last_class {
            Some(class) if self.last_bytes == f => class,
            last => {
                let class = classify_bytes(f);
                let same_number = matches!((last, class), (Some(CellClass::Number(a)), CellClass::Number(b)) if a == b);
                if !same_number {
                    self.open_run(row, f, class);
                }
                self.set_last(f, class);
                class
            }
        };
        self.tally.add(n, class, || String::from_utf8_lossy(f).into_owned());
    }
    /// A run opened at local row `row` by the (trimmed) cell `f`.
    fn open_run(&mut self, row: usize, f: &[u8], class: CellClass) {
        self.starts.push(row);
        match class {
            // at most 15 digits: exact in an f64
            CellClass::Number(x) if is_plain_integer(f) => {
                self.ints.push(x as i64);
                self.values.push(x);
            }
            _ => {
                self.ints.push(NOT_INT);
                self.texts.push(label_of_bytes(f));
                self.values.push(if let CellClass::Number(x) = class { x } else { f64::NAN });
            }
        }
    }
    /// The key of run `i` (the first or the last one).
    fn key<'a>(&'a self, i: usize, text: Option<&'a Label>) -> RunKey<'a> {
        (if self.ints[i] == NOT_INT { text } else { None }, self.values[i])
    }
    fn first_run(&self) -> Option<RunKey<'_>> {
        (!self.starts.is_empty()).then(|| self.key(0, self.texts.first()))
    }
    fn last_run(&self) -> Option<RunKey<'_>> {
        self.starts.len().checked_sub(1).map(|i| self.key(i, self.texts.last()))
    }
}

/// A label from a cell's bytes (valid UTF-8 is checked first, the fast way).
fn label_of_bytes(f: &[u8]) -> Label {
    match std::str::from_utf8(f) {
        Ok(t) => Label::from(t),
        Err(_) => Label::from(&*String::from_utf8_lossy(f)),
    }
}

/// Runs gathered over the parts (joined at the end, when every size is known): a run may go
/// on across the boundary of two parts.
#[derive(Default)]
struct RunAcc {
    parts: Vec<RunPart>,
    tally: ColumnTally,
}

/// One part's share of [`RunAcc::finish`]: the part, whether it skips its first run, its
/// first data row, and its slots in the joined starts and ids (or labels).
type RunJob<'a, T> = (RunPart, usize, usize, &'a mut [usize], &'a mut [T]);

impl RunAcc {
    fn merge(&mut self, mut part: RunPart, first_row: u64) {
        let mut tally = std::mem::take(&mut part.tally);
        shift_rows(&mut tally, first_row);
        self.tally.merge(tally);
        self.parts.push(part);
    }
    /// The runs (labels: numbers written shortest in a number column) and the column's facts.
    /// Ids that are all whole numbers are kept as numbers ([`Labels::Integers`]).
    fn finish(self, name: &str, letter: &str) -> (Runs, ColumnInfo) {
        let info = self.tally.into_info(name, letter);
        let numbers = info.kind == super::table::ColumnKind::Number;
        let mut out = Runs { name: name.to_string(), ..Runs::default() };
        // A part whose first run continues the last run before it skips that run.
        let n = self.parts.len();
        let (mut skips, mut bases) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut last: Option<RunKey> = None;
        for p in &self.parts {
            skips.push(usize::from(matches!((last, p.first_run()), (Some(a), Some(b)) if continues(a, b))));
            last = p.last_run().or(last);
            bases.push(out.height);
            out.blanks.extend(p.blanks.iter().map(|r| r + out.height));
            out.height += p.rows;
        }
        let total: usize = self.parts.iter().zip(&skips).map(|(p, s)| p.starts.len() - s).sum();
        let mut starts = vec![0usize; total];
        out.labels = if self.parts.iter().all(|p| p.texts.is_empty()) {
            let mut ids = vec![0i64; total];
            run_jobs(self.parts, skips, bases, &mut starts, &mut ids, |p, skip, slots| slots.copy_from_slice(&p.ints[skip..]));
            Labels::Integers(ids)
        } else {
            let mut labels = vec![Label::default(); total];
            run_jobs(self.parts, skips, bases, &mut starts, &mut labels, |p, skip, slots| part_labels(p, skip, numbers, slots));
            Labels::Listed(labels)
        };
        out.starts = starts;
        (out, info)
    }
}

/// Give each part its slots in the joined `starts` and `ids` and run `fill(part, skip, id
/// slots)` on the parts in parallel (the starts are filled here).
fn run_jobs<T: Send>(parts: Vec<RunPart>, skips: Vec<usize>, bases: Vec<usize>, starts: &mut [usize], ids: &mut [T], fill: impl Fn(RunPart, usize, &mut [T]) + Sync) {
    let mut jobs: Vec<RunJob<T>> = Vec::with_capacity(parts.len());
    let (mut starts_rest, mut ids_rest) = (starts, ids);
    for ((p, skip), base) in parts.into_iter().zip(skips).zip(bases) {
        let k = p.starts.len() - skip;
        let (s, s_tail) = starts_rest.split_at_mut(k);
        let (l, l_tail) = ids_rest.split_at_mut(k);
        (starts_rest, ids_rest) = (s_tail, l_tail);
        jobs.push((p, skip, base, s, l));
    }
    jobs.into_par_iter().for_each(|(p, skip, base, s, l)| {
        for (slot, &r) in s.iter_mut().zip(&p.starts[skip..]) {
            *slot = r + base;
        }
        fill(p, skip, l);
    });
}

/// The labels of a part's runs from the `skip`-th on, into `slots`.
fn part_labels(p: RunPart, skip: usize, numbers: bool, slots: &mut [Label]) {
    let mut texts = p.texts.into_iter();
    if skip == 1 && p.ints[0] == NOT_INT {
        texts.next();
    }
    for ((slot, &id), &x) in slots.iter_mut().zip(&p.ints[skip..]).zip(&p.values[skip..]) {
        *slot = match (id == NOT_INT).then(|| texts.next()).flatten() {
            Some(text) => run_label(text, x, numbers),
            None => Label::integer(id),
        };
    }
}

/// The first run of a part (`next`) is the same subgroup id as the last run before it
/// (`last`): the same number, or the same text.
fn continues(last: RunKey, next: RunKey) -> bool {
    last.1 == next.1 || matches!((last.0, next.0), (Some(a), Some(b)) if a == b)
}

/// The label of a run opened by a cell that is not a whole number written shortest: the
/// number written shortest in a number column (`numbers`), else the text; `x` is its value
/// (NaN when not a number).
fn run_label(text: Label, x: f64, numbers: bool) -> Label {
    if numbers && !x.is_nan() && !is_plain_integer(text.as_str().as_bytes()) {
        super::table::number_label(x)
    } else {
        text
    }
}

/// What [`LazyCsv::numeric_runs_pass`] returns: (values, facts) of the value column, (runs,
/// facts) of the run column, and the file's layout.
pub(crate) struct NumericRuns {
    pub(crate) values: (Vec<f64>, ColumnInfo),
    pub(crate) runs: (Runs, ColumnInfo),
    pub(crate) layout: Layout,
}

/// Text that is already its number written shortest (`number_label`): an integer of at most
/// 15 digits, no leading zero, no `+`, not `-0`.
fn is_plain_integer(t: &[u8]) -> bool {
    let digits = t.strip_prefix(b"-").unwrap_or(t);
    let canonical = match digits {
        [b'0'] => t.len() == 1,
        [first, ..] => *first != b'0',
        [] => false,
    };
    canonical && digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit)
}

/// Split bytes into about `n` parts, each ending at a line end.
fn split_parts(bytes: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    let size = bytes.len().div_ceil(n.max(1));
    let mut start = 0;
    while start < bytes.len() {
        let target = (start + size).min(bytes.len());
        let end = if target >= bytes.len() { bytes.len() } else { memchr::memchr(b'\n', &bytes[target..]).map_or(bytes.len(), |p| target + p + 1) };
        parts.push(&bytes[start..end]);
        start = end;
    }
    parts
}

/// Add a part's first file row to its local row indices.
fn shift_rows(t: &mut ColumnTally, first_row: u64) {
    for r in &mut t.blank_rows {
        *r += first_row;
    }
    for (r, _, _) in &mut t.odd {
        *r += first_row;
    }
}

/// One line: its bytes without the line end, and its length with it.
struct Line<'a> {
    bytes: &'a [u8],
    raw_len: usize,
}

/// Lines of a byte slice (`\n` or `\r\n`); a last line without a line end is included.
struct LineIter<'a> {
    rest: &'a [u8],
}

impl<'a> LineIter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineIter { rest: bytes }
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = Line<'a>;
    fn next(&mut self) -> Option<Line<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, raw_len) = match memchr::memchr(b'\n', self.rest) {
            Some(p) => (&self.rest[..p], p + 1),
            None => (self.rest, self.rest.len()),
        };
        self.rest = &self.rest[raw_len..];
        let bytes = line.strip_suffix(b"\r").unwrap_or(line);
        Some(Line { bytes, raw_len })
    }
}

/// A line with nothing but spaces and delimiters.
#[inline(always)]
fn is_blank(line: &[u8], delim: u8) -> bool {
    line.iter().all(|&b| b == b' ' || b == b'\t' || b == b'\r' || b == delim)
}

/// ASCII spaces trimmed.
fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

/// A cell's class from its bytes: a plain number is parsed without any allocation.
fn classify_bytes(f: &[u8]) -> CellClass {
    let t = trim(f);
    if t.is_empty() {
        return CellClass::Blank;
    }
    if let Some(v) = super::decimal::short_decimal(t) {
        return CellClass::Number(v);
    }
    if let Ok(v) = fast_float2::parse::<f64, _>(t) {
        if v.is_finite() {
            return CellClass::Number(v);
        }
    }
    classify(&String::from_utf8_lossy(t))
}

/// Field `i` of a line (empty when the line is shorter). Quoted fields are unquoted into
/// `scratch`.
#[cfg(test)]
fn field<'a>(line: &'a [u8], delim: u8, i: usize, scratch: &'a mut Vec<u8>) -> &'a [u8] {
    if memchr::memchr(b'"', line).is_none() {
        let mut start = 0usize;
        let mut k = 0usize;
        for p in memchr::memchr_iter(delim, line) {
            if k == i {
                return &line[start..p];
            }
            k += 1;
            start = p + 1;
        }
        return if k == i { &line[start..] } else { &[] };
    }
    match split_line(line, delim) {
        Some(fields) => {
            scratch.clear();
            if let Some(f) = fields.get(i) {
                scratch.extend_from_slice(f.as_bytes());
            }
            scratch
        }
        None => &[],
    }
}

enum FieldCount {
    Fine,
    Extra(usize),
    OpenQuote,
}

/// Whether a line has more non-empty fields than `width` (trailing empty fields are fine).
fn count_fields(line: &[u8], delim: u8, width: usize) -> FieldCount {
    if memchr::memchr(b'"', line).is_none() {
        let n = memchr::memchr_iter(delim, line).count() + 1;
        if n <= width {
            return FieldCount::Fine;
        }
        let last_filled = line.split(|&b| b == delim).enumerate().filter(|(_, f)| !trim(f).is_empty()).last().map_or(0, |(p, _)| p + 1);
        return if last_filled > width { FieldCount::Extra(last_filled) } else { FieldCount::Fine };
    }
    match split_line(line, delim) {
        None => FieldCount::OpenQuote,
        Some(fields) => {
            let last_filled = fields.iter().rposition(|f| !f.trim().is_empty()).map_or(0, |p| p + 1);
            if last_filled > width { FieldCount::Extra(last_filled) } else { FieldCount::Fine }
        }
    }
}

/// Split one line into fields, honouring double quotes (RFC 4180: `""` inside quotes is a
/// quote). `None` when a quote is left open (the field continues on the next line).
pub(crate) fn split_line(line: &[u8], delim: u8) -> Option<Vec<Cow<'_, str>>> {
    let text = String::from_utf8_lossy(line);
    let (records, open_quote) = super::delimited::split_quoted(&text, delim, false);
    if open_quote {
        return None;
    }
    // An empty line is one empty field.
    let fields = records.into_iter().next().unwrap_or_else(|| vec![String::new()]);
    Some(fields.into_iter().map(Cow::Owned).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_labels_are_numbers_written_shortest() {
        for (text, want) in [("12", "12"), ("007", "7"), ("-0", "0"), ("0", "0"), ("+5", "5"), ("-31", "-31"), ("2.50", "2.5"), ("1e3", "1000"), ("1234567890123456", "1234567890123456")] {
            let x: f64 = text.parse().expect("a number");
            assert_eq!(run_label(label_of_bytes(text.as_bytes()), x, true), want, "{text}");
            assert_eq!(is_plain_integer(text.as_bytes()), text == want && text.len() <= 15, "{text}");
        }
        assert_eq!(run_label(label_of_bytes(b"007"), 7.0, false), "007");
    }

    #[test]
    fn fields_of_lines() {
        let mut s = Vec::new();
        assert_eq!(field(b"1,2.5,x", b',', 1, &mut s), b"2.5");
        assert_eq!(field(b"1,2.5,x", b',', 2, &mut s), b"x");
        assert_eq!(field(b"1,2.5", b',', 2, &mut s), b"");
        assert_eq!(field(b"\"a,b\",\"1,234.5\"", b',', 1, &mut s), b"1,234.5");
        assert!(split_line(b"\"open,1", b',').is_none());
        assert!(matches!(count_fields(b"1,2,3", b',', 2), FieldCount::Extra(3)));
        assert!(matches!(count_fields(b"1,2,,", b',', 2), FieldCount::Fine));
        assert!(is_blank(b" ,, ", b','));
    }

    #[test]
    fn swar_hits_match_a_plain_scan() {
        let text = b"sample,diameter\n1,74.01\r\n22,,x\n\n,\n333,74.0301,\xe7\x9b\xb4\xe5\xbe\x84,9";
        for len in 0..text.len() {
            let t = &text[..len];
            let want: Vec<usize> = t.iter().enumerate().filter(|&(_, &c)| c == b',' || c == b'\n').map(|(i, _)| i).collect();
            let mut got = Vec::new();
            for_hits(t, b',', b'\n', |p| got.push(p));
            assert_eq!(got, want, "prefix {len}");
        }
        assert_eq!(zero_bytes(0x0100_ff00_0080_0001), 0x0080_0080_8000_8000);
    }

    #[test]
    fn scanner_gives_fields_and_counts() {
        let mut seen = Vec::new();
        let n = scan_lines(b"a,b\r\n1,2\n,\n3", b',', true, [1], |n, line, [f], k| seen.push((n, line.to_vec(), f.to_vec(), k)));
        assert_eq!(n, 4);
        assert_eq!(seen[0], (0, b"a,b".to_vec(), b"b".to_vec(), 2));
        assert_eq!(seen[1], (1, b"1,2".to_vec(), b"2".to_vec(), 2));
        assert_eq!(seen[2], (2, b",".to_vec(), b"".to_vec(), 2));
        assert_eq!(seen[3], (3, b"3".to_vec(), b"".to_vec(), 1));
    }

    fn table(text: &str) -> (Table, tempfile::NamedTempFile) {
        use std::io::Write;
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().expect("temp");
        f.write_all(text.as_bytes()).expect("write");
        let t = super::super::load(f.path(), &LoadOptions::default()).expect("load");
        (t, f)
    }

    /// A file of several parts: runs of every length (long ones across the part boundaries),
    /// ids written several ways, blank and spaced cells, blank lines, text among the values.
    /// Ids: `Mixed` numbers written several ways, `Text`, or `Whole` numbers only (kept as
    /// numbers, [`Labels::Integers`]).
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Ids {
        Mixed,
        Text,
        Whole,
    }

    fn many_part_file(ids: Ids) -> String {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        let mut out = String::from("批次,直径\n");
        let mut id = 1u64;
        while out.len() < 3 * PART_MIN + 12_345 {
            // every 20th run is ≈ 28 kB long: most part boundaries fall inside a run
            let len = if id % 20 == 0 { 2000 } else { 1 + next(9) as usize };
            for _ in 0..len {
                let key = match (ids, next(40)) {
                    (Ids::Text, _) => format!("B-{id}"),
                    (Ids::Whole, 0) => String::new(),
                    (Ids::Whole, _) if id % 3 == 0 => format!("-{id}"),
                    (Ids::Whole, _) => id.to_string(),
                    (Ids::Mixed, 0) => format!("{id}.0"),
                    (Ids::Mixed, 1) => format!(" {id}"),
                    (Ids::Mixed, 2) => format!("00{id}"),
                    (Ids::Mixed, 3) => String::new(),
                    _ => id.to_string(),
                };
                let value = match next(200) {
                    0 => "#N/A".to_string(),
                    1 => String::new(),
                    2 => "7.5e-1".to_string(),
                    3 => " 74.01 ".to_string(),
                    _ => format!("{}.{:04}", 73 + next(2), next(10_000)),
                };
                out.push_str(&format!("{key},{value}\n"));
                if next(500) == 0 {
                    out.push_str(",\n");
                }
            }
            id += 1 + next(2);
        }
        out
    }

    /// The one-pass reader of values and runs gives what the general reader gives.
    #[test]
    fn one_pass_values_and_runs_match_the_general_reader_over_many_parts() {
        use std::io::Write;
        for ids in [Ids::Mixed, Ids::Text, Ids::Whole] {
            let text = many_part_file(ids);
            let mut f = tempfile::Builder::new().suffix(".csv").tempfile().expect("temp");
            f.write_all(text.as_bytes()).expect("write");
            let opts = LoadOptions::default();
            let lazy = super::super::load(f.path(), &opts).expect("load");
            assert!(lazy.is_lazy(), "the fast path reads it");
            let general = super::super::delimited::load_general(f.path(), "t.csv", &opts).expect("general");
            assert!(!general.is_lazy());
            let (lv, lr) = lazy.numeric_with_runs("直径", "批次").expect("lazy");
            let (gv, gr) = general.numeric_with_runs("直径", "批次").expect("general");
            assert_eq!(lr.height, gr.height);
            assert_eq!(lr.starts, gr.starts, "{ids:?}");
            assert_eq!(matches!(lr.labels, Labels::Integers(_)), ids == Ids::Whole);
            assert_eq!(lr.labels, gr.labels);
            assert_eq!(lr.blanks, gr.blanks);
            assert!(lr.starts.len() > 300);
            assert_eq!(lv.values.len(), gv.values.len());
            assert!(lv.values.iter().zip(&gv.values).all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())));
            let cells = |c: &super::super::NumericColumn| c.notes.iter().map(|n| (n.cell.clone(), n.text.clone())).collect::<Vec<_>>();
            assert_eq!(cells(&lv), cells(&gv));
            assert_eq!(lazy.height(), general.height());
        }
    }

    #[test]
    fn lazy_keys_normalise_numbers_not_text() {
        let (t, _f) = table("g,id,x\n1.0,007,1\n1,007,2\n\n2,7,3\n");
        let k = t.keys("g").expect("keys");
        assert_eq!(k.names, vec!["1", "2"]);
        assert_eq!(k.codes, vec![Some(0), Some(0), Some(1)]);
        assert_eq!(t.file_row(2), 5);
        let (t, _f) = table("id,x\n007,1\nA7,2\n7,3\nB,4\n");
        let k = t.keys("id").expect("keys");
        assert_eq!(k.names, vec!["007", "A7", "7", "B"]);
    }

    #[test]
    fn lazy_numeric_with_blank_rows_and_notes() {
        let (t, _f) = table("x,y\n1,a\n\n,b\n#N/A,c\n4,d\n");
        assert_eq!(t.height(), 4);
        let c = t.numeric("x").expect("numeric");
        assert_eq!(c.values.len(), 4);
        assert!(c.values[1].is_nan() && c.values[2].is_nan());
        let cells: Vec<&str> = c.notes.iter().map(|n| n.cell.as_str()).collect();
        assert_eq!(cells, vec!["A4", "A5"]);
        assert_eq!(t.file_row(3), 6);
        assert!(t.numeric("y").is_err());
    }

    #[test]
    fn dates_in_every_form() {
        let (t, _f) = table("日期,x\n2024-03-01,1\n2024/3/2,2\n2024年3月3日,3\n45355,4\n2024-03-05 08:30,5\n,6\n");
        assert_eq!(t.column(0).expect("info").kind, super::super::ColumnKind::Date);
        let d: Vec<Option<String>> = t.dates("日期").expect("dates").iter().map(|d| d.map(|d| super::super::format_datetime(&d))).collect();
        let want = ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05 08:30:00"];
        for (k, w) in want.iter().enumerate() {
            assert_eq!(d[k].as_deref(), Some(*w));
        }
        assert_eq!(d[5], None);
        let (t, _f) = table("日期,x\n2024-03-01,1\nsoon,2\n2024-03-03,3\n");
        let e = t.dates("日期").expect_err("text is not a date");
        assert_eq!(e.cell.as_deref(), Some("A3"));
    }

    #[test]
    fn parts_end_at_line_ends() {
        let text = b"1\n22\n333\n4444\n55555\n";
        let parts = split_parts(text, 3);
        assert_eq!(parts.concat(), text.to_vec());
        assert!(parts.iter().all(|p| p.ends_with(b"\n")));
    }

    #[test]
    fn lines_strip_crlf() {
        let v: Vec<&[u8]> = LineIter::new(b"a\r\nb\nc").map(|l| l.bytes).collect();
        assert_eq!(v, vec![&b"a"[..], b"b", b"c"]);
    }
}

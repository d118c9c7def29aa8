//! `qce inspect FILE`: what is in a file.
//!
//! JSON document (`--json`):
//! - `file`: the path as given; `format`: `csv`, `xlsx`, `xls`, `ods` or `parquet`;
//! - `sheet`: the sheet read (null for text and parquet files); `sheets`: every sheet of the
//!   workbook (empty list otherwise);
//! - `header_row`: 1-based row of the header as seen in the file (found below title rows, or
//!   `--header-row`); `encoding` (`UTF-8`, `UTF-8 (BOM)`, `GB18030`) and `delimiter` (`,`,
//!   `\t`, `;`) for delimited text, else null;
//! - `rows`: data rows (fully blank rows not counted);
//! - `columns`: one object per column, in sheet order: `name` (header text), `letter`
//!   (spreadsheet column), `kind` (`number`, `text`, `date`, `empty`), `count` (usable
//!   values), `blank` (blank cells), `errors` (Excel error cells such as `#DIV/0!`), `bad`
//!   (cells whose text does not fit the kind, e.g. `abc` in a number column),
//!   `first_problem_cells` (up to 5 `{cell, text, problem}` in row order, problem = `blank`,
//!   `error_cell` or `bad_text`), `first_blank_cells`, `first_error_cells`, `first_bad_cells`
//!   (up to 5 addresses each);
//! - `skipped_rows`: rows below the header not read as data, `{row, cell, text, reason}` with
//!   reason `summary` (合计, 平均值, Total...) or `note` (备注：..., a line of text below the table).

use super::common::InputArgs;
use super::{Ctx, Output};
use crate::error::Result;
use crate::i18n::Lang;
use crate::ingest::{CellNote, CellProblem, ColumnInfo, ColumnKind, Table};
use crate::render::TextTable;
use clap::Args;
use serde_json::json;

/// How many problem cells are listed per column.
const FIRST: usize = 5;

/// Arguments of `qce inspect`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  qce inspect 曲轴磨削记录.xlsx\n  qce inspect data.csv --json\n  qce inspect book.xlsx --sheet 2 --header-row 3")]
pub struct InspectArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Run `qce inspect`.
pub fn run(args: &InspectArgs, ctx: &Ctx) -> Result<Output> {
    let table = args.input.load()?;
    let columns = table.columns()?;
    let json = json!({
        "file": table.source.file,
        "format": table.source.format,
        "sheet": table.source.sheet,
        "sheets": table.source.sheets,
        "header_row": table.source.header_row,
        "encoding": table.source.encoding,
        "delimiter": table.source.delimiter.map(|d| d.to_string()),
        "rows": table.height(),
        "columns": columns.iter().map(column_json).collect::<Vec<_>>(),
        "skipped_rows": table.skipped_rows(),
    });
    let text = render(&table, &columns, ctx.lang);
    Ok(Output::new(json, text, vec![]))
}

/// Problem cells of a column (blanks, error cells, bad text) in row order.
fn problems(c: &ColumnInfo) -> Vec<CellNote> {
    let mut all: Vec<CellNote> = c
        .blank_cells
        .iter()
        .take(FIRST)
        .map(|cell| CellNote { cell: cell.clone(), row: cell.trim_start_matches(|ch: char| ch.is_ascii_alphabetic()).parse().unwrap_or(0), text: String::new(), problem: CellProblem::Blank })
        .chain(c.notes.iter().take(2 * FIRST).cloned())
        .collect();
    all.sort_by_key(|n| n.row);
    all.truncate(FIRST);
    all
}

fn first_of(c: &ColumnInfo, p: CellProblem) -> Vec<String> {
    c.notes.iter().filter(|n| n.problem == p).take(FIRST).map(|n| n.cell.clone()).collect()
}

fn column_json(c: &ColumnInfo) -> serde_json::Value {
    json!({
        "name": c.name,
        "letter": c.letter,
        "kind": c.kind,
        "count": c.count,
        "blank": c.blank,
        "errors": c.errors,
        "bad": c.bad,
        "first_problem_cells": problems(c),
        "first_blank_cells": c.blank_cells.iter().take(FIRST).collect::<Vec<_>>(),
        "first_error_cells": first_of(c, CellProblem::ErrorCell),
        "first_bad_cells": first_of(c, CellProblem::BadText),
    })
}

fn kind_text(k: ColumnKind, lang: Lang) -> &'static str {
    match k {
        ColumnKind::Number => lang.t("数值", "number"),
        ColumnKind::Text => lang.t("文本", "text"),
        ColumnKind::Date => lang.t("日期", "date"),
        ColumnKind::Empty => lang.t("空", "empty"),
    }
}

fn render(table: &Table, columns: &[ColumnInfo], lang: Lang) -> String {
    let s = &table.source;
    let mut out = String::new();
    out.push_str(&format!("{}{}\n", lang.t("文件：", "File: "), s.file));
    if !s.sheets.is_empty() {
        let list: Vec<String> = s.sheets.iter().enumerate().map(|(i, n)| format!("{} {n}", i + 1)).collect();
        out.push_str(&format!("{}{}\n", lang.t("工作表：", "Sheets: "), list.join(", ")));
        if let Some(sheet) = &s.sheet {
            out.push_str(&format!("{}{sheet}\n", lang.t("读取的工作表：", "Sheet read: ")));
        }
    }
    if let Some(enc) = &s.encoding {
        let d = s.delimiter.map(|d| if d == '\t' { "tab".to_string() } else { d.to_string() }).unwrap_or_default();
        out.push_str(&format!("{}{enc}; {}{d}\n", lang.t("编码：", "Encoding: "), lang.t("分隔符：", "delimiter: ")));
    }
    out.push_str(&format!("{}{}; {}{}\n\n", lang.t("表头行：", "Header row: "), s.header_row, lang.t("数据行数：", "data rows: "), table.height()));
    let header = match lang {
        Lang::Zh => ["列", "名称", "类型", "有效值", "空白", "错误值", "非法文本", "问题单元格（前几个）"],
        Lang::En => ["Col", "Name", "Type", "Count", "Blank", "Errors", "Bad", "First problem cells"],
    };
    let mut t = TextTable::new(header).align_right(3).align_right(4).align_right(5).align_right(6);
    for c in columns {
        let cells: Vec<String> = problems(c).iter().map(|n| if n.text.is_empty() { n.cell.clone() } else { format!("{} '{}'", n.cell, n.text) }).collect();
        t.row([c.letter.clone(), c.name.clone(), kind_text(c.kind, lang).to_string(), c.count.to_string(), c.blank.to_string(), c.errors.to_string(), c.bad.to_string(), cells.join(", ")]);
    }
    out.push_str(&t.render());
    out
}

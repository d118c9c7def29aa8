//! Writes the small, realistic input files under `fixtures/` (see fixtures/README.md).
//!
//! Run: `cargo run --example gen_fixtures` (writes into the crate's fixtures/ folder; the
//! files are committed, so tests never need to run this). Every value is deterministic.

use polars::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Formula, Workbook};
use std::io::Write;
use std::path::{Path, PathBuf};

type Res = std::result::Result<(), Box<dyn std::error::Error>>;

/// Crankshaft journal diameters (mm) of the messy workbook, as the sheet shows them:
/// `Num` a number cell, `Text` a number typed as text, `Blank`, `Err` an Excel error cell.
enum Cell {
    Num(f64),
    Text(&'static str),
    Blank,
    Err(&'static str, &'static str),
}

/// The messy workbook's rows: (day of March 2024, diameter cell, stage). `None` = a fully
/// blank row left between the stages.
fn messy_rows() -> Vec<Option<(u32, Cell, &'static str)>> {
    use Cell::*;
    vec![
        Some((1, Num(10.012), "改进前")),
        Some((1, Text("10.031"), "改进前")),
        Some((2, Text("１０．００５"), "改进前")),
        Some((2, Num(9.987), "改进前")),
        Some((3, Blank, "改进前")),
        Some((3, Text(" 10.020 "), "改进前")),
        Some((4, Err("=1/0", "#DIV/0!"), "改进前")),
        Some((4, Num(10.044), "改进前")),
        None,
        Some((11, Num(10.002), "改进后")),
        Some((11, Text("9.998"), "改进后")),
        Some((12, Err("=NA()", "#N/A"), "改进后")),
        Some((12, Num(10.006), "改进后")),
        Some((13, Text("－0.5"), "改进后")), // a full-width negative: a number, if an odd one
        Some((13, Num(10.001), "改进后")),
    ]
}

/// The usable diameters of the messy workbook, in row order (what a clean export holds).
fn messy_values() -> Vec<(f64, &'static str)> {
    messy_rows()
        .into_iter()
        .flatten()
        .filter_map(|(_, cell, stage)| match cell {
            Cell::Num(x) => Some((x, stage)),
            Cell::Text(t) => qce::ingest::parse_number(t).map(|x| (x, stage)),
            _ => None,
        })
        .collect()
}

fn messy_xlsx(dir: &Path) -> Res {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("磨削记录")?;
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    ws.merge_range(0, 0, 0, 4, "XX公司 曲轴磨削尺寸记录表", &title)?;
    // row 2 (index 1) blank; header in row 3
    for (c, h) in ["序号", "日期", "直径(mm)", "阶段", "操作者"].iter().enumerate() {
        ws.write_string(2, c as u16, *h)?;
    }
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let mut row = 3u32;
    let mut n = 0;
    for r in messy_rows() {
        let Some((day, cell, stage)) = r else {
            row += 1; // fully blank row
            continue;
        };
        n += 1;
        ws.write_number(row, 0, n as f64)?;
        ws.write_datetime_with_format(row, 1, &ExcelDateTime::from_ymd(2024, 3, day as u8)?, &date_fmt)?;
        match cell {
            Cell::Num(x) => {
                ws.write_number(row, 2, x)?;
            }
            Cell::Text(t) => {
                ws.write_string(row, 2, t)?;
            }
            Cell::Blank => {}
            Cell::Err(f, result) => {
                ws.write_formula(row, 2, Formula::new(f).set_result(result))?;
            }
        }
        ws.write_string(row, 3, stage)?;
        ws.write_string(row, 4, if n % 2 == 0 { "张工" } else { "李工" })?;
        row += 1;
    }
    wb.save(dir.join("crankshaft_messy.xlsx"))?;
    Ok(())
}

fn clean_csv(dir: &Path) -> Res {
    let mut f = std::fs::File::create(dir.join("crankshaft_clean.csv"))?;
    writeln!(f, "直径(mm),阶段")?;
    for (x, stage) in messy_values() {
        writeln!(f, "{x},{stage}")?;
    }
    Ok(())
}

/// A workbook whose first sheet is a cover page (text only, no table), then one sheet per stage.
fn stages_xlsx(dir: &Path) -> Res {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("封面")?;
    let before = [74.030, 74.002, 74.019, 73.992, 74.008, 73.995, 73.992, 74.001, 74.011, 74.004];
    let after = [74.001, 74.003, 73.998, 74.000, 74.002, 73.999, 74.001, 74.000, 73.997, 74.002];
    for (name, vals) in [("改进前", &before), ("改进后", &after)] {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        ws.write_string(0, 0, "样本号")?;
        ws.write_string(0, 1, "直径")?;
        for (i, x) in vals.iter().enumerate() {
            ws.write_number(i as u32 + 1, 0, (i / 5 + 1) as f64)?;
            ws.write_number(i as u32 + 1, 1, *x)?;
        }
    }
    wb.save(dir.join("two_stages.xlsx"))?;
    Ok(())
}

/// Wide layout: one subgroup of five per row, the table placed at C4 (used range offset)
/// under a title; one text cell at F9 ('缺测') to check real addresses.
fn wide_xlsx(dir: &Path) -> Res {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("子组")?;
    ws.write_string(1, 2, "活塞环直径 子组数据（每行一个子组）")?;
    let head = ["批次", "x1", "x2", "x3", "x4", "x5"];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(3, 2 + c as u16, *h)?;
    }
    let data = [
        [74.030, 74.002, 74.019, 73.992, 74.008],
        [73.995, 73.992, 74.001, 74.011, 74.004],
        [73.988, 74.024, 74.021, 74.005, 74.002],
        [74.002, 73.996, 73.993, 74.015, 74.009],
        [73.992, 74.007, 74.015, 73.989, 74.014],
        [74.009, 73.994, 73.997, 73.985, 73.993],
    ];
    for (r, row) in data.iter().enumerate() {
        let rr = 4 + r as u32;
        ws.write_string(rr, 2, format!("B{:02}", r + 1))?;
        for (c, x) in row.iter().enumerate() {
            ws.write_number(rr, 3 + c as u16, *x)?;
        }
    }
    wb.save(dir.join("wide_subgroups.xlsx"))?;
    // the same table with one text cell, F9 (row index 8, column index 5)
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("子组")?;
    for (c, h) in head.iter().enumerate() {
        ws.write_string(3, 2 + c as u16, *h)?;
    }
    for (r, row) in data.iter().enumerate() {
        let rr = 4 + r as u32;
        ws.write_string(rr, 2, format!("B{:02}", r + 1))?;
        for (c, x) in row.iter().enumerate() {
            if rr == 8 && c == 2 {
                ws.write_string(rr, 3 + c as u16, "缺测")?;
            } else {
                ws.write_number(rr, 3 + c as u16, *x)?;
            }
        }
    }
    wb.save(dir.join("wide_text_cell.xlsx"))?;
    Ok(())
}

fn text_files(dir: &Path) -> Res {
    // GBK, as Excel on Chinese Windows saves "CSV"
    let text = "样本号,直径,阶段\r\n1,10.012,改进前\r\n1,10.031,改进前\r\n2,10.005,改进前\r\n2,9.987,改进前\r\n3,10.002,改进后\r\n3,9.998,改进后\r\n4,10.006,改进后\r\n4,10.001,改进后\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    std::fs::write(dir.join("gbk.csv"), &gbk)?;
    // UTF-8 with BOM, title block, blank rows, full-width digits, separators, %, error text
    let messy = "\u{feff}XX公司 曲轴磨削尺寸记录表,,,\n,,,\n序号,直径,合格率,备注\n1,10.012,98.5%,\n2,\"1,010.5\",97%,返修\n3,１０．００５,99.1%,\n,,,\n4,#N/A,96%,量具故障\n5, 9.987 ,100%,\n6,,95.5%,漏测\n";
    std::fs::write(dir.join("title_block.csv"), messy)?;
    std::fs::write(dir.join("tab_separated.tsv"), "样本\t直径\n1\t10.01\n1\t10.02\n2\t9.99\n2\t10.00\n")?;
    std::fs::write(dir.join("semicolon.csv"), "sample;diameter\n1;10.01\n1;10.02\n2;9.99\n2;10.00\n")?;
    std::fs::write(dir.join("quoted_newline.csv"), "id,comment,value\n1,\"first line\nsecond line\",10.5\n2,plain,11.5\n3,\"say \"\"hi\"\"\",12.5\n")?;
    // bad input
    std::fs::write(dir.join("ragged.csv"), "id,value\n1,10.1\n2,10.2,extra\n3,10.3\n")?;
    std::fs::write(dir.join("header_only.csv"), "id,value\n")?;
    std::fs::write(dir.join("empty.csv"), "")?;
    std::fs::write(dir.join("all_missing.csv"), "id,value,note\n1,,a\n2,#N/A,b\n3,,c\n")?;
    let noise: Vec<u8> = (0u32..2048).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(dir.join("not_a_workbook.xlsx"), noise)?;
    Ok(())
}

fn parquet(dir: &Path) -> Res {
    let mut df = df!(
        "sample" => &[1i64, 1, 1, 2, 2, 2, 3, 3, 3],
        "diameter" => &[Some(74.030), Some(74.002), Some(74.019), Some(73.992), None, Some(74.008), Some(73.995), Some(73.992), Some(74.001)],
        "stage" => &["before", "before", "before", "before", "before", "after", "after", "after", "after"],
    )?;
    let f = std::fs::File::create(dir.join("measurements.parquet"))?;
    ParquetWriter::new(f).finish(&mut df)?;
    Ok(())
}

/// An OpenDocument spreadsheet written by hand (a stored zip with content.xml): header row,
/// numbers, a date cell, a text number.
fn ods(dir: &Path) -> Res {
    use ::zip::write::SimpleFileOptions;
    let file = std::fs::File::create(dir.join("simple.ods"))?;
    let mut z = ::zip::ZipWriter::new(file);
    let stored = SimpleFileOptions::default().compression_method(::zip::CompressionMethod::Stored);
    z.start_file("mimetype", stored)?;
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")?;
    z.start_file("META-INF/manifest.xml", stored)?;
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#)?;
    z.start_file("content.xml", stored)?;
    let mut rows = String::new();
    let cell_s = |s: &str| format!(r#"<table:table-cell office:value-type="string"><text:p>{s}</text:p></table:table-cell>"#);
    let cell_n = |x: f64| format!(r#"<table:table-cell office:value-type="float" office:value="{x}"><text:p>{x}</text:p></table:table-cell>"#);
    let cell_d = |d: &str| format!(r#"<table:table-cell office:value-type="date" office:date-value="{d}"><text:p>{d}</text:p></table:table-cell>"#);
    rows.push_str(&format!("<table:table-row>{}{}{}</table:table-row>", cell_s("日期"), cell_s("直径"), cell_s("阶段")));
    for (d, x, s) in [("2024-03-01", 10.012, "改进前"), ("2024-03-02", 10.031, "改进前"), ("2024-03-03", 10.002, "改进后"), ("2024-03-04", 9.998, "改进后")] {
        rows.push_str(&format!("<table:table-row>{}{}{}</table:table-row>", cell_d(d), cell_n(x), cell_s(s)));
    }
    rows.push_str(&format!("<table:table-row>{}{}{}</table:table-row>", cell_d("2024-03-05"), cell_s("10.004"), cell_s("改进后")));
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="数据">{rows}</table:table></office:spreadsheet></office:body>
</office:document-content>"#
    );
    z.write_all(content.as_bytes())?;
    z.finish()?;
    Ok(())
}

fn main() -> Res {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures"].iter().collect();
    std::fs::create_dir_all(&dir)?;
    messy_xlsx(&dir)?;
    clean_csv(&dir)?;
    stages_xlsx(&dir)?;
    wide_xlsx(&dir)?;
    text_files(&dir)?;
    parquet(&dir)?;
    ods(&dir)?;
    println!("fixtures written to {}", dir.display());
    Ok(())
}

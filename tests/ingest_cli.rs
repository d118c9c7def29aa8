//! Integration tests of ingestion: the real `qce` binary on fixtures/ and on the shared
//! reference data, good input (values equal those of a clean file) and bad input (exit code 3
//! and a message that names the problem).

use proptest::prelude::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/").to_string() + name
}

fn shared(name: &str) -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/data/").to_string() + name
}

/// Run qce; returns (exit code, stdout, stderr).
fn qce(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qce")).args(args).env("LANG", "C").output().expect("run qce");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Run qce with --json and parse stdout.
fn qce_json(args: &[&str]) -> (i32, Value, String) {
    let mut a = args.to_vec();
    a.push("--json");
    let (code, out, err) = qce(&a);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {out}\nstderr: {err}"));
    (code, v, err)
}

fn close(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * y.abs().max(1.0),
        _ => a == b,
    }
}

/// Exit code 3, and the message (stderr and the JSON error) mentions every needle.
fn assert_input_error(args: &[&str], needles: &[&str]) -> Value {
    let (code, v, err) = qce_json(args);
    assert_eq!(code, 3, "exit code for {args:?}; stderr: {err}");
    assert_eq!(v["error"]["kind"], "input", "{v}");
    let msg = v["error"]["message"].as_str().unwrap_or_default().to_string();
    for n in needles {
        assert!(msg.contains(n), "message of {args:?} should mention {n:?}: {msg}");
        assert!(err.contains(n), "stderr of {args:?} should mention {n:?}: {err}");
    }
    v
}

#[test]
fn messy_workbook_equals_clean_csv() {
    let (code, messy, err) = qce_json(&["describe", &fixture("crankshaft_messy.xlsx"), "--value", "直径(mm)", "--by", "阶段"]);
    assert_eq!(code, 0, "{err}");
    let (code, clean, err2) = qce_json(&["describe", &fixture("crankshaft_clean.csv"), "--value", "直径(mm)", "--by", "阶段"]);
    assert_eq!(code, 0, "{err2}");
    for key in ["n", "mean", "sd", "min", "q1", "median", "q3", "max", "skewness"] {
        for g in 0..2 {
            assert!(close(&messy["groups"][g][key], &clean["groups"][g][key]), "{key} of group {g}: {} vs {}", messy["groups"][g][key], clean["groups"][g][key]);
        }
    }
    assert_eq!(messy["groups"][0]["name"], "改进前");
    assert_eq!(messy["groups"][0]["n"], 6);
    // the blank and the two error cells are listed with their real addresses
    for cell in ["C8", "C10", "C15"] {
        assert!(err.contains(cell), "warning should list {cell}: {err}");
    }
}

#[test]
fn inspect_messy_workbook() {
    let (code, v, err) = qce_json(&["inspect", &fixture("crankshaft_messy.xlsx")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["format"], "xlsx");
    assert_eq!(v["sheet"], "磨削记录");
    assert_eq!(v["header_row"], 3);
    assert_eq!(v["rows"], 14);
    let cols = v["columns"].as_array().expect("columns");
    assert_eq!(cols[1]["name"], "日期");
    assert_eq!(cols[1]["kind"], "date");
    let d = &cols[2];
    assert_eq!((d["letter"].as_str(), d["kind"].as_str()), (Some("C"), Some("number")));
    assert_eq!((d["count"].as_u64(), d["blank"].as_u64(), d["errors"].as_u64(), d["bad"].as_u64()), (Some(11), Some(1), Some(2), Some(0)));
    assert_eq!(d["first_error_cells"], serde_json::json!(["C10", "C15"]));
    assert_eq!(d["first_blank_cells"], serde_json::json!(["C8"]));
    // the human table too
    let (code, text, _) = qce(&["inspect", &fixture("crankshaft_messy.xlsx"), "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(text.contains("Header row: 3") && text.contains("C10 '#DIV/0!'"), "{text}");
}

#[test]
fn excel_dates_become_dates() {
    let (code, v, _) = qce_json(&["describe", &fixture("crankshaft_messy.xlsx"), "--value", "直径(mm)", "--by", "日期"]);
    assert_eq!(code, 0);
    assert_eq!(v["groups"][0]["name"], "2024-03-01");
}

#[test]
fn gbk_csv_is_decoded() {
    let (code, v, err) = qce_json(&["inspect", &fixture("gbk.csv")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["encoding"], "GB18030");
    assert_eq!(v["columns"][1]["name"], "直径");
    let (code, v, _) = qce_json(&["describe", &fixture("gbk.csv"), "--value", "直径", "--by", "阶段"]);
    assert_eq!(code, 0);
    assert_eq!(v["groups"][1]["name"], "改进后");
    assert_eq!(v["groups"][1]["n"], 4);
}

#[test]
fn title_block_csv() {
    let (code, v, err) = qce_json(&["inspect", &fixture("title_block.csv")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["encoding"], "UTF-8 (BOM)");
    assert_eq!(v["header_row"], 3);
    assert_eq!(v["rows"], 6);
    let (code, v, err) = qce_json(&["describe", &fixture("title_block.csv"), "--value", "直径"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["n"], 4);
    assert_eq!(v["missing"], 2);
    assert_eq!(v["max"], 1010.5);
    assert!(err.contains("B8 '#N/A'") && err.contains("B10"), "{err}");
    let (code, v, _) = qce_json(&["describe", &fixture("title_block.csv"), "--value", "合格率"]);
    assert_eq!(code, 0);
    assert_eq!(v["min"], 95.5);
    // the data row below the blank row keeps its real row number
    let (code, v, _) = qce_json(&["describe", &fixture("title_block.csv"), "--value", "直径", "--header-row", "3"]);
    assert_eq!(code, 0);
    assert_eq!(v["n"], 4);
}

#[test]
fn delimiters_are_sniffed() {
    for f in ["tab_separated.tsv", "semicolon.csv"] {
        let (code, v, err) = qce_json(&["describe", &fixture(f), "--value", "#2"]);
        assert_eq!(code, 0, "{f}: {err}");
        assert_eq!(v["n"], 4, "{f}");
        assert!(close(&v["mean"], &serde_json::json!(10.005)), "{f}: {v}");
    }
}

#[test]
fn quoted_fields_spanning_lines() {
    let (code, v, err) = qce_json(&["describe", &fixture("quoted_newline.csv"), "--value", "value"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["n"], 3);
    assert_eq!(v["mean"], 11.5);
}

#[test]
fn sheets_by_name_and_number() {
    let f = fixture("two_stages.xlsx");
    let (code, v, _) = qce_json(&["inspect", &f]);
    assert_eq!(code, 0);
    assert_eq!(v["sheet"], "改进前", "first sheet with data");
    assert_eq!(v["sheets"], serde_json::json!(["封面", "改进前", "改进后"]));
    let (_, by_name, _) = qce_json(&["describe", &f, "--sheet", "改进后", "--value", "直径"]);
    let (_, by_number, _) = qce_json(&["describe", &f, "--sheet", "3", "--value", "直径"]);
    assert_eq!(by_name["n"], 10);
    assert_eq!(by_name["mean"], by_number["mean"]);
}

#[test]
fn wide_sheet_with_offset_keeps_addresses() {
    let (code, v, err) = qce_json(&["inspect", &fixture("wide_subgroups.xlsx")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["header_row"], 4);
    assert_eq!(v["columns"][0]["letter"], "C");
    assert_eq!(v["columns"][1]["name"], "x1");
    assert_eq!(v["rows"], 6);
    let v = assert_input_error(&["describe", &fixture("wide_text_cell.xlsx"), "--value", "x3"], &["F9", "缺测"]);
    assert_eq!(v["error"]["cell"], "F9");
    assert_eq!(v["error"]["row"], 9);
    let (code, v, err) = qce_json(&["describe", &fixture("wide_text_cell.xlsx"), "--value", "x3", "--skip-bad"]);
    assert_eq!(code, 0);
    assert_eq!(v["n"], 5);
    assert!(err.contains("F9"), "{err}");
}

#[test]
fn parquet_and_ods() {
    let (code, v, err) = qce_json(&["describe", &fixture("measurements.parquet"), "--value", "diameter", "--by", "stage"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["groups"][0]["n"], 4);
    assert_eq!(v["groups"][0]["missing"], 1);
    let (code, v, err) = qce_json(&["inspect", &fixture("simple.ods")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["format"], "ods");
    assert_eq!(v["columns"][0]["kind"], "date");
    let (code, v, _) = qce_json(&["describe", &fixture("simple.ods"), "--value", "直径"]);
    assert_eq!(code, 0);
    assert_eq!(v["n"], 5);
}

#[test]
fn shared_workbooks() {
    let (code, v, err) = qce_json(&["describe", &shared("pistonrings_phase1.xlsx"), "--value", "diameter"]);
    assert_eq!(code, 0, "{err}");
    let (_, c, _) = qce_json(&["describe", &shared("pistonrings_phase1.csv"), "--value", "diameter"]);
    assert_eq!(v["n"], c["n"]);
    assert!(close(&v["mean"], &c["mean"]));
    let v = assert_input_error(&["describe", &shared("bad_cell.xlsx"), "--value", "thickness"], &["B7", "abc"]);
    assert_eq!(v["error"]["sheet"], "Sheet1");
}

// ---- bad input: exit 3 and a message naming the problem ----

#[test]
fn missing_file() {
    assert_input_error(&["describe", &fixture("no_such_file.csv"), "--value", "x"], &["no_such_file.csv", "no such file"]);
}

#[test]
fn directory() {
    assert_input_error(&["inspect", &fixture("")], &["folder"]);
}

#[test]
fn empty_file() {
    assert_input_error(&["inspect", &fixture("empty.csv")], &["empty.csv", "empty"]);
}

#[test]
fn header_only() {
    assert_input_error(&["describe", &fixture("header_only.csv"), "--value", "value"], &["no data rows"]);
}

#[test]
fn random_bytes_named_xlsx() {
    assert_input_error(&["inspect", &fixture("not_a_workbook.xlsx")], &["not_a_workbook.xlsx", "not a valid"]);
}

#[test]
fn ragged_rows() {
    let v = assert_input_error(&["describe", &fixture("ragged.csv"), "--value", "value"], &["row 3", "3 fields", "2 columns"]);
    assert_eq!(v["error"]["row"], 3);
}

#[test]
fn unknown_column_suggests_closest() {
    assert_input_error(&["describe", &fixture("crankshaft_clean.csv"), "--value", "直径"], &["'直径(mm)'", "Did you mean"]);
    assert_input_error(&["describe", &fixture("semicolon.csv"), "--value", "diametr"], &["Did you mean 'diameter'"]);
}

#[test]
fn unknown_sheet_lists_sheets() {
    let v = assert_input_error(&["describe", &fixture("two_stages.xlsx"), "--sheet", "改进中", "--value", "直径"], &["改进中", "封面", "改进前", "改进后"]);
    assert_eq!(v["error"]["sheet"], "改进中");
}

#[test]
fn all_missing_column() {
    assert_input_error(&["describe", &fixture("all_missing.csv"), "--value", "value"], &["'value'", "no number"]);
}

#[test]
fn text_cell_named() {
    let v = assert_input_error(&["describe", &shared("bad_cell.csv"), "--value", "thickness"], &["B7", "abc"]);
    assert_eq!(v["error"]["cell"], "B7");
    assert_eq!(v["error"]["column"], "thickness");
}

#[test]
fn json_error_is_one_document() {
    let (code, out, _) = qce(&["describe", &fixture("ragged.csv"), "--value", "value", "--json"]);
    assert_eq!(code, 3);
    let v: Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(v["error"]["kind"], "input");
    assert!(v["error"]["file"].as_str().is_some_and(|f| f.ends_with("ragged.csv")));
}

#[test]
fn fixtures_are_small() {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures"].iter().collect();
    for e in std::fs::read_dir(dir).expect("fixtures") {
        let e = e.expect("entry");
        assert!(e.metadata().expect("meta").len() < 200_000, "{:?} is too big for a fixture", e.path());
    }
}

/// Full-width form of an ASCII number.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            '.' => '．',
            '-' => '－',
            '+' => '＋',
            c => c,
        })
        .collect()
}

proptest! {
    #[test]
    fn parse_number_round_trips(x in proptest::num::f64::NORMAL | proptest::num::f64::ZERO | proptest::num::f64::SUBNORMAL) {
        let s = format!("{x}");
        prop_assert_eq!(qce::ingest::parse_number(&s), Some(x));
        prop_assert_eq!(qce::ingest::parse_number(&format!("  {s} ")), Some(x));
        prop_assert_eq!(qce::ingest::parse_number(&full_width(&s)), Some(x));
        let e = format!("{x:e}");
        prop_assert_eq!(qce::ingest::parse_number(&e), Some(x));
    }

    #[test]
    fn thousands_separators(n in 0u64..1_000_000_000, frac in 0u32..1000) {
        let digits = n.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let text = format!("{grouped}.{frac:03}");
        let want: f64 = format!("{digits}.{frac:03}").parse().unwrap();
        prop_assert_eq!(qce::ingest::parse_number(&text), Some(want));
    }
}

// ---- fixtures/real/: files as enterprises send them (written by fixtures/real/gen_real.py) ----

fn real(name: &str) -> String {
    fixture(&format!("real/{name}"))
}

#[test]
fn summary_rows_and_notes_are_left_out_with_their_addresses() {
    // rows 16 合计 (120.5) and 17 平均值 (10.04) would otherwise enter the statistics
    let (code, v, err) = qce_json(&["describe", &real("summary_rows.xlsx"), "--value", "直径(mm)", "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["n"], 8, "{v}");
    assert!(v["max"].as_f64().is_some_and(|m| m < 10.1), "{v}");
    for needle in ["row 16 (A16 '合计', a summary row)", "row 17 (A17 '平均值'", "row 19 (A19 '备注：", "B7 '—'", "B8 'N/A'", "B9 '/'", "B13 '-'"] {
        assert!(err.contains(needle), "warning should mention {needle:?}: {err}");
    }
    let (code, v, err) = qce_json(&["inspect", &real("summary_rows.xlsx"), "--lang", "zh"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["rows"], 12);
    assert_eq!(v["skipped_rows"][0]["cell"], "A16");
    assert_eq!(v["skipped_rows"][0]["reason"], "summary");
    assert_eq!(v["skipped_rows"][2]["row"], 19);
    assert_eq!(v["skipped_rows"][2]["reason"], "note");
    // the header typed on two lines in its cell is one name
    assert_eq!(v["columns"][1]["name"], "直径 (mm)");
    assert!(err.contains("汇总行"), "zh warning by default: {err}");
}

#[test]
fn pareto_total_row_is_not_a_category() {
    let (code, v, err) = qce_json(&["pareto", &real("pareto_total.csv"), "--category", "缺陷类型", "--count", "数量"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["total"], 55.0, "{v}");
    assert_eq!(v["categories"][0]["name"], "气孔");
    assert_eq!(v["categories"].as_array().map(Vec::len), Some(4));
    assert!(err.contains("A6") && err.contains("合  计"), "{err}");
}

#[test]
fn csv_total_average_and_note_rows() {
    let (code, v, err) = qce_json(&["describe", &real("total_rows.csv"), "--value", "Diameter", "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["n"], 4, "{v}");
    assert_eq!(v["missing"], 0, "{v}");
    assert!(close(&v["mean"], &serde_json::json!(10.025)), "{v}");
    for needle in ["row 6 (A6 'Total'", "row 7 (A7 'Average'", "row 9 (A9 'Note: measured"] {
        assert!(err.contains(needle), "{needle:?}: {err}");
    }
    let (code, v, err) = qce_json(&["chart", "i-mr", &real("total_rows.csv"), "--value", "Diameter"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["points"].as_array().map(Vec::len), Some(4));
}

#[test]
fn decimal_comma_with_point_thousands() {
    let (code, v, err) = qce_json(&["describe", &real("euro.csv"), "--value", "Messwert"]);
    assert_eq!(code, 0, "{err}");
    assert!(close(&v["max"], &serde_json::json!(1010.5)), "{v}");
    assert!(close(&v["min"], &serde_json::json!(-2000.25)), "{v}");
}

#[test]
fn hidden_sheet_is_not_the_default() {
    let (code, v, err) = qce_json(&["inspect", &real("hidden_sheet.xlsx")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["sheet"], "Data");
    assert_eq!(v["columns"][1]["name"], "value (B)");
    // still readable when asked for, by name or number
    let (code, v, _) = qce_json(&["describe", &real("hidden_sheet.xlsx"), "--sheet", "旧数据", "--value", "value"]);
    assert_eq!(code, 0);
    assert_eq!(v["mean"], 99.0);
    let (code, v, _) = qce_json(&["describe", &real("hidden_sheet.xlsx"), "--sheet", "2", "--value", "#1"]);
    assert_eq!(code, 0);
    assert_eq!(v["n"], 1);
    let v = assert_input_error(&["describe", &real("hidden_sheet.xlsx"), "--sheet", "nope", "--value", "x"], &["2 '旧数据' (hidden)", "3 'Data'"]);
    assert_eq!(v["error"]["sheet"], "nope");
}

#[test]
fn legacy_xls_addresses_and_dates() {
    let (code, v, err) = qce_json(&["inspect", &real("legacy.xls")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["format"], "xls");
    assert_eq!(v["header_row"], 3);
    assert_eq!(v["columns"][1]["kind"], "date");
    let v = assert_input_error(&["describe", &real("legacy.xls"), "--value", "直径"], &["'记录'", "cell C8", "'abc'", "--skip-bad"]);
    assert_eq!(v["error"]["cell"], "C8");
    assert_eq!(v["error"]["row"], 8);
    let (code, v, err) = qce_json(&["describe", &real("legacy.xls"), "--value", "直径", "--skip-bad"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["n"], 7);
}

#[test]
fn excel_unicode_text_is_utf16() {
    let (code, v, err) = qce_json(&["inspect", &real("unicode_text.txt")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["encoding"], "UTF-16LE (BOM)");
    assert_eq!(v["delimiter"], "\t");
    let (code, v, err) = qce_json(&["describe", &real("unicode_text.txt"), "--value", "直径", "--by", "阶段"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["groups"][1]["name"], "改进后");
    assert_eq!(v["groups"][1]["n"], 2);
}

#[test]
fn header_over_two_rows() {
    let (code, v, err) = qce_json(&["inspect", &real("two_row_header.xlsx")]);
    assert_eq!(code, 0, "{err}");
    let names: Vec<&str> = v["columns"].as_array().map(|c| c.iter().filter_map(|x| x["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, ["尺寸 直径", "尺寸 长度", "阶段"]);
    assert_eq!(v["rows"], 8);
    let (code, v, err) = qce_json(&["describe", &real("two_row_header.xlsx"), "--value", "尺寸 长度", "--by", "阶段"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["groups"][0]["n"], 4);
    // the suggestion for the lower name alone
    assert_input_error(&["describe", &real("two_row_header.xlsx"), "--value", "直径"], &["Did you mean '尺寸 直径'?"]);
}

#[test]
fn text_column_error_names_cells_that_are_not_numbers() {
    let v = assert_input_error(&["describe", &real("units_in_cells.csv"), "--value", "厚度"], &["column '厚度' holds text", "2 cells are numbers, 2 are not", "B3 '12.5 mm'", "B5 '¥1,234'"]);
    assert_eq!(v["error"]["column"], "厚度");
}

#[test]
fn second_table_on_the_sheet_is_named() {
    let v = assert_input_error(&["describe", &real("two_tables.csv"), "--value", "直径"], &["cell B7: '直径'", "Row 7 repeats the header", "second table"]);
    assert_eq!(v["error"]["row"], 7);
}

#[test]
fn only_summary_like_rows_is_named_not_no_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stats.csv");
    std::fs::write(&path, "Statistic,Value\nMax,10\nMin,5\nMean,7\n").expect("write");
    let v = assert_input_error(&["describe", path.to_str().unwrap_or_default(), "--value", "Value"], &["looks like a summary row", "A2 'Max'", "A4 'Mean'"]);
    assert_eq!(v["error"]["cell"], "A2");
}

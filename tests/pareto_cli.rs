//! `qce pareto` through the real binary: Chinese categories, --count, --other-below, --phase,
//! SVG and PNG charts.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/data/");

fn qce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qce")).args(args).output().expect("run qce")
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    let out = qce(&a);
    assert!(out.status.success(), "qce {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn names(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
}

/// A small defect log with Chinese categories: 划痕 9, 气泡 6, 毛刺 3, 色差 1, 裂纹 1 (20 rows).
fn defect_log(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("缺陷记录.csv");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "序号,缺陷类型,阶段").unwrap();
    let rows = [
        ("气泡", "改进前"), ("划痕", "改进前"), ("划痕", "改进前"), ("毛刺", "改进前"), ("划痕", "改进前"),
        ("气泡", "改进前"), ("划痕", "改进前"), ("色差", "改进前"), ("划痕", "改进前"), ("气泡", "改进前"),
        ("划痕", "改进前"), ("毛刺", "改进前"), ("划痕", "改进后"), ("气泡", "改进后"), ("气泡", "改进后"),
        ("裂纹", "改进后"), ("气泡", "改进后"), ("毛刺", "改进后"), ("划痕", "改进后"), ("划痕", "改进后"),
    ];
    for (i, (c, s)) in rows.iter().enumerate() {
        writeln!(f, "{},{c},{s}", i + 1).unwrap();
    }
    path.display().to_string()
}

#[test]
fn chinese_categories_sorted_with_percentages() {
    let dir = tempfile::tempdir().unwrap();
    let file = defect_log(&dir);
    let d = json(&["pareto", &file, "--category", "缺陷类型"]);
    assert_eq!(d["total"], 20.0);
    assert_eq!(names(&d["categories"]), ["划痕", "气泡", "毛刺", "色差", "裂纹"]);
    let c = &d["categories"][0];
    assert_eq!(c["count"], 9.0);
    assert_eq!(c["percent"], 45.0);
    assert_eq!(d["categories"][4]["cumulative_percent"], 100.0);
    // 45, 75, 90: the shortest prefix reaching 80 has three categories
    assert_eq!(d["vital_few"], serde_json::json!(["划痕", "气泡", "毛刺"]));
}

#[test]
fn other_below_merges_small_categories_last() {
    let dir = tempfile::tempdir().unwrap();
    let file = defect_log(&dir);
    let d = json(&["pareto", &file, "--category", "缺陷类型", "--other-below", "10", "--lang", "zh"]);
    assert_eq!(names(&d["categories"]), ["划痕", "气泡", "毛刺", "其他"]);
    assert_eq!(d["categories"][3]["count"], 2.0);
    assert_eq!(d["categories"][3]["merged"], serde_json::json!(["色差", "裂纹"]));
    let d = json(&["pareto", &file, "--category", "缺陷类型", "--other-below", "10", "--lang", "en"]);
    assert_eq!(d["categories"][3]["name"], "Other");
}

#[test]
fn an_existing_other_category_is_kept_last_when_merging() {
    // defects.csv holds a real 其他 category; with --other-below it stays last.
    let d = json(&["pareto", &format!("{DATA}defects.csv"), "--category", "缺陷类型", "--other-below", "1", "--lang", "zh"]);
    let n = names(&d["categories"]);
    assert_eq!(n.last().unwrap(), "其他");
}

#[test]
fn phase_gives_one_table_per_stage_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = defect_log(&dir);
    let d = json(&["pareto", &file, "--category", "缺陷类型", "--phase", "阶段"]);
    let stages = d["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0]["name"], "改进前");
    assert_eq!(stages[0]["total"], 12.0);
    // 划痕 and 气泡 tie at 3 in 改进后: 划痕 comes first in that stage
    assert_eq!(names(&stages[1]["categories"]), ["划痕", "气泡", "裂纹", "毛刺"]);
    assert!(stages[1]["vital_few"].is_array());
    assert_eq!(d["comparison"]["categories"][0]["name"], "划痕");
    assert_eq!(d["comparison"]["categories"][0]["counts"], serde_json::json!([6.0, 3.0]));
}

#[test]
fn count_column_ties_keep_file_order() {
    let d = json(&["pareto", &format!("{DATA}pareto_counts.csv"), "--category", "defect", "--count", "count"]);
    assert_eq!(names(&d["categories"])[..3], ["Dent", "Solder", "Wiring"]);
    assert_eq!(d["total"], 147.0);
}

#[test]
fn svg_chart_names_the_categories() {
    let dir = tempfile::tempdir().unwrap();
    let file = defect_log(&dir);
    let svg = dir.path().join("pareto.svg");
    let out = qce(&["pareto", &file, "--category", "缺陷类型", "--phase", "阶段", "--out", svg.to_str().unwrap(), "--lang", "zh"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&svg).unwrap();
    for name in ["划痕", "气泡", "毛刺", "裂纹", "改进前", "改进后", "80%"] {
        assert!(text.contains(name), "SVG lacks {name}");
    }
    assert!(text.contains("WenQuanYi"), "SVG text uses the CJK font family");
}

#[test]
fn png_chart_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let file = defect_log(&dir);
    let png = dir.path().join("pareto.png");
    let out = qce(&["pareto", &file, "--category", "缺陷类型", "--out", png.to_str().unwrap()]);
    if !out.status.success() {
        // No CJK font on this machine: PNG output must say so (exit 4), SVG still works.
        assert!(String::from_utf8_lossy(&out.stderr).contains("font"), "{}", String::from_utf8_lossy(&out.stderr));
        return;
    }
    let decoder = png::Decoder::new(std::fs::File::open(&png).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0u8; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert!(info.width >= 480 && info.height >= 400);
    // not a blank image: some dark pixels (bars, text)
    assert!(buf.chunks(3).any(|p| p.iter().all(|v| *v < 100)));
}

#[test]
fn bad_inputs_exit_with_contract_codes() {
    let dir = tempfile::tempdir().unwrap();
    let file = defect_log(&dir);
    assert_eq!(qce(&["pareto", &file, "--category", "缺陷"]).status.code(), Some(3));
    assert_eq!(qce(&["pareto", &file, "--category", "缺陷类型", "--other-below", "150"]).status.code(), Some(2));
    assert_eq!(qce(&["pareto", &file, "--category", "缺陷类型", "--out", "x.pdf"]).status.code(), Some(2));
}

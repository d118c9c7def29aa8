//! `qce chart` end to end: the real binary on fixtures/chart and the shared reference data.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const QCE: &str = env!("CARGO_BIN_EXE_qce");

fn data(name: &str) -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/data/").to_string() + name
}

fn fixture(name: &str) -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/chart/").to_string() + name
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(QCE).args(args).output().expect("qce runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    let (code, out, err) = run(&a);
    assert_eq!(code, 0, "exit {code}: {err}");
    serde_json::from_str(&out).expect("one JSON document")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1e-12)
}

fn tmp(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join(name);
    (dir, p)
}

#[test]
fn before_after_stages_with_chinese_labels() {
    let f = fixture("thickness_zh.csv");
    let v = json(&["chart", "xbar-r", &f, "--value", "厚度", "--subgroup", "批号", "--phase", "阶段", "--label", "日期", "--lang", "zh"]);
    let stages = v["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0]["name"], "改进前");
    assert_eq!(stages[1]["name"], "改进后");
    assert_eq!(stages[0]["first_point"], 1);
    assert_eq!(stages[0]["last_point"], 12);
    assert_eq!(stages[1]["first_point"], 13);
    assert_eq!(v["points"][0]["label"], "2024-03-01");
    assert_eq!(v["points"][0]["n"], 4.0);
    // each stage its own limits: the after stage is tighter
    let w = |s: &Value| s["ucl"].as_f64().unwrap() - s["lcl"].as_f64().unwrap();
    assert!(w(&stages[1]) < w(&stages[0]));
    assert_eq!(v["dispersion"]["stages"][1]["lcl"], 0.0);
    // human output in Chinese: the stage table and the violations in words
    let (code, out, _) = run(&["chart", "xbar-r", &f, "--value", "厚度", "--subgroup", "批号", "--phase", "阶段", "--lang", "zh"]);
    assert_eq!(code, 0);
    assert!(out.contains("改进前") && out.contains("中心线") && out.contains("UCL"), "{out}");
}

#[test]
fn wide_layout_equals_long_layout() {
    let wide = json(&["chart", "xbar-r", &data("pistonrings_wide.csv"), "--value", "x1,x2,x3,x4,x5"]);
    let long = json(&["chart", "xbar-r", &data("pistonrings_phase1.csv"), "--value", "diameter", "--subgroup", "sample"]);
    for key in ["center", "sigma", "lcl", "ucl"] {
        assert!(close(wide["stages"][0][key].as_f64().unwrap(), long["stages"][0][key].as_f64().unwrap()), "{key}");
    }
    assert_eq!(wide["points"].as_array().unwrap().len(), 25);
    assert_eq!(wide["violations"], long["violations"]);
}

#[test]
fn p_chart_with_varying_n_has_per_point_limits() {
    let v = json(&["chart", "p", &data("p_varying.csv"), "--value", "defective", "--size", "inspected"]);
    assert!(v["stages"][0]["lcl"].is_null() && v["stages"][0]["ucl"].is_null());
    let pts = v["points"].as_array().unwrap();
    let pbar = v["stages"][0]["center"].as_f64().unwrap();
    for p in pts {
        let n = p["n"].as_f64().unwrap();
        let ucl = (pbar + 3.0 * (pbar * (1.0 - pbar) / n).sqrt()).min(1.0);
        assert!(close(p["ucl"].as_f64().unwrap(), ucl));
        assert!(p["lcl"].as_f64().unwrap() >= 0.0);
    }
    let distinct: std::collections::BTreeSet<u64> = pts.iter().map(|p| p["ucl"].as_f64().unwrap().to_bits()).collect();
    assert!(distinct.len() > 5);
}

#[test]
fn u_chart_with_varying_units() {
    let v = json(&["chart", "u", &data("dyedcloth.csv"), "--value", "x", "--size", "size"]);
    assert!(v["stages"][0]["ucl"].is_null());
    let p = &v["points"][4];
    assert_eq!(p["n"], 9.5);
    let ubar = v["stages"][0]["center"].as_f64().unwrap();
    assert!(close(p["ucl"].as_f64().unwrap(), ubar + 3.0 * (ubar / 9.5).sqrt()));
}

#[test]
fn historical_limits_judge_every_point() {
    let v = json(&["chart", "xbar-r", &data("pistonrings.csv"), "--value", "diameter", "--subgroup", "sample", "--phase", "phase", "--limits-from", "before"]);
    let before_ucl = v["stages"][0]["ucl"].as_f64().unwrap();
    assert!(v["points"].as_array().unwrap().iter().all(|p| p["ucl"].as_f64().unwrap() == before_ucl));
    assert_eq!(v["stages"][1]["limits_from"], "before");
    let (code, _, err) = run(&["chart", "xbar-r", &data("pistonrings.csv"), "--value", "diameter", "--subgroup", "sample", "--phase", "phase", "--limits-from", "nope"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("before"), "the message lists the stages: {err}");
}

#[test]
fn svg_holds_limit_labels_and_stage_names() {
    let (_d, out) = tmp("chart.svg");
    let f = fixture("thickness_zh.csv");
    let (code, _, err) = run(&["chart", "xbar-r", &f, "--value", "厚度", "--subgroup", "批号", "--phase", "阶段", "--out", out.to_str().unwrap(), "--lang", "zh", "--title", "厚度控制图（改进前后）"]);
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg"));
    for needle in ["UCL=", "LCL=", "改进前", "改进后", "厚度控制图（改进前后）", "font-family"] {
        assert!(svg.contains(needle), "SVG lacks {needle}");
    }
    let v = json(&["chart", "xbar-r", &f, "--value", "厚度", "--subgroup", "批号", "--phase", "阶段"]);
    let ucl = v["stages"][1]["ucl"].as_f64().unwrap();
    // the last stage's UCL, as labelled at the right edge
    let spread = ucl - v["stages"][1]["lcl"].as_f64().unwrap();
    let decimals = (2 - spread.log10().floor() as i32) as usize;
    assert!(svg.contains(&format!("UCL={ucl:.decimals$}")), "UCL={ucl:.decimals$} not in SVG");
}

#[test]
fn png_decodes_with_the_expected_size() {
    let (_d, out) = tmp("chart.png");
    let (code, _, err) = run(&["chart", "i-mr", &data("improve.csv"), "--value", "直径", "--phase", "阶段", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let img = image::open(&out).expect("PNG decodes");
    assert_eq!((img.width(), img.height()), (1000, 860));
    let (_d2, single) = tmp("single.png");
    let (code, _, err) = run(&["chart", "c", &data("circuit_phase1.csv"), "--value", "x", "--out", single.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let img = image::open(&single).expect("PNG decodes").to_rgb8();
    assert_eq!((img.width(), img.height()), (1000, 560));
    // non-trivial: red limit pixels and blue data pixels are present
    let red = img.pixels().filter(|p| p[0] > 180 && p[1] < 80 && p[2] < 80).count();
    let blue = img.pixels().filter(|p| p[2] > 140 && p[0] < 80).count();
    assert!(red > 500 && blue > 500, "red {red}, blue {blue}");
}

#[test]
fn every_kind_runs_and_rules_select_tests() {
    let vis = data("viscosity.csv");
    for kind in ["ewma", "cusum", "i-mr"] {
        let v = json(&["chart", kind, &vis, "--value", "viscosity"]);
        assert_eq!(v["chart"], kind);
    }
    let oj = data("orangejuice_phase1.csv");
    for kind in ["p", "np", "p-laney"] {
        let v = json(&["chart", kind, &oj, "--value", "D", "--size", "size"]);
        assert_eq!(v["chart"], kind);
    }
    let v = json(&["chart", "u-laney", &data("dyedcloth.csv"), "--value", "x", "--size", "size"]);
    assert!(v["stages"][0]["sigma_z"].as_f64().unwrap() > 0.0);
    let v = json(&["chart", "i-mr", &data("nelson/multi.csv"), "--value", "weight", "--rules", "1,2"]);
    assert!(v["violations"].as_array().unwrap().iter().all(|x| x["rule"] == 1 || x["rule"] == 2));
}

#[test]
fn usage_and_analysis_errors() {
    let (code, _, err) = run(&["chart", "xbar-q", &data("viscosity.csv"), "--value", "viscosity"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&["chart", "xbar-r", &data("viscosity.csv"), "--value", "viscosity"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("subgroup"));
    let (code, _, _) = run(&["chart", "p", &data("p_varying.csv"), "--value", "defective"]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&["chart", "i-mr", &data("one_point.csv"), "--value", "#1"]);
    assert_eq!(code, 4);
    let (_d, out) = tmp("chart.gif");
    let (code, _, _) = run(&["chart", "i-mr", &data("viscosity.csv"), "--value", "viscosity", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2);
}

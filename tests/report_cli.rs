//! Integration tests of `qce compare`, `qce report` and `qce demo` on the demo fixtures.
//!
//! Numbers in compare/report must equal those of the commands that own them (`describe`,
//! `chart`, `capability`, `test`) on the same data: the tests run both and compare.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/曲轴磨削记录.csv");
const DEFECTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/缺陷记录.csv");

fn qce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qce")).args(args).output().unwrap()
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    let out = qce(&a);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

const COMPARE: &[&str] = &["compare", CSV, "--value", "直径", "--phase", "阶段", "--subgroup", "样本号", "--lsl", "49.985", "--usl", "50.015", "--target", "50", "--direction", "target"];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn compare_json_has_the_documented_keys() {
    let v = json(COMPARE);
    for k in ["value", "phase", "before", "after", "direction", "alpha", "spec", "chart_kind", "stages", "historical", "mean", "mean_test", "mean_test_rank", "mean_method", "sd", "bonett", "levene", "cpk", "ppk", "ppm_expected", "capability", "checks", "verdict", "verdict_lines", "errors"] {
        assert!(v.get(k).is_some(), "missing key {k}");
    }
    assert_eq!(v["before"], "改进前");
    assert_eq!(v["after"], "改进后");
    assert_eq!(v["chart_kind"], "xbar-r");
    assert_eq!(v["stages"].as_array().unwrap().len(), 2);
    for s in v["stages"].as_array().unwrap() {
        for k in ["name", "n", "describe", "chart", "violations", "stable", "normality", "capability"] {
            assert!(s.get(k).is_some(), "stage key {k}");
        }
        assert_eq!(s["n"], 125);
    }
}

#[test]
fn compare_describe_equals_describe_command() {
    let v = json(COMPARE);
    let d = json(&["describe", CSV, "--value", "直径", "--by", "阶段"]);
    for (i, g) in d["groups"].as_array().unwrap().iter().enumerate() {
        let s = &v["stages"][i];
        assert_eq!(s["name"], g["name"]);
        for k in ["n", "mean", "sd", "min", "max", "median", "q1", "q3"] {
            assert_eq!(s["describe"][k], g[k], "stage {i} key {k}");
        }
    }
    let (b, a) = (d["groups"][0]["mean"].as_f64().unwrap(), d["groups"][1]["mean"].as_f64().unwrap());
    assert!(close(v["mean"]["before"].as_f64().unwrap(), b));
    assert!(close(v["mean"]["difference"].as_f64().unwrap(), a - b));
    assert_eq!(v["mean"]["better"], true, "the demo's mean moved towards the target 50");
    assert_eq!(v["sd"]["better"], true);
}

/// Whatever `qce chart` returns for the data is what compare shows: limits and signals, or
/// the same error as a card.
#[test]
fn compare_chart_section_equals_chart_command() {
    let v = json(COMPARE);
    let out = qce(&["chart", "xbar-r", CSV, "--value", "直径", "--subgroup", "样本号", "--phase", "阶段", "--rules", "1,2,7", "--json"]);
    if out.status.success() {
        let c: Value = serde_json::from_slice(&out.stdout).unwrap();
        for (i, st) in c["stages"].as_array().unwrap().iter().enumerate() {
            for k in ["center", "lcl", "ucl"] {
                assert_eq!(v["stages"][i]["chart"][k], st[k], "stage {i} {k}");
            }
        }
        let signals: usize = v["stages"].as_array().unwrap().iter().map(|s| s["violations"]["location"].as_array().unwrap().len()).sum();
        let rules_127 = c["violations"].as_array().unwrap().iter().filter(|x| [1, 2, 7].contains(&x["rule"].as_u64().unwrap())).count();
        assert_eq!(signals, rules_127);
    } else {
        let msg: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors = v["errors"].as_array().unwrap();
        assert!(errors.iter().any(|e| e["section"] == "chart" && e["message"] == msg["error"]["message"]), "{errors:?}");
        assert!(v["checks"].as_array().unwrap().iter().any(|c| c["id"] == "analysis_failed"));
    }
}

#[test]
fn compare_capability_and_tests_equal_their_commands() {
    let v = json(COMPARE);
    let out = qce(&["capability", CSV, "--value", "直径", "--subgroup", "样本号", "--phase", "阶段", "--lsl", "49.985", "--usl", "50.015", "--target", "50", "--conf", "0.95", "--json"]);
    if out.status.success() {
        let c: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["capability"], c);
        assert_eq!(v["cpk"]["before"], c["stages"][0]["cpk"]);
        assert_eq!(v["cpk"]["after"], c["stages"][1]["cpk"]);
        for i in 0..2 {
            assert_eq!(v["stages"][i]["normality"], c["stages"][i]["normality"], "stage {i} normality");
        }
        // The demo data were generated with Cpk ≈ 0.8 before and ≈ 1.6 after.
        let (b, a) = (c["stages"][0]["cpk"].as_f64().unwrap(), c["stages"][1]["cpk"].as_f64().unwrap());
        assert!((0.65..0.95).contains(&b) && (1.4..1.8).contains(&a), "{b} {a}");
    } else {
        assert!(v["capability"].is_null());
    }
    let out = qce(&["test", "t2", CSV, "--value", "直径", "--group", "阶段", "--alpha", "0.05", "--json"]);
    if out.status.success() {
        let t: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["mean_test"], t);
        assert!(t["p_value"].as_f64().unwrap() < 0.001);
    } else {
        assert!(v["mean_test"].is_null());
    }
    for (i, stage) in ["改进前", "改进后"].iter().enumerate() {
        let out = qce(&["test", "normality", &format!("{}", stage_csv(stage).display()), "--value", "直径", "--method", "ad", "--json"]);
        if out.status.success() {
            let t: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["stages"][i]["normality"]["statistic"], t["statistic"], "stage {stage}");
            assert_eq!(v["stages"][i]["normality"]["p_value"], t["p_value"], "stage {stage}");
        }
    }
    let out = qce(&["test", "levene", CSV, "--value", "直径", "--group", "阶段", "--alpha", "0.05", "--center", "median", "--json"]);
    if out.status.success() {
        assert_eq!(v["levene"], serde_json::from_slice::<Value>(&out.stdout).unwrap());
    }
}

#[test]
fn bonett_sd_ratio_is_reported() {
    let v = json(COMPARE);
    let b = &v["bonett"];
    assert_eq!(b["test"], "bonett");
    assert!(close(b["sd_1"].as_f64().unwrap(), v["sd"]["before"].as_f64().unwrap()));
    assert!(close(b["sd_2"].as_f64().unwrap(), v["sd"]["after"].as_f64().unwrap()));
    let p = b["p_value"].as_f64().unwrap();
    assert!(p > 0.0 && p < 0.05, "the demo's spread fell by about a fifth: p = {p}");
    let ci = b["ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() > 1.0, "σ before/σ after interval above 1");
}

#[test]
fn verdict_in_both_languages() {
    let zh = String::from_utf8(qce(&[COMPARE, &["--lang", "zh"]].concat()).stdout).unwrap();
    assert!(zh.contains("改进后均值由 50.00571 降至 50.00095"), "{zh}");
    assert!(zh.contains("更接近目标值 50.0000"), "{zh}");
    assert!(zh.contains("标准差由 0.003730 降至 0.002913（−21.9%）"), "{zh}");
    assert!(zh.contains("结论："), "{zh}");
    let en = String::from_utf8(qce(&[COMPARE, &["--lang", "en"]].concat()).stdout).unwrap();
    assert!(en.contains("The mean fell from 50.00571 to 50.00095"), "{en}");
    assert!(en.contains("closer to the target 50.0000"), "{en}");
    assert!(en.contains("Conclusion:"), "{en}");
}

#[test]
fn compare_usage_errors() {
    let out = qce(&["compare", CSV, "--value", "直径", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let out = qce(&["compare", CSV, "--value", "直径", "--phase", "阶段", "--direction", "up"]);
    assert_eq!(out.status.code(), Some(2));
    let out = qce(&["compare", CSV, "--value", "直径", "--phase", "班次", "--before", "夜班"]);
    assert_eq!(out.status.code(), Some(3));
    let out = qce(&["compare", CSV, "--value", "直径", "--phase", "阶段", "--lsl", "50.1", "--usl", "50"]);
    assert_eq!(out.status.code(), Some(4));
}

/// The rows of one stage of the demo CSV, as a CSV file of their own (kept for the test run).
fn stage_csv(stage: &str) -> PathBuf {
    let text = std::fs::read_to_string(CSV).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for l in lines.filter(|l| l.contains(stage)) {
        out.push_str(l);
        out.push('\n');
    }
    let path = std::env::temp_dir().join(format!("qce-stage-{}-{stage}.csv", std::process::id()));
    std::fs::write(&path, out).unwrap();
    path
}

/// A project folder in a temp dir with the demo CSV data and the given project text.
fn project(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(CSV, dir.path().join("data.csv")).unwrap();
    std::fs::copy(DEFECTS, dir.path().join("defects.csv")).unwrap();
    let p = dir.path().join("project.toml");
    std::fs::write(&p, text).unwrap();
    (dir, p)
}

const PROJECT: &str = r#"
[project]
name = "Grinding capability"
enterprise = "ACME Machining"
theme = "quality"
period = { start = 2025-03-01, end = 2025-07-31 }

[goal]
metric = "Cpk"
baseline = 0.8
target = 1.33
direction = "higher"
statistic = "cpk"
data = "g"

[[data]]
id = "g"
file = "data.csv"
value = "直径"
phase = "阶段"
subgroup = "样本号"
lsl = 49.985
usl = 50.015
target = 50.0

[[data]]
id = "d"
file = "defects.csv"
category = "缺陷类型"
count = "数量"
phase = "阶段"

[[analysis]]
kind = "pareto"
data = "d"

[[analysis]]
kind = "compare"
data = "g"

[[measure]]
title = "Dress the wheel every 40 parts"
"#;

#[test]
fn report_writes_the_pack() {
    let (dir, p) = project(PROJECT);
    let out = dir.path().join("out");
    let o = qce(&["report", p.to_str().unwrap(), "--out", out.to_str().unwrap(), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("index.html"));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    for s in ["Plan", "Do: measures taken", "Check", "Act", "Evidence checklist", "Supporting evidence", "SHA-256", "Dress the wheel every 40 parts"] {
        assert!(html.contains(s), "page lacks {s}");
    }
    let r: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    // Input evidence: SHA-256 of the bytes, all rows used.
    let bytes = std::fs::read(CSV).unwrap();
    let sha = r["inputs"][0]["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert!(html.contains(sha));
    assert_eq!(r["inputs"][0]["rows"], 250);
    assert_eq!(r["inputs"][0]["rows_used"], 250);
    assert_eq!(r["inputs"][0]["bytes"], bytes.len());
    // The comparison inside the report is the compare command's.
    let c = json(COMPARE);
    let rc = &r["sections"][1]["comparison"];
    assert_eq!(rc["mean"], c["mean"]);
    assert_eq!(rc["bonett"], c["bonett"]);
    assert_eq!(rc["cpk"], c["cpk"]);
    // Goal: Cpk after vs 1.33, when capability is available.
    if !c["cpk"].is_null() {
        assert_eq!(r["goal"]["achieved"], c["cpk"]["after"]);
        assert_eq!(r["goal"]["met"], true);
    }
}

#[test]
fn report_sha256_matches_sha256sum() {
    let (dir, p) = project(PROJECT);
    let out = dir.path().join("o");
    assert!(qce(&["report", p.to_str().unwrap(), "--out", out.to_str().unwrap()]).status.success());
    let r: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    if let Ok(s) = Command::new("sha256sum").arg(dir.path().join("data.csv")).output() {
        let text = String::from_utf8_lossy(&s.stdout);
        assert_eq!(r["inputs"][0]["sha256"].as_str().unwrap(), text.split_whitespace().next().unwrap());
    }
}

#[test]
fn text_from_files_is_escaped() {
    let evil = PROJECT.replace("Grinding capability", "<script>alert(1)</script>").replace("Dress the wheel every 40 parts", "<img src=x onerror=alert(2)>");
    let (dir, p) = project(&evil);
    // A defect category named <script> in the data file.
    std::fs::write(dir.path().join("defects.csv"), "月份,缺陷类型,数量,阶段\n3,<script>,10,改进前\n3,毛刺,4,改进前\n6,<script>,2,改进后\n6,毛刺,1,改进后\n").unwrap();
    let out = dir.path().join("o");
    let o = qce(&["report", p.to_str().unwrap(), "--out", out.to_str().unwrap(), "--lang", "zh"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains("<script"), "raw <script> in the page");
    assert!(!html.contains("<img src=x"), "raw <img> in the page");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
}

fn error_of(text: &str) -> (i32, Value) {
    let (_dir, p) = project(text);
    let o = qce(&["report", p.to_str().unwrap(), "--out", "/tmp/never-written", "--json"]);
    (o.status.code().unwrap(), serde_json::from_slice(&o.stdout).unwrap())
}

#[test]
fn project_errors_name_file_line_and_key() {
    let (code, e) = error_of(&PROJECT.replace("theme = \"quality\"", "theme = \"banana\""));
    assert_eq!(code, 3);
    assert_eq!(e["error"]["kind"], "input");
    assert_eq!(e["error"]["row"], 5);
    assert_eq!(e["error"]["column"], "project.theme");
    assert!(e["error"]["file"].as_str().unwrap().ends_with("project.toml"));
    assert!(e["error"]["message"].as_str().unwrap().contains("project.toml:5: key `project.theme`"));

    let (_, e) = error_of(&PROJECT.replace("file = \"data.csv\"", "file = \"nope.csv\""));
    assert_eq!(e["error"]["column"], "data.file");
    assert_eq!(e["error"]["row"], 18);
    assert!(e["error"]["message"].as_str().unwrap().contains("nope.csv"));

    let (_, e) = error_of(&PROJECT.replace("direction = \"higher\"", "direction = \"up\""));
    assert_eq!(e["error"]["column"], "goal.direction");
    assert_eq!(e["error"]["row"], 12);

    let (_, e) = error_of(&PROJECT.replace("kind = \"pareto\"", "kind = \"anova-magic\""));
    assert_eq!(e["error"]["column"], "analysis.kind");

    let (_, e) = error_of(&PROJECT.replace("target = 1.33", "targt = 1.33"));
    assert_eq!(e["error"]["row"], 11);
    assert!(e["error"]["message"].as_str().unwrap().contains("targt"));

    let (_, e) = error_of("[project\nname = 1");
    assert_eq!(e["error"]["row"], 1);
}

#[test]
fn demo_builds_and_prints_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let o = qce(&["demo", "--out", out.to_str().unwrap(), "--lang", "zh"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.lines().next().unwrap().ends_with("index.html"), "{stdout}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    for s in ["计划", "执行", "检查", "处置", "证据清单", "曲轴", "XX机械有限公司"] {
        assert!(html.contains(s), "demo page lacks {s}");
    }
    assert!(out.join("report.json").is_file());
    assert!(out.join("charts").is_dir());
}

#[test]
fn demo_is_found_from_another_folder() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_qce")).current_dir(dir.path()).args(["demo", "--out", "r"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(Path::new(&dir.path().join("r/index.html")).is_file());
}

#[test]
fn goal_on_defect_counts_from_the_pareto() {
    let text = PROJECT
        .replace("metric = \"Cpk\"\nbaseline = 0.8\ntarget = 1.33\ndirection = \"higher\"\nstatistic = \"cpk\"\ndata = \"g\"", "metric = \"defects a month\"\nbaseline = 85\ntarget = 30\ndirection = \"lower\"\nstatistic = \"defects\"\ndata = \"d\"");
    assert!(text.contains("statistic = \"defects\""));
    let (dir, p) = project(&text);
    let out = dir.path().join("o");
    let o = qce(&["report", p.to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let pareto = json(&["pareto", DEFECTS, "--category", "缺陷类型", "--count", "数量", "--phase", "阶段"]);
    assert_eq!(r["goal"]["baseline_measured"], pareto["stages"][0]["total"]);
    assert_eq!(r["goal"]["achieved"], pareto["stages"][1]["total"]);
    assert_eq!(r["goal"]["met"], true);
    assert_eq!(r["sections"][0]["result"]["stages"], pareto["stages"]);
}

#[test]
fn a_failing_analysis_is_a_section_error_not_a_crash() {
    let text = PROJECT.replace("[[analysis]]\nkind = \"compare\"\ndata = \"g\"", "[[analysis]]\nkind = \"compare\"\ndata = \"d\"");
    let (dir, p) = project(&text);
    let out = dir.path().join("o");
    let o = qce(&["report", p.to_str().unwrap(), "--out", out.to_str().unwrap(), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert!(r["sections"][1]["error"].as_str().unwrap().contains("value"), "{}", r["sections"][1]["error"]);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("This analysis could not run"));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Analyses that could not run"));
}

/// With a third stage in the file, compare still compares the two named stages, with the
/// same Welch test as `qce test t2` on a file holding only those two stages.
#[test]
fn three_stages_compare_the_two_named() {
    let text = std::fs::read_to_string(CSV).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for l in lines.iter_mut().skip(201) {
        *l = l.replace("改进后", "巩固期");
    }
    let dir = tempfile::tempdir().unwrap();
    let three = dir.path().join("three.csv");
    std::fs::write(&three, lines.join("\n") + "\n").unwrap();
    let two = dir.path().join("two.csv");
    std::fs::write(&two, lines[..201].join("\n") + "\n").unwrap();
    let f3 = three.to_str().unwrap();
    let v = json(&["compare", f3, "--value", "直径", "--phase", "阶段", "--subgroup", "样本号", "--before", "改进前", "--after", "改进后"]);
    assert_eq!(v["after"], "改进后");
    assert_eq!(v["stages"][1]["n"], 75);
    let t = json(&["test", "t2", two.to_str().unwrap(), "--value", "直径", "--group", "阶段"]);
    for k in ["statistic", "df", "p_value", "estimate", "ci"] {
        assert_eq!(v["mean_test"][k], t[k], "{k}");
    }
    let l = json(&["test", "levene", two.to_str().unwrap(), "--value", "直径", "--group", "阶段", "--center", "median"]);
    for k in ["statistic", "p_value"] {
        assert_eq!(v["levene"][k], l[k], "{k}");
    }
}

/// Bonett's test on the demo data against an independent R computation
/// (fixtures/evidence/bonett.R → bonett.txt; uniroot inverts the interval for the p-value).
#[test]
fn bonett_matches_the_r_computation() {
    let expected: std::collections::HashMap<String, f64> = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/evidence/bonett.txt"))
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once(' ').unwrap();
            (k.to_string(), v.parse().unwrap())
        })
        .collect();
    let v = json(COMPARE);
    let b = &v["bonett"];
    let rel = |a: f64, e: f64| ((a - e) / e).abs();
    assert!(rel(b["ratio"].as_f64().unwrap(), expected["ratio"]) < 1e-12);
    assert!(rel(b["ci"][0].as_f64().unwrap(), expected["ci_low"]) < 1e-12);
    assert!(rel(b["ci"][1].as_f64().unwrap(), expected["ci_high"]) < 1e-12);
    assert!(rel(b["kurtosis"].as_f64().unwrap(), expected["kurtosis"]) < 1e-12);
    // Both sides find the root numerically (bisection here, uniroot in R).
    assert!(rel(b["p_value"].as_f64().unwrap(), expected["p_value"]) < 1e-9);
}

const PROBLEMS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/evidence/problems.csv");

/// Every failed check is a card (fixtures/evidence/README.txt says what was planted), and a
/// clearly non-normal small stage switches the mean test to Mann–Whitney.
#[test]
fn failed_checks_are_cards_and_rank_test_takes_over() {
    let v = json(&["compare", PROBLEMS, "--value", "scrap_rate", "--phase", "stage", "--direction", "lower"]);
    let cards: Vec<(String, Option<String>)> = v["checks"].as_array().unwrap().iter().map(|c| (c["id"].as_str().unwrap().to_string(), c["stage"].as_str().map(str::to_string))).collect();
    for (id, stage) in [("unstable", "before"), ("small_sample", "before"), ("small_sample", "after"), ("non_normal", "after")] {
        assert!(cards.contains(&(id.to_string(), Some(stage.to_string()))), "no {id} card for {stage}: {cards:?}");
    }
    assert!(cards.contains(&("no_spec".to_string(), None)));
    for c in v["checks"].as_array().unwrap() {
        assert!(!c["meaning"].as_str().unwrap().is_empty() && !c["action"].as_str().unwrap().is_empty());
    }
    assert_eq!(v["mean_method"], "mann-whitney");
    let mw = json(&["test", "mann-whitney", PROBLEMS, "--value", "scrap_rate", "--group", "stage", "--alpha", "0.05"]);
    assert_eq!(v["mean_test_rank"], mw);
    let en = String::from_utf8(qce(&["compare", PROBLEMS, "--value", "scrap_rate", "--phase", "stage", "--direction", "lower", "--lang", "en"]).stdout).unwrap();
    assert!(en.contains("(Mann–Whitney, p < 0.001; 95% CI of the location shift [-2.410, -1.810])"), "{en}");
    assert!(en.contains("Stage before is not stable: the control chart signals at 6 points (25, 26, 27, 28, 29, 30)"), "{en}");
    let zh = String::from_utf8(qce(&["compare", PROBLEMS, "--value", "scrap_rate", "--phase", "stage", "--direction", "lower", "--lang", "zh"]).stdout).unwrap();
    assert!(zh.contains("before阶段不稳定"), "{zh}");
    assert!(zh.contains("after阶段只有 24 个数据"), "{zh}");
    assert!(zh.contains("但有阶段不稳定"), "{zh}");
}

#[test]
fn compare_analysis_takes_its_args() {
    let text = PROJECT.replace("[[analysis]]\nkind = \"compare\"\ndata = \"g\"", "[[analysis]]\nkind = \"compare\"\ndata = \"g\"\nargs = [\"--direction\", \"lower\", \"--alpha\", \"0.01\"]");
    let (dir, p) = project(&text);
    let out = dir.path().join("o");
    let o = qce(&["report", p.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let c = &r["sections"][1]["comparison"];
    assert_eq!(c["direction"], "lower");
    assert_eq!(c["alpha"], 0.01);
    assert_eq!(c["spec"]["lsl"], 49.985);
    let bad = PROJECT.replace("[[analysis]]\nkind = \"compare\"\ndata = \"g\"", "[[analysis]]\nkind = \"compare\"\ndata = \"g\"\nargs = [\"--frobnicate\"]");
    let (dir, p) = project(&bad);
    let out = dir.path().join("o");
    assert!(qce(&["report", p.to_str().unwrap(), "--out", out.to_str().unwrap()]).status.success());
    let r: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert!(r["sections"][1]["error"].as_str().unwrap().contains("--frobnicate"));
}

#[test]
fn chart_capability_and_test_analyses_run_as_their_commands() {
    let text = format!(
        "{PROJECT}\n[[analysis]]\nkind = \"chart\"\ndata = \"g\"\n\n[[analysis]]\nkind = \"capability\"\ndata = \"g\"\n\n[[analysis]]\nkind = \"test\"\ndata = \"g\"\ntest = \"t2\"\n"
    );
    let (dir, p) = project(&text);
    let out = dir.path().join("o");
    let o = qce(&["report", p.to_str().unwrap(), "--out", out.to_str().unwrap(), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let data = dir.path().join("data.csv");
    let f = data.to_str().unwrap();
    let chart = json(&["chart", "xbar-r", f, "--value", "直径", "--subgroup", "样本号", "--phase", "阶段"]);
    assert_eq!(r["sections"][2]["result"]["stages"], chart["stages"]);
    assert_eq!(r["sections"][2]["command"], "qce chart xbar-r data.csv --value 直径 --subgroup 样本号 --phase 阶段");
    let cap = json(&["capability", f, "--value", "直径", "--subgroup", "样本号", "--phase", "阶段", "--lsl", "49.985", "--usl", "50.015", "--target", "50"]);
    assert_eq!(r["sections"][3]["result"]["stages"], cap["stages"]);
    let t = json(&["test", "t2", f, "--value", "直径", "--group", "阶段"]);
    assert_eq!(r["sections"][4]["result"]["p_value"], t["p_value"]);
    for i in 2..5 {
        assert!(r["sections"][i]["error"].is_null(), "section {i}: {}", r["sections"][i]["error"]);
    }
    assert!(out.join("charts/3-chart.svg").is_file());
    assert!(out.join("charts/4-capability.svg").is_file());
}

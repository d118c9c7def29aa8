//! `qce test` for the rank, count and rate tests, run through the real binary. Expected values
//! come from R (fixtures/tests_rank/cli_expected.R → cli_expected.txt, and the shared
//! reference cases' generators).

use serde_json::Value;
use std::process::{Command, Output};

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tests_rank/");
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

fn close(v: &Value, want: f64, rel: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() <= rel * want.abs() + 1e-15, "got {got:e}, want {want:e}");
}

fn contract_keys(d: &Value) {
    for k in ["test", "method", "statistic", "df", "p_value", "alternative", "estimate", "ci", "conf_level", "conclusion"] {
        assert!(d.get(k).is_some(), "missing key {k} in {d}");
    }
    let p = d["p_value"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
}

#[test]
fn mann_whitney_reference_and_contract() {
    let d = json(&["test", "mann-whitney", &format!("{DATA}toothgrowth.csv"), "--value", "len", "--group", "supp"]);
    contract_keys(&d);
    close(&d["statistic"], 789.5, 1e-12);
    close(&d["u"], 324.5, 1e-12);
    close(&d["p_value"], 0.064490672133835691, 1e-9);
    close(&d["estimate"], -4.0, 1e-12);
    assert_eq!(d["groups"][0]["name"], "VC");
    assert!(d["conclusion"].as_str().unwrap().contains("not statistically significant"));
    let ci = d["ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() < -4.0 && ci[1].as_f64().unwrap() > -4.0);
}

#[test]
fn one_sided_interval_has_a_null_bound() {
    let d = json(&["test", "mann-whitney", &format!("{DATA}toothgrowth.csv"), "--value", "len", "--group", "supp", "--alternative", "less"]);
    assert_eq!(d["alternative"], "less");
    assert!(d["ci"][0].is_null());
    assert!(d["ci"][1].as_f64().is_some());
    // R: wilcox.test(VC, OJ, alternative="less", exact=FALSE, correct=TRUE)$p.value = half the two-sided p here.
    close(&d["p_value"], 0.064490672133835691 / 2.0, 1e-9);
}

#[test]
fn chinese_conclusion_in_chinese() {
    let out = qce(&["test", "kruskal", &format!("{FIX}cli_groups.csv"), "--value", "直径", "--group", "班组", "--lang", "zh"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("甲班") && text.contains("统计显著"), "{text}");
    // one blank cell in 直径 is reported
    assert!(String::from_utf8_lossy(&out.stderr).contains("直径"));
}

#[test]
fn kruskal_matches_r() {
    let d = json(&["test", "kruskal", &format!("{FIX}cli_groups.csv"), "--value", "直径", "--group", "班组"]);
    contract_keys(&d);
    close(&d["statistic"], 9.0549450549450583, 1e-12);
    close(&d["p_value"], 0.010807958398485348, 1e-9);
    assert_eq!(d["df"], 2);
    assert_eq!(d["groups"].as_array().unwrap().len(), 3);
}

#[test]
fn wilcoxon_paired_matches_r() {
    let d = json(&["test", "wilcoxon", &format!("{FIX}cli_groups.csv"), "--value", "改进前,改进后"]);
    contract_keys(&d);
    close(&d["statistic"], 91.0, 1e-12);
    close(&d["p_value"], 0.0016562478038332142, 1e-9);
    assert_eq!(d["n"], 13);
    assert_eq!(d["paired"], true);
}

#[test]
fn wilcoxon_reference_cases() {
    let d = json(&["test", "wilcoxon", &format!("{DATA}plantgrowth.csv"), "--value", "weight", "--mu", "5"]);
    close(&d["statistic"], 260.5, 1e-12);
    close(&d["p_value"], 0.57162544428344808, 1e-9);
    close(&d["estimate"], 5.09, 1e-12);
    let d = json(&["test", "wilcoxon", &format!("{DATA}sleep_wide.csv"), "--value", "drug1,drug2"]);
    close(&d["p_value"], 0.0090906980159250559, 1e-9);
    close(&d["estimate"], -1.3, 1e-12);
}

#[test]
fn chisq_small_expected_warns_and_gives_fisher() {
    let out = qce(&["test", "chisq", &format!("{FIX}cli_counts.csv"), "--row", "阶段", "--col", "缺陷", "--count", "数量", "--json"]);
    assert!(out.status.success());
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    contract_keys(&d);
    close(&d["statistic"], 0.41999999999999993, 1e-12);
    close(&d["p_value"], 0.51693704426449005, 1e-9);
    close(&d["fisher_p_value"], 0.59752321981424139, 1e-12);
    assert_eq!(d["df"], 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Fisher"), "{err}");
}

#[test]
fn chisq_reference_rows() {
    let d = json(&["test", "chisq", &format!("{DATA}defects.csv"), "--row", "阶段", "--col", "缺陷类型"]);
    close(&d["statistic"], 15.710286606668184, 1e-12);
    close(&d["p_value"], 0.0077217869239329254, 1e-9);
    assert_eq!(d["df"], 5);
    assert!(d["fisher_p_value"].is_null());
}

#[test]
fn prop2_from_file_and_counts() {
    let d = json(&["test", "prop2", &format!("{FIX}cli_counts.csv"), "--events", "数量", "--trials", "检验数", "--group", "阶段"]);
    contract_keys(&d);
    close(&d["p_value"], 0.040352599698800715, 1e-9);
    close(&d["fisher_p_value"], 0.047936917479680187, 1e-12);
    close(&d["estimate"], 15.0 / 780.0 - 6.0 / 805.0, 1e-12);
    assert_eq!(d["groups"][0]["name"], "改进前");
    assert!(d["power"].as_f64().unwrap() > 0.0 && d["n_per_group_80"].as_u64().unwrap() > 0);
    let d = json(&["test", "prop2", "--counts", "23/500,9/480"]);
    close(&d["statistic"], 2.3994185246282305, 1e-12);
    close(&d["ci"][0], 0.0052408979173193433, 1e-12);
    assert!(d["n_per_group_90"].as_u64().unwrap() > d["n_per_group_80"].as_u64().unwrap());
}

#[test]
fn poisson2_from_file_and_counts() {
    let d = json(&["test", "poisson2", &format!("{FIX}cli_counts.csv"), "--value", "数量", "--group", "阶段", "--size", "工时"]);
    contract_keys(&d);
    close(&d["p_value"], 0.050505176909464537, 1e-9);
    close(&d["estimate"], 2.5471698113207553, 1e-12);
    let d = json(&["test", "poisson2", "--counts", "12/100,5/120"]);
    close(&d["p_value"], 0.049641789246622901, 1e-9);
    close(&d["estimate"], 2.88, 1e-12);
}

#[test]
fn errors_have_the_contract_exit_codes() {
    // three groups for a two-group test: analysis impossible
    let out = qce(&["test", "mann-whitney", &format!("{FIX}cli_groups.csv"), "--value", "直径", "--group", "班组"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kruskal"));
    // missing option: usage
    assert_eq!(qce(&["test", "kruskal", &format!("{FIX}cli_groups.csv"), "--value", "直径"]).status.code(), Some(2));
    assert_eq!(qce(&["test", "prop2", "--counts", "23-500"]).status.code(), Some(2));
    assert_eq!(qce(&["test", "prop2", "--counts", "23/500,9/480", "--alternative", "bigger"]).status.code(), Some(2));
    // unknown column: input
    let out = qce(&["test", "kruskal", &format!("{FIX}cli_groups.csv"), "--value", "直经", "--group", "班组", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["error"]["kind"], "input");
    // events above trials: analysis
    assert_eq!(qce(&["test", "prop2", "--counts", "23/20,9/480"]).status.code(), Some(4));
}

#[test]
fn samples_in_separate_columns() {
    // Mann-Whitney on two columns (no --group) equals the stacked layout: R
    // wilcox.test(改进前, 改进后[!is.na(改进后)], exact=FALSE, correct=TRUE): same rank sum as stacking.
    let d = json(&["test", "mann-whitney", &format!("{FIX}cli_groups.csv"), "--value", "改进前,改进后"]);
    assert_eq!(d["groups"][0]["name"], "改进前");
    assert_eq!(d["groups"][0]["n"], 14);
    assert_eq!(d["groups"][1]["n"], 13);
    assert!(d["p_value"].as_f64().unwrap() < 0.01);
}

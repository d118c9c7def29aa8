//! Every command names the columns it used with the same extension keys: `column` (the
//! analysed value or category column), `group` (the group column), `row`/`col` (chisq) and
//! `phase` (the stage column), each the column's header text.

use serde_json::Value;
use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/data/");

fn json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_qce")).args(args).arg("--json").output().expect("run qce");
    assert!(out.status.success(), "qce {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn keys(d: &Value) -> [Option<&str>; 5] {
    ["column", "group", "phase", "row", "col"].map(|k| d.get(k).and_then(Value::as_str))
}

#[test]
fn column_group_phase_keys_are_one_scheme() {
    let improve = format!("{DATA}improve.csv");
    let tooth = format!("{DATA}toothgrowth.csv");
    let defects = format!("{DATA}defects.csv");
    let value_phase = [Some("直径"), None, Some("阶段"), None, None];
    // --phase by position resolves to the header text.
    assert_eq!(keys(&json(&["chart", "i-mr", &improve, "--value", "直径", "--phase", "#3"])), value_phase);
    assert_eq!(keys(&json(&["capability", &improve, "--value", "直径", "--phase", "阶段", "--lsl", "9.9", "--usl", "10.1"])), value_phase);
    assert_eq!(keys(&json(&["audit", &improve, "--value", "直径", "--phase", "阶段"])), value_phase);
    assert_eq!(keys(&json(&["pareto", &defects, "--category", "缺陷类型", "--phase", "阶段"])), [Some("缺陷类型"), None, Some("阶段"), None, None]);
    assert_eq!(keys(&json(&["pareto", &defects, "--category", "缺陷类型"])), [Some("缺陷类型"), None, None, None, None]);
    let value_group = [Some("len"), Some("supp"), None, None, None];
    assert_eq!(keys(&json(&["describe", &tooth, "--value", "len", "--by", "supp"])), value_group);
    for test in ["t2", "mann-whitney", "kruskal", "anova"] {
        assert_eq!(keys(&json(&["test", test, &tooth, "--value", "len", "--group", "supp"])), value_group, "test {test}");
    }
    assert_eq!(keys(&json(&["test", "chisq", &defects, "--row", "阶段", "--col", "缺陷类型"])), [None, None, None, Some("阶段"), Some("缺陷类型")]);
}

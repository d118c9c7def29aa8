//! `qce test` for the normality and parametric tests, run as a user would: the real binary on
//! the shared reference data (expected values from R 4.2.2, see
//! ../shared/reference/CONVENTIONS.md "test" and the cases under cases/test) and on small
//! files written here.

use serde_json::Value;
use std::process::Command;

const QCE: &str = env!("CARGO_BIN_EXE_qce");

fn data(name: &str) -> String {
    format!("{}/../shared/reference/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Run qce with --json; (exit code, parsed stdout, stderr).
fn qce(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(QCE).args(args).arg("--json").output().expect("run qce");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn ok(args: &[&str]) -> Value {
    let (code, json, err) = qce(args);
    assert_eq!(code, 0, "qce {args:?} failed: {err}");
    json
}

fn close(v: &Value, want: f64, rel: f64) -> bool {
    v.as_f64().is_some_and(|g| (g - want).abs() <= rel * want.abs().max(1e-300))
}

/// Every key of the contract's `test` shape is present.
fn has_contract_keys(doc: &Value) {
    for k in ["test", "method", "statistic", "df", "p_value", "alternative", "estimate", "ci", "conf_level", "conclusion"] {
        assert!(doc.get(k).is_some(), "missing key {k} in {doc}");
    }
}

#[test]
fn t2_welch_sleep_has_contract_shape_and_power() {
    // R 4.2.2: t.test(extra[group==1], extra[group==2])
    let d = ok(&["test", "t2", &data("sleep.csv"), "--value", "extra", "--group", "group"]);
    has_contract_keys(&d);
    assert!(close(&d["statistic"], -1.860813467486853, 1e-10));
    assert!(close(&d["p_value"], 0.07939414018735817, 1e-9));
    assert!(close(&d["ci"][0], -3.3654832307117104, 1e-9));
    assert_eq!(d["alternative"], "two-sided");
    // R 4.2.2: power.t.test(n=10, delta=1.58, sd=sqrt((var(x)+var(y))/2), strict=TRUE)
    let p = &d["power"];
    assert!(p["power"].as_f64().unwrap() > 0.3 && p["power"].as_f64().unwrap() < 0.5);
    assert!(p["n_per_group_80"].as_u64().unwrap() > 10);
    assert!(d["conclusion"].as_str().unwrap().contains("not statistically significant"));
}

#[test]
fn one_sided_t_has_open_interval_as_null() {
    let d = ok(&["test", "t2", &data("sleep.csv"), "--value", "extra", "--group", "group", "--alternative", "less"]);
    assert!(d["ci"][0].is_null() && d["ci"][1].is_number());
    assert!(close(&d["p_value"], 0.039697070093679086, 1e-9));
}

#[test]
fn paired_and_t1_match_r() {
    // R 4.2.2: t.test(drug1, drug2, paired=TRUE); t.test(len, mu=18)
    let d = ok(&["test", "paired", &data("sleep_wide.csv"), "--value", "drug1,drug2"]);
    assert!(close(&d["statistic"], -4.062127683382037, 1e-10));
    assert!(close(&d["estimate"], -1.58, 1e-12));
    let d = ok(&["test", "t1", &data("toothgrowth.csv"), "--value", "len", "--mu", "18"]);
    assert!(close(&d["p_value"], 0.4134780560557717, 1e-9));
    assert_eq!(d["df"], 59.0);
}

#[test]
fn anova_reports_tukey_pairs_and_nist_accuracy() {
    let d = ok(&["test", "anova", &data("plantgrowth.csv"), "--value", "weight", "--group", "group"]);
    has_contract_keys(&d);
    assert_eq!(d["df"], serde_json::json!([2.0, 27.0]));
    let tukey = d["tukey"].as_array().unwrap();
    assert_eq!(tukey.len(), 3);
    // R 4.2.2: TukeyHSD(aov(weight ~ group, PlantGrowth)): trt2-trt1 p adj 0.012006423979452729
    assert_eq!(tukey[2]["pair"], "trt2-trt1");
    assert!(close(&tukey[2]["p_adj"], 0.012006423979452729, 1e-7));
    // NIST StRD SmLs03 certified F = 2001 (lower difficulty: 1e-9).
    let d = ok(&["test", "anova", &data("nist-anova/SmLs03.csv"), "--value", "response", "--group", "treatment"]);
    assert!(close(&d["statistic"], 2001.0, 1e-9));
}

#[test]
fn welch_anova_matches_oneway_test() {
    // R 4.2.2: oneway.test(weight ~ group, PlantGrowth, var.equal=FALSE)
    let d = ok(&["test", "anova", &data("plantgrowth.csv"), "--value", "weight", "--group", "group", "--welch"]);
    assert!(close(&d["statistic"], 5.1809724081131892, 1e-10));
    assert!(close(&d["df"][1], 17.128418616644129, 1e-10));
    assert_eq!(d["pairwise_method"], "games-howell");
}

#[test]
fn anova_with_unequal_spreads_suggests_welch() {
    // InsectSprays: sd from 1.7 to 6.2 (Levene p = 0.004).
    let (code, _, err) = qce(&["test", "anova", &data("insectsprays.csv"), "--value", "count", "--group", "spray", "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(err.contains("--welch"), "{err}");
}

#[test]
fn variance_tests_match_r() {
    // R 4.2.2: var.test(len[VC], len[OJ]); bartlett.test(count ~ spray); car::leveneTest(count ~ spray)
    let d = ok(&["test", "f", &data("toothgrowth.csv"), "--value", "len", "--group", "supp"]);
    assert!(close(&d["ci"][1], 3.2900278956625484, 1e-9));
    let d = ok(&["test", "bartlett", &data("insectsprays.csv"), "--value", "count", "--group", "spray"]);
    assert!(close(&d["statistic"], 25.959825320368687, 1e-10));
    assert_eq!(d["df"], 5.0);
    let d = ok(&["test", "levene", &data("insectsprays.csv"), "--value", "count", "--group", "spray"]);
    assert!(close(&d["statistic"], 3.821356313225924, 1e-10));
}

#[test]
fn normality_methods_match_r() {
    let d = ok(&["test", "normality", &data("plantgrowth.csv"), "--value", "weight", "--method", "sw"]);
    assert!(close(&d["statistic"], 0.98268301609858733, 1e-10));
    let d = ok(&["test", "normality", &data("chickwts.csv"), "--value", "weight", "--method", "ks"]);
    assert!(close(&d["p_value"], 0.14192687665666703, 1e-9));
    let d = ok(&["test", "normality", &data("pistonrings.csv"), "--value", "diameter"]);
    assert_eq!(d["method"], "Anderson-Darling");
    assert!(d["estimate"].is_null() && d["df"].is_null());
}

#[test]
fn chinese_conclusion_and_human_table() {
    let out = Command::new(QCE)
        .args(["test", "t2", &data("sleep.csv"), "--value", "extra", "--group", "group", "--lang", "zh"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("不显著") && text.contains("drug1") && text.contains("功效"), "{text}");
}

fn write_csv(body: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::io::Write::write_all(&mut f, body.as_bytes()).unwrap();
    f
}

#[test]
fn errors_have_the_contract_exit_codes() {
    // Three labels for a two-group test: usage error (2) naming the labels.
    let f = write_csv("y,g\n1,a\n2,a\n3,b\n4,b\n5,c\n6,c\n");
    let p = f.path().to_str().unwrap();
    let (code, json, err) = qce(&["test", "t2", p, "--value", "y", "--group", "g"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(json["error"]["kind"], "usage");
    assert!(err.contains("anova"));
    // Constant data: analysis impossible (4).
    let f = write_csv("y,g\n1,a\n1,a\n1,b\n1,b\n");
    let (code, _, _) = qce(&["test", "t2", f.path().to_str().unwrap(), "--value", "y", "--group", "g"]);
    assert_eq!(code, 4);
    // Too few values for Anderson-Darling (n < 8, nortest's rule).
    let f = write_csv("y\n1\n2\n3\n5\n");
    let (code, _, err) = qce(&["test", "normality", f.path().to_str().unwrap(), "--value", "y"]);
    assert_eq!(code, 4, "{err}");
    // Unknown column: input error (3).
    let (code, _, _) = qce(&["test", "t1", &data("toothgrowth.csv"), "--value", "nope"]);
    assert_eq!(code, 3);
    // Bad --alternative: usage (2).
    let (code, _, _) = qce(&["test", "t1", &data("toothgrowth.csv"), "--value", "len", "--alternative", "sideways"]);
    assert_eq!(code, 2);
}

#[test]
fn small_skewed_groups_warn_about_normality() {
    let f = write_csv("y,g\n1,a\n1.1,a\n0.9,a\n1.05,a\n0.95,a\n1,a\n9,a\n2,b\n2.1,b\n1.9,b\n2.05,b\n1.95,b\n2,b\n2.02,b\n");
    let (code, _, err) = qce(&["test", "t2", f.path().to_str().unwrap(), "--value", "y", "--group", "g", "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(err.contains("non-normal") && err.contains("mann-whitney"), "{err}");
}

#[test]
fn groups_keep_first_appearance_order_and_swap_flips_sign() {
    let f1 = write_csv("y,g\n5,b\n6,b\n7,b\n1,a\n2,a\n4,a\n");
    let f2 = write_csv("y,g\n1,a\n2,a\n4,a\n5,b\n6,b\n7,b\n");
    let d1 = ok(&["test", "t2", f1.path().to_str().unwrap(), "--value", "y", "--group", "g"]);
    let d2 = ok(&["test", "t2", f2.path().to_str().unwrap(), "--value", "y", "--group", "g"]);
    assert_eq!(d1["groups"][0]["name"], "b");
    assert!(close(&d1["statistic"], -d2["statistic"].as_f64().unwrap(), 1e-12));
    assert!(close(&d1["p_value"], d2["p_value"].as_f64().unwrap(), 1e-12));
}

#[test]
fn paired_from_long_layout_and_normality_per_group() {
    // R 4.2.2: t.test(extra ~ group, sleep, paired=TRUE) pairs rows in order: t = -4.062127683382037
    let d = ok(&["test", "paired", &data("sleep.csv"), "--value", "extra", "--group", "group"]);
    assert!(close(&d["statistic"], -4.062127683382037, 1e-10));
    // R 4.2.2: shapiro.test(PlantGrowth$weight[1:10]): W = 0.95668, p = 0.7475
    let d = ok(&["test", "normality", &data("plantgrowth.csv"), "--value", "weight", "--group", "group", "--method", "sw"]);
    assert!(d["statistic"].is_null());
    assert_eq!(d["groups"][0]["name"], "ctrl");
    assert!(close(&d["groups"][0]["statistic"], 0.95668, 1e-4));
}

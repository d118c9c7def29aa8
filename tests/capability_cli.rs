//! `qce capability` end to end: the real binary on the reference data and on
//! fixtures/capability (expected values from R, calls in fixtures/capability/make_fixtures.R).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shared(rel: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/data")).join(rel)
}
fn fixture(rel: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/capability")).join(rel)
}

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

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

#[test]
fn every_contract_key_is_present() {
    let p = shared("pistonrings_phase1.csv");
    let d = json(&["capability", p.to_str().unwrap(), "--value", "diameter", "--subgroup", "sample", "--lsl", "73.95", "--usl", "74.05", "--target", "74"]);
    let s = &d["stages"][0];
    for k in ["name", "n", "mean", "sigma_within", "sigma_overall", "sigma_method", "lsl", "usl", "target", "cp", "cpl", "cpu", "cpk", "cpm", "pp", "ppl", "ppu", "ppk", "ci", "ppm", "normality", "z_bench_within", "z_bench_overall"] {
        assert!(s.get(k).is_some(), "missing {k}");
    }
    for k in ["observed", "expected_within", "expected_overall"] {
        for side in ["below", "above", "total"] {
            assert!(s["ppm"][k][side].is_number(), "ppm.{k}.{side}");
        }
    }
    assert_eq!(s["ci"]["level"], 0.95);
    // Cpm, Minitab's formula, against R (fixtures/capability/cpm.json).
    let r: Value = serde_json::from_str(&std::fs::read_to_string(fixture("cpm.json")).unwrap()).unwrap();
    assert!(close(f(&s["cpm"]), f(&r["cpm_t74"]), 1e-12));
    let pp = p.to_str().unwrap();
    let d2 = json(&["capability", pp, "--value", "diameter", "--subgroup", "sample", "--lsl", "73.95", "--usl", "74.05", "--target", "74.01"]);
    assert!(close(f(&d2["stages"][0]["cpm"]), f(&r["cpm_t7401"]), 1e-12));
    let d3 = json(&["capability", pp, "--value", "diameter", "--subgroup", "sample", "--usl", "74.05", "--target", "74.01"]);
    assert!(close(f(&d3["stages"][0]["cpm"]), f(&r["cpm_usl_only_t7401"]), 1e-12));
    assert!(d.get("comparison").is_none());
}

#[test]
fn conf_level_changes_the_intervals() {
    let p = shared("viscosity_phase1.csv");
    let a = json(&["capability", p.to_str().unwrap(), "--value", "viscosity", "--lsl", "32", "--usl", "36"]);
    let b = json(&["capability", p.to_str().unwrap(), "--value", "viscosity", "--lsl", "32", "--usl", "36", "--conf", "0.90"]);
    let (wa, wb) = (&a["stages"][0]["ci"]["cp"], &b["stages"][0]["ci"]["cp"]);
    assert!(f(&wb[1]) - f(&wb[0]) < f(&wa[1]) - f(&wa[0]));
    assert_eq!(b["stages"][0]["ci"]["level"], 0.9);
}

#[test]
fn analysis_impossible_is_exit_4_with_a_reason() {
    let p = shared("pistonrings_phase1.csv");
    let p = p.to_str().unwrap();
    let out = qce(&["capability", p, "--value", "diameter", "--subgroup", "sample"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--lsl"));
    let out = qce(&["capability", p, "--value", "diameter", "--lsl", "74.05", "--usl", "73.95", "--json"]);
    assert_eq!(out.status.code(), Some(4));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["kind"], "analysis");
    let c = shared("constant.csv");
    let out = qce(&["capability", c.to_str().unwrap(), "--value", "x", "--lsl", "4", "--usl", "6"]);
    assert_eq!(out.status.code(), Some(4));
    let one = shared("one_point.csv");
    let first_col = std::fs::read_to_string(&one).unwrap().lines().next().unwrap().split(',').next().unwrap().trim_matches('"').to_string();
    let out = qce(&["capability", one.to_str().unwrap(), "--value", &first_col, "--lsl", "0", "--usl", "100"]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    // non-normal methods on data they cannot handle
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("neg.csv");
    std::fs::write(&csv, "x\n-1.2\n0.5\n2.1\n1.7\n0.9\n1.1\n").unwrap();
    for extra in [["--transform", "box-cox"], ["--dist", "weibull"]] {
        let mut a = vec!["capability", csv.to_str().unwrap(), "--value", "x", "--usl", "5"];
        a.extend(extra);
        let out = qce(&a);
        assert_eq!(out.status.code(), Some(4), "{extra:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("positive"), "{extra:?}");
    }
    let out = qce(&["capability", p, "--value", "diameter", "--lsl", "73.9", "--usl", "74.1", "--sigma", "bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let out = qce(&["capability", p, "--value", "diameter", "--lsl", "73.9", "--usl", "74.1", "--dist", "weibull", "--transform", "box-cox"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn phases_give_a_comparison_matching_r_tests() {
    let p = shared("improve.csv");
    let d = json(&["capability", p.to_str().unwrap(), "--value", "直径", "--phase", "阶段", "--lsl", "9.95", "--usl", "10.05"]);
    let r: Value = serde_json::from_str(&std::fs::read_to_string(fixture("compare.json")).unwrap()).unwrap();
    let c = &d["comparison"];
    assert_eq!(c["before"], "改进前");
    assert_eq!(c["after"], "改进后");
    assert!(close(f(&c["mean_test"]["statistic"]), f(&r["welch_t"]), 1e-9));
    assert!(close(f(&c["mean_test"]["p_value"]), f(&r["welch_p"]), 1e-9));
    assert!(close(f(&c["variance_test"]["p_value"]), f(&r["f_p"]), 1e-9));
    assert!(close(f(&c["levene_test"]["p_value"]), f(&r["levene_p"]), 1e-9));
    let (a, b) = (&d["stages"][0], &d["stages"][1]);
    assert!(close(f(&c["delta_cpk"]), f(&b["cpk"]) - f(&a["cpk"]), 1e-12));
    let ratio = f(&b["ppm"]["expected_overall"]["total"]) / f(&a["ppm"]["expected_overall"]["total"]);
    assert!(close(f(&c["ppm_ratio"]), ratio, 1e-12));
}

#[test]
fn weibull_percentile_method_matches_r() {
    let r: Value = serde_json::from_str(&std::fs::read_to_string(fixture("fits.json")).unwrap()).unwrap();
    let w = &r["weibull"];
    let p = fixture("weibull80.csv");
    let d = json(&["capability", p.to_str().unwrap(), "--value", "平面度", "--usl", "8", "--lsl", "0.05", "--dist", "weibull"]);
    let s = &d["stages"][0];
    let q: Vec<f64> = w["quantiles"].as_array().unwrap().iter().map(f).collect();
    // ISO 22514-2: Ppu = (USL − X0.5)/(X0.99865 − X0.5), Ppl = (X0.5 − LSL)/(X0.5 − X0.00135)
    assert!(close(f(&s["ppu"]), (8.0 - q[1]) / (q[2] - q[1]), 1e-8));
    assert!(close(f(&s["ppl"]), (q[1] - 0.05) / (q[1] - q[0]), 1e-8));
    assert!(close(f(&s["pp"]), (8.0 - 0.05) / (q[2] - q[0]), 1e-8));
    // expected PPM above: 1e6·exp(−(USL/scale)^shape), R: 1e6*pweibull(8, k, s, lower.tail=FALSE)
    let (k, sc) = (f(&w["shape"]), f(&w["scale"]));
    assert!(close(f(&s["ppm"]["expected_overall"]["above"]), 1e6 * (-(8.0 / sc).powf(k)).exp(), 1e-7));
    assert!(s["cpk"].is_null() && s["ppm"]["expected_within"].is_null());
    assert_eq!(s["distribution"]["distribution"], "weibull");
    let fits = s["fits"].as_array().unwrap();
    assert_eq!(fits[0]["distribution"], "weibull", "the best fit comes first");
    assert!(close(f(&fits[0]["ad_statistic"]), f(&w["ad"]), 1e-8));
}

#[test]
fn box_cox_reports_lambda_and_transformed_limits() {
    let r: Value = serde_json::from_str(&std::fs::read_to_string(fixture("boxcox.json")).unwrap()).unwrap();
    let p = fixture("weibull80.csv");
    let d = json(&["capability", p.to_str().unwrap(), "--value", "平面度", "--usl", "8", "--transform", "box-cox", "--lambda", "0.5"]);
    let t = &d["stages"][0]["transform"];
    assert_eq!(t["lambda"], 0.5);
    assert_eq!(t["lambda_source"], "given");
    assert!(close(f(&t["usl"]), 8f64.sqrt(), 1e-15));
    // MLE λ on a fixture set equals MASS::boxcox's profile maximum.
    let case = &r["cases"][0];
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("y.csv");
    let body: Vec<String> = case["x"].as_array().unwrap().iter().map(|v| v.to_string()).collect();
    std::fs::write(&csv, format!("y\n{}\n", body.join("\n"))).unwrap();
    let d = json(&["capability", csv.to_str().unwrap(), "--value", "y", "--usl", "20", "--transform", "box-cox"]);
    assert!((f(&d["stages"][0]["transform"]["lambda"]) - f(&case["lambda_mle"])).abs() < 1e-6);
}

#[test]
fn non_normal_data_get_a_warning_with_a_suggestion() {
    let p = fixture("weibull80.csv");
    let out = qce(&["capability", p.to_str().unwrap(), "--value", "平面度", "--usl", "8", "--lang", "en"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not normal") && err.contains("--dist weibull"), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Cpk") && text.contains("PPM"));
}

#[test]
fn human_output_in_chinese() {
    let p = shared("improve.csv");
    let out = qce(&["capability", p.to_str().unwrap(), "--value", "直径", "--phase", "阶段", "--lsl", "9.95", "--usl", "10.05", "--lang", "zh"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("过程能力") && text.contains("改进前后对比") && text.contains("Welch"), "{text}");
}

#[test]
fn figure_is_written_as_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let p = shared("improve.csv");
    for name in ["cap.svg", "cap.png"] {
        let out_path = dir.path().join(name);
        let out = qce(&["capability", p.to_str().unwrap(), "--value", "直径", "--phase", "阶段", "--lsl", "9.95", "--usl", "10.05", "--target", "10", "--lang", "zh", "--out", out_path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let bytes = std::fs::read(&out_path).unwrap();
        assert!(bytes.len() > 10_000, "{name} too small");
        if name.ends_with(".svg") {
            let text = String::from_utf8(bytes).unwrap();
            for label in ["能力直方图", "改进前", "改进后", "LSL", "USL", "AD = 0.600"] {
                assert!(text.contains(label), "svg lacks {label}");
            }
        } else {
            assert_eq!(&bytes[1..4], b"PNG");
        }
    }
    let w = fixture("weibull80.csv");
    let svg = dir.path().join("w.svg");
    let out = qce(&["capability", w.to_str().unwrap(), "--value", "平面度", "--usl", "8", "--dist", "weibull", "--out", svg.to_str().unwrap()]);
    assert!(out.status.success());
    let out = qce(&["capability", w.to_str().unwrap(), "--value", "平面度", "--usl", "8", "--out", dir.path().join("x.pdf").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

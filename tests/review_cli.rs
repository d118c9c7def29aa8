//! `qce review` on 50 generated project folders, one broken on purpose: the batch finishes,
//! lists all 50, and the broken one is a row with its error.

use std::path::Path;
use std::process::Command;

const QCE: &str = env!("CARGO_BIN_EXE_qce");

/// The project file template (the schema of `qce report`); `{i}` is the project number.
const TEMPLATE: &str = r#"[project]
name = "提高轴径过程能力 {i}"
enterprise = "第 {i} 机械厂"
team = ["张工", "李工"]
leader = "张工"
theme = "提升质量"
period = { start = 2025-03-01, end = 2025-07-31 }

[goal]
metric = "直径 Cpk"
unit = ""
baseline = 0.8
target = 1.33
direction = "higher"
statistic = "cpk"
data = "d"

[[data]]
id = "d"
file = "data.csv"
value = "直径"
phase = "阶段"
lsl = 9.94
usl = 10.06
before = "改进前"
after = "改进后"

[[analysis]]
kind = "compare"
data = "d"
"#;

/// A small before/after CSV: 30 values each, deterministic (a linear congruential sequence
/// mapped to a bounded symmetric shape), the after stage tighter; `shift` varies projects.
fn data_csv(shift: f64) -> String {
    let mut s = String::from("阶段,直径\n");
    let mut state: u64 = 12345;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        // sum of 4 uniforms, centred: roughly normal with sd ≈ 0.577
        (0..4).map(|k| ((state >> (16 * k)) & 0xFFFF) as f64 / 65535.0).sum::<f64>() - 2.0
    };
    for _ in 0..30 {
        s.push_str(&format!("改进前,{:.3}\n", 10.0 + shift + 0.030 * next()));
    }
    for _ in 0..30 {
        s.push_str(&format!("改进后,{:.3}\n", 10.0 + shift / 2.0 + 0.012 * next()));
    }
    s
}

fn make_projects(root: &Path, n: usize, broken: usize) -> Vec<std::path::PathBuf> {
    (0..n)
        .map(|i| {
            let dir = root.join(format!("project{i:02}"));
            std::fs::create_dir_all(&dir).unwrap();
            let toml = TEMPLATE.replace("{i}", &i.to_string());
            // Broken on purpose: the goal has no target.
            let toml = if i == broken { toml.replace("target = 1.33\n", "") } else { toml };
            std::fs::write(dir.join("project.toml"), toml).unwrap();
            std::fs::write(dir.join("data.csv"), data_csv(0.001 * (i % 7) as f64)).unwrap();
            dir
        })
        .collect()
}

#[test]
fn fifty_projects_one_broken() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = make_projects(tmp.path(), 50, 17);
    let summary = tmp.path().join("out").join("summary.html");
    let out = Command::new(QCE).arg("review").args(&dirs).arg("--out").arg(&summary).args(["--json", "--lang", "zh"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["projects"], 50);
    assert_eq!(doc["failed"], 1, "{:#}", doc["rows"]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 50);
    for (i, r) in rows.iter().enumerate() {
        assert!(r["folder"].as_str().unwrap().ends_with(&format!("project{i:02}")), "order kept");
        if i == 17 {
            assert_eq!(r["status"], "error");
            assert!(r["error"].as_str().unwrap().contains("target"), "{}", r["error"]);
        } else {
            assert_eq!(r["status"], "ok", "{}", r["error"]);
            let s = &r["summary"];
            assert_eq!(s["name"], format!("提高轴径过程能力 {i}"));
            assert!(!s["tests_applied"].as_array().unwrap().is_empty());
            assert!(s["cpk_after"].as_f64().unwrap() > s["cpk_before"].as_f64().unwrap(), "{s}");
            assert_eq!(s["audit_flags"], 0);
            assert!(Path::new(s["index_html"].as_str().unwrap()).is_file());
        }
    }
    let html = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(html.matches("<tr class=\"failed\">").count(), 1);
    assert_eq!(html.matches("index.html\">").count(), 49);
    assert!(html.contains("reports/project00/index.html"));
    let csv = std::fs::read_to_string(summary.with_extension("csv")).unwrap();
    assert_eq!(csv.lines().count(), 51);
    assert_eq!(csv.lines().filter(|l| l.contains(",error,")).count(), 1);
}

/// The summary's figures come from the report: Cpk before/after, target met, improvement.
#[test]
fn summary_carries_cpk_and_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = make_projects(tmp.path(), 1, usize::MAX);
    let summary = tmp.path().join("summary.html");
    let out = Command::new(QCE).arg("review").args(&dirs).arg("--out").arg(&summary).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &doc["rows"][0]["summary"];
    let (before, after) = (s["cpk_before"].as_f64().unwrap(), s["cpk_after"].as_f64().unwrap());
    assert!(after > before, "{s}");
    assert_eq!(s["target_met"], after >= 1.33);
    assert!(s["improvement_percent"].as_f64().unwrap() > 0.0);
    let html = std::fs::read_to_string(&summary).unwrap();
    assert!(html.contains(&format!("{before:.2}")) && html.contains(&format!("{after:.2}")));
}

#[test]
fn a_folder_without_project_file_is_a_row_not_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let missing = tmp.path().join("missing");
    let summary = tmp.path().join("s.html");
    let out = Command::new(QCE).arg("review").arg(&empty).arg(&missing).arg("--out").arg(&summary).args(["--lang", "en"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("2 projects, 0 reports built, 2 failed"), "{text}");
    let csv = std::fs::read_to_string(tmp.path().join("s.csv")).unwrap();
    assert!(csv.contains("holds no project.toml"));
    assert!(csv.contains("is not a folder"));
}

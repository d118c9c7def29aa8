//! Runs the independent reference cases of ../shared/reference/cases (R, scipy, NIST StRD)
//! against the real `qce` binary: the same case format and matching rules as
//! ../shared/reference/run.py, in Rust, so `cargo test` needs no Python. It also runs every
//! case under fixtures/reference-extra/cases (new data, same format; fixtures/reference-extra/README.md
//! says how they were produced).
//!
//! Each area joins `AREAS` when its issue lands. A case believed wrong may be listed in
//! `KNOWN_WRONG` with the evidence; it is then still run and reported, never silently passed.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Areas (sub-folders of cases/) whose commands are built.
const AREAS: &[&str] = &["describe", "chart", "capability", "pareto", "test", "nist"];

/// Cases believed wrong: (id, reason). Empty: every case is expected to pass.
const KNOWN_WRONG: &[(&str, &str)] = &[];

/// ../shared/reference/cases beside the repository; a git worktree one level deeper
/// (e.g. /work/wt/NAME beside /work/main) finds it at ../../shared.
fn cases_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let near = root.join("../shared/reference/cases");
    let far = root.join("../../shared/reference/cases");
    if !near.is_dir() && far.is_dir() { far } else { near }
}

/// The repository's own extra cases (all areas, any depth).
fn extra_cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/reference-extra/cases")
}

/// Follow a case path (`a.b[0]`, `a[*].b`, `a[key=v].b`), as run.py's `resolve`.
fn resolve(doc: &Value, path: &str) -> Result<Value, String> {
    let mut nodes = vec![doc.clone()];
    let (mut star, mut filtered) = (false, false);
    let bytes = path.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        if bytes[pos] == b'[' {
            let end = path[pos..].find(']').ok_or("unclosed [")? + pos;
            let sel = &path[pos + 1..end];
            pos = end + 1;
            let mut out = Vec::new();
            for node in &nodes {
                let arr = node.as_array().ok_or_else(|| format!("[{sel}] on a non-list"))?;
                if sel == "*" {
                    out.extend(arr.iter().cloned());
                    star = true;
                } else if let Some((k, v)) = sel.split_once('=') {
                    out.extend(arr.iter().filter(|e| e.get(k).is_some_and(|x| py_str(x) == v)).cloned());
                    filtered = true;
                } else {
                    let i: i64 = sel.parse().map_err(|_| format!("bad index {sel}"))?;
                    let idx = if i < 0 { arr.len() as i64 + i } else { i };
                    out.push(arr.get(idx as usize).cloned().ok_or_else(|| format!("index [{sel}] out of range"))?);
                }
            }
            nodes = out;
        } else {
            if bytes[pos] == b'.' {
                pos += 1;
            }
            let end = path[pos..].find(['.', '[']).map_or(path.len(), |e| e + pos);
            let key = &path[pos..end];
            pos = end;
            nodes = nodes.iter().map(|n| n.get(key).cloned().ok_or_else(|| format!("no key {key:?}"))).collect::<Result<_, _>>()?;
        }
    }
    if star {
        return Ok(Value::Array(nodes));
    }
    if filtered && nodes.len() != 1 {
        return Err(format!("filter matched {} elements, want 1", nodes.len()));
    }
    nodes.into_iter().next().ok_or_else(|| "empty".to_string())
}

/// Python's str() of a JSON scalar, as run.py compares filter values.
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "True".into() } else { "False".into() },
        Value::Null => "None".into(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => format!("{f:?}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

fn close(got: &Value, want: &Value, rel: f64, abs: f64) -> bool {
    match want {
        Value::Number(w) => {
            let w = w.as_f64().unwrap_or(f64::NAN);
            match got.as_f64() {
                Some(g) => (g - w).abs() <= abs.max(rel * w.abs()),
                None => false,
            }
        }
        Value::Array(ws) => got.as_array().is_some_and(|gs| gs.len() == ws.len() && gs.iter().zip(ws).all(|(g, w)| close(g, w, rel, abs))),
        Value::Object(wm) => got.as_object().is_some_and(|gm| wm.iter().all(|(k, w)| gm.get(k).is_some_and(|g| close(g, w, rel, abs)))),
        other => got == other,
    }
}

fn run_case(path: &Path) -> (String, Vec<String>) {
    let case: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("case file readable")).expect("case is JSON");
    let id = case["id"].as_str().unwrap_or("?").to_string();
    let args: Vec<String> = case["args"].as_array().expect("args").iter().map(|a| a.as_str().unwrap_or("").to_string()).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_qce")).args(&args).arg("--json").current_dir(path.parent().expect("case folder")).output().expect("qce runs");
    let mut fails = Vec::new();
    let want_exit = case.get("exit").and_then(Value::as_i64).unwrap_or(0);
    let code = out.status.code().unwrap_or(-1) as i64;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if code != want_exit {
        fails.push(format!("exit {code}, want {want_exit} ({})", stderr.lines().last().unwrap_or("")));
        return (id, fails);
    }
    for t in case.get("stderr_contains").and_then(Value::as_array).into_iter().flatten() {
        let t = t.as_str().unwrap_or("");
        if !stderr.to_lowercase().contains(&t.to_lowercase()) {
            fails.push(format!("stderr lacks {t:?}"));
        }
    }
    let doc: Value = match serde_json::from_slice(&out.stdout) {
        Ok(d) => d,
        Err(e) => {
            fails.push(format!("stdout is not one JSON document: {e}"));
            return (id, fails);
        }
    };
    let rel = case.get("rel_tol").and_then(Value::as_f64).unwrap_or(1e-9);
    let abs = case.get("abs_tol").and_then(Value::as_f64).unwrap_or(1e-12);
    for exp in case.get("expect").and_then(Value::as_array).into_iter().flatten() {
        let p = exp["path"].as_str().unwrap_or("");
        match resolve(&doc, p) {
            Err(e) => fails.push(format!("{p}: {e}")),
            Ok(got) => {
                let r = exp.get("rel_tol").and_then(Value::as_f64).unwrap_or(rel);
                let a = exp.get("abs_tol").and_then(Value::as_f64).unwrap_or(abs);
                if !close(&got, &exp["value"], r, a) {
                    fails.push(format!("{p}: got {}, want {}", short(&got), short(&exp["value"])));
                }
            }
        }
    }
    (id, fails)
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 200 { format!("{}…", &s[..s.char_indices().take_while(|(i, _)| *i < 200).last().map_or(0, |(i, _)| i)]) } else { s }
}

fn run_area(area: &str) {
    let dir = cases_dir().join(area);
    if !dir.is_dir() {
        panic!("reference cases not found at {} (../shared must sit beside the repository)", dir.display());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("cases dir").filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    files.sort();
    run_files(&format!("reference/{area}"), &files);
}

/// Every `*.json` below `dir`, at any depth.
fn json_files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("cases dir readable").filter_map(Result::ok) {
        let p = entry.path();
        if p.is_dir() {
            json_files_below(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn run_files(label: &str, files: &[PathBuf]) {
    let (mut passed, mut failed) = (0, Vec::new());
    for f in files {
        let (id, fails) = run_case(f);
        if fails.is_empty() {
            passed += 1;
        } else {
            let known = KNOWN_WRONG.iter().find(|(k, _)| *k == id).map(|(_, why)| format!(" [believed wrong: {why}]")).unwrap_or_default();
            for line in fails {
                failed.push(format!("FAIL {id}: {line}{known}"));
            }
        }
    }
    eprintln!("{label}: {passed} passed, {} failed checks", failed.len());
    assert!(failed.is_empty(), "reference cases failed in {label}:\n{}", failed.join("\n"));
}

/// fixtures/reference-extra: every case of every area (they need neither R nor Python).
#[test]
fn reference_extra() {
    let dir = extra_cases_dir();
    assert!(dir.is_dir(), "extra cases not found at {}", dir.display());
    let mut files = Vec::new();
    json_files_below(&dir, &mut files);
    files.sort();
    assert!(files.len() >= 100, "only {} extra cases found under {}", files.len(), dir.display());
    run_files("reference-extra", &files);
}

#[test]
fn harness_resolves_paths_like_run_py() {
    let doc: Value = serde_json::json!({"groups": [{"name": "a", "n": 1}, {"name": "b", "n": 2}], "x": {"y": [1, 2]}});
    assert_eq!(resolve(&doc, "groups[name=b].n").unwrap(), serde_json::json!(2));
    assert_eq!(resolve(&doc, "groups[*].name").unwrap(), serde_json::json!(["a", "b"]));
    assert_eq!(resolve(&doc, "x.y[1]").unwrap(), serde_json::json!(2));
    assert!(resolve(&doc, "groups[name=c].n").is_err());
    assert!(close(&serde_json::json!(1.0 + 1e-10), &serde_json::json!(1.0), 1e-9, 1e-12));
    assert!(!close(&serde_json::json!(1.1), &serde_json::json!(1.0), 1e-9, 1e-12));
}

macro_rules! area_test {
    ($name:ident, $area:literal) => {
        #[test]
        fn $name() {
            if AREAS.contains(&$area) {
                run_area($area);
            } else {
                eprintln!("reference/{}: area not built yet, skipped", $area);
            }
        }
    };
}

area_test!(reference_describe, "describe");
area_test!(reference_chart, "chart");
area_test!(reference_capability, "capability");
area_test!(reference_test, "test");
area_test!(reference_nist, "nist");
area_test!(reference_pareto, "pareto");

//! Batch review: the report of every project folder, built in parallel, and one summary table
//! (HTML and CSV) with a row per project. A project that fails is a row with its error, never
//! a crash of the batch.
//!
//! The report itself is built by a [`ReportBuilder`] (the CLI plugs in `qce report`); this
//! module only schedules, collects and writes the summary, so it is tested with a stand-in
//! builder.

use crate::error::{QceError, Result};
use crate::i18n::Lang;
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What the summary shows of one project's report.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ProjectSummary {
    /// Project name (project file `[project] name`).
    pub name: String,
    /// Enterprise, when given.
    pub enterprise: Option<String>,
    /// Goal target met (`None`: not judged).
    pub target_met: Option<bool>,
    /// Improvement in percent of the baseline (signed, in the goal's direction as computed).
    pub improvement_percent: Option<f64>,
    /// Cpk of the before stage (first compare/capability analysis with limits).
    pub cpk_before: Option<f64>,
    /// Cpk of the after stage.
    pub cpk_after: Option<f64>,
    /// Statistical methods applied (table A.1 技术手段).
    pub tests_applied: Vec<String>,
    /// Audit flags over all data sets (`None`: no audit could run).
    pub audit_flags: Option<usize>,
    /// Codes of those flags (e.g. `digit_preference`), each once, in report order.
    pub audit_flag_codes: Vec<String>,
    /// Path of the report's index.html.
    pub index_html: PathBuf,
}

/// Builds one project's report into a folder and returns its summary.
pub trait ReportBuilder: Sync {
    /// Build the report of `project_file` into `out_dir`.
    fn build(&self, project_file: &Path, out_dir: &Path, lang: Lang) -> Result<ProjectSummary>;
}

/// One row of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewRow {
    /// The folder as given on the command line.
    pub folder: String,
    /// The project file used.
    pub project_file: String,
    /// Folder the report was written to.
    pub report_dir: String,
    /// `"ok"` or `"error"`.
    pub status: &'static str,
    /// The report's summary (when it was built).
    pub summary: Option<ProjectSummary>,
    /// Why the report could not be built.
    pub error: Option<String>,
    /// Wall time of this project's report, in seconds.
    pub seconds: f64,
}

/// The project file of a folder: `DIR/project.toml`, or DIR itself when it is a `.toml` file.
pub fn project_file(dir: &Path) -> Result<PathBuf> {
    if dir.is_file() && dir.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
        return Ok(dir.to_path_buf());
    }
    if !dir.is_dir() {
        return Err(QceError::input(format!("'{}' is not a folder. Give project folders, each holding a project.toml.", dir.display())).with_file(dir.display().to_string()));
    }
    let p = dir.join("project.toml");
    if p.is_file() {
        Ok(p)
    } else {
        Err(QceError::input(format!("'{}' holds no project.toml. Each project folder needs its project file (see `qce report --help`).", dir.display())).with_file(dir.display().to_string()))
    }
}

/// A file-system-safe, unique folder name for each project's report (its folder's name;
/// `-2`, `-3`... for repeats).
fn report_names(dirs: &[PathBuf]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    dirs.iter()
        .enumerate()
        .map(|(i, d)| {
            let base = d
                .file_stem()
                .filter(|s| !(d.is_file() && *s == "project"))
                .or_else(|| d.parent().and_then(|p| p.file_name()))
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| format!("project-{}", i + 1));
            let base: String = base.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
            let k = seen.entry(base.clone()).or_insert(0);
            *k += 1;
            if *k == 1 { base } else { format!("{base}-{k}") }
        })
        .collect()
}

/// Build every project's report under `reports_root/<folder name>/`, in parallel (rayon's
/// pool: one thread per core), in the order given. Errors and panics become error rows.
pub fn review(dirs: &[PathBuf], reports_root: &Path, builder: &dyn ReportBuilder, lang: Lang) -> Vec<ReviewRow> {
    let names = report_names(dirs);
    dirs.par_iter()
        .zip(names.par_iter())
        .map(|(dir, name)| {
            let start = std::time::Instant::now();
            let out_dir = reports_root.join(name);
            let file = project_file(dir);
            let built = file.as_ref().map_err(Clone::clone).and_then(|f| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.build(f, &out_dir, lang)))
                    .unwrap_or_else(|_| Err(QceError::analysis("the report builder stopped unexpectedly (internal error); please report this project file")))
            });
            let (summary, error) = match built {
                Ok(s) => (Some(s), None),
                Err(e) => (None, Some(e.message)),
            };
            ReviewRow {
                folder: dir.display().to_string(),
                project_file: file.map(|f| f.display().to_string()).unwrap_or_default(),
                report_dir: out_dir.display().to_string(),
                status: if error.is_none() { "ok" } else { "error" },
                summary,
                error,
                seconds: start.elapsed().as_secs_f64(),
            }
        })
        .collect()
}

/// The summary of a built report, read from its `report.json` document (the report's stable
/// output): `project.info.name|enterprise`, `goal.met|improvement_percent`, Cpk before/after
/// from the first compare section (`comparison.cpk.before|after`) or else the first
/// capability section with two stages (`result.stages[].cpk`), the methods applied
/// (`methods[].method`, each once) and the audit flags (`audits[].result.flag_count`, summed;
/// `None` when no audit ran).
pub fn summary_from_report_json(doc: &serde_json::Value, index_html: &Path) -> ProjectSummary {
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string).filter(|s| !s.is_empty());
    let sections = doc["sections"].as_array().cloned().unwrap_or_default();
    let from_compare = sections.iter().find_map(|s| {
        let c = &s["comparison"]["cpk"];
        (c["before"].is_number() || c["after"].is_number()).then(|| (c["before"].as_f64(), c["after"].as_f64()))
    });
    let from_capability = || {
        sections.iter().filter(|s| s["kind"] == "capability").find_map(|s| {
            let st = s["result"]["stages"].as_array()?;
            (st.len() >= 2).then(|| (st[0]["cpk"].as_f64(), st[st.len() - 1]["cpk"].as_f64()))
        })
    };
    let (cpk_before, cpk_after) = from_compare.or_else(from_capability).unwrap_or((None, None));
    let mut tests_applied: Vec<String> = Vec::new();
    for m in doc["methods"].as_array().into_iter().flatten() {
        if let Some(name) = text(&m["method"]) {
            if !tests_applied.contains(&name) {
                tests_applied.push(name);
            }
        }
    }
    let audits: Vec<usize> = doc["audits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["result"]["flag_count"].as_u64().or_else(|| a["result"]["flags"].as_array().map(|f| f.len() as u64)))
        .map(|n| n as usize)
        .collect();
    let mut audit_flag_codes: Vec<String> = Vec::new();
    for f in doc["audits"].as_array().into_iter().flatten().flat_map(|a| a["result"]["flags"].as_array().into_iter().flatten()) {
        if let Some(code) = text(&f["code"]) {
            if !audit_flag_codes.contains(&code) {
                audit_flag_codes.push(code);
            }
        }
    }
    ProjectSummary {
        audit_flag_codes,
        name: text(&doc["project"]["info"]["name"]).unwrap_or_default(),
        enterprise: text(&doc["project"]["info"]["enterprise"]),
        target_met: doc["goal"]["met"].as_bool(),
        improvement_percent: doc["goal"]["improvement_percent"].as_f64(),
        cpk_before,
        cpk_after,
        tests_applied,
        audit_flags: (!audits.is_empty()).then(|| audits.iter().sum()),
        index_html: index_html.to_path_buf(),
    }
}

fn num(x: Option<f64>, decimals: usize) -> String {
    x.filter(|v| v.is_finite()).map(|v| format!("{v:.decimals$}")).unwrap_or_default()
}

fn met_text(m: Option<bool>, lang: Lang) -> &'static str {
    match m {
        Some(true) => lang.t("是", "yes"),
        Some(false) => lang.t("否", "no"),
        None => lang.t("无法判定", "not judged"),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The summary as CSV (UTF-8 with a BOM so that Excel shows Chinese text), one row per project.
pub fn summary_csv(rows: &[ReviewRow]) -> String {
    let mut s = String::from("\u{feff}folder,name,status,target_met,improvement_percent,cpk_before,cpk_after,tests_applied,audit_flags,audit_flag_codes,report,error\n");
    for r in rows {
        let sum = r.summary.clone().unwrap_or_default();
        let fields = [
            r.folder.clone(),
            sum.name.clone(),
            r.status.to_string(),
            r.summary.as_ref().map(|s| s.target_met.map(|m| m.to_string()).unwrap_or_default()).unwrap_or_default(),
            num(sum.improvement_percent, 2),
            num(sum.cpk_before, 3),
            num(sum.cpk_after, 3),
            sum.tests_applied.join("; "),
            sum.audit_flags.map(|n| n.to_string()).unwrap_or_default(),
            sum.audit_flag_codes.join("; "),
            if r.summary.is_some() { sum.index_html.display().to_string() } else { String::new() },
            r.error.clone().unwrap_or_default(),
        ];
        s.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        s.push('\n');
    }
    s
}

/// Escape text for HTML (element content and quoted attributes).
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A link target for `file` from a page in `page_dir`: relative when below it, else a
/// `file://` URL of the absolute path. Path segments are percent-encoded where needed.
fn link(file: &Path, page_dir: &Path) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (f, d) = (abs(file), abs(page_dir));
    let (path, prefix) = match f.strip_prefix(&d) {
        Ok(rel) => (rel.to_path_buf(), ""),
        Err(_) => (f.clone(), "file://"),
    };
    let enc: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .filter(|c| c != "/")
        .map(|c| c.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect())
        .collect();
    let lead = if prefix.is_empty() { "" } else { "/" };
    format!("{prefix}{lead}{}", enc.join("/"))
}

/// The summary page: one self-contained HTML file (inline CSS, no script, no network), a row
/// per project with a link to its report; failing projects show their error.
pub fn summary_html(rows: &[ReviewRow], page_dir: &Path, lang: Lang) -> String {
    let ok = rows.iter().filter(|r| r.error.is_none()).count();
    let met = rows.iter().filter(|r| r.summary.as_ref().is_some_and(|s| s.target_met == Some(true))).count();
    let flagged = rows.iter().filter(|r| r.summary.as_ref().is_some_and(|s| s.audit_flags.unwrap_or(0) > 0)).count();
    let t = |zh: &'static str, en: &'static str| lang.t(zh, en);
    let mut h = String::new();
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>{}</style></head><body>\n",
        t("zh-CN", "en"),
        t("质量攻关项目评审汇总", "Quality-breakthrough projects: review summary"),
        CSS
    ));
    h.push_str(&format!("<h1>{}</h1>\n", t("质量攻关项目评审汇总", "Quality-breakthrough projects: review summary")));
    h.push_str(&format!(
        "<p class=\"totals\">{}</p>\n",
        match lang {
            Lang::Zh => format!("共 {} 个项目：报告生成 {ok} 个，失败 {} 个；目标达成 {met} 个；有数据审查提示 {flagged} 个。", rows.len(), rows.len() - ok),
            Lang::En => format!("{} projects: {ok} reports built, {} failed; target met in {met}; audit flags in {flagged}.", rows.len(), rows.len() - ok),
        }
    ));
    let heads = [
        t("#", "#"),
        t("项目", "Project"),
        t("目标达成", "Target met"),
        t("改进幅度", "Improvement"),
        t("改进前 Cpk", "Cpk before"),
        t("改进后 Cpk", "Cpk after"),
        t("统计方法", "Methods applied"),
        t("审查提示", "Audit flags"),
        t("报告", "Report"),
    ];
    h.push_str("<table>\n<thead><tr>");
    for hd in heads {
        h.push_str(&format!("<th>{}</th>", escape(hd)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (i, r) in rows.iter().enumerate() {
        match (&r.summary, &r.error) {
            (Some(s), None) => {
                let met_class = match s.target_met {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "na",
                };
                let flags = match s.audit_flags {
                    Some(0) => "0".to_string(),
                    Some(n) => format!("<span class=\"flag\">⚑ {n}</span><div class=\"sub\">{}</div>", escape(&s.audit_flag_codes.join(", "))),
                    None => "–".to_string(),
                };
                h.push_str(&format!(
                    "<tr><td>{}</td><td>{}<div class=\"sub\">{}</div></td><td class=\"{met_class}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{flags}</td><td><a href=\"{}\">{}</a></td></tr>\n",
                    i + 1,
                    escape(&s.name),
                    escape(&[s.enterprise.clone().unwrap_or_default(), r.folder.clone()].iter().filter(|x| !x.is_empty()).cloned().collect::<Vec<_>>().join(" · ")),
                    met_text(s.target_met, lang),
                    s.improvement_percent.filter(|v| v.is_finite()).map(|v| format!("{v:+.1}%")).unwrap_or_else(|| "–".into()),
                    s.cpk_before.filter(|v| v.is_finite()).map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into()),
                    s.cpk_after.filter(|v| v.is_finite()).map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into()),
                    escape(&s.tests_applied.join("、")),
                    escape(&link(&s.index_html, page_dir)),
                    t("打开", "open"),
                ));
            }
            _ => {
                h.push_str(&format!(
                    "<tr class=\"failed\"><td>{}</td><td>{}</td><td colspan=\"7\">{}{}</td></tr>\n",
                    i + 1,
                    escape(&r.folder),
                    t("报告未能生成：", "Report not built: "),
                    escape(r.error.as_deref().unwrap_or("")),
                ));
            }
        }
    }
    h.push_str("</tbody></table>\n");
    h.push_str(&format!(
        "<p class=\"note\">{}</p>\n</body></html>\n",
        t(
            "“审查提示”是值得向项目组提问的数据模式（末位数字偏好、重复数据块、规格限附近堆积等），并非结论；详见各报告的印证材料部分。",
            "Audit flags are data patterns that deserve a question to the team (digit preference, repeated blocks, pile-up at a limit...), not conclusions; see each report's evidence section."
        )
    ));
    h
}

const CSS: &str = "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}\
h1{font-size:1.4em}table{border-collapse:collapse;width:100%;font-size:.92em}\
th,td{border:1px solid #ccc;padding:.35em .5em;vertical-align:top}th{background:#f2f4f7;text-align:left}\
td.num{text-align:right;white-space:nowrap}.sub{color:#777;font-size:.85em}\
td.yes{color:#176b2c;font-weight:600}td.no{color:#a33;font-weight:600}td.na{color:#777}\
tr.failed td{background:#fff3f3;color:#a33}.flag{color:#b35c00;font-weight:600}\
.totals{font-size:1.05em}.note{color:#666;font-size:.85em}\
@media print{body{margin:0}@page{size:A4 landscape;margin:12mm}a{color:inherit}}";

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;

    impl ReportBuilder for Fake {
        fn build(&self, project_file: &Path, out_dir: &Path, _lang: Lang) -> Result<ProjectSummary> {
            let text = std::fs::read_to_string(project_file).map_err(|e| QceError::input(e.to_string()))?;
            if text.contains("broken") {
                return Err(QceError::input(format!("{}: line 1, key 'goal': broken on purpose", project_file.display())));
            }
            if text.contains("panic") {
                panic!("builder bug");
            }
            std::fs::create_dir_all(out_dir).map_err(|e| QceError::input(e.to_string()))?;
            let index = out_dir.join("index.html");
            std::fs::write(&index, "<html></html>").map_err(|e| QceError::input(e.to_string()))?;
            Ok(ProjectSummary {
                name: text.trim().to_string(),
                target_met: Some(true),
                improvement_percent: Some(12.5),
                cpk_before: Some(0.8),
                cpk_after: Some(1.4),
                tests_applied: vec!["Welch t".into(), "<b>Bonett</b>".into()],
                audit_flags: Some(0),
                index_html: index,
                ..Default::default()
            })
        }
    }

    #[test]
    fn every_folder_is_a_row_even_when_it_fails() {
        let tmp = tempfile::tempdir().unwrap();
        let mut dirs = Vec::new();
        for i in 0..12 {
            let d = tmp.path().join(format!("p{i:02}"));
            std::fs::create_dir_all(&d).unwrap();
            let body = match i {
                3 => "broken".to_string(),
                5 => "panic".to_string(),
                _ => format!("项目 {i}"),
            };
            if i != 7 {
                std::fs::write(d.join("project.toml"), body).unwrap();
            }
            dirs.push(d);
        }
        let out = tmp.path().join("review");
        let rows = review(&dirs, &out.join("reports"), &Fake, Lang::Zh);
        assert_eq!(rows.len(), 12);
        let failed: Vec<usize> = rows.iter().enumerate().filter(|(_, r)| r.error.is_some()).map(|(i, _)| i).collect();
        assert_eq!(failed, vec![3, 5, 7]);
        assert!(rows[3].error.as_ref().unwrap().contains("broken on purpose"));
        assert!(rows[7].error.as_ref().unwrap().contains("project.toml"));
        let html = summary_html(&rows, &out, Lang::Zh);
        assert!(html.contains("&lt;b&gt;Bonett&lt;/b&gt;"));
        assert!(html.contains("href=\"reports/p00/index.html\""), "{html}");
        assert_eq!(html.matches("<tr class=\"failed\">").count(), 3);
        let csv = summary_csv(&rows);
        assert_eq!(csv.lines().count(), 13);
        assert!(csv.lines().nth(1).unwrap().contains(",ok,true,12.50,0.800,1.400,Welch t; <b>Bonett</b>,0,,"));
    }

    #[test]
    fn summary_from_a_report_document() {
        let doc = serde_json::json!({
            "project": {"info": {"name": "提高直径 Cpk", "enterprise": "XX机械"}},
            "goal": {"met": true, "improvement_percent": 66.25},
            "sections": [
                {"kind": "chart", "result": {}},
                {"kind": "compare", "comparison": {"cpk": {"before": 0.8, "after": 1.41}}}
            ],
            "methods": [{"method": "Welch t"}, {"method": "X̄-R"}, {"method": "Welch t"}],
            "audits": [{"result": {"flag_count": 2, "flags": [{"code": "digit_preference"}, {"code": "repeated_block"}]}}, {"result": null, "error": "x"}, {"result": {"flags": [{"code": "digit_preference"}]}}]
        });
        let s = summary_from_report_json(&doc, Path::new("r/index.html"));
        assert_eq!(s.name, "提高直径 Cpk");
        assert_eq!(s.target_met, Some(true));
        assert_eq!((s.cpk_before, s.cpk_after), (Some(0.8), Some(1.41)));
        assert_eq!(s.tests_applied, vec!["Welch t", "X̄-R"]);
        assert_eq!(s.audit_flags, Some(3));
        assert_eq!(s.audit_flag_codes, vec!["digit_preference", "repeated_block"]);
        let bare = summary_from_report_json(&serde_json::json!({}), Path::new("i.html"));
        assert_eq!((bare.target_met, bare.audit_flags, bare.cpk_after), (None, None, None));
    }

    #[test]
    fn report_folder_names_are_unique() {
        let names = report_names(&[PathBuf::from("a/x"), PathBuf::from("b/x"), PathBuf::from("c/项目 1")]);
        assert_eq!(names, vec!["x", "x-2", "项目_1"]);
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}

//! `qce review DIR...`: reports for many project folders and one summary.

use super::report::ReportArgs;
use super::{Ctx, Output};
use crate::error::{QceError, Result};
use crate::evidence::review::{self, ProjectSummary, ReportBuilder, ReviewRow};
use crate::i18n::Lang;
use crate::render::TextTable;
use clap::Args;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Arguments of `qce review`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce review submissions/*/ --out review/summary.html
  qce review p1 p2 p3 --json

Each folder holds a project.toml (see `qce report --help`). Reports are built in parallel, one
per core, into reports/<folder>/ beside the summary; the summary is written as HTML and as CSV
(same name, .csv). A project whose report fails is a row with its error; the batch goes on.")]
pub struct ReviewArgs {
    /// Project folders, each with a project.toml.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Summary file (HTML; a CSV is written beside it). Default: review/summary.html.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Builds each report with `qce report` and reads its summary from report.json.
struct ReportCommand;

impl ReportBuilder for ReportCommand {
    fn build(&self, project_file: &Path, out_dir: &Path, lang: Lang) -> Result<ProjectSummary> {
        let args = ReportArgs { project: project_file.to_path_buf(), out: Some(out_dir.to_path_buf()), pdf: false };
        super::report::run(&args, &Ctx { lang, json: true })?;
        let index = out_dir.join("index.html");
        let json_path = out_dir.join("report.json");
        let text = std::fs::read_to_string(&json_path)
            .map_err(|e| QceError::analysis(format!("the report of '{}' wrote no readable report.json ({e})", project_file.display())))?;
        let doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| QceError::analysis(format!("'{}' is not valid JSON: {e}", json_path.display())))?;
        Ok(review::summary_from_report_json(&doc, &index))
    }
}

/// Run `qce review`.
pub fn run(args: &ReviewArgs, ctx: &Ctx) -> Result<Output> {
    let html_path = args.out.clone().unwrap_or_else(|| PathBuf::from("review").join("summary.html"));
    let page_dir = html_path.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let io = |p: &Path, e: std::io::Error| QceError::input(format!("cannot write '{}': {e}", p.display())).with_file(p.display().to_string());
    std::fs::create_dir_all(&page_dir).map_err(|e| io(&page_dir, e))?;
    let rows = review::review(&args.dirs, &page_dir.join("reports"), &ReportCommand, ctx.lang);
    let csv_path = html_path.with_extension("csv");
    std::fs::write(&html_path, review::summary_html(&rows, &page_dir, ctx.lang)).map_err(|e| io(&html_path, e))?;
    std::fs::write(&csv_path, review::summary_csv(&rows)).map_err(|e| io(&csv_path, e))?;
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    // Failures are rows of the summary (and listed under the table), not warnings.
    let warnings = Vec::new();
    let json = json!({
        "summary_html": html_path.display().to_string(),
        "summary_csv": csv_path.display().to_string(),
        "projects": rows.len(),
        "built": rows.len() - failed,
        "failed": failed,
        "rows": rows,
    });
    let text = render(&rows, &html_path, &csv_path, ctx.lang);
    Ok(Output::new(json, text, warnings))
}

fn render(rows: &[ReviewRow], html: &Path, csv: &Path, lang: Lang) -> String {
    let mut t = TextTable::new([
        "#",
        lang.t("项目文件夹", "Folder"),
        lang.t("项目", "Project"),
        lang.t("目标达成", "Target met"),
        lang.t("改进幅度", "Improvement"),
        "Cpk",
        lang.t("审查提示", "Flags"),
    ])
    .align_right(0)
    .align_right(4)
    .align_right(6);
    for (i, r) in rows.iter().enumerate() {
        match &r.summary {
            Some(s) => t.row([
                (i + 1).to_string(),
                r.folder.clone(),
                s.name.clone(),
                match s.target_met {
                    Some(true) => lang.t("是", "yes"),
                    Some(false) => lang.t("否", "no"),
                    None => "–",
                }
                .to_string(),
                s.improvement_percent.map(|v| format!("{v:+.1}%")).unwrap_or_else(|| "–".into()),
                match (s.cpk_before, s.cpk_after) {
                    (None, None) => "–".to_string(),
                    (b, a) => format!("{} → {}", b.map(|v| format!("{v:.2}")).unwrap_or("–".into()), a.map(|v| format!("{v:.2}")).unwrap_or("–".into())),
                },
                s.audit_flags.map(|n| n.to_string()).unwrap_or_else(|| "–".into()),
            ]),
            None => t.row([
                (i + 1).to_string(),
                r.folder.clone(),
                lang.t("失败（见下）", "failed (see below)").to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]),
        }
    }
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    let mut s = t.render();
    for (i, r) in rows.iter().enumerate() {
        if let Some(e) = &r.error {
            s.push_str(&format!("\n#{} {}: {e}", i + 1, r.folder));
        }
    }
    if failed > 0 {
        s.push('\n');
    }
    s.push_str(&match lang {
        Lang::Zh => format!("\n{} 个项目，报告生成 {} 个，失败 {failed} 个。\n汇总：{}\n      {}\n", rows.len(), rows.len() - failed, html.display(), csv.display()),
        Lang::En => format!("\n{} projects, {} reports built, {failed} failed.\nSummary: {}\n         {}\n", rows.len(), rows.len() - failed, html.display(), csv.display()),
    });
    s
}

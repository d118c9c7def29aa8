//! `qce demo`: the bundled example project's evidence report.
//!
//! fixtures/demo/ is looked for relative to the current folder, then next to (and above) the
//! executable, then in the source tree the binary was built from (CARGO_MANIFEST_DIR).

use super::{Ctx, Output};
use crate::error::{QceError, Result};
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `qce demo`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce demo                       # writes reports/demo/index.html (in Chinese, the project's language)
  qce demo --out /tmp/demo --lang en
  qce demo --pdf                 # also reports/demo/report.pdf (needs chromium)")]
pub struct DemoArgs {
    /// Output folder (default reports/demo).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also print the report to PDF with headless chromium.
    #[arg(long)]
    pub pdf: bool,
}

const PROJECT: &str = "fixtures/demo/project.toml";

/// Where the demo project file is.
pub fn find_demo() -> Result<PathBuf> {
    let mut tried = Vec::new();
    let mut candidates = vec![PathBuf::from(PROJECT)];
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            candidates.push(dir.join(PROJECT));
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(PROJECT));
    for c in candidates {
        if c.is_file() {
            return Ok(c);
        }
        tried.push(c.display().to_string());
    }
    Err(QceError::input(format!(
        "the demo project ({PROJECT}) was not found; looked in: {}. Run qce demo from the qc-evidence source folder.",
        tried.join(", ")
    )))
}

/// Run `qce demo`.
pub fn run(args: &DemoArgs, ctx: &Ctx) -> Result<Output> {
    // The demo project is written in Chinese: its report is Chinese unless --lang says otherwise.
    let explicit = std::env::args().any(|a| a == "--lang" || a.starts_with("--lang="));
    let ctx = &Ctx { lang: if explicit { ctx.lang } else { crate::Lang::Zh }, json: ctx.json };
    let project = find_demo()?;
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("reports/demo"));
    let (report, mut warnings) = super::report::build(&project, &out, ctx.lang)?;
    let index = super::report::write(&report, &out, ctx.lang)?;
    if args.pdf {
        if let Err(e) = super::report::print_pdf(&index, &out.join("report.pdf")) {
            warnings.push(e.message);
        }
    }
    Ok(super::report::finish(&report, &index, warnings, ctx.lang))
}

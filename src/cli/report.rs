//! `qce report PROJECT.toml`: the full evidence pack of a project.

use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce report`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce report project.toml                    # writes reports/<project>/index.html
  qce report project.toml --out reports/p1 --lang en
  qce report project.toml --pdf              # also print report.pdf through chromium, when installed")]
pub struct ReportArgs {
    /// The project file (TOML).
    #[arg(value_name = "PROJECT.toml")]
    pub project: PathBuf,
    /// Output folder (index.html, report.json, charts/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also print the report to PDF with headless chromium.
    #[arg(long)]
    pub pdf: bool,
}

/// Run `qce report`.
pub fn run(args: &ReportArgs, _ctx: &Ctx) -> Result<Output> {
    let _ = args;
    Err(super::not_implemented("report"))
}

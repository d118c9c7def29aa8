//! `qce review DIR...`: reports for many project folders and one summary.

use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce review`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce review submissions/*/ --out review/summary.html
  qce review p1 p2 p3 --json")]
pub struct ReviewArgs {
    /// Project folders, each with a project.toml.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Summary file (HTML; a CSV is written beside it).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Run `qce review`.
pub fn run(args: &ReviewArgs, _ctx: &Ctx) -> Result<Output> {
    let _ = args;
    Err(super::not_implemented("review"))
}

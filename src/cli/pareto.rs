//! `qce pareto FILE --category COL ...`: Pareto analysis.

use super::common::InputArgs;
use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce pareto`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce pareto defects.csv --category 缺陷类型
  qce pareto counts.xlsx --category defect --count count --other-below 3
  qce pareto defects.csv --category 缺陷类型 --phase 阶段 --out pareto.svg --lang zh")]
pub struct ParetoArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Category column (defect type, cause...).
    #[arg(long, value_name = "COL")]
    pub category: String,
    /// Count column (default: each row counts 1).
    #[arg(long, value_name = "COL")]
    pub count: Option<String>,
    /// Stage column: one Pareto per stage, side by side.
    #[arg(long, value_name = "COL")]
    pub phase: Option<String>,
    /// Merge categories below this percent into 其他/Other (kept last).
    #[arg(long, value_name = "PCT")]
    pub other_below: Option<f64>,
    /// Write the chart: .svg or .png.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Run `qce pareto`.
pub fn run(args: &ParetoArgs, _ctx: &Ctx) -> Result<Output> {
    let _ = args;
    Err(super::not_implemented("pareto"))
}

//! `qce compare FILE --value COL --phase COL ...`: automatic before/after evidence.

use super::common::{InputArgs, LayoutArgs};
use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce compare`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce compare improve.xlsx --value 直径 --phase 阶段 --lsl 9.95 --usl 10.05 --direction target
  qce compare defects.csv --value 不良率 --phase 阶段 --direction lower --lang zh
  qce compare rings.csv --value diameter --subgroup sample --phase phase --json")]
pub struct CompareArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub layout: LayoutArgs,
    /// Lower specification limit.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub lsl: Option<f64>,
    /// Upper specification limit.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub usl: Option<f64>,
    /// Target value.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub target: Option<f64>,
    /// Wanted direction of change: lower, higher or target.
    #[arg(long, value_name = "lower|higher|target")]
    pub direction: Option<String>,
    /// Significance level.
    #[arg(long, value_name = "A", default_value_t = 0.05)]
    pub alpha: f64,
    /// Write the comparison charts into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Run `qce compare`.
pub fn run(args: &CompareArgs, _ctx: &Ctx) -> Result<Output> {
    let _ = args;
    Err(super::not_implemented("compare"))
}

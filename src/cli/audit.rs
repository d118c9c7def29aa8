//! `qce audit FILE --value COL ...`: data patterns that deserve a reviewer's question.

use super::common::InputArgs;
use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;

/// Arguments of `qce audit`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce audit improve.xlsx --value 直径 --phase 阶段 --resolution 0.001
  qce audit data.csv --value thickness --lsl 2.3 --usl 2.7 --date 日期 --json")]
pub struct AuditArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Measurement column.
    #[arg(long, value_name = "COL")]
    pub value: String,
    /// Stage column.
    #[arg(long, value_name = "COL")]
    pub phase: Option<String>,
    /// Stated measurement resolution (e.g. 0.001).
    #[arg(long, value_name = "X")]
    pub resolution: Option<f64>,
    /// Lower specification limit.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub lsl: Option<f64>,
    /// Upper specification limit.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub usl: Option<f64>,
    /// Smallest physically possible value.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub min: Option<f64>,
    /// Largest physically possible value.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub max: Option<f64>,
    /// Date column (checked against the project period).
    #[arg(long, value_name = "COL")]
    pub date: Option<String>,
}

/// Run `qce audit`.
pub fn run(args: &AuditArgs, _ctx: &Ctx) -> Result<Output> {
    let _ = args;
    Err(super::not_implemented("audit"))
}

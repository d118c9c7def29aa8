//! `qce capability FILE ...`: process capability.

use super::common::{InputArgs, LayoutArgs};
use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce capability`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce capability pistonrings.csv --value diameter --subgroup sample --lsl 73.95 --usl 74.05
  qce capability pistonrings.csv --value diameter --subgroup sample --lsl 73.95 --usl 74.05 --sigma pooled   # Minitab's default within sigma
  qce capability improve.xlsx --value 直径 --phase 阶段 --lsl 9.95 --usl 10.05 --out cap.svg
  qce capability flatness.csv --value 平面度 --usl 0.05 --dist weibull
  qce capability times.csv --value t --lsl 1 --usl 9 --transform box-cox

Within sigma: the matching chart's (R̄/d2 for subgroups, MR̄/d2 for individuals, AIAG and qcc);
Minitab defaults to the pooled standard deviation: use --sigma pooled to reproduce it.")]
pub struct CapabilityArgs {
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
    /// Target value (gives Cpm).
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub target: Option<f64>,
    /// Within-subgroup sigma: rbar, sbar, pooled, mr.
    #[arg(long, value_name = "METHOD")]
    pub sigma: Option<String>,
    /// Confidence level of the intervals (default 0.95).
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    pub conf: f64,
    /// Transform non-normal data: box-cox.
    #[arg(long, value_name = "NAME")]
    pub transform: Option<String>,
    /// Box-Cox λ (default: maximum likelihood).
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub lambda: Option<f64>,
    /// Fit a non-normal distribution: weibull, lognormal, gamma, exponential.
    #[arg(long, value_name = "NAME")]
    pub dist: Option<String>,
    /// Write the capability figure: .svg or .png.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Run `qce capability`.
pub fn run(args: &CapabilityArgs, _ctx: &Ctx) -> Result<Output> {
    let _ = args;
    Err(super::not_implemented("capability"))
}

//! `qce chart KIND FILE ...`: control charts.

use super::common::{InputArgs, LayoutArgs};
use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce chart`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce chart xbar-r pistonrings.csv --value diameter --subgroup sample --out xbar-r.svg
  qce chart xbar-r wide.xlsx --value x1,x2,x3,x4,x5 --rules 1,2,5
  qce chart i-mr improve.csv --value 直径 --phase 阶段 --out imr.png --lang zh
  qce chart i-mr improve.csv --value 直径 --phase 阶段 --limits-from 改进前
  qce chart p defects.csv --value 不良数 --size 检验数 --label 日期
  qce chart ewma viscosity.csv --value viscosity --lambda 0.2
  qce chart cusum viscosity.csv --value viscosity --h 4 --k 0.5")]
pub struct ChartArgs {
    /// Chart kind: xbar-r, xbar-s, i-mr, p, np, c, u, ewma, cusum, p-laney, u-laney.
    #[arg(value_name = "KIND")]
    pub kind: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub layout: LayoutArgs,
    /// Sample size per subgroup for p, np, u: a column or a constant N.
    #[arg(long, value_name = "COL|N")]
    pub size: Option<String>,
    /// Judge every point against this stage's limits (historical limits).
    #[arg(long, value_name = "LABEL")]
    pub limits_from: Option<String>,
    /// Nelson tests to apply: a list such as 1,2,5, or `we` (Western Electric). Default: all 8.
    #[arg(long, value_name = "LIST|we")]
    pub rules: Option<String>,
    /// Within-subgroup sigma estimator: rbar, sbar, pooled, mr.
    #[arg(long, value_name = "METHOD")]
    pub sigma: Option<String>,
    /// Known (historical) process sigma instead of an estimate.
    #[arg(long, value_name = "X")]
    pub sigma_value: Option<f64>,
    /// Known (historical) center line instead of the mean.
    #[arg(long, value_name = "X")]
    pub center_value: Option<f64>,
    /// Column whose values label the x axis (dates, batch numbers).
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,
    /// EWMA weight λ (default 0.2).
    #[arg(long, value_name = "X")]
    pub lambda: Option<f64>,
    /// EWMA limit width L in sigmas (default 3).
    #[arg(long, value_name = "L")]
    pub nsigma: Option<f64>,
    /// Target for EWMA/CUSUM (default: the stage mean).
    #[arg(long, value_name = "T")]
    pub target: Option<f64>,
    /// CUSUM decision interval h in sigmas (default 4).
    #[arg(long, value_name = "H")]
    pub h: Option<f64>,
    /// CUSUM allowance k in sigmas (default 0.5).
    #[arg(long, value_name = "K")]
    pub k: Option<f64>,
    /// Chart title (default from the column and chart kind).
    #[arg(long)]
    pub title: Option<String>,
    /// Write the chart: .svg or .png.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Run `qce chart`.
pub fn run(args: &ChartArgs, _ctx: &Ctx) -> Result<Output> {
    let _ = args;
    Err(super::not_implemented("chart"))
}

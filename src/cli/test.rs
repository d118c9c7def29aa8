//! `qce test NAME FILE ...`: one hypothesis test.

use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce test`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce test normality data.csv --value 直径 --method sw
  qce test t1 data.csv --value len --mu 18
  qce test t2 improve.csv --value 直径 --group 阶段            # Welch; --pooled for equal variances
  qce test paired sleep.csv --value drug1,drug2
  qce test levene data.csv --value count --group spray --center median
  qce test anova data.csv --value weight --group group         # with Tukey HSD; --welch for unequal spreads
  qce test mann-whitney data.csv --value len --group supp
  qce test chisq defects.csv --row 阶段 --col 缺陷类型
  qce test prop2 --counts 23/500,9/480
  qce test poisson2 --counts 12/100,5/120

NAMEs: normality t1 t2 paired f levene bartlett anova mann-whitney wilcoxon kruskal chisq prop2 poisson2")]
pub struct TestArgs {
    /// Test name.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Data file (not needed with --counts).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Sheet by name or 1-based number.
    #[arg(long, value_name = "NAME|N")]
    pub sheet: Option<String>,
    /// 1-based header row.
    #[arg(long, value_name = "N")]
    pub header_row: Option<usize>,
    /// Treat text in number columns as missing.
    #[arg(long)]
    pub skip_bad: bool,
    /// Measurement column; A,B for paired data (differences A−B).
    #[arg(long, value_name = "COL")]
    pub value: Option<String>,
    /// Group column (two or more labels).
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// Hypothesised mean/median (t1, wilcoxon).
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    pub mu: Option<f64>,
    /// Equal-variance (pooled) t2.
    #[arg(long)]
    pub pooled: bool,
    /// Welch's ANOVA (unequal variances).
    #[arg(long)]
    pub welch: bool,
    /// Levene center: median (Brown-Forsythe, default) or mean.
    #[arg(long, value_name = "median|mean")]
    pub center: Option<String>,
    /// Normality method: ad (default), sw, ks.
    #[arg(long, value_name = "ad|sw|ks")]
    pub method: Option<String>,
    /// Row variable (chisq).
    #[arg(long, value_name = "COL")]
    pub row: Option<String>,
    /// Column variable (chisq).
    #[arg(long, value_name = "COL")]
    pub col: Option<String>,
    /// Count column (chisq).
    #[arg(long, value_name = "COL")]
    pub count: Option<String>,
    /// Events column (prop2).
    #[arg(long, value_name = "COL")]
    pub events: Option<String>,
    /// Trials column (prop2).
    #[arg(long, value_name = "COL")]
    pub trials: Option<String>,
    /// Exposure column (poisson2).
    #[arg(long, value_name = "COL")]
    pub size: Option<String>,
    /// Counts without a file: X1/N1,X2/N2.
    #[arg(long, value_name = "X1/N1,X2/N2")]
    pub counts: Option<String>,
    /// Alternative hypothesis: two-sided, less, greater.
    #[arg(long, value_name = "ALT", default_value = "two-sided")]
    pub alternative: String,
    /// Significance level.
    #[arg(long, value_name = "A", default_value_t = 0.05)]
    pub alpha: f64,
    /// Confidence level of intervals.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    pub conf: f64,
}

/// Run `qce test`: parametric and normality tests live in `test_param`, rank, count and rate
/// tests in `test_other`.
pub fn run(args: &TestArgs, ctx: &Ctx) -> Result<Output> {
    match args.name.as_str() {
        "normality" | "t1" | "t2" | "paired" | "f" | "levene" | "bartlett" | "anova" => super::test_param::run(args, ctx),
        "mann-whitney" | "wilcoxon" | "kruskal" | "chisq" | "prop2" | "poisson2" => super::test_other::run(args, ctx),
        other => Err(crate::error::QceError::usage(format!(
            "unknown test '{other}'. Tests: normality t1 t2 paired f levene bartlett anova mann-whitney wilcoxon kruskal chisq prop2 poisson2"
        ))),
    }
}

//! `qce test NAME FILE ...`: one hypothesis test.

use super::common::{excluded_warning, InputArgs};
use super::{Ctx, Output};
use crate::error::{QceError, Result};
use crate::i18n::Lang;
use crate::ingest::Table;
use crate::tests::alternative::Alternative;
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
        other => Err(QceError::usage(format!(
            "unknown test '{other}'. Tests: normality t1 t2 paired f levene bartlett anova mann-whitney wilcoxon kruskal chisq prop2 poisson2"
        ))),
    }
}

// ---------------------------------------------------------------------------------------
// Glue shared by `test_param` and `test_other`

/// `--alternative`, `--alpha` and `--conf`, checked: the alternative must be known and both
/// levels must lie strictly between 0 and 1.
pub(super) fn parse_levels(args: &TestArgs) -> Result<(Alternative, f64, f64)> {
    let alt = Alternative::parse(&args.alternative)
        .ok_or_else(|| QceError::usage(format!("--alternative {}: use two-sided, less or greater", args.alternative)))?;
    for (name, v) in [("--alpha", args.alpha), ("--conf", args.conf)] {
        if !(v > 0.0 && v < 1.0) {
            return Err(QceError::usage(format!("{name} {v}: must lie strictly between 0 and 1 (e.g. 0.05 for --alpha, 0.95 for --conf)")));
        }
    }
    Ok((alt, args.alpha, args.conf))
}

/// The data FILE of a test, loaded (a usage error when it is missing).
pub(super) fn load(args: &TestArgs) -> Result<Table> {
    let file = args.file.clone().ok_or_else(|| {
        QceError::usage(format!("test {} needs a data FILE (e.g. qce test {} data.csv --value COL --group COL)", args.name, args.name))
    })?;
    InputArgs { file, sheet: args.sheet.clone(), header_row: args.header_row, skip_bad: args.skip_bad }.load()
}

/// The non-missing values of one column, with a warning listing excluded cells.
pub(super) fn column(table: &Table, spec: &str, lang: Lang, warnings: &mut Vec<String>) -> Result<(String, Vec<f64>)> {
    let col = table.numeric(spec)?;
    warnings.extend(excluded_warning(&col.name, &col.notes, lang));
    let values = col.values.iter().copied().filter(|v| !v.is_nan()).collect();
    Ok((col.name, values))
}

/// Named groups of values, labels in order of first appearance.
pub(super) struct Groups {
    /// Resolved name of the value column.
    pub value: String,
    /// Resolved name of the group column.
    pub group: String,
    /// Labels that have data.
    pub names: Vec<String>,
    /// The non-missing values of each label.
    pub values: Vec<Vec<f64>>,
}

impl Groups {
    /// The groups as slices, for the analysis functions.
    pub fn slices(&self) -> Vec<&[f64]> {
        self.values.iter().map(|v| v.as_slice()).collect()
    }
}

/// Values of column `value` split by the labels of column `group`, in first-appearance order.
/// Warns about excluded cells, values with a blank label, and labels without values (dropped).
pub(super) fn split_by_group(table: &Table, value: &str, group: &str, lang: Lang, warnings: &mut Vec<String>) -> Result<Groups> {
    let col = table.numeric(value)?;
    warnings.extend(excluded_warning(&col.name, &col.notes, lang));
    let keys = table.keys(group)?;
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); keys.names.len()];
    let mut unlabeled = 0usize;
    for (v, code) in col.values.iter().zip(&keys.codes) {
        match code {
            Some(c) if !v.is_nan() => values[*c as usize].push(*v),
            None if !v.is_nan() => unlabeled += 1,
            _ => {}
        }
    }
    if unlabeled > 0 {
        warnings.push(match lang {
            Lang::Zh => format!("{unlabeled} 个数值的分组列“{}”为空，未计入任何组", keys.name),
            Lang::En => format!("{unlabeled} values have a blank '{}' and belong to no group", keys.name),
        });
    }
    let mut names = Vec::new();
    let mut kept = Vec::new();
    for (name, v) in keys.names.into_iter().zip(values) {
        if v.is_empty() {
            warnings.push(match lang {
                Lang::Zh => format!("组“{name}”没有可用数值，已忽略"),
                Lang::En => format!("group '{name}' has no usable values and is left out"),
            });
        } else {
            names.push(name);
            kept.push(v);
        }
    }
    Ok(Groups { value: col.name, group: keys.name, names, values: kept })
}

/// Two columns read as pairs, row by row: rows where both are present are kept, rows with
/// only one of the two are counted in a warning. Returns the two names and aligned values.
pub(super) fn complete_pairs(table: &Table, a: &str, b: &str, lang: Lang, warnings: &mut Vec<String>) -> Result<(String, String, Vec<f64>, Vec<f64>)> {
    let (ca, cb) = (table.numeric(a)?, table.numeric(b)?);
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    let mut incomplete = 0usize;
    for (x, y) in ca.values.iter().zip(&cb.values) {
        match (x.is_nan(), y.is_nan()) {
            (false, false) => {
                xs.push(*x);
                ys.push(*y);
            }
            (true, true) => {}
            _ => incomplete += 1,
        }
    }
    if incomplete > 0 {
        warnings.push(match lang {
            Lang::Zh => format!("{incomplete} 行只有“{}”或“{}”之一有值，配对不完整，已排除", ca.name, cb.name),
            Lang::En => format!("{incomplete} rows have only one of '{}' and '{}' and are left out (incomplete pairs)", ca.name, cb.name),
        });
    }
    Ok((ca.name, cb.name, xs, ys))
}

/// Indices of the smallest and the largest value (first on ties).
pub(super) fn extremes(xs: &[f64]) -> (usize, usize) {
    let mut lo = 0;
    let mut hi = 0;
    for (i, x) in xs.iter().enumerate() {
        if *x < xs[lo] {
            lo = i;
        }
        if *x > xs[hi] {
            hi = i;
        }
    }
    (lo, hi)
}

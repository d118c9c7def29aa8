//! `qce capability FILE ...`: process capability.

use super::common::{column_name, excluded_warning, InputArgs, LayoutArgs};
use super::{Ctx, Output};
use crate::capability::{self, dist::DistKind, Model, Options, SigmaMethod, SpecLimits};
use crate::dataset::{self, LayoutSpec};
use crate::error::{QceError, Result};
use crate::render;
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
Minitab defaults to the pooled standard deviation: use --sigma pooled to reproduce it.
Confidence intervals: Minitab's (chi-square for Cp/Pp, normal approximation for Cpk/Ppk).
Cpm (with --target): Minitab's formula with Σ(x − T)²/(N − 1).
Non-normal data (the output warns when Anderson-Darling p < 0.05 and lists the fit of each
distribution): --transform box-cox (λ by maximum likelihood, or --lambda) runs the normal
analysis on x^λ; --dist weibull|lognormal|gamma|exponential fits the distribution by maximum
likelihood and gives Pp/Ppk by the ISO 22514-2 percentile method and PPM from the fit.")]
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
pub fn run(args: &CapabilityArgs, ctx: &Ctx) -> Result<Output> {
    let opts = options(args)?;
    let table = args.input.load()?;
    let spec = LayoutSpec {
        value: LayoutSpec::values_from_arg(&args.layout.value),
        subgroup: args.layout.subgroup.clone(),
        subgroup_size: args.layout.subgroup_size,
        phase: args.layout.phase.clone(),
        label: None,
    };
    let sg = dataset::subgroups(&table, &spec)?;
    let mut warnings: Vec<String> = excluded_warning(&sg.value_name, &sg.excluded, ctx.lang).into_iter().collect();
    if !sg.empty_subgroups.is_empty() {
        warnings.push(ctx.lang.t("以下子组没有可用数值，已略去：", "subgroups without any usable value were left out: ").to_string() + &sg.empty_subgroups.join(", "));
    }
    let result = capability::capability(&sg, &opts)?;
    warnings.extend(render::capability::warnings(&result, &sg, &opts, ctx.lang));
    if let Some(path) = &args.out {
        render::capability::write_figure(path, &result, &sg, &opts, ctx.lang)?;
    }
    let mut json = serde_json::to_value(&result).map_err(|e| QceError::analysis(format!("cannot serialise the result: {e}")))?;
    json["column"] = serde_json::json!(sg.value_name);
    if let Some(p) = &args.layout.phase {
        json["phase"] = serde_json::json!(column_name(&table, p)?);
    }
    let text = render::capability::text_report(&result, &sg.value_name, ctx.lang);
    Ok(Output::new(json, text, warnings))
}

/// The analysis options from the command line.
fn options(args: &CapabilityArgs) -> Result<Options> {
    let sigma = args.sigma.as_deref().map(str::parse::<SigmaMethod>).transpose()?;
    let model = match (args.transform.as_deref(), args.dist.as_deref()) {
        (Some(_), Some(_)) => return Err(QceError::usage("--transform and --dist are alternatives: give one of them")),
        (Some(t), None) => match t.trim().to_ascii_lowercase().replace(['_', ' '], "-").as_str() {
            "box-cox" | "boxcox" => Model::BoxCox { lambda: args.lambda },
            _ => return Err(QceError::usage(format!("--transform {t}: the transform available is box-cox"))),
        },
        (None, Some(d)) => {
            if args.lambda.is_some() {
                return Err(QceError::usage("--lambda belongs to --transform box-cox, not to --dist"));
            }
            match d.parse::<DistKind>()? {
                DistKind::Normal => Model::Normal,
                k => Model::Dist(k),
            }
        }
        (None, None) => match args.lambda {
            Some(l) => Model::BoxCox { lambda: Some(l) },
            None => Model::Normal,
        },
    };
    Ok(Options { spec: SpecLimits { lsl: args.lsl, usl: args.usl, target: args.target }, sigma, conf: args.conf, model })
}

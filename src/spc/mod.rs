//! Statistical process control: control charts (Shewhart, attribute, EWMA, CUSUM) and the
//! Nelson tests. Pure computation; results are plain serde structs drawn by `render`.
//!
//! Entry points: [`variables_chart`] (X̄-R, X̄-S, I-MR, EWMA, CUSUM from [`Subgroups`]) and
//! [`attribute_chart`] (p, np, c, u, Laney p′/u′ from counts and sizes). Every stage gets its
//! own center, sigma and limits unless `limits_from` names the stage whose limits judge all
//! points (historical limits). Conventions: ../shared/reference/CONVENTIONS.md "chart".

pub mod attribute;
pub mod constants;
pub mod nelson;
pub mod points;
pub mod sigma;
pub mod timeweighted;
pub mod variables;

/// Test fixtures shared by the SPC modules' unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::dataset::{StageSpan, Subgroups};

    /// Subgroups from explicit groups (labels 1…k, first rows 2…k+1 as below a header) and
    /// stages given as (name, first subgroup, end).
    pub(crate) fn sg_of(groups: &[Vec<f64>], stages: &[(&str, usize, usize)]) -> Subgroups {
        let mut values = Vec::new();
        let mut offsets = vec![0];
        for g in groups {
            values.extend_from_slice(g);
            offsets.push(values.len());
        }
        let k = groups.len();
        Subgroups {
            value_name: "x".into(),
            values,
            offsets,
            labels: std::sync::Arc::new(crate::label::Labels::Numbered(k)),
            first_rows: (2..k as u64 + 2).collect(),
            stages: stages.iter().map(|&(n, a, b)| StageSpan { name: n.into(), start: a, end: b }).collect(),
            excluded: vec![],
            empty_subgroups: vec![],
            individuals: groups.iter().all(|g| g.len() == 1),
        }
    }
}

pub use crate::dataset::Label;
use crate::dataset::{StageSpan, Subgroups};
use crate::error::{QceError, Result};
use serde::Serialize;
use std::str::FromStr;

pub use attribute::{attribute_chart, AttributeData};
pub use nelson::{RuleSet, Violation};
pub use points::{Line, LineKind, Points, Run};
pub use sigma::{default_method, sigma_within, SigmaEstimate, SigmaMethod};
pub use variables::variables_chart;

/// The chart kinds of the contract (plus Laney's p′ and u′).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ChartKind {
    /// X̄ with R.
    #[serde(rename = "xbar-r")]
    XbarR,
    /// X̄ with S.
    #[serde(rename = "xbar-s")]
    XbarS,
    /// Individuals with moving range.
    #[serde(rename = "i-mr")]
    IMr,
    /// Proportion defective.
    #[serde(rename = "p")]
    P,
    /// Number defective.
    #[serde(rename = "np")]
    Np,
    /// Count of defects per (constant) unit.
    #[serde(rename = "c")]
    C,
    /// Defects per unit.
    #[serde(rename = "u")]
    U,
    /// Exponentially weighted moving average.
    #[serde(rename = "ewma")]
    Ewma,
    /// Tabular CUSUM.
    #[serde(rename = "cusum")]
    Cusum,
    /// Laney p′ (overdispersion-adjusted p chart).
    #[serde(rename = "p-laney")]
    PLaney,
    /// Laney u′.
    #[serde(rename = "u-laney")]
    ULaney,
}

impl ChartKind {
    /// The contract's name (`xbar-r`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::XbarR => "xbar-r",
            ChartKind::XbarS => "xbar-s",
            ChartKind::IMr => "i-mr",
            ChartKind::P => "p",
            ChartKind::Np => "np",
            ChartKind::C => "c",
            ChartKind::U => "u",
            ChartKind::Ewma => "ewma",
            ChartKind::Cusum => "cusum",
            ChartKind::PLaney => "p-laney",
            ChartKind::ULaney => "u-laney",
        }
    }
    /// Attribute charts take counts and sizes instead of measurements.
    pub fn is_attribute(self) -> bool {
        matches!(self, ChartKind::P | ChartKind::Np | ChartKind::C | ChartKind::U | ChartKind::PLaney | ChartKind::ULaney)
    }
}

impl FromStr for ChartKind {
    type Err = QceError;
    fn from_str(s: &str) -> Result<Self> {
        let k = s.trim().to_ascii_lowercase().replace('_', "-");
        Ok(match k.as_str() {
            "xbar-r" | "xbarr" => ChartKind::XbarR,
            "xbar-s" | "xbars" => ChartKind::XbarS,
            "i-mr" | "imr" | "individuals" => ChartKind::IMr,
            "p" => ChartKind::P,
            "np" => ChartKind::Np,
            "c" => ChartKind::C,
            "u" => ChartKind::U,
            "ewma" => ChartKind::Ewma,
            "cusum" => ChartKind::Cusum,
            "p-laney" | "laney-p" | "p'" => ChartKind::PLaney,
            "u-laney" | "laney-u" | "u'" => ChartKind::ULaney,
            _ => {
                return Err(QceError::usage(format!(
                    "unknown chart kind '{s}': use xbar-r, xbar-s, i-mr, p, np, c, u, ewma, cusum, p-laney or u-laney"
                )))
            }
        })
    }
}

/// Options of a chart computation (the CLI's flags, already parsed).
#[derive(Debug, Clone)]
pub struct ChartOptions {
    /// Which chart.
    pub kind: ChartKind,
    /// Within-subgroup sigma estimator (`None`: the chart's default).
    pub sigma_method: Option<SigmaMethod>,
    /// Known process sigma (replaces the estimate in every stage).
    pub sigma_value: Option<f64>,
    /// Known center line (mean, p̄, c̄ or ū; replaces the estimate in every stage).
    pub center_value: Option<f64>,
    /// Stage whose limits judge every point (historical limits).
    pub limits_from: Option<String>,
    /// Nelson tests to apply.
    pub rules: RuleSet,
    /// Limit width in sigmas (3; EWMA's L).
    pub nsigma: f64,
    /// EWMA weight λ.
    pub lambda: f64,
    /// EWMA/CUSUM target (`None`: the stage mean).
    pub target: Option<f64>,
    /// CUSUM decision interval h, in sigmas of the plotted statistic.
    pub h: f64,
    /// CUSUM allowance k, in sigmas of the plotted statistic.
    pub k: f64,
}

impl ChartOptions {
    /// The contract's defaults for a chart kind.
    pub fn new(kind: ChartKind) -> Self {
        ChartOptions {
            kind,
            sigma_method: None,
            sigma_value: None,
            center_value: None,
            limits_from: None,
            rules: RuleSet::all(),
            nsigma: 3.0,
            lambda: 0.2,
            target: None,
            h: 4.0,
            k: 0.5,
        }
    }
}

/// One stage's line of the chart: where it runs and its limits.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageLimits {
    /// Stage label.
    pub name: String,
    /// First point (1-based).
    pub first_point: usize,
    /// Last point (1-based, inclusive).
    pub last_point: usize,
    /// Number of points plotted in the stage.
    pub n_points: usize,
    /// Center line (null when it varies point to point).
    pub center: Option<f64>,
    /// Process sigma (variables charts), sigma of the plotted statistic (attribute charts
    /// with constant n), null when it varies.
    pub sigma: Option<f64>,
    /// Lower control limit (null when it varies point to point).
    pub lcl: Option<f64>,
    /// Upper control limit (null when it varies point to point).
    pub ucl: Option<f64>,
    /// The stage whose data produced these limits (differs from `name` with `--limits-from`).
    pub limits_from: String,
    /// Extra figures of particular charts (Laney's σz, CUSUM's target, ...), by name.
    #[serde(flatten)]
    pub extra: std::collections::BTreeMap<String, f64>,
}

/// One plotted point, as [`Points`] hands it out (the points themselves are stored column by
/// column). Its stage and x-axis label are kept once per chart, not per point (charts of
/// millions of points): [`ChartResult::stage_name`] and [`ChartResult::label`]; the JSON
/// writes both on every point, as the contract shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// 1-based position in chart order.
    pub point: usize,
    /// Index of the point's stage in the panel's `stages`.
    pub stage: u32,
    /// Subgroup size (observations, or inspected units for attribute charts).
    pub n: f64,
    /// The plotted statistic.
    pub value: f64,
    /// Center line at this point.
    pub center: f64,
    /// Lower control limit at this point (clipped at 0 where negative values are impossible).
    pub lcl: Option<f64>,
    /// Upper control limit at this point.
    pub ucl: Option<f64>,
    /// Sigma of the plotted statistic at this point (zone width of the Nelson tests).
    pub sigma: f64,
    /// CUSUM points only: C⁺ and C⁻ (JSON keys `upper`, `lower`).
    pub cusum: Option<CusumValues>,
}

/// The two tabular CUSUM statistics of a point, in data units.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct CusumValues {
    /// C⁺ (≥ 0).
    pub upper: f64,
    /// C⁻ (≤ 0).
    pub lower: f64,
}

impl Point {
    /// CUSUM C⁺ (`None` on other charts).
    pub fn upper(&self) -> Option<f64> {
        self.cusum.as_ref().map(|c| c.upper)
    }
    /// CUSUM C⁻ (`None` on other charts).
    pub fn lower(&self) -> Option<f64> {
        self.cusum.as_ref().map(|c| c.lower)
    }
}

/// A chart panel: stages and points (the main chart, or the R/S/MR chart).
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// `xbar`, `r`, `s`, `i`, `mr`, `p`, ... (what the panel plots).
    pub statistic: String,
    /// Stages in file order.
    pub stages: Vec<StageLimits>,
    /// Points in chart order.
    pub points: Points,
    /// Nelson test failures, sorted by point then rule.
    pub violations: Vec<Violation>,
}

/// A control chart: the contract's `chart` JSON shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartResult {
    /// Chart kind.
    pub chart: ChartKind,
    /// Sigma estimator (`"known"` with `--sigma-value`; `"binomial"`/`"poisson"` for attribute charts).
    pub sigma_method: String,
    /// Stages of the main chart.
    pub stages: Vec<StageLimits>,
    /// Points of the main chart.
    pub points: Points,
    /// Nelson test failures of the main chart.
    pub violations: Vec<Violation>,
    /// The R, S or MR chart (absent for single charts).
    pub dispersion: Option<Panel>,
    /// What the main chart plots (`xbar`, `i`, `p`, ...).
    pub statistic: String,
    /// The x-axis label of each point position (point `k` has label `labels[k − 1]`): subgroup
    /// id, `--label` value or number. Shared by both panels.
    pub labels: std::sync::Arc<crate::label::Labels>,
}

impl ChartResult {
    /// The x-axis label of point number `point` (1-based); empty when there is none.
    pub fn label(&self, point: usize) -> Label {
        point.checked_sub(1).and_then(|i| self.labels.get(i)).unwrap_or_default()
    }
    /// The name of stage `stage` of a panel's `stages`.
    pub fn stage_name(stages: &[StageLimits], stage: u32) -> &str {
        stages.get(stage as usize).map_or("", |s| s.name.as_str())
    }
}

/// The JSON of a chart: the derive's shape, with each point's stage and label written out.
impl Serialize for ChartResult {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut m = s.serialize_struct("ChartResult", 7)?;
        m.serialize_field("chart", &self.chart)?;
        m.serialize_field("sigma_method", &self.sigma_method)?;
        m.serialize_field("stages", &self.stages)?;
        m.serialize_field("points", &PointsJson { points: &self.points, stages: &self.stages, labels: &self.labels })?;
        m.serialize_field("violations", &self.violations)?;
        if let Some(d) = &self.dispersion {
            m.serialize_field("dispersion", &PanelJson { panel: d, labels: &self.labels })?;
        }
        m.serialize_field("statistic", &self.statistic)?;
        m.end()
    }
}

/// A panel with the chart's labels, for the JSON.
struct PanelJson<'a> {
    panel: &'a Panel,
    labels: &'a crate::label::Labels,
}

impl Serialize for PanelJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let p = self.panel;
        let mut m = s.serialize_struct("Panel", 4)?;
        m.serialize_field("statistic", &p.statistic)?;
        m.serialize_field("stages", &p.stages)?;
        m.serialize_field("points", &PointsJson { points: &p.points, stages: &p.stages, labels: self.labels })?;
        m.serialize_field("violations", &p.violations)?;
        m.end()
    }
}

/// The points of a panel as the contract writes them.
struct PointsJson<'a> {
    points: &'a Points,
    stages: &'a [StageLimits],
    labels: &'a crate::label::Labels,
}

impl Serialize for PointsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.points.iter().map(|p| PointJson {
            point: p.point,
            stage: ChartResult::stage_name(self.stages, p.stage),
            label: p.point.checked_sub(1).and_then(|i| self.labels.get(i)).unwrap_or_default(),
            n: p.n,
            value: p.value,
            center: p.center,
            lcl: p.lcl,
            ucl: p.ucl,
            cusum: p.cusum,
        }))
    }
}

/// One point of the JSON (CONTRACT.md `chart`).
#[derive(Serialize)]
struct PointJson<'a> {
    point: usize,
    stage: &'a str,
    label: Label,
    n: f64,
    value: f64,
    center: f64,
    lcl: Option<f64>,
    ucl: Option<f64>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    cusum: Option<CusumValues>,
}

/// Index of the stage whose limits judge stage `i` (itself, or `--limits-from`).
pub(crate) fn limits_stage(stages: &[StageSpan], limits_from: Option<&str>) -> Result<Option<usize>> {
    match limits_from {
        None => Ok(None),
        Some(label) => stages.iter().position(|s| s.name == label).map(Some).ok_or_else(|| {
            QceError::usage(format!(
                "--limits-from '{label}': no such stage; stages found: {}",
                stages.iter().map(|s| format!("'{}'", s.name)).collect::<Vec<_>>().join(", ")
            ))
        }),
    }
}

/// The constant value of a slice, if every element is equal (up to rounding noise).
pub(crate) fn constant(xs: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut it = xs.into_iter();
    let first = it.next()?;
    let tol = 1e-12 * first.abs().max(1e-300);
    it.all(|x| (x - first).abs() <= tol).then_some(first)
}

/// Shared check: there is something to chart.
pub(crate) fn need_points(sg: &Subgroups) -> Result<()> {
    if sg.is_empty() {
        return Err(QceError::analysis(format!("{}: no data to chart", sg.value_name)));
    }
    Ok(())
}

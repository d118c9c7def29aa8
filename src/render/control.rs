//! Control chart drawing (SVG/PNG) in the look of a Minitab chart.

use crate::error::Result;
use crate::i18n::Lang;
use crate::spc::ChartResult;
use std::path::Path;

/// Presentation options of a chart.
#[derive(Debug, Clone)]
pub struct ChartStyle {
    /// Title (may be Chinese).
    pub title: String,
    /// Language of axis captions and labels.
    pub lang: Lang,
}

/// Draw the chart into `path` (.svg or .png by extension).
pub fn draw(_chart: &ChartResult, _style: &ChartStyle, _path: &Path) -> Result<()> {
    Ok(())
}

//! The alternative hypothesis of a test and the p-value of a normal statistic under it.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

/// Alternative hypothesis: `two-sided`, `less` (first < second, or below mu) or `greater`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Alternative {
    /// θ ≠ θ0.
    #[default]
    TwoSided,
    /// θ < θ0.
    Less,
    /// θ > θ0.
    Greater,
}

impl Alternative {
    /// Parse `two-sided` (also `two.sided`, `ne`), `less` (`lt`), `greater` (`gt`).
    pub fn parse(s: &str) -> Option<Alternative> {
        match s.trim().to_ascii_lowercase().as_str() {
            "two-sided" | "two.sided" | "two_sided" | "twosided" | "ne" | "both" => Some(Alternative::TwoSided),
            "less" | "lt" | "lower" => Some(Alternative::Less),
            "greater" | "gt" | "upper" => Some(Alternative::Greater),
            _ => None,
        }
    }

    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Alternative::TwoSided => "two-sided",
            Alternative::Less => "less",
            Alternative::Greater => "greater",
        }
    }

    /// p-value of a standard-normal statistic `z` (two-sided: 2·min of the tails, as R).
    pub fn normal_p(self, z: f64) -> f64 {
        let lower = std_normal_cdf(z);
        let upper = std_normal_cdf(-z);
        match self {
            Alternative::TwoSided => (2.0 * lower.min(upper)).min(1.0),
            Alternative::Less => lower,
            Alternative::Greater => upper,
        }
    }

    /// R's continuity correction sign for a centred rank statistic: two-sided sign(z)·½,
    /// greater ½, less −½ (R `wilcox.test`, `correct = TRUE`).
    pub fn continuity(self, centred: f64) -> f64 {
        match self {
            Alternative::TwoSided => 0.5 * sign(centred),
            Alternative::Greater => 0.5,
            Alternative::Less => -0.5,
        }
    }
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Φ(z), the standard normal CDF.
pub fn std_normal_cdf(z: f64) -> f64 {
    // ok: mean 0, sd 1 are valid parameters.
    Normal::new(0.0, 1.0).map(|n| n.cdf(z)).unwrap_or(f64::NAN)
}

/// Φ⁻¹(p), the standard normal quantile.
pub fn std_normal_quantile(p: f64) -> f64 {
    Normal::new(0.0, 1.0).map(|n| n.inverse_cdf(p)).unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_tails() {
        assert_eq!(Alternative::parse("two.sided"), Some(Alternative::TwoSided));
        assert_eq!(Alternative::parse("x"), None);
        // scipy: 2*norm.cdf(-1.96) = 0.04999579029644087, norm.sf(1.96)
        let p = Alternative::TwoSided.normal_p(1.96);
        // statrs erfc is accurate to about 5e-11 relative only (4.99957902942e-2 here).
        assert!((p - 0.04999579029644087).abs() < 1e-10 * p, "{p:e}");
        assert!((Alternative::Greater.normal_p(1.96) - 0.024997895148220435).abs() < 1e-10 * 0.025);
        assert!((std_normal_quantile(0.975) - 1.959963984540054).abs() < 1e-12);
    }
}

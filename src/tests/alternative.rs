//! The alternative hypothesis of a test (one enum for every test, defined in `ttest`) and the
//! p-value of a normal statistic under it (Φ from [`crate::num::normal`]).

use crate::num::normal::pnorm;

pub use super::ttest::Alternative;

/// What the rank, count and rate tests need of an alternative beyond `parse`/`as_str`
/// (defined with the enum in `ttest`).
impl Alternative {
    /// p-value of a standard-normal statistic `z` (two-sided: 2·min of the tails, as R).
    pub fn normal_p(self, z: f64) -> f64 {
        let lower = pnorm(z);
        let upper = pnorm(-z);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_tails() {
        assert_eq!(Alternative::parse("two.sided"), Some(Alternative::TwoSided));
        assert_eq!(Alternative::parse("x"), None);
        // scipy: 2*norm.cdf(-1.96) = 0.04999579029644087, norm.sf(1.96)
        let p = Alternative::TwoSided.normal_p(1.96);
        assert!((p - 0.04999579029644087).abs() < 5e-15 * p, "{p:e}");
        assert!((Alternative::Greater.normal_p(1.96) - 0.024997895148220435).abs() < 5e-15 * 0.025);
    }

}

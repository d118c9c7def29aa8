//! Parts per million outside the specification: observed in the data, and expected from a
//! model (normal with the within or overall sigma, or a fitted distribution); Z.bench.

use super::SpecLimits;
use serde::Serialize;
use crate::num::normal::{pnorm, pnorm_upper, qnorm};

/// PPM below LSL, above USL and in total. A side without its limit is `None`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Tails {
    /// Below the LSL.
    pub below: Option<f64>,
    /// Above the USL.
    pub above: Option<f64>,
    /// Sum of the sides that exist.
    pub total: f64,
}

impl Tails {
    fn new(below: Option<f64>, above: Option<f64>) -> Tails {
        Tails { below, above, total: below.unwrap_or(0.0) + above.unwrap_or(0.0) }
    }
}

/// The three PPM blocks of a capability study.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Ppm {
    /// Counted in the data: 10⁶·(count outside)/N.
    pub observed: Tails,
    /// Expected with the within sigma (potential).
    pub expected_within: Option<Tails>,
    /// Expected with the overall sigma (or the fitted distribution).
    pub expected_overall: Tails,
}

/// Observed PPM: strictly below LSL, strictly above USL (Minitab).
pub fn observed(xs: &[f64], spec: &SpecLimits) -> Tails {
    let n = xs.len() as f64;
    // One pass counts both sides (a missing limit compares false with every value).
    let (lsl, usl) = (spec.lsl.unwrap_or(f64::NAN), spec.usl.unwrap_or(f64::NAN));
    let (below, above) = xs.iter().fold((0usize, 0usize), |(b, a), &x| (b + usize::from(x < lsl), a + usize::from(x > usl)));
    Tails::new(spec.lsl.map(|_| 1e6 * below as f64 / n), spec.usl.map(|_| 1e6 * above as f64 / n))
}

/// Expected PPM from any model given its CDF (for below) and survival function (for above,
/// computed directly so that small upper tails keep their precision).
pub fn expected(cdf: impl Fn(f64) -> f64, sf: impl Fn(f64) -> f64, spec: &SpecLimits) -> Tails {
    Tails::new(spec.lsl.map(|l| 1e6 * cdf(l)), spec.usl.map(|u| 1e6 * sf(u)))
}

/// Expected PPM of a normal model N(mean, sigma²): 10⁶·Φ((LSL−μ)/σ), 10⁶·(1−Φ((USL−μ)/σ)).
pub fn expected_normal(mean: f64, sigma: f64, spec: &SpecLimits) -> Tails {
    expected(|l| pnorm((l - mean) / sigma), |u| pnorm_upper((u - mean) / sigma), spec)
}

/// Z.bench = Φ⁻¹(1 − P(out of spec)) (Minitab "benchmark Z"), computed as −Φ⁻¹(P) for
/// precision; `None` when the expected proportion is 0 to double precision.
pub fn z_bench(t: &Tails) -> Option<f64> {
    let p = t.total / 1e6;
    if !(p > 0.0 && p < 1.0) {
        return None;
    }
    Some(-qnorm(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn montgomery_cp_one_is_2700_ppm() {
        // Montgomery 7e §8.3.1 (table of PCR against ppm): a centred process with Cp = 1 has
        // 2700 ppm out (two-sided).
        let s = SpecLimits { lsl: Some(-3.0), usl: Some(3.0), target: None };
        let t = expected_normal(0.0, 1.0, &s);
        assert!((t.total - 2699.796).abs() < 1e-2, "{t:?}");
        // R: -qnorm(2699.796e-6) = 2.782175
        assert!((z_bench(&t).unwrap() - 2.782175).abs() < 1e-5);
    }

    #[test]
    fn observed_counts_strictly_outside() {
        let s = SpecLimits { lsl: Some(1.0), usl: None, target: None };
        let t = observed(&[0.5, 1.0, 2.0, 3.0], &s);
        assert_eq!(t.below, Some(250000.0));
        assert_eq!(t.above, None);
        assert_eq!(t.total, 250000.0);
    }
}

//! Confidence intervals of the capability indices (Minitab "Normal Capability Analysis:
//! methods and formulas"; Cp: Kane 1986 chi-square interval; Cpk, Ppk: Bissell 1990 normal
//! approximation with the 1/(9N) term).

use serde::Serialize;
use crate::num::normal::qnorm;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Two-sided intervals at one confidence level; `None` where the index does not exist.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IndexCi {
    /// Confidence level, e.g. 0.95.
    pub level: f64,
    /// Interval of Cp.
    pub cp: Option<[f64; 2]>,
    /// Interval of Cpk.
    pub cpk: Option<[f64; 2]>,
    /// Interval of Pp.
    pub pp: Option<[f64; 2]>,
    /// Interval of Ppk.
    pub ppk: Option<[f64; 2]>,
}

/// Cp (or Pp) interval: Cp·√(χ²_{α/2,ν}/ν) .. Cp·√(χ²_{1−α/2,ν}/ν).
pub fn potential_ci(index: f64, nu: f64, level: f64) -> Option<[f64; 2]> {
    let chi = ChiSquared::new(nu).ok()?;
    let a = 1.0 - level;
    let lo = index * (chi.inverse_cdf(a / 2.0) / nu).sqrt();
    let hi = index * (chi.inverse_cdf(1.0 - a / 2.0) / nu).sqrt();
    (lo.is_finite() && hi.is_finite()).then_some([lo, hi])
}

/// Cpk (or Ppk) interval: Cpk ∓ z_{1−α/2}·√(1/(9N) + Cpk²/(2ν)).
pub fn k_ci(index: f64, n: usize, nu: f64, level: f64) -> Option<[f64; 2]> {
    if n == 0 || nu <= 0.0 {
        return None;
    }
    let z = qnorm(1.0 - (1.0 - level) / 2.0);
    let half = z * (1.0 / (9.0 * n as f64) + index * index / (2.0 * nu)).sqrt();
    Some([index - half, index + half])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn montgomery_eq_8_19_cp_interval() {
        // Montgomery 7e §8.3.5 (chi-square interval of Cp) with Cp = 1.33 from n = 20 at 95%:
        // 1.33·√(8.91/19) ≤ Cp ≤ 1.33·√(32.85/19), i.e. 0.91 .. 1.75
        // (R: 1.33*sqrt(qchisq(c(.025,.975),19)/19) = 0.9106024 1.7488715).
        let ci = potential_ci(1.33, 19.0, 0.95).unwrap();
        assert!((ci[0] - 0.9106024).abs() < 1e-7, "{ci:?}");
        assert!((ci[1] - 1.7488715).abs() < 1e-7, "{ci:?}");
    }

    #[test]
    fn cpk_interval_is_symmetric() {
        let ci = k_ci(1.2, 50, 49.0, 0.95).unwrap();
        assert!(((ci[0] + ci[1]) / 2.0 - 1.2).abs() < 1e-12);
        // half width by hand: 1.959964·√(1/450 + 1.44/98)
        let half = 1.959963984540054 * (1.0f64 / 450.0 + 1.44 / 98.0).sqrt();
        assert!((ci[1] - 1.2 - half).abs() < 1e-9);
    }
}

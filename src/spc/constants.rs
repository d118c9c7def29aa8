//! Control chart constants d2, d3, c4 (Montgomery 7e, Appendix VI).
//!
//! * `d2(n)` = E[R]/σ and `d3(n)` = sd[R]/σ for the range R of n normal observations. For
//!   the sizes qcc tabulates (d2: n = 2..=25, 3 decimals; d3: n = 2..=50, 7 decimals) they are
//!   **qcc's tabulated values**, because
//!   the reference cases and the conventions (CONVENTIONS.md "Constants") demand them: d2(2) is
//!   1.128, not 2/√π = 1.12838. Beyond the table they are computed by numerical integration of
//!   the range distribution ([`d2_integral`], [`d3_integral`]).
//! * `c4(n)` = E[s]/σ, exact: √(2/(n−1))·Γ(n/2)/Γ((n−1)/2), through ln Γ (no overflow).
//!
//! For n < 2 (a single observation has no range and no standard deviation) every constant
//! is NaN; callers leave such subgroups out.

use crate::num::normal::pnorm;
use statrs::function::gamma::ln_gamma;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// qcc's d2 table, index n (0 and 1 unused): `qcc.options("exp.R.unscaled")`, the vector
/// `exp.R.unscaled` of qcc's `.qcc.options` (qcc 2.7/3.0 source, R/qcc.options.R; qcc is not
/// packaged for Debian, so the values were read from the source and verified against the
/// reference cases, which were produced by R 4.2.2 + qcc 3.0 for n = 2 and n = 5, and
/// against [`d2_integral`] to ±0.0005).
const D2_TABLE: [f64; 26] = [
    f64::NAN, f64::NAN, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078, 3.173, 3.258, 3.336,
    3.407, 3.472, 3.532, 3.588, 3.640, 3.689, 3.735, 3.778, 3.819, 3.858, 3.895, 3.931,
];

/// qcc's d3 table, index n (0 and 1 unused): `qcc.options("se.R.unscaled")` (same source).
/// It lies above the exact values (our [`d3_integral`], confirmed by scipy `dblquad`) by 8e-7
/// at n = 2 (exact √(2 − 4/π) = 0.85250247) up to 1.2e-5 near n = 25; kept as qcc has it,
/// since the reference limits are built on it.
const D3_TABLE: [f64; 51] = [
    f64::NAN, f64::NAN,
    0.8525033, 0.8883697, 0.8798108, 0.8640855, 0.8480442, 0.8332108, 0.8198378, 0.8078413, 0.7970584,
    0.7873230, 0.7784873, 0.7704257, 0.7630330, 0.7562217, 0.7499188, 0.7440627, 0.7386021, 0.7334929,
    0.7286980, 0.7241851, 0.7199267, 0.7158987, 0.7120802, 0.7084528, 0.7050004, 0.7017086, 0.6985648,
    0.6955576, 0.6926770, 0.6899137, 0.6872596, 0.6847074, 0.6822502, 0.6798821, 0.6775973, 0.6753910,
    0.6732584, 0.6711952, 0.6691976, 0.6672619, 0.6653848, 0.6635632, 0.6617943, 0.6600754, 0.6584041,
    0.6567780, 0.6551950, 0.6536532, 0.6521506,
];

/// d2(n) = E[R]/σ: qcc's table for n ≤ 25, numerical integration beyond; NaN for n < 2.
pub fn d2(n: usize) -> f64 {
    match D2_TABLE.get(n) {
        Some(&v) => v,
        None => cached(n).0,
    }
}

/// d3(n) = sd[R]/σ: qcc's table for n ≤ 50, numerical integration beyond; NaN for n < 2.
pub fn d3(n: usize) -> f64 {
    match D3_TABLE.get(n) {
        Some(&v) => v,
        None => cached(n).1,
    }
}

/// (d2, d3) by integration, computed once per n (d3 costs ~10⁷ operations).
fn cached(n: usize) -> (f64, f64) {
    static CACHE: OnceLock<Mutex<HashMap<usize, (f64, f64)>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(v) = cache.lock().ok().and_then(|c| c.get(&n).copied()) {
        return v;
    }
    let v = (d2_integral(n), d3_integral(n));
    if let Ok(mut c) = cache.lock() {
        c.insert(n, v);
    }
    v
}

/// c4(n) = E[s]/σ = √(2/(n−1))·Γ(n/2)/Γ((n−1)/2) (Montgomery 7e §6.3), exact; NaN for n < 2.
pub fn c4(n: usize) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    let m = n as f64;
    (2.0 / (m - 1.0)).sqrt() * (ln_gamma(m / 2.0) - ln_gamma((m - 1.0) / 2.0)).exp()
}

/// Grid step and half-width for the range integrals (the integrands are smooth and decay
/// like the normal tail, so the trapezoid rule on a fine grid is accurate to ~1e-10).
const STEP: f64 = 0.005;
const HALF_WIDTH: f64 = 10.0;

fn phi_grid(points: usize) -> Vec<f64> {
    (0..points).map(|i| pnorm(-HALF_WIDTH + i as f64 * STEP)).collect()
}

/// d2(n) by integration: E[R] = ∫ (1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ) dx (Tippett 1925), trapezoid
/// rule on [−10, 10] with step 0.005. NaN for n < 2.
pub fn d2_integral(n: usize) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    let k = (2.0 * HALF_WIDTH / STEP).round() as usize + 1;
    let n = n as i32;
    let sum: f64 = phi_grid(k).iter().map(|&f| 1.0 - f.powi(n) - (1.0 - f).powi(n)).sum();
    // integrand is ~0 at both ends, so the trapezoid end corrections vanish
    sum * STEP
}

/// d3(n) by integration: E[R²] = 2∫₀^∞∫ (1 − Φ(x+w)ⁿ − (1 − Φ(x))ⁿ + (Φ(x+w) − Φ(x))ⁿ) dx dw
/// (R = ∫ 1{min ≤ t < max} dt squared, and P(min ≤ s, max > t) for s < t), d3 = √(E[R²] − d2²).
/// Trapezoid rule in x (smooth, vanishing tails) and Simpson's rule in w (the w = 0 edge is
/// not smooth across), both on the step-0.005 grid so that Φ(x+w) is a grid value. Accurate
/// to about 1e-9 (d3(2) = √(2 − 4/π) is checked in the tests). NaN for n < 2.
pub fn d3_integral(n: usize) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    let k = (2.0 * HALF_WIDTH / STEP).round() as usize + 1; // odd: an even number of intervals
    let phi = phi_grid(k);
    let ni = n as i32;
    let mut second = 0.0;
    for j in 0..k {
        let simpson = if j == 0 || j == k - 1 { 1.0 } else if j % 2 == 1 { 4.0 } else { 2.0 };
        // x beyond the grid: Φ(x) = 0 or Φ(x+w) = 1 make the integrand vanish.
        let inner: f64 = (0..k - j)
            .map(|i| {
                let (fx, fy) = (phi[i], phi[i + j]);
                1.0 - fy.powi(ni) - (1.0 - fx).powi(ni) + (fy - fx).powi(ni)
            })
            .sum();
        second += simpson * inner;
    }
    second *= 2.0 * STEP * STEP / 3.0;
    let d2 = d2_integral(n);
    (second - d2 * d2).max(0.0).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Montgomery 7e, Appendix VI (factors for constructing variables control charts), n = 2..25.
    const MONTGOMERY_D2: [f64; 24] = [
        1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078, 3.173, 3.258, 3.336, 3.407, 3.472,
        3.532, 3.588, 3.640, 3.689, 3.735, 3.778, 3.819, 3.858, 3.895, 3.931,
    ];
    const MONTGOMERY_D3: [f64; 24] = [
        0.853, 0.888, 0.880, 0.864, 0.848, 0.833, 0.820, 0.808, 0.797, 0.787, 0.778, 0.770, 0.763, 0.756,
        0.750, 0.744, 0.739, 0.734, 0.729, 0.724, 0.720, 0.716, 0.712, 0.708,
    ];
    const MONTGOMERY_C4: [f64; 24] = [
        0.7979, 0.8862, 0.9213, 0.9400, 0.9515, 0.9594, 0.9650, 0.9693, 0.9727, 0.9754, 0.9776, 0.9794,
        0.9810, 0.9823, 0.9835, 0.9845, 0.9854, 0.9862, 0.9869, 0.9876, 0.9882, 0.9887, 0.9892, 0.9896,
    ];

    #[test]
    fn d2_matches_montgomery_appendix_vi() {
        for (i, &v) in MONTGOMERY_D2.iter().enumerate() {
            assert_eq!(d2(i + 2), v, "n = {}", i + 2);
        }
    }

    #[test]
    fn d3_matches_montgomery_appendix_vi() {
        for (i, &v) in MONTGOMERY_D3.iter().enumerate() {
            // Montgomery's three-decimal d3 differs from qcc's table by up to 0.001 (n = 19)
            assert!((d3(i + 2) - v).abs() <= 0.001 + 1e-12, "n = {}: {} vs {v}", i + 2, d3(i + 2));
        }
    }

    #[test]
    fn c4_matches_montgomery_appendix_vi() {
        for (i, &v) in MONTGOMERY_C4.iter().enumerate() {
            assert!((c4(i + 2) - v).abs() <= 0.00005 + 1e-12, "n = {}: {} vs {v}", i + 2, c4(i + 2));
        }
        // exact values: c4(2) = sqrt(2/pi), c4(3) = sqrt(pi)/2
        assert!((c4(2) - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-13);
        assert!((c4(3) - std::f64::consts::PI.sqrt() / 2.0).abs() < 1e-13);
        assert!((c4(1000) - 0.99975).abs() < 1e-5);
    }

    #[test]
    fn integrals_reproduce_the_tables() {
        // n = 2: R = |X1 - X2| with X1 - X2 ~ N(0, 2): E R = 2/sqrt(pi), Var R = 2 - 4/pi
        assert!((d2_integral(2) - 2.0 / std::f64::consts::PI.sqrt()).abs() < 1e-9);
        assert!((d3_integral(2) - (2.0 - 4.0 / std::f64::consts::PI).sqrt()).abs() < 1e-8);
        for n in 2..=25 {
            assert!((d2_integral(n) - d2(n)).abs() <= 0.0005 + 1e-9, "d2 n = {n}");
        }
        for n in [2, 3, 4, 7, 12, 25, 38, 50] {
            // qcc's table lies above the integral by 8e-7 (n = 2) to 1.2e-5 (n = 25); scipy
            // dblquad gives the integral's value (n = 10: 0.79705067 against qcc's 0.7970584)
            assert!((d3_integral(n) - d3(n)).abs() <= 1.5e-5, "d3 n = {n}: {} vs {}", d3_integral(n), d3(n));
        }
    }

    #[test]
    fn beyond_the_table_continues_smoothly() {
        assert!(d2(26) > d2(25) && d2(26) - d2(25) < 0.05);
        assert!(d3(51) < d3(50) && d3(50) - d3(51) < 0.005);
        assert!(d2(1).is_nan() && d3(1).is_nan() && c4(1).is_nan());
    }
}

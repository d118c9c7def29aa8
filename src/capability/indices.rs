//! Capability indices of a normal model: Cp, Cpl, Cpu, Cpk (within sigma) and Pp, Ppl, Ppu,
//! Ppk (overall sigma) share one formula set; Cpm (Taguchi) uses the deviations from target.

use super::SpecLimits;

/// The four indices computed from one sigma: the potential index (Cp or Pp), the lower and
/// upper one-sided indices and their minimum (Cpk or Ppk). Indices whose limit is missing
/// are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Indices {
    /// Cp or Pp: (USL − LSL) / 6σ; needs both limits.
    pub potential: Option<f64>,
    /// Cpl or Ppl: (μ − LSL) / 3σ.
    pub lower: Option<f64>,
    /// Cpu or Ppu: (USL − μ) / 3σ.
    pub upper: Option<f64>,
    /// Cpk or Ppk: min of the one-sided indices that exist.
    pub k: Option<f64>,
}

/// Normal-model indices for mean `mean` and standard deviation `sigma`
/// (Montgomery, Introduction to SQC 7e, §8.3, eq. 8.4–8.8; Minitab "Normal Capability
/// Analysis: methods and formulas").
pub fn normal_indices(mean: f64, sigma: f64, spec: &SpecLimits) -> Indices {
    let potential = match (spec.lsl, spec.usl) {
        (Some(l), Some(u)) => Some((u - l) / (6.0 * sigma)),
        _ => None,
    };
    let lower = spec.lsl.map(|l| (mean - l) / (3.0 * sigma));
    let upper = spec.usl.map(|u| (u - mean) / (3.0 * sigma));
    Indices { potential, lower, upper, k: min_opt(lower, upper) }
}

/// Percentile-method indices for a fitted distribution with quantiles `q_lo` = X₀.₀₀₁₃₅,
/// `q_med` = X₀.₅, `q_hi` = X₀.₉₉₈₆₅ (ISO 22514-2:2017 §6, Clements 1989):
/// Pp = (USL − LSL)/(X₀.₉₉₈₆₅ − X₀.₀₀₁₃₅), Ppl = (X₀.₅ − LSL)/(X₀.₅ − X₀.₀₀₁₃₅),
/// Ppu = (USL − X₀.₅)/(X₀.₉₉₈₆₅ − X₀.₅).
pub fn percentile_indices(q_lo: f64, q_med: f64, q_hi: f64, spec: &SpecLimits) -> Indices {
    let potential = match (spec.lsl, spec.usl) {
        (Some(l), Some(u)) => Some((u - l) / (q_hi - q_lo)),
        _ => None,
    };
    let lower = spec.lsl.map(|l| (q_med - l) / (q_med - q_lo));
    let upper = spec.usl.map(|u| (u - q_med) / (q_hi - q_med));
    Indices { potential, lower, upper, k: min_opt(lower, upper) }
}

/// Cpm, Taguchi's index with a target, as Minitab computes it (Minitab "Normal Capability
/// Analysis: methods and formulas, overall capability, Cpm"; Chan, Cheng & Spiring 1988):
/// with τ = √(Σ(xᵢ − T)² / (N − 1)), Cpm = (USL − LSL)/(6τ) when T is the midpoint,
/// min(T − LSL, USL − T)/(3τ) otherwise, (USL − T)/(3τ) or (T − LSL)/(3τ) with one limit.
/// `None` without a target or without any limit (Minitab's "*").
pub fn cpm(xs: &[f64], spec: &SpecLimits) -> Option<f64> {
    spec.target?;
    let mean = crate::num::mean(xs);
    cpm_from_moments(xs.len(), mean, crate::num::sum_sq_dev(xs, mean), spec)
}

/// [`cpm`] from the moments of the data: n, the mean x̄ and Σ(x − x̄)² (as
/// [`crate::num::sum_sq_dev`]), for a caller that has them already.
pub fn cpm_from_moments(n: usize, mean: f64, sum_sq_dev: f64, spec: &SpecLimits) -> Option<f64> {
    let t = spec.target?;
    if n < 2 {
        return None;
    }
    // Σ(x − T)² = Σ(x − x̄)² + N(x̄ − T)² (exact; no copy of the data)
    let nf = n as f64;
    let ss = sum_sq_dev + nf * (mean - t) * (mean - t);
    let tau = (ss / (nf - 1.0)).sqrt();
    let half_width = match (spec.lsl, spec.usl) {
        (Some(l), Some(u)) => (t - l).min(u - t),
        (Some(l), None) => t - l,
        (None, Some(u)) => u - t,
        (None, None) => return None,
    };
    Some(half_width / (3.0 * tau))
}

/// The smaller of two optional values; the one that exists when only one does.
pub fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(l: Option<f64>, u: Option<f64>, t: Option<f64>) -> SpecLimits {
        SpecLimits { lsl: l, usl: u, target: t }
    }

    #[test]
    fn montgomery_bottle_strength_one_sided() {
        // Montgomery 7e §8.3.1, glass-bottle bursting strength: μ̂ = 264.06, σ̂ = 32.02, LSL 200 (one-sided)
        // gives Cpl = (264.06 − 200)/(3·32.02) = 0.67.
        let i = normal_indices(264.06, 32.02, &spec(Some(200.0), None, None));
        assert!((i.lower.unwrap() - 0.6669).abs() < 1e-4);
        assert_eq!(i.potential, None);
        assert_eq!(i.k, i.lower);
    }

    #[test]
    fn montgomery_section_8_3_cp_and_cpk() {
        // Montgomery 7e §8.3.1/§8.3.2, piston-ring diameter: USL 74.05, LSL 73.95, σ̂ = 0.0099
        // → Cp = 0.1/(6·0.0099) = 1.68; with μ = 74.01 → Cpu = 0.04/0.0297 = 1.35 = Cpk.
        let i = normal_indices(74.01, 0.0099, &spec(Some(73.95), Some(74.05), None));
        assert!((i.potential.unwrap() - 1.6835).abs() < 1e-4);
        assert!((i.upper.unwrap() - 1.3468).abs() < 1e-3);
        assert!((i.lower.unwrap() - 2.0202).abs() < 1e-3);
        assert_eq!(i.k, i.upper);
    }

    #[test]
    fn montgomery_table_8_5_cpm() {
        // Montgomery 7e §8.3.3 (Cpm example): USL 62, LSL 38, T = 50; σ = 2, μ = 50
        // gives Cpm = Cp = 2; μ = 53 gives Cpm = 24/(6·√(σ² + (μ − T)²)) = 1.11. A large
        // two-point sample x = μ ± 2 has these moments (τ² carries Minitab's N − 1).
        let xs: Vec<f64> = (0..10_000).map(|i| if i % 2 == 0 { 48.0 } else { 52.0 }).collect();
        let c = cpm(&xs, &spec(Some(38.0), Some(62.0), Some(50.0))).unwrap();
        // τ² = 4·N/(N−1)
        let want = 24.0 / (6.0 * (4.0f64 * 10_000.0 / 9_999.0).sqrt());
        assert!((c - want).abs() < 1e-12);
        assert!((c - 2.0).abs() < 1e-3);
        let shifted: Vec<f64> = xs.iter().map(|x| x + 3.0).collect();
        let c2 = cpm(&shifted, &spec(Some(38.0), Some(62.0), Some(50.0))).unwrap();
        assert!((c2 - 24.0 / (6.0 * 13.0f64.sqrt())).abs() < 1e-3, "{c2}"); // Montgomery: 1.11
    }

    #[test]
    fn cpm_needs_a_target() {
        assert_eq!(cpm(&[1.0, 2.0, 3.0], &spec(Some(0.0), Some(4.0), None)), None);
        assert!(cpm(&[1.0, 2.0, 3.0], &spec(None, Some(4.0), Some(2.0))).is_some());
    }

    #[test]
    fn percentile_indices_equal_normal_ones_for_normal_quantiles() {
        // For a normal model X0.00135 = μ − 3σ, X0.5 = μ, X0.99865 = μ + 3σ.
        let (m, s) = (10.0, 0.5);
        let sp = spec(Some(8.0), Some(13.0), None);
        let a = normal_indices(m, s, &sp);
        let b = percentile_indices(m - 3.0 * s, m, m + 3.0 * s, &sp);
        for (x, y) in [(a.potential, b.potential), (a.lower, b.lower), (a.upper, b.upper), (a.k, b.k)] {
            assert!((x.unwrap() - y.unwrap()).abs() < 1e-12);
        }
    }
}

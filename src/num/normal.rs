//! The standard normal distribution, to full double precision: Φ (`pnorm`), its upper tail,
//! ln Φ, the density φ and the quantile Φ⁻¹ (`qnorm`). The one implementation every module
//! uses (statrs' `Normal` is only ~1e-11 accurate in the CDF, too coarse for R-exact p-values).

use statrs::distribution::{ContinuousCDF, Normal};

/// 1/√2 − `FRAC_1_SQRT_2`: the rounding error of the f64 constant.
const FRAC_1_SQRT_2_LO: f64 = -4.833646656726457e-17;

/// Standard normal CDF Φ(z) by the complementary error function of `libm` (FreeBSD/musl
/// `erfc`, error below 1 ulp): Φ(z) = erfc(t)/2 with t = −z/√2. The argument t is rounded; in
/// the tail erfc's relative slope is ≈ 2t, so that rounding alone would cost 2t²·ε (1.5e-14 at
/// z = −20). The rounding error δ of t (exact product by `mul_add`, plus the constant's own
/// error) is put back to first order: erfc(t + δ) ≈ erfc(t) − δ·2/√π·e^{−t²}.
pub fn pnorm(z: f64) -> f64 {
    let t = -z * std::f64::consts::FRAC_1_SQRT_2;
    if !t.is_finite() {
        return 0.5 * libm::erfc(t);
    }
    let delta = (-z).mul_add(std::f64::consts::FRAC_1_SQRT_2, -t) + (-z) * FRAC_1_SQRT_2_LO;
    let slope = std::f64::consts::FRAC_2_SQRT_PI * (-t * t).exp();
    0.5 * (libm::erfc(t) - delta * slope)
}

/// Upper tail 1 − Φ(z), without cancellation.
pub fn pnorm_upper(z: f64) -> f64 {
    pnorm(-z)
}

/// Standard normal density φ(z) = e^{−z²/2}/√(2π).
pub fn dnorm(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Where [`log_pnorm`] switches from ln Φ(z) (computed as `pnorm(z).ln()` for −30 < z ≤ 0) to
/// the asymptotic series.
pub const LOG_PNORM_ASYMPTOTIC_BELOW: f64 = -30.0;

/// ln Φ(z), accurate far into the lower tail: for z ≤ −30 the asymptotic series of the Mills
/// ratio (Abramowitz & Stegun 26.2.12) replaces log(erfc), which underflows below z ≈ −38.
pub fn log_pnorm(z: f64) -> f64 {
    if z > LOG_PNORM_ASYMPTOTIC_BELOW {
        return if z > 0.0 { libm::log1p(-pnorm_upper(z)) } else { pnorm(z).ln() };
    }
    let z2 = z * z;
    let series = 1.0 - 1.0 / z2 + 3.0 / (z2 * z2) - 15.0 / (z2 * z2 * z2);
    -0.5 * z2 - (-z).ln() - 0.5 * (2.0 * std::f64::consts::PI).ln() + series.ln()
}

/// Standard normal quantile Φ⁻¹(p): statrs' estimate polished by two Newton steps on the
/// accurate [`pnorm`] (quadratic convergence), so it is good to a few ulp. ±∞ at 0 and 1,
/// NaN outside [0, 1].
pub fn qnorm(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return if p == 0.0 { f64::NEG_INFINITY } else if p == 1.0 { f64::INFINITY } else { f64::NAN };
    }
    let mut z = Normal::standard().inverse_cdf(p);
    for _ in 0..2 {
        let density = dnorm(z);
        if !(density > 0.0) {
            break;
        }
        // Work on the smaller tail so the residual has no cancellation.
        let resid = if p < 0.5 { pnorm(z) - p } else { (1.0 - p) - pnorm_upper(z) };
        z -= resid / density;
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    // scipy.special.erfc(x), scipy 1.17.1 (checks the libm erfc that `pnorm` rests on)
    const ERFC: &[(f64, f64)] = &[(0.0, 1.0), (0.1, 0.8875370839817152), (0.3, 0.6713732405408726), (0.49, 0.48833173881147696), (0.5, 0.4795001221869535), (0.51, 0.4707563801588296), (0.9, 0.20309178757716784), (1.3, 0.06599205505934758), (1.7, 0.01620954140922544), (1.99, 0.004888586800383002), (2.0, 0.004677734981047266), (2.01, 0.004475150644751764), (2.5, 0.00040695201744495886), (3.2, 6.025761151762082e-06), (4.5, 1.9661604415428878e-10), (6.0, 2.1519736712498913e-17), (8.0, 1.1224297172982928e-29), (12.0, 1.3562611692059047e-64), (20.0, 5.395865611607901e-176), (26.0, 5.663192408856145e-296), (-0.7, 1.6778011938374182), (-2.5, 1.999593047982555)];
    // R 4.2: sprintf('%.17g', pnorm(z)) (scipy's norm.cdf(-20) is 2.8e-14 off: it goes through erfc(z/√2))
    const PHI: &[(f64, f64)] = &[(-20.0, 2.7536241186062337e-89), (-8.0, 6.2209605742717849e-16), (-5.0, 2.8665157187919391e-07), (-3.3, 0.00048342414238377744), (-1.0, 0.15865525393145705), (0.0, 0.5), (0.8, 0.78814460141660336), (2.2, 0.98609655248650141), (5.5, 0.99999998101043752)];

    #[test]
    fn erfc_and_phi_match_scipy_and_r() {
        for &(x, want) in ERFC {
            let got = libm::erfc(x);
            assert!((got - want).abs() <= 5e-15 * want, "erfc({x}) = {got:e}, want {want:e}");
        }
        for &(z, want) in PHI {
            let got = pnorm(z);
            assert!((got - want).abs() <= 5e-15 * want, "Phi({z}) = {got:e}, want {want:e}");
        }
    }

    #[test]
    fn tails_quantile_and_density() {
        // scipy: norm.sf(1.96) = 0.024997895148220435; norm.ppf(0.975) = 1.959963984540054
        assert!((pnorm_upper(1.96) - 0.024997895148220435).abs() < 5e-15 * 0.025);
        assert!((qnorm(0.975) - 1.959963984540054).abs() < 1e-12);
        assert!((qnorm(0.025) + 1.959963984540054).abs() < 1e-12);
        assert_eq!(qnorm(0.0), f64::NEG_INFINITY);
        assert!(qnorm(1.5).is_nan());
        assert_eq!((pnorm(f64::INFINITY), pnorm(f64::NEG_INFINITY)), (1.0, 0.0));
        assert!(pnorm(f64::NAN).is_nan());
        // R: dnorm(1) = 0.24197072451914337
        assert!((dnorm(1.0) - 0.24197072451914337).abs() < 1e-16);
        // R: pnorm(-40, log.p = TRUE) = -804.60844201338058
        assert!((log_pnorm(-40.0) + 804.60844201338058).abs() < 1e-9);
    }
}

//! The alternative hypothesis of a test (one enum for every test, defined in `ttest`), the
//! p-value of a normal statistic under it, and an accurate normal CDF.

use statrs::distribution::{ContinuousCDF, Normal};

pub use super::ttest::Alternative;

/// What the rank, count and rate tests need of an alternative beyond `parse`/`as_str`
/// (defined with the enum in `ttest`).
impl Alternative {
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

/// Φ(z), the standard normal CDF, to a few units in 1e-15 relative in both tails (statrs'
/// erfc is good to about 5e-11 only, which shows in p-values' last digits). Near 0 through
/// [`erfc`]; beyond |z| = 0.7 the tail is φ(t)/K(t) with Laplace's continued fraction
/// K(t) = t + 1/(t + 2/(t + 3/(t + …))) (Abramowitz & Stegun 26.2.14), evaluated with the
/// modified Lentz method; φ(t) uses an exact split of t² so the far tail keeps its precision.
pub fn std_normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    let t = z.abs();
    if t < 0.7 {
        return 0.5 * erfc(-z / std::f64::consts::SQRT_2);
    }
    if t > 38.5 {
        return if z < 0.0 { 0.0 } else { 1.0 };
    }
    let tt = t * t;
    let tt_err = t.mul_add(t, -tt); // t² = tt + tt_err exactly
    let density = (-0.5 * tt).exp() * (-0.5 * tt_err).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let tiny = 1e-300;
    let (mut f, mut c, mut d) = (t, t, 0.0f64);
    for k in 1..5000 {
        let a = k as f64;
        d = t + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = t + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    let tail = density / f;
    if z < 0.0 { tail } else { 1.0 - tail }
}

/// Complementary error function: the all-positive series of erf for |x| < 0.5
/// (Abramowitz & Stegun 7.1.6), the continued fraction beyond (A&S 7.1.14, modified Lentz),
/// with e^{−x²} computed from an exact split of x² so that the far tail keeps its precision.
pub fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x > 27.3 {
        return 0.0;
    }
    let xx = x * x;
    let xx_err = x.mul_add(x, -xx); // x² = xx + xx_err exactly
    let gauss = (-xx).exp() * (-xx_err).exp();
    if x < 0.5 {
        // erf x = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1))
        let (mut term, mut sum, mut n) = (x, x, 0.0f64);
        while term > sum * 1e-17 {
            n += 1.0;
            term *= 2.0 * xx / (2.0 * n + 1.0);
            sum += term;
        }
        let erf = std::f64::consts::FRAC_2_SQRT_PI * gauss * sum;
        return 1.0 - erf;
    }
    // erfc x = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
    let tiny = 1e-300;
    let (mut f, mut c, mut d) = (x, x, 0.0f64);
    for k in 1..2000 {
        let a = k as f64 / 2.0;
        d = x + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    gauss / (f * std::f64::consts::PI.sqrt())
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
        assert!((p - 0.04999579029644087).abs() < 5e-15 * p, "{p:e}");
        assert!((Alternative::Greater.normal_p(1.96) - 0.024997895148220435).abs() < 5e-15 * 0.025);
        assert!((std_normal_quantile(0.975) - 1.959963984540054).abs() < 1e-12);
    }
    // scipy.special.erfc(x), scipy 1.17.1
    const ERFC: &[(f64, f64)] = &[(0.0, 1.0), (0.1, 0.8875370839817152), (0.3, 0.6713732405408726), (0.49, 0.48833173881147696), (0.5, 0.4795001221869535), (0.51, 0.4707563801588296), (0.9, 0.20309178757716784), (1.3, 0.06599205505934758), (1.7, 0.01620954140922544), (1.99, 0.004888586800383002), (2.0, 0.004677734981047266), (2.01, 0.004475150644751764), (2.5, 0.00040695201744495886), (3.2, 6.025761151762082e-06), (4.5, 1.9661604415428878e-10), (6.0, 2.1519736712498913e-17), (8.0, 1.1224297172982928e-29), (12.0, 1.3562611692059047e-64), (20.0, 5.395865611607901e-176), (26.0, 5.663192408856145e-296), (-0.7, 1.6778011938374182), (-2.5, 1.999593047982555)];
    // R 4.2: sprintf('%.17g', pnorm(z)) (scipy's norm.cdf(-20) is 2.8e-14 off: it goes through erfc(z/√2))
    const PHI: &[(f64, f64)] = &[(-20.0, 2.7536241186062337e-89), (-8.0, 6.2209605742717849e-16), (-5.0, 2.8665157187919391e-07), (-3.3, 0.00048342414238377744), (-1.0, 0.15865525393145705), (0.0, 0.5), (0.8, 0.78814460141660336), (2.2, 0.98609655248650141), (5.5, 0.99999998101043752)];

    #[test]
    fn erfc_and_phi_match_scipy() {
        for &(x, want) in ERFC {
            let got = erfc(x);
            assert!((got - want).abs() <= 5e-15 * want, "erfc({x}) = {got:e}, want {want:e}");
        }
        for &(z, want) in PHI {
            let got = std_normal_cdf(z);
            assert!((got - want).abs() <= 5e-15 * want, "Phi({z}) = {got:e}, want {want:e}");
        }
    }

}

//! The regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x) at large shapes a,
//! by Temme's uniform asymptotic expansion (N. M. Temme 1979, "The asymptotic expansion of the
//! incomplete gamma functions", SIAM J. Math. Anal. 10:757–766; DLMF §8.12):
//!
//! Q(a, x) = ½·erfc(η·√(a/2)) + R,  P(a, x) = ½·erfc(−η·√(a/2)) − R,
//! R = e^{−aη²/2}/√(2πa) · Σₖ Cₖ(η)·a^{−k},  η = sign(d)·√(2(d − ln(1 + d))),  d = x/a − 1.
//!
//! The series (statrs' `checked_gamma_lr`, Cephes-style) needs about 8√a terms, tens of
//! microseconds at the shapes that gamma fits of precise measurements give (a ≈ 5·10⁷ for a
//! mean of 74 and an sd of 0.01), and its prefactor a·ln x − x − ln Γ(a) loses about 10⁻⁷ of
//! relative precision there. The expansion costs a few normal-function evaluations, and with
//! C₀…C₃ its truncation error is below 2·10⁻¹⁶ relative for a ≥ 1000 (checked against a
//! 300-digit evaluation of the defining series: fixtures/num/gamma_large_shape.py).
//!
//! The Cₖ are power series in d derived with sympy from C₀ = 1/d − 1/η and Temme's recursion
//! (fixtures/num/temme_coefficients.py prints the arrays below); they are used where
//! |d| ≤ [`TEMME_MAX_D`], where the series converge to double precision.

use super::normal::pnorm;

/// Smallest shape a for which [`gamma_pq_large_shape`] answers.
pub const TEMME_MIN_SHAPE: f64 = 1000.0;

/// Largest |x/a − 1| for which [`gamma_pq_large_shape`] answers: ≈ 8 standard deviations at
/// a = 1000, more at larger shapes; beyond it P or Q is below 10⁻¹³ anyway at such shapes
/// and a caller uses the general algorithm.
pub const TEMME_MAX_D: f64 = 0.25;

const TEMME_C0: [f64; 26] = [
    -0.3333333333333333, 0.08333333333333333, -0.04259259259259259, 0.027237654320987653,
    -0.01947751322751323, 0.01489620076425632, -0.011915478640015678, 0.009842230520037232,
    -0.008328093512180232, 0.007180348385069859, -0.006284419272101214, 0.005568252617885114,
    -0.004984445684415658, 0.004500636357257656, -0.0040940356694601585, 0.0037481681888972334,
    -0.003450850376970949, 0.003192893611806143, -0.0029672473773571044, 0.0027684185377559864,
    -0.0025920687290043854, 0.0024347295641281327, -0.0022935975151754523, 0.002166383765074644,
    -0.002051202671865622, 0.0019464878012998069,
];

const TEMME_C1: [f64; 24] = [
    -0.001851851851851852, -0.003472222222222222, 0.0038029100529100527, -0.003429049088771311,
    0.002988131981187537, -0.0025972581998334313, 0.002270865542818775, -0.002001612631813119,
    0.001778942744616595, -0.0015934139242758903, 0.001437430583748347, -0.001305075568638374,
    0.0011917732719073143, -0.0010939765389837166, 0.0010089168019233184, -0.0009344146308307523,
    0.0008687386082765491, -0.0008105005750641397, 0.0007585776372760345, -0.0007120537333969153,
    0.0006701755128308407, -0.0006323187371431397, 0.0005979624719418795, -0.0005666690922797558,
];

const TEMME_C2: [f64; 22] = [
    0.004133597883597883, -0.0026813271604938273, 0.001665380658436214, -0.0010337630744170097,
    0.0006389022577454934, -0.00038609516577918284, 0.0002202535342409278, -0.000109183361550253,
    3.3580519000456503e-05, 1.8474582461357378e-05, -5.4551992134340815e-05, 7.95842560994561e-05,
    -9.685977986185839e-05, 0.00010861576446517335, -0.00011640173003649816,
    0.00012130795633441099, -0.0001241123051217539, 0.00012537653642723105, -0.0001255106779245759,
    0.00012481677661087983, -0.00012351909728458425, 0.00012178526028696714,
];

const TEMME_C3: [f64; 20] = [
    0.0006494341563786008, 0.00022947209362139917, -0.0005456801922690555, 0.0006251332020860592,
    -0.0006089546234503474, 0.0005572376745937957, -0.000495639378848119, 0.00043491539415586845,
    -0.0003792486791911918, 0.0003299068957506089, -0.00028689054124828365, 0.00024968757970495294,
    -0.00021761928246372063, 0.00018999512450519068, -0.0001661775369318975,
    0.00014560423731486535, -0.00012779108337943805, 0.000112326552964351, -9.886319008496828e-05,
    8.710852033462465e-05,
];

/// (P(a, x), Q(a, x)), both to nearly full relative precision, for a ≥ [`TEMME_MIN_SHAPE`] and
/// |x/a − 1| ≤ [`TEMME_MAX_D`]; `None` elsewhere (and for non-finite arguments).
///
/// The rounding of x/a (relative ε) moves the result by the function's own condition number
/// (≈ |w|·√a·ε relative with w = η√a, the distance from the mean in standard deviations):
/// no algorithm given x as a double can do better.
pub fn gamma_pq_large_shape(a: f64, x: f64) -> Option<(f64, f64)> {
    if !(a >= TEMME_MIN_SHAPE && a.is_finite() && x.is_finite()) {
        return None;
    }
    let d = x / a - 1.0;
    if !(d.abs() <= TEMME_MAX_D) {
        return None;
    }
    let half_eta2 = d_minus_log1p(d); // η²/2
    let eta = (2.0 * half_eta2).sqrt().copysign(d);
    let sqrt_a = a.sqrt();
    let w = eta * sqrt_a;
    let inv_a = 1.0 / a;
    let s = horner(&TEMME_C0, d) + inv_a * (horner(&TEMME_C1, d) + inv_a * (horner(&TEMME_C2, d) + inv_a * horner(&TEMME_C3, d)));
    // e^{−aη²/2}/√(2πa): the exponent from η²/2 directly, not from a squared w
    let r = (-a * half_eta2).exp() / (2.0 * std::f64::consts::PI * a).sqrt() * s;
    // Cₖ < 0 near d = 0: R < 0. Where Q is the small tail (w > 0) the subtraction loses at
    // most |R|/Φ(−w) ≈ w/(3√a) ≤ 0.08 of the value, i.e. no digit.
    Some((pnorm(w) - r, pnorm(-w) + r))
}

/// d − ln(1 + d) = Σ_{k≥2} (−d)^k/k for |d| ≤ ¼, summed from the small end (no cancellation;
/// 40 terms bring the remainder below 10⁻¹⁷ of the first at |d| = ¼).
fn d_minus_log1p(d: f64) -> f64 {
    let mut acc = 0.0;
    for k in (2..=41).rev() {
        acc = acc * -d + 1.0 / k as f64;
    }
    acc * d * d
}

/// c₀ + c₁d + c₂d² + … (Horner).
fn horner(c: &[f64], d: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &ci| acc * d + ci)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// fixtures/num/gamma_large_shape.json: P and Q from 300-digit mpmath sums of the defining
    /// series (A&S 6.5.29), a from 1000 to 5·10⁷, x from −37 to +30 standard deviations.
    #[test]
    fn temme_expansion_matches_the_300_digit_series() {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/num/gamma_large_shape.json"))).unwrap();
        let cases = doc["cases"].as_array().unwrap();
        assert!(cases.len() >= 50);
        for c in cases {
            let (a, x, p, q) = (c["a"].as_f64().unwrap(), c["x"].as_f64().unwrap(), c["p"].as_f64().unwrap(), c["q"].as_f64().unwrap());
            let (gp, gq) = gamma_pq_large_shape(a, x).unwrap();
            // A few ulp plus the problem's own condition number x·f(x)/min(P, Q) (f the
            // density) times the rounding of x and of x/a; it is about √a near the mean and
            // |x − a| + 1 in either tail (Q ≈ x·f(x)/(x − a + 1) there).
            let kappa = (x - a).abs() + a.sqrt();
            let tol = (8.0 + 2.0 * kappa) * f64::EPSILON;
            assert!((gp - p).abs() <= tol * p, "P({a}, {x}) = {gp:e}, want {p:e} (rel {:e})", (gp - p).abs() / p);
            assert!((gq - q).abs() <= tol * q, "Q({a}, {x}) = {gq:e}, want {q:e} (rel {:e})", (gq - q).abs() / q);
        }
    }

    #[test]
    fn outside_its_range_it_declines() {
        assert!(gamma_pq_large_shape(999.0, 999.0).is_none());
        assert!(gamma_pq_large_shape(1e4, 1e4 * 1.3).is_none());
        assert!(gamma_pq_large_shape(1e4, f64::NAN).is_none());
        let (p, q) = gamma_pq_large_shape(1e6, 1e6).unwrap();
        // P(a, a) → ½ + 1/(3√(2πa)) (Ramanujan's median correction)
        assert!((p - (0.5 + 1.0 / (3.0 * (2.0 * std::f64::consts::PI * 1e6).sqrt()))).abs() < 1e-9);
        assert!((p + q - 1.0).abs() < 1e-15);
    }

    #[test]
    fn series_of_d_minus_log1p_matches_log1p_where_both_are_accurate() {
        for d in [-0.25, -0.1, 0.1, 0.25] {
            let direct = d - f64::ln_1p(d);
            assert!((d_minus_log1p(d) - direct).abs() <= 40.0 * f64::EPSILON * direct, "{d}");
        }
        assert_eq!(d_minus_log1p(0.0), 0.0);
        let d = 1e-5;
        let want = d * d / 2.0 - d * d * d / 3.0 + d * d * d * d / 4.0;
        assert!((d_minus_log1p(d) - want).abs() <= 2.0 * f64::EPSILON * want);
    }
}

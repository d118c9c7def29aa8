//! Normality tests: Anderson–Darling (as `nortest::ad.test`), Shapiro–Wilk (Royston's
//! algorithm AS R94, as R's `shapiro.test`) and Lilliefors' Kolmogorov–Smirnov test (as
//! `nortest::lillie.test`, Dallal–Wilkinson p-value).
//!
//! Every function sorts a copy of its input, ignores nothing (the caller removes missing
//! values), and returns `None` when the test is undefined for the data: too few or too many
//! values, or (near) zero spread.

use serde::Serialize;

/// The outcome of one normality test.
#[derive(Debug, Clone, Serialize)]
pub struct NormalityResult {
    /// Test name: "anderson-darling", "shapiro-wilk" or "lilliefors".
    pub test: String,
    /// A² (Anderson–Darling), W (Shapiro–Wilk) or D (Lilliefors).
    pub statistic: f64,
    /// p-value of the null hypothesis "the data come from a normal distribution".
    pub p_value: f64,
}

/// The standard normal functions, shared by every module (kept here for existing callers).
pub use crate::num::normal::{log_pnorm, pnorm, pnorm_upper, qnorm};
use crate::num::normal::LOG_PNORM_ASYMPTOTIC_BELOW;

/// Sorted copy plus mean and sd (n − 1); `None` when the sd is not positive and finite.
/// The sort and the two moments run side by side; the moments are taken on the input as
/// given (compensated sums: the order of the values does not matter beyond the last bit).
fn sorted_standardise(xs: &[f64]) -> Option<(Vec<f64>, f64, f64)> {
    let (sorted, (mean, sd)) = rayon::join(
        || crate::num::sorted_copy(xs),
        || {
            let mean = crate::num::mean(xs);
            // = crate::num::sd(xs), without computing the mean a second time
            (mean, (crate::num::sum_sq_dev(xs, mean) / (xs.len() as f64 - 1.0)).sqrt())
        },
    );
    if !(sd.is_finite() && sd > 0.0) {
        return None;
    }
    Some((sorted, mean, sd))
}

/// Anderson–Darling test of normality with mean and variance estimated, as `nortest::ad.test`.
///
/// A² = −n − (1/n) Σ (2i−1) [ln Φ(z₍ᵢ₎) + ln(1 − Φ(z₍ₙ₊₁₋ᵢ₎))] with z = (x − x̄)/s (s with n − 1).
/// The p-value comes from Stephens' piecewise formulas on the adjusted statistic
/// A* = A²(1 + 0.75/n + 2.25/n²) (D'Agostino & Stephens 1986, *Goodness-of-Fit Techniques*,
/// Table 4.9), as nortest uses them. `None` for n < 8: nortest refuses such samples
/// ("sample size must be greater than 7") because the approximation is not calibrated there,
/// and for data without spread.
pub fn anderson_darling(xs: &[f64]) -> Option<NormalityResult> {
    let n = xs.len();
    if n < 8 {
        return None;
    }
    let (sorted, mean, sd) = sorted_standardise(xs)?;
    anderson_darling_sorted(&sorted, mean, sd)
}

/// [`anderson_darling`] for a caller that already holds the data sorted ascending (as by
/// [`crate::num::sorted_copy`]) with their mean and sd (n − 1, as [`crate::num::sd`]): the same
/// result without sorting or summing again. `None` for n < 8 or an sd that is not positive
/// and finite.
pub fn anderson_darling_sorted(sorted: &[f64], mean: f64, sd: f64) -> Option<NormalityResult> {
    let n = sorted.len();
    if n < 8 || !(sd.is_finite() && sd > 0.0) {
        return None;
    }
    let a2 = ad_normal_statistic(sorted, mean, sd);
    let nf = n as f64;
    let a_star = a2 * (1.0 + 0.75 / nf + 2.25 / (nf * nf));
    Some(NormalityResult { test: "anderson-darling".into(), statistic: a2, p_value: ad_p_value(a_star) })
}

/// Values per parallel task of the A² sum.
const AD_CHUNK: usize = 1 << 14;

/// A² of sorted data against N(mean, sd²), in one parallel pass without temporary vectors.
///
/// The sum of [`anderson_darling`] regrouped by value: the value of 0-based rank j enters it
/// twice, as ln Φ(z₍ⱼ₎) with weight 2j + 1 and as ln Φ(−z₍ⱼ₎) with weight 2(n − 1 − j) + 1
/// (term i = n − j of the second half), so S = Σⱼ [(2j+1) ln Φ(z₍ⱼ₎) + (2n−2j−1) ln Φ(−z₍ⱼ₎)].
/// A² = −n − S/n = −(S + n²)/n cancels catastrophically (S ≈ −n² while A² is of order 1), so
/// n² is added inside compensated sums ([`crate::num::CompensatedSum`], two per chunk, one
/// for each weight so that their dependency chains run side by side; merged in order), which leaves
/// only the rounding of the individual terms (about √n·ε·n in S, i.e. √n·ε in A²: 4e-13 at
/// n = 10⁷). Equal neighbours (data recorded to a resolution: 10 million values of 4
/// decimals hold a few thousand distinct ones) reuse the logs of the previous value.
fn ad_normal_statistic(sorted: &[f64], mean: f64, sd: f64) -> f64 {
    use crate::num::CompensatedSum;
    use rayon::prelude::*;
    let nf = sorted.len() as f64;
    // One pair of sums per fixed chunk, merged in chunk order: the result does not depend on
    // how rayon schedules the chunks (a fold's partial sums would), so it is the same every run.
    let chunks: Vec<(CompensatedSum, CompensatedSum)> = sorted
        .par_chunks(AD_CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let (mut lo, mut up) = (CompensatedSum::default(), CompensatedSum::default());
            let first = (c * AD_CHUNK) as f64;
            let (mut prev, mut logs) = (f64::NAN, (0.0, 0.0));
            for (k, &x) in chunk.iter().enumerate() {
                let j = first + k as f64;
                if x != prev {
                    (prev, logs) = (x, log_both_tails((x - mean) / sd));
                }
                lo.add((2.0 * j + 1.0) * logs.0);
                up.add((2.0 * (nf - j) - 1.0) * logs.1);
            }
            (lo, up)
        })
        .collect();
    let (lower_sum, upper_sum) =
        chunks.into_iter().fold((CompensatedSum::default(), CompensatedSum::default()), |a, b| (a.0.merge(b.0), a.1.merge(b.1)));
    let mut total = lower_sum.merge(upper_sum);
    total.add(nf * nf); // exact for n < 9.4·10⁷ (n² < 2⁵³)
    -total.total() / nf
}

/// (ln Φ(z), ln Φ(−z)) from one evaluation of the smaller tail q = Φ(−|z|) ([`pnorm`], to
/// full relative precision): ln q directly and the larger one as ln(1 − q) by `log1p`, exact
/// to rounding because q ≤ ½. Where q would underflow (|z| beyond
/// [`LOG_PNORM_ASYMPTOTIC_BELOW`]) ln q is [`log_pnorm`]'s asymptotic series and ln(1 − q)
/// is −q to far below double precision. For |z| under that bound ln q is bit-identical to
/// `log_pnorm(−|z|)`, which computes `pnorm(−|z|).ln()` there.
fn log_both_tails(z: f64) -> (f64, f64) {
    let a = -z.abs();
    let (small, large) = if a > LOG_PNORM_ASYMPTOTIC_BELOW {
        let q = pnorm(a);
        (q.ln(), (-q).ln_1p())
    } else {
        let small = log_pnorm(a);
        (small, libm::log1p(-small.exp()))
    };
    if z < 0.0 { (small, large) } else { (large, small) }
}

/// Stephens' p-value of the adjusted Anderson–Darling statistic A* (D'Agostino & Stephens
/// 1986, Table 4.9; case 3, mean and variance estimated).
fn ad_p_value(a: f64) -> f64 {
    let p = if a < 0.2 {
        1.0 - (-13.436 + 101.14 * a - 223.73 * a * a).exp()
    } else if a < 0.34 {
        1.0 - (-8.318 + 42.796 * a - 59.938 * a * a).exp()
    } else if a < 0.6 {
        (0.9177 - 4.279 * a - 1.38 * a * a).exp()
    } else if a < 10.0 {
        (1.2937 - 5.709 * a + 0.0186 * a * a).exp()
    } else {
        3.7e-24
    };
    p.clamp(0.0, 1.0)
}

/// Polynomial c₀ + c₁x + c₂x² + … (Horner).
fn poly(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &ci| acc * x + ci)
}

/// Royston's approximation of the Shapiro–Wilk coefficients a₁ … a_{n/2} (the upper half,
/// all positive; the lower half is their negative). Royston 1992 (*Statistics and Computing*
/// 2:117–119) as implemented in AS R94 (Royston 1995, *Applied Statistics* 44:547–551).
fn sw_coefficients(n: usize) -> Vec<f64> {
    if n == 3 {
        return vec![std::f64::consts::FRAC_1_SQRT_2];
    }
    const C1: [f64; 6] = [0.0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
    const C2: [f64; 6] = [0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
    let half = n / 2;
    let nf = n as f64;
    // m_i = Φ⁻¹((i − 3/8)/(n + 1/4)), Blom's scores (negative in the lower half).
    let m: Vec<f64> = (1..=half).map(|i| qnorm((i as f64 - 0.375) / (nf + 0.25))).collect();
    let summ2 = 2.0 * m.iter().map(|v| v * v).sum::<f64>();
    let ssumm2 = summ2.sqrt();
    let rsn = 1.0 / nf.sqrt();
    let a1 = poly(&C1, rsn) - m[0] / ssumm2;
    let mut a = vec![0.0; half];
    a[0] = a1;
    let (first_scaled, fac) = if n > 5 {
        let a2 = -m[1] / ssumm2 + poly(&C2, rsn);
        a[1] = a2;
        let fac = ((summ2 - 2.0 * m[0] * m[0] - 2.0 * m[1] * m[1]) / (1.0 - 2.0 * a1 * a1 - 2.0 * a2 * a2)).sqrt();
        (2, fac)
    } else {
        (1, ((summ2 - 2.0 * m[0] * m[0]) / (1.0 - 2.0 * a1 * a1)).sqrt())
    };
    for i in first_scaled..half {
        a[i] = -m[i] / fac;
    }
    a
}

/// Shapiro–Wilk W as the squared correlation between the ordered data and the signed
/// coefficients, returned as (W, 1 − W) with 1 − W computed without cancellation (AS R94).
fn sw_statistic(sorted: &[f64], a: &[f64]) -> (f64, f64) {
    let n = sorted.len();
    let range = sorted[n - 1] - sorted[0];
    let coef = |i: usize| -> f64 {
        let j = n - 1 - i;
        if i < j {
            -a[i]
        } else if i > j {
            a[j]
        } else {
            0.0
        }
    };
    let nf = n as f64;
    let sa = (0..n).map(coef).sum::<f64>() / nf;
    let scaled: Vec<f64> = sorted.iter().map(|x| x / range).collect();
    let sx = crate::num::mean(&scaled);
    let (mut ssa, mut ssx, mut sax) = (0.0, 0.0, 0.0);
    for (i, x) in scaled.iter().enumerate() {
        let da = coef(i) - sa;
        let dx = x - sx;
        ssa += da * da;
        ssx += dx * dx;
        sax += da * dx;
    }
    let ssassx = (ssa * ssx).sqrt();
    let w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx);
    (1.0 - w1, w1)
}

/// Royston's normalising transformation of W to a p-value (AS R94; Royston 1995): exact for
/// n = 3, a log-normal approximation of 1 − W for n ≥ 4 (different polynomials below and
/// above n = 12).
fn sw_p_value(n: usize, w: f64, w1: f64) -> f64 {
    let nf = n as f64;
    if n == 3 {
        // Exact: P = (6/π)(asin √W − asin √(3/4)).
        let p = 6.0 / std::f64::consts::PI * (w.sqrt().asin() - (0.75f64).sqrt().asin());
        return p.clamp(0.0, 1.0);
    }
    let mut y = w1.ln();
    let (m, s) = if n <= 11 {
        let gamma = poly(&[-2.273, 0.459], nf);
        if y >= gamma {
            return 1e-99; // W so small the approximation's support ends: p effectively 0 (as AS R94).
        }
        y = -(gamma - y).ln();
        (poly(&[0.544, -0.39978, 0.025054, -6.714e-4], nf), poly(&[1.3822, -0.77857, 0.062767, -0.0020322], nf).exp())
    } else {
        let lx = nf.ln();
        (poly(&[-1.5861, -0.31082, -0.083751, 0.0038915], lx), poly(&[-0.4803, -0.082676, 0.0030302], lx).exp())
    };
    pnorm_upper((y - m) / s).clamp(0.0, 1.0)
}

/// Shapiro–Wilk test of normality by Royston's algorithm (AS R94), as R's `shapiro.test`.
/// Valid for 3 ≤ n ≤ 5000; `None` outside that range or when all values are (nearly) equal
/// (range below 1e-10, R's rule).
pub fn shapiro_wilk(xs: &[f64]) -> Option<NormalityResult> {
    let n = xs.len();
    if !(3..=5000).contains(&n) {
        return None;
    }
    let sorted = crate::num::sorted_copy(xs);
    let range = sorted[n - 1] - sorted[0];
    if !(range.is_finite() && range >= 1e-10) {
        return None;
    }
    let a = sw_coefficients(n);
    let (w, w1) = sw_statistic(&sorted, &a);
    Some(NormalityResult { test: "shapiro-wilk".into(), statistic: w, p_value: sw_p_value(n, w, w1) })
}

/// Lilliefors' test: the Kolmogorov–Smirnov distance D between the empirical distribution and
/// the normal with estimated mean and sd, with the p-value of `nortest::lillie.test`: Dallal &
/// Wilkinson's (1986, *American Statistician* 40:294–296) analytic approximation, and for
/// p > 0.1 Stephens' (1974) modified statistic with nortest's polynomial pieces. For n > 100 D
/// is scaled by (n/100)^0.49 as Dallal–Wilkinson prescribe. `None` for n < 5 (nortest's
/// minimum) or data without spread.
pub fn lilliefors(xs: &[f64]) -> Option<NormalityResult> {
    let n = xs.len();
    if n < 5 {
        return None;
    }
    let (sorted, mean, sd) = sorted_standardise(xs)?;
    let nf = n as f64;
    let mut d = 0.0f64;
    for (i, x) in sorted.iter().enumerate() {
        let p = pnorm((x - mean) / sd);
        d = d.max((i as f64 + 1.0) / nf - p).max(p - i as f64 / nf);
    }
    Some(NormalityResult { test: "lilliefors".into(), statistic: d, p_value: lilliefors_p_value(d, n) })
}

/// p-value of Lilliefors' D for sample size n (see [`lilliefors`]).
fn lilliefors_p_value(d: f64, n: usize) -> f64 {
    let nf = n as f64;
    let (kd, nd) = if n <= 100 { (d, nf) } else { (d * (nf / 100.0).powf(0.49), 100.0) };
    let p = (-7.01256 * kd * kd * (nd + 2.78019) + 2.99587 * kd * (nd + 2.78019).sqrt() - 0.122119 + 0.974598 / nd.sqrt()
        + 1.67997 / nd)
        .exp();
    if p <= 0.1 {
        return p.clamp(0.0, 1.0);
    }
    let k = (nf.sqrt() - 0.01 + 0.85 / nf.sqrt()) * d;
    let p = if k <= 0.302 {
        1.0
    } else if k <= 0.5 {
        poly(&[2.76773, -19.828315, 80.709644, -138.55152, 81.218052], k)
    } else if k <= 0.9 {
        poly(&[-4.901232, 40.662806, -97.490286, 94.029866, -32.355711], k)
    } else if k <= 1.31 {
        poly(&[6.198765, -19.978681, 23.554231, -12.030163, 2.214057], k)
    } else {
        0.0
    };
    p.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Column `col` (0-based) of a reference CSV under ../shared/reference/data.
    fn column(file: &str, col: usize) -> Vec<f64> {
        let path = format!("{}/../shared/reference/data/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        text.lines().skip(1).map(|l| l.split(',').nth(col).unwrap().trim_matches('"').parse().unwrap()).collect()
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ad_pistonrings_matches_nortest() {
        // R 4.2.2: nortest::ad.test(pistonrings$diameter)
        let r = anderson_darling(&column("pistonrings.csv", 1)).unwrap();
        assert!(close(r.statistic, 0.51807484565549089, 1e-10), "{r:?}");
        assert!(close(r.p_value, 0.18622507709450273, 1e-10), "{r:?}");
    }

    #[test]
    fn lillie_chickwts_matches_nortest() {
        // R 4.2.2: nortest::lillie.test(chickwts$weight)
        let r = lilliefors(&column("chickwts.csv", 0)).unwrap();
        assert!(close(r.statistic, 0.09220270012041043, 1e-10), "{r:?}");
        assert!(close(r.p_value, 0.14192687665666703, 1e-10), "{r:?}");
    }

    #[test]
    fn sw_plantgrowth_matches_r() {
        // R 4.2.2: shapiro.test(PlantGrowth$weight)
        let r = shapiro_wilk(&column("plantgrowth.csv", 0)).unwrap();
        assert!(close(r.statistic, 0.98268301609858733, 1e-10), "{r:?}");
        assert!(close(r.p_value, 0.89150736822739873, 1e-8), "{r:?}");
    }

    /// A file of fixtures/tests as lines without the '#' header comments.
    fn fixture(name: &str) -> Vec<String> {
        let path = format!("{}/fixtures/tests/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap().lines().filter(|l| !l.starts_with('#')).map(String::from).collect()
    }

    #[test]
    fn sw_matches_r_at_eight_sizes() {
        // fixtures/tests/shapiro.csv: R 4.2.2 shapiro.test on sw_data_<series>_<n>.txt, for
        // n = 3, 4, 5, 11, 20, 50, 500, 5000 (each formula branch of AS R94), a skewed and a
        // near-normal series (see make_fixtures.R).
        let rows = fixture("shapiro.csv");
        assert_eq!(rows.len() - 1, 16);
        for row in rows.iter().skip(1) {
            let f: Vec<&str> = row.split(',').collect();
            let (series, n, w, p): (&str, usize, f64, f64) = (f[0], f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap());
            let xs: Vec<f64> = fixture(&format!("sw_data_{series}_{n}.txt")).iter().map(|v| v.parse().unwrap()).collect();
            assert_eq!(xs.len(), n);
            let r = shapiro_wilk(&xs).unwrap();
            assert!(close(r.statistic, w, 1e-10), "{series} n={n}: W {} vs R {w}", r.statistic);
            assert!((r.p_value - p).abs() <= 1e-8 * p.max(1e-12), "{series} n={n}: p {} vs R {p}", r.p_value);
        }
    }

    #[test]
    fn ad_and_lilliefors_match_nortest_across_branches() {
        // fixtures/tests/nortest.csv: nortest 1.0.4 ad.test / lillie.test on the SW series;
        // covers every piece of Stephens' AD p-value (incl. the 3.7e-24 floor) and the
        // Dallal-Wilkinson n > 100 scaling with p far below 0.1 and p = 1.
        for row in fixture("nortest.csv").iter().skip(1) {
            let f: Vec<&str> = row.split(',').collect();
            let n: usize = f[1].parse().unwrap();
            let v: Vec<f64> = f[2..].iter().map(|x| x.parse().unwrap()).collect();
            let xs: Vec<f64> = fixture(&format!("sw_data_{}_{n}.txt", f[0])).iter().map(|v| v.parse().unwrap()).collect();
            let a = anderson_darling(&xs).unwrap();
            let l = lilliefors(&xs).unwrap();
            assert!(close(a.statistic, v[0], 1e-10), "{row}: A {}", a.statistic);
            assert!(close(a.p_value, v[1], 1e-9), "{row}: pA {}", a.p_value);
            assert!(close(l.statistic, v[2], 1e-10), "{row}: D {}", l.statistic);
            assert!(close(l.p_value, v[3], 1e-8), "{row}: pD {}", l.p_value);
        }
    }

    /// nortest's formula term by term: h = (2i − 1)(ln Φ(z₍ᵢ₎) + ln Φ(−z₍ₙ₊₁₋ᵢ₎)) with z from the
    /// sorted data and every log by `log_pnorm`; A² = −n − mean(h) = −(Σh + n²)/n with n² inside
    /// the compensated sum, so that the reference itself does not lose digits to cancellation
    /// (A² ≈ 0.4 from Σh ≈ −n²: computed as −n − Σh/n it keeps only ~n·ε absolute).
    fn ad_straightforward(xs: &[f64]) -> f64 {
        let mut sorted = xs.to_vec();
        sorted.sort_by(f64::total_cmp);
        let (mean, sd) = (crate::num::mean(xs), crate::num::sd(xs));
        let z: Vec<f64> = sorted.iter().map(|x| (x - mean) / sd).collect();
        let n = z.len();
        let mut h: Vec<f64> = (0..n).map(|i| (2.0 * i as f64 + 1.0) * (log_pnorm(z[i]) + log_pnorm(-z[n - 1 - i]))).collect();
        h.push((n * n) as f64);
        -crate::num::sum(&h) / n as f64
    }

    #[test]
    fn regrouped_parallel_ad_equals_the_textbook_sum() {
        // xorshift uniforms → normal (Box–Muller), skewed (exponential), ties (rounded) and one
        // far outlier (|z| ≈ 55: the asymptotic branch of ln Φ)
        let mut rng = crate::num::testgen::Xorshift::new(0x9E37_79B9_7F4A_7C15);
        let normal: Vec<f64> = (0..3000).map(|_| 5.0 + rng.normal()).collect();
        let skewed: Vec<f64> = (0..4000).map(|_| -rng.uniform().ln()).collect();
        let ties: Vec<f64> = normal.iter().map(|x| (x * 10.0).round() / 10.0).collect();
        let mut outlier = normal.clone();
        outlier[17] = 1e6;
        // more values than one parallel task holds (chunks are merged) and than the serial sort takes
        let long: Vec<f64> = (0..70_000).map(|_| rng.normal()).collect();
        for xs in [&normal, &skewed, &ties, &outlier, &long] {
            let (got, want) = (anderson_darling(xs).unwrap().statistic, ad_straightforward(xs));
            let tol = 1e-12 * want.abs().max(1.0);
            assert!((got - want).abs() <= tol, "n = {}: {got} vs {want}", xs.len());
        }
    }

    #[test]
    fn ad_is_bit_identical_whatever_the_thread_count() {
        let xs: Vec<f64> = (0..200_000u32).map(|i| (f64::from(i) * 0.618_033_988_749).fract().powi(3) + f64::from(i % 7)).collect();
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| anderson_darling(&xs).unwrap().statistic).to_bits()
        };
        let one = on(1);
        assert_eq!(on(2), one);
        assert_eq!(on(5), one);
    }

    #[test]
    fn undefined_cases_are_none() {
        assert!(anderson_darling(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]).is_none());
        assert!(anderson_darling(&[2.0; 10]).is_none());
        assert!(shapiro_wilk(&[1.0, 2.0]).is_none());
        assert!(shapiro_wilk(&[1.0; 5]).is_none());
        assert!(lilliefors(&[1.0, 2.0, 3.0, 4.0]).is_none());
    }
}

#[cfg(test)]
mod property_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn p_values_in_unit_interval_and_w_at_most_one(xs in prop::collection::vec(-1e6f64..1e6, 3..200)) {
            for r in [anderson_darling(&xs), shapiro_wilk(&xs), lilliefors(&xs)].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&r.p_value), "{r:?}");
                prop_assert!(r.statistic.is_finite());
            }
            if let Some(r) = shapiro_wilk(&xs) {
                prop_assert!(r.statistic > 0.0 && r.statistic <= 1.0 + 1e-12);
            }
        }

        #[test]
        fn statistics_do_not_depend_on_location_or_scale(xs in prop::collection::vec(-100f64..100.0, 8..60), a in -1e3f64..1e3, b in 0.01f64..100.0) {
            let ys: Vec<f64> = xs.iter().map(|x| a + b * x).collect();
            if let (Some(p), Some(q)) = (anderson_darling(&xs), anderson_darling(&ys)) {
                prop_assert!((p.statistic - q.statistic).abs() < 1e-6 * p.statistic.max(1.0));
            }
            if let (Some(p), Some(q)) = (shapiro_wilk(&xs), shapiro_wilk(&ys)) {
                prop_assert!((p.statistic - q.statistic).abs() < 1e-9);
            }
        }
    }
}

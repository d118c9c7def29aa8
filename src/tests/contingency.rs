//! Contingency tables: Pearson's χ² test of independence (R `chisq.test(correct = FALSE)`)
//! and Fisher's exact test of a 2×2 table (R `fisher.test`).

use super::alternative::Alternative;
use crate::error::{QceError, Result};
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Result of Pearson's χ² test of independence of an r×c table.
#[derive(Debug, Clone, Serialize)]
pub struct ChiSquare {
    /// X² = Σ (O − E)² / E.
    pub statistic: f64,
    /// (r − 1)(c − 1).
    pub df: usize,
    /// Upper-tail χ² p-value.
    pub p_value: f64,
    /// Grand total.
    pub total: f64,
    /// Observed counts, rows × columns.
    pub observed: Vec<Vec<f64>>,
    /// Expected counts under independence, r_i·c_j / N.
    pub expected: Vec<Vec<f64>>,
    /// Each cell's share of X²: (O − E)² / E.
    pub contributions: Vec<Vec<f64>>,
    /// Smallest expected count.
    pub min_expected: f64,
    /// Number of cells with an expected count below 5.
    pub cells_expected_below_5: usize,
    /// Fisher's exact two-sided p-value, for 2×2 tables.
    pub fisher_p_value: Option<f64>,
}

/// χ² test of independence of `observed` (rows × columns of non-negative counts); rows or
/// columns that are entirely zero are an analysis error (their expected counts would be 0).
pub fn chi_square(observed: &[Vec<f64>]) -> Result<ChiSquare> {
    let r = observed.len();
    let c = observed.first().map_or(0, Vec::len);
    if r < 2 || c < 2 || observed.iter().any(|row| row.len() != c) {
        return Err(QceError::analysis(format!(
            "χ² test needs a table of at least 2 rows and 2 columns (found {r}×{c}). Check --row and --col."
        )));
    }
    if observed.iter().flatten().any(|v| !v.is_finite() || *v < 0.0) {
        return Err(QceError::analysis("χ² test: counts must be non-negative numbers."));
    }
    let row_tot: Vec<f64> = observed.iter().map(|row| crate::num::sum(row)).collect();
    let col_tot: Vec<f64> = (0..c).map(|j| crate::num::sum(&observed.iter().map(|row| row[j]).collect::<Vec<_>>())).collect();
    let total = crate::num::sum(&row_tot);
    if row_tot.iter().chain(&col_tot).any(|t| *t <= 0.0) {
        return Err(QceError::analysis("χ² test: a row or column of the table has no counts at all; remove it."));
    }
    let expected: Vec<Vec<f64>> = row_tot.iter().map(|ri| col_tot.iter().map(|cj| ri * cj / total).collect()).collect();
    let contributions: Vec<Vec<f64>> = observed
        .iter()
        .zip(&expected)
        .map(|(o, e)| o.iter().zip(e).map(|(o, e)| (o - e) * (o - e) / e).collect())
        .collect();
    let statistic = crate::num::sum(&contributions.iter().flatten().copied().collect::<Vec<_>>());
    let df = (r - 1) * (c - 1);
    let p_value = ChiSquared::new(df as f64).map(|d| d.sf(statistic)).unwrap_or(f64::NAN);
    let min_expected = expected.iter().flatten().copied().fold(f64::INFINITY, f64::min);
    let cells_expected_below_5 = expected.iter().flatten().filter(|e| **e < 5.0).count();
    let fisher_p_value = if r == 2 && c == 2 && observed.iter().flatten().all(|v| v.fract() == 0.0) {
        let cell = |i: usize, j: usize| observed[i][j] as u64;
        Some(fisher_2x2([[cell(0, 0), cell(0, 1)], [cell(1, 0), cell(1, 1)]], Alternative::TwoSided)?)
    } else {
        None
    };
    Ok(ChiSquare {
        statistic,
        df,
        p_value,
        total,
        observed: observed.to_vec(),
        expected,
        contributions,
        min_expected,
        cells_expected_below_5,
        fisher_p_value,
    })
}

/// Fisher's exact test of the 2×2 table [[a, b], [c, d]] conditional on its margins
/// (Agresti, *Categorical Data Analysis* 3e §3.5.1): a follows the hypergeometric law.
/// Two-sided p = Σ of the probabilities not above the observed one (relative slack 1e-7, as
/// R `fisher.test`); less = P(A ≤ a), greater = P(A ≥ a).
pub fn fisher_2x2(table: [[u64; 2]; 2], alternative: Alternative) -> Result<f64> {
    let [[a, b], [c, d]] = table;
    let m = a + c; // first column total
    let n = b + d; // second column total
    let k = a + b; // first row total
    if m + n == 0 {
        return Err(QceError::analysis("Fisher's exact test: the table is empty."));
    }
    let lo = k.saturating_sub(n);
    let hi = k.min(m);
    let probs = hypergeometric_probs(m, n, k, lo, hi);
    let at = |x: u64| probs[(x - lo) as usize];
    let p = match alternative {
        Alternative::Less => (lo..=a).map(at).sum::<f64>(),
        Alternative::Greater => (a..=hi).map(at).sum::<f64>(),
        Alternative::TwoSided => {
            let cut = at(a) * (1.0 + 1e-7);
            probs.iter().filter(|p| **p <= cut).sum::<f64>()
        }
    };
    Ok(p.min(1.0))
}

/// Hypergeometric probabilities of x = lo..=hi white balls in k draws from m white and n black,
/// by the term ratio p(x+1)/p(x) = (m−x)(k−x) / ((x+1)(n−k+x+1)) from the mode, normalised.
fn hypergeometric_probs(m: u64, n: u64, k: u64, lo: u64, hi: u64) -> Vec<f64> {
    let len = (hi - lo + 1) as usize;
    let mode = (((k + 1) as f64 * (m + 1) as f64 / (m + n + 2) as f64).floor() as u64).clamp(lo, hi);
    let mut w = vec![0.0f64; len];
    let mi = (mode - lo) as usize;
    w[mi] = 1.0;
    for i in mi + 1..len {
        let x = (lo + i as u64 - 1) as f64;
        let ratio = (m as f64 - x) * (k as f64 - x) / ((x + 1.0) * (n as f64 - k as f64 + x + 1.0));
        w[i] = w[i - 1] * ratio;
    }
    for i in (0..mi).rev() {
        let x = (lo + i as u64) as f64; // w[i] from w[i+1]: p(x) = p(x+1) / ratio(x)
        let ratio = (m as f64 - x) * (k as f64 - x) / ((x + 1.0) * (n as f64 - k as f64 + x + 1.0));
        w[i] = w[i + 1] / ratio;
    }
    let total = crate::num::sum(&w);
    w.iter().map(|v| v / total).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_r() {
        // R: fisher.test(matrix(c(23,477,9,471), 2, byrow=TRUE))$p.value = 0.01889062861797941
        let p = fisher_2x2([[23, 477], [9, 471]], Alternative::TwoSided).unwrap();
        assert!((p - 0.01889062861797941).abs() < 1e-12 * 0.02 + 1e-15, "{p}");
    }

    #[test]
    fn chi_square_2x2_equals_z_squared() {
        let t = vec![vec![23.0, 477.0], vec![9.0, 471.0]];
        let r = chi_square(&t).unwrap();
        assert!((r.statistic - 2.3994185246282305f64.powi(2)).abs() < 1e-12);
        assert_eq!(r.df, 1);
        assert!(r.fisher_p_value.is_some());
    }
    use serde_json::Value;

    /// fixtures/tests_rank/fisher.json and chisq.json: R fisher.test / chisq.test.
    #[test]
    fn match_r_fixtures() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../fixtures/tests_rank/fisher.json")).unwrap();
        for c in &cases {
            let call = c["call"].as_str().unwrap();
            let t: Vec<u64> = c["table"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as u64).collect();
            let alt = Alternative::parse(c["alternative"].as_str().unwrap()).unwrap();
            let p = fisher_2x2([[t[0], t[1]], [t[2], t[3]]], alt).unwrap();
            let want = c["p_value"].as_f64().unwrap();
            assert!((p - want).abs() <= 1e-12 * want + 1e-15, "{call}: {p:e} vs {want:e}");
        }
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../fixtures/tests_rank/chisq.json")).unwrap();
        for c in &cases {
            let t: Vec<Vec<f64>> = c["table"].as_array().unwrap().iter().map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()).collect();
            let r = chi_square(&t).unwrap();
            let (s, p) = (c["statistic"].as_f64().unwrap(), c["p_value"].as_f64().unwrap());
            assert!((r.statistic - s).abs() < 1e-12 * s);
            assert_eq!(r.df as f64, c["df"].as_f64().unwrap());
            assert!((r.p_value - p).abs() < 1e-9 * p, "{:e} vs {p:e}", r.p_value);
        }
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            #[test]
            fn swapping_rows_or_transposing_changes_nothing(t in prop::collection::vec(1u32..60, 6)) {
                let m: Vec<Vec<f64>> = vec![t[0..3].iter().map(|v| *v as f64).collect(), t[3..6].iter().map(|v| *v as f64).collect()];
                let swapped = vec![m[1].clone(), m[0].clone()];
                let transposed: Vec<Vec<f64>> = (0..3).map(|j| vec![m[0][j], m[1][j]]).collect();
                let a = chi_square(&m).unwrap();
                for other in [chi_square(&swapped).unwrap(), chi_square(&transposed).unwrap()] {
                    prop_assert!((a.statistic - other.statistic).abs() < 1e-9 * a.statistic.max(1.0));
                    prop_assert!((a.p_value - other.p_value).abs() < 1e-9);
                }
                prop_assert!((0.0..=1.0).contains(&a.p_value));
            }

            #[test]
            fn fisher_swap(a in 0u64..40, b in 0u64..40, c in 0u64..40, d in 0u64..40) {
                prop_assume!(a + b + c + d > 0);
                let p = fisher_2x2([[a, b], [c, d]], Alternative::TwoSided).unwrap();
                let q = fisher_2x2([[c, d], [a, b]], Alternative::TwoSided).unwrap();
                prop_assert!((p - q).abs() < 1e-9);
                prop_assert!((0.0..=1.0).contains(&p));
                let less = fisher_2x2([[a, b], [c, d]], Alternative::Less).unwrap();
                let greater_swapped = fisher_2x2([[c, d], [a, b]], Alternative::Greater).unwrap();
                prop_assert!((less - greater_swapped).abs() < 1e-9);
            }
        }
    }

}

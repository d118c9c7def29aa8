//! Pareto analysis of categories (Juran's "vital few"; Montgomery, *Introduction to
//! Statistical Quality Control* 7e §5.4).
//!
//! Conventions (../shared/reference/CONVENTIONS.md, "pareto"): counts sorted descending, ties
//! in order of first appearance; percent = 100·count/total on a 0–100 scale; cumulative percent
//! likewise; `vital_few` = the shortest prefix whose cumulative percent reaches 80. With a
//! merge threshold, categories below it (and a category already called 其他/Other) are merged
//! into one 其他/Other category kept last, whatever its count.

use crate::error::{QceError, Result};
use serde::Serialize;

/// The cumulative share that defines the vital few, in percent.
pub const VITAL_FEW_PERCENT: f64 = 80.0;

/// One bar of a Pareto chart.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Category {
    /// Category label as found in the file (or 其他/Other for the merged bucket).
    pub name: String,
    /// Count (sum of the count column, or number of rows).
    pub count: f64,
    /// 100·count/total.
    pub percent: f64,
    /// Cumulative percent up to and including this category.
    pub cumulative_percent: f64,
    /// Whether this is the merged 其他/Other category.
    pub other: bool,
    /// The categories merged into this one (empty unless `other`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
}

/// A Pareto table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Pareto {
    /// Sum of all counts.
    pub total: f64,
    /// Categories in chart order.
    pub categories: Vec<Category>,
    /// Names of the shortest prefix reaching 80% of the total.
    pub vital_few: Vec<String>,
}

/// Labels treated as an existing "other" category when merging.
fn is_other_label(name: &str) -> bool {
    matches!(name.trim().to_lowercase().as_str(), "其他" | "其它" | "other" | "others" | "misc" | "其他类")
}

/// Build the Pareto table of `names` (first-appearance order) with their `counts`.
/// `other_below`: merge categories whose percent is below this value into `other_name`.
pub fn pareto(names: &[String], counts: &[f64], other_below: Option<f64>, other_name: &str) -> Result<Pareto> {
    if names.len() != counts.len() {
        return Err(QceError::analysis("Pareto: internal mismatch of names and counts"));
    }
    if let Some(c) = counts.iter().find(|c| !c.is_finite() || **c < 0.0) {
        return Err(QceError::analysis(format!("Pareto: counts must be non-negative numbers (found {c}).")));
    }
    let total = crate::num::sum(counts);
    if total <= 0.0 {
        return Err(QceError::analysis("Pareto: the total count is 0, so there is nothing to rank."));
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    // Stable sort: ties keep their first-appearance order.
    order.sort_by(|&a, &b| counts[b].total_cmp(&counts[a]));
    let mut rows: Vec<(String, f64, bool, Vec<String>)> = Vec::new();
    let mut merged: Vec<String> = Vec::new();
    let mut merged_count = 0.0f64;
    for i in order {
        let pct = 100.0 * counts[i] / total;
        let merge = other_below.is_some_and(|cut| pct < cut || is_other_label(&names[i]));
        if merge {
            merged.push(names[i].clone());
            merged_count += counts[i];
        } else {
            rows.push((names[i].clone(), counts[i], false, Vec::new()));
        }
    }
    if !merged.is_empty() {
        let name = match merged.as_slice() {
            [only] if is_other_label(only) => only.clone(),
            _ => other_name.to_string(),
        };
        rows.push((name, merged_count, true, merged));
    }
    let mut cum = 0.0f64;
    let mut categories = Vec::with_capacity(rows.len());
    let mut vital_few = Vec::new();
    let mut reached = false;
    for (name, count, other, merged) in rows {
        cum += count;
        if !reached {
            vital_few.push(name.clone());
            // Compare counts, not rounded percents: 80% of 147 is reached at 118 (80.27%).
            reached = cum >= VITAL_FEW_PERCENT / 100.0 * total * (1.0 - 1e-12);
        }
        categories.push(Category { name, count, percent: 100.0 * count / total, cumulative_percent: 100.0 * cum / total, other, merged });
    }
    if let Some(last) = categories.last_mut() {
        last.cumulative_percent = 100.0;
    }
    Ok(Pareto { total, categories, vital_few })
}

/// Sum `counts` (1 per row when `None`) per category code, skipping rows without a code or
/// with a missing count; returns the sums in code order and the number of rows skipped.
pub fn tally(codes: &[Option<u32>], n_names: usize, counts: Option<&[f64]>) -> (Vec<f64>, usize) {
    let mut sums = vec![0.0f64; n_names];
    let mut skipped = 0usize;
    for (i, code) in codes.iter().enumerate() {
        let w = counts.map_or(1.0, |c| c.get(i).copied().unwrap_or(f64::NAN));
        match code {
            Some(c) if !w.is_nan() => sums[*c as usize] += w,
            _ => skipped += 1,
        }
    }
    (sums, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ties_keep_first_appearance() {
        let p = pareto(&names(&["Scratch", "Solder", "Dent", "Wiring"]), &[12.0, 27.0, 64.0, 27.0], None, "Other").unwrap();
        let order: Vec<&str> = p.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(order, ["Dent", "Solder", "Wiring", "Scratch"]);
        assert_eq!(p.categories[3].cumulative_percent, 100.0);
    }

    #[test]
    fn vital_few_reaches_exactly_80() {
        let p = pareto(&names(&["a", "b", "c"]), &[50.0, 30.0, 20.0], None, "Other").unwrap();
        assert_eq!(p.vital_few, ["a", "b"]);
    }

    #[test]
    fn other_is_merged_and_last() {
        let p = pareto(&names(&["划痕", "其他", "气泡", "色差", "毛刺"]), &[50.0, 9.0, 30.0, 2.0, 1.0], Some(5.0), "其他").unwrap();
        let order: Vec<&str> = p.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(order, ["划痕", "气泡", "其他"]);
        assert_eq!(p.categories[2].count, 12.0);
        assert_eq!(p.categories[2].merged, ["其他", "色差", "毛刺"]);
        assert!(p.categories[2].other);
    }

    #[test]
    fn zero_total_is_an_analysis_error() {
        assert!(pareto(&names(&["a"]), &[0.0], None, "Other").is_err());
    }
    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            #[test]
            fn ordering_and_percentages(counts in prop::collection::vec(0u32..50, 1..15), cut in prop::option::of(0.0f64..30.0)) {
                prop_assume!(counts.iter().any(|c| *c > 0));
                let names: Vec<String> = (0..counts.len()).map(|i| format!("c{i}")).collect();
                let cf: Vec<f64> = counts.iter().map(|c| *c as f64).collect();
                let p = pareto(&names, &cf, cut, "Other").unwrap();
                let total: f64 = cf.iter().sum();
                prop_assert_eq!(p.total, total);
                prop_assert_eq!(p.categories.iter().map(|c| c.count).sum::<f64>(), total);
                prop_assert_eq!(p.categories.last().unwrap().cumulative_percent, 100.0);
                let real: Vec<&Category> = p.categories.iter().filter(|c| !c.other).collect();
                for w in real.windows(2) {
                    // descending; ties in first-appearance order
                    prop_assert!(w[0].count > w[1].count || (w[0].count == w[1].count && names.iter().position(|n| *n == w[0].name) < names.iter().position(|n| *n == w[1].name)));
                }
                for w in p.categories.windows(2) {
                    prop_assert!(w[0].cumulative_percent <= w[1].cumulative_percent + 1e-12);
                }
                if let Some(o) = p.categories.iter().position(|c| c.other) {
                    prop_assert_eq!(o, p.categories.len() - 1);
                }
                // vital few: the shortest prefix reaching 80%
                let k = p.vital_few.len();
                prop_assert!(p.categories[k - 1].cumulative_percent >= 80.0 - 1e-9);
                if k > 1 {
                    prop_assert!(p.categories[k - 2].cumulative_percent < 80.0);
                }
            }
        }
    }

}

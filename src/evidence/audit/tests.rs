//! Unit tests of the audit on generated data (a seeded generator, no files).

use super::*;

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal by Box–Muller.
    fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

fn round_to(x: f64, r: f64) -> f64 {
    let d = (-r.log10()).round().max(0.0) as i32;
    let s = 10f64.powi(d);
    ((x / r).round() * r * s).round() / s
}

fn clean(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = Rng(seed);
    (0..n).map(|_| round_to(10.0 + 0.02 * rng.normal(), 0.001)).collect()
}

fn codes(r: &AuditReport) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = r.flags.iter().map(|f| f.code).collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn clean_data_has_no_flag() {
    let data = AuditData::from_values(&clean(7, 300), "B", 2);
    let opts = AuditOptions { resolution: Some(0.001), lsl: Some(9.97), usl: Some(10.03), min: Some(0.0), ..Default::default() };
    let r = audit(&data, &opts);
    assert!(r.flags.is_empty(), "{:#?}", r.flags);
    let digits = r.checks.iter().find(|c| c.check == "terminal_digit").unwrap();
    assert_eq!(digits.status, CheckStatus::Pass);
}

#[test]
fn too_few_values_is_not_a_pass() {
    let data = AuditData::from_values(&clean(1, 20), "B", 2);
    let r = audit(&data, &AuditOptions::default());
    let digits = r.checks.iter().find(|c| c.check == "terminal_digit").unwrap();
    assert_eq!(digits.status, CheckStatus::NotEnoughData);
}

#[test]
fn zeros_and_fives_are_flagged() {
    let mut rng = Rng(3);
    let xs: Vec<f64> = clean(3, 300)
        .into_iter()
        .map(|x| if rng.uniform() < 0.4 { round_to(x, 0.005) } else { x })
        .collect();
    let r = audit(&AuditData::from_values(&xs, "B", 2), &AuditOptions { resolution: Some(0.001), ..Default::default() });
    assert_eq!(codes(&r), vec!["digit_preference"]);
    let f = &r.flags[0];
    assert!(f.p_value.unwrap() < 1e-6);
    assert!(f.explanation.en.contains("0 in") || f.explanation.en.contains("5 in"), "{}", f.explanation.en);
}

#[test]
fn copied_block_is_flagged_with_both_places() {
    let mut xs = clean(11, 200);
    let block: Vec<f64> = xs[20..28].to_vec();
    xs[150..158].copy_from_slice(&block);
    let r = audit(&AuditData::from_values(&xs, "B", 2), &AuditOptions::default());
    assert_eq!(codes(&r), vec!["repeated_block"]);
    assert_eq!(r.flags[0].cells, vec!["B22:B29".to_string(), "B152:B159".to_string()]);
}

#[test]
fn off_grid_and_out_of_range_values() {
    let mut xs = clean(5, 100);
    xs[10] = 10.0125;
    xs[40] = -1.0;
    let opts = AuditOptions { resolution: Some(0.001), min: Some(0.0), ..Default::default() };
    let r = audit(&AuditData::from_values(&xs, "C", 2), &opts);
    let off = r.flags.iter().find(|f| f.code == "off_resolution").unwrap();
    assert_eq!(off.cells, vec!["C12".to_string()]);
    let out = r.flags.iter().find(|f| f.code == "outside_physical_range").unwrap();
    assert_eq!(out.cells, vec!["C42".to_string()]);
}

#[test]
fn constant_stage_is_below_resolution() {
    let xs = vec![5.0; 40];
    let r = audit(&AuditData::from_values(&xs, "B", 2), &AuditOptions { resolution: Some(0.1), ..Default::default() });
    assert_eq!(codes(&r), vec!["spread_below_resolution"]);
}

/// A wide table (sample number, x1, x2, x3): honest rows give no duplicate-row flag; two
/// rows pasted again are flagged with their rows.
#[test]
fn duplicated_wide_rows_are_flagged() {
    let mut rng = Rng(21);
    let n = 80;
    let mut cols: Vec<Vec<String>> = vec![Vec::new(); 4];
    for i in 0..n {
        cols[0].push((i + 1).to_string());
        for col in cols.iter_mut().skip(1) {
            col.push(format!("{:.2}", 5.0 + 0.05 * rng.normal()));
        }
    }
    let record = |cols: &Vec<Vec<String>>| {
        ["no", "x1", "x2", "x3"].iter().zip(cols).map(|(name, c)| RecordColumn::from_texts(name, true, c)).collect::<Vec<_>>()
    };
    let values: Vec<f64> = cols[1].iter().map(|s| s.parse().unwrap()).collect();
    let mut data = AuditData::from_values(&values, "B", 2);
    data.record = record(&cols);
    let r = audit(&data, &AuditOptions::default());
    let dup = r.checks.iter().find(|c| c.check == "duplicate_rows").unwrap();
    assert_eq!(dup.status, CheckStatus::Pass, "{:?}", dup.note);
    // Rows 10 and 11 pasted again (sample number included) over rows 60 and 61.
    for col in cols.iter_mut() {
        col[60] = col[10].clone();
        col[61] = col[11].clone();
    }
    data.record = record(&cols);
    let r = audit(&data, &AuditOptions::default());
    let f = r.flags.iter().find(|f| f.code == "duplicate_rows").expect("flag");
    assert_eq!(f.rows, vec![12, 62, 13, 63]);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => (-1000i64..1000).prop_map(|k| k as f64 / 100.0),
            1 => any::<f64>().prop_filter("finite or NaN", |x| !x.is_infinite()),
            1 => Just(f64::NAN),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any data and options: no panic, every flag belongs to a check whose status is Flag,
        /// p-values are probabilities, and no check that lacked data claims a pass.
        #[test]
        fn audit_is_total_and_consistent(
            xs in proptest::collection::vec(value(), 0..120),
            res in proptest::option::of(prop_oneof![Just(0.01), Just(0.005), Just(1.0), Just(0.3)]),
            lsl in proptest::option::of(-5.0f64..0.0),
            usl in proptest::option::of(0.0f64..5.0),
            staged in any::<bool>(),
        ) {
            let mut data = AuditData::from_values(&xs, "B", 2);
            if staged {
                data.stage = Some((0..xs.len()).map(|i| Some(u32::from(i >= xs.len() / 2))).collect());
                data.stage_names = vec!["before".into(), "after".into()];
            }
            let opts = AuditOptions { resolution: res, lsl, usl, min: Some(-9.0), max: Some(9.0), ..Default::default() };
            let r = audit(&data, &opts);
            for f in &r.flags {
                prop_assert!(r.checks.iter().any(|c| c.check == f.check && c.status == CheckStatus::Flag), "{}", f.code);
                if let Some(p) = f.p_value {
                    prop_assert!((0.0..=1.0).contains(&p), "{} p = {p}", f.code);
                }
            }
            for c in &r.checks {
                if let Some(p) = c.p_value {
                    prop_assert!((0.0..=1.0).contains(&p), "{} p = {p}", c.check);
                }
            }
            prop_assert!(serde_json::to_string(&r).is_ok());
        }
    }
}

/// Coarse readings (σ = 4.2 units of the last digit): the digits are tested against the fitted
/// normal's, not uniform. Honest data pass on 20 seeds (budget: at most one flag); a 0/5 habit
/// is still found.
#[test]
fn coarse_readings_use_the_fitted_normal() {
    let coarse = |seed: u64| -> Vec<f64> {
        let mut rng = Rng(seed);
        (0..300).map(|_| round_to(20.0 + 0.042 * rng.normal(), 0.01)).collect()
    };
    let opts = AuditOptions { resolution: Some(0.01), ..Default::default() };
    let (mut flagged, mut tested) = (0, 0);
    for seed in 0..20 {
        let r = audit(&AuditData::from_values(&coarse(seed), "B", 2), &opts);
        let c = r.checks.iter().find(|c| c.check == "terminal_digit").unwrap();
        tested += usize::from(matches!(c.status, CheckStatus::Pass | CheckStatus::Flag));
        flagged += usize::from(!r.flags.is_empty());
    }
    assert!(tested >= 18, "only {tested} of 20 tested");
    assert!(flagged <= 1, "{flagged} of 20 honest coarse data sets flagged");
    let mut rng = Rng(99);
    let habit: Vec<f64> = coarse(5).into_iter().map(|x| if rng.uniform() < 0.5 { round_to(x, 0.05) } else { x }).collect();
    let r = audit(&AuditData::from_values(&habit, "B", 2), &opts);
    assert_eq!(codes(&r), vec!["digit_preference"]);
    assert!(r.flags[0].explanation.en.contains("fitted to each stage"), "{}", r.flags[0].explanation.en);
}

/// Skewed processes (lognormal shapes) near an LSL are not a pile-up. Strong skew (σ_ln 0.6,
/// skewness ≈ 2): the caliper test is not applicable (the normal cannot be the reference).
/// Mild skew (σ_ln 0.15, skewness ≈ 0.45): tested, and no flag in 60 data sets at three LSLs.
#[test]
fn skewed_process_ending_at_a_limit_is_not_a_pileup() {
    let run = |sigma_ln: f64, lsl: f64, seed: u64| {
        let (m, s) = ((sigma_ln * sigma_ln / 2.0).exp(), ((sigma_ln * sigma_ln).exp_m1() * (sigma_ln * sigma_ln).exp()).sqrt());
        let mut rng = Rng(500 + seed);
        let xs: Vec<f64> = (0..400).map(|_| round_to(10.0 + 0.05 * ((sigma_ln * rng.normal()).exp() - m) / s, 0.001)).collect();
        let r = audit(&AuditData::from_values(&xs, "B", 2), &AuditOptions { resolution: Some(0.001), lsl: Some(lsl), ..Default::default() });
        let status = r.checks.iter().find(|c| c.check == "pileup_lsl").unwrap().status;
        (status, r.flags.iter().any(|f| f.code == "pileup_inside_lsl"))
    };
    for seed in 0..10 {
        assert_eq!(run(0.6, 9.95, seed), (CheckStatus::NotApplicable, false));
    }
    let mut tested = 0;
    for lsl in [9.93, 9.95, 9.96] {
        for seed in 0..20 {
            let (status, flagged) = run(0.15, lsl, seed);
            assert!(!flagged, "lsl {lsl} seed {seed}");
            tested += usize::from(status != CheckStatus::NotApplicable);
        }
    }
    assert!(tested >= 30, "{tested}");
}

/// Strongly skewed honest data keep more points within 1σ; long runs there are not hugging.
/// 30 lognormal data sets (σ_ln = 0.6, 200 values): at most one flag.
#[test]
fn skewed_data_do_not_hug() {
    let mut flagged = 0;
    for seed in 0..30 {
        let mut rng = Rng(900 + seed);
        let xs: Vec<f64> = (0..200).map(|_| round_to(10.0 + 0.05 * ((0.6 * rng.normal()).exp() - 1.197) / 0.788, 0.001)).collect();
        let r = audit(&AuditData::from_values(&xs, "B", 2), &AuditOptions::default());
        flagged += usize::from(r.flags.iter().any(|f| f.code == "center_hugging"));
    }
    assert!(flagged <= 1, "{flagged}");
}

/// A moderate 0/5 habit (a fifth of 100 readings rounded to 0.005): the χ² alone misses it
/// (p ≈ 0.02), the round-number test finds it.
#[test]
fn moderate_round_number_habit_is_found() {
    let mut found = 0;
    for seed in 0..10 {
        let mut rng = Rng(700 + seed);
        let xs: Vec<f64> = clean(700 + seed, 100).into_iter().map(|x| if rng.uniform() < 0.2 { round_to(x, 0.005) } else { x }).collect();
        let r = audit(&AuditData::from_values(&xs, "B", 2), &AuditOptions { resolution: Some(0.001), ..Default::default() });
        found += usize::from(codes(&r) == vec!["digit_preference"]);
    }
    assert!(found >= 7, "found in {found} of 10");
}

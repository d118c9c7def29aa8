//! Statistics time of `qce capability` on 10 million values (issue 4: under 0.3 s).
//! Run: cargo bench --bench capability
//!
//! Measured 2026-11-25 on the idle 2-core machine (load average 0.4 at the start, no other
//! process during the run), `nice -n 10 cargo bench --bench capability`, median [95 % CI]:
//!
//! | case | before | after |
//! | --- | --- | --- |
//! | 10M individuals (MR) | 558 ms | 272 ms [268, 276] |
//! | anderson_darling alone, 10M | 509 ms | 260 ms [257, 263] |
//! | 10M individuals, 3 decimals (not normal: + candidate fits) | — (new) | 118 ms [115, 122] |
//! | 10M in subgroups of 5 (Rbar) | 579 ms | 282 ms [277, 287] |
//!
//! "Before" is main at 2c47f42 (comparison sort, AD logs and terms in two 10M-element vectors).
//! Where the time goes now (perf): the Anderson–Darling sum, one erfc, exp, ln and ln_1p per
//! distinct value on both cores (≈ 140 ms), the parallel radix sort (≈ 65 ms) beside the mean
//! and Σ(x − x̄)² (≈ 40 ms, one core), then the within sigma and observed PPM beside the AD sum.
//! Rounded data (every real measurement) are cheaper: equal neighbours share their logs.

use criterion::{criterion_group, criterion_main, Criterion};
use qce::capability::{capability, Model, Options, SpecLimits};
use qce::dataset::Subgroups;
use std::hint::black_box;

/// N(10, 0.02²) values from a fixed xorshift generator and Box–Muller (no extra crates).
fn normal_values(n: usize) -> Vec<f64> {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut uniform = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let (u, v) = (uniform(), uniform());
            10.0 + 0.02 * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        })
        .collect()
}

fn subgroups(values: Vec<f64>, size: usize) -> Subgroups {
    Subgroups::fixed_size("x", values, size)
}

fn bench(c: &mut Criterion) {
    const N: usize = 10_000_000;
    let opts = Options {
        spec: SpecLimits { lsl: Some(9.95), usl: Some(10.05), target: Some(10.0) },
        sigma: None,
        conf: 0.95,
        model: Model::Normal,
    };
    let mut g = c.benchmark_group("capability");
    g.sample_size(10);
    let individuals = subgroups(normal_values(N), 1);
    g.bench_function("10M individuals (MR)", |b| b.iter(|| capability(black_box(&individuals), &opts).unwrap()));
    // the share of the Anderson–Darling normality test (tests::normality, sorts a copy)
    g.bench_function("anderson_darling alone, 10M", |b| b.iter(|| qce::tests::normality::anderson_darling(black_box(&individuals.values))));
    // Rounded to 0.001 (σ/20): at n = 10M the AD test rejects normality, so the candidate
    // distributions are fitted as well (on at most 20,000 order statistics).
    let rounded = subgroups(individuals.values.iter().map(|x| (x * 1e3).round() / 1e3).collect(), 1);
    drop(individuals);
    g.bench_function("10M individuals, 3 decimals (not normal: + candidate fits)", |b| b.iter(|| capability(black_box(&rounded), &opts).unwrap()));
    drop(rounded);
    let grouped = subgroups(normal_values(N), 5);
    g.bench_function("10M in subgroups of 5 (Rbar)", |b| b.iter(|| capability(black_box(&grouped), &opts).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Statistics time of `qce capability` on 10 million values (issue 4: under 0.3 s).
//! Run: cargo bench --bench capability
//!
//! Measured 2026-11-25 on the 2-core project machine, nearly idle (load ≈ 2 from a finished
//! build): 10M individuals (MR) 255 ms; Anderson–Darling alone 241 ms (parallel radix sort +
//! one pass of compensated sums); 10M individuals rounded to 3 decimals, not normal, with the
//! candidate fits on ≤ 20,000 order statistics 108 ms (equal neighbours reuse their logs);
//! 10M in subgroups of 5 (R̄) 264 ms. Before this work: 558 / 509 / – / 579 ms.

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

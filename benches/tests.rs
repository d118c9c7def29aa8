//! Benchmark: Welch's two-sample t test on two groups of 5 million values each.
//! Run: cargo bench --bench tests

use criterion::{criterion_group, criterion_main, Criterion};
use qce::tests::ttest::{two_sample, Alternative};
use std::hint::black_box;

/// Deterministic pseudo-normal data (sum of 4 uniforms from a 64-bit LCG; Knuth MMIX constants).
fn data(n: usize, seed: u64, shift: f64) -> Vec<f64> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n).map(|_| shift + (next() + next() + next() + next() - 2.0)).collect()
}

fn welch_t(c: &mut Criterion) {
    let x = data(5_000_000, 1, 10.0);
    let y = data(5_000_000, 2, 10.01);
    let mut g = c.benchmark_group("t2");
    g.sample_size(10);
    g.bench_function("welch_5M_x2", |b| b.iter(|| two_sample(black_box(&x), black_box(&y), false, Alternative::TwoSided, 0.95)));
    g.finish();
}

criterion_group!(benches, welch_t);
criterion_main!(benches);

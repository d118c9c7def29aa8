//! X̄-R statistics on 10 million values (2 million subgroups of 5): limits, R chart and all
//! eight Nelson tests. Goal: under 0.5 s (issue 3). Run: `cargo bench --bench xbar_r`.
//! The end-to-end comparison with R's qcc is benches/xbar_r_vs_qcc.sh.
//!
//! Measured 2026-11-25 on the 2-core project machine, nearly idle: 323 ms per iteration
//! (X̄ and R panels of 2M points each, built side by side, all eight tests on precomputed z);
//! 0.60–0.64 s before this session's rewrite. End to end, `qce chart xbar-r` on the 148 MB CSV
//! with SVG output: 0.93–1.04 s wall with `--subgroup sample` (one pass reads the value column
//! and cuts the subgroup column into runs, no hashing), 0.71–0.75 s with `--subgroup-size 5`;
//! SVG 0.80 MB. R's qcc could not be installed here (not packaged in Debian, no CRAN access);
//! the issue quotes about 39 s for qcc on this data (≈ 40–55× with these figures).

use criterion::{criterion_group, criterion_main, Criterion};
use qce::dataset::Subgroups;
use qce::spc::{variables_chart, ChartKind, ChartOptions};
use std::hint::black_box;

/// 2 million subgroups of 5 pseudo-normal values (xorshift + sum of uniforms), deterministic.
fn data(k: usize, n: usize) -> Subgroups {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut uniform = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let values: Vec<f64> = (0..k * n).map(|_| 74.0 + 0.01 * ((0..12).map(|_| uniform()).sum::<f64>() - 6.0)).collect();
    Subgroups::fixed_size("diameter", values, n)
}

fn bench(c: &mut Criterion) {
    let sg = data(2_000_000, 5);
    let opts = ChartOptions::new(ChartKind::XbarR);
    let mut g = c.benchmark_group("xbar_r");
    g.sample_size(10);
    g.bench_function("2M subgroups of 5", |b| b.iter(|| variables_chart(black_box(&sg), black_box(&opts)).map(|r| r.points.len())));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

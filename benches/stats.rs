//! Criterion benchmark: descriptive statistics (`describe::summarize`) of 10 million values,
//! the statistics half of `qce describe` on the 10-million-row benchmark file (the reading
//! half is timed end to end by benches/compare_pandas.sh).
//!
//! Also the column reads of the CSV fast path on a 1-million-row `sample,diameter` file
//! written to a temporary folder: `Table::numeric` (parse one column) and `Table::keys`
//! (subgroup ids, runs of five).
//!
//! Run: `cargo bench --bench stats` (sample size 10; a few seconds per sample).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

/// 10 million pseudo-normal values around 74.0 (sum of uniforms; a fixed LCG, no rand crate).
fn values(n: usize) -> Vec<f64> {
    let mut state: u64 = 0x2024_0301;
    let mut uniform = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n).map(|_| 74.0 + 0.01 * ((0..4).map(|_| uniform()).sum::<f64>() - 2.0)).collect()
}

fn bench(c: &mut Criterion) {
    let xs = values(10_000_000);
    let mut g = c.benchmark_group("describe");
    g.sample_size(10);
    g.bench_function("summarize_10M", |b| b.iter(|| black_box(qce::describe::summarize(black_box(&xs), 0))));
    g.finish();

    // ok: a benchmark may stop on a failed temp file
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.csv");
    let mut text = String::from("sample,diameter\n");
    for (i, x) in xs.iter().take(1_000_000).enumerate() {
        text.push_str(&format!("{},{x:.5}\n", i / 5 + 1));
    }
    std::fs::write(&path, text).expect("write csv");
    let mut g = c.benchmark_group("ingest");
    g.sample_size(10);
    let opts = qce::ingest::LoadOptions::default();
    g.bench_function("load_numeric_1M", |b| {
        b.iter(|| {
            let t = qce::ingest::load(&path, &opts).expect("load");
            black_box(t.numeric("diameter").expect("numeric").values.len())
        })
    });
    g.bench_function("load_keys_1M", |b| {
        b.iter(|| {
            let t = qce::ingest::load(&path, &opts).expect("load");
            black_box(t.keys("sample").expect("keys").names.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Fast sorting of `f64` in the total order of [`f64::total_cmp`], for the statistics that
//! need order statistics of millions of values (Anderson–Darling, distribution fits).
//!
//! Small slices use the standard comparison sort. Large ones use radix sorting (the `radsort`
//! crate, an LSB radix sort; Terdiman, "Radix sort revisited"), made parallel by one
//! most-significant-digit pass first: the values are scattered into up to 2^[`MSD_BITS`]
//! buckets by the leading bits in which they differ (each thread scatters its own chunk into
//! its own part of every bucket, so the pass needs no synchronisation), then every bucket,
//! small enough to stay in cache, is radix-sorted on its own, buckets in parallel.
//!
//! Order: the key of a value is its bit pattern with the sign bit flipped for positive
//! values and all bits flipped for negative ones, which orders exactly as `f64::total_cmp`
//! (−NaN < −∞ < … < −0 < +0 < … < +∞ < +NaN); `radsort` uses the same order. Callers in
//! the statistics remove missing values first, so NaN never reaches them in practice, but a
//! NaN would only sort to an end, never break the sort. Equal keys are bit-identical, so the
//! result does not depend on the algorithm (it equals any other correct sort's).

use rayon::prelude::*;

/// Below this length a comparison sort is as fast as the radix sort's setup.
const RADIX_MIN: usize = 256;

/// From this length on the parallel bucket pass is used.
const PARALLEL_MIN: usize = 1 << 16;

/// Number of leading differing key bits that choose the bucket of the parallel pass (at most
/// 256 buckets: few enough for the scatter's write streams, many enough that a bucket of
/// normal data (the largest one holds about 1.7 % of the values) sorts in cache).
const MSD_BITS: u32 = 8;

/// The unsigned key that orders as [`f64::total_cmp`].
#[inline]
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Sort `xs` in place in the order of [`f64::total_cmp`] (see the module documentation).
pub fn sort_f64(xs: &mut [f64]) {
    if xs.len() < PARALLEL_MIN {
        sort_serial(xs);
    } else {
        let sorted = sorted_copy(xs);
        xs.copy_from_slice(&sorted);
    }
}

/// A sorted copy of `xs` in the order of [`f64::total_cmp`]; for large inputs the copy is made
/// by the bucket pass itself, so it costs nothing extra.
pub fn sorted_copy(xs: &[f64]) -> Vec<f64> {
    if xs.len() < PARALLEL_MIN {
        let mut v = xs.to_vec();
        sort_serial(&mut v);
        return v;
    }
    bucket_sorted(xs)
}

/// One thread: comparison sort for short slices, radix sort otherwise.
fn sort_serial(xs: &mut [f64]) {
    if xs.len() < RADIX_MIN {
        xs.sort_unstable_by(f64::total_cmp);
    } else {
        radsort::sort(xs);
    }
}

/// Parallel MSD bucket pass, then a radix sort of every bucket (see the module documentation).
fn bucket_sorted(xs: &[f64]) -> Vec<f64> {
    let n = xs.len();
    let (lo, hi) = xs
        .par_iter()
        .fold(|| (u64::MAX, 0u64), |(l, h), &x| (l.min(key(x)), h.max(key(x))))
        .reduce(|| (u64::MAX, 0u64), |a, b| (a.0.min(b.0), a.1.max(b.1)));
    // Keys share every bit above the highest bit in which lo and hi differ; bucket by the
    // MSD_BITS bits below it, counted from lo's.
    let width = 64 - (hi - lo).leading_zeros();
    let shift = width.saturating_sub(MSD_BITS);
    let buckets = ((hi - lo) >> shift) as usize + 1;
    let bucket = |x: f64| ((key(x) - lo) >> shift) as usize;
    let chunk = n.div_ceil(rayon::current_num_threads().max(1));
    let counts: Vec<Vec<usize>> = xs
        .par_chunks(chunk)
        .map(|c| {
            let mut h = vec![0usize; buckets];
            for &x in c {
                h[bucket(x)] += 1;
            }
            h
        })
        .collect();
    let mut out = vec![0.0f64; n];
    // Carve the output into buckets, and every bucket into one part per chunk, in order.
    let mut parts: Vec<Vec<&mut [f64]>> = counts.iter().map(|_| Vec::with_capacity(buckets)).collect();
    let mut bucket_len = vec![0usize; buckets];
    let mut rest: &mut [f64] = &mut out;
    for (b, len) in bucket_len.iter_mut().enumerate() {
        for (part, count) in parts.iter_mut().zip(&counts) {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(count[b]);
            part.push(head);
            rest = tail;
            *len += count[b];
        }
    }
    xs.par_chunks(chunk).zip(parts.into_par_iter()).for_each(|(c, mut part)| {
        let mut fill = vec![0usize; buckets];
        for &x in c {
            let b = bucket(x);
            // ok: part[b] has exactly as many places as this chunk has values in bucket b
            part[b][fill[b]] = x;
            fill[b] += 1;
        }
    });
    let mut rest: &mut [f64] = &mut out;
    let mut slices: Vec<&mut [f64]> = Vec::with_capacity(buckets);
    for &len in &bucket_len {
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
        slices.push(head);
        rest = tail;
    }
    slices.into_par_iter().with_max_len(1).for_each(sort_serial);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    fn reference(xs: &[f64]) -> Vec<f64> {
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        v
    }

    /// xorshift values spread over `spread` binades around 1, both signs when `signed`.
    fn values(n: usize, spread: f64, signed: bool) -> Vec<f64> {
        let mut rng = crate::num::testgen::Xorshift::new(0x2545_F491_4F6C_DD1D);
        (0..n)
            .map(|_| {
                let s = rng.next_u64();
                let x = (spread * ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5)).exp2();
                if signed && s & 1 == 1 { -x } else { x }
            })
            .collect()
    }

    #[test]
    fn special_values_sort_as_total_cmp() {
        let mut xs = vec![f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, 5e-324, -5e-324, 1.0, -1.0, f64::MAX, f64::MIN];
        xs.extend(values(PARALLEL_MIN + 1000, 8.0, true));
        xs.extend([0.0, -0.0, f64::NAN, 1.0, 1.0]);
        let want = reference(&xs);
        assert_eq!(bits(&sorted_copy(&xs)), bits(&want));
        let mut v = xs[..300].to_vec();
        sort_f64(&mut v);
        assert_eq!(bits(&v), bits(&reference(&xs[..300])));
    }

    #[test]
    fn large_inputs_of_every_shape_match_a_comparison_sort() {
        for (spread, signed) in [(0.01, false), (4.0, true), (200.0, true), (0.0, false)] {
            let xs = values(300_000, spread, signed);
            let mut v = xs.clone();
            sort_f64(&mut v);
            assert_eq!(bits(&v), bits(&reference(&xs)), "spread {spread}");
        }
        // few distinct values (a measurement resolution), many ties
        let xs: Vec<f64> = values(200_000, 1.0, false).iter().map(|x| (x * 100.0).round() / 100.0).collect();
        assert_eq!(bits(&sorted_copy(&xs)), bits(&reference(&xs)));
    }

    proptest! {
        #[test]
        fn any_input_sorts_like_total_cmp(xs in prop::collection::vec(prop::num::f64::ANY, 0..2000)) {
            let mut v = xs.clone();
            sort_f64(&mut v);
            prop_assert_eq!(bits(&v), bits(&reference(&xs)));
        }
    }
}

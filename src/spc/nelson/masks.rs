//! Nelson's tests on bit masks, 64 points per machine word: bit `j` of word `w` stands for
//! point `from + 64·w + j` of a chunk (see [`super::apply`]).
//!
//! - "L points in a row" at point i is the AND of the condition shifted by 0, 1, …, L − 1,
//!   built by doubling (⌈log₂ L⌉ + 1 shifted ANDs per word).
//! - "m of the last k" counts the k shifted copies with bit-sliced adders (Knuth, TAOCP 4A
//!   §7.1.3, "bitwise tricks") and compares the count with m, bit-parallel.
//!
//! Zeros are shifted in below the chunk's first point: a run never starts before it. Every
//! test gives the hits of the point-by-point definitions (tested against them in
//! `super::tests`).

use std::cell::OnceCell;

use super::{Series, ABOVE, ABOVE_1, ABOVE_2, BELOW, BELOW_1, BELOW_2, BEYOND, WITHIN_1};

/// The hits `(point index, test)` of `tests` (sorted by test number) at points `keep..end`,
/// tested from `from` on, sorted by point, then test.
pub(super) fn chunk_hits(s: &Series, from: usize, keep: usize, end: usize, tests: &[(u8, usize)]) -> Vec<(usize, u8)> {
    debug_assert!(tests.is_sorted());
    let n = end - from;
    let chunk = Chunk::new(&s.values[from..end], &s.flags[from..end]);
    let mut per_test: Vec<(u8, Vec<u64>)> = Vec::with_capacity(tests.len());
    for &(rule, k) in tests {
        let m = chunk.test_mask(rule, k);
        match per_test.last_mut() {
            // the same test twice (two K): a point fails it once
            Some((r, prev)) if *r == rule => prev.iter_mut().zip(&m).for_each(|(p, x)| *p |= x),
            _ => per_test.push((rule, m)),
        }
    }
    let mut hits = Vec::new();
    let first = (keep - from) / 64;
    for w in first..n.div_ceil(64) {
        let mut any = per_test.iter().fold(0u64, |a, (_, m)| a | m[w]);
        if w == first {
            any &= !0u64 << ((keep - from) % 64);
        }
        while any != 0 {
            let j = any.trailing_zeros() as usize;
            any &= any - 1;
            for (rule, m) in &per_test {
                if (m[w] >> j) & 1 == 1 {
                    hits.push((from + 64 * w + j, *rule));
                }
            }
        }
    }
    hits
}

/// The points of one chunk and the condition masks its tests share, each built once (tests 6
/// and 8 both read the 1σ flags, tests 3 and 4 the directions).
struct Chunk<'a> {
    values: &'a [f64],
    flags: &'a [u8],
    /// [`flag_mask`] of each flag bit.
    flag_masks: [OnceCell<Vec<u64>>; 8],
    /// [`trends`] of the values.
    trends: OnceCell<(Vec<u64>, Vec<u64>)>,
}

impl<'a> Chunk<'a> {
    fn new(values: &'a [f64], flags: &'a [u8]) -> Self {
        Chunk { values, flags, flag_masks: Default::default(), trends: OnceCell::new() }
    }

    /// Bit i: point i has `flag` (one of the flag bits).
    fn flag(&self, flag: u8) -> Vec<u64> {
        self.flag_masks[flag.trailing_zeros() as usize % 8].get_or_init(|| flag_mask(self.flags, flag)).clone()
    }

    /// Bit i: point i is above (first mask) or below (second) point i − 1.
    fn trends(&self) -> &(Vec<u64>, Vec<u64>) {
        self.trends.get_or_init(|| trends(self.values))
    }

    /// The points of the chunk that fail test `rule` with its `k`.
    fn test_mask(&self, rule: u8, k: usize) -> Vec<u64> {
        let n = self.flags.len();
        let f = |flag: u8| self.flag(flag);
        match rule {
            1 => f(BEYOND),
            2 => or(run(f(ABOVE), k, n), &run(f(BELOW), k, n)),
            // K points in a row increasing = K − 1 consecutive increases
            3 => {
                let (inc, dec) = self.trends();
                or(run(inc.clone(), k.saturating_sub(1), n), &run(dec.clone(), k.saturating_sub(1), n))
            }
            // K points alternating = K − 2 consecutive changes of direction
            4 => {
                let (inc, dec) = self.trends();
                let alt = (0..inc.len()).map(|w| (inc[w] & shifted(dec, w, 1)) | (dec[w] & shifted(inc, w, 1))).collect();
                run(alt, k.saturating_sub(2), n)
            }
            5 => or(m_of_k(&f(ABOVE_2), k, 2), &m_of_k(&f(BELOW_2), k, 2)),
            6 => or(m_of_k(&f(ABOVE_1), k, 4), &m_of_k(&f(BELOW_1), k, 4)),
            7 => run(f(WITHIN_1), k, n),
            _ => run(or(f(ABOVE_1), &f(BELOW_1)), k, n),
        }
    }
}

/// Bit i: point i has `flag` (one of the flag bits).
fn flag_mask(flags: &[u8], flag: u8) -> Vec<u64> {
    let bit = flag.trailing_zeros();
    let mut out = vec![0u64; flags.len().div_ceil(64)];
    for (o, block) in out.iter_mut().zip(flags.chunks(64)) {
        let mut m = 0u64;
        for (g, eight) in block.chunks(8).enumerate() {
            let mut bytes = [0u8; 8];
            bytes[..eight.len()].copy_from_slice(eight);
            // the flag bit of each byte at the byte's bit 0, then the 8 bits gathered into the
            // top byte by one multiplication (the partial products never overlap)
            let lsb = (u64::from_le_bytes(bytes) >> bit) & 0x0101_0101_0101_0101;
            m |= (lsb.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * g);
        }
        *o = m;
    }
    out
}

/// Bit i: point i is above (first mask) or below (second) point i − 1; point 0 is neither.
fn trends(values: &[f64]) -> (Vec<u64>, Vec<u64>) {
    let words = values.len().div_ceil(64);
    let (mut inc, mut dec) = (vec![0u64; words], vec![0u64; words]);
    // no point before the chunk: every comparison with NaN is false
    let mut prev = f64::NAN;
    for ((block, i), d) in values.chunks(64).zip(inc.iter_mut()).zip(dec.iter_mut()) {
        let (mut up, mut down) = (0u64, 0u64);
        for (j, &x) in block.iter().enumerate() {
            up |= u64::from(x > prev) << j;
            down |= u64::from(x < prev) << j;
            prev = x;
        }
        (*i, *d) = (up, down);
    }
    (inc, dec)
}

/// Word `w` of the mask shifted `s` points up (bit i takes bit i − s; zeros below bit 0).
#[inline]
fn shifted(x: &[u64], w: usize, s: usize) -> u64 {
    let (q, r) = (s / 64, s % 64);
    if w < q {
        return 0;
    }
    let hi = x[w - q];
    if r == 0 {
        return hi;
    }
    let lo = if w > q { x[w - q - 1] } else { 0 };
    (hi << r) | (lo >> (64 - r))
}

/// `x &= x shifted up by s`, in place (from the top word down, so every word read is old).
fn and_shifted(x: &mut [u64], s: usize) {
    for w in (0..x.len()).rev() {
        let v = shifted(x, w, s);
        x[w] &= v;
    }
}

/// Bit i: the `len` points ending at i all have the condition `x` (every point when `len` is
/// 0; `n` points in all).
fn run(mut x: Vec<u64>, len: usize, n: usize) -> Vec<u64> {
    if len == 0 {
        let mut all = vec![!0u64; x.len()];
        if n % 64 != 0 {
            if let Some(last) = all.last_mut() {
                *last = (1u64 << (n % 64)) - 1;
            }
        }
        return all;
    }
    // x holds runs of `have`; two overlapping runs of `have` make one of up to 2·have
    let mut have = 1;
    while have * 2 <= len {
        and_shifted(&mut x, have);
        have *= 2;
    }
    if have < len {
        and_shifted(&mut x, len - have);
    }
    x
}

/// Bit i: point i has the condition `x`, at least `need` of the `k` points ending at i have
/// it, and those `k` points are all in the chunk.
fn m_of_k(x: &[u64], k: usize, need: usize) -> Vec<u64> {
    let levels = (usize::BITS - k.leading_zeros()) as usize;
    let mut counter = vec![0u64; levels];
    let mut out = vec![0u64; x.len()];
    for (w, o) in out.iter_mut().enumerate() {
        counter.fill(0);
        for s in 0..k {
            // add the copy shifted by s to the bit-sliced counter (ripple carry)
            let mut carry = shifted(x, w, s);
            for c in counter.iter_mut() {
                let next = *c & carry;
                *c ^= carry;
                carry = next;
            }
        }
        *o = at_least(&counter, need) & x[w];
    }
    // the first k − 1 points have no full window
    let below = k.saturating_sub(1);
    for (w, o) in out.iter_mut().enumerate().take(below.div_ceil(64)) {
        let lo = 64 * w;
        *o &= if below >= lo + 64 { 0 } else { !0u64 << (below - lo) };
    }
    out
}

/// Bits where the bit-sliced count (`counter[l]` holds bit l of every count) is ≥ `need`.
fn at_least(counter: &[u64], need: usize) -> u64 {
    if need == 0 {
        return !0;
    }
    if counter.len() < usize::BITS as usize && need >> counter.len() != 0 {
        return 0;
    }
    // compare from the top bit: greater as soon as a count bit is 1 where need's is 0
    let (mut greater, mut equal) = (0u64, !0u64);
    for (l, &c) in counter.iter().enumerate().rev() {
        if (need >> l) & 1 == 1 {
            equal &= c;
        } else {
            greater |= equal & c;
            equal &= !c;
        }
    }
    greater | equal
}

/// Bitwise OR of two masks of one chunk.
fn or(mut a: Vec<u64>, b: &[u64]) -> Vec<u64> {
    a.iter_mut().zip(b).for_each(|(x, y)| *x |= y);
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(m: &[u64], n: usize) -> Vec<bool> {
        (0..n).map(|i| (m[i / 64] >> (i % 64)) & 1 == 1).collect()
    }

    #[test]
    fn flag_masks_gather_one_bit_of_every_byte() {
        let flags: Vec<u8> = (0..200u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for b in 0..8 {
            let got = bits(&flag_mask(&flags, 1 << b), flags.len());
            let want: Vec<bool> = flags.iter().map(|f| (f >> b) & 1 == 1).collect();
            assert_eq!(got, want, "bit {b}");
        }
    }

    #[test]
    fn runs_and_counts_match_their_definitions() {
        let n = 300;
        let cond: Vec<bool> = (0..n).map(|i: usize| (i * 7 + i / 13) % 5 != 0 || (100..180).contains(&i)).collect();
        let mut x = vec![0u64; n.div_ceil(64)];
        for (i, &c) in cond.iter().enumerate() {
            x[i / 64] |= u64::from(c) << (i % 64);
        }
        for len in [0, 1, 2, 3, 5, 8, 9, 15, 64, 65, 70] {
            let want: Vec<bool> = (0..n).map(|i| i + 1 >= len && (i + 1 - len..=i).all(|j| cond[j])).collect();
            assert_eq!(bits(&run(x.clone(), len, n), n), want, "run {len}");
        }
        for (k, need) in [(3, 2), (5, 4), (5, 0), (1, 1), (70, 40), (9, 9)] {
            let want: Vec<bool> = (0..n).map(|i| cond[i] && i + 1 >= k && (i + 1 - k..=i).filter(|&j| cond[j]).count() >= need).collect();
            assert_eq!(bits(&m_of_k(&x, k, need), n), want, "{need} of {k}");
        }
    }
}

//! Short plain decimals (`74.0081`, `-3`, `.5`) read without a general float parser.
//!
//! Gauge readings in CSV are a handful of bytes: at most eight, at most one point, an optional
//! leading minus. Such a cell is loaded into one 64-bit word, its point removed, and its digits
//! converted eight at a time (SWAR, the method of Lemire's "parse_eight_digits_unrolled" in
//! simdjson and fast_float); the value is then `digits / 10^k`, which one IEEE division rounds
//! correctly because both operands are exact (Clinger 1990, the "fast path" of correctly
//! rounded decimal conversion). Everything else (exponents, `+`, thousands separators, more
//! digits, spaces) returns `None` and goes to `fast_float2`, which gives the same value for
//! every cell this accepts (tested below).

/// Each byte `0x30`.
const ZEROS: u64 = 0x3030_3030_3030_3030;
/// Exact powers of ten up to 10⁷ (the most fraction digits eight bytes can hold).
const POW10: [f64; 8] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7];

/// The value of `t` when it is a plain decimal of at most eight bytes: `[-]digits[.digits]`
/// with at least one digit (`5.` and `.5` included, as `fast_float2` reads them).
#[inline(always)]
pub(crate) fn short_decimal(t: &[u8]) -> Option<f64> {
    let (neg, d) = match t {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, t),
    };
    let len = d.len();
    if len == 0 || len > 8 {
        return None;
    }
    let w = load_le(d);
    // the point, if any (one at most): bytes below it stay, bytes above move down one
    let points = zero_bytes(w ^ u64::from_le_bytes([b'.'; 8])) & low_bytes_high_bits(len);
    let (digits, nd, frac) = match points {
        0 => (w, len, 0),
        p if p & (p - 1) == 0 => {
            let at = (p.trailing_zeros() / 8) as usize;
            let below = w & low_mask(at);
            let above = w.checked_shr(8 * (at as u32 + 1)).unwrap_or(0);
            (below | (above << (8 * at)), len - 1, len - 1 - at)
        }
        _ => return None,
    };
    if nd == 0 {
        return None;
    }
    // right-align the digits in eight bytes behind leading zeros
    let pad = 8 - nd;
    let aligned = (digits << (8 * pad)) | (ZEROS & low_mask(pad));
    if !eight_digits(aligned) {
        return None;
    }
    let x = eight_digit_value(aligned) as f64 / POW10[frac];
    Some(if neg { -x } else { x })
}

/// The bytes of `d` (1–8 of them) in a little-endian word, zero above, from fixed-size loads
/// inside the slice (two overlapping ones for 4–7 bytes); 0 for an empty slice.
#[inline(always)]
pub(super) fn load_le(d: &[u8]) -> u64 {
    let len = d.len();
    let u32_at = |i: usize| {
        let mut b = [0u8; 4];
        b.copy_from_slice(&d[i..i + 4]);
        u64::from(u32::from_le_bytes(b))
    };
    match len {
        8 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(d);
            u64::from_le_bytes(b)
        }
        4..=7 => u32_at(0) | (u32_at(len - 4) << (8 * (len - 4))),
        1..=3 => u64::from(d[0]) | (u64::from(d[len / 2]) << (8 * (len / 2))) | (u64::from(d[len - 1]) << (8 * (len - 1))),
        _ => 0,
    }
}

/// Ones in the low `k` bytes (`k` ≤ 8).
#[inline]
fn low_mask(k: usize) -> u64 {
    if k >= 8 { u64::MAX } else { (1u64 << (8 * k)) - 1 }
}

/// The high bit of each of the low `k` bytes.
#[inline]
fn low_bytes_high_bits(k: usize) -> u64 {
    0x8080_8080_8080_8080 & low_mask(k)
}

/// High bit set in each byte of `x` that is zero (exact, no false positives; Mycroft's test,
/// Hacker's Delight §6-1). Shared with the line scanner of `fastcsv`.
#[inline]
pub(super) fn zero_bytes(x: u64) -> u64 {
    const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((x & LO7).wrapping_add(LO7)) | x | LO7)
}

/// All eight bytes are ASCII digits (the check of Lemire's "is_made_of_eight_digits_fast").
#[inline]
fn eight_digits(w: u64) -> bool {
    ((w & 0xF0F0_F0F0_F0F0_F0F0) | ((w.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)) == 0x3333_3333_3333_3333
}

/// The number written by eight ASCII digits, the first (most significant) in the lowest byte:
/// pairs, then quadruples, then the two halves combined by multiply-shift.
#[inline]
fn eight_digit_value(w: u64) -> u64 {
    let v = w.wrapping_sub(ZEROS);
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let pairs = v & 0x0000_00FF_0000_00FF;
    let next = (v >> 16) & 0x0000_00FF_0000_00FF;
    (pairs.wrapping_mul(100 + (1_000_000 << 32)).wrapping_add(next.wrapping_mul(1 + (10_000 << 32)))) >> 32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(t: &str) -> Option<f64> {
        fast_float2::parse::<f64, _>(t).ok()
    }

    #[test]
    fn reads_what_gauges_write() {
        for (t, want) in [("74.0081", 74.0081), ("1", 1.0), ("-3", -3.0), (".5", 0.5), ("5.", 5.0), ("007", 7.0), ("12345678", 12345678.0), ("-1234567", -1234567.0), ("0.000001", 1e-6), ("-.25", -0.25)] {
            assert_eq!(short_decimal(t.as_bytes()), Some(want), "{t}");
        }
        assert_eq!(short_decimal(b"-0").map(f64::to_bits), Some((-0.0f64).to_bits()));
    }

    #[test]
    fn leaves_the_rest_to_the_general_parser() {
        for t in ["", "-", ".", "-.", "1.2.3", "1e5", "+5", "--5", " 5", "5 ", "123456789", "1,5", "0x10", "inf", "NaN", "1-2", "12.34567890"] {
            assert_eq!(short_decimal(t.as_bytes()), None, "{t}");
        }
    }

    #[test]
    fn digit_words() {
        assert!(eight_digits(u64::from_le_bytes(*b"01234567")));
        assert!(!eight_digits(u64::from_le_bytes(*b"0123456/")));
        assert!(!eight_digits(u64::from_le_bytes(*b":1234567")));
        assert_eq!(eight_digit_value(u64::from_le_bytes(*b"12345678")), 12_345_678);
        assert_eq!(eight_digit_value(u64::from_le_bytes(*b"00000009")), 9);
        for len in 1..=8 {
            let d = &b"abcdefgh"[..len];
            let mut b = [0u8; 8];
            b[..len].copy_from_slice(d);
            assert_eq!(load_le(d), u64::from_le_bytes(b), "len {len}");
        }
    }

    proptest! {
        /// Every cell accepted gets exactly fast_float2's value; every plain decimal of at most
        /// eight bytes is accepted.
        #[test]
        fn agrees_with_fast_float(t in "[-+]?[0-9.e ]{0,9}") {
            if let Some(x) = short_decimal(t.as_bytes()) {
                prop_assert_eq!(Some(x.to_bits()), reference(&t).map(f64::to_bits), "{}", t);
            }
            let body = t.strip_prefix('-').unwrap_or(&t);
            let plain = !body.is_empty() && body.len() <= 8 && body.bytes().all(|c| c.is_ascii_digit() || c == b'.')
                && body.matches('.').count() <= 1 && body.bytes().any(|c| c.is_ascii_digit());
            prop_assert_eq!(short_decimal(t.as_bytes()).is_some(), plain, "{}", t);
        }

        #[test]
        fn random_readings_round_trip(m in 0u64..100_000_000, k in 0usize..8, neg: bool) {
            let digits = format!("{m:0>width$}", width = k + 1);
            let (int, frac) = digits.split_at(digits.len() - k);
            let t = format!("{}{}{}{}", if neg { "-" } else { "" }, int, if k > 0 { "." } else { "" }, frac);
            if t.trim_start_matches('-').len() <= 8 {
                prop_assert_eq!(short_decimal(t.as_bytes()).map(f64::to_bits), reference(&t).map(f64::to_bits), "{}", t);
            }
        }
    }
}

//! Deterministic pseudo-random data for unit tests: Marsaglia's xorshift64 (J. Stat. Softw.
//! 8(14), 2003, shifts 13/7/17), so every machine draws the same numbers without extra crates.

/// A xorshift64 generator.
pub(crate) struct Xorshift(u64);

impl Xorshift {
    /// A generator from a non-zero seed (0 would stay 0; it is replaced by 1).
    pub(crate) fn new(seed: u64) -> Self {
        Xorshift(seed.max(1))
    }
    /// The next 64 raw bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform on (0, 1): (k + ½)/2⁵³ from the top 53 bits, never 0 or 1 (safe under `ln`).
    pub(crate) fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Standard normal by Box–Muller (cosine branch; two uniforms per value).
    pub(crate) fn normal(&mut self) -> f64 {
        let (r, a) = (self.uniform(), self.uniform());
        (-2.0 * r.ln()).sqrt() * (std::f64::consts::TAU * a).cos()
    }
}

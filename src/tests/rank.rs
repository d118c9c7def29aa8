//! Rank tests: Mann–Whitney (Wilcoxon rank sum), Wilcoxon signed rank, Kruskal–Wallis, with
//! the Hodges–Lehmann estimates and their distribution-free intervals.
//!
//! Conventions (../shared/reference/CONVENTIONS.md, "test"): p-values follow R's
//! `wilcox.test(exact = FALSE, correct = TRUE)` (normal approximation with tie and continuity
//! corrections) and `kruskal.test`; the exact null distributions (no ties, samples below 50,
//! R's rule) are reported beside them. Hodges–Lehmann estimates follow Minitab: the median of
//! all pairwise differences (two samples) and the median of all Walsh averages (one sample,
//! zeros included). Intervals: Hollander & Wolfe, *Nonparametric Statistical Methods* 3e,
//! §3.3 and §4.3 (order statistics of the Walsh averages / pairwise differences picked by the
//! null distribution of the rank statistic; Bauer 1972, JASA 67, 687–690).

use super::alternative::Alternative;
use crate::num::normal::{pnorm, qnorm};
use crate::error::{QceError, Result};
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Samples below this size (each, with no ties) also get the exact null distribution (R's rule).
pub const EXACT_LIMIT: usize = 50;

/// Result of the Mann–Whitney test of two independent samples.
#[derive(Debug, Clone, Serialize)]
pub struct MannWhitney {
    /// Size of the first sample.
    pub n1: usize,
    /// Size of the second sample.
    pub n2: usize,
    /// Median of the first sample.
    pub median1: f64,
    /// Median of the second sample.
    pub median2: f64,
    /// W = rank sum of the first sample in the pooled ranking (Minitab's W).
    pub rank_sum: f64,
    /// U = W − n1(n1+1)/2 (R's W statistic).
    pub u: f64,
    /// Standardised statistic with tie and continuity corrections (R's z).
    pub z: f64,
    /// p-value of the normal approximation (R `exact = FALSE, correct = TRUE`).
    pub p_value: f64,
    /// Exact p-value (no ties and both samples < 50), else `None`.
    pub exact_p_value: Option<f64>,
    /// Hodges–Lehmann shift: median of all differences x_i − y_j.
    pub estimate: f64,
    /// Interval for the shift (`None` for an infinite bound of a one-sided interval).
    pub ci: [Option<f64>; 2],
    /// Confidence actually achieved by the order statistics chosen.
    pub achieved_conf: f64,
    /// "exact" or "normal": how the interval's order statistics were chosen.
    pub ci_method: &'static str,
    /// Whether the pooled data hold ties.
    pub ties: bool,
}

/// Result of the Wilcoxon signed-rank test (one sample against `mu`, or paired differences).
#[derive(Debug, Clone, Serialize)]
pub struct SignedRank {
    /// Number of values (all, zeros included).
    pub n: usize,
    /// Values used by the test: those differing from mu.
    pub n_nonzero: usize,
    /// Hypothesised median.
    pub mu: f64,
    /// Sample median.
    pub median: f64,
    /// V = sum of the ranks of |x − mu| over x > mu (R's V).
    pub v: f64,
    /// Standardised statistic with tie and continuity corrections.
    pub z: f64,
    /// p-value of the normal approximation (R `exact = FALSE, correct = TRUE`).
    pub p_value: f64,
    /// Exact p-value (no ties, no zeros, n < 50), else `None`.
    pub exact_p_value: Option<f64>,
    /// Hodges–Lehmann location: median of the Walsh averages of all values.
    pub estimate: f64,
    /// Interval for the median (`None` for an infinite bound).
    pub ci: [Option<f64>; 2],
    /// Confidence actually achieved by the order statistics chosen.
    pub achieved_conf: f64,
    /// "exact" or "normal".
    pub ci_method: &'static str,
    /// Whether |x − mu| holds ties.
    pub ties: bool,
}

/// One group of a Kruskal–Wallis test.
#[derive(Debug, Clone, Serialize)]
pub struct KruskalGroup {
    /// Number of values.
    pub n: usize,
    /// Median.
    pub median: f64,
    /// Mean rank in the pooled ranking.
    pub mean_rank: f64,
    /// Minitab's z of the group: (mean rank − (N+1)/2) / sqrt((N+1)(N/n − 1)/12).
    pub z: f64,
}

/// Result of the Kruskal–Wallis test.
#[derive(Debug, Clone, Serialize)]
pub struct Kruskal {
    /// H corrected for ties (R `kruskal.test`).
    pub h: f64,
    /// H without the tie correction.
    pub h_uncorrected: f64,
    /// Degrees of freedom, groups − 1.
    pub df: usize,
    /// χ² upper-tail p-value.
    pub p_value: f64,
    /// Per-group summaries, in input order.
    pub groups: Vec<KruskalGroup>,
}

fn too_few(what: &str) -> QceError {
    QceError::analysis(format!("{what}: too few values for the test. Collect more data or check the columns chosen."))
}

fn check_finite(xs: &[f64], what: &str) -> Result<()> {
    if xs.iter().any(|v| !v.is_finite()) {
        return Err(QceError::analysis(format!("{what}: values must be finite numbers")));
    }
    Ok(())
}

fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    if v.len() > 100_000 {
        use rayon::slice::ParallelSliceMut;
        v.par_sort_unstable_by(f64::total_cmp);
    } else {
        v.sort_unstable_by(f64::total_cmp);
    }
    v
}

/// Mann–Whitney test of `x` against `y` (Hollander & Wolfe §4.1; R `wilcox.test`).
pub fn mann_whitney(x: &[f64], y: &[f64], alternative: Alternative, conf: f64) -> Result<MannWhitney> {
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 {
        return Err(too_few("Mann-Whitney needs at least one value in each group"));
    }
    check_finite(x, "Mann-Whitney")?;
    check_finite(y, "Mann-Whitney")?;
    let xs = sorted(x);
    let ys = sorted(y);
    let (rank_sum, tie_term) = merged_rank_sum(&xs, &ys);
    let (m, n, big_n) = (n1 as f64, n2 as f64, (n1 + n2) as f64);
    let u = rank_sum - m * (m + 1.0) / 2.0;
    // R: sigma = sqrt(n1 n2/12 ((N+1) − Σ(t³−t)/(N(N−1)))).
    let var = m * n / 12.0 * ((big_n + 1.0) - tie_term / (big_n * (big_n - 1.0)));
    if var <= 0.0 {
        return Err(QceError::analysis("Mann-Whitney: all values are equal, so the groups cannot be ranked apart."));
    }
    let centred = u - m * n / 2.0;
    let z = (centred - alternative.continuity(centred)) / var.sqrt();
    let p_value = alternative.normal_p(z);
    let ties = tie_term > 0.0;
    let exact = (!ties && n1 < EXACT_LIMIT && n2 < EXACT_LIMIT).then(|| rank_sum_distribution(n1, n2));
    let exact_p_value = exact.as_ref().map(|d| discrete_p(d, u.round() as usize, alternative));
    let diffs = PairwiseDifferences { x: &xs, y: &ys };
    let total = (n1 as u64) * (n2 as u64);
    let estimate = median_of(&diffs, total);
    let alpha_tail = tail_alpha(conf, alternative);
    let (c, achieved, method) = match &exact {
        Some(d) if n1 < EXACT_LIMIT && n2 < EXACT_LIMIT => {
            let (c, tail) = exact_index(d, alpha_tail);
            (c, 1.0 - tail * tails(alternative), "exact")
        }
        _ => {
            let sd = (m * n * (big_n + 1.0) / 12.0).sqrt();
            normal_index(total as f64, sd, alpha_tail, alternative)
        }
    };
    let ci = order_interval(&diffs, total, c, alternative);
    Ok(MannWhitney {
        n1,
        n2,
        median1: crate::num::median_sorted(&xs),
        median2: crate::num::median_sorted(&ys),
        rank_sum,
        u,
        z,
        p_value,
        exact_p_value,
        estimate,
        ci,
        achieved_conf: achieved,
        ci_method: method,
        ties,
    })
}

/// Wilcoxon signed-rank test of `x` (already differences for paired data) against `mu`
/// (Hollander & Wolfe §3.1; R `wilcox.test`: zeros dropped, ranks of |x − mu| with ties averaged).
pub fn signed_rank(x: &[f64], mu: f64, alternative: Alternative, conf: f64) -> Result<SignedRank> {
    check_finite(x, "Wilcoxon")?;
    if !mu.is_finite() {
        return Err(QceError::usage("Wilcoxon: --mu must be a finite number"));
    }
    let n = x.len();
    if n == 0 {
        return Err(too_few("Wilcoxon"));
    }
    let shifted: Vec<f64> = x.iter().map(|v| v - mu).filter(|d| *d != 0.0).collect();
    let nz = shifted.len();
    if nz == 0 {
        return Err(QceError::analysis(format!("Wilcoxon: every value equals {mu}; nothing to test.")));
    }
    let mut abs_sorted: Vec<(f64, bool)> = shifted.iter().map(|d| (d.abs(), *d > 0.0)).collect();
    abs_sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let (mut v, mut tie_term, mut i) = (0.0f64, 0.0f64, 0usize);
    while i < nz {
        let mut j = i + 1;
        while j < nz && abs_sorted[j].0 == abs_sorted[i].0 {
            j += 1;
        }
        let t = (j - i) as f64;
        let avg = (i + j + 1) as f64 / 2.0;
        v += avg * abs_sorted[i..j].iter().filter(|p| p.1).count() as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    let k = nz as f64;
    // R: sigma = sqrt(n(n+1)(2n+1)/24 − Σ(t³−t)/48).
    let var = k * (k + 1.0) * (2.0 * k + 1.0) / 24.0 - tie_term / 48.0;
    let centred = v - k * (k + 1.0) / 4.0;
    let z = if var > 0.0 { (centred - alternative.continuity(centred)) / var.sqrt() } else { 0.0 };
    let p_value = if var > 0.0 { alternative.normal_p(z) } else { 1.0 };
    let ties = tie_term > 0.0;
    let exact_ok = !ties && nz == n && n < EXACT_LIMIT;
    let exact_p_value = exact_ok.then(|| discrete_p(&signed_rank_distribution(nz), v.round() as usize, alternative));
    let xs = sorted(x);
    let walsh = WalshSums { x: &xs };
    let total = (n as u64) * (n as u64 + 1) / 2;
    let estimate = median_of(&walsh, total);
    let alpha_tail = tail_alpha(conf, alternative);
    let (c, achieved, method) = if n < EXACT_LIMIT {
        let (c, tail) = exact_index(&signed_rank_distribution(n), alpha_tail);
        (c, 1.0 - tail * tails(alternative), "exact")
    } else {
        let nf = n as f64;
        normal_index(total as f64, (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0).sqrt(), alpha_tail, alternative)
    };
    let ci = order_interval(&walsh, total, c, alternative);
    Ok(SignedRank {
        n,
        n_nonzero: nz,
        mu,
        median: crate::num::median_sorted(&xs),
        v,
        z,
        p_value,
        exact_p_value,
        estimate,
        ci,
        achieved_conf: achieved,
        ci_method: method,
        ties,
    })
}

/// Kruskal–Wallis test of k groups (Hollander & Wolfe §6.1; R `kruskal.test`, tie-corrected H).
pub fn kruskal(groups: &[&[f64]]) -> Result<Kruskal> {
    let k = groups.len();
    if k < 2 {
        return Err(QceError::analysis("Kruskal-Wallis needs at least two groups with data."));
    }
    if groups.iter().any(|g| g.is_empty()) {
        return Err(too_few("Kruskal-Wallis: every group needs at least one value"));
    }
    let mut pooled: Vec<(f64, usize)> = Vec::with_capacity(groups.iter().map(|g| g.len()).sum());
    for (gi, g) in groups.iter().enumerate() {
        check_finite(g, "Kruskal-Wallis")?;
        pooled.extend(g.iter().map(|v| (*v, gi)));
    }
    pooled.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let big_n = pooled.len();
    let mut rank_sums = vec![0.0f64; k];
    let mut tie_term = 0.0f64;
    let mut i = 0usize;
    while i < big_n {
        let mut j = i + 1;
        while j < big_n && pooled[j].0 == pooled[i].0 {
            j += 1;
        }
        let t = (j - i) as f64;
        let avg = (i + j + 1) as f64 / 2.0;
        for p in &pooled[i..j] {
            rank_sums[p.1] += avg;
        }
        tie_term += t * t * t - t;
        i = j;
    }
    let nf = big_n as f64;
    let sum_sq: f64 = rank_sums.iter().zip(groups).map(|(r, g)| r * r / g.len() as f64).sum();
    let h_uncorrected = 12.0 / (nf * (nf + 1.0)) * sum_sq - 3.0 * (nf + 1.0);
    let correction = 1.0 - tie_term / (nf * nf * nf - nf);
    if correction <= 0.0 {
        return Err(QceError::analysis("Kruskal-Wallis: all values are equal, so the groups cannot be ranked apart."));
    }
    let h = h_uncorrected / correction;
    let df = k - 1;
    let p_value = ChiSquared::new(df as f64).map(|c| c.sf(h)).unwrap_or(f64::NAN);
    let groups_out = groups
        .iter()
        .zip(&rank_sums)
        .map(|(g, r)| {
            let ni = g.len() as f64;
            let mean_rank = r / ni;
            let sd = ((nf + 1.0) * (nf / ni - 1.0) / 12.0).sqrt();
            let z = if sd > 0.0 { (mean_rank - (nf + 1.0) / 2.0) / sd } else { 0.0 };
            KruskalGroup { n: g.len(), median: crate::num::median(g), mean_rank, z }
        })
        .collect();
    Ok(Kruskal { h, h_uncorrected, df, p_value, groups: groups_out })
}

/// Rank sum of sorted `x` in the pooled ranking of sorted `x` and `y` (average ranks for
/// ties), and the tie term Σ(t³ − t) over tie groups.
fn merged_rank_sum(xs: &[f64], ys: &[f64]) -> (f64, f64) {
    let (mut i, mut j, mut pos) = (0usize, 0usize, 0usize);
    let (mut rank_sum, mut tie_term) = (0.0f64, 0.0f64);
    while i < xs.len() || j < ys.len() {
        let v = match (xs.get(i), ys.get(j)) {
            (Some(a), Some(b)) => a.min(*b),
            (Some(a), None) => *a,
            (None, Some(b)) => *b,
            (None, None) => break,
        };
        let i0 = i;
        while i < xs.len() && xs[i] == v {
            i += 1;
        }
        let j0 = j;
        while j < ys.len() && ys[j] == v {
            j += 1;
        }
        let (a, t) = (i - i0, (i - i0) + (j - j0));
        let avg = pos as f64 + (t as f64 + 1.0) / 2.0;
        rank_sum += a as f64 * avg;
        let tf = t as f64;
        tie_term += tf * tf * tf - tf;
        pos += t;
    }
    (rank_sum, tie_term)
}

/// Null distribution of U = W − n1(n1+1)/2 without ties: probabilities of u = 0..=n1·n2, from
/// the generating function Π_{i=1..n1} (1 − q^{n2+i}) / (1 − q^i) (Gaussian binomial
/// coefficient; Hollander & Wolfe §4.1), in exact integer arithmetic.
pub fn rank_sum_distribution(n1: usize, n2: usize) -> Vec<f64> {
    let top = n1 * n2;
    let mut c = vec![0i128; top + 1];
    c[0] = 1;
    for i in 1..=n1 {
        let up = n2 + i;
        for s in (up..=top).rev() {
            c[s] -= c[s - up];
        }
        for s in i..=top {
            c[s] += c[s - i];
        }
    }
    let total: f64 = c.iter().map(|v| *v as f64).sum();
    c.iter().map(|v| *v as f64 / total).collect()
}

/// Null distribution of the signed-rank statistic V for n values without ties or zeros:
/// probabilities of v = 0..=n(n+1)/2 from Π_{i=1..n} (1 + q^i) (Hollander & Wolfe §3.1).
pub fn signed_rank_distribution(n: usize) -> Vec<f64> {
    let top = n * (n + 1) / 2;
    let mut c = vec![0u128; top + 1];
    c[0] = 1;
    for i in 1..=n {
        for s in (i..=top).rev() {
            c[s] += c[s - i];
        }
    }
    let total = 2f64.powi(n as i32);
    c.iter().map(|v| *v as f64 / total).collect()
}

/// p-value of an observed value `obs` of a discrete statistic with probabilities `dist` over
/// 0..: less = P(S ≤ obs), greater = P(S ≥ obs), two-sided = min(1, 2·min of both) (R).
pub fn discrete_p(dist: &[f64], obs: usize, alternative: Alternative) -> f64 {
    let obs = obs.min(dist.len().saturating_sub(1));
    let lower: f64 = dist[..=obs].iter().sum();
    let upper: f64 = dist[obs..].iter().sum();
    match alternative {
        Alternative::TwoSided => (2.0 * lower.min(upper)).min(1.0),
        Alternative::Less => lower.min(1.0),
        Alternative::Greater => upper.min(1.0),
    }
}

fn tails(alternative: Alternative) -> f64 {
    if alternative == Alternative::TwoSided { 2.0 } else { 1.0 }
}

fn tail_alpha(conf: f64, alternative: Alternative) -> f64 {
    (1.0 - conf) / tails(alternative)
}

/// Largest c with P(S ≤ c − 1) ≤ `alpha_tail`; returns c and that tail probability
/// (Bauer 1972: the interval [D_(c), D_(N+1−c)] has coverage 1 − 2·P(S ≤ c − 1)). c = 0: the
/// samples are too small for any finite interval at this level.
fn exact_index(dist: &[f64], alpha_tail: f64) -> (u64, f64) {
    let mut cum = 0.0f64;
    let mut c = 0usize;
    while c < dist.len() && cum + dist[c] <= alpha_tail * (1.0 + 1e-12) {
        cum += dist[c];
        c += 1;
    }
    (c as u64, cum)
}

/// Normal approximation of the order-statistic index (Hollander & Wolfe (4.41)):
/// c = ⌊N/2 + ½ − z·σ⌋ (0: no finite interval); achieved coverage 1 − tails·Φ((c − ½ − N/2)/σ).
fn normal_index(total: f64, sd: f64, alpha_tail: f64, alternative: Alternative) -> (u64, f64, &'static str) {
    let z = qnorm(1.0 - alpha_tail);
    let c = (total / 2.0 + 0.5 - z * sd).floor().max(0.0);
    let tail = pnorm((c - 0.5 - total / 2.0) / sd);
    (c as u64, 1.0 - tails(alternative) * tail, "normal")
}

fn order_interval(m: &impl SortedMatrix, total: u64, c: u64, alternative: Alternative) -> [Option<f64>; 2] {
    if c == 0 {
        return [None, None]; // too few values for a finite interval at this confidence
    }
    let c = c.min(total);
    let low = || Some(select_kth(m, c));
    let high = || Some(select_kth(m, total + 1 - c));
    match alternative {
        Alternative::TwoSided => [low(), high()],
        Alternative::Less => [None, high()],
        Alternative::Greater => [low(), None],
    }
}

/// An implicit matrix of `rows × cols` values, non-decreasing along rows and along columns,
/// of which row r holds the entries at columns `start(r)..cols`: the pairwise differences and
/// the Walsh sums, never materialised (n1·n2 can be 2.5·10¹³).
pub trait SortedMatrix {
    /// Number of rows.
    fn rows(&self) -> usize;
    /// Number of columns of the full matrix.
    fn cols(&self) -> usize;
    /// First column belonging to the set in row r.
    fn start(&self, r: usize) -> usize;
    /// The entry at (r, c), for any c in 0..cols (also left of `start`).
    fn at(&self, r: usize, c: usize) -> f64;
    /// Map an entry to the reported value (Walsh sums are halved).
    fn value(&self, v: f64) -> f64 {
        v
    }
}

/// x_i − y_j with x ascending and y read descending, so both directions are non-decreasing.
struct PairwiseDifferences<'a> {
    x: &'a [f64],
    y: &'a [f64],
}

impl SortedMatrix for PairwiseDifferences<'_> {
    fn rows(&self) -> usize {
        self.x.len()
    }
    fn cols(&self) -> usize {
        self.y.len()
    }
    fn start(&self, _r: usize) -> usize {
        0
    }
    fn at(&self, r: usize, c: usize) -> f64 {
        self.x[r] - self.y[self.y.len() - 1 - c]
    }
}

/// x_i + x_j for i ≤ j (x ascending): twice the Walsh averages.
struct WalshSums<'a> {
    x: &'a [f64],
}

impl SortedMatrix for WalshSums<'_> {
    fn rows(&self) -> usize {
        self.x.len()
    }
    fn cols(&self) -> usize {
        self.x.len()
    }
    fn start(&self, r: usize) -> usize {
        r
    }
    fn at(&self, r: usize, c: usize) -> f64 {
        self.x[r] + self.x[c]
    }
    fn value(&self, v: f64) -> f64 {
        v / 2.0
    }
}

/// Per row, the first column (clamped to the row's start) whose entry is ≥ p (`strict` false)
/// or > p (`strict` true): a staircase walk in O(rows + cols).
fn split_counts(m: &impl SortedMatrix, p: f64, strict: bool, out: &mut [usize]) -> u64 {
    let mut c = m.cols();
    let mut count = 0u64;
    for (r, slot) in out.iter_mut().enumerate() {
        while c > 0 && if strict { m.at(r, c - 1) > p } else { m.at(r, c - 1) >= p } {
            c -= 1;
        }
        let s = m.start(r);
        let pos = c.max(s);
        *slot = pos;
        count += (pos - s) as u64;
    }
    count
}

/// Median of the matrix's set of `total` entries (mean of the two middle ones when even).
fn median_of(m: &impl SortedMatrix, total: u64) -> f64 {
    if total % 2 == 1 {
        select_kth(m, total.div_ceil(2))
    } else {
        let (a, b) = select_pair(m, total / 2);
        (a + b) / 2.0
    }
}

/// The k-th smallest (1-based) entry, reported through `value`.
pub fn select_kth(m: &impl SortedMatrix, k: u64) -> f64 {
    m.value(select_raw(m, k))
}

/// The k-th and (k+1)-th smallest entries (the latter found in one staircase walk).
fn select_pair(m: &impl SortedMatrix, k: u64) -> (f64, f64) {
    let a = select_raw(m, k);
    let mut pos = vec![0usize; m.rows()];
    let leq = split_counts(m, a, true, &mut pos);
    let b = if leq > k {
        a
    } else {
        (0..m.rows()).filter(|&r| pos[r] < m.cols()).map(|r| m.at(r, pos[r])).fold(f64::INFINITY, f64::min)
    };
    (m.value(a), m.value(b))
}

/// Selection in a sorted matrix (Monahan 1984, ACM TOMS Algorithm 616; Johnson & Mizoguchi
/// 1978), with Floyd & Rivest's (1975, CACM 18) sampled pivot pairs: keep per row the window of
/// candidates; each round draw a random sample of candidates, take two sample order
/// statistics that bracket the target rank, count the entries below and at them with two
/// staircase walks and shrink the windows to the entries between them. Each round costs
/// O(rows + cols) and cuts the candidates by a factor of about 20, so 2.5·10¹³ pairwise
/// differences need about seven rounds. A round that cannot shrink (heavy ties) falls back to
/// a single random pivot with a three-way split.
fn select_raw(m: &impl SortedMatrix, k: u64) -> f64 {
    let rows = m.rows();
    let mut lo: Vec<usize> = (0..rows).map(|r| m.start(r)).collect();
    let mut hi: Vec<usize> = vec![m.cols(); rows];
    let mut pos_a = vec![0usize; rows];
    let mut pos_b = vec![0usize; rows];
    let mut cum = vec![0u64; rows];
    let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ k;
    let small = (rows + m.cols()).clamp(1024, 1 << 20) as u64;
    const SAMPLE: usize = 4096;
    loop {
        let mut active = 0u64;
        let mut below = 0u64;
        for r in 0..rows {
            active += (hi[r] - lo[r]) as u64;
            cum[r] = active;
            below += (lo[r] - m.start(r)) as u64;
        }
        if active <= small {
            let mut cand: Vec<f64> = Vec::with_capacity(active as usize);
            for r in 0..rows {
                cand.extend((lo[r]..hi[r]).map(|c| m.at(r, c)));
            }
            cand.sort_unstable_by(f64::total_cmp);
            let idx = (k.saturating_sub(below + 1) as usize).min(cand.len().saturating_sub(1));
            return cand.get(idx).copied().unwrap_or(f64::NAN);
        }
        // The u-th active entry (0-based), found by binary search on the window sizes.
        let entry = |u: u64| {
            let r = cum.partition_point(|&c| c <= u);
            let before = if r == 0 { 0 } else { cum[r - 1] };
            m.at(r, lo[r] + (u - before) as usize)
        };
        let mut sample: Vec<f64> = (0..SAMPLE).map(|_| entry(splitmix(&mut rng) % active)).collect();
        sample.sort_unstable_by(f64::total_cmp);
        let q = (k - below) as f64 / active as f64 * SAMPLE as f64;
        let spread = 3.0 * (SAMPLE as f64).sqrt();
        let ia = ((q - spread).floor().max(0.0) as usize).min(SAMPLE - 1);
        let ib = ((q + spread).ceil().max(0.0) as usize).min(SAMPLE - 1);
        let (a, b) = (sample[ia], sample[ib]);
        // Drawn now, used only if this round makes no progress (then the windows are unchanged).
        let fallback = entry(splitmix(&mut rng) % active);
        let less_a = split_counts(m, a, false, &mut pos_a);
        let leq_b = split_counts(m, b, true, &mut pos_b);
        let old = active;
        if k <= less_a {
            for r in 0..rows {
                hi[r] = hi[r].min(pos_a[r]);
            }
        } else if k > leq_b {
            for r in 0..rows {
                lo[r] = lo[r].max(pos_b[r]);
            }
        } else {
            if a == b {
                return a;
            }
            for r in 0..rows {
                lo[r] = lo[r].max(pos_a[r]);
                hi[r] = hi[r].min(pos_b[r]);
            }
        }
        let now: u64 = lo.iter().zip(&hi).map(|(a, b)| (b - a) as u64).sum();
        if now == old {
            // No progress (ties): one random pivot, three-way split.
            let pivot = fallback;
            let less = split_counts(m, pivot, false, &mut pos_a);
            let leq = split_counts(m, pivot, true, &mut pos_b);
            if k <= less {
                for r in 0..rows {
                    hi[r] = hi[r].min(pos_a[r]);
                }
            } else if k > leq {
                for r in 0..rows {
                    lo[r] = lo[r].max(pos_b[r]);
                }
            } else {
                return pivot;
            }
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a deterministic pivot stream.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute_diffs(x: &[f64], y: &[f64]) -> Vec<f64> {
        let mut d: Vec<f64> = x.iter().flat_map(|a| y.iter().map(move |b| a - b)).collect();
        d.sort_by(f64::total_cmp);
        d
    }

    #[test]
    fn selection_matches_brute_force() {
        let mut s = 7u64;
        for trial in 0..40 {
            let n1 = 1 + (splitmix(&mut s) % 60) as usize;
            let n2 = 1 + (splitmix(&mut s) % 70) as usize;
            let x: Vec<f64> = (0..n1).map(|_| (splitmix(&mut s) % 20) as f64 / 4.0).collect();
            let y: Vec<f64> = (0..n2).map(|_| (splitmix(&mut s) % 25) as f64 / 4.0).collect();
            let (xs, ys) = (sorted(&x), sorted(&y));
            let m = PairwiseDifferences { x: &xs, y: &ys };
            let d = brute_diffs(&x, &y);
            for k in [1u64, 2, d.len() as u64 / 3, d.len() as u64 / 2 + 1, d.len() as u64] {
                let k = k.max(1);
                assert_eq!(select_kth(&m, k), d[k as usize - 1], "trial {trial} k {k}");
            }
            let w = WalshSums { x: &xs };
            let mut wa: Vec<f64> = Vec::new();
            for i in 0..n1 {
                for j in i..n1 {
                    wa.push((xs[i] + xs[j]) / 2.0);
                }
            }
            wa.sort_by(f64::total_cmp);
            for k in [1u64, wa.len() as u64 / 2 + 1, wa.len() as u64] {
                assert_eq!(select_kth(&w, k.max(1)), wa[k.max(1) as usize - 1]);
            }
        }
    }

    #[test]
    fn large_selection_is_exact() {
        // 2000 x 1500 = 3e6 differences, far above the brute-force cut-off of the selection.
        let x: Vec<f64> = (0..2000).map(|i| ((i * 7919) % 2003) as f64 * 0.37).collect();
        let y: Vec<f64> = (0..1500).map(|i| ((i * 104729) % 1511) as f64 * 0.53).collect();
        let d = brute_diffs(&x, &y);
        let (xs, ys) = (sorted(&x), sorted(&y));
        let m = PairwiseDifferences { x: &xs, y: &ys };
        for k in [1u64, 12345, 1_500_000, 1_500_001, 2_999_999, 3_000_000] {
            assert_eq!(select_kth(&m, k), d[k as usize - 1]);
        }
        assert_eq!(median_of(&m, d.len() as u64), (d[1_499_999] + d[1_500_000]) / 2.0);
    }

    #[test]
    fn exact_distributions_sum_to_one_and_are_symmetric() {
        let d = rank_sum_distribution(7, 9);
        assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-14);
        for u in 0..d.len() {
            assert!((d[u] - d[d.len() - 1 - u]).abs() < 1e-16);
        }
        let s = signed_rank_distribution(10);
        assert_eq!(s.len(), 56);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    }
    use serde_json::Value;

    fn close(got: f64, want: f64, rel: f64, what: &str) {
        assert!((got - want).abs() <= rel * want.abs().max(1e-300) + 1e-15, "{what}: got {got:e}, want {want:e}");
    }

    fn floats(v: &Value) -> Vec<f64> {
        v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
    }

    /// fixtures/tests_rank/mann_whitney.json: R wilcox.test (calls in each entry and in make_fixtures.R).
    #[test]
    fn mann_whitney_matches_r_fixtures() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../fixtures/tests_rank/mann_whitney.json")).unwrap();
        for c in &cases {
            let call = c["call"].as_str().unwrap();
            let alt = Alternative::parse(c["alternative"].as_str().unwrap()).unwrap();
            let r = mann_whitney(&floats(&c["x"]), &floats(&c["y"]), alt, 0.95).unwrap();
            close(r.u, c["u"].as_f64().unwrap(), 1e-14, call);
            close(r.p_value, c["p_value"].as_f64().unwrap(), 1e-12, call);
            close(r.estimate, c["estimate"].as_f64().unwrap(), 1e-12, call);
            if let Some(p) = c["exact_p_value"].as_f64() {
                close(r.exact_p_value.unwrap(), p, 1e-12, call);
                let ci = &c["exact_ci"];
                for (k, b) in r.ci.iter().enumerate() {
                    match ci[k].as_f64() {
                        Some(w) => close(b.unwrap(), w, 1e-12, call),
                        None => assert!(b.is_none(), "{call}"),
                    }
                }
            } else {
                assert!(r.exact_p_value.is_none(), "{call}");
            }
        }
    }

    /// fixtures/tests_rank/signed_rank.json: R wilcox.test one-sample / paired.
    #[test]
    fn signed_rank_matches_r_fixtures() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../fixtures/tests_rank/signed_rank.json")).unwrap();
        for c in &cases {
            let call = c["call"].as_str().unwrap();
            let alt = Alternative::parse(c["alternative"].as_str().unwrap()).unwrap();
            let r = signed_rank(&floats(&c["x"]), c["mu"].as_f64().unwrap(), alt, 0.95).unwrap();
            close(r.v, c["v"].as_f64().unwrap(), 1e-14, call);
            close(r.p_value, c["p_value"].as_f64().unwrap(), 1e-12, call);
            close(r.estimate, c["estimate"].as_f64().unwrap(), 1e-12, call);
            if let Some(p) = c["exact_p_value"].as_f64() {
                close(r.exact_p_value.unwrap(), p, 1e-12, call);
                let ci = &c["exact_ci"];
                for (k, b) in r.ci.iter().enumerate() {
                    match ci[k].as_f64() {
                        Some(w) => close(b.unwrap(), w, 1e-12, call),
                        None => assert!(b.is_none(), "{call}"),
                    }
                }
            }
        }
    }

    /// fixtures/tests_rank/exact_distributions.json: R dwilcox / dsignrank.
    #[test]
    fn exact_distributions_match_r() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../fixtures/tests_rank/exact_distributions.json")).unwrap();
        for c in &cases {
            let call = c["call"].as_str().unwrap();
            let (m, n) = (c["m"].as_u64().unwrap() as usize, c["n"].as_u64().unwrap() as usize);
            let got = if n == 0 { signed_rank_distribution(m) } else { rank_sum_distribution(m, n) };
            let want = floats(&c["p"]);
            assert_eq!(got.len(), want.len(), "{call}");
            for (g, w) in got.iter().zip(&want) {
                close(*g, *w, 1e-13, call);
            }
        }
    }

    /// fixtures/tests_rank/kruskal.json: R kruskal.test.
    #[test]
    fn kruskal_matches_r_fixtures() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../fixtures/tests_rank/kruskal.json")).unwrap();
        for c in &cases {
            let call = c["call"].as_str().unwrap();
            let groups: Vec<Vec<f64>> = c["groups"].as_array().unwrap().iter().map(floats).collect();
            let slices: Vec<&[f64]> = groups.iter().map(Vec::as_slice).collect();
            let r = kruskal(&slices).unwrap();
            close(r.h, c["statistic"].as_f64().unwrap(), 1e-12, call);
            assert_eq!(r.df as u64, c["df"].as_u64().unwrap());
            close(r.p_value, c["p_value"].as_f64().unwrap(), 1e-12, call);
        }
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn sample(max: usize) -> impl Strategy<Value = Vec<f64>> {
            // Values on a 0.5 grid so that ties occur often.
            prop::collection::vec((0i32..40).prop_map(|v| v as f64 / 2.0), 1..max)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            #[test]
            fn mann_whitney_swap(x in sample(30), y in sample(30)) {
                let all_equal = x.iter().chain(&y).all(|v| *v == x[0]);
                prop_assume!(!all_equal);
                let a = mann_whitney(&x, &y, Alternative::TwoSided, 0.95).unwrap();
                let b = mann_whitney(&y, &x, Alternative::TwoSided, 0.95).unwrap();
                prop_assert!((a.z + b.z).abs() < 1e-12);
                prop_assert!((a.estimate + b.estimate).abs() < 1e-12);
                prop_assert!((a.u + b.u - (x.len() * y.len()) as f64).abs() < 1e-9);
                prop_assert!((a.p_value - b.p_value).abs() < 1e-12);
                prop_assert!((0.0..=1.0).contains(&a.p_value));
                for alt in [Alternative::Less, Alternative::Greater] {
                    let r = mann_whitney(&x, &y, alt, 0.9).unwrap();
                    prop_assert!((0.0..=1.0).contains(&r.p_value));
                    if let Some(p) = r.exact_p_value { prop_assert!((0.0..=1.0).contains(&p)); }
                }
                if let (Some(lo), Some(hi)) = (a.ci[0], a.ci[1]) { prop_assert!(lo <= a.estimate && a.estimate <= hi); }
            }

            #[test]
            fn signed_rank_swap(x in sample(40), y in sample(40)) {
                let n = x.len().min(y.len());
                let d: Vec<f64> = (0..n).map(|i| x[i] - y[i]).collect();
                prop_assume!(d.iter().any(|v| *v != 0.0));
                let neg: Vec<f64> = d.iter().map(|v| -v).collect();
                let a = signed_rank(&d, 0.0, Alternative::TwoSided, 0.95).unwrap();
                let b = signed_rank(&neg, 0.0, Alternative::TwoSided, 0.95).unwrap();
                prop_assert!((a.z + b.z).abs() < 1e-12);
                prop_assert!((a.estimate + b.estimate).abs() < 1e-12);
                prop_assert!((a.p_value - b.p_value).abs() < 1e-12);
                prop_assert!((0.0..=1.0).contains(&a.p_value));
                if let Some(p) = a.exact_p_value { prop_assert!((0.0..=1.0).contains(&p)); }
                if let (Some(lo), Some(hi)) = (a.ci[0], a.ci[1]) { prop_assert!(lo <= a.estimate && a.estimate <= hi); }
            }

            #[test]
            fn kruskal_group_order_is_irrelevant(x in sample(20), y in sample(20), z in sample(20)) {
                let all_equal = x.iter().chain(&y).chain(&z).all(|v| *v == x[0]);
                prop_assume!(!all_equal);
                let a = kruskal(&[&x, &y, &z]).unwrap();
                let b = kruskal(&[&z, &x, &y]).unwrap();
                prop_assert!((a.h - b.h).abs() < 1e-9 * a.h.abs().max(1.0));
                prop_assert!((a.p_value - b.p_value).abs() < 1e-9);
                prop_assert!((0.0..=1.0).contains(&a.p_value));
            }
        }
    }

}

//! Repeated blocks of consecutive values, and duplicated whole rows.
//!
//! Both use the same chance model: two values (or rows) taken at random coincide with the
//! data's own collision probability c = Σ pᵥ² (pᵥ the share of each distinct value), so a
//! given pair of positions starts a common run of L values with probability c^L. With many
//! readings on a coarse grid c is large and long coincidences are expected; the model
//! makes the check as strict as the data allow, and no stricter.

use super::{capped, flag, result, AuditData, CheckStatus, FastMap, FastSet, Outcome, RecordColumn, Severity, Text};
use statrs::distribution::{DiscreteCDF, Poisson};
use std::hash::Hash;

/// Shortest repeated run looked for (the "run of ≥ 5 consecutive values").
const MIN_BLOCK: usize = 5;
/// A block is flagged when the expected number of chance coincidences of its length anywhere
/// in the data, E = C(n,2)·c^L (a union bound on the probability of any), is at most 0.001:
/// honest data raise this flag in fewer than 1 run in 1000.
const MAX_CHANCE: f64 = 1e-3;
/// Most blocks reported as flags (the check's count says how many there are).
const MAX_BLOCK_FLAGS: usize = 10;
/// Duplicated rows are flagged when P(Poisson(λ) ≥ observed pairs) ≤ 0.001.
const ALPHA_ROWS: f64 = 1e-3;

fn key(x: f64) -> u64 {
    (x + 0.0).to_bits()
}

/// Collision probability Σ pᵥ² of a list of keys.
fn collision<K: Hash + Eq>(keys: impl Iterator<Item = K>) -> f64 {
    let mut counts: FastMap<K, usize> = FastMap::default();
    let mut n = 0usize;
    for k in keys {
        *counts.entry(k).or_default() += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts.values().map(|&c| (c as f64 / n as f64).powi(2)).sum()
}

/// A maximal common run: positions (into the usable sequence) of both copies and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Block {
    a: usize,
    b: usize,
    len: usize,
}

/// Maximal common runs of at least [`MIN_BLOCK`] values, found by hashing every window of
/// [`MIN_BLOCK`] values; windows of one repeated value (a stuck reading) are left out.
fn find_blocks(seq: &[u64]) -> Vec<Block> {
    if seq.len() < 2 * MIN_BLOCK {
        return Vec::new();
    }
    let windows = seq.windows(MIN_BLOCK).enumerate().filter(|(_, w)| w.iter().any(|&x| x != w[0])).map(|(i, w)| (w, i));
    let mut seen: FastSet<Block> = FastSet::default();
    for starts in &repeated(windows, seq.len()) {
        // A window seen many times is a pattern of the grid, not a copy; cap the pairs.
        for (x, &i) in starts.iter().enumerate().take(50) {
            for &j in starts[x + 1..].iter().take(50) {
                let (mut a, mut b) = (i, j);
                while a > 0 && seq[a - 1] == seq[b - 1] {
                    a -= 1;
                    b -= 1;
                }
                let mut len = 0;
                while b + len < seq.len() && seq[a + len] == seq[b + len] {
                    len += 1;
                }
                seen.insert(Block { a, b, len });
            }
        }
    }
    let mut v: Vec<Block> = seen.into_iter().collect();
    v.sort_by_key(|b| (std::cmp::Reverse(b.len), b.a, b.b));
    v
}

/// The positions of every key that occurs more than once, in order, from `(key, position)`
/// pairs: one map entry per distinct key and a list only for the repeated ones (millions of
/// distinct windows or rows cost no list each).
/// `capacity`: about how many distinct keys to expect (the map is made that large at once
/// instead of growing by rehashing).
fn repeated<K: Hash + Eq>(items: impl Iterator<Item = (K, usize)>, capacity: usize) -> Vec<Vec<usize>> {
    /// The first position of a key seen once, or its list in `groups`.
    enum Seen {
        Once(usize),
        Group(usize),
    }
    let mut index: FastMap<K, Seen> = FastMap::with_capacity_and_hasher(capacity, Default::default());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (key, at) in items {
        match index.entry(key) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Seen::Once(at));
            }
            std::collections::hash_map::Entry::Occupied(mut e) => match *e.get() {
                Seen::Once(first) => {
                    e.insert(Seen::Group(groups.len()));
                    groups.push(vec![first, at]);
                }
                Seen::Group(g) => groups[g].push(at),
            },
        }
    }
    groups
}

/// The codes of `cols` in the rows `rows`, row after row (a blank cell is `u32::MAX`): row
/// `t` of `rows` is `flat[t * cols.len()..(t + 1) * cols.len()]`.
fn row_codes(cols: &[&RecordColumn], rows: &[usize]) -> Vec<u32> {
    rows.iter().flat_map(|&r| cols.iter().map(move |c| c.codes[r].unwrap_or(u32::MAX))).collect()
}

/// Repeated blocks: a run of ≥ 5 consecutive values that appears again elsewhere in the
/// column (all stages, in row order). Flagged when its chance probability E = C(n,2)·c^L is
/// at most 0.001 (see [`MAX_CHANCE`]).
pub(crate) fn check_blocks(data: &AuditData, usable: &[usize], out: &mut Outcome) {
    let mut c = result(
        "repeated_blocks",
        &None,
        Text::new("重复出现的连续数据块（≥ 5 个）", "Repeated runs of ≥ 5 consecutive values"),
        Text::new("偶然出现的期望次数 C(n,2)·c^L ≤ 0.001 时提示（c 为数值的碰撞概率）", "flag when the chance expectation C(n,2)·c^L ≤ 0.001 (c: the values' collision probability)"),
    );
    let seq: Vec<u64> = usable.iter().map(|&i| key(data.values[i])).collect();
    c.n = seq.len();
    if seq.len() < 2 * MIN_BLOCK {
        c.status = CheckStatus::NotEnoughData;
        c.note = Text::new("数据少于 10 个", "fewer than 10 values");
        out.checks.push(c);
        return;
    }
    let coll = collision(seq.iter().copied());
    let n = seq.len() as f64;
    let pairs = n * (n - 1.0) / 2.0;
    let chance = |len: usize| (pairs * coll.powi(len as i32)).min(1.0);
    let blocks = find_blocks(&seq);
    let flagged: Vec<(Block, f64)> = blocks.iter().map(|&b| (b, chance(b.len))).filter(|&(_, e)| e <= MAX_CHANCE).collect();
    c.count = Some(flagged.len());
    c.statistic = blocks.first().map(|b| b.len as f64);
    c.p_value = blocks.first().map(|b| chance(b.len));
    if flagged.is_empty() {
        c.note = match blocks.first() {
            Some(b) => Text::new(
                format!("最长的重复数据块 {} 个，偶然出现的可能不小（E = {:.3}）", b.len, chance(b.len)),
                format!("longest repeated run has {} values, plausible by chance (E = {:.3})", b.len, chance(b.len)),
            ),
            None => Text::new("没有重复出现的 5 个连续数值", "no run of 5 consecutive values appears twice"),
        };
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("{} 个数据块在别处原样出现", flagged.len()), format!("{} runs appear again elsewhere", flagged.len()));
    out.checks.push(c);
    for &(b, e) in flagged.iter().take(MAX_BLOCK_FLAGS) {
        let range = |start: usize| format!("{}:{}", data.cell(usable[start]), data.cell(usable[start + b.len - 1]));
        let (first, second) = (range(b.a), range(b.b));
        let mut f = flag("repeated_block", "repeated_blocks", if e <= 1e-6 { Severity::High } else { Severity::Medium }, &None);
        f.statistic = Some(b.len as f64);
        f.p_value = Some(e);
        f.count = Some(b.len);
        f.numbers.insert("length", b.len as f64);
        f.numbers.insert("chance_expectation", e);
        f.numbers.insert("collision_probability", coll);
        f.numbers.insert("first_row", data.row(usable[b.a]) as f64);
        f.numbers.insert("second_row", data.row(usable[b.b]) as f64);
        f.cells = vec![first.clone(), second.clone()];
        f.rows = capped(&(0..b.len).flat_map(|t| [data.row(usable[b.a + t]), data.row(usable[b.b + t])]).collect::<Vec<_>>());
        f.explanation = Text::new(
            format!("{first} 的 {} 个连续数值与 {second} 完全相同；按这些数据的取值分布，偶然出现如此长的相同序列的期望次数约为 {e:.1e}。", b.len),
            format!("the {} consecutive values in {first} are identical to those in {second}; given how these values are spread, a common run this long is expected about {e:.1e} times by chance.", b.len),
        );
        f.question = Text::new(
            "这两段数据是否来自同一批测量（例如复制粘贴或重复录入）？能否提供两段各自的原始记录？",
            "Do these two runs come from the same measurements (copied, or entered twice)? Can the original records of both be shown?",
        );
        out.flags.push(f);
    }
}

/// Duplicated whole rows: identical in every column. The chance model groups rows by their
/// label and date columns (stage, date, operator: identical by design) and treats the number
/// columns as independent readings with their within-stage collision probabilities; the
/// observed duplicate pairs are tested against Poisson(λ), λ the expected pairs. Flagged when
/// P(X ≥ observed) ≤ 0.001. A number column whose equal values come in runs (on average two
/// rows or more per run: a subgroup or batch number) is a label, not a reading. Not applicable
/// with fewer than two measurement columns: a row of one value and its labels repeats as often
/// as the value does within its subgroup (the block check covers copies).
pub(crate) fn check_rows(data: &AuditData, out: &mut Outcome) {
    let mut c = result(
        "duplicate_rows",
        &None,
        Text::new("整行重复", "Duplicated whole rows"),
        Text::new("重复行对数超过偶然期望（泊松检验 p ≤ 0.001）时提示", "flag when duplicate row pairs exceed chance (Poisson test p ≤ 0.001)"),
    );
    let numeric: Vec<usize> = (0..data.record.len()).filter(|&j| data.record[j].numeric && !is_grouping(&data.record[j].codes)).collect();
    let height = data.record.first().map(|r| r.codes.len()).unwrap_or(0);
    c.n = height;
    if numeric.len() < 2 {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("表中测量数值列少于两列，整行重复等同于数值重复", "fewer than two measurement columns: a duplicated row is just a repeated value");
        out.checks.push(c);
        return;
    }
    let rows: Vec<usize> = (0..height).filter(|&r| data.record.iter().any(|col| col.codes[r].is_some())).collect();
    let is_measure = |j: usize| numeric.contains(&j);
    let stage_of = |r: usize| data.stage.as_ref().and_then(|s| s.get(r).copied().flatten());
    // Observed duplicates: rows with the same code in every column.
    let every: Vec<&RecordColumn> = data.record.iter().collect();
    let (flat, w) = (row_codes(&every, &rows), every.len());
    let mut dups = repeated((0..rows.len()).map(|t| (&flat[t * w..(t + 1) * w], rows[t])), rows.len());
    dups.sort();
    // counted as a whole number: an empty float sum is −0, which would print as "-0"
    let observed = dups.iter().map(|g| g.len() * (g.len() - 1) / 2).sum::<usize>() as f64;
    // Expected pairs by chance.
    let mut coll: FastMap<(usize, Option<u32>), f64> = FastMap::default();
    for &j in &numeric {
        let mut by_stage: FastMap<Option<u32>, Vec<Option<u32>>> = FastMap::default();
        for &r in &rows {
            by_stage.entry(stage_of(r)).or_default().push(data.record[j].codes[r]);
        }
        for (s, cells) in by_stage {
            coll.insert((j, s), collision(cells.into_iter()));
        }
    }
    // Rows alike in every label column (and stage) are the pairs that may coincide by chance.
    let labels: Vec<&RecordColumn> = (0..data.record.len()).filter(|&j| !is_measure(j)).map(|j| &data.record[j]).collect();
    let (flat, w) = (row_codes(&labels, &rows), labels.len());
    let mut context: FastMap<(Option<u32>, &[u32]), usize> = FastMap::default();
    for (t, &r) in rows.iter().enumerate() {
        *context.entry((stage_of(r), &flat[t * w..(t + 1) * w])).or_default() += 1;
    }
    let lambda: f64 = context
        .iter()
        .map(|((s, _), &m)| (m * m.saturating_sub(1)) as f64 / 2.0 * numeric.iter().map(|&j| coll.get(&(j, *s)).copied().unwrap_or(1.0)).product::<f64>())
        .sum();
    let p = if observed < 1.0 {
        1.0
    } else if lambda <= 0.0 {
        0.0
    } else {
        Poisson::new(lambda).map(|d| 1.0 - d.cdf(observed as u64 - 1)).unwrap_or(f64::NAN)
    };
    c.statistic = Some(observed);
    c.p_value = Some(p);
    c.count = Some(dups.iter().map(Vec::len).sum());
    if !(observed >= 1.0 && p <= ALPHA_ROWS) {
        c.note = Text::new(format!("重复行对数 {observed}，偶然期望 {lambda:.2}"), format!("{observed} duplicate row pairs, {lambda:.2} expected by chance"));
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("重复行对数 {observed}，远超偶然期望 {lambda:.2}"), format!("{observed} duplicate row pairs, far above the {lambda:.2} expected by chance"));
    out.checks.push(c);
    let mut f = flag("duplicate_rows", "duplicate_rows", if p <= 1e-6 { Severity::High } else { Severity::Medium }, &None);
    f.statistic = Some(observed);
    f.p_value = Some(p);
    f.count = Some(dups.iter().map(Vec::len).sum());
    f.numbers.insert("duplicate_pairs", observed);
    f.numbers.insert("expected_pairs", lambda);
    let listed: Vec<String> = dups.iter().map(|g| g.iter().map(|&r| data.row(r).to_string()).collect::<Vec<_>>().join("=")).collect();
    f.rows = capped(&dups.iter().flatten().map(|&r| data.row(r)).collect::<Vec<_>>());
    f.cells = capped(&listed.iter().map(|s| format!("rows {s}")).collect::<Vec<_>>());
    let shown = listed.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    f.explanation = Text::new(
        format!("有 {} 组整行完全相同（行 {shown}），共 {observed} 对；按各列取值分布，偶然期望约 {lambda:.2} 对（{}）。", dups.len(), super::fmt_p(p)),
        format!("{} groups of rows are identical in every column (rows {shown}), {observed} pairs, where about {lambda:.2} are expected by chance ({}).", dups.len(), super::fmt_p(p)),
    );
    f.question = Text::new("这些行是否为同一次测量的重复录入或复制？", "Are these rows the same measurement entered or copied twice?");
    out.flags.push(f);
}

/// A number column used as a label: its non-blank cells come in runs of equal values at
/// least two rows long on average (subgroup, batch or sample numbers).
fn is_grouping(codes: &[Option<u32>]) -> bool {
    let filled: Vec<u32> = codes.iter().flatten().copied().collect();
    let runs = filled.windows(2).filter(|w| w[0] != w[1]).count() + usize::from(!filled.is_empty());
    filled.len() >= 2 && 2 * runs <= filled.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subgroup_numbers_are_labels() {
        let s = |v: &[&str]| RecordColumn::from_texts("x", true, &v.iter().map(|x| x.to_string()).collect::<Vec<_>>()).codes;
        assert!(is_grouping(&s(&["1", "1", "1", "2", "2", "2"])));
        assert!(is_grouping(&s(&["1", "", "1", "2", "", "2"])));
        assert!(!is_grouping(&s(&["10.1", "10.3", "10.1", "10.2"])));
        assert!(!is_grouping(&s(&["1", "2", "3", "4"])));
    }

    #[test]
    fn finds_a_copied_run_and_both_places() {
        let mut seq: Vec<u64> = (0..100).map(|i| (i * 7919 % 101) as u64).collect();
        let copy: Vec<u64> = seq[10..18].to_vec();
        seq[60..68].copy_from_slice(&copy);
        let blocks = find_blocks(&seq);
        assert_eq!(blocks[0], Block { a: 10, b: 60, len: 8 });
    }

    #[test]
    fn repeated_keys_keep_their_positions_in_order() {
        let keys = ["a", "b", "a", "c", "b", "a"];
        let mut groups = repeated(keys.iter().enumerate().map(|(i, k)| (*k, i)), 1);
        groups.sort();
        assert_eq!(groups, vec![vec![0, 2, 5], vec![1, 4]]);
        assert!(repeated(["x", "y"].iter().enumerate().map(|(i, k)| (*k, i)), 0).is_empty());
    }

    #[test]
    fn constant_runs_are_not_blocks() {
        let seq: Vec<u64> = [1, 1, 1, 1, 1, 1, 2, 3, 1, 1, 1, 1, 1, 1].to_vec();
        assert!(find_blocks(&seq).is_empty());
    }
}

//! Dataset: the measurements of one analysis, arranged as the layout options say (long with a
//! subgroup column, fixed subgroup size, wide with one row per subgroup, or individuals), split
//! into stages by `--phase`. Built from a [`Table`]; consumed by `spc`, `capability`,
//! `evidence`.

pub use crate::label::{Label, Labels};
use crate::error::{QceError, Result};
use crate::ingest::{CellNote, Keys, NumericColumn, Runs, Table};
use rayon::prelude::*;
use serde::Serialize;

/// How the analysis wants the values grouped (the contract's layout options).
#[derive(Debug, Clone, Default)]
pub struct LayoutSpec {
    /// Value column(s); more than one means wide layout (a row is a subgroup).
    pub value: Vec<String>,
    /// `--subgroup COL`: consecutive rows with equal values form a subgroup.
    pub subgroup: Option<String>,
    /// `--subgroup-size N`: consecutive blocks of N rows.
    pub subgroup_size: Option<usize>,
    /// `--phase COL`: stage labels.
    pub phase: Option<String>,
    /// `--label COL`: point labels for the x axis.
    pub label: Option<String>,
}

impl LayoutSpec {
    /// Split a `--value` argument on commas (wide layout when more than one).
    pub fn values_from_arg(arg: &str) -> Vec<String> {
        arg.split([',', '，']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    }
}

/// A stage (phase) of the data: a contiguous run of subgroups.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageSpan {
    /// Stage label as found in the file (`"all"` when there is no `--phase`).
    pub name: String,
    /// First subgroup index (0-based, inclusive).
    pub start: usize,
    /// One past the last subgroup index.
    pub end: usize,
}

/// Measurements in subgroups, in file order, split into stages.
///
/// Subgroup `i` holds `values[offsets[i]..offsets[i + 1]]`. Missing cells shrink their
/// subgroup; a subgroup left with no value is listed in `empty_subgroups` and kept out.
#[derive(Debug, Clone)]
pub struct Subgroups {
    /// Name of the value column (or the wide columns joined by commas).
    pub value_name: String,
    /// Every usable observation, in file order.
    pub values: Vec<f64>,
    /// Subgroup boundaries into `values` (length = subgroups + 1).
    pub offsets: Vec<usize>,
    /// Label of each subgroup (subgroup id, `--label` value, or 1-based number); shared with
    /// the chart results drawn from these subgroups (millions of labels are common).
    pub labels: std::sync::Arc<Labels>,
    /// File row (1-based) of the first row of each subgroup.
    pub first_rows: Vec<u64>,
    /// Stages, in order of first appearance; contiguous runs of subgroups.
    pub stages: Vec<StageSpan>,
    /// Every excluded cell of the value column(s), with its reason.
    pub excluded: Vec<CellNote>,
    /// Labels of subgroups that had no usable value (reported, not silently dropped).
    pub empty_subgroups: Vec<String>,
    /// True when there is no subgrouping (individual values).
    pub individuals: bool,
}

impl Subgroups {
    /// Number of subgroups.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    /// No subgroup at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Values of subgroup `i`.
    pub fn subgroup(&self, i: usize) -> &[f64] {
        &self.values[self.offsets[i]..self.offsets[i + 1]]
    }
    /// Size of subgroup `i`.
    pub fn size(&self, i: usize) -> usize {
        self.offsets[i + 1] - self.offsets[i]
    }
    /// All values of a stage.
    pub fn stage_values(&self, s: &StageSpan) -> &[f64] {
        &self.values[self.offsets[s.start]..self.offsets[s.end]]
    }
    /// The stage with this label.
    pub fn stage(&self, name: &str) -> Option<&StageSpan> {
        self.stages.iter().find(|s| s.name == name)
    }

    /// Consecutive subgroups of `size` values in one stage `"all"` (a trailing partial
    /// subgroup is dropped), as `--subgroup-size` arranges a column below a header in row 1:
    /// labels 1…k, subgroup i starting at file row i·size + 2. For callers that already hold
    /// the numbers (benchmarks, tests, generated data).
    pub fn fixed_size(value_name: &str, mut values: Vec<f64>, size: usize) -> Subgroups {
        let size = size.max(1);
        let k = values.len() / size;
        values.truncate(k * size);
        Subgroups {
            value_name: value_name.to_string(),
            values,
            offsets: (0..=k).map(|i| i * size).collect(),
            labels: std::sync::Arc::new(Labels::Numbered(k)),
            first_rows: (0..k).map(|i| (i * size + 2) as u64).collect(),
            stages: vec![StageSpan { name: "all".into(), start: 0, end: k }],
            excluded: Vec::new(),
            empty_subgroups: Vec::new(),
            individuals: size == 1,
        }
    }
}

/// Arrange a table's value column(s) as the layout says.
///
/// Stage changes always close a subgroup. Rows whose stage label is blank are excluded and
/// reported in `excluded` (as blank stage cells).
pub fn subgroups(table: &Table, spec: &LayoutSpec) -> Result<Subgroups> {
    if spec.value.is_empty() {
        return Err(QceError::usage("--value needs a column name"));
    }
    if spec.value.len() > 1 && (spec.subgroup.is_some() || spec.subgroup_size.is_some()) {
        return Err(QceError::usage("wide layout (--value with several columns) already makes each row a subgroup: drop --subgroup/--subgroup-size"));
    }
    if spec.subgroup_size == Some(0) {
        return Err(QceError::usage("--subgroup-size must be at least 1"));
    }
    // One value column with a subgroup column: read both in one pass. One value column, no
    // stages, no label column and nothing missing (the common large case): the subgroups are
    // the runs or the blocks of n rows as they stand.
    let plain = spec.phase.is_none() && spec.label.is_none();
    let (cols, sub_keys) = match (spec.value.as_slice(), spec.subgroup.as_deref()) {
        ([v], Some(s)) => {
            let (col, runs) = table.numeric_with_runs(v, s)?;
            if plain && whole_runs(&col, &runs) {
                return Ok(whole_subgroups(table, col, runs.starts, runs.labels, false));
            }
            (vec![col], Some(runs))
        }
        ([v], None) => {
            let col = table.numeric(v)?;
            if plain && !col.values.is_empty() && no_missing(&col) {
                let size = spec.subgroup_size.unwrap_or(1);
                let k = col.values.len().div_ceil(size);
                return Ok(whole_subgroups(table, col, (0..k).map(|i| i * size).collect(), Labels::Numbered(k), size == 1));
            }
            (vec![col], None)
        }
        _ => (spec.value.iter().map(|v| table.numeric(v)).collect::<Result<Vec<_>>>()?, None),
    };
    let sub_codes = sub_keys.as_ref().map(Runs::codes);
    let height = table.height();
    let phase_keys = spec.phase.as_deref().map(|c| table.keys(c)).transpose()?;
    let label_keys = spec.label.as_deref().map(|c| table.keys(c)).transpose()?;
    let mut excluded: Vec<CellNote> = cols.iter().flat_map(|c| c.notes.iter().cloned()).collect();
    excluded.sort_by_key(|n| n.row);

    let mut out = Subgroups {
        value_name: cols.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(","),
        values: Vec::new(),
        offsets: vec![0],
        labels: std::sync::Arc::default(),
        first_rows: Vec::new(),
        stages: Vec::new(),
        excluded,
        empty_subgroups: Vec::new(),
        individuals: cols.len() == 1 && spec.subgroup.is_none() && spec.subgroup_size.unwrap_or(1) == 1,
    };
    // Row r belongs to subgroup key (stage code, group id); a change of either closes it.
    let group_id = |r: usize| -> Option<u64> {
        if cols.len() > 1 {
            Some(r as u64)
        } else if let Some(k) = &sub_codes {
            k[r].map(u64::from)
        } else {
            Some((r / spec.subgroup_size.unwrap_or(1)) as u64)
        }
    };
    let mut current: Option<(Option<u32>, u64)> = None;
    // Per subgroup: the code of its label (into the label or subgroup column's names) and of its
    // stage; Strings are made once, at the end, for the subgroups kept.
    let label_source = match (&label_keys, sub_keys.as_ref().zip(sub_codes.as_deref())) {
        (Some(k), _) => LabelSource::Keys(k),
        (None, Some((r, c))) => LabelSource::Runs(c, &r.labels),
        (None, None) => LabelSource::Numbers,
    };
    let mut label_code: Vec<Option<u32>> = Vec::new();
    let mut stage_code: Vec<Option<u32>> = Vec::new();
    // One column and no stages: its values are kept in place (the missing ones squeezed out at
    // the end) instead of copied; `kept` counts the values so far either way.
    let in_place = cols.len() == 1 && phase_keys.is_none();
    if !in_place {
        out.values.reserve(height * cols.len());
    }
    let (mut kept, mut ungrouped) = (0usize, Vec::new());
    for r in 0..height {
        let stage = match &phase_keys {
            Some(p) => match p.codes[r] {
                Some(c) => Some(c),
                None => {
                    if cols.iter().any(|c| !c.values[r].is_nan()) {
                        out.excluded.push(CellNote { cell: format!("row {}", table.file_row(r)), row: table.file_row(r), text: String::new(), problem: crate::ingest::CellProblem::Blank });
                    }
                    continue;
                }
            },
            None => None,
        };
        let Some(gid) = group_id(r) else {
            // A blank subgroup cell: the row belongs to no subgroup; its value is reported.
            if cols.iter().any(|c| !c.values[r].is_nan()) {
                out.excluded.push(CellNote { cell: format!("row {}", table.file_row(r)), row: table.file_row(r), text: String::new(), problem: crate::ingest::CellProblem::Blank });
            }
            ungrouped.push(r);
            continue;
        };
        if current != Some((stage, gid)) {
            close_subgroup(&mut out.offsets, kept, label_code.len());
            current = Some((stage, gid));
            label_code.push(label_source.code(r));
            stage_code.push(stage);
            out.first_rows.push(table.file_row(r));
        }
        for c in &cols {
            let v = c.values[r];
            if !v.is_nan() {
                kept += 1;
                if !in_place {
                    out.values.push(v);
                }
            }
        }
    }
    close_subgroup(&mut out.offsets, kept, label_code.len());
    if in_place {
        let mut col = cols.into_iter().next().map(|c| c.values).unwrap_or_default();
        for r in ungrouped {
            col[r] = f64::NAN;
        }
        col.retain(|v| !v.is_nan());
        out.values = col;
    }
    // Stage names in order of first appearance (codes are first-appearance already).
    let stage_name = |code: Option<u32>| match (&phase_keys, code) {
        (Some(p), Some(c)) => p.names[c as usize].clone(),
        _ => "all".to_string(),
    };
    let numbered = matches!(label_source, LabelSource::Numbers);
    let label_of = |i: usize| match label_code[i] {
        Some(c) => label_source.label(c),
        None => Label::number(i + 1),
    };
    // Drop empty subgroups (reported), keeping labels/stages aligned.
    let k = label_code.len();
    let mut keep_offsets = Vec::with_capacity(k + 1);
    keep_offsets.push(0usize);
    // numbered subgroups are numbered again after the empty ones are dropped
    let (mut labels, mut rows, mut stage_idx) = (Vec::with_capacity(if numbered { 0 } else { k }), Vec::with_capacity(k), Vec::with_capacity(k));
    let mut stage_names: Vec<String> = Vec::new();
    let mut stage_codes_seen: Vec<Option<u32>> = Vec::new();
    for i in 0..k {
        let (a, b) = (out.offsets[i], out.offsets[i + 1]);
        if a == b {
            out.empty_subgroups.push(label_of(i).to_string());
            continue;
        }
        keep_offsets.push(b);
        if !numbered {
            labels.push(label_of(i));
        }
        rows.push(out.first_rows[i]);
        let si = match stage_codes_seen.iter().position(|&c| c == stage_code[i]) {
            Some(si) => si,
            None => {
                stage_codes_seen.push(stage_code[i]);
                stage_names.push(stage_name(stage_code[i]));
                stage_names.len() - 1
            }
        };
        stage_idx.push(si);
    }
    out.offsets = keep_offsets;
    out.labels = std::sync::Arc::new(if numbered { Labels::Numbered(rows.len()) } else { Labels::Listed(labels) });
    out.first_rows = rows;
    out.stages = stage_spans(&stage_idx, &stage_names)?;
    if out.values.is_empty() {
        return Err(QceError::analysis(format!("column '{}' has no usable value", out.value_name)).with_column(&out.value_name));
    }
    Ok(out)
}

/// No value of the column is missing.
fn no_missing(col: &NumericColumn) -> bool {
    !col.values.par_iter().any(|v| v.is_nan())
}

/// Every row of one value column in a run and no value missing: then each run is a subgroup
/// as it stands, with nothing to drop.
fn whole_runs(col: &NumericColumn, runs: &Runs) -> bool {
    runs.blanks.is_empty() && runs.height == col.values.len() && runs.starts.first() == Some(&0) && no_missing(col)
}

/// Subgroups that start at the rows `starts` (ascending, the first 0) of a column with no
/// missing value, in one stage: what the general loop of [`subgroups`] gives, row by row.
fn whole_subgroups(table: &Table, col: NumericColumn, starts: Vec<usize>, labels: Labels, individuals: bool) -> Subgroups {
    let k = starts.len();
    let first_rows = starts.iter().map(|&r| table.file_row(r)).collect();
    let mut offsets = starts;
    offsets.push(col.values.len());
    Subgroups {
        value_name: col.name,
        values: col.values,
        offsets,
        labels: std::sync::Arc::new(labels),
        first_rows,
        stages: vec![StageSpan { name: "all".to_string(), start: 0, end: k }],
        excluded: col.notes,
        empty_subgroups: Vec::new(),
        individuals,
    }
}

/// Where subgroup labels come from: `--label COL`, the subgroup column's runs (run of each
/// row, labels), or numbers.
enum LabelSource<'a> {
    Keys(&'a Keys),
    Runs(&'a [Option<u32>], &'a Labels),
    Numbers,
}

impl LabelSource<'_> {
    /// The label code of row `r` (`None` for a blank cell or numbered subgroups).
    fn code(&self, r: usize) -> Option<u32> {
        match self {
            LabelSource::Keys(k) => k.codes[r],
            LabelSource::Runs(codes, _) => codes[r],
            LabelSource::Numbers => None,
        }
    }
    /// The label of code `c`.
    fn label(&self, c: u32) -> Label {
        match self {
            LabelSource::Keys(k) => Label::from(&k.names[c as usize]),
            LabelSource::Runs(_, labels) => labels.get(c as usize).unwrap_or_default(),
            LabelSource::Numbers => Label::number(c as usize + 1),
        }
    }
}

/// Close the open subgroup (if any) after `kept` values: `opened` subgroups have been started.
fn close_subgroup(offsets: &mut Vec<usize>, kept: usize, opened: usize) {
    if offsets.len() <= opened {
        offsets.push(kept);
    }
}

/// Stages must be contiguous: a label that comes back after another stage is an input error
/// (stage order is the file order, CONTRACT "Order").
fn stage_spans(stage_idx: &[usize], names: &[String]) -> Result<Vec<StageSpan>> {
    let mut spans: Vec<StageSpan> = Vec::new();
    for (i, &s) in stage_idx.iter().enumerate() {
        match spans.last_mut() {
            Some(last) if last.name == names[s] => last.end = i + 1,
            _ => {
                if spans.iter().any(|sp| sp.name == names[s]) {
                    return Err(QceError::input(format!(
                        "stage '{}' appears again after another stage (subgroup {}): sort the rows so that each stage is one block",
                        names[s],
                        i + 1
                    )));
                }
                spans.push(StageSpan { name: names[s].clone(), start: i, end: i + 1 });
            }
        }
    }
    Ok(spans)
}

#[cfg(test)]
mod tests;

//! Unit tests of the layouts, on small tables built from CSV text.

use super::*;
use crate::ingest::{load, LoadOptions};
use std::io::Write;

/// A table and the temporary file it reads (large delimited files are read column by column
/// on demand, so the file must outlive the table).
fn table(csv: &str) -> (Table, tempfile::NamedTempFile) {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().expect("temp file");
    f.write_all(csv.as_bytes()).expect("write");
    (load(f.path(), &LoadOptions::default()).expect("load"), f)
}

fn spec(value: &str) -> LayoutSpec {
    LayoutSpec { value: LayoutSpec::values_from_arg(value), ..Default::default() }
}

#[test]
fn long_layout_with_subgroup_column_and_missing_cell() {
    let (t, _f) = table("s,x\n1,1\n1,2\n1,\n2,4\n2,5\n2,6\n");
    let sg = subgroups(&t, &LayoutSpec { subgroup: Some("s".into()), ..spec("x") }).expect("layout");
    assert_eq!(sg.len(), 2);
    assert_eq!(sg.subgroup(0), &[1.0, 2.0]);
    assert_eq!(sg.subgroup(1), &[4.0, 5.0, 6.0]);
    assert_eq!(sg.labels.to_vec(), ["1", "2"]);
    assert_eq!(sg.excluded.len(), 1);
    assert_eq!(sg.excluded[0].cell, "B4");
    assert!(!sg.individuals);
}

#[test]
fn wide_layout_and_fixed_size_agree() {
    let (wide, _fw) = table("x1,x2,x3\n1,2,3\n4,5,6\n");
    let (long, _fl) = table("x\n1\n2\n3\n4\n5\n6\n");
    let a = subgroups(&wide, &spec("x1,x2,x3")).expect("wide");
    let b = subgroups(&long, &LayoutSpec { subgroup_size: Some(3), ..spec("x") }).expect("long");
    assert_eq!(a.values, b.values);
    assert_eq!(a.offsets, b.offsets);
}

#[test]
fn stages_split_subgroups_and_keep_file_order() {
    let (t, _f) = table("x,阶段\n1,改进后\n2,改进后\n3,改进前\n4,改进前\n");
    let sg = subgroups(&t, &LayoutSpec { phase: Some("阶段".into()), ..spec("x") }).expect("layout");
    assert!(sg.individuals);
    assert_eq!(sg.stages.len(), 2);
    assert_eq!(sg.stages[0].name, "改进后");
    assert_eq!((sg.stages[1].start, sg.stages[1].end), (2, 4));
    assert_eq!(sg.stage_values(&sg.stages[1]), &[3.0, 4.0]);
}

#[test]
fn empty_subgroup_is_reported_not_dropped_silently() {
    let (t, _f) = table("s,x\n1,1\n1,2\n2,\n2,\n3,5\n3,6\n");
    let sg = subgroups(&t, &LayoutSpec { subgroup: Some("s".into()), ..spec("x") }).expect("layout");
    assert_eq!(sg.len(), 2);
    assert_eq!(sg.empty_subgroups, vec!["2"]);
    assert_eq!(sg.labels.to_vec(), ["1", "3"]);
}

#[test]
fn a_stage_that_returns_is_an_input_error() {
    let (t, _f) = table("x,p\n1,a\n2,b\n3,a\n");
    let e = subgroups(&t, &LayoutSpec { phase: Some("p".into()), ..spec("x") }).unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert!(e.message.contains("'a'"));
}

#[test]
fn fixed_size_equals_the_layout_of_subgroup_size() {
    let (t, _f) = table("x\n1\n2\n3\n4\n5\n6\n7\n");
    let from_file = subgroups(&t, &LayoutSpec { subgroup_size: Some(3), ..spec("x") }).expect("layout");
    let built = Subgroups::fixed_size("x", vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 3);
    assert_eq!(built.values, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(built.offsets, vec![0, 3, 6]);
    assert_eq!(built.labels.to_vec(), ["1", "2"]);
    assert_eq!(built.first_rows, vec![2, 5]);
    assert_eq!(built.stages, vec![StageSpan { name: "all".into(), start: 0, end: 2 }]);
    // the file layout keeps the trailing partial subgroup; the constructor drops it
    assert_eq!(&from_file.offsets[..3], &built.offsets[..]);
    assert_eq!(&from_file.first_rows[..2], &built.first_rows[..]);
}

/// The run pass of a large CSV (split into parts read in parallel) cuts the subgroup column
/// exactly as consecutive equal keys do: runs crossing part boundaries, blank cells inside a
/// run, `7` then `7.0`, text ids, and an id that comes back later as a new subgroup.
#[test]
fn subgroup_runs_of_a_large_file_match_the_keys() {
    let mut csv = String::from("batch,sample,x\n");
    for i in 0..60_000u32 {
        let id = i / 7;
        let cell = match i % 7 {
            3 if id % 5 == 0 => String::new(),
            4 if id % 3 == 0 => format!("{id}.0"),
            _ => id.to_string(),
        };
        let batch = if id % 11 == 0 { format!("B-{}", id % 4) } else { format!("批次{}", id / 3) };
        csv.push_str(&format!("{batch},{cell},{}\n", i % 13));
    }
    csv.push_str("x,5,1\nx,5,2\n"); // id 5 again, after others: a subgroup of its own
    let (t, _f) = table(&csv);
    for col in ["sample", "batch"] {
        let runs = t.runs(col).expect("runs");
        let keys = t.keys(col).expect("keys");
        let codes = runs.codes();
        assert_eq!(codes.len(), keys.codes.len());
        // consecutive non-blank rows share a run exactly when they share a key
        let rows: Vec<usize> = (0..keys.codes.len()).filter(|&r| keys.codes[r].is_some()).collect();
        for w in rows.windows(2) {
            let same_key = keys.codes[w[0]] == keys.codes[w[1]];
            let same_run = codes[w[0]] == codes[w[1]];
            assert_eq!(same_key, same_run, "{col}: rows {} and {}", w[0], w[1]);
        }
        for &r in &rows {
            let (k, c) = (keys.codes[r].unwrap_or(0), codes[r].unwrap_or(0));
            assert_eq!(runs.labels.get(c as usize).as_deref(), Some(keys.names[k as usize].as_str()), "{col}: row {r}");
        }
    }
    let sg = subgroups(&t, &LayoutSpec { subgroup: Some("sample".into()), ..spec("x") }).expect("layout");
    assert_eq!(sg.len(), 60_000 / 7 + 1 + 1);
    assert_eq!(sg.labels.get(sg.len() - 1).as_deref(), Some("5"));
    assert_eq!(sg.labels.get(sg.len() - 2).as_deref(), Some("8571"));
}

/// A run longer than a part of the file (a part with no run of its own) joins its
/// neighbours' runs as consecutive equal keys say.
#[test]
fn a_run_longer_than_a_part_stays_one_run() {
    let mut csv = String::from("sample,x\n");
    let ids = (0..20_000u32).map(|i| i / 4).chain(std::iter::repeat_n(99_999, 120_000)).chain((20_000..40_000u32).map(|i| i / 4));
    for (i, id) in ids.enumerate() {
        csv.push_str(&format!("{id},{}\n", i % 9));
    }
    let (t, _f) = table(&csv);
    let runs = t.runs("sample").expect("runs");
    assert_eq!(runs.starts.len(), 5_000 + 1 + 5_000);
    assert_eq!(runs.labels.get(5_000).as_deref(), Some("99999"));
    assert_eq!((runs.starts[5_000], runs.starts[5_001]), (20_000, 140_000));
    assert_eq!(runs.labels.get(5_001).as_deref(), Some("5000"));
    let sg = subgroups(&t, &LayoutSpec { subgroup: Some("sample".into()), ..spec("x") }).expect("layout");
    assert_eq!(sg.len(), 10_001);
    assert_eq!(sg.size(5_000), 120_000);
}

/// A row whose subgroup cell is blank belongs to no subgroup: its value is reported as
/// excluded (not silently dropped) and the other subgroups keep exactly their values.
#[test]
fn blank_subgroup_cell_is_reported_and_leaves_the_rest_intact() {
    let (t, _f) = table("s,x\n1,1\n1,2\n,9\n2,4\n2,\n2,6\n");
    let sg = subgroups(&t, &LayoutSpec { subgroup: Some("s".into()), ..spec("x") }).expect("layout");
    assert_eq!(sg.len(), 2);
    assert_eq!(sg.subgroup(0), &[1.0, 2.0]);
    assert_eq!(sg.subgroup(1), &[4.0, 6.0]);
    assert_eq!(sg.values, vec![1.0, 2.0, 4.0, 6.0]);
    let rows: Vec<u64> = sg.excluded.iter().map(|n| n.row).collect();
    assert!(rows.contains(&4) && rows.contains(&6), "{rows:?}");
}

/// The shortcut for one value column cut into whole runs (no stage, no label, nothing missing)
/// gives the subgroups of the general row-by-row loop (run here by a one-stage phase column).
#[test]
fn whole_runs_shortcut_matches_the_row_loop() {
    let mut csv = String::from("ph,sample,x\n");
    for i in 0..90_000u32 {
        let id = i / 5;
        let cell = match (i % 5, id % 3) {
            (2, 0) => format!("{id}.0"),
            (_, 1) => format!("S-{id}"),
            _ => id.to_string(),
        };
        csv.push_str(&format!("A,{cell},{}.{}\n", i % 17, i % 10));
    }
    let (t, _f) = table(&csv);
    let quick = subgroups(&t, &LayoutSpec { subgroup: Some("sample".into()), ..spec("x") }).expect("layout");
    let rows = subgroups(&t, &LayoutSpec { subgroup: Some("sample".into()), phase: Some("ph".into()), ..spec("x") }).expect("layout");
    assert_eq!(quick.len(), 18_000);
    assert_eq!(quick.offsets, rows.offsets);
    assert_eq!(quick.labels, rows.labels);
    assert_eq!(quick.first_rows, rows.first_rows);
    assert_eq!(quick.values, rows.values);
    assert_eq!((quick.stages.len(), quick.stages[0].end, quick.stages[0].name.as_str()), (1, 18_000, "all"));
    assert!(quick.excluded.is_empty() && quick.empty_subgroups.is_empty() && !quick.individuals);
}

/// The shortcut for blocks of n rows (and for individuals) gives the subgroups of the general
/// row-by-row loop, trailing partial subgroup included.
#[test]
fn whole_blocks_shortcut_matches_the_row_loop() {
    let mut csv = String::from("ph,x\n");
    for i in 0..50_003u32 {
        csv.push_str(&format!("A,{}.{}\n", i % 23, i % 7));
    }
    let (t, _f) = table(&csv);
    for size in [None, Some(1), Some(5)] {
        let quick = subgroups(&t, &LayoutSpec { subgroup_size: size, ..spec("x") }).expect("layout");
        let rows = subgroups(&t, &LayoutSpec { subgroup_size: size, phase: Some("ph".into()), ..spec("x") }).expect("layout");
        assert_eq!(quick.len(), 50_003usize.div_ceil(size.unwrap_or(1)), "{size:?}");
        assert_eq!(quick.offsets, rows.offsets);
        assert_eq!(quick.labels, rows.labels);
        assert_eq!(quick.first_rows, rows.first_rows);
        assert_eq!(quick.values, rows.values);
        assert_eq!(quick.individuals, rows.individuals);
        assert_eq!((quick.stages.len(), quick.stages[0].name.as_str()), (1, "all"));
    }
}

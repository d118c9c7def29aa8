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
    assert_eq!(sg.labels, vec!["1", "2"]);
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
    assert_eq!(sg.labels, vec!["1", "3"]);
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
    assert_eq!(built.labels, vec!["1", "2"]);
    assert_eq!(built.first_rows, vec![2, 5]);
    assert_eq!(built.stages, vec![StageSpan { name: "all".into(), start: 0, end: 2 }]);
    // the file layout keeps the trailing partial subgroup; the constructor drops it
    assert_eq!(&from_file.offsets[..3], &built.offsets[..]);
    assert_eq!(&from_file.first_rows[..2], &built.first_rows[..]);
}

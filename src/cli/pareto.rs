//! `qce pareto FILE --category COL ...`: Pareto analysis.

use super::common::{excluded_warning, InputArgs};
use super::{Ctx, Output};
use crate::error::{QceError, Result};
use crate::i18n::Lang;
use crate::pareto::{pareto, tally, Pareto};
use crate::render::pareto::Panel;
use crate::render::{fmt_num, TextTable};
use serde_json::json;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce pareto`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce pareto defects.csv --category 缺陷类型
  qce pareto counts.xlsx --category defect --count count --other-below 3
  qce pareto defects.csv --category 缺陷类型 --phase 阶段 --out pareto.svg --lang zh")]
pub struct ParetoArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Category column (defect type, cause...).
    #[arg(long, value_name = "COL")]
    pub category: String,
    /// Count column (default: each row counts 1).
    #[arg(long, value_name = "COL")]
    pub count: Option<String>,
    /// Stage column: one Pareto per stage, side by side.
    #[arg(long, value_name = "COL")]
    pub phase: Option<String>,
    /// Merge categories below this percent into 其他/Other (kept last).
    #[arg(long, value_name = "PCT")]
    pub other_below: Option<f64>,
    /// Write the chart: .svg or .png.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Run `qce pareto`.
pub fn run(args: &ParetoArgs, ctx: &Ctx) -> Result<Output> {
    if let Some(cut) = args.other_below {
        if !(cut.is_finite() && (0.0..=100.0).contains(&cut)) {
            return Err(QceError::usage(format!("--other-below {cut}: give a percent between 0 and 100, e.g. 3")));
        }
    }
    let table = args.input.load()?;
    let lang = ctx.lang;
    let cat = table.keys(&args.category)?;
    let mut warnings = Vec::new();
    let counts = match &args.count {
        Some(c) => {
            let col = table.numeric(c)?;
            warnings.extend(excluded_warning(&col.name, &col.notes, lang));
            if let Some(i) = col.values.iter().position(|v| *v < 0.0) {
                return Err(QceError::input(format!(
                    "'{}', column '{}', row {}: count {} is negative. Counts must be ≥ 0.",
                    table.source.file,
                    col.name,
                    table.file_row(i),
                    col.values[i]
                ))
                .with_file(&table.source.file)
                .with_column(&col.name)
                .with_row(table.file_row(i)));
            }
            Some(col.values)
        }
        None => None,
    };
    let other = lang.t("其他", "Other");
    let stages: Vec<(String, Pareto)> = match &args.phase {
        None => {
            let (sums, skipped) = tally(&cat.codes, cat.names.len(), counts.as_deref());
            note_skipped(skipped, &cat.name, lang, &mut warnings);
            vec![(String::new(), pareto(&cat.names, &sums, args.other_below, other)?)]
        }
        Some(phase) => {
            let ph = table.keys(phase)?;
            let mut out = Vec::new();
            let mut skipped = 0usize;
            for (s, stage) in ph.names.iter().enumerate() {
                // Only this stage's rows count; categories keep their first appearance within the stage.
                let (names, cnt) = stage_tally(&cat.names, &cat.codes, &ph.codes, s as u32, counts.as_deref(), &mut skipped);
                let table = pareto(&names, &cnt, args.other_below, other).map_err(|mut e| {
                    e.message = format!("{} '{stage}': {}", lang.t("阶段", "stage"), e.message);
                    e
                })?;
                out.push((stage.clone(), table));
            }
            let blank_phase = ph.codes.iter().filter(|p| p.is_none()).count();
            skipped += blank_phase;
            note_skipped(skipped, &cat.name, lang, &mut warnings);
            if out.is_empty() {
                return Err(QceError::input(format!("column '{}' (--phase) is empty", ph.name)).with_column(&ph.name));
            }
            out
        }
    };
    if let Some(path) = &args.out {
        let title = match lang {
            Lang::Zh => format!("排列图：{}", cat.name),
            Lang::En => format!("Pareto chart of {}", cat.name),
        };
        let panels: Vec<Panel> = stages.iter().map(|(name, p)| Panel { title: name.clone(), pareto: p }).collect();
        let axis = args.count.clone().unwrap_or_else(|| lang.t("频数", "Count").to_string());
        crate::render::pareto::draw(path, &title, &axis, &panels, lang)?;
    }
    let mut text = stages.iter().map(|(name, p)| render_text(name, p, lang)).collect::<Vec<_>>().join("\n");
    if let Some(path) = &args.out {
        text += &format!("{} {}\n", lang.t("图已写入", "chart written to"), path.display());
    }
    let json = if args.phase.is_some() {
        let docs: Vec<serde_json::Value> = stages.iter().map(|(name, p)| stage_json(name, p)).collect();
        let phase = args.phase.as_deref().map(|p| super::common::column_name(&table, p)).transpose()?;
        let mut d = json!({"column": cat.name, "phase": phase, "stages": docs});
        if stages.len() >= 2 {
            d["comparison"] = comparison(&stages);
        }
        d
    } else {
        let mut d = serde_json::to_value(&stages[0].1).unwrap_or_default();
        d["column"] = json!(cat.name);
        d
    };
    let mut json = json;
    if let Some(path) = &args.out {
        json["chart"] = json!(path.display().to_string());
    }
    Ok(Output::new(json, text, warnings))
}

fn stage_tally(names: &[String], codes: &[Option<u32>], phases: &[Option<u32>], stage: u32, counts: Option<&[f64]>, skipped: &mut usize) -> (Vec<String>, Vec<f64>) {
    let mut local: Vec<Option<u32>> = vec![None; names.len()];
    let mut stage_names = Vec::new();
    let mut stage_codes = Vec::with_capacity(codes.len());
    for (i, c) in codes.iter().enumerate() {
        if phases[i] != Some(stage) {
            continue;
        }
        match c {
            Some(c) => {
                let l = *local[*c as usize].get_or_insert_with(|| {
                    stage_names.push(names[*c as usize].clone());
                    stage_names.len() as u32 - 1
                });
                stage_codes.push((Some(l), counts.map(|v| v[i])));
            }
            None => stage_codes.push((None, None)),
        }
    }
    let cs: Vec<Option<u32>> = stage_codes.iter().map(|p| p.0).collect();
    let ws: Option<Vec<f64>> = counts.map(|_| stage_codes.iter().map(|p| p.1.unwrap_or(f64::NAN)).collect());
    let (sums, sk) = tally(&cs, stage_names.len(), ws.as_deref());
    *skipped += sk;
    (stage_names, sums)
}

fn note_skipped(skipped: usize, column: &str, lang: Lang, warnings: &mut Vec<String>) {
    if skipped > 0 {
        warnings.push(match lang {
            Lang::Zh => format!("{skipped} 行的类别“{column}”、计数或阶段为空，未计入"),
            Lang::En => format!("{skipped} rows with a blank category '{column}', count or stage are left out"),
        });
    }
}

fn stage_json(name: &str, p: &Pareto) -> serde_json::Value {
    let mut d = serde_json::to_value(p).unwrap_or_default();
    d["name"] = json!(name);
    d
}

/// Per category (in the first stage's order, then new ones), its count and percent in every
/// stage: what a reviewer reads to see whether the top defect was cut.
fn comparison(stages: &[(String, Pareto)]) -> serde_json::Value {
    let mut names: Vec<String> = Vec::new();
    for (_, p) in stages {
        for c in &p.categories {
            if !names.contains(&c.name) {
                names.push(c.name.clone());
            }
        }
    }
    let rows: Vec<serde_json::Value> = names
        .iter()
        .map(|n| {
            let found: Vec<Option<&crate::pareto::Category>> = stages.iter().map(|(_, p)| p.categories.iter().find(|c| &c.name == n)).collect();
            json!({
                "name": n,
                "counts": found.iter().map(|c| c.map_or(0.0, |c| c.count)).collect::<Vec<_>>(),
                "percents": found.iter().map(|c| c.map_or(0.0, |c| c.percent)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"stages": stages.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(), "categories": rows})
}

fn render_text(stage: &str, p: &Pareto, lang: Lang) -> String {
    let header = match lang {
        Lang::Zh => ["#", "类别", "频数", "百分比", "累计百分比", ""],
        Lang::En => ["#", "Category", "Count", "Percent", "Cum. %", ""],
    };
    let mut t = TextTable::new(header).align_right(0).align_right(2).align_right(3).align_right(4);
    let max = p.categories.iter().map(|c| c.count).fold(0.0f64, f64::max);
    for (i, c) in p.categories.iter().enumerate() {
        let bar = if max > 0.0 { "█".repeat(((c.count / max) * 20.0).round() as usize) } else { String::new() };
        t.row([
            (i + 1).to_string(),
            c.name.clone(),
            fmt_num(Some(c.count)),
            format!("{:.1}", c.percent),
            format!("{:.1}", c.cumulative_percent),
            bar,
        ]);
    }
    let head = if stage.is_empty() { String::new() } else { format!("{stage}\n") };
    let total = fmt_num(Some(p.total));
    let vital = p.vital_few.join(lang.t("、", ", "));
    let tail = match lang {
        Lang::Zh => format!("合计 {total}；关键少数（累计 80%）：{vital}\n"),
        Lang::En => format!("Total {total}; vital few (80% cumulative): {vital}\n"),
    };
    format!("{head}{}{tail}", t.render())
}

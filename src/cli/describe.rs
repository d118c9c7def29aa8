//! `qce describe FILE --value COL [--by COL]`: descriptive statistics.

use super::common::{excluded_warning, InputArgs};
use super::{Ctx, Output};
use crate::describe::{summarize_owned, Summary};
use crate::error::{QceError, Result};
use crate::i18n::Lang;
use crate::render::{fmt_num, TextTable};
use clap::Args;
use serde_json::json;

/// Arguments of `qce describe`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce describe pistonrings.csv --value diameter
  qce describe improve.xlsx --value 直径 --by 阶段
  qce describe data.csv --value '#2' --json          # column by position

Quartiles by Minitab's method (Hyndman-Fan type 6); skewness and kurtosis as Excel SKEW/KURT.")]
pub struct DescribeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Measurement column (header text or #N).
    #[arg(long, value_name = "COL")]
    pub value: String,
    /// Group column: one summary per group, in order of first appearance.
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
}

/// Run `qce describe`.
pub fn run(args: &DescribeArgs, ctx: &Ctx) -> Result<Output> {
    let table = args.input.load()?;
    let col = table.numeric(&args.value)?;
    let mut warnings: Vec<String> = excluded_warning(&col.name, &col.notes, ctx.lang).into_iter().collect();
    let Some(by) = &args.by else {
        // Summarise in place: the column's own buffer, NaN (missing) entries dropped, no copy.
        let mut values = col.values;
        let before = values.len();
        values.retain(|v| !v.is_nan());
        let missing = before - values.len();
        let s = summarize_owned(&mut values, missing);
        let mut doc = serde_json::to_value(&s).unwrap_or_default();
        doc["column"] = json!(col.name);
        let text = render(&[(col.name.clone(), s)], ctx.lang);
        return Ok(Output::new(doc, text, warnings));
    };
    let keys = table.keys(by)?;
    let mut groups: Vec<Vec<f64>> = vec![Vec::new(); keys.names.len()];
    let mut missing = vec![0usize; keys.names.len()];
    let mut unlabeled = 0usize;
    for (v, code) in col.values.iter().zip(&keys.codes) {
        match (code, v.is_nan()) {
            (Some(c), false) => groups[*c as usize].push(*v),
            (Some(c), true) => missing[*c as usize] += 1,
            (None, nan) => unlabeled += usize::from(!nan),
        }
    }
    if keys.names.is_empty() {
        return Err(QceError::input(format!("column '{}' (--by) is empty", keys.name)).with_column(&keys.name));
    }
    if unlabeled > 0 {
        warnings.push(match ctx.lang {
            Lang::Zh => format!("{unlabeled} 个数值的分组列“{}”为空，未计入任何组", keys.name),
            Lang::En => format!("{unlabeled} values have a blank '{}' and belong to no group", keys.name),
        });
    }
    let rows: Vec<(String, Summary)> =
        keys.names.iter().zip(groups.iter_mut()).zip(&missing).map(|((name, vals), &m)| (name.clone(), summarize_owned(vals, m))).collect();
    let docs: Vec<serde_json::Value> = rows
        .iter()
        .map(|(name, s)| {
            let mut d = serde_json::to_value(s).unwrap_or_default();
            d["name"] = json!(name);
            d
        })
        .collect();
    let text = render(&rows, ctx.lang);
    Ok(Output::new(json!({"column": col.name, "group": keys.name, "groups": docs}), text, warnings))
}

/// Groups shown in the terminal table; the JSON always holds every group.
const MAX_TABLE_ROWS: usize = 500;

fn render(rows: &[(String, Summary)], lang: Lang) -> String {
    let header = match lang {
        Lang::Zh => ["", "N", "缺失", "均值", "标准差", "均值标准误", "最小值", "Q1", "中位数", "Q3", "最大值", "偏度", "峰度"],
        Lang::En => ["", "N", "N*", "Mean", "StDev", "SE Mean", "Minimum", "Q1", "Median", "Q3", "Maximum", "Skewness", "Kurtosis"],
    };
    let mut t = TextTable::new(header);
    for i in 1..header.len() {
        t = t.align_right(i);
    }
    for (name, s) in rows.iter().take(MAX_TABLE_ROWS) {
        t.row([
            name.clone(),
            s.n.to_string(),
            s.missing.to_string(),
            fmt_num(s.mean),
            fmt_num(s.sd),
            fmt_num(s.se_mean),
            fmt_num(s.min),
            fmt_num(s.q1),
            fmt_num(s.median),
            fmt_num(s.q3),
            fmt_num(s.max),
            fmt_num(s.skewness),
            fmt_num(s.kurtosis),
        ]);
    }
    let mut out = t.render();
    if rows.len() > MAX_TABLE_ROWS {
        out.push_str(&match lang {
            Lang::Zh => format!("……另有 {} 组未列出（完整结果见 --json）\n", rows.len() - MAX_TABLE_ROWS),
            Lang::En => format!("… {} more groups not shown (see --json for all)\n", rows.len() - MAX_TABLE_ROWS),
        });
    }
    out
}

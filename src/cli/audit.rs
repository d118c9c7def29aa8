//! `qce audit FILE --value COL ...`: data patterns that deserve a reviewer's question.

use super::common::{column_name, excluded_warning, InputArgs};
use super::{Ctx, Output};
use crate::error::{QceError, Result};
use crate::evidence::audit::{self, AuditData, AuditOptions, AuditReport, CheckStatus, RecordColumn};
use crate::i18n::Lang;
use crate::ingest::{ColumnKind, Table};
use crate::render::{fmt_num, TextTable};
use chrono::{NaiveDate, NaiveDateTime};
use clap::Args;
use serde_json::json;

/// Arguments of `qce audit`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce audit improve.xlsx --value 直径 --phase 阶段 --resolution 0.001
  qce audit data.csv --value thickness --lsl 2.3 --usl 2.7 --date 日期 --json
  qce audit data.csv --value 直径 --phase 阶段 --date 日期 --period-start 2024-03-01 \\
      --period-end 2024-09-30 --measures-date 2024-06-01

Checks: terminal-digit preference, repeated blocks, duplicated rows, data hugging the center
line, spread below the resolution, pile-up just inside a specification limit, values off the
stated resolution, values outside --min/--max, dates outside the project period or an after
stage dated before the measures. A flag is a question to ask, not a finding of fact.")]
pub struct AuditArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Measurement column.
    #[arg(long, value_name = "COL")]
    pub value: String,
    /// Stage column.
    #[arg(long, value_name = "COL")]
    pub phase: Option<String>,
    /// Stated measurement resolution (e.g. 0.001).
    #[arg(long, value_name = "X")]
    pub resolution: Option<f64>,
    /// Lower specification limit.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub lsl: Option<f64>,
    /// Upper specification limit.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub usl: Option<f64>,
    /// Smallest physically possible value.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub min: Option<f64>,
    /// Largest physically possible value.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub max: Option<f64>,
    /// Date column (checked against the project period).
    #[arg(long, value_name = "COL")]
    pub date: Option<String>,
    /// First day of the project period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub period_start: Option<String>,
    /// Last day of the project period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub period_end: Option<String>,
    /// Date the improvement measures were taken (YYYY-MM-DD): the after stage must not start before it.
    #[arg(long, value_name = "DATE")]
    pub measures_date: Option<String>,
    /// Label of the after stage (default: the last stage in the file).
    #[arg(long, value_name = "LABEL")]
    pub after_stage: Option<String>,
}

/// Run `qce audit`.
pub fn run(args: &AuditArgs, ctx: &Ctx) -> Result<Output> {
    let opts = options(args)?;
    let table = args.input.load()?;
    let (data, value_name, notes) = audit_data(&table, &args.value, args.phase.as_deref(), args.date.as_deref())?;
    let warnings: Vec<String> = excluded_warning(&value_name, &notes, ctx.lang).into_iter().collect();
    let report = audit::audit(&data, &opts);
    let mut doc = serde_json::to_value(&report).unwrap_or_default();
    doc["file"] = json!(table.source.file);
    doc["column"] = json!(value_name);
    if let Some(p) = &args.phase {
        doc["phase"] = json!(column_name(&table, p)?);
    }
    doc["flag_count"] = json!(report.flags.len());
    let text = render(&report, &value_name, ctx.lang);
    Ok(Output::new(doc, text, warnings))
}

/// The audit options from the command line, validated.
pub fn options(args: &AuditArgs) -> Result<AuditOptions> {
    if let Some(r) = args.resolution {
        if !(r.is_finite() && r > 0.0) {
            return Err(QceError::usage(format!("--resolution {r}: give the gauge's smallest step, a positive number such as 0.001")));
        }
    }
    if let (Some(l), Some(u)) = (args.lsl, args.usl) {
        if l >= u {
            return Err(QceError::analysis(format!("--lsl {l} is not below --usl {u}: check the specification limits")));
        }
    }
    if let (Some(l), Some(u)) = (args.min, args.max) {
        if l >= u {
            return Err(QceError::usage(format!("--min {l} is not below --max {u}")));
        }
    }
    let day = |flag: &str, v: &Option<String>| -> Result<Option<NaiveDate>> {
        v.as_deref()
            .map(|s| parse_date(s).map(|d| d.date()).ok_or_else(|| QceError::usage(format!("{flag} '{s}': not a date; write it as YYYY-MM-DD, e.g. 2024-06-01"))))
            .transpose()
    };
    let opts = AuditOptions {
        resolution: args.resolution,
        lsl: args.lsl,
        usl: args.usl,
        min: args.min,
        max: args.max,
        period_start: day("--period-start", &args.period_start)?,
        period_end: day("--period-end", &args.period_end)?,
        measures_date: day("--measures-date", &args.measures_date)?,
        after_stage: args.after_stage.clone(),
    };
    if let (Some(s), Some(e)) = (opts.period_start, opts.period_end) {
        if s > e {
            return Err(QceError::usage(format!("--period-start {s} is after --period-end {e}")));
        }
    }
    if (opts.period_start.is_some() || opts.period_end.is_some() || opts.measures_date.is_some()) && args.date.is_none() {
        return Err(QceError::usage("--period-start/--period-end/--measures-date need the date column: add --date COL"));
    }
    if opts.measures_date.is_some() && args.phase.is_none() {
        return Err(QceError::usage("--measures-date needs the stage column: add --phase COL"));
    }
    Ok(opts)
}

/// Build the audit's input from a table: the value column with cell addresses, stages, dates
/// and every column's text (for duplicated rows). Returns the data, the value column's name
/// and its excluded cells.
pub fn audit_data(table: &Table, value: &str, phase: Option<&str>, date: Option<&str>) -> Result<(AuditData, String, Vec<crate::ingest::CellNote>)> {
    let col = table.numeric(value)?;
    let vi = table.resolve(value)?;
    let letter = table.column(vi)?.letter;
    let rows: Vec<u64> = (0..table.height()).map(|i| table.file_row(i)).collect();
    let mut data = AuditData { values: col.values.clone(), letter, rows, ..Default::default() };
    if let Some(p) = phase {
        let keys = table.keys(p)?;
        data.stage = Some(keys.codes);
        data.stage_names = keys.names;
    }
    if let Some(d) = date {
        let di = table.resolve(d)?;
        let dletter = table.column(di)?.letter;
        data.dates = Some(table.dates(d)?);
        data.date_letter = Some(dletter);
    }
    data.record = record_columns(table)?;
    Ok((data, col.name, col.notes))
}

/// Every column's cell text, for the duplicated-rows check; empty when the table has fewer
/// than two number columns (the check does not apply, and reading every column of a large
/// file would cost time for nothing).
fn record_columns(table: &Table) -> Result<Vec<RecordColumn>> {
    let infos = table.columns()?;
    if infos.iter().filter(|c| c.kind == ColumnKind::Number).count() < 2 {
        return Ok(Vec::new());
    }
    infos
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind != ColumnKind::Empty)
        .map(|(i, c)| {
            let keys = table.keys(&format!("#{}", i + 1))?;
            Ok(RecordColumn { name: c.name.clone(), numeric: c.kind == ColumnKind::Number, codes: keys.codes, names: keys.names })
        })
        .collect()
}

/// A date as written on the command line: `2024-06-01`, `2024/6/1`, `2024.06.01`,
/// `2024年6月1日`, optionally followed by a time (`08:30`, `08:30:15`, or ISO `T08:30:00`).
pub fn parse_date(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim().replace(['年', '月', '/', '.'], "-").replace(['日', 'T'], " ");
    let t = t.trim();
    let (day, time) = match t.split_once(' ') {
        Some((d, rest)) => (d.trim_end_matches('-'), Some(rest.trim())),
        None => (t.trim_end_matches('-'), None),
    };
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    let time = match time.filter(|s| !s.is_empty()) {
        None => chrono::NaiveTime::MIN,
        Some(s) => chrono::NaiveTime::parse_from_str(s, "%H:%M:%S").or_else(|_| chrono::NaiveTime::parse_from_str(s, "%H:%M")).ok()?,
    };
    Some(date.and_time(time))
}

fn mark(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "✓",
        CheckStatus::Flag => "⚑",
        CheckStatus::NotEnoughData | CheckStatus::NotApplicable => "–",
    }
}

/// The human text: a table of checks, then each flag with its explanation and question.
pub fn render(report: &AuditReport, column: &str, lang: Lang) -> String {
    let mut s = String::new();
    let res = match &report.resolution {
        Some(r) => format!(
            "{}{}",
            fmt_num(Some(r.value)),
            if r.source == "stated" { lang.t("（声明）", " (stated)") } else { lang.t("（由数据推断）", " (inferred from the data)") }
        ),
        None => lang.t("未知", "unknown").to_string(),
    };
    s.push_str(&match lang {
        Lang::Zh => format!("数据审查：列“{column}”，{} 个数值，分辨力 {res}\n\n", report.n),
        Lang::En => format!("Data audit of column '{column}': {} values, resolution {res}\n\n", report.n),
    });
    let mut t = TextTable::new(["", lang.t("检查", "Check"), lang.t("阶段", "Stage"), lang.t("统计量", "Statistic"), "p", lang.t("结果", "Result")])
        .align_right(3)
        .align_right(4);
    for c in &report.checks {
        t.row([
            mark(c.status).to_string(),
            c.title.get(lang).to_string(),
            c.stage.clone().unwrap_or_else(|| lang.t("全部", "all").to_string()),
            c.statistic.map(|x| fmt_num(Some(x))).unwrap_or_default(),
            c.p_value.map(|p| if p < 1e-4 { "<0.0001".to_string() } else { format!("{p:.4}") }).unwrap_or_default(),
            c.note.get(lang).to_string(),
        ]);
    }
    s.push_str(&t.render());
    s.push('\n');
    if report.flags.is_empty() {
        s.push_str(lang.t(
            "没有需要提问的模式（✓ 通过，– 数据不足或不适用，不算通过）。\n",
            "No flag: nothing in these data calls for a question (✓ passed; – not enough data or not applicable, which is not a pass).\n",
        ));
        return s;
    }
    s.push_str(&match lang {
        Lang::Zh => format!("{} 项提示（值得向项目组提问，并非结论）：\n", report.flags.len()),
        Lang::En => format!(
            "{} flag{} (each deserves a question to the team, not a conclusion):\n",
            report.flags.len(),
            if report.flags.len() == 1 { "" } else { "s" }
        ),
    });
    for f in &report.flags {
        let sev = match (f.severity, lang) {
            (audit::Severity::High, Lang::Zh) => "高",
            (audit::Severity::Medium, Lang::Zh) => "中",
            (audit::Severity::Low, Lang::Zh) => "低",
            (audit::Severity::High, Lang::En) => "high",
            (audit::Severity::Medium, Lang::En) => "medium",
            (audit::Severity::Low, Lang::En) => "low",
        };
        s.push_str(&format!("\n⚑ {} [{}]\n  {}\n", f.code, sev, f.explanation.get(lang)));
        s.push_str(&format!("  {}{}\n", lang.t("提问：", "Question: "), f.question.get(lang)));
        if !f.cells.is_empty() {
            let more = if f.count.is_some_and(|c| c > f.cells.len()) && f.cells.len() == audit::MAX_CELLS { ", …" } else { "" };
            s.push_str(&format!("  {}{}{more}\n", lang.t("单元格：", "Cells: "), f.cells.join(", ")));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_people_write_them() {
        let d = |s: &str| parse_date(s).map(|x| x.to_string());
        assert_eq!(d("2024-06-01").as_deref(), Some("2024-06-01 00:00:00"));
        assert_eq!(d("2024/6/1 08:30").as_deref(), Some("2024-06-01 08:30:00"));
        assert_eq!(d("2024年6月1日").as_deref(), Some("2024-06-01 00:00:00"));
        assert_eq!(d("2024-06-01T08:30:15").as_deref(), Some("2024-06-01 08:30:15"));
        assert_eq!(d("June"), None);
    }
}

//! Dates against the project: measurements outside the project period, and an "after"
//! stage that starts before the improvement measures were taken. Both are facts, not
//! statistics: any date concerned is flagged (severity medium: a typing slip is common).

use super::{capped, flag, result, AuditData, AuditOptions, CheckStatus, Outcome, Severity, Text};
use chrono::NaiveDate;

/// Run both date checks.
pub(crate) fn check(data: &AuditData, opts: &AuditOptions, out: &mut Outcome) {
    period(data, opts, out);
    measures(data, opts, out);
}

fn dated(data: &AuditData) -> Vec<(usize, NaiveDate)> {
    data.dates.as_ref().map(|d| d.iter().enumerate().filter_map(|(i, x)| x.map(|t| (i, t.date()))).collect()).unwrap_or_default()
}

fn cell(data: &AuditData, i: usize) -> String {
    data.date_letter.as_deref().map_or_else(|| data.cell(i), |l| data.cell_in(l, i))
}

fn period(data: &AuditData, opts: &AuditOptions, out: &mut Outcome) {
    let mut c = result(
        "project_period",
        &None,
        Text::new("日期在项目周期内", "Dates within the project period"),
        Text::new("任一日期早于 --period-start 或晚于 --period-end 即提示", "flag any date before --period-start or after --period-end"),
    );
    let dates = dated(data);
    c.n = dates.len();
    if data.dates.is_none() || (opts.period_start.is_none() && opts.period_end.is_none()) {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("需要 --date 与 --period-start/--period-end", "needs --date and --period-start/--period-end");
        out.checks.push(c);
        return;
    }
    let outside: Vec<usize> = dates
        .iter()
        .filter(|(_, d)| opts.period_start.is_some_and(|s| *d < s) || opts.period_end.is_some_and(|e| *d > e))
        .map(|&(i, _)| i)
        .collect();
    c.count = Some(outside.len());
    let span = format!(
        "{} – {}",
        opts.period_start.map(|d| d.to_string()).unwrap_or_else(|| "…".into()),
        opts.period_end.map(|d| d.to_string()).unwrap_or_else(|| "…".into())
    );
    if outside.is_empty() {
        c.note = Text::new(format!("全部日期在 {span} 内"), format!("every date within {span}"));
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("{} 个日期在项目周期外", outside.len()), format!("{} dates outside the project period", outside.len()));
    out.checks.push(c);
    let mut f = flag("date_outside_period", "project_period", Severity::Medium, &None);
    f.count = Some(outside.len());
    f.numbers.insert("dates_outside", outside.len() as f64);
    f.cells = capped(&outside.iter().map(|&i| cell(data, i)).collect::<Vec<_>>());
    f.rows = capped(&outside.iter().map(|&i| data.row(i)).collect::<Vec<_>>());
    let ex = outside.iter().take(3).filter_map(|&i| dates.iter().find(|(j, _)| *j == i).map(|(_, d)| format!("{}={d}", cell(data, i)))).collect::<Vec<_>>().join(", ");
    f.explanation = Text::new(
        format!("{} 个测量日期不在项目周期 {span} 内（如 {ex}）。", outside.len()),
        format!("{} measurement dates fall outside the project period {span} (e.g. {ex}).", outside.len()),
    );
    f.question = Text::new("这些数据是否属于本项目？日期是否录错？", "Do these data belong to this project, or were the dates mistyped?");
    out.flags.push(f);
}

fn measures(data: &AuditData, opts: &AuditOptions, out: &mut Outcome) {
    let after_name = opts.after_stage.clone().or_else(|| data.stage_names.last().cloned());
    let mut c = result(
        "after_stage_dates",
        &after_name,
        Text::new("改进后阶段晚于措施实施日期", "After stage starts after the measures"),
        Text::new("改进后阶段任一日期早于 --measures-date 即提示", "flag any after-stage date before --measures-date"),
    );
    let (Some(codes), Some(measures), Some(after)) = (&data.stage, opts.measures_date, after_name.as_ref()) else {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("需要 --phase、--date 与 --measures-date", "needs --phase, --date and --measures-date");
        out.checks.push(c);
        return;
    };
    let Some(code) = data.stage_names.iter().position(|s| s == after) else {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new(format!("没有名为“{after}”的阶段"), format!("no stage named '{after}'"));
        out.checks.push(c);
        return;
    };
    let dates: Vec<(usize, NaiveDate)> = dated(data).into_iter().filter(|(i, _)| codes.get(*i).copied().flatten() == Some(code as u32)).collect();
    c.n = dates.len();
    if data.dates.is_none() || dates.is_empty() {
        c.status = CheckStatus::NotApplicable;
        c.note = Text::new("改进后阶段没有日期", "no dates in the after stage");
        out.checks.push(c);
        return;
    }
    let early: Vec<&(usize, NaiveDate)> = dates.iter().filter(|(_, d)| *d < measures).collect();
    c.count = Some(early.len());
    let first = dates.iter().map(|(_, d)| *d).min().unwrap_or(measures);
    if early.is_empty() {
        c.note = Text::new(format!("改进后阶段始于 {first}，不早于措施日期 {measures}"), format!("after stage starts {first}, not before the measures ({measures})"));
        out.checks.push(c);
        return;
    }
    c.status = CheckStatus::Flag;
    c.note = Text::new(format!("{} 个改进后数据早于措施日期", early.len()), format!("{} after-stage dates before the measures", early.len()));
    out.checks.push(c);
    let mut f = flag("after_stage_before_measures", "after_stage_dates", Severity::Medium, &Some(after.clone()));
    f.count = Some(early.len());
    f.numbers.insert("dates_before_measures", early.len() as f64);
    f.cells = capped(&early.iter().map(|(i, _)| cell(data, *i)).collect::<Vec<_>>());
    f.rows = capped(&early.iter().map(|(i, _)| data.row(*i)).collect::<Vec<_>>());
    f.explanation = Text::new(
        format!("“{after}”阶段有 {} 个数据的日期早于措施实施日期 {measures}（最早 {first}）。", early.len()),
        format!("{} values of stage '{after}' are dated before the measures were taken on {measures} (earliest {first}).", early.len()),
    );
    f.question = Text::new("这些数据是在措施实施之前还是之后测得的？阶段划分是否正确？", "Were these values measured before or after the measures took effect, and is the stage split right?");
    out.flags.push(f);
}

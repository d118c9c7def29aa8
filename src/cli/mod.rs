//! Command-line interface: clap definitions and glue only. Each command's arguments and its
//! `run` live in their own file; analysis and rendering happen in the library modules.

pub mod audit;
pub mod capability;
pub mod chart;
pub mod common;
pub mod compare;
pub mod demo;
pub mod describe;
pub mod inspect;
pub mod pareto;
pub mod report;
pub mod review;
pub mod test;
pub mod test_other;
pub mod test_param;

use crate::error::{QceError, Result};
use crate::i18n::Lang;
use clap::{Parser, Subcommand};

/// What every command gets besides its own arguments.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// Output language.
    pub lang: Lang,
    /// `--json`: one JSON document on stdout, nothing else.
    pub json: bool,
}

/// What a command produces: the JSON document, the human text, and warnings for stderr.
#[derive(Debug, Default)]
pub struct Output {
    /// The `--json` document (unless `stream` holds it).
    pub json: serde_json::Value,
    /// A `--json` document too large for a tree, written straight to stdout instead of `json`.
    pub stream: Option<JsonStream>,
    /// Human-readable output for the terminal.
    pub text: String,
    /// Warnings (excluded cells, assumptions), printed to stderr in both modes.
    pub warnings: Vec<String>,
}

/// A `--json` document serialised straight to its writer, never built as a `serde_json::Value`:
/// a chart of two million subgroups is ≈ 1 GB of JSON text, and its tree would take several
/// times that in memory and most of the run's time.
pub struct JsonStream(Box<dyn Document>);

/// What a [`JsonStream`] can do with the document it holds.
trait Document {
    fn write(&self, w: &mut dyn std::io::Write) -> serde_json::Result<()>;
    fn value(&self) -> serde_json::Result<serde_json::Value>;
}

impl<T: serde::Serialize> Document for T {
    fn write(&self, w: &mut dyn std::io::Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(w, self)
    }
    fn value(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::to_value(self)
    }
}

impl JsonStream {
    /// Hold `doc` to be written when the command's output is printed.
    pub fn new<T: serde::Serialize + 'static>(doc: T) -> Self {
        JsonStream(Box::new(doc))
    }
}

impl std::fmt::Debug for JsonStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsonStream")
    }
}

impl Output {
    /// A command's output with its JSON document as a tree.
    pub fn new(json: serde_json::Value, text: String, warnings: Vec<String>) -> Self {
        Output { json, stream: None, text, warnings }
    }

    /// The JSON document as a tree, wherever it is held (`compare` reads the documents of the
    /// commands it runs this way).
    pub fn into_json(self) -> Result<serde_json::Value> {
        match self.stream {
            Some(doc) => doc.0.value().map_err(|e| QceError::analysis(format!("cannot serialise the result: {e}"))),
            None => Ok(self.json),
        }
    }
}

const ABOUT: &str = "qce: statistical evidence of quality improvement from before/after measurement files\n\
质量攻关统计证据工具：控制图、过程能力、假设检验、排列图与评审报告";

const AFTER_HELP: &str = "Examples:
  qce demo                                         # build the bundled example report (reports/demo/index.html)
  qce inspect data.xlsx                            # what is in a file: sheets, header row, columns
  qce describe data.xlsx --value 直径 --by 阶段      # descriptive statistics per stage
  qce chart xbar-r data.csv --value diameter --subgroup sample --out xbar.svg
  qce capability data.csv --value 直径 --lsl 9.95 --usl 10.05 --phase 阶段
  qce test t2 data.csv --value 直径 --group 阶段
  qce report project.toml --out reports/myproject

Exit codes: 0 success, 2 usage error, 3 input error, 4 analysis impossible.
Language: --lang zh|en (default: Chinese when the system locale is Chinese).";

/// The `qce` command line.
#[derive(Debug, Parser)]
#[command(name = "qce", version, about = ABOUT, after_long_help = AFTER_HELP, after_help = AFTER_HELP)]
pub struct Cli {
    /// Print one JSON document on stdout (errors too), nothing else.
    #[arg(long, global = true)]
    pub json: bool,
    /// Output language: zh or en (default: from the system locale).
    #[arg(long, global = true, value_name = "zh|en")]
    pub lang: Option<String>,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Every command of the contract.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show sheets, the header row found, and each column's type, count, blanks and bad cells.
    Inspect(inspect::InspectArgs),
    /// Descriptive statistics of a column (optionally per group).
    Describe(describe::DescribeArgs),
    /// Control chart: xbar-r, xbar-s, i-mr, p, np, c, u, ewma, cusum, p-laney, u-laney.
    Chart(chart::ChartArgs),
    /// Process capability (Cp, Cpk, Pp, Ppk, PPM, confidence intervals), normal and non-normal.
    Capability(capability::CapabilityArgs),
    /// Pareto analysis of defect categories.
    Pareto(pareto::ParetoArgs),
    /// One hypothesis test (normality, t1, t2, paired, f, levene, bartlett, anova, ...).
    Test(test::TestArgs),
    /// Automatic before/after evidence: describe, stability, capability, tests, verdict.
    Compare(compare::CompareArgs),
    /// Build the full evidence report of a project file (PROJECT.toml).
    Report(report::ReportArgs),
    /// Flag data patterns that deserve a reviewer's question (digit preference, copies, ...).
    Audit(audit::AuditArgs),
    /// Build reports for many project folders and one summary table.
    Review(review::ReviewArgs),
    /// Build the bundled example project's report (default reports/demo).
    Demo(demo::DemoArgs),
}

/// Run the command line; returns the process exit code.
pub fn main() -> i32 {
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let wants_json = raw.iter().any(|a| a == "--json");
    let lang_env = lang_from_args(&raw).unwrap_or_else(Lang::from_env);
    let cli = match Cli::try_parse_from(&raw) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind as K;
            if matches!(e.kind(), K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand) {
                let _ = e.print();
                return if e.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand { 2 } else { 0 };
            }
            let err = QceError::usage(e.to_string().trim().trim_start_matches("error: ").to_string());
            return report_error(&err, wants_json);
        }
    };
    let lang = match cli.lang.as_deref() {
        None => lang_env,
        Some(l) => match Lang::parse(l) {
            Some(l) => l,
            None => return report_error(&QceError::usage(format!("--lang {l}: use zh or en")), cli.json),
        },
    };
    let ctx = Ctx { lang, json: cli.json };
    match dispatch(cli.command, &ctx) {
        Ok(out) => {
            emit(&out, &ctx);
            0
        }
        Err(err) => report_error(&err, ctx.json),
    }
}

fn lang_from_args(raw: &[std::ffi::OsString]) -> Option<Lang> {
    let pos = raw.iter().position(|a| a == "--lang")?;
    Lang::parse(raw.get(pos + 1)?.to_str()?)
}

/// Run one parsed command (also used by `compare`/`report` to run the contract commands they
/// assemble, so their numbers equal the commands' by construction).
pub(crate) fn dispatch(command: Command, ctx: &Ctx) -> Result<Output> {
    match command {
        Command::Inspect(a) => inspect::run(&a, ctx),
        Command::Describe(a) => describe::run(&a, ctx),
        Command::Chart(a) => chart::run(&a, ctx),
        Command::Capability(a) => capability::run(&a, ctx),
        Command::Pareto(a) => pareto::run(&a, ctx),
        Command::Test(a) => test::run(&a, ctx),
        Command::Compare(a) => compare::run(&a, ctx),
        Command::Report(a) => report::run(&a, ctx),
        Command::Audit(a) => audit::run(&a, ctx),
        Command::Review(a) => review::run(&a, ctx),
        Command::Demo(a) => demo::run(&a, ctx),
    }
}

fn emit(out: &Output, ctx: &Ctx) {
    use std::io::Write;
    for w in common::take_skipped_warnings(ctx.lang).iter().chain(&out.warnings) {
        eprintln!("{} {w}", ctx.lang.t("警告：", "warning:"));
    }
    // Buffered: stdout alone flushes at every line end, and pretty JSON is many lines.
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let _ = match (&out.stream, ctx.json) {
        (Some(doc), true) => doc.0.write(&mut stdout).map_err(std::io::Error::from).and_then(|()| writeln!(stdout)),
        (None, true) => writeln!(stdout, "{}", serde_json::to_string_pretty(&out.json).unwrap_or_else(|_| "{}".into())),
        (_, false) => write!(stdout, "{}", out.text),
    };
    let _ = stdout.flush();
}

fn report_error(err: &QceError, json: bool) -> i32 {
    eprintln!("qce: {}", err.message);
    if json {
        println!("{}", serde_json::to_string_pretty(&err.to_json()).unwrap_or_default());
    }
    err.exit_code()
}

/// The error of a command whose issue has not landed yet (exit 4, as agreed in issue 2).
pub fn not_implemented(what: &str) -> QceError {
    QceError::analysis(format!("'{what}' is not implemented yet in this version of qce."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Doc {
        name: &'static str,
        values: Vec<f64>,
        missing: Option<f64>,
    }

    #[test]
    fn a_streamed_document_is_the_tree_it_replaces() {
        let doc = || Doc { name: "改进前", values: vec![1.5, f64::NAN, -0.0, 1e-300], missing: None };
        let tree = serde_json::to_value(doc()).unwrap();
        let stream = JsonStream::new(doc());
        let mut text = Vec::new();
        stream.0.write(&mut text).unwrap();
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&text).unwrap(), tree);
        let out = Output { stream: Some(stream), ..Output::new(serde_json::Value::Null, String::new(), vec![]) };
        assert_eq!(out.into_json().unwrap(), tree);
        assert_eq!(tree["values"][1], serde_json::Value::Null, "NaN is written as null, as the contract's missing values");
    }
}

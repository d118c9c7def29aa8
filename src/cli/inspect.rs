//! `qce inspect FILE`: what is in a file.

use super::common::InputArgs;
use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;

/// Arguments of `qce inspect`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  qce inspect 曲轴磨削记录.xlsx\n  qce inspect data.csv --json\n  qce inspect book.xlsx --sheet 2 --header-row 3")]
pub struct InspectArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Run `qce inspect`.
pub fn run(args: &InspectArgs, _ctx: &Ctx) -> Result<Output> {
    let table = args.input.load()?;
    let json = serde_json::json!({
        "file": table.source.file,
        "format": table.source.format,
        "sheet": table.source.sheet,
        "sheets": table.source.sheets,
        "header_row": table.source.header_row,
        "encoding": table.source.encoding,
        "rows": table.height(),
        "columns": table.columns()?,
    });
    let mut text = String::new();
    for c in &table.columns()? {
        text.push_str(&format!("{}\t{}\t{:?}\t{}\t{}\n", c.letter, c.name, c.kind, c.count, c.blank));
    }
    Ok(Output { json, text, warnings: vec![] })
}

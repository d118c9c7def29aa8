//! `qce demo`: the bundled example project's evidence report.

use super::{Ctx, Output};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `qce demo`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  qce demo                       # writes reports/demo/index.html
  qce demo --out /tmp/demo --lang en")]
pub struct DemoArgs {
    /// Output folder (default reports/demo).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Run `qce demo`.
pub fn run(args: &DemoArgs, _ctx: &Ctx) -> Result<Output> {
    let _ = args;
    Err(super::not_implemented("demo"))
}

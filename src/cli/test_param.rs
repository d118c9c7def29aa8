//! `qce test` glue for some of the tests (see cli/test.rs).

use super::test::TestArgs;
use super::{Ctx, Output};
use crate::error::Result;

/// Run one of this file's tests.
pub fn run(args: &TestArgs, _ctx: &Ctx) -> Result<Output> {
    Err(super::not_implemented(&format!("test {}", args.name)))
}

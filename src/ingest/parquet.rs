//! Apache Parquet through polars: columns keep their types; the header is row 1.

use super::table::{from_frame, Source};
use super::{Format, LoadOptions, Table};
use crate::error::{QceError, Result};
use polars::prelude::*;
use std::path::Path;

/// Read a parquet file.
pub(crate) fn load(path: &Path, shown: &str, opts: &LoadOptions) -> Result<Table> {
    let file = std::fs::File::open(path).map_err(|e| QceError::input(format!("cannot read '{shown}': {e}")).with_file(shown))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| QceError::input(format!("'{shown}' is not a valid parquet file ({e}). Write it again with pandas/polars/arrow, or export it as .csv.")).with_file(shown))?;
    if df.width() == 0 {
        return Err(QceError::input(format!("'{shown}' has no columns.")).with_file(shown));
    }
    let source = Source { file: shown.to_string(), format: Format::Parquet, sheet: None, sheets: vec![], header_row: 1, encoding: None, delimiter: None };
    let table = from_frame(source, df, opts.skip_bad)?;
    if table.height() == 0 {
        return Err(QceError::input(format!("'{shown}' has columns but no rows.")).with_file(shown));
    }
    Ok(table)
}

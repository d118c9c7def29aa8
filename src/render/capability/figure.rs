//! The capability sixpack figure.

use crate::capability::{CapabilityResult, Options};
use crate::dataset::Subgroups;
use crate::error::{QceError, Result};
use crate::i18n::Lang;
use std::path::Path;

/// Write the capability figure to `path` (.svg or .png).
pub fn write_figure(path: &Path, _res: &CapabilityResult, _sg: &Subgroups, _opts: &Options, _lang: Lang) -> Result<()> {
    Err(QceError::analysis(format!("the capability figure ({}) is not implemented yet", path.display())))
}

//! qc-evidence: statistical evidence of a quality improvement.
//!
//! Data flows one way: [`ingest`] (files to a typed [`ingest::Table`]) → analysis modules
//! ([`describe`], [`spc`], [`capability`], [`tests`], [`pareto`], [`evidence`]), which are pure
//! functions from slices to plain `serde::Serialize` result structs → [`render`] (charts, HTML,
//! terminal tables). [`cli`] is clap definitions and glue only.

pub mod alloc;
pub mod capability;
pub mod cli;
pub mod dataset;
pub mod describe;
pub mod error;
pub mod evidence;
pub mod i18n;
pub mod ingest;
pub mod label;
pub mod num;
pub mod pareto;
pub mod render;
pub mod spc;
pub mod tests;

pub use error::{QceError, Result};
pub use i18n::Lang;

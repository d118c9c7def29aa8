//! Rendering: terminal tables, number formatting, charts (SVG/PNG) and HTML views of results.
//! Nothing here computes statistics; it draws what the analysis modules return.

pub mod capability;
pub mod control;
pub mod font;
pub mod html;
pub mod pareto;
pub mod plot;
pub mod table;

pub use table::{fmt_num, Table as TextTable};

//! The evidence pack: before/after comparison (`compare`), the data audit (`audit`), the
//! project file and report model (`project`, `report`), and batch review (`review`).

pub mod audit;
pub mod compare;
pub mod project;
pub mod report;
pub mod review;
pub mod bonett;
pub mod compare_text;

//! The evidence pack: before/after comparison, data audit, project report model.

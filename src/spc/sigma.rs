//! Within-subgroup sigma estimators.

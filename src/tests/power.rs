//! (parametric tests; see tests/mod.rs)

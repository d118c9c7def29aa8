//! (rank, count and rate tests; see tests/mod.rs)

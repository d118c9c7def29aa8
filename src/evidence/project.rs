//! (see evidence/mod.rs)

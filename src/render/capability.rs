//! (see render/mod.rs)

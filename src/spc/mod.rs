//! Statistical process control: control charts (Shewhart, attribute, EWMA, CUSUM) and the
//! Nelson tests. Pure computation; results are plain serde structs drawn by `render`.

pub mod constants;
pub mod sigma;

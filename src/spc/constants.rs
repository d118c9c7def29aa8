//! Control chart constants d2, d3, c4.

//! Pareto analysis of categories.

//! Hypothesis tests (normality, t, F, Levene, Bartlett, ANOVA with Tukey, rank tests, χ²,
//! Fisher, two proportions, two Poisson rates), each a pure function returning a plain
//! result struct. Distributions come from statrs; what no crate has is written here with its
//! source cited (Shapiro–Wilk, Anderson–Darling p, Lilliefors p, studentized range, exact
//! rank distributions).

pub mod alternative;
pub mod anova;
pub mod contingency;
pub mod normality;
pub mod power;
pub mod rank;
pub mod rates;
pub mod ttest;
pub mod variance;

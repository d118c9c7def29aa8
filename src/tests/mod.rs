//! Hypothesis tests (normality, t, F, Levene, Bartlett, ANOVA, rank tests, χ², proportions,
//! Poisson rates), each returning a plain result struct.

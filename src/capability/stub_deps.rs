//! TEMPORARY stand-ins for colleagues' APIs (`crate::spc::sigma`, `crate::spc::constants`,
//! `crate::tests::normality`) so this module compiles before they land on main.
//! Deleted once `git merge main` brings the real ones.
#![allow(dead_code)]

use crate::dataset::{StageSpan, Subgroups};
use crate::error::{QceError, Result};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

/// qcc's tabulated d2 (3 decimals).
pub fn d2(n: usize) -> f64 {
    const T: [f64; 24] = [1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078, 3.173, 3.258, 3.336, 3.407, 3.472, 3.532, 3.588, 3.640, 3.689, 3.735, 3.778, 3.819, 3.858, 3.895, 3.931];
    T[(n.clamp(2, 25)) - 2]
}

/// c4 exact.
pub fn c4(n: usize) -> f64 {
    use statrs::function::gamma::ln_gamma;
    let nf = n as f64;
    (2.0 / (nf - 1.0)).sqrt() * (ln_gamma(nf / 2.0) - ln_gamma((nf - 1.0) / 2.0)).exp()
}

/// Within sigma estimators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SigmaMethod {
    Rbar,
    Sbar,
    Pooled,
    Mr,
}

impl SigmaMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SigmaMethod::Rbar => "rbar",
            SigmaMethod::Sbar => "sbar",
            SigmaMethod::Pooled => "pooled",
            SigmaMethod::Mr => "mr",
        }
    }
}

impl std::str::FromStr for SigmaMethod {
    type Err = QceError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "rbar" => Ok(SigmaMethod::Rbar),
            "sbar" => Ok(SigmaMethod::Sbar),
            "pooled" => Ok(SigmaMethod::Pooled),
            "mr" => Ok(SigmaMethod::Mr),
            _ => Err(QceError::usage(format!("--sigma {s}: use rbar, sbar, pooled or mr"))),
        }
    }
}

/// A within sigma with its degrees of freedom.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SigmaEstimate {
    pub method: SigmaMethod,
    pub sigma: f64,
    pub df: f64,
}

pub fn default_method(sg: &Subgroups) -> SigmaMethod {
    if sg.individuals { SigmaMethod::Mr } else { SigmaMethod::Rbar }
}

pub fn sigma_within(sg: &Subgroups, st: &StageSpan, m: SigmaMethod) -> Result<SigmaEstimate> {
    let k = st.end - st.start;
    match m {
        SigmaMethod::Mr => {
            let x = sg.stage_values(st);
            if x.len() < 2 {
                return Err(QceError::analysis("MR needs 2 values"));
            }
            let s: f64 = x.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (x.len() - 1) as f64;
            Ok(SigmaEstimate { method: m, sigma: s / d2(2), df: (x.len() - 1) as f64 })
        }
        SigmaMethod::Rbar => {
            let mut r = 0.0;
            let mut nsum = 0usize;
            for i in st.start..st.end {
                let g = sg.subgroup(i);
                let mx = g.iter().cloned().fold(f64::MIN, f64::max);
                let mn = g.iter().cloned().fold(f64::MAX, f64::min);
                r += mx - mn;
                nsum += g.len();
            }
            let n = sg.size(st.start);
            Ok(SigmaEstimate { method: m, sigma: r / k as f64 / d2(n), df: 0.9 * k as f64 * (nsum as f64 / k as f64 - 1.0) })
        }
        SigmaMethod::Sbar | SigmaMethod::Pooled => {
            let mut ss = 0.0;
            let mut d = 0usize;
            for i in st.start..st.end {
                let g = sg.subgroup(i);
                let m = crate::num::mean(g);
                ss += crate::num::sum_sq_dev(g, m);
                d += g.len() - 1;
            }
            Ok(SigmaEstimate { method: m, sigma: (ss / d as f64).sqrt() / c4(d + 1), df: d as f64 })
        }
    }
}

/// Normality result.
#[derive(Debug, Clone, Serialize)]
pub struct NormalityResult {
    pub test: String,
    pub statistic: f64,
    pub p_value: f64,
}

/// nortest::ad.test.
pub fn anderson_darling(xs: &[f64]) -> Option<NormalityResult> {
    let n = xs.len();
    if n < 8 {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let m = crate::num::mean(&v);
    let s = crate::num::sd(&v);
    let nd = Normal::new(0.0, 1.0).ok()?;
    let mut h = 0.0;
    for i in 0..n {
        let a = nd.cdf((v[i] - m) / s).ln();
        let b = nd.sf((v[n - 1 - i] - m) / s).ln();
        h += (2.0 * i as f64 + 1.0) * (a + b);
    }
    let a = -(n as f64) - h / n as f64;
    let nf = n as f64;
    let aa = (1.0 + 0.75 / nf + 2.25 / (nf * nf)) * a;
    let p = if aa < 0.2 {
        1.0 - (-13.436 + 101.14 * aa - 223.73 * aa * aa).exp()
    } else if aa < 0.34 {
        1.0 - (-8.318 + 42.796 * aa - 59.938 * aa * aa).exp()
    } else if aa < 0.6 {
        (0.9177 - 4.279 * aa - 1.38 * aa * aa).exp()
    } else if aa < 10.0 {
        (1.2937 - 5.709 * aa + 0.0186 * aa * aa).exp()
    } else {
        3.7e-24
    };
    Some(NormalityResult { test: "anderson-darling".into(), statistic: a, p_value: p })
}

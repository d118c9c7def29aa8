//! Process capability: Cp, Cpk, Pp, Ppk, Cpm, PPM, confidence intervals, non-normal methods.

//! Small shared chart primitives on top of plotters, used by the control, capability and
//! Pareto figures: a [`Figure`] trait drawn on any backend and [`save`]d as SVG or PNG by the
//! file extension, a pixel [`Frame`] (data ↔ pixel mapping, axes, ticks), fonts in the CJK
//! family of [`super::font`], number formatting for ticks and limit labels, label thinning.
//!
//! Everything is drawn in pixel coordinates on the root area, which keeps panels aligned and
//! gives full control of labels (plotters' own mesh is not used).
//!
//! ```ignore
//! struct Mine;
//! impl Figure for Mine {
//!     fn size(&self) -> (u32, u32) { (800, 500) }
//!     fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<()> {
//!         let f = Frame::new((70, 40, 650, 400), (0.0, 10.0), (0.0, 1.0));
//!         f.axes(root, "x", "y", &nice_ticks(0.0, 1.0, 5))?;
//!         Ok(())
//!     }
//! }
//! save(&Mine, Path::new("out.svg"))?;
//! ```

use crate::error::{QceError, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// The drawing area every figure draws on.
pub type Area<DB> = DrawingArea<DB, Shift>;

/// Minitab-like palette.
pub mod colors {
    use plotters::style::RGBColor;
    /// Data line and points.
    pub const DATA: RGBColor = RGBColor(31, 95, 168);
    /// Control limits and failed points.
    pub const LIMIT: RGBColor = RGBColor(200, 30, 30);
    /// Center line.
    pub const CENTER: RGBColor = RGBColor(20, 140, 60);
    /// Axes and text.
    pub const INK: RGBColor = RGBColor(40, 40, 40);
    /// Stage boundaries and secondary text.
    pub const MUTED: RGBColor = RGBColor(120, 120, 120);
    /// Light fill (stage name bands).
    pub const LIGHT: RGBColor = RGBColor(245, 245, 245);
}

/// A figure that can draw itself on any plotters backend.
pub trait Figure {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draw on the (white-filled) root area.
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<()>;
}

/// Map a plotters error to ours.
pub fn err<E: std::fmt::Debug>(e: E) -> QceError {
    QceError::analysis(format!("drawing the chart failed: {e:?}"))
}

/// Write the figure to `path`: `.svg` (text, fonts resolved by the viewer) or `.png`
/// (rasterised with the CJK font found by [`super::font::ensure_bitmap_font`]).
pub fn save(fig: &impl Figure, path: &Path) -> Result<()> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let size = fig.size();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(QceError::usage(format!("--out {}: folder {} does not exist", path.display(), dir.display())));
        }
    }
    match ext.as_str() {
        "svg" => {
            let mut buf = String::new();
            {
                let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
                root.fill(&WHITE).map_err(err)?;
                fig.draw(&root)?;
                root.present().map_err(err)?;
            }
            std::fs::write(path, buf).map_err(|e| QceError::usage(format!("cannot write {}: {e}", path.display())))
        }
        "png" => {
            super::font::ensure_bitmap_font()?;
            let root = BitMapBackend::new(path, size).into_drawing_area();
            root.fill(&WHITE).map_err(err)?;
            fig.draw(&root)?;
            root.present().map_err(|e| QceError::usage(format!("cannot write {}: {e:?}", path.display())))
        }
        _ => Err(QceError::usage(format!("--out {}: use a .svg or .png file name", path.display()))),
    }
}

/// Text style in the chart font family, anchored at (h, v).
pub fn font(size: f64, color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (super::font::SVG_FAMILY, size).into_font().color(color).pos(Pos::new(h, v))
}

/// Approximate rendered width of a text in pixels (CJK glyphs one em, others ~0.58 em).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { size } else { 0.58 * size }).sum()
}

/// Draw a text.
pub fn text<DB: DrawingBackend>(root: &Area<DB>, s: &str, at: (i32, i32), style: &TextStyle) -> Result<()> {
    root.draw(&Text::new(s.to_string(), at, style.clone())).map_err(err)
}

/// Draw a polyline.
pub fn line<DB: DrawingBackend>(root: &Area<DB>, pts: Vec<(i32, i32)>, color: &RGBColor, width: u32) -> Result<()> {
    if pts.len() < 2 {
        return Ok(());
    }
    root.draw(&PathElement::new(pts, color.stroke_width(width))).map_err(err)
}

/// Draw a dashed straight line from `a` to `b` (dash and gap in pixels).
pub fn dashed<DB: DrawingBackend>(root: &Area<DB>, a: (i32, i32), b: (i32, i32), color: &RGBColor, dash: f64, gap: f64) -> Result<()> {
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    if len == 0.0 {
        return Ok(());
    }
    let mut t = 0.0;
    while t < len {
        let e = (t + dash).min(len);
        let p = |s: f64| ((a.0 as f64 + dx * s / len).round() as i32, (a.1 as f64 + dy * s / len).round() as i32);
        line(root, vec![p(t), p(e)], color, 1)?;
        t = e + gap;
    }
    Ok(())
}

/// `v.round() as i32` (half away from zero, saturating, NaN → 0) without a call to the C
/// library's `round` (x86-64 without SSE4.1 has no rounding instruction; charts of millions of
/// points map every point through here). The fractional part `v − trunc(v)` of a double is
/// exact, so comparing it with ½ rounds exactly as `round` does.
#[inline]
pub fn round_i32(v: f64) -> i32 {
    if !(v.abs() < 4.5e15) {
        return v.round() as i32;
    }
    let t = v as i64 as f64;
    let d = v - t;
    let r = if d >= 0.5 { t + 1.0 } else if d <= -0.5 { t - 1.0 } else { t };
    r as i32
}

/// A plot rectangle in pixels with its data ranges.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Left edge (px).
    pub left: i32,
    /// Top edge (px).
    pub top: i32,
    /// Width (px).
    pub width: i32,
    /// Height (px).
    pub height: i32,
    /// Data x range shown.
    pub x: (f64, f64),
    /// Data y range shown.
    pub y: (f64, f64),
}

impl Frame {
    /// A frame at `(left, top, width, height)` showing the data ranges `x` and `y`.
    pub fn new(rect: (i32, i32, i32, i32), x: (f64, f64), y: (f64, f64)) -> Self {
        Frame { left: rect.0, top: rect.1, width: rect.2, height: rect.3, x, y }
    }
    /// Pixel column of data x.
    pub fn px(&self, x: f64) -> i32 {
        round_i32(self.left as f64 + (x - self.x.0) / (self.x.1 - self.x.0) * self.width as f64)
    }
    /// Pixel row of data y.
    pub fn py(&self, y: f64) -> i32 {
        round_i32(self.top as f64 + (self.y.1 - y) / (self.y.1 - self.y.0) * self.height as f64)
    }
    /// Right edge (px).
    pub fn right(&self) -> i32 {
        self.left + self.width
    }
    /// Bottom edge (px).
    pub fn bottom(&self) -> i32 {
        self.top + self.height
    }
    /// Box, y ticks with labels, and the y-axis caption (rotated text is avoided: the caption
    /// goes above the axis, which also suits Chinese).
    pub fn axes<DB: DrawingBackend>(&self, root: &Area<DB>, y_caption: &str, y_ticks: &[f64]) -> Result<()> {
        let ink = colors::INK;
        root.draw(&Rectangle::new([(self.left, self.top), (self.right(), self.bottom())], ink.stroke_width(1))).map_err(err)?;
        let step = if y_ticks.len() > 1 { y_ticks[1] - y_ticks[0] } else { 1.0 };
        let style = font(12.0, &ink, HPos::Right, VPos::Center);
        for &t in y_ticks {
            let y = self.py(t);
            if y < self.top || y > self.bottom() {
                continue;
            }
            line(root, vec![(self.left - 4, y), (self.left, y)], &ink, 1)?;
            text(root, &fmt_tick(t, step), (self.left - 7, y), &style)?;
        }
        text(root, y_caption, (self.left, self.top - 8), &font(13.0, &ink, HPos::Left, VPos::Bottom))
    }
}

/// About `target` round tick values covering [lo, hi] (steps 1, 2, 5 × 10^k).
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(hi > lo) || !lo.is_finite() || !hi.is_finite() {
        return vec![lo];
    }
    let target = target.max(2);
    let raw = (hi - lo) / target as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let ticks = |step: f64| -> Vec<f64> {
        let first = (lo / step - 1e-9).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        (first..=last).map(|i| i as f64 * step).collect()
    };
    // the round step whose tick count is closest to the target (the larger step on ties)
    [10.0, 5.0, 2.0, 1.0]
        .iter()
        .map(|m| ticks(m * mag))
        .min_by_key(|t| t.len().abs_diff(target))
        .unwrap_or_default()
}

/// A tick label with just the decimals its step needs ("74.01", "0.025", "1200").
pub fn fmt_tick(x: f64, step: f64) -> String {
    let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor() as usize + usize::from(((step / 10f64.powf(step.log10().floor())) - 2.5).abs() < 1e-9)).min(12) };
    let s = format!("{:.*}", decimals, if x.abs() < step * 1e-9 { 0.0 } else { x });
    s
}

/// A limit label value with four significant decimals of the spread between the limits, as
/// Minitab prints them ("74.0143", "0.02276" → "0.0228"); exact zero prints "0".
pub fn fmt_limit(x: f64, spread: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let spread = if spread > 0.0 && spread.is_finite() { spread } else { x.abs().max(1e-12) };
    let decimals = (2 - spread.log10().floor() as i32).clamp(0, 12) as usize;
    format!("{x:.decimals$}")
}

/// Every how many points to print an x label so that labels of `max_label_px` never
/// overlap when points are `px_per_point` apart: 1, 2, 5, 10, 20, 50, ...
pub fn label_step(max_label_px: f64, px_per_point: f64) -> usize {
    let need = ((max_label_px + 8.0) / px_per_point.max(1e-9)).ceil().max(1.0) as usize;
    let mut s = 1usize;
    loop {
        for m in [1, 2, 5] {
            if s * m >= need {
                return s * m;
            }
        }
        s *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_i32_rounds_as_round_does() {
        let mut rng = crate::num::testgen::Xorshift::new(0x9E37_79B9_7F4A_7C15);
        let special = [0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994, -0.49999999999999994, 4503599627370495.5, 1e300, -1e300, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 2147483647.5, -2147483648.5, 3e9];
        for v in special.into_iter().chain((0..100_000).map(|_| (rng.uniform() - 0.5) * 4000.0)) {
            assert_eq!(round_i32(v), v.round() as i32, "{v}");
        }
        for k in -3000..3000 {
            let v = k as f64 / 2.0;
            assert_eq!(round_i32(v), v.round() as i32, "{v}");
        }
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = nice_ticks(73.985, 74.02, 5);
        assert!(t.len() >= 3 && t.len() <= 8, "{t:?}");
        assert!(t.iter().all(|&x| (73.985..=74.02).contains(&x)));
        assert_eq!(fmt_tick(74.01, 0.01), "74.01");
        assert_eq!(fmt_tick(0.025, 0.025), "0.025");
        assert_eq!(fmt_tick(1200.0, 200.0), "1200");
    }

    #[test]
    fn limit_labels_like_minitab() {
        assert_eq!(fmt_limit(74.01430400700805, 0.026), "74.0143");
        assert_eq!(fmt_limit(73.98804799, 0.026), "73.9880");
        assert_eq!(fmt_limit(0.0, 0.05), "0");
        assert_eq!(fmt_limit(0.048125330154772356, 0.048), "0.0481");
    }

    #[test]
    fn label_thinning() {
        assert_eq!(label_step(30.0, 40.0), 1);
        assert_eq!(label_step(30.0, 10.0), 5);
        assert_eq!(label_step(60.0, 0.01), 10000);
        assert!(text_width("改进前", 12.0) > text_width("abc", 12.0));
    }
}

//! The CJK font route for charts.
//!
//! SVG charts name a font-family list that every viewer resolves with its own fonts
//! ([`SVG_FAMILY`]), so Chinese renders in browsers without embedding anything. PNG charts are
//! rasterised here and need the glyphs themselves: we load one CJK font file found on the
//! system (Debian package `fonts-wqy-microhei`, installed by the README set-up and
//! `.ci/run`; Noto Sans CJK and others also work) and register it with plotters' ab_glyph
//! backend under the same family name, so one drawing routine serves both formats.
//!
//! Lookup order: `$QCE_FONT` (a .ttf/.ttc/.otf path), `fc-match` for a Chinese sans-serif,
//! then well-known paths. plotters also measures text with the registered font when it lays out
//! an SVG, so [`ensure_svg_font`] registers the CJK font when there is one and otherwise any
//! font the system has (its widths only place labels; the viewer draws the text with its own
//! CJK fonts). Missing CJK font: PNG output fails with a message saying what to install; SVG
//! output still works as long as the system has any font at all.

use crate::error::{QceError, Result};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The font-family used by every chart (SVG attribute, and the PNG registration key).
pub const SVG_FAMILY: &str = "WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif";

const KNOWN_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:\\Windows\\Fonts\\msyh.ttc",
    "C:\\Windows\\Fonts\\simhei.ttf",
];

/// Fonts that only measure SVG text when no CJK font exists (Latin metrics are close enough
/// to place labels; the SVG viewer renders the glyphs).
const METRIC_FALLBACKS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
    "/System/Library/Fonts/Helvetica.ttc",
];

static REGISTERED: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
static SVG_METRICS: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();

/// Make sure a CJK font is registered for bitmap (PNG) drawing; returns its path.
pub fn ensure_bitmap_font() -> Result<PathBuf> {
    REGISTERED.get_or_init(register).clone().map_err(QceError::analysis)
}

/// Make sure some font is registered so that plotters can lay out SVG text: the CJK font when
/// there is one, else any system font (see the module docs).
pub fn ensure_svg_font() -> Result<PathBuf> {
    if let Ok(p) = ensure_bitmap_font() {
        return Ok(p);
    }
    SVG_METRICS
        .get_or_init(|| {
            let path = any_font().ok_or_else(|| {
                "no font at all was found to lay out the chart's text. Install one (Debian/Ubuntu: \
                 apt-get install fonts-wqy-microhei), or set QCE_FONT to a .ttf/.ttc file."
                    .to_string()
            })?;
            register_file(path)
        })
        .clone()
        .map_err(QceError::analysis)
}

fn register() -> std::result::Result<PathBuf, String> {
    let path = find_font().ok_or_else(|| {
        "no CJK font found for PNG charts. Install one (Debian/Ubuntu: apt-get install fonts-wqy-microhei), \
         or set QCE_FONT to a .ttf/.ttc file, or write the chart as .svg instead."
            .to_string()
    })?;
    register_file(path)
}

/// Any font file the system has (for SVG text metrics only).
fn any_font() -> Option<PathBuf> {
    if let Ok(out) = std::process::Command::new("fc-match").args(["-f", "%{file}", "sans-serif"]).output() {
        let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if p.is_file() {
            return Some(p);
        }
    }
    METRIC_FALLBACKS.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// Read a font file and register it under [`SVG_FAMILY`] (normal and bold).
fn register_file(path: PathBuf) -> std::result::Result<PathBuf, String> {
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read font {}: {e}", path.display()))?;
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font(SVG_FAMILY, plotters::style::FontStyle::Normal, bytes)
        .map_err(|_| format!("font {} could not be loaded (not a TrueType/OpenType font?)", path.display()))?;
    plotters::style::register_font(SVG_FAMILY, plotters::style::FontStyle::Bold, bytes)
        .map_err(|_| format!("font {} could not be loaded", path.display()))?;
    Ok(path)
}

/// Find a font file with Chinese glyphs.
pub fn find_font() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("QCE_FONT") {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Some(p);
        }
    }
    if let Ok(out) = std::process::Command::new("fc-match").args(["-f", "%{file}", "sans-serif:lang=zh-cn"]).output() {
        let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let name = p.to_string_lossy().to_lowercase();
        if p.is_file() && (name.contains("wqy") || name.contains("cjk") || name.contains("han") || name.contains("hei") || name.contains("ming") || name.contains("song")) {
            return Some(p);
        }
    }
    KNOWN_PATHS.iter().map(PathBuf::from).find(|p| p.is_file())
}

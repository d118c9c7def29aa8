//! Pareto charts (排列图): bars sorted descending with counts above them, the cumulative
//! percentage as a line on a right axis whose 100% sits at the total count (the JUSE /
//! Chinese QC-group layout: left axis 0…N, right axis 0…100% at the same height), and the 80%
//! line. With several stages the panels stand side by side on one count scale, and the top
//! category of the first stage keeps an accent colour in every panel, so a reviewer sees at
//! once whether the main defect was cut.

use super::font::{ensure_bitmap_font, ensure_svg_font, SVG_FAMILY};
use crate::error::{QceError, Result};
use crate::i18n::Lang;
use crate::pareto::Pareto;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// One panel: a title (stage name) and its Pareto table.
pub struct Panel<'a> {
    /// Panel title, e.g. the stage name.
    pub title: String,
    /// The table drawn.
    pub pareto: &'a Pareto,
}

const VITAL: RGBColor = RGBColor(46, 94, 150);
const TRIVIAL: RGBColor = RGBColor(150, 178, 210);
const OTHER: RGBColor = RGBColor(175, 175, 175);
const FOCUS: RGBColor = RGBColor(207, 84, 64);
const LINE: RGBColor = RGBColor(232, 140, 30);
const INK: RGBColor = RGBColor(51, 51, 51);
const GRID: RGBColor = RGBColor(228, 228, 228);
const PANEL_H: u32 = 580;

/// Draw the chart to `path` (`.svg` or `.png`). `title` heads the figure; `axis_label` names
/// the count axis.
pub fn draw(path: &Path, title: &str, axis_label: &str, panels: &[Panel<'_>], lang: Lang) -> Result<()> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let widths: Vec<u32> = panels.iter().map(|p| panel_width(p.pareto.categories.len())).collect();
    let size = (widths.iter().sum::<u32>().max(480), PANEL_H + 66);
    let focus = if panels.len() > 1 { panels[0].pareto.categories.first().map(|c| c.name.clone()) } else { None };
    let shown = path.display().to_string();
    let fail = |e: String| QceError::input(format!("cannot write chart '{shown}': {e}")).with_file(&shown);
    match ext.as_str() {
        "svg" => {
            // plotters measures text with the registered font even for SVG
            ensure_svg_font()?;
            let root = SVGBackend::new(path, size).into_drawing_area();
            paint(&root, title, axis_label, panels, &widths, focus.as_deref(), lang).map_err(fail)?;
            root.present().map_err(|e| fail(e.to_string()))
        }
        "png" => {
            ensure_bitmap_font()?;
            let root = BitMapBackend::new(path, size).into_drawing_area();
            paint(&root, title, axis_label, panels, &widths, focus.as_deref(), lang).map_err(fail)?;
            root.present().map_err(|e| fail(e.to_string()))
        }
        _ => Err(QceError::usage(format!("--out {shown}: the chart is written as .svg or .png; give one of those extensions"))),
    }
}

fn panel_width(n: usize) -> u32 {
    (n as u32 * 66 + 170).clamp(540, 1000)
}

fn font(size: f64) -> TextStyle<'static> {
    (SVG_FAMILY, size).into_font().color(&INK)
}

type DrawResult = std::result::Result<(), String>;

fn paint<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    axis_label: &str,
    panels: &[Panel<'_>],
    widths: &[u32],
    focus: Option<&str>,
    lang: Lang,
) -> DrawResult {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let (w, _) = root.dim_in_pixel();
    root.draw(&Text::new(title.to_string(), (w as i32 / 2, 14), font(22.0).pos(Pos::new(HPos::Center, VPos::Top)))).map_err(e)?;
    legend(root, panels, focus, lang, 46)?;
    let body = root.margin(66, 0, 0, 0);
    // One count scale for all panels: the largest total.
    let top = panels.iter().map(|p| p.pareto.total).fold(0.0f64, f64::max);
    let mut rest = body;
    for (i, p) in panels.iter().enumerate() {
        let (area, right) = rest.split_horizontally(widths[i]);
        draw_panel(root, &area, p, top, axis_label, focus, lang)?;
        rest = right;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, area: &DrawingArea<DB, Shift>, panel: &Panel<'_>, top: f64, axis_label: &str, focus: Option<&str>, lang: Lang) -> DrawResult {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let cats = &panel.pareto.categories;
    let n = cats.len().max(1);
    let total = panel.pareto.total;
    let y_max = top * 1.06;
    let n_text = format!("N = {}", crate::render::fmt_num(Some(total)));
    let subtitle = if panel.title.is_empty() { n_text } else { format!("{}  ({n_text})", panel.title) };
    let mut chart = ChartBuilder::on(area)
        .margin_left(10)
        .margin_right(62)
        .margin_top(8)
        .margin_bottom(10)
        .caption(subtitle, font(17.0))
        .x_label_area_size(44)
        .y_label_area_size(62)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..y_max)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .y_labels(8)
        .y_desc(axis_label)
        .axis_desc_style(font(14.0))
        .label_style(font(13.0))
        .y_label_formatter(&|v| crate::render::fmt_num(Some(*v)))
        .draw()
        .map_err(e)?;
    let vital: std::collections::HashSet<&str> = panel.pareto.vital_few.iter().map(String::as_str).collect();
    // Bars and counts.
    for (i, c) in cats.iter().enumerate() {
        let x = i as f64;
        let color = if focus == Some(c.name.as_str()) {
            FOCUS
        } else if c.other {
            OTHER
        } else if vital.contains(c.name.as_str()) {
            VITAL
        } else {
            TRIVIAL
        };
        chart.draw_series(std::iter::once(Rectangle::new([(x - 0.38, 0.0), (x + 0.38, c.count)], color.filled()))).map_err(e)?;
        let (px, py) = chart.backend_coord(&(x, c.count));
        let label = crate::render::fmt_num(Some(c.count));
        root.draw(&Text::new(label, (px, py - 4), font(13.0).pos(Pos::new(HPos::Center, VPos::Bottom)))).map_err(e)?;
    }
    // 80% line and the cumulative line on the percent scale (100% = this panel's total).
    let to_y = |pct: f64| pct / 100.0 * total;
    let y80 = to_y(crate::pareto::VITAL_FEW_PERCENT);
    chart
        .draw_series(DashedLineSeries::new(vec![(-0.5, y80), (n as f64 - 0.5, y80)], 6, 4, RGBColor(130, 130, 130).stroke_width(1)))
        .map_err(e)?;
    let pts: Vec<(f64, f64)> = std::iter::once((-0.38, 0.0)).chain(cats.iter().enumerate().map(|(i, c)| (i as f64 + 0.38, to_y(c.cumulative_percent)))).collect();
    chart.draw_series(LineSeries::new(pts.clone(), LINE.stroke_width(2))).map_err(e)?;
    chart.draw_series(pts.iter().skip(1).map(|p| Circle::new(*p, 3, LINE.filled()))).map_err(e)?;
    // Cumulative percent beside each point (skip the last, always 100%); moved right of the
    // point when it would sit on the bar's count label.
    for (i, c) in cats.iter().enumerate().take(cats.len().saturating_sub(1)) {
        if c.count == 0.0 || c.cumulative_percent >= 99.95 {
            continue; // nothing new to say on a flat or finished line
        }
        let (px, py) = chart.backend_coord(&(i as f64 + 0.38, to_y(c.cumulative_percent)));
        let (_, bar_top) = chart.backend_coord(&(i as f64, c.count));
        let t = format!("{}%", (c.cumulative_percent * 10.0).round() / 10.0);
        let style = font(11.0).color(&LINE);
        let placed = if (py - bar_top).abs() < 22 {
            Text::new(t, (px + 6, py + 2), style.pos(Pos::new(HPos::Left, VPos::Top)))
        } else {
            Text::new(t, (px - 4, py - 6), style.pos(Pos::new(HPos::Right, VPos::Bottom)))
        };
        root.draw(&placed).map_err(e)?;
    }
    // Right axis: 0..100% at the height of this panel's total.
    let (xr, y0) = chart.backend_coord(&(n as f64 - 0.5, 0.0));
    let (_, y100) = chart.backend_coord(&(n as f64 - 0.5, total));
    root.draw(&PathElement::new(vec![(xr, y0), (xr, y100)], INK.stroke_width(1))).map_err(e)?;
    for pct in (0..=100).step_by(20) {
        let (_, py) = chart.backend_coord(&(0.0, to_y(pct as f64)));
        root.draw(&PathElement::new(vec![(xr, py), (xr + 5, py)], INK.stroke_width(1))).map_err(e)?;
        root.draw(&Text::new(format!("{pct}%"), (xr + 8, py), font(13.0).pos(Pos::new(HPos::Left, VPos::Center)))).map_err(e)?;
    }
    let (_, p80) = chart.backend_coord(&(0.0, y80));
    let (x_left, _) = chart.backend_coord(&(-0.5, 0.0));
    root.draw(&Text::new("80%".to_string(), (x_left + 4, p80 - 3), font(11.0).color(&RGBColor(110, 110, 110)).pos(Pos::new(HPos::Left, VPos::Bottom))))
        .map_err(e)?;
    // Category labels under the bars, wrapped to two lines when too wide for the slot.
    let slot = {
        let (a, _) = chart.backend_coord(&(0.0, 0.0));
        let (b, _) = chart.backend_coord(&(1.0, 0.0));
        (b - a).max(20) as f64
    };
    // The largest size (13 down to 10 px) at which every label fits in two lines unclipped.
    let label_size = [13.0, 12.0, 11.0, 10.0]
        .into_iter()
        .find(|&sz| cats.iter().all(|c| wrap_label(&c.name, slot, sz).iter().all(|l| !l.ends_with('…'))))
        .unwrap_or(10.0);
    for (i, c) in cats.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64, 0.0));
        let lines = wrap_label(&c.name, slot, label_size);
        for (k, line) in lines.iter().enumerate() {
            let y = py + 6 + (label_size as i32 + 3) * k as i32;
            root.draw(&Text::new(line.clone(), (px, y), font(label_size).pos(Pos::new(HPos::Center, VPos::Top)))).map_err(e)?;
        }
    }
    let _ = lang;
    Ok(())
}

/// One line of legend items centred at height `y`: bar colours, the cumulative line, the 80% line.
fn legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, panels: &[Panel<'_>], focus: Option<&str>, lang: Lang, y: i32) -> DrawResult {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    enum Mark {
        Box(RGBColor),
        Line(RGBColor),
        Dash,
    }
    let mut items: Vec<(Mark, String)> = Vec::new();
    if let Some(f) = focus {
        let first = panels.first().map_or("", |p| p.title.as_str());
        items.push((Mark::Box(FOCUS), format!("{}{f}", lang.t(&format!("{first}首位："), &format!("top of {first}: ")))));
    }
    items.push((Mark::Box(VITAL), lang.t("关键少数", "vital few").to_string()));
    items.push((Mark::Box(TRIVIAL), lang.t("次要多数", "useful many").to_string()));
    if panels.iter().any(|p| p.pareto.categories.iter().any(|c| c.other)) {
        items.push((Mark::Box(OTHER), lang.t("其他（合并）", "other (merged)").to_string()));
    }
    items.push((Mark::Line(LINE), lang.t("累计百分比", "cumulative %").to_string()));
    items.push((Mark::Dash, lang.t("80% 线", "80% line").to_string()));
    let size = 13.0;
    let widths: Vec<i32> = items.iter().map(|(_, t)| 22 + text_width(t, size) as i32 + 18).collect();
    let (w, _) = root.dim_in_pixel();
    let mut x = (w as i32 - widths.iter().sum::<i32>()) / 2;
    for ((mark, text), wi) in items.iter().zip(&widths) {
        match mark {
            Mark::Box(c) => root.draw(&Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled())).map_err(e)?,
            Mark::Line(c) => {
                root.draw(&PathElement::new(vec![(x - 2, y), (x + 16, y)], c.stroke_width(2))).map_err(e)?;
                root.draw(&Circle::new((x + 7, y), 3, c.filled())).map_err(e)?;
            }
            Mark::Dash => {
                for k in 0..3 {
                    root.draw(&PathElement::new(vec![(x - 2 + 7 * k, y), (x + 2 + 7 * k, y)], RGBColor(130, 130, 130).stroke_width(1))).map_err(e)?;
                }
            }
        }
        root.draw(&Text::new(text.clone(), (x + 20, y), font(size).pos(Pos::new(HPos::Left, VPos::Center)))).map_err(e)?;
        x += wi;
    }
    Ok(())
}

/// Approximate width of a label in pixels: CJK characters are one em, others about half.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { size } else { size * 0.56 }).sum()
}

/// Split a label into at most two lines that fit `slot` pixels, ending in "…" if still too long.
fn wrap_label(name: &str, slot: f64, size: f64) -> Vec<String> {
    let room = slot * 0.95;
    if text_width(name, size) <= room {
        return vec![name.to_string()];
    }
    let chars: Vec<char> = name.chars().collect();
    let has_space = chars.iter().any(|c| c.is_whitespace());
    let is_cjk = chars.iter().any(|c| (*c as u32) >= 0x2E80);
    if !has_space && !is_cjk {
        // One Latin word: never break it; clip it with an ellipsis.
        return vec![clip(name, room, size)];
    }
    // Break at the space nearest the middle, else (CJK) at the width limit.
    let width_of = |a: usize, b: usize| text_width(&chars[a..b].iter().collect::<String>(), size);
    let brk = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        // the break that makes the wider of the two lines narrowest
        .min_by(|&a, &b| width_of(0, a).max(width_of(a, chars.len())).total_cmp(&width_of(0, b).max(width_of(b, chars.len()))))
        .unwrap_or_else(|| fit(&chars, room, size).max(1));
    let first: String = chars[..brk].iter().collect::<String>().trim().to_string();
    let second: String = chars[brk..].iter().collect::<String>().trim().to_string();
    let mut out = vec![clip(&first, room, size), clip(&second, room, size)];
    out.retain(|s| !s.is_empty());
    out
}

fn fit(chars: &[char], room: f64, size: f64) -> usize {
    let mut w = 0.0;
    for (i, c) in chars.iter().enumerate() {
        w += text_width(&c.to_string(), size);
        if w > room {
            return i;
        }
    }
    chars.len()
}

fn clip(s: &str, room: f64, size: f64) -> String {
    if text_width(s, size) <= room {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let keep = fit(&chars, room - size, size);
    let mut t: String = chars[..keep].iter().collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_wrap_and_clip() {
        assert_eq!(wrap_label("划痕", 60.0, 13.0), ["划痕"]);
        let w = wrap_label("Solder bridge between pads", 70.0, 13.0);
        assert_eq!(w.len(), 2);
        assert!(w.iter().all(|l| text_width(l, 13.0) <= 70.0));
    }
}

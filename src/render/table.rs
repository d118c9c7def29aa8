//! Plain-text tables for the terminal, aware of the double width of CJK characters.

use unicode_width::UnicodeWidthStr;

/// A text table: a header row and data rows, columns padded to their widest cell.
#[derive(Debug, Default, Clone)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    right: Vec<bool>,
}

impl Table {
    /// A table with these column headers; numeric-looking columns are right-aligned.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        let header: Vec<String> = header.into_iter().map(Into::into).collect();
        let right = vec![false; header.len()];
        Table { header, rows: Vec::new(), right }
    }

    /// Right-align column `i` (numbers).
    pub fn align_right(mut self, i: usize) -> Self {
        if i < self.right.len() {
            self.right[i] = true;
        }
        self
    }

    /// Add a row.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Render with two spaces between columns and a rule under the header.
    pub fn render(&self) -> String {
        let ncol = self.header.len().max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        let mut width = vec![0usize; ncol];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in r.iter().enumerate() {
                width[i] = width[i].max(c.width());
            }
        }
        let line = |r: &Vec<String>| {
            let mut s = String::new();
            for i in 0..ncol {
                let c = r.get(i).map(String::as_str).unwrap_or("");
                let pad = " ".repeat(width[i] - c.width());
                if i > 0 {
                    s.push_str("  ");
                }
                if self.right.get(i).copied().unwrap_or(false) {
                    s.push_str(&pad);
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    if i + 1 < ncol {
                        s.push_str(&pad);
                    }
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = line(&self.header);
        out.push_str(&"-".repeat(width.iter().sum::<usize>() + 2 * ncol.saturating_sub(1)));
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }
}

/// A number for people: up to 6 significant digits, no trailing zeros; `*` for none.
pub fn fmt_num(x: Option<f64>) -> String {
    match x {
        None => "*".to_string(),
        Some(v) if !v.is_finite() => "*".to_string(),
        Some(v) if v == 0.0 => "0".to_string(),
        Some(v) => {
            let mag = v.abs().log10().floor() as i32;
            if !(-4..=9).contains(&mag) {
                return format!("{v:.5e}");
            }
            let decimals = (5 - mag).max(0) as usize;
            let s = format!("{v:.decimals$}");
            if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_columns_line_up() {
        let mut t = Table::new(["名称", "n"]).align_right(1);
        t.row(["改进前", "30"]);
        t.row(["after", "5"]);
        let s = t.render();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[2].width(), lines[3].width());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_num(Some(74.001176)), "74.0012");
        assert_eq!(fmt_num(Some(0.0123456789)), "0.0123457");
        assert_eq!(fmt_num(Some(30.0)), "30");
        assert_eq!(fmt_num(None), "*");
        assert_eq!(fmt_num(Some(1.5e-7)), "1.50000e-7");
    }
}

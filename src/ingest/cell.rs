//! One cell's text to a value: numbers as people type them, and cell addresses.

/// Spreadsheet column letters of a 0-based column index: 0 → `A`, 26 → `AA`.
pub fn column_letter(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Cell address (e.g. `C17`) of a 0-based column and a 1-based row.
pub fn cell_address(col: usize, row: u64) -> String {
    format!("{}{}", column_letter(col), row)
}

/// Parse a number as written in a cell: surrounding spaces, full-width digits and signs
/// (１２３．４, －0.5), thousands separators (1,234.5), a trailing `%` (kept as the number
/// before it: 12.5% → 12.5, on the 0–100 scale). `None` when the text is not a number.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(v) = fast_float2::parse::<f64, _>(t) {
        return v.is_finite().then_some(v);
    }
    // Slow path: normalise full-width characters, separators and percent.
    let mut s = String::with_capacity(t.len());
    for ch in t.chars() {
        let c = match ch {
            '０'..='９' => char::from(b'0' + (ch as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            '－' | '−' | '–' => '-',
            '＋' => '+',
            '，' | ',' | '\u{a0}' | ' ' | '\u{3000}' | '_' | '\'' => continue,
            'Ｅ' | 'ｅ' => 'e',
            '％' => '%',
            c => c,
        };
        s.push(c);
    }
    let s = s.strip_suffix('%').unwrap_or(&s);
    let v: f64 = fast_float2::parse(s).ok()?;
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        assert_eq!(cell_address(1, 7), "B7");
    }

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(parse_number(" 12.5 "), Some(12.5));
        assert_eq!(parse_number("１２３．４"), Some(123.4));
        assert_eq!(parse_number("－0.5"), Some(-0.5));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("12.5%"), Some(12.5));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
    }
}

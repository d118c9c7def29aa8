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
/// before it: 12.5% → 12.5, on the 0–100 scale), a decimal comma when the comma cannot be a
/// thousands separator (`10,5` → 10.5; `1,234` stays 1234). `None` when the text is not a
/// number.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(v) = fast_float2::parse::<f64, _>(t) {
        return v.is_finite().then_some(v);
    }
    // Slow path: normalise full-width characters, separators and percent.
    let decimal_comma = is_decimal_comma(t);
    let mut s = String::with_capacity(t.len());
    for ch in t.chars() {
        if decimal_comma && (ch == ',' || ch == '，') {
            s.push('.');
            continue;
        }
        // with a decimal comma, points group thousands (1.010,5 is 1010.5)
        if decimal_comma && ch == '.' {
            continue;
        }
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

/// A single comma, no point, and not followed by exactly three digits (`10,5`, `0,25`) or
/// after a lone 0 (`0,025`): the
/// comma is a decimal comma, as written in much of Europe, not a thousands separator (which
/// always groups three digits, `1,234`). A single comma after points that group three digits
/// each (`1.010,5`, `1.234.567,25`) is a decimal comma too.
fn is_decimal_comma(t: &str) -> bool {
    let commas = t.matches([',', '，']).count();
    if commas != 1 {
        return false;
    }
    if t.contains('．') {
        return false;
    }
    if t.contains('.') {
        let (int, frac) = t.split_once([',', '，']).unwrap_or((t, ""));
        if frac.contains('.') {
            return false; // 1,010.5: the comma groups thousands
        }
        let mut groups = int.split('.');
        let lead = groups.next().unwrap_or("").trim().trim_start_matches(['-', '+', '－', '＋']);
        let lead_ok = !lead.is_empty() && lead.len() <= 3 && lead.bytes().all(|b| b.is_ascii_digit());
        return lead_ok && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    }
    let after = t.rsplit([',', '，']).next().unwrap_or("");
    let before = t.split([',', '，']).next().unwrap_or("").trim().trim_start_matches(['-', '+', '－', '＋']);
    let digits = after.chars().take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).count();
    // a thousands group never follows a leading 0 (0,025 is 0.025)
    digits != 3 || before.is_empty() || before == "0" || before == "０"
}

/// Excel's error values, as text.
pub fn is_error_text(t: &str) -> bool {
    matches!(
        t.trim(),
        "#DIV/0!" | "#N/A" | "#VALUE!" | "#REF!" | "#NAME?" | "#NUM!" | "#NULL!" | "#GETTING_DATA" | "#DATA!" | "#SPILL!" | "#CALC!" | "#FIELD!" | "#BLOCKED!" | "#CONNECT!" | "#BUSY!" | "#UNKNOWN!"
    )
}

/// Marks people type for "no value" in a number column: dashes, a slash, `N/A`, `NA`, and
/// Minitab's `*`. Such a cell is missing (counted and listed with the error cells).
pub fn is_missing_mark(t: &str) -> bool {
    let t = t.trim();
    matches!(t, "-" | "--" | "---" | "—" | "——" | "–" | "－" | "/" | "／" | "*" | "＊" | "\\" | "N/A" | "n/a" | "N/a" | "NA" | "na" | "N.A." | "n.a." | "NaN" | "nan" | "null" | "NULL" | "None")
}

/// What one cell's text is, before the column's type is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CellClass {
    /// Empty or only spaces.
    Blank,
    /// A number (value included).
    Number(f64),
    /// An Excel error value written as text (`#N/A`), or a missing mark (`-`, `/`, `N/A`).
    Error,
    /// A date or date-time written as text.
    Date,
    /// Other text.
    Text,
}

/// Classify a cell's text: blank, number, Excel error, date, or other text.
pub(crate) fn classify(text: &str) -> CellClass {
    let t = text.trim();
    if t.is_empty() {
        return CellClass::Blank;
    }
    if let Some(v) = parse_number(t) {
        return CellClass::Number(v);
    }
    if (t.starts_with('#') && is_error_text(t)) || is_missing_mark(t) {
        return CellClass::Error;
    }
    if parse_date_text(t).is_some() {
        return CellClass::Date;
    }
    CellClass::Text
}

/// Parse a date or date-time as people write it: `2024-03-01`, `2024-03-01 08:30[:00]`,
/// `2024-03-01T08:30:00`, `2024/3/1`, `2024/3/1 8:30`, `2024.3.1`, `2024年3月1日` (optionally
/// followed by a time). `None` when the text is not such a date.
pub fn parse_date_text(text: &str) -> Option<chrono::NaiveDateTime> {
    use chrono::{NaiveDate, NaiveTime};
    let t = text.trim();
    // Must start with a 4-digit year to be a date (avoids reading "1-2" or "3.5" as dates).
    if t.len() < 8 || !t.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let t = t.replace('年', "-").replace('月', "-").replace('日', " ").replace(['/', '.'], "-").replace('T', " ");
    let t = t.trim();
    let (date_part, time_part) = match t.split_once(' ') {
        Some((d, tm)) => (d, Some(tm.trim())),
        None => (t, None),
    };
    let mut it = date_part.split('-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    let time = match time_part {
        None | Some("") => NaiveTime::MIN,
        Some(tm) => NaiveTime::parse_from_str(tm, "%H:%M:%S%.f").or_else(|_| NaiveTime::parse_from_str(tm, "%H:%M")).ok()?,
    };
    Some(date.and_time(time))
}

/// An Excel serial date (days since 1899-12-30, the 1900 date system; fraction = time of day)
/// as a date-time. `None` outside Excel's range (1 to 2958465, i.e. 1900-01-01 to 9999-12-31).
pub fn excel_serial_to_datetime(serial: f64) -> Option<chrono::NaiveDateTime> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Excel's 1900 leap-year bug: serials below 61 are one day later than the epoch count.
    let serial = if serial < 61.0 { serial + 1.0 } else { serial };
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(chrono::NaiveTime::MIN);
    let ms = (serial * 86_400_000.0).round() as i64;
    epoch.checked_add_signed(chrono::Duration::milliseconds(ms))
}

/// ISO text of a date-time: `2024-03-01` at midnight, else `2024-03-01 08:30:00`.
pub fn format_datetime(dt: &chrono::NaiveDateTime) -> String {
    if dt.time() == chrono::NaiveTime::MIN { dt.format("%Y-%m-%d").to_string() } else { dt.format("%Y-%m-%d %H:%M:%S").to_string() }
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
        assert_eq!(parse_number("10,5"), Some(10.5));
        assert_eq!(parse_number("0,025"), Some(0.025));
        assert_eq!(parse_number("1,025"), Some(1025.0)); // three digits: a thousands group
        assert_eq!(parse_number("74,0123"), Some(74.0123));
        assert_eq!(parse_number("1,234,567.5"), Some(1_234_567.5));
        assert_eq!(parse_number("1.010,5"), Some(1010.5));
        assert_eq!(parse_number("-1.234.567,25"), Some(-1_234_567.25));
        assert_eq!(parse_number("1\u{a0}234,5"), Some(1234.5));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
    }

    #[test]
    fn dates_as_people_write_them() {
        let d = |s: &str| parse_date_text(s).map(|x| format_datetime(&x));
        assert_eq!(d("2024-03-01").as_deref(), Some("2024-03-01"));
        assert_eq!(d("2024/3/1").as_deref(), Some("2024-03-01"));
        assert_eq!(d("2024年3月1日").as_deref(), Some("2024-03-01"));
        assert_eq!(d("2024-03-01 08:30").as_deref(), Some("2024-03-01 08:30:00"));
        assert_eq!(d("2024-03-01T08:30:05").as_deref(), Some("2024-03-01 08:30:05"));
        assert_eq!(d("2024-13-01"), None);
        assert_eq!(d("abc"), None);
        assert_eq!(d("12.5"), None);
        // Excel serial 45352 is 2024-03-01 (1900 date system).
        assert_eq!(excel_serial_to_datetime(45352.0).map(|x| format_datetime(&x)).as_deref(), Some("2024-03-01"));
        assert_eq!(excel_serial_to_datetime(45352.5).map(|x| format_datetime(&x)).as_deref(), Some("2024-03-01 12:00:00"));
        assert_eq!(classify(" #N/A "), CellClass::Error);
        assert_eq!(classify("１２"), CellClass::Number(12.0));
        assert_eq!(classify("2024/3/1"), CellClass::Date);
        assert_eq!(classify(""), CellClass::Blank);
        assert_eq!(classify("abc"), CellClass::Text);
        for mark in ["-", "—", "/", "N/A", "NA", "*", " -- "] {
            assert_eq!(classify(mark), CellClass::Error, "{mark}");
        }
    }
}

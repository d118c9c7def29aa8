//! The one error type of the tool, mapped onto the contract's exit codes and JSON error shape.
//!
//! Exit codes (../shared/CONTRACT.md): 2 usage, 3 input (file, sheet, column or cell),
//! 4 analysis impossible (too few data, zero variance, invalid specification).

use serde::Serialize;
use std::fmt;

/// Which of the contract's error classes an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Bad command line: exit 2.
    Usage,
    /// Bad input file, sheet, column or cell: exit 3.
    Input,
    /// The data cannot support the analysis: exit 4.
    Analysis,
}

impl ErrorKind {
    /// The process exit code of this kind.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Usage => 2,
            ErrorKind::Input => 3,
            ErrorKind::Analysis => 4,
        }
    }
}

/// An error with everything a user needs to fix it: what, where, and what to do.
///
/// `row` and `column` are as the user sees them in the spreadsheet (1-based rows, header
/// included; column as its letter or header). Unknown parts stay `None` (JSON `null`).
#[derive(Debug, Clone, Serialize)]
pub struct QceError {
    /// Error class (and so the exit code).
    pub kind: ErrorKind,
    /// One-paragraph message: what is wrong, where, and what to do.
    pub message: String,
    /// The input file concerned.
    pub file: Option<String>,
    /// The sheet concerned (spreadsheets).
    pub sheet: Option<String>,
    /// 1-based row as seen in the spreadsheet or text file.
    pub row: Option<u64>,
    /// Column: header text, or letter when no header is known.
    pub column: Option<String>,
    /// Cell address such as `C17` (extension key).
    pub cell: Option<String>,
}

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, QceError>;

impl QceError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        QceError { kind, message: message.into(), file: None, sheet: None, row: None, column: None, cell: None }
    }
    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    /// An input error (exit 3).
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Input, message)
    }
    /// An analysis-impossible error (exit 4).
    pub fn analysis(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Analysis, message)
    }
    /// Attach the file concerned.
    pub fn with_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
    /// Attach the sheet concerned.
    pub fn with_sheet(mut self, sheet: Option<String>) -> Self {
        self.sheet = sheet;
        self
    }
    /// Attach the 1-based row.
    pub fn with_row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }
    /// Attach the column.
    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
    /// Attach the cell address (e.g. `B7`).
    pub fn with_cell(mut self, cell: impl Into<String>) -> Self {
        self.cell = Some(cell.into());
        self
    }
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
    /// The contract's JSON error document: `{"error": {...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": self })
    }
}

impl fmt::Display for QceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QceError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(QceError::usage("x").exit_code(), 2);
        assert_eq!(QceError::input("x").exit_code(), 3);
        assert_eq!(QceError::analysis("x").exit_code(), 4);
    }

    #[test]
    fn json_error_has_every_key_even_when_unknown() {
        let e = QceError::input("bad").with_file("a.csv").with_cell("B7");
        let v = e.to_json();
        assert_eq!(v["error"]["kind"], "input");
        assert_eq!(v["error"]["file"], "a.csv");
        assert!(v["error"]["sheet"].is_null());
        assert!(v["error"]["row"].is_null());
        assert_eq!(v["error"]["cell"], "B7");
    }
}

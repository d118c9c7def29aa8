//! Short texts (point labels, stage names) that repeat on millions of points.

use serde::Serialize;

/// Cheaply cloned text for subgroup labels and stage names, which repeat on every point and
/// across chart panels. Texts of up to 24 bytes (numbers, dates, batch codes, most Chinese
/// stage names) are stored inline: making and cloning them allocates nothing. Serialises as a
/// plain string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label(compact_str::CompactString);

impl Label {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The label of a whole number (a subgroup's 1-based position), without allocating.
    pub fn number(i: usize) -> Label {
        Label(compact_str::ToCompactString::to_compact_string(&i))
    }
    /// The label of a whole number such as a subgroup id (`itoa`, inline).
    pub fn integer(i: i64) -> Label {
        Label(compact_str::ToCompactString::to_compact_string(&i))
    }
    /// The text of a value exactly as `std`'s `Display` writes it (inline, without allocating,
    /// when short). The wrapper keeps compact_str from switching floats to `ryu`'s format.
    pub fn from_display(x: impl std::fmt::Display) -> Label {
        struct Std<T>(T);
        impl<T: std::fmt::Display> std::fmt::Display for Std<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
        Label(compact_str::ToCompactString::to_compact_string(&Std(x)))
    }
}

impl std::ops::Deref for Label {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Label {
    fn from(s: &str) -> Self {
        Label(s.into())
    }
}

impl From<&String> for Label {
    fn from(s: &String) -> Self {
        Label(s.as_str().into())
    }
}

impl From<String> for Label {
    fn from(s: String) -> Self {
        Label(s.into())
    }
}

impl PartialEq<str> for Label {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The x-axis labels of a chart's points. Numbered points (1, 2, … n: individuals, blocks of
/// `--subgroup-size` rows) are written when asked for, so that a chart of 10 million
/// individuals holds no 10 million strings; other labels are listed. Equal when they hold the
/// same texts, however stored.
#[derive(Debug, Clone)]
pub enum Labels {
    /// `n` points, point `i` (0-based) labelled `i + 1`.
    Numbered(usize),
    /// One label per point.
    Listed(Vec<Label>),
    /// Whole numbers (subgroup ids such as 1001, 1002, …), one per point, written shortest
    /// when asked for.
    Integers(Vec<i64>),
}

impl Default for Labels {
    fn default() -> Self {
        Labels::Listed(Vec::new())
    }
}

impl From<Vec<Label>> for Labels {
    fn from(v: Vec<Label>) -> Self {
        Labels::Listed(v)
    }
}

impl Labels {
    /// Number of labels.
    pub fn len(&self) -> usize {
        match self {
            Labels::Numbered(n) => *n,
            Labels::Listed(v) => v.len(),
            Labels::Integers(v) => v.len(),
        }
    }
    /// No labels.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The label of point `i` (0-based); a number is written inline, without allocating.
    pub fn get(&self, i: usize) -> Option<Label> {
        match self {
            Labels::Numbered(n) => (i < *n).then(|| Label::number(i + 1)),
            Labels::Listed(v) => v.get(i).cloned(),
            Labels::Integers(v) => v.get(i).map(|&x| Label::integer(x)),
        }
    }
    /// Every label, in order.
    pub fn to_vec(&self) -> Vec<Label> {
        (0..self.len()).filter_map(|i| self.get(i)).collect()
    }
}

impl PartialEq for Labels {
    fn eq(&self, other: &Labels) -> bool {
        match (self, other) {
            (Labels::Numbered(a), Labels::Numbered(b)) => a == b,
            (Labels::Listed(a), Labels::Listed(b)) => a == b,
            (Labels::Integers(a), Labels::Integers(b)) => a == b,
            _ => self.len() == other.len() && (0..self.len()).all(|i| self.get(i) == other.get(i)),
        }
    }
}

impl Serialize for Labels {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq((0..self.len()).filter_map(|i| self.get(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::{Label, Labels};

    #[test]
    fn numbered_labels_are_the_positions_written_out() {
        let numbered = Labels::Numbered(3);
        assert_eq!(numbered.len(), 3);
        assert_eq!(numbered.get(0).as_deref(), Some("1"));
        assert_eq!(numbered.get(2).as_deref(), Some("3"));
        assert_eq!(numbered.get(3), None);
        let listed = Labels::from(vec![Label::from("1"), Label::from("2"), Label::from("3")]);
        assert_eq!(numbered.to_vec(), listed.to_vec());
        assert_eq!(numbered, listed);
        assert_ne!(Labels::Numbered(2), listed);
        assert_ne!(Labels::from(vec![Label::from("1"), Label::from("2"), Label::from("4")]), numbered);
        assert_eq!(serde_json::to_string(&numbered).unwrap(), serde_json::to_string(&listed).unwrap());
        assert!(Labels::default().is_empty() && Labels::Numbered(0).is_empty());
        let ids = Labels::Integers(vec![1, 2, 3]);
        assert_eq!(ids, listed);
        assert_eq!(ids, numbered);
        assert_eq!(Labels::Integers(vec![-31, 1001]).to_vec(), ["-31", "1001"]);
        assert_eq!(serde_json::to_string(&ids).unwrap(), "[\"1\",\"2\",\"3\"]");
    }

    #[test]
    fn labels_read_back_and_serialise_as_strings() {
        assert_eq!(Label::number(2_000_000), "2000000");
        assert_eq!(Label::integer(-42), "-42");
        assert_eq!(Label::from_display(1e21_f64), format!("{}", 1e21_f64).as_str());
        assert_eq!(Label::from_display(74.0125_f64), "74.0125");
        let long = "一个很长的阶段名称超过二十四个字节";
        assert_eq!(Label::from(long).as_str(), long);
        assert_eq!(serde_json::to_string(&Label::from("改进后")).unwrap(), "\"改进后\"");
    }
}

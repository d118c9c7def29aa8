//! Output language: Chinese or English, chosen by `--lang` or the system locale.

use serde::Serialize;

/// The language of human-readable output (tables, conclusions, chart labels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 简体中文
    Zh,
    /// English
    #[default]
    En,
}

impl Lang {
    /// Pick the text of this language.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Parse `zh`/`en` (also `zh-CN`, `zh_CN.UTF-8`, `chinese`...).
    pub fn parse(s: &str) -> Option<Lang> {
        let l = s.trim().to_ascii_lowercase();
        if l.starts_with("zh") || l.starts_with("chinese") || l == "cn" {
            Some(Lang::Zh)
        } else if l.starts_with("en") || l == "c" || l == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Default: Chinese when the system locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE) is
    /// Chinese, else English.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] {
            if let Ok(v) = std::env::var(var) {
                if !v.is_empty() {
                    return if v.to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En };
                }
            }
        }
        Lang::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locales() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::Zh.t("中", "en"), "中");
    }
}

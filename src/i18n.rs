//! The languages tcpstate speaks (English and Chinese) and how the default is chosen from the
//! locale. Messages themselves are enums with one exhaustive `match` per language next to the
//! code that uses them, so a missing translation is a compile error.

/// A language for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The language of the locale: the first non-empty of `LC_ALL`, `LC_MESSAGES`, `LANG`;
    /// `zh_*` (and `zh`) is Chinese, anything else English.
    pub fn from_env() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty());
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

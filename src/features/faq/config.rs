//! `[features.faq]`: per-language thresholds, cooldowns, the size of a
//! redirect, and `[features.faq.semantic]` (the optional embeddings
//! endpoint).

use serde::{Deserialize, Serialize};

use super::semantic::SemanticConfig;
use crate::config::{ConfigError, check_range};
use crate::features::FeatureConfig;
use crate::i18n::Locale;

/// `[features.faq]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaqConfig {
    /// Redirect questions automatically (moderator redirects and the
    /// commands work either way).
    pub enabled: bool,
    /// Confidence (0–1) a Chinese question needs for an automatic redirect.
    pub threshold_zh: f64,
    /// Confidence (0–1) an English question needs for an automatic redirect.
    pub threshold_en: f64,
    /// The same entry is pointed to at most once per chat in this many minutes.
    pub entry_cooldown_minutes: i64,
    /// At most this many automatic redirects per chat per hour.
    pub max_redirects_per_hour: i64,
    /// How much of the answer a redirect shows (characters).
    pub preview_chars: usize,
    /// How far back `/faq gaps` looks (days).
    pub gaps_days: i64,
    /// `[features.faq.semantic]`: optional matching by meaning through an
    /// embeddings endpoint.
    pub semantic: SemanticConfig,
}

impl Default for FaqConfig {
    fn default() -> FaqConfig {
        FaqConfig {
            enabled: true,
            threshold_zh: 0.34,
            threshold_en: 0.46,
            entry_cooldown_minutes: 10,
            max_redirects_per_hour: 6,
            preview_chars: 120,
            gaps_days: 30,
            semantic: SemanticConfig::default(),
        }
    }
}

impl FaqConfig {
    /// The operating threshold for a language.
    pub fn threshold(&self, lang: Locale) -> f64 {
        match lang {
            Locale::Zh => self.threshold_zh,
            Locale::En => self.threshold_en,
        }
    }
}

impl FeatureConfig for FaqConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        check_range(prefix, "threshold_zh", self.threshold_zh, 0.0..=1.0)?;
        check_range(prefix, "threshold_en", self.threshold_en, 0.0..=1.0)?;
        check_range(prefix, "entry_cooldown_minutes", self.entry_cooldown_minutes, 0..=10_080)?;
        check_range(prefix, "max_redirects_per_hour", self.max_redirects_per_hour, 0..=1000)?;
        check_range(prefix, "preview_chars", self.preview_chars, 0..=super::import::MAX_ANSWER_CHARS)?;
        check_range(prefix, "gaps_days", self.gaps_days, 1..=366)?;
        self.semantic.validate(prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_per_language() {
        let c = FaqConfig::default();
        assert!(c.threshold(Locale::Zh) < c.threshold(Locale::En));
        assert!((0.0..1.0).contains(&c.threshold(Locale::Zh)));
    }
}

//! `[features.summary]`: how much of an opted-in chat's day is kept for
//! its summary, and for how long. Every number has a documented range.

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, check_range};
use crate::features::FeatureConfig;

/// `[features.summary]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SummaryConfig {
    /// Chat-day summaries may be switched on in this community's chats
    /// (each chat still opts in with `/summary on`).
    pub enabled: bool,
    /// Messages kept per chat and day at most; later ones that day are
    /// not kept. 10–5000.
    pub max_messages_per_day: i64,
    /// Characters kept of one message. 20–2000.
    pub max_message_chars: i64,
    /// Fewer messages in the digest's period: no summary of that chat.
    /// 1–1000.
    pub min_messages: i64,
    /// Characters of the chat's messages sent to the model at most (the
    /// latest are kept). 1000–200000.
    pub max_input_chars: i64,
    /// Days kept messages are deleted after. 1–14.
    pub keep_days: i64,
}

impl Default for SummaryConfig {
    fn default() -> SummaryConfig {
        SummaryConfig {
            enabled: true,
            max_messages_per_day: 500,
            max_message_chars: 300,
            min_messages: 5,
            max_input_chars: 12_000,
            keep_days: 2,
        }
    }
}

impl FeatureConfig for SummaryConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        check_range(prefix, "max_messages_per_day", self.max_messages_per_day, 10..=5000)?;
        check_range(prefix, "max_message_chars", self.max_message_chars, 20..=2000)?;
        check_range(prefix, "min_messages", self.min_messages, 1..=1000)?;
        check_range(prefix, "max_input_chars", self.max_input_chars, 1000..=200_000)?;
        check_range(prefix, "keep_days", self.keep_days, 1..=14)
    }
}

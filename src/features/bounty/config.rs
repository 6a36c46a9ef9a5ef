//! `[features.bounty]`: the limits of a bounty, its periods, the expiry fee
//! and the size of lists.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, MAX_POINTS, check_range};
use crate::features::FeatureConfig;

/// `[features.bounty]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BountyConfig {
    /// Members may ask, answer and put points on questions.
    pub enabled: bool,
    /// Smallest bounty (1-MAX_POINTS).
    pub min_bounty: i64,
    /// Largest bounty (min_bounty-MAX_POINTS).
    pub max_bounty: i64,
    /// Smallest urgent bounty (min_bounty-max_bounty).
    pub urgent_min_bounty: i64,
    /// Open bounties one member may hold (1-50).
    pub max_open_per_member: i64,
    /// Hours a bounty runs (1-2160).
    pub period_hours: i64,
    /// Hours an urgent bounty runs (1-period_hours).
    pub urgent_period_hours: i64,
    /// Hours after the period in which the asker may still accept (0-720).
    pub grace_hours: i64,
    /// Percent of an unanswered bounty kept when it goes back to the asker (0-100).
    pub expiry_fee_percent: i64,
    /// Longest question, in characters (10-4000).
    pub max_question_chars: i64,
    /// Longest answer, in characters (1-4000).
    pub max_answer_chars: i64,
    /// Minutes between two messages telling an asker of new answers (1-1440).
    pub answer_notice_minutes: i64,
    /// Questions per page of `/questions` (1-20).
    pub page_size: i64,
}

impl Default for BountyConfig {
    fn default() -> BountyConfig {
        BountyConfig {
            enabled: true,
            min_bounty: 10,
            max_bounty: 500,
            urgent_min_bounty: 50,
            max_open_per_member: 3,
            period_hours: 7 * 24,
            urgent_period_hours: 24,
            grace_hours: 24,
            expiry_fee_percent: 0,
            max_question_chars: 1000,
            max_answer_chars: 2000,
            answer_notice_minutes: 10,
            page_size: 5,
        }
    }
}

impl BountyConfig {
    /// How long a question runs.
    pub fn period(&self, urgent: bool) -> Duration {
        Duration::hours(if urgent { self.urgent_period_hours } else { self.period_hours })
    }

    /// The smallest bounty of a kind.
    pub fn minimum(&self, urgent: bool) -> i64 {
        if urgent { self.urgent_min_bounty } else { self.min_bounty }
    }

    /// The fee kept from `amount` going back unanswered (rounded down).
    pub fn fee(&self, amount: i64) -> i64 {
        amount.saturating_mul(self.expiry_fee_percent) / 100
    }
}

impl FeatureConfig for BountyConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        check_range(prefix, "min_bounty", self.min_bounty, 1..=MAX_POINTS)?;
        check_range(prefix, "max_bounty", self.max_bounty, self.min_bounty..=MAX_POINTS)?;
        check_range(prefix, "urgent_min_bounty", self.urgent_min_bounty, self.min_bounty..=self.max_bounty)?;
        check_range(prefix, "max_open_per_member", self.max_open_per_member, 1..=50)?;
        check_range(prefix, "period_hours", self.period_hours, 1..=2160)?;
        check_range(prefix, "urgent_period_hours", self.urgent_period_hours, 1..=self.period_hours)?;
        check_range(prefix, "grace_hours", self.grace_hours, 0..=720)?;
        check_range(prefix, "expiry_fee_percent", self.expiry_fee_percent, 0..=100)?;
        check_range(prefix, "max_question_chars", self.max_question_chars, 10..=4000)?;
        check_range(prefix, "max_answer_chars", self.max_answer_chars, 1..=4000)?;
        check_range(prefix, "answer_notice_minutes", self.answer_notice_minutes, 1..=1440)?;
        check_range(prefix, "page_size", self.page_size, 1..=20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_fees_round_down() {
        let c = BountyConfig::default();
        assert!(c.validate("features.bounty").is_ok());
        assert_eq!(c.period(true), Duration::hours(24));
        assert_eq!(c.period(false), Duration::days(7));
        let c = BountyConfig { expiry_fee_percent: 10, ..c };
        assert_eq!(c.fee(55), 5);
        let bad = BountyConfig { urgent_min_bounty: 5, ..BountyConfig::default() };
        assert!(bad.validate("features.bounty").is_err());
    }
}

//! `[features.checkin]`: the reward, streak bonus, milestones and make-up
//! cards.

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, MAX_POINTS, check_range};
use crate::features::FeatureConfig;

/// Days of history read to compute a streak; longer streaks show as this.
pub const STREAK_HORIZON: i64 = 1000;

/// A reward for reaching a streak length.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// Streak length in days.
    pub days: i64,
    /// Extra points on that day.
    pub reward: i64,
}

/// `[features.checkin]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckinConfig {
    /// Check-ins are on in this community.
    pub enabled: bool,
    /// Points for a check-in.
    pub base: i64,
    /// Bonus per streak day after the first, in percent of `base`.
    pub streak_bonus_percent: i64,
    /// Largest streak bonus, in percent of `base`.
    pub streak_bonus_cap_percent: i64,
    /// Milestones (`{ days, reward }`), announced in the chat.
    pub milestones: Vec<Milestone>,
    /// Price of a make-up card.
    pub makeup_price: i64,
    /// How many days back a make-up card may reach.
    pub makeup_window_days: i64,
    /// Make-up cards a member may use per calendar month.
    pub makeup_per_month: i64,
}

impl Default for CheckinConfig {
    fn default() -> CheckinConfig {
        CheckinConfig {
            enabled: true,
            base: 10,
            streak_bonus_percent: 10,
            streak_bonus_cap_percent: 50,
            milestones: vec![
                Milestone { days: 7, reward: 50 },
                Milestone { days: 30, reward: 200 },
                Milestone { days: 100, reward: 1000 },
            ],
            makeup_price: 50,
            makeup_window_days: 7,
            makeup_per_month: 3,
        }
    }
}

impl CheckinConfig {
    /// Today's reward for a streak of `streak` days. Saturating, so no
    /// setting can make it overflow (validated settings keep it far below).
    pub fn reward(&self, streak: i64) -> i64 {
        let days = streak.saturating_sub(1).max(0);
        let bonus = self.streak_bonus_percent.saturating_mul(days).min(self.streak_bonus_cap_percent).max(0);
        self.base.saturating_mul(bonus.saturating_add(100)) / 100
    }
}

impl FeatureConfig for CheckinConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    /// Rewards stay at most [`MAX_POINTS`] times 11 (base plus a capped
    /// bonus of at most 1000 %).
    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        check_range(prefix, "base", self.base, 1..=MAX_POINTS)?;
        check_range(prefix, "streak_bonus_percent", self.streak_bonus_percent, 0..=1000)?;
        check_range(prefix, "streak_bonus_cap_percent", self.streak_bonus_cap_percent, 0..=1000)?;
        for (i, m) in self.milestones.iter().enumerate() {
            // Streaks are counted up to STREAK_HORIZON days.
            check_range(prefix, &format!("milestones[{i}].days"), m.days, 1..=STREAK_HORIZON)?;
            check_range(prefix, &format!("milestones[{i}].reward"), m.reward, 0..=MAX_POINTS)?;
        }
        check_range(prefix, "makeup_price", self.makeup_price, 0..=MAX_POINTS)?;
        check_range(prefix, "makeup_window_days", self.makeup_window_days, 0..=365)?;
        check_range(prefix, "makeup_per_month", self.makeup_per_month, 0..=31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reward_grows_ten_percent_a_day_up_to_half_again() {
        let c = CheckinConfig::default();
        let rewards: Vec<i64> = (1..=8).map(|s| c.reward(s)).collect();
        assert_eq!(rewards, [10, 11, 12, 13, 14, 15, 15, 15]);
    }

    #[test]
    fn reward_arithmetic_saturates_instead_of_overflowing() {
        let c = CheckinConfig {
            base: i64::MAX,
            streak_bonus_percent: i64::MAX,
            streak_bonus_cap_percent: i64::MAX,
            ..CheckinConfig::default()
        };
        assert_eq!(c.reward(i64::MAX), i64::MAX / 100);
        assert_eq!(c.reward(i64::MIN), i64::MAX / 100);
    }
}

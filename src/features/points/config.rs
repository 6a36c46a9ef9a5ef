//! `[features.points]`: activity points, thanks, the level curve and titles.

use serde::{Deserialize, Serialize};

use super::levels::{self, Title};
use crate::config::{ConfigError, MAX_POINTS, check_range};
use crate::features::FeatureConfig;

/// `[features.points]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PointsConfig {
    /// Points and levels are on in this community.
    pub enabled: bool,
    /// Smallest activity award for a message.
    pub activity_min: i64,
    /// Largest activity award for a message.
    pub activity_max: i64,
    /// A member earns activity points at most once per this many seconds.
    pub activity_cooldown_secs: i64,
    /// Messages shorter than this many characters (after trimming) earn nothing.
    pub min_chars: usize,
    /// Chats where messages earn no activity points, as `platform:chat_id`.
    pub no_points_chats: Vec<String>,
    /// Points a member gets when someone thanks them in a reply.
    pub thanks_bonus: i64,
    /// How many thanks one member can give per hour that pay a bonus.
    pub thanks_per_hour: i64,
    /// `[a, b, c]`: going from level L to L+1 takes a·L² + b·L + c points.
    pub level_curve: [i64; 3],
    /// Titles by level (`{ level, zh, en }`).
    pub titles: Vec<Title>,
    /// Group-commit window for activity points, in milliseconds: at most this
    /// much activity is lost if the process dies.
    pub flush_ms: u64,
}

impl Default for PointsConfig {
    fn default() -> PointsConfig {
        PointsConfig {
            enabled: true,
            activity_min: 15,
            activity_max: 25,
            activity_cooldown_secs: 60,
            min_chars: 5,
            no_points_chats: Vec::new(),
            thanks_bonus: 5,
            thanks_per_hour: 5,
            level_curve: [5, 50, 100],
            titles: levels::default_titles(),
            flush_ms: 100,
        }
    }
}

impl FeatureConfig for PointsConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        check_range(prefix, "activity_min", self.activity_min, 0..=MAX_POINTS)?;
        check_range(prefix, "activity_max", self.activity_max, 0..=MAX_POINTS)?;
        if self.activity_min > self.activity_max {
            return Err(ConfigError::Key {
                key: format!("{prefix}.activity_min"),
                message: format!("must not be above activity_max ({}); got {}", self.activity_max, self.activity_min),
            });
        }
        check_range(prefix, "activity_cooldown_secs", self.activity_cooldown_secs, 1..=86_400)?;
        check_range(prefix, "min_chars", self.min_chars, 0..=crate::engine::MAX_TEXT_CHARS)?;
        check_range(prefix, "thanks_bonus", self.thanks_bonus, 0..=MAX_POINTS)?;
        check_range(prefix, "thanks_per_hour", self.thanks_per_hour, 0..=1000)?;
        for (i, n) in self.level_curve.iter().enumerate() {
            check_range(prefix, &format!("level_curve[{i}]"), *n, 0..=MAX_POINTS)?;
        }
        for (i, t) in self.titles.iter().enumerate() {
            check_range(prefix, &format!("titles[{i}].level"), t.level, 0..=levels::MAX_LEVEL)?;
        }
        check_range(prefix, "flush_ms", self.flush_ms, 1..=60_000)
    }
}

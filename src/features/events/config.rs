//! `[features.events]`: who organises, when reminders go out, the
//! attendance window and what attending pays. Every number has a
//! documented range that `config check` and start-up enforce.

use serde::{Deserialize, Serialize};

use crate::config::ConfigError;
use crate::features::FeatureConfig;
use crate::message::Incoming;
use crate::roles::Holder;

/// `[features.events]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventsConfig {
    /// Event sign-ups are on in this community.
    pub enabled: bool,
    /// Members who may create, edit and cancel events besides the
    /// moderators, as `platform:user_id` (`telegram:123456`, `console:li`)
    /// or a platform role (`discord:role:ROLE_ID`), which counts as named
    /// roles' do ([`crate::roles`]).
    pub organisers: Vec<String>,
    /// Reminders before the start, in minutes (default 24 h and 1 h). At
    /// most 5, each 5–20160 (two weeks). A reminder whose time has already
    /// passed when the event is created or moved is skipped, never sent late.
    pub reminder_minutes: Vec<i64>,
    /// How long an attendance code is accepted after `/event code`, in
    /// minutes. 10–1440.
    pub attendance_minutes: i64,
    /// Contribution points for attending (0: none). 0–1000.
    pub attendance_points: i64,
    /// Largest capacity an event may have. 1–100000.
    pub max_capacity: i64,
    /// Events per page of `/events` (`/events 2` shows the next ones). 1–30.
    pub list_size: i64,
    /// Days ahead the digest's event section looks. 1–31.
    pub digest_days: i64,
}

impl Default for EventsConfig {
    fn default() -> EventsConfig {
        EventsConfig {
            enabled: true,
            organisers: Vec::new(),
            reminder_minutes: vec![24 * 60, 60],
            attendance_minutes: 180,
            attendance_points: 10,
            max_capacity: 10_000,
            list_size: 10,
            digest_days: 7,
        }
    }
}

impl FeatureConfig for EventsConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        let err = |key: &str, message: String| ConfigError::Key { key: format!("{prefix}.{key}"), message };
        let ranges: [(&str, i64, i64, i64); 5] = [
            ("attendance_minutes", self.attendance_minutes, 10, 1440),
            ("attendance_points", self.attendance_points, 0, 1000),
            ("max_capacity", self.max_capacity, 1, 100_000),
            ("list_size", self.list_size, 1, 30),
            ("digest_days", self.digest_days, 1, 31),
        ];
        for (key, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                return Err(err(key, format!("must be between {min} and {max}, not {value}")));
            }
        }
        if self.reminder_minutes.len() > 5 {
            return Err(err("reminder_minutes", format!("has at most 5 entries, not {}", self.reminder_minutes.len())));
        }
        for (i, m) in self.reminder_minutes.iter().enumerate() {
            if !(5..=20_160).contains(m) {
                return Err(err(&format!("reminder_minutes[{i}]"), format!("must be between 5 and 20160, not {m}")));
            }
        }
        for (i, o) in self.organisers.iter().enumerate() {
            if let Err(e) = Holder::parse(o) {
                return Err(err(&format!("organisers[{i}]"), e.to_string()));
            }
        }
        Ok(())
    }
}

impl EventsConfig {
    /// Whether the sender of `msg` (in a chat of the community these
    /// settings are in force for) is an organiser.
    pub fn is_organiser(&self, msg: &Incoming) -> bool {
        self.organisers.iter().filter_map(|o| Holder::parse(o).ok()).any(|h| h.matches(msg))
    }

    /// The reminder offsets, longest first, without repeats.
    pub fn offsets(&self) -> Vec<i64> {
        let mut v = self.reminder_minutes.clone();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let c = EventsConfig::default();
        assert!(c.validate("features.events").is_ok());
        assert_eq!(toml::from_str::<EventsConfig>(""), Ok(c.clone()));
        assert_eq!(c.offsets(), vec![1440, 60]);
    }

    #[test]
    fn ranges_name_the_key() {
        let bad = EventsConfig { reminder_minutes: vec![60, 1], ..EventsConfig::default() };
        let e = bad.validate("features.events").map_err(|e| e.to_string());
        assert!(e.is_err_and(|e| e.contains("features.events.reminder_minutes[1]")));
        let bad = EventsConfig { attendance_minutes: 5, ..EventsConfig::default() };
        assert!(bad.validate("features.events").is_err());
        let bad = EventsConfig { organisers: vec!["li".into()], ..EventsConfig::default() };
        assert!(bad.validate("features.events").is_err());
        let bad = EventsConfig { organisers: vec!["telegram:role:1".into()], ..EventsConfig::default() };
        assert!(bad.validate("features.events").is_err());
        let good = EventsConfig { organisers: vec!["discord:role:77".into()], ..EventsConfig::default() };
        assert!(good.validate("features.events").is_ok());
    }
}

//! `[features.hiring]`: job posts, the recruiter role, limits, subscriptions
//! and delivery. Every number has a documented range that `config check`
//! and start-up enforce, with an error naming the key
//! (`features.hiring.posts_per_day must be between 1 and 100, not 0`).

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, parse_platform_ref};
use crate::features::FeatureConfig;
use crate::features::hiring::salary::Currency;
use crate::message::Platform;

/// `[features.hiring]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HiringConfig {
    /// Job posts and subscriptions are on in this community.
    pub enabled: bool,
    /// Only recruiters (below) and moderators may post. When false, any
    /// member may post; every post from a non-moderator is reviewed either way.
    pub require_recruiter: bool,
    /// Recruiters and headhunters (猎头), as `platform:user_id` like
    /// `moderators` (`telegram:123456`, `discord:42`, `console:hr_li`).
    pub recruiters: Vec<String>,
    /// Recruiters' posts open without review (moderators' always do).
    pub trust_recruiters: bool,
    /// Moderators listed in the config get a direct message when a post
    /// waits for review.
    pub notify_moderators: bool,
    /// Posts one member may submit per calendar day (community time zone);
    /// moderators are not limited. 1–100.
    pub posts_per_day: i64,
    /// Longest post body, in characters. 200–3500 (the engine reads 4000
    /// at most; Discord members can send 2000).
    pub max_post_chars: i64,
    /// Days a post stays listed when it does not say. 1–`max_expiry_days`.
    pub default_expiry_days: i64,
    /// Longest `有效期` accepted, in days. 1–365.
    pub max_expiry_days: i64,
    /// Currency of salaries that do not say, and of `salary>=N` floors: one
    /// of CNY, USD, EUR, HKD, GBP, SGD, JPY.
    pub currency: String,
    /// Posts per page of `/jobs` and of search results. 1–20.
    pub page_size: i64,
    /// Subscriptions per member. 1–50.
    pub max_subscriptions: i64,
    /// Job messages one member gets per calendar day; further matches wait
    /// for the next day's bundle. 1–50.
    pub dm_per_day: i64,
    /// Local hour at which the next day's bundle is sent. 0–23.
    pub bundle_hour: i64,
    /// Posts listed in one bundle message (the rest are counted, with a
    /// pointer to `/jobs`). 1–50.
    pub bundle_max: i64,
}

impl Default for HiringConfig {
    fn default() -> HiringConfig {
        HiringConfig {
            enabled: true,
            require_recruiter: true,
            recruiters: Vec::new(),
            trust_recruiters: false,
            notify_moderators: true,
            posts_per_day: 3,
            max_post_chars: 2000,
            default_expiry_days: 30,
            max_expiry_days: 90,
            currency: "CNY".into(),
            page_size: 5,
            max_subscriptions: 10,
            dm_per_day: 5,
            bundle_hour: 9,
            bundle_max: 20,
        }
    }
}

impl FeatureConfig for HiringConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    /// Checks every setting's range. `prefix` is where the section sits
    /// (`features.hiring` or `communities.pgcn.features.hiring`).
    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        let err = |key: &str, message: String| ConfigError::Key { key: format!("{prefix}.{key}"), message };
        let ranges: [(&str, i64, i64, i64); 9] = [
            ("posts_per_day", self.posts_per_day, 1, 100),
            ("max_post_chars", self.max_post_chars, 200, 3500),
            ("max_expiry_days", self.max_expiry_days, 1, 365),
            ("default_expiry_days", self.default_expiry_days, 1, self.max_expiry_days.clamp(1, 365)),
            ("page_size", self.page_size, 1, 20),
            ("max_subscriptions", self.max_subscriptions, 1, 50),
            ("dm_per_day", self.dm_per_day, 1, 50),
            ("bundle_hour", self.bundle_hour, 0, 23),
            ("bundle_max", self.bundle_max, 1, 50),
        ];
        for (key, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                return Err(err(key, format!("must be between {min} and {max}, not {value}")));
            }
        }
        if Currency::from_code(&self.currency).is_none() {
            let codes: Vec<&str> = Currency::ALL.iter().map(|c| c.code()).collect();
            return Err(err("currency", format!("must be one of {}, not `{}`", codes.join(", "), self.currency)));
        }
        for (i, r) in self.recruiters.iter().enumerate() {
            if parse_platform_ref(r).is_none() {
                return Err(err(
                    &format!("recruiters[{i}]"),
                    format!("`{r}` is not `platform:user_id` with platform console, telegram, discord or qq"),
                ));
            }
        }
        Ok(())
    }
}

impl HiringConfig {
    /// The currency, validated.
    pub fn currency(&self) -> Currency {
        Currency::from_code(&self.currency).unwrap_or(Currency::Cny)
    }

    /// Whether the account is a recruiter.
    pub fn is_recruiter(&self, platform: Platform, user_id: &str) -> bool {
        self.recruiters.iter().any(|r| parse_platform_ref(r) == Some((platform, user_id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> Result<HiringConfig, String> {
        toml::from_str::<HiringConfig>(toml_text).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_are_valid_and_documented() {
        let c = HiringConfig::default();
        assert!(c.validate("features.hiring").is_ok());
        assert_eq!(parse(""), Ok(c.clone()));
        assert_eq!((c.posts_per_day, c.dm_per_day, c.max_subscriptions, c.default_expiry_days), (3, 5, 10, 30));
        assert_eq!(c.currency(), Currency::Cny);
    }

    #[test]
    fn a_full_section_parses() {
        let c = parse(
            r#"
            enabled = true
            require_recruiter = true
            recruiters = ["telegram:123456", "console:hr_li"]
            trust_recruiters = false
            notify_moderators = true
            posts_per_day = 3
            max_post_chars = 2000
            default_expiry_days = 30
            max_expiry_days = 90
            currency = "CNY"
            page_size = 5
            max_subscriptions = 10
            dm_per_day = 5
            bundle_hour = 9
            bundle_max = 20
            "#,
        );
        let c = c.unwrap_or_else(|e| panic!("{e}"));
        assert!(c.validate("features.hiring").is_ok());
        assert!(c.is_recruiter(Platform::Console, "hr_li"));
        assert!(!c.is_recruiter(Platform::Telegram, "hr_li"));
        assert!(!c.is_recruiter(Platform::Console, "hr"));
    }

    #[test]
    fn typos_are_refused() {
        let e = parse("post_per_day = 3").err().unwrap_or_default();
        assert!(e.contains("unknown field `post_per_day`"), "{e}");
    }

    #[test]
    fn ranges_name_the_key() {
        let check = |f: fn(&mut HiringConfig), key: &str| {
            let mut c = HiringConfig::default();
            f(&mut c);
            let e = match c.validate("features.hiring") {
                Err(ConfigError::Key { key, .. }) => key,
                other => panic!("{other:?}"),
            };
            assert_eq!(e, format!("features.hiring.{key}"));
        };
        check(|c| c.posts_per_day = 0, "posts_per_day");
        check(|c| c.posts_per_day = i64::MAX, "posts_per_day");
        check(|c| c.max_post_chars = 4000, "max_post_chars");
        check(|c| c.max_post_chars = 10, "max_post_chars");
        check(|c| c.max_expiry_days = 0, "max_expiry_days");
        check(|c| c.default_expiry_days = 91, "default_expiry_days");
        check(|c| c.default_expiry_days = -1, "default_expiry_days");
        check(|c| c.page_size = 21, "page_size");
        check(|c| c.max_subscriptions = 0, "max_subscriptions");
        check(|c| c.dm_per_day = 0, "dm_per_day");
        check(|c| c.dm_per_day = 1000, "dm_per_day");
        check(|c| c.bundle_hour = 24, "bundle_hour");
        check(|c| c.bundle_max = 0, "bundle_max");
        check(|c| c.currency = "BTC".into(), "currency");
        check(|c| c.recruiters = vec!["123".into()], "recruiters[0]");
        check(|c| c.recruiters = vec!["console:a".into(), "wechat:abc".into()], "recruiters[1]");
        check(|c| c.recruiters = vec!["telegram:".into()], "recruiters[0]");
        let c = HiringConfig { page_size: 0, ..Default::default() };
        assert_eq!(
            c.validate("communities.pgcn.features.hiring").map_err(|e| e.to_string()),
            Err("config key `communities.pgcn.features.hiring.page_size`: must be between 1 and 20, not 0".into())
        );
    }
}

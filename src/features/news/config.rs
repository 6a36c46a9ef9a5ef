//! `[features.news]`: the community's feed sources and how they are
//! fetched, listed and posted. Every number has a documented range that
//! `config check` and start-up enforce, naming the key.

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, check_range, parse_platform_ref};
use crate::features::FeatureConfig;
use crate::features::news::text::{check_feed_url, names_private_host, parse_language};

/// `[features.news]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct NewsConfig {
    /// News feeds are on in this community.
    pub enabled: bool,
    /// Sources set in the config (moderators add more with `/news add`).
    pub sources: Vec<SourceConfig>,
    /// Minutes between two fetches of one source. 15–1440.
    pub fetch_minutes: i64,
    /// How long one fetch may take, in seconds. 1–120.
    pub timeout_secs: i64,
    /// Largest feed document read, in bytes (default 5 MB). 1024–52428800.
    pub max_bytes: i64,
    /// Seconds between two requests to one host. 0–3600.
    pub host_interval_secs: i64,
    /// Failed fetches in a row after which a source counts as dead and
    /// moderators are told (once). 1–100.
    pub dead_after_failures: i64,
    /// Items per page of `/news`. 1–20.
    pub page_size: i64,
    /// Sources per community. 1–500.
    pub max_sources: i64,
    /// Items a watching chat (`/news watch`) gets per hour at most. 1–60.
    pub posts_per_hour: i64,
    /// Feeds may be on loopback, private and link-local addresses (off: such
    /// a URL is refused, and the fetcher refuses names that resolve there).
    pub allow_private: bool,
    /// Translate items whose language is not the community's through the
    /// shared language model (`[llm]`; nothing happens while it is off).
    pub translate: bool,
    /// The section the language model's settings had before they moved to
    /// the top-level `[llm]`: read only to say so.
    #[serde(skip_serializing)]
    pub llm: Option<toml::Value>,
}

impl Default for NewsConfig {
    fn default() -> NewsConfig {
        NewsConfig {
            enabled: true,
            sources: Vec::new(),
            fetch_minutes: 60,
            timeout_secs: 20,
            max_bytes: 5 * 1024 * 1024,
            host_interval_secs: 5,
            dead_after_failures: 5,
            page_size: 5,
            max_sources: 50,
            posts_per_hour: 3,
            allow_private: false,
            translate: true,
            llm: None,
        }
    }
}

/// One source in `[features.news] sources`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// The feed URL (http or https).
    pub url: String,
    /// The language its items are written in (`en`, `zh`…).
    #[serde(default = "english")]
    pub language: String,
    /// Tags members filter `/news TAG` by.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Only items mentioning one of these words are kept (empty: all).
    #[serde(default)]
    pub include: Vec<String>,
    /// Items mentioning one of these words are dropped.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The chats whose `/news watch` receive it, as `platform:chat_id`
    /// (empty: every watching chat).
    #[serde(default)]
    pub chats: Vec<String>,
}

fn english() -> String {
    "en".into()
}

impl FeatureConfig for NewsConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        check_range(prefix, "fetch_minutes", self.fetch_minutes, 15..=1440)?;
        check_range(prefix, "timeout_secs", self.timeout_secs, 1..=120)?;
        check_range(prefix, "max_bytes", self.max_bytes, 1024..=52_428_800)?;
        check_range(prefix, "host_interval_secs", self.host_interval_secs, 0..=3600)?;
        check_range(prefix, "dead_after_failures", self.dead_after_failures, 1..=100)?;
        check_range(prefix, "page_size", self.page_size, 1..=20)?;
        check_range(prefix, "max_sources", self.max_sources, 1..=500)?;
        check_range(prefix, "posts_per_hour", self.posts_per_hour, 1..=60)?;
        if self.llm.is_some() {
            return Err(ConfigError::Key {
                key: format!("{prefix}.llm"),
                message: "the language model's settings moved: base_url, model, api_key_env, timeout_secs, \
                          max_concurrency, max_tokens, daily_tokens and enabled go in the top-level [llm] section \
                          (a community's own budget in [communities.ID.llm] daily_tokens), and translation is \
                          switched by `translate` in [features.news]"
                    .into(),
            });
        }
        let err = |key: String, message: String| ConfigError::Key { key: format!("{prefix}.{key}"), message };
        for (i, s) in self.sources.iter().enumerate() {
            if let Err(why) = check_feed_url(&s.url) {
                return Err(err(format!("sources[{i}].url"), format!("`{}` {why}", s.url)));
            }
            if !self.allow_private && names_private_host(&s.url) {
                return Err(err(
                    format!("sources[{i}].url"),
                    format!("`{}` is a loopback or private address; set allow_private = true to fetch it", s.url),
                ));
            }
            if parse_language(&s.language).is_none() {
                return Err(err(
                    format!("sources[{i}].language"),
                    format!("`{}` is not a language code like en, zh or pt-BR", s.language),
                ));
            }
            for (j, c) in s.chats.iter().enumerate() {
                if parse_platform_ref(c).is_none() {
                    return Err(err(
                        format!("sources[{i}].chats[{j}]"),
                        format!("`{c}` is not `platform:chat_id` with platform console, telegram, discord or qq"),
                    ));
                }
            }
        }
        Ok(())
    }
}

//! The optional language model (off unless `[features.news.llm]` enables
//! it and the binary provides one): the [`LlmProvider`] trait, which
//! `jixia run` and `jixia console` implement for the OpenAI-compatible
//! chat-completions API (in the bots crate), and the translation of news
//! items into the community's language, cached per item and language,
//! within a daily token budget per community. Any failure leaves the item
//! untranslated and is noted for `/news status`.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::BoxFuture;
use crate::community::Community;
use crate::config::{ConfigError, check_range};
use crate::engine::Engine;
use crate::features::news::fetch::NewsServices;
use crate::features::news::store::Item;
use crate::features::news::text::{MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, cut, primary_language};
use crate::i18n::Locale;
use crate::store::StoreError;

/// `[features.news.llm]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LlmConfig {
    /// Translate items through the provider.
    pub enabled: bool,
    /// The API's base URL (`…/v1`; `/chat/completions` is added).
    pub base_url: String,
    /// The model name.
    pub model: String,
    /// The environment variable holding the API key (unset or empty: no
    /// `Authorization` header, as a local server wants).
    pub api_key_env: String,
    /// How long one call may take, in seconds. 1–600.
    pub timeout_secs: i64,
    /// Calls in flight at once. 1–64.
    pub max_concurrency: i64,
    /// Tokens one community may spend per day (UTC). 0–100000000.
    pub daily_tokens: i64,
    /// Largest answer asked for, in tokens. 16–8192.
    pub max_tokens: i64,
}

impl Default for LlmConfig {
    fn default() -> LlmConfig {
        LlmConfig {
            enabled: false,
            base_url: "http://127.0.0.1:11434/v1".into(),
            model: "qwen2.5:7b".into(),
            api_key_env: "JIXIA_LLM_API_KEY".into(),
            timeout_secs: 60,
            max_concurrency: 2,
            daily_tokens: 200_000,
            max_tokens: 800,
        }
    }
}

impl LlmConfig {
    /// Checks the ranges; `prefix` is the news section's.
    pub fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        let prefix = format!("{prefix}.llm");
        check_range(&prefix, "timeout_secs", self.timeout_secs, 1..=600)?;
        check_range(&prefix, "max_concurrency", self.max_concurrency, 1..=64)?;
        check_range(&prefix, "daily_tokens", self.daily_tokens, 0..=100_000_000)?;
        check_range(&prefix, "max_tokens", self.max_tokens, 16..=8192)?;
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(ConfigError::Key {
                key: format!("{prefix}.base_url"),
                message: format!("`{}` is not an http:// or https:// URL", self.base_url),
            });
        }
        if self.model.trim().is_empty() {
            return Err(ConfigError::Key { key: format!("{prefix}.model"), message: "must not be empty".into() });
        }
        Ok(())
    }
}

/// One chat-completion request: a system and a user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRequest {
    /// The system message.
    pub system: String,
    /// The user message.
    pub user: String,
    /// Largest answer, in tokens.
    pub max_tokens: i64,
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The text.
    pub text: String,
    /// Tokens the call cost (prompt and answer).
    pub tokens: i64,
}

/// Why a call failed. Never carries the API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    /// No answer in time.
    #[error("timed out after {0} s")]
    Timeout(u64),
    /// The provider said 429.
    #[error("rate limited by the provider (HTTP 429)")]
    RateLimited,
    /// Another HTTP error status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// An answer we cannot read.
    #[error("unreadable answer: {0}")]
    Malformed(String),
    /// The connection failed.
    #[error("network error: {0}")]
    Network(String),
}

/// A chat-completions provider (a hosted service, or a local Ollama, vLLM
/// or llama.cpp server). Timeouts and the concurrency cap are the
/// implementation's.
pub trait LlmProvider: Send + Sync + std::fmt::Debug {
    /// The model's name, for `/news status`.
    fn model(&self) -> &str;

    /// Sends one request.
    fn complete<'a>(&'a self, req: &'a ChatRequest) -> BoxFuture<'a, Result<Completion, LlmError>>;
}

/// Why the latest translation did not happen, for `/news status`.
#[derive(Debug, Default)]
pub struct LlmNote(Mutex<Option<(DateTime<Utc>, String)>>);

impl LlmNote {
    /// Notes a problem.
    pub fn set(&self, at: DateTime<Utc>, what: String) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((at, what));
    }

    /// The latest problem.
    pub fn get(&self) -> Option<(DateTime<Utc>, String)> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

const TRANSLATE_SYSTEM: &str = include_str!("../../../prompts/llm/translate.system.txt");
const TRANSLATE_USER: &str = include_str!("../../../prompts/llm/translate.user.txt");

/// A template with its `{{name}}` variables replaced.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.trim_end().to_owned();
    for (name, value) in vars {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

fn language_name(locale: Locale) -> &'static str {
    match locale {
        Locale::Zh => "Simplified Chinese",
        Locale::En => "English",
    }
}

/// The request that translates `item` into `locale`.
pub fn translate_request(item: &Item, locale: Locale, max_tokens: i64) -> ChatRequest {
    let language = language_name(locale);
    ChatRequest {
        system: fill(TRANSLATE_SYSTEM, &[("language", language)]),
        user: fill(
            TRANSLATE_USER,
            &[
                ("language", language),
                ("source_language", &item.language),
                ("title", &item.title),
                ("summary", &item.summary),
            ],
        ),
        max_tokens,
    }
}

/// A translation answer as (title, summary): the first non-empty line,
/// then the rest; `None` when there is no title.
pub fn parse_translation(text: &str) -> Option<(String, String)> {
    let mut lines = text.trim().lines();
    let title = lines.next()?.trim().trim_start_matches("Title:").trim_start_matches("标题：").trim();
    if title.is_empty() {
        return None;
    }
    let rest: Vec<&str> = lines.collect();
    let summary = rest.join(" ");
    let summary = summary.trim().trim_start_matches("Summary:").trim_start_matches("摘要：").trim();
    Some((cut(title, MAX_TITLE_CHARS), cut(summary, MAX_SUMMARY_CHARS)))
}

/// Whether an item in `language` is read in `locale` without translation.
pub fn same_language(language: &str, locale: Locale) -> bool {
    primary_language(language) == locale.code()
}

/// Translates `items` whose language is not the community's into it, each
/// once (cached), while the community's budget for today lasts. Stops at
/// the first failure (noted for `/news status`): the rest stay
/// untranslated until they are shown untranslated anyway.
pub async fn translate_items(engine: &Engine, community: &Community, items: &[Item]) -> Result<(), StoreError> {
    let config = &community.features.news.llm;
    if !config.enabled {
        return Ok(());
    }
    let Some(services) = engine.state::<NewsServices>() else { return Ok(()) };
    let Some(llm) = services.llm.clone() else { return Ok(()) };
    let locale = community.locale;
    let store = engine.store().news();
    let wanted: Vec<&Item> = items.iter().filter(|i| !same_language(&i.language, locale)).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = wanted.iter().map(|i| i.id).collect();
    let cached: Vec<i64> = store.news_translations(&ids, locale.code()).await?.into_iter().map(|t| t.item).collect();
    for item in wanted.into_iter().filter(|i| !cached.contains(&i.id)) {
        let now = engine.now();
        let day = now.format("%Y-%m-%d").to_string();
        let spent = store.news_tokens_on(&community.id, &day).await?;
        if spent >= config.daily_tokens {
            services.llm_note.set(now, format!("daily token budget spent ({spent} of {})", config.daily_tokens));
            return Ok(());
        }
        match llm.complete(&translate_request(item, locale, config.max_tokens)).await {
            Ok(c) => match parse_translation(&c.text) {
                Some((title, summary)) => {
                    let t = crate::features::news::store::Translation {
                        item: item.id,
                        language: locale.code().to_owned(),
                        title,
                        summary,
                    };
                    store.news_put_translation(&community.id, &t, &day, c.tokens.max(1), now).await?;
                }
                None => {
                    store.news_spend_tokens(&community.id, &day, c.tokens.max(1)).await?;
                    services.llm_note.set(now, "the model's answer had no title line".into());
                    return Ok(());
                }
            },
            Err(e) => {
                tracing::warn!(item = item.id, error = %e, "translation failed; items stay untranslated");
                services.llm_note.set(now, e.to_string());
                return Ok(());
            }
        }
    }
    Ok(())
}

/// `items` with the translations into `locale` that exist put in place
/// (for items whose language is another).
pub async fn with_translations(engine: &Engine, items: Vec<Item>, locale: Locale) -> Result<Vec<Item>, StoreError> {
    let ids: Vec<i64> = items.iter().filter(|i| !same_language(&i.language, locale)).map(|i| i.id).collect();
    if ids.is_empty() {
        return Ok(items);
    }
    let found = engine.store().news().news_translations(&ids, locale.code()).await?;
    Ok(items
        .into_iter()
        .map(|mut i| {
            if let Some(t) = found.iter().find(|t| t.item == i.id) {
                i.translated = Some((t.title.clone(), t.summary.clone()));
            }
            i
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_every_variable() {
        let item = Item {
            id: 1,
            source_id: 1,
            source: crate::features::news::store::SourceNo(1),
            tags: Vec::new(),
            chats: Vec::new(),
            link: None,
            title: "PostgreSQL 18 released".into(),
            summary: "Faster".into(),
            published: None,
            fetched_at: DateTime::<Utc>::UNIX_EPOCH,
            language: "en".into(),
            translated: None,
        };
        let r = translate_request(&item, Locale::Zh, 100);
        assert!(r.system.contains("Simplified Chinese") && !r.system.contains("{{"));
        assert!(r.user.contains("from en into Simplified Chinese") && r.user.contains("Title: PostgreSQL 18 released"));
        assert!(!r.user.contains("{{"));
    }

    #[test]
    fn answers_are_a_title_line_and_a_summary() {
        assert_eq!(
            parse_translation("标题：PostgreSQL 18 发布\n更快。\n更稳。"),
            Some(("PostgreSQL 18 发布".into(), "更快。 更稳。".into()))
        );
        assert_eq!(parse_translation("只有标题"), Some(("只有标题".into(), String::new())));
        assert_eq!(parse_translation("  \n "), None);
        assert!(same_language("zh-TW", Locale::Zh) && !same_language("en", Locale::Zh));
    }
}

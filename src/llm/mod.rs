//! The optional language model, shared engine mechanism (like the ledger,
//! not a feature): the top-level `[llm]` section, the [`LlmProvider`]
//! trait that `jixia run` and `jixia console` implement for the
//! OpenAI-compatible chat-completions API (in the bots crate) and tests
//! implement in process, and [`complete`], the one way a feature calls the
//! model: within the community's daily token budget, reserved before the
//! call and settled after it, with the latest problem noted per community
//! and use for the features' status commands.
//!
//! Three features use it: news translation (`[features.news] translate`),
//! chat-day summaries for the digest (`summary`) and FAQ drafting
//! (`/faq draft`). Off unless `[llm] enabled = true` and the program
//! provided a model ([`crate::Engine::provide`] with an [`Llm`]); without
//! one, those parts are simply absent.

pub mod store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::BoxFuture;
use crate::community::Community;
use crate::config::{ConfigError, check_range};
use crate::engine::Engine;
use crate::i18n::Locale;
use crate::store::StoreError;

/// The language model's SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The language model's SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The largest daily budget a community may have, in tokens.
pub const MAX_DAILY_TOKENS: i64 = 100_000_000;

/// `[llm]`: the provider every use shares, and the default daily budget.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LlmConfig {
    /// The model is used at all.
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
    /// Largest answer asked for, in tokens. 16–8192.
    pub max_tokens: i64,
    /// Tokens one community may spend per day (UTC), unless its
    /// `[communities.ID.llm]` says otherwise. 0–100000000.
    pub daily_tokens: i64,
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
            max_tokens: 800,
            daily_tokens: 200_000,
        }
    }
}

impl LlmConfig {
    /// Checks the ranges and the URL; errors name the `llm.KEY`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let prefix = "llm";
        check_range(prefix, "timeout_secs", self.timeout_secs, 1..=600)?;
        check_range(prefix, "max_concurrency", self.max_concurrency, 1..=64)?;
        check_range(prefix, "max_tokens", self.max_tokens, 16..=8192)?;
        check_range(prefix, "daily_tokens", self.daily_tokens, 0..=MAX_DAILY_TOKENS)?;
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

/// `[communities.ID.llm]`: one community's own budget.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommunityLlmConfig {
    /// Tokens this community may spend per day (UTC), instead of
    /// `[llm] daily_tokens`. 0–100000000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily_tokens: Option<i64>,
}

impl CommunityLlmConfig {
    /// Checks the range; `id` is the community's.
    pub fn validate(&self, id: &str) -> Result<(), ConfigError> {
        match self.daily_tokens {
            Some(n) => check_range(&format!("communities.{id}.llm"), "daily_tokens", n, 0..=MAX_DAILY_TOKENS),
            None => Ok(()),
        }
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

impl ChatRequest {
    /// The most this request can cost, as reserved before it is sent: the
    /// prompt at two bytes a token (a Chinese character is three bytes and
    /// one or two tokens; English is about four bytes a token), a little
    /// for the chat format, and the whole answer allowed.
    pub fn estimate(&self) -> i64 {
        let prompt = (self.system.len() + self.user.len()) / 2 + 16;
        i64::try_from(prompt).unwrap_or(i64::MAX / 2).saturating_add(self.max_tokens.max(0))
    }
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
    /// The model's name, for status commands and drafts' marks.
    fn model(&self) -> &str;

    /// Sends one request.
    fn complete<'a>(&'a self, req: &'a ChatRequest) -> BoxFuture<'a, Result<Completion, LlmError>>;
}

/// What the model is used for: problems are noted per community and use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Use {
    /// Translating news items (`/news status` shows its problems).
    Translate,
    /// Summarizing a chat's day for the digest (`/summary status`).
    Summary,
    /// Drafting an FAQ entry (the moderator asking reads the reason).
    FaqDraft,
}

/// The model an engine uses, given by the embedding program with
/// [`crate::Engine::provide`], and the latest problem of each community
/// and use.
#[derive(Debug)]
pub struct Llm {
    provider: Arc<dyn LlmProvider>,
    notes: Mutex<HashMap<(String, Use), Problem>>,
    running: Mutex<std::collections::HashSet<(String, Use)>>,
}

/// A use of the model running in a community on this engine, until dropped
/// (see [`Llm::exclusive`]).
#[derive(Debug)]
pub struct Running<'a> {
    llm: &'a Llm,
    key: (String, Use),
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.llm.running.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.key);
    }
}

/// A problem noted: when, and what.
pub type Problem = (DateTime<Utc>, String);

impl Llm {
    /// The model behind `provider`.
    pub fn new(provider: Arc<dyn LlmProvider>) -> Llm {
        Llm { provider, notes: Mutex::default(), running: Mutex::default() }
    }

    /// The model's name.
    pub fn model(&self) -> &str {
        self.provider.model()
    }

    /// Marks a use as running in a community on this engine; `None` when
    /// it already is (two translation passes after two fetches at once
    /// would send the same items twice).
    pub fn exclusive(&self, community: &str, used_for: Use) -> Option<Running<'_>> {
        let key = (community.to_owned(), used_for);
        let fresh = self.running.lock().unwrap_or_else(PoisonError::into_inner).insert(key.clone());
        fresh.then_some(Running { llm: self, key })
    }

    /// Notes why a use did not happen in a community.
    pub fn note(&self, community: &str, used_for: Use, at: DateTime<Utc>, what: String) {
        let mut notes = self.notes.lock().unwrap_or_else(PoisonError::into_inner);
        notes.insert((community.to_owned(), used_for), (at, what));
    }

    /// The latest problem of a use in a community.
    pub fn last_problem(&self, community: &str, used_for: Use) -> Option<Problem> {
        let notes = self.notes.lock().unwrap_or_else(PoisonError::into_inner);
        notes.get(&(community.to_owned(), used_for)).cloned()
    }
}

/// The engine's model: `None` unless `[llm] enabled` and the program
/// provided one.
pub fn model_of(engine: &Engine) -> Option<&Llm> {
    if !engine.config().llm.enabled {
        return None;
    }
    engine.state::<Llm>()
}

/// Why [`complete`] has no answer.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// No model is configured or provided.
    #[error("no language model is configured")]
    Off,
    /// The call could cost more than what is left of today's budget.
    #[error("daily token budget spent ({spent} of {budget}; a call may cost up to {wanted})")]
    Budget {
        /// Spent (and reserved) today.
        spent: i64,
        /// The community's budget.
        budget: i64,
        /// What the call was estimated at.
        wanted: i64,
    },
    /// The provider failed.
    #[error(transparent)]
    Failed(#[from] LlmError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The budget day of `now`: the UTC calendar day.
pub fn budget_day(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%d").to_string()
}

/// Sends `req` for `community`: reserves its [`ChatRequest::estimate`]
/// from today's budget first (refused when it does not fit, so the day's
/// last call cannot exceed the budget), then settles the reservation to
/// what the call cost (nothing when it failed). A refusal or a failure is
/// noted for the use's status. The caller notes an answer it cannot use.
pub async fn complete(
    engine: &Engine,
    community: &Community,
    used_for: Use,
    req: &ChatRequest,
) -> Result<Completion, CallError> {
    let Some(llm) = model_of(engine) else { return Err(CallError::Off) };
    let now = engine.now();
    let day = budget_day(now);
    let budget = community.llm_daily_tokens;
    let wanted = req.estimate();
    let store = engine.store().llm();
    let Some(_) = store.llm_reserve(&community.id, &day, wanted, budget).await? else {
        let spent = store.llm_spent(&community.id, &day).await?;
        let e = CallError::Budget { spent, budget, wanted };
        llm.note(&community.id, used_for, now, e.to_string());
        return Err(e);
    };
    let answer = llm.provider.complete(req).await;
    let cost = answer.as_ref().map_or(0, |c| c.tokens.max(1));
    store.llm_settle(&community.id, &day, wanted, cost).await?;
    answer.map_err(|e| {
        tracing::warn!(community = %community.id, error = %e, ?used_for, "language model call failed");
        llm.note(&community.id, used_for, now, e.to_string());
        CallError::Failed(e)
    })
}

/// Tokens `community` spent (or holds reserved) today.
pub async fn spent_today(engine: &Engine, community: &Community) -> Result<i64, StoreError> {
    engine.store().llm().llm_spent(&community.id, &budget_day(engine.now())).await
}

/// A template with its `{{name}}` variables replaced (no escaping: the
/// text goes to the model, never to a chat as markup).
/// One pass: a value that itself contains `{{name}}` (a member's message)
/// is never filled in turn.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut rest = template.trim_end();
    let mut out = String::with_capacity(rest.len());
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let known = after.find("}}").and_then(|end| {
            let name = &after[..end];
            vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, end))
        });
        match known {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The English name of a language, as templates say it to the model.
pub fn language_name(locale: Locale) -> &'static str {
    match locale {
        Locale::Zh => "Simplified Chinese",
        Locale::En => "English",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_covers_the_prompt_and_the_whole_answer() {
        let req = ChatRequest { system: "s".repeat(100), user: "译".repeat(100), max_tokens: 800 };
        // 100 + 300 bytes at two a token, 16 for the format, 800 for the answer.
        assert_eq!(req.estimate(), 200 + 16 + 800);
    }

    #[test]
    fn templates_fill_every_variable() {
        assert_eq!(fill("{{a}} and {{b}}\n", &[("a", "x"), ("b", "{{a}}")]), "x and {{a}}");
        assert_eq!(fill("{{b}} {{a}} {{c}} {{", &[("a", "x"), ("b", "{{a}}")]), "{{a}} x {{c}} {{");
    }

    #[test]
    fn community_budgets_are_checked() {
        assert!(CommunityLlmConfig { daily_tokens: Some(-1) }.validate("pgcn").is_err());
        assert!(CommunityLlmConfig { daily_tokens: Some(5) }.validate("pgcn").is_ok());
        let e = LlmConfig { base_url: "ftp://x".into(), ..LlmConfig::default() }.validate();
        assert!(e.is_err_and(|e| e.to_string().contains("llm.base_url")));
    }
}

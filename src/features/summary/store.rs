//! The summary feature's storage: opted-in chats, the kept text of their
//! messages (written in batches by the group commit, capped per chat and
//! day) and the summaries made. Implemented for both backends by `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::message::Platform;
use crate::store::{Backend, Store, StoreError};

/// A chat whose day is summarized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptedChat {
    /// Its community.
    pub community: String,
    /// Its platform.
    pub platform: Platform,
    /// The chat.
    pub chat_id: String,
    /// What the digest calls it.
    pub label: String,
    /// Who switched it on (`platform:user_id`).
    pub enabled_by: String,
    /// When.
    pub enabled_at: DateTime<Utc>,
}

/// One message's text, kept for its chat's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptMessage {
    /// Its community.
    pub community: String,
    /// Its platform.
    pub platform: Platform,
    /// The chat.
    pub chat_id: String,
    /// The community's calendar day it was said on (`2026-12-02`).
    pub day: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The text (cut).
    pub text: String,
}

/// A summary made of a chat's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatSummary {
    /// How many messages it read.
    pub messages: i64,
    /// The model's text.
    pub summary: String,
    /// The model that wrote it.
    pub model: String,
}

/// Opted-in chats, kept messages, summaries.
#[async_trait]
pub trait SummaryStore: Send + Sync {
    /// Opts a chat in; `false` if it was already.
    async fn summary_opt_in(&self, chat: &OptedChat) -> Result<bool, StoreError>;

    /// Opts a chat out and deletes its kept messages and summaries;
    /// `false` if it was not opted in.
    async fn summary_opt_out(&self, platform: Platform, chat_id: &str) -> Result<bool, StoreError>;

    /// A chat's opt-in.
    async fn summary_chat(&self, platform: Platform, chat_id: &str) -> Result<Option<OptedChat>, StoreError>;

    /// Every opted-in chat (of every community).
    async fn summary_all_chats(&self) -> Result<Vec<OptedChat>, StoreError>;

    /// Stores a batch of kept messages in one transaction, each chat's day
    /// up to `cap` messages (the rest are dropped); returns how many were
    /// stored. Messages of a chat no longer opted in are dropped.
    async fn summary_keep(&self, batch: &[KeptMessage], cap: i64) -> Result<usize, StoreError>;

    /// A chat's kept messages since `since`, oldest first, at most `limit`
    /// (the latest).
    async fn summary_messages(
        &self,
        platform: Platform,
        chat_id: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<KeptMessage>, StoreError>;

    /// How many messages a chat has kept on `day`.
    async fn summary_count_on(&self, platform: Platform, chat_id: &str, day: &str) -> Result<i64, StoreError>;

    /// The summary made of a chat for a digest `day`.
    async fn summary_text(
        &self,
        platform: Platform,
        chat_id: &str,
        day: &str,
    ) -> Result<Option<ChatSummary>, StoreError>;

    /// Stores (or replaces) the summary of a chat for a digest `day`.
    async fn summary_put_text(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        day: &str,
        s: &ChatSummary,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Deletes the community's kept messages older than `before` and its
    /// summaries older than `texts_before`; returns the messages deleted.
    async fn summary_prune(
        &self,
        community: &str,
        before: DateTime<Utc>,
        texts_before: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
}

impl Store {
    /// Chat-day summaries.
    pub fn summary(&self) -> &dyn SummaryStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

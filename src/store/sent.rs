//! Messages the bot sent that a feature asked to know again
//! (`Outgoing::track`): adapters report the platform's id of each part once
//! it is delivered ([`crate::Engine::sent`]), and a feature reading a
//! reaction asks what the reacted message was.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::message::Platform;
use crate::store::StoreError;

/// How long a sent message is remembered.
pub const KEEP_DAYS: i64 = 30;

/// The bot's tracked messages.
#[async_trait]
pub trait SentStore: Send + Sync {
    /// Remembers that the bot's message `message_id` in `chat_id` is
    /// `track` (the same message reported twice is stored once).
    async fn sent_record(
        &self,
        platform: Platform,
        chat_id: &str,
        message_id: &str,
        track: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// What the bot's message `message_id` in `chat_id` was, if tracked.
    async fn sent_track(
        &self,
        platform: Platform,
        chat_id: &str,
        message_id: &str,
    ) -> Result<Option<String>, StoreError>;

    /// Forgets messages sent before `before`; how many.
    async fn sent_prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}

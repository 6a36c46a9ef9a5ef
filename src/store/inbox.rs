//! Storage of the inbox: platform updates recorded before they are
//! acknowledged to the platform, de-duplicated by (source, update id), and
//! marked when the engine has handled them and when their replies have been
//! sent. Implemented for both backends by `inbox_sql.rs`; the group commit
//! that batches these writes is [`crate::intake`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;

/// Where an update is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InboxState {
    /// Stored (and so acknowledged to the platform); not handled yet.
    Received,
    /// Handled by the engine; its replies wait in the row until sent.
    Handled,
    /// Handled and its replies sent.
    Done,
}

impl InboxState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxState::Received => "received",
            InboxState::Handled => "handled",
            InboxState::Done => "done",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<InboxState> {
        [InboxState::Received, InboxState::Handled, InboxState::Done].into_iter().find(|k| k.as_str() == s)
    }
}

/// An update as received, to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUpdate {
    /// Who delivered it: the platform and the bot (`telegram:123456`), so
    /// two bots' update ids never meet.
    pub source: String,
    /// The platform's update id.
    pub update_id: i64,
    /// The update as the platform sent it (JSON).
    pub payload: String,
}

/// A stored update that is not done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenUpdate {
    /// The platform's update id.
    pub update_id: i64,
    /// The update as received.
    pub payload: String,
    /// Received or handled.
    pub state: InboxState,
    /// For a handled update: the replies owed, as JSON (a list of
    /// `Outgoing`).
    pub replies: Option<String>,
}

/// A change of state, as the group commit writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The source.
    pub source: String,
    /// The update.
    pub update_id: i64,
    /// `Handled` (with the replies owed) or `Done`.
    pub state: InboxState,
    /// The replies owed, as JSON, for `Handled`.
    pub replies: Option<String>,
}

/// The inbox of platform updates.
#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Records updates in one transaction, skipping those already stored;
    /// returns, for each update given, whether it was new.
    async fn record(&self, updates: &[NewUpdate], now: DateTime<Utc>) -> Result<Vec<bool>, StoreError>;

    /// Applies state changes in one transaction. A row never moves back
    /// (a late `Handled` does not undo `Done`).
    async fn mark(&self, marks: &[Mark], now: DateTime<Utc>) -> Result<(), StoreError>;

    /// The updates of `source` not done, oldest first, at most `limit`.
    async fn open(&self, source: &str, limit: i64) -> Result<Vec<OpenUpdate>, StoreError>;

    /// The highest update id stored for `source`.
    async fn last_update_id(&self, source: &str) -> Result<Option<i64>, StoreError>;

    /// Deletes done rows received before `before`, keeping each source's
    /// newest row (it says where to resume); returns how many went.
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Rows by source and state: (source, state, count).
    async fn counts(&self) -> Result<Vec<(String, String, i64)>, StoreError>;
}

//! The stats feature's storage: what the group commit writes (messages per
//! chat and per member per day, questions and their first replies) and the
//! one way every feature's figures are read ([`StatsStore::figure`]).
//! Implemented for both backends by `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::figures::{Binds, Query};
use crate::message::Platform;
use crate::store::{Backend, MemberId, Store, StoreError};

/// Messages in one chat on one day (the community's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatDay {
    /// The community.
    pub community: String,
    /// The day.
    pub day: NaiveDate,
    /// The chat's platform.
    pub platform: Platform,
    /// The chat.
    pub chat: String,
    /// Messages to add.
    pub messages: i64,
}

/// One member's messages on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDay {
    /// The community.
    pub community: String,
    /// The day.
    pub day: NaiveDate,
    /// The member.
    pub member: MemberId,
    /// Messages to add.
    pub messages: i64,
}

/// A message that asked something, or a reply to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionRef {
    /// The community.
    pub community: String,
    /// The chat's platform.
    pub platform: Platform,
    /// The chat.
    pub chat: String,
    /// The question's message id (for a reply: the message replied to).
    pub message_id: String,
    /// When it was asked (for a reply: when replied).
    pub at: DateTime<Utc>,
}

/// A question, as first seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Where and when.
    pub at: QuestionRef,
    /// Who asked.
    pub asker: MemberId,
}

/// One group commit's worth of counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallied {
    /// Messages per chat and day.
    pub chats: Vec<ChatDay>,
    /// Messages per member and day.
    pub members: Vec<MemberDay>,
    /// Questions asked.
    pub questions: Vec<Question>,
    /// Replies by someone else to a message that may be a question: the
    /// first within a day answers it.
    pub replies: Vec<QuestionRef>,
}

impl Tallied {
    /// Nothing to write.
    pub fn is_empty(&self) -> bool {
        self.chats.is_empty() && self.members.is_empty() && self.questions.is_empty() && self.replies.is_empty()
    }
}

/// Figures and what they are counted from.
#[async_trait]
pub trait StatsStore: Send + Sync {
    /// Adds one group commit's counts, in one transaction.
    async fn stats_record(&self, batch: &Tallied) -> Result<(), StoreError>;

    /// One figure: the first column of the first row (NULL or no row is
    /// 0), on the read pool.
    async fn figure(&self, query: Query, binds: &Binds) -> Result<i64, StoreError>;

    /// The first column of every row (NULLs left out).
    async fn figure_values(&self, query: Query, binds: &Binds) -> Result<Vec<i64>, StoreError>;

    /// Messages per chat on days `from..to` (the last excluded), busiest
    /// first.
    async fn messages_by_chat(
        &self,
        community: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ChatCount>, StoreError>;
}

/// Messages in one chat over a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatCount {
    /// The chat's platform (as stored; an unknown one is kept as text).
    pub platform: String,
    /// The chat.
    pub chat: String,
    /// Messages.
    pub messages: i64,
}

impl Store {
    /// Figures and their counts.
    pub fn stats(&self) -> &dyn StatsStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

//! Storage of the FAQ feature: entries with their aliases and negative
//! examples, the redirects the bot made (cooldowns, feedback) and the
//! questions nothing answered (FAQ gaps). Tables `faq_*`; implemented for
//! both backends by `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::i18n::Locale;
use crate::store::{Backend, MemberId, Store, StoreError};

/// One FAQ entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FaqEntry {
    /// Short stable id (`vacuum-full`).
    pub id: String,
    /// The question.
    pub question: String,
    /// The answer (short; may hold light markup).
    pub answer: String,
    /// A link to read more.
    pub link: Option<String>,
    /// Tags, for listing.
    pub tags: Vec<String>,
    /// Its language.
    pub lang: Locale,
    /// Other wordings of the question.
    pub aliases: Vec<String>,
    /// Wordings members said it did not answer.
    pub negatives: Vec<String>,
    /// Times it was shown as a redirect or looked up.
    pub hits: i64,
    /// Times a member said it helped.
    pub helpful: i64,
    /// Times a member said it did not help.
    pub unhelpful: i64,
}

impl FaqEntry {
    /// Whether the content (not the counters) differs from `other`.
    pub fn same_content(&self, other: &FaqEntry) -> bool {
        self.question == other.question
            && self.answer == other.answer
            && self.link == other.link
            && self.tags == other.tags
            && self.lang == other.lang
            && other.aliases.iter().all(|a| self.aliases.contains(a))
    }
}

/// What an import did, by entry id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// New entries.
    pub added: Vec<String>,
    /// Entries whose content changed.
    pub changed: Vec<String>,
    /// Entries already as in the file.
    pub unchanged: Vec<String>,
}

/// A counter of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaqCounter {
    /// Shown or looked up.
    Hit,
    /// Said to help.
    Helpful,
    /// Said not to help.
    Unhelpful,
}

/// A redirect the bot made (automatic) or a moderator made (by reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The chat, as `platform:id`.
    pub chat: String,
    /// The entry pointed to.
    pub entry_id: String,
    /// The member whose message was redirected.
    pub asker: Option<MemberId>,
    /// What they asked.
    pub query: String,
    /// Made by the matcher (true) or by a moderator (false).
    pub automatic: bool,
    /// When.
    pub at: DateTime<Utc>,
}

/// A question that matched nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    /// The chat, as `platform:id`.
    pub chat: String,
    /// What was asked.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// FAQ entries, redirects and misses, per community.
#[async_trait]
pub trait FaqStore: Send + Sync {
    /// Every entry of the community with aliases and negatives, by id.
    async fn faq_entries(&self, community: &str) -> Result<Vec<FaqEntry>, StoreError>;

    /// One entry with aliases and negatives.
    async fn faq_entry(&self, community: &str, id: &str) -> Result<Option<FaqEntry>, StoreError>;

    /// Adds a new entry (with its aliases); `false` if the id is taken.
    async fn faq_insert(&self, community: &str, entry: &FaqEntry, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Changes an entry's question and answer; `false` if there is none.
    async fn faq_update(
        &self,
        community: &str,
        id: &str,
        question: &str,
        answer: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Removes an entry with its aliases and negatives; `false` if none.
    async fn faq_remove(&self, community: &str, id: &str) -> Result<bool, StoreError>;

    /// Adds or updates entries by id in one transaction (all or nothing);
    /// counters and learned aliases of existing entries are kept.
    async fn faq_import(
        &self,
        community: &str,
        entries: &[FaqEntry],
        now: DateTime<Utc>,
    ) -> Result<ImportSummary, StoreError>;

    /// Adds a wording to an entry; `false` if the entry does not exist or
    /// already has it. `source` is `moderator`, `redirect` or `import`.
    async fn faq_add_alias(
        &self,
        community: &str,
        id: &str,
        alias: &str,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Records a wording the entry did not answer.
    async fn faq_add_negative(
        &self,
        community: &str,
        id: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Adds one to a counter of an entry.
    async fn faq_count(&self, community: &str, id: &str, counter: FaqCounter) -> Result<(), StoreError>;

    /// Records a redirect.
    async fn faq_record_redirect(&self, community: &str, redirect: &Redirect) -> Result<(), StoreError>;

    /// Redirects in a chat since `since`, newest first.
    async fn faq_redirects_since(
        &self,
        community: &str,
        chat: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<Redirect>, StoreError>;

    /// Records a question nothing answered.
    async fn faq_record_miss(&self, community: &str, miss: &Miss) -> Result<(), StoreError>;

    /// Entries added since `since`, oldest first, at most `limit`:
    /// (id, question).
    async fn faq_new_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError>;

    /// The entries most redirected to since `since` (in any chat of the
    /// community), most first, ties by id, at most `limit`: (id, question,
    /// redirects).
    async fn faq_top_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError>;

    /// Records many unanswered questions, (community, miss), in one
    /// transaction (the group commit of misses).
    async fn faq_record_misses(&self, misses: &[(String, Miss)]) -> Result<(), StoreError>;

    /// Unanswered questions since `since`, newest first, at most `limit`.
    async fn faq_misses_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Miss>, StoreError>;
}

impl Store {
    /// The FAQ.
    pub fn faq(&self) -> &dyn FaqStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

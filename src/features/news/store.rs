//! The news feature's storage: sources with their fetch state, items
//! (one per community and item key), chats watching for keywords and what
//! was posted to them. A fetch's items, the source's new state and the
//! next fetch job commit together. Implemented for both backends by
//! `sql.rs`.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::message::Platform;
use crate::store::jobs::NewJob;
use crate::store::{Backend, Store, StoreError};

/// A source's short id (`F3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceNo(pub i64);

impl SourceNo {
    /// `F3`, `f3` or `3`.
    pub fn parse(s: &str) -> Option<SourceNo> {
        let s = s.trim();
        let digits = s.strip_prefix(['F', 'f', 'Ｆ', 'ｆ']).unwrap_or(s);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 12 {
            return None;
        }
        digits.parse().ok().filter(|n| *n > 0).map(SourceNo)
    }
}

impl fmt::Display for SourceNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "F{}", self.0)
    }
}

/// A source to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSource {
    /// The community.
    pub community: String,
    /// The feed URL.
    pub url: String,
    /// Its items' language.
    pub language: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Include words.
    pub include: Vec<String>,
    /// Exclude words.
    pub exclude: Vec<String>,
    /// Chats whose watches receive it (`platform:chat_id`; empty: all).
    pub chats: Vec<String>,
    /// Set in the config (not removable by command).
    pub from_config: bool,
    /// Who added it by command (they hear if it dies).
    pub added_by: Option<(Platform, String)>,
}

/// A stored source with its fetch state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Row id.
    pub id: i64,
    /// The community.
    pub community: String,
    /// Short id.
    pub number: SourceNo,
    /// The feed URL.
    pub url: String,
    /// Its items' language.
    pub language: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Include words.
    pub include: Vec<String>,
    /// Exclude words.
    pub exclude: Vec<String>,
    /// Chats whose watches receive it.
    pub chats: Vec<String>,
    /// Set in the config.
    pub from_config: bool,
    /// Who added it by command.
    pub added_by: Option<(Platform, String)>,
    /// The last answer's `ETag`.
    pub etag: Option<String>,
    /// The last answer's `Last-Modified`.
    pub last_modified: Option<String>,
    /// When it was last fetched.
    pub last_fetch: Option<DateTime<Utc>>,
    /// When a fetch last succeeded.
    pub last_ok: Option<DateTime<Utc>>,
    /// Failed fetches in a row.
    pub failures: i64,
    /// Why the last fetch failed.
    pub last_error: Option<String>,
    /// Moderators were told it is dead.
    pub dead_reported: bool,
    /// When it is fetched next.
    pub next_fetch: DateTime<Utc>,
    /// The number of its current fetch job.
    pub fetch_gen: i64,
    /// Items stored from it.
    pub items: i64,
}

/// What adding a source did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Stored, with its first fetch job.
    Stored(Source),
    /// The community has this URL already.
    Duplicate(Source),
    /// The community has `max_sources` already.
    Full,
}

/// An item to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    /// Its key (see [`crate::features::news::text::item_key`]).
    pub key: String,
    /// GUID.
    pub guid: Option<String>,
    /// Link.
    pub link: Option<String>,
    /// Plain-text title.
    pub title: String,
    /// Plain-text summary.
    pub summary: String,
    /// Publication time.
    pub published: Option<DateTime<Utc>>,
    /// Language.
    pub language: String,
}

/// A stored item, with its source's short id and tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Row id.
    pub id: i64,
    /// Its source's row id.
    pub source_id: i64,
    /// Its source's short id.
    pub source: SourceNo,
    /// Its source's tags.
    pub tags: Vec<String>,
    /// Its source's chats.
    pub chats: Vec<String>,
    /// Link.
    pub link: Option<String>,
    /// Plain-text title.
    pub title: String,
    /// Plain-text summary.
    pub summary: String,
    /// Publication time.
    pub published: Option<DateTime<Utc>>,
    /// When it was stored.
    pub fetched_at: DateTime<Utc>,
    /// Language.
    pub language: String,
    /// A machine translation into the reader's language, put in place for
    /// showing: (title, summary).
    pub translated: Option<(String, String)>,
}

/// A machine translation of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// The item's row id.
    pub item: i64,
    /// Into which language.
    pub language: String,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: String,
}

/// A fetch's outcome to record on its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRecord {
    /// The fetch job's number (recorded only if still the source's).
    pub turn: i64,
    /// `None` on success, else why it failed.
    pub error: Option<String>,
    /// New `ETag` (on success).
    pub etag: Option<String>,
    /// New `Last-Modified` (on success).
    pub last_modified: Option<String>,
    /// Moderators are being told it is dead (set the flag).
    pub report_dead: bool,
    /// The next fetch job (its key carries `turn + 1`).
    pub next: NewJob,
}

/// What recording a fetch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded; the items that were new.
    Done(Vec<Item>),
    /// The source is gone or another job is its current one: nothing done.
    Stale,
}

/// A chat watching for keywords.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// The chat's platform.
    pub platform: Platform,
    /// The chat.
    pub chat_id: String,
    /// Its keywords (lower case).
    pub keywords: Vec<String>,
}

/// Builds a stored source's first fetch job.
pub type FirstJob<'a> = &'a (dyn Fn(&Source) -> NewJob + Send + Sync);

/// Sources, items, watches.
#[async_trait]
pub trait NewsStore: Send + Sync {
    /// Stores a source with the next number and enqueues `first(source)`,
    /// in one transaction, unless the community has its URL or `max`
    /// sources already.
    async fn news_add_source(
        &self,
        new: &NewSource,
        max: i64,
        first: FirstJob<'_>,
        now: DateTime<Utc>,
    ) -> Result<Added, StoreError>;

    /// Gives a source the settings of `new` (its language, tags, words and
    /// chats) and marks it as set in the config.
    async fn news_update_settings(&self, id: i64, new: &NewSource) -> Result<(), StoreError>;

    /// Removes a source and its items; `false` if there was none.
    async fn news_remove_source(&self, community: &str, number: SourceNo) -> Result<bool, StoreError>;

    /// A source by its number.
    async fn news_source(&self, community: &str, number: SourceNo) -> Result<Option<Source>, StoreError>;

    /// A source by its row id.
    async fn news_source_by_id(&self, id: i64) -> Result<Option<Source>, StoreError>;

    /// The community's sources, by number.
    async fn news_sources(&self, community: &str) -> Result<Vec<Source>, StoreError>;

    /// Records a fetch: new items stored (those whose key, or link, the
    /// community has are skipped), the source's state updated and the next
    /// job enqueued, in one transaction, if `record.turn` is still the
    /// source's.
    async fn news_record_fetch(
        &self,
        source_id: i64,
        record: &FetchRecord,
        items: &[NewItem],
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError>;

    /// The latest items, newest first (by publication, else storage
    /// time), of sources tagged `tag` if given: `limit` after `offset`.
    async fn news_latest(
        &self,
        community: &str,
        tag: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Item>, StoreError>;

    /// How many items `news_latest` can list.
    async fn news_count(&self, community: &str, tag: Option<&str>) -> Result<i64, StoreError>;

    /// Items stored since `since`, newest first, at most `limit`, and how
    /// many there were.
    async fn news_stored_since(
        &self,
        community: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<(Vec<Item>, i64), StoreError>;

    /// Sets (or replaces) a chat's watch keywords.
    async fn news_watch(&self, community: &str, watch: &Watch, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Ends a chat's watch; `false` if it had none.
    async fn news_unwatch(&self, community: &str, platform: Platform, chat_id: &str) -> Result<bool, StoreError>;

    /// The community's watches.
    async fn news_watches(&self, community: &str) -> Result<Vec<Watch>, StoreError>;

    /// Marks `items` posted to a chat, in order, while the chat got fewer
    /// than `per_hour` in the hour before `now`; returns the ones marked
    /// (never one posted there before).
    async fn news_claim_posts(
        &self,
        platform: Platform,
        chat_id: &str,
        items: &[i64],
        per_hour: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError>;

    /// The translations of `items` into `language` that exist.
    async fn news_translations(&self, items: &[i64], language: &str) -> Result<Vec<Translation>, StoreError>;

    /// Stores a translation (a second one for the same item and language
    /// is ignored).
    async fn news_put_translation(&self, t: &Translation, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Counts an answer that could not be read as a translation of `item`.
    async fn news_translation_failed(&self, item: i64) -> Result<(), StoreError>;

    /// Items of the community stored after `since` whose language is not
    /// `language` (nor a variant of it), with no translation into it and
    /// fewer than `max_failures` unreadable answers: newest first, at most
    /// `limit`.
    async fn news_untranslated(
        &self,
        community: &str,
        language: &str,
        since: DateTime<Utc>,
        max_failures: i64,
        limit: i64,
    ) -> Result<Vec<Item>, StoreError>;
}

impl Store {
    /// News sources, items and watches.
    pub fn news(&self) -> &dyn NewsStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

/// A list as stored: `,a,b,` (`,` when empty).
pub fn join_list(items: &[String]) -> String {
    let mut s = String::from(",");
    for i in items {
        s.push_str(&i.replace(',', " "));
        s.push(',');
    }
    s
}

/// A stored list back.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

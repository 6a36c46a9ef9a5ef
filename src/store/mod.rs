//! Storage behind narrow async interfaces, one trait per concern, with a
//! SQLite implementation (embedded default) and a PostgreSQL one (shared,
//! several instances). Both run the same runtime SQL (see `sql.rs`);
//! migrations live in `migrations/sqlite` and `migrations/postgres` and are
//! applied when a store is opened.

pub mod economy;
mod economy_sql;
pub mod faq;
mod faq_sql;
pub mod jobs;
mod jobs_sql;
mod postgres;
pub mod queue_admin;
pub mod scratch;
mod sql;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::config::DatabaseConfig;
use crate::i18n::Locale;
use crate::message::Platform;
use crate::secret::DbUrl;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// A member's id: one per person per community, whatever platforms they use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(pub i64);

impl std::fmt::Display for MemberId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A community member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Id.
    pub id: MemberId,
    /// The community.
    pub community: String,
    /// Name as last seen.
    pub display_name: String,
    /// The language they chose with `/lang`, if any.
    pub locale: Option<Locale>,
    /// When they were first seen (the earliest of their linked accounts).
    pub joined_at: DateTime<Utc>,
}

/// A platform account attached to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The platform.
    pub platform: Platform,
    /// The platform's user id.
    pub user_id: String,
    /// Name as last seen on that platform.
    pub display_name: String,
    /// When it was last seen.
    pub last_seen: DateTime<Utc>,
}

/// What redeeming a link code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// The redeemer's accounts were merged into the code's member.
    Linked {
        /// The member that remains.
        kept: MemberId,
        /// The member that was merged into it.
        merged: MemberId,
    },
    /// The code belongs to the member who redeemed it (already linked).
    AlreadyLinked,
    /// No such code in this community.
    Unknown,
    /// The code existed but has expired.
    Expired,
}

/// A storage failure. Messages name the database with its password redacted.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened.
    #[error("cannot open database {url}: {reason}")]
    Open {
        /// Which database (redacted).
        url: String,
        /// Why.
        reason: String,
    },
    /// The database file is read-only.
    #[error("database {url} is read-only: jixia needs to write to it (check the file's permissions and mount)")]
    ReadOnly {
        /// Which database.
        url: String,
    },
    /// Migrations could not be applied.
    #[error("cannot migrate database {url}: {reason}")]
    Migrate {
        /// Which database (redacted).
        url: String,
        /// Why.
        reason: String,
    },
    /// A query failed. The driver's message is part of ours (not a separate
    /// cause), so an error chain prints it once.
    #[error("database error: {0}")]
    Db(sqlx::Error),
    /// Stored data that does not decode (a bug or a hand edit).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        StoreError::Db(e)
    }
}

/// Members and their platform accounts.
#[async_trait]
pub trait MemberStore: Send + Sync {
    /// The member behind a platform account, created on first sight; the
    /// account's display name and last-seen time are refreshed.
    async fn member_for_account(
        &self,
        community: &str,
        platform: Platform,
        user_id: &str,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> Result<Member, StoreError>;

    /// The member behind a platform account, if it has been seen.
    async fn find_account(
        &self,
        community: &str,
        platform: Platform,
        user_id: &str,
    ) -> Result<Option<Member>, StoreError>;

    /// A member by id (a merged-away member resolves to the one it joined).
    async fn member(&self, id: MemberId) -> Result<Option<Member>, StoreError>;

    /// The accounts attached to a member, oldest first.
    async fn accounts(&self, id: MemberId) -> Result<Vec<Account>, StoreError>;

    /// Sets or clears a member's chosen language.
    async fn set_locale(&self, id: MemberId, locale: Option<Locale>) -> Result<(), StoreError>;
}

/// One-time codes that link accounts on different platforms into one member.
#[async_trait]
pub trait LinkStore: Send + Sync {
    /// Stores a fresh code for `member`, replacing its earlier codes. Returns
    /// `false` if the code is already taken (the caller draws another).
    async fn put_link_code(
        &self,
        community: &str,
        code: &str,
        member: MemberId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Redeems a code for `redeemer`: in one transaction, every account and
    /// all history of the redeemer move to the code's member; the code is
    /// used up.
    async fn redeem_link_code(
        &self,
        community: &str,
        code: &str,
        redeemer: MemberId,
        now: DateTime<Utc>,
    ) -> Result<LinkOutcome, StoreError>;
}

/// Diagnostics for operators and the bench harness.
#[async_trait]
pub trait DiagStore: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Inserts `rows` rows, one commit each, into a scratch table and returns
    /// rows per second: the raw write speed of this database, so engine
    /// figures can be quoted as a ratio of it.
    async fn raw_insert_rate(&self, rows: u32) -> Result<f64, StoreError>;

    /// Closes the pool, waiting for connections to finish.
    async fn close(&self);
}

/// Everything the engine needs from storage.
pub trait Store:
    MemberStore
    + LinkStore
    + DiagStore
    + economy::PointsStore
    + economy::CheckinStore
    + economy::ShopStore
    + faq::FaqStore
    + jobs::JobStore
    + queue_admin::QueueAdminStore
    + std::fmt::Debug
{
}

impl<T> Store for T where
    T: MemberStore
        + LinkStore
        + DiagStore
        + economy::PointsStore
        + economy::CheckinStore
        + economy::ShopStore
        + faq::FaqStore
        + jobs::JobStore
        + queue_admin::QueueAdminStore
        + std::fmt::Debug
{
}

/// Opens (creating if needed) and migrates the database at `url`: a
/// `postgres://` URL selects PostgreSQL, anything else is a SQLite path.
pub async fn open(url: &DbUrl, config: &DatabaseConfig) -> Result<Arc<dyn Store>, StoreError> {
    if url.is_postgres() {
        Ok(Arc::new(PgStore::open(url, config).await?))
    } else {
        Ok(Arc::new(SqliteStore::open(url, config).await?))
    }
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

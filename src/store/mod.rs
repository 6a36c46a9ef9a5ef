//! Storage behind narrow async interfaces, one trait per concern, with a
//! SQLite implementation (embedded default) and a PostgreSQL one (shared,
//! several instances).
//!
//! One SQL text per query serves both backends: a `*_sql.rs` file is plain
//! Rust, compiled twice through `#[path]` (once inside [`sqlite`], once
//! inside [`postgres`]), and takes what differs (the connection types, the
//! statement that opens a write transaction, row locks) from its parent
//! module, the backend's dialect. Features keep their storage in their own
//! folder the same way. Migrations live in `migrations/sqlite` and
//! `migrations/postgres` and are applied when a store is opened. This module
//! knows nothing of configuration or features.

mod health;
pub mod inbox;
pub mod jobs;
pub mod postgres;
pub mod queue_admin;
pub mod scratch;
pub mod sent;
pub mod sqlite;

/// The core SQL compiled for SQLite. Features use `jobs::enqueue_in` and
/// `jobs::insert_outbox` inside their own transactions.
#[path = "."]
pub(crate) mod on_sqlite {
    use super::sqlite as db;
    #[path = "inbox_sql.rs"]
    mod inbox;
    #[path = "jobs_sql.rs"]
    pub(crate) mod jobs;
    #[path = "members_sql.rs"]
    mod members;
    #[path = "queue_admin_sql.rs"]
    mod queue_admin;
    #[path = "sent_sql.rs"]
    mod sent;
}

/// The core SQL compiled for PostgreSQL.
#[path = "."]
pub(crate) mod on_postgres {
    use super::postgres as db;
    #[path = "inbox_sql.rs"]
    mod inbox;
    #[path = "jobs_sql.rs"]
    pub(crate) mod jobs;
    #[path = "members_sql.rs"]
    mod members;
    #[path = "queue_admin_sql.rs"]
    mod queue_admin;
    #[path = "sent_sql.rs"]
    mod sent;
}

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use crate::BoxFuture;
use crate::i18n::Locale;
use crate::message::Platform;
use crate::secret::DbUrl;

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
    /// all history of the redeemer move to the code's member (`hooks` re-point
    /// the ledger's and the features' tables); the code is used up.
    async fn redeem_link_code(
        &self,
        community: &str,
        code: &str,
        redeemer: MemberId,
        now: DateTime<Utc>,
        hooks: &[MergeHook],
    ) -> Result<LinkOutcome, StoreError>;
}

/// Diagnostics for operators and the bench harness.
#[async_trait]
pub trait DiagStore: Send + Sync {
    /// Inserts `rows` rows, one commit each, into a scratch table and returns
    /// rows per second: the raw write speed of this database, so engine
    /// figures can be quoted as a ratio of it.
    async fn raw_insert_rate(&self, rows: u32) -> Result<f64, StoreError>;
}

/// How a store connects: the parts of `[database]` that storage needs (the
/// config module converts its section into this, so storage knows nothing of
/// configuration files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// Connections in the pool (SQLite: readers; writes go through one
    /// writer connection of their own).
    pub max_connections: u32,
    /// How long a SQLite writer waits for a lock, in milliseconds.
    pub busy_timeout_ms: u64,
    /// How long to keep trying to reach PostgreSQL, in milliseconds.
    pub connect_timeout_ms: u64,
    /// The database must exist already: commands that only read (`doctor`,
    /// exports, listings) refuse a SQLite path that names no file instead
    /// of creating an empty database and reporting on it.
    pub must_exist: bool,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions { max_connections: 8, busy_timeout_ms: 5000, connect_timeout_ms: 10_000, must_exist: false }
    }
}

/// A database's connections: `write` for transactions that change data (on
/// SQLite the one writer connection), `read` for plain reads (on SQLite a
/// pool of readers that see the last commit; on PostgreSQL the same pool).
#[derive(Debug)]
pub struct Pools<DB: sqlx::Database> {
    /// Writes, and reads that belong to a write.
    pub write: sqlx::Pool<DB>,
    /// Plain reads.
    pub read: sqlx::Pool<DB>,
}

impl<DB: sqlx::Database> Clone for Pools<DB> {
    fn clone(&self) -> Pools<DB> {
        Pools { write: self.write.clone(), read: self.read.clone() }
    }
}

/// The database behind a [`Store`]. Each storage trait is implemented for
/// both `Pools` types by one SQL text compiled once per backend (see
/// [`sqlite`] and [`postgres`]); accessors such as [`Store::members`] pick
/// the implementation of the backend at hand.
#[derive(Debug, Clone)]
pub enum Backend {
    /// The embedded SQLite file.
    Sqlite(Pools<sqlx::Sqlite>),
    /// A shared PostgreSQL database.
    Postgres(Pools<sqlx::Postgres>),
}

/// Storage: an open, migrated database. Each concern has a narrow trait
/// (members, links, the ledger, each feature's own…) reached through an
/// accessor; features add their accessors next to their trait.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    health: Arc<health::Health>,
}

impl Store {
    /// A store over an open, migrated database.
    pub fn new(backend: Backend) -> Store {
        Store { backend, health: Arc::default() }
    }

    /// The database, for a feature's accessor to pick its implementation.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Members and their platform accounts.
    pub fn members(&self) -> &dyn MemberStore {
        match &self.backend {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }

    /// Link codes and member merges.
    pub fn links(&self) -> &dyn LinkStore {
        match &self.backend {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }

    /// Diagnostics.
    pub fn diag(&self) -> &dyn DiagStore {
        match &self.backend {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }

    /// The job queue, schedules and the outbox.
    pub fn jobs(&self) -> &dyn jobs::JobStore {
        match &self.backend {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }

    /// The inbox of platform updates (at-least-once intake).
    pub fn inbox(&self) -> &dyn inbox::InboxStore {
        match &self.backend {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }

    /// The bot's tracked messages (what a reaction was to).
    pub fn sent(&self) -> &dyn sent::SentStore {
        match &self.backend {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }

    /// The operators' view of the job queue.
    pub fn queue_admin(&self) -> &dyn queue_admin::QueueAdminStore {
        match &self.backend {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }

    /// Writes a consistent copy of a SQLite database to `to` (`VACUUM
    /// INTO`: safe while other processes write, WAL included, and the copy
    /// is compacted). `to` must not exist. PostgreSQL is backed up with
    /// `pg_dump`, so there this is an error naming it.
    pub async fn backup(&self, to: &std::path::Path) -> Result<u64, StoreError> {
        let shown = to.display().to_string();
        let open_err = |reason: String| StoreError::Open { url: shown.clone(), reason };
        match &self.backend {
            Backend::Sqlite(p) => {
                if to.exists() {
                    return Err(open_err("already exists; a backup never overwrites a file".into()));
                }
                let Some(target) = to.to_str() else {
                    return Err(open_err("the path is not valid UTF-8".into()));
                };
                sqlx::query("VACUUM INTO $1").bind(target).execute(&p.write).await?;
                Ok(std::fs::metadata(to).map(|m| m.len()).unwrap_or(0))
            }
            Backend::Postgres(_) => Err(open_err(
                "jixia backup copies SQLite databases; back up PostgreSQL with pg_dump (see the README)".into(),
            )),
        }
    }

    /// Each pool's connections: (pool, open, idle), for `/metrics`.
    pub fn pool_connections(&self) -> [(&'static str, u32, usize); 2] {
        fn of<DB: sqlx::Database>(p: &Pools<DB>) -> [(&'static str, u32, usize); 2] {
            [("write", p.write.size(), p.write.num_idle()), ("read", p.read.size(), p.read.num_idle())]
        }
        match &self.backend {
            Backend::Sqlite(p) => of(p),
            Backend::Postgres(p) => of(p),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Closes the pools, waiting for connections to finish.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(p) => {
                p.read.close().await;
                p.write.close().await;
            }
            Backend::Postgres(p) => p.write.close().await,
        }
    }
}

/// What a feature re-points when `/link` merges member `gone` into member
/// `kept`: statements run inside the merge's one transaction, one function
/// per backend (the feature's SQL compiled for each).
#[derive(Debug, Clone, Copy)]
pub struct MergeHook {
    /// The statements on SQLite.
    pub sqlite: for<'c> fn(&'c mut sqlx::SqliteConnection, MemberId, MemberId) -> BoxFuture<'c, Result<(), StoreError>>,
    /// The statements on PostgreSQL.
    pub postgres: for<'c> fn(&'c mut sqlx::PgConnection, MemberId, MemberId) -> BoxFuture<'c, Result<(), StoreError>>,
}

/// Opens (creating if needed, unless [`StoreOptions::must_exist`]) and
/// migrates the database at `url`: a `postgres://` URL selects PostgreSQL, a
/// path or `sqlite://` URL SQLite; any other scheme is refused by name.
pub async fn open(url: &DbUrl, options: &StoreOptions) -> Result<Arc<Store>, StoreError> {
    if let Some(scheme) = url.other_scheme() {
        return Err(StoreError::Open {
            url: url.redacted(),
            reason: format!(
                "{scheme}:// is not supported; use a SQLite path (./jixia.db, sqlite://jixia.db) or a PostgreSQL URL (postgres://user@host/db)"
            ),
        });
    }
    let backend = if url.is_postgres() {
        Backend::Postgres(postgres::open(url, options).await?)
    } else {
        Backend::Sqlite(sqlite::open(url, options).await?)
    };
    Ok(Arc::new(Store::new(backend)))
}

/// A time as stored: milliseconds since the epoch (both backends keep times
/// as `*_ms` integers).
pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A stored time back (the epoch for a value out of range).
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

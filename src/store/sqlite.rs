//! The SQLite dialect and opener. The dialect is what a `*_sql.rs` file
//! compiled for SQLite takes from its parent (`use crate::store::sqlite as
//! db`): the connection types and how a write transaction starts.
//!
//! The embedded SQLite store: one file, WAL journal, a busy timeout, foreign
//! keys on. SQLite has one writer at a time, so the store has one writer
//! connection (write transactions queue for it in order, instead of sleeping
//! in SQLite's busy handler) and a pool of reader connections that read the
//! last committed state while the writer writes (WAL). Write transactions
//! start with `BEGIN IMMEDIATE`, so a writer in another process is waited
//! for (busy timeout) instead of failing on a lock upgrade. WAL checkpoints
//! run in the background (a connection of their own) rather than inside
//! commits.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use super::{MergeHook, StoreError, StoreOptions};
use crate::secret::DbUrl;

/// The database.
pub type Db = sqlx::Sqlite;
/// One connection (inside a transaction: `&mut *tx`).
pub type Conn = sqlx::SqliteConnection;
/// The writer and the readers.
pub type Pools = super::Pools<Db>;
/// Opens a write transaction. `IMMEDIATE` takes the write lock at once, so
/// a writer in another process is waited for (busy timeout) instead of
/// failing on a lock upgrade.
pub const BEGIN: &str = "BEGIN IMMEDIATE";
/// Row lock for a read followed by a write: none needed, the write
/// transaction already holds the database's one write lock.
pub const FOR_UPDATE: &str = "";
/// Row lock that skips rows another transaction holds: none (one writer).
pub const FOR_UPDATE_SKIP_LOCKED: &str = "";
/// `sqlite`.
pub const NAME: &str = "sqlite";

/// A feature's merge statements for this backend.
pub fn merge_fn(
    hook: &MergeHook,
) -> for<'c> fn(&'c mut Conn, super::MemberId, super::MemberId) -> super::BoxFuture<'c, Result<(), StoreError>> {
    hook.sqlite
}

/// Opens (creating if missing) and migrates a SQLite database. Accepts a
/// path, `sqlite://path`, `sqlite:path` or `sqlite::memory:`.
pub async fn open(url: &DbUrl, config: &StoreOptions) -> Result<Pools, StoreError> {
    let shown = url.redacted();
    let raw = url.expose();
    let path = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")).unwrap_or(raw);
    let open_err = |reason: String| StoreError::Open { url: shown.clone(), reason };
    let memory = path == ":memory:";
    let base = if memory {
        SqliteConnectOptions::from_str("sqlite::memory:").map_err(|e| open_err(e.to_string()))?
    } else {
        let file = Path::new(path.split('?').next().unwrap_or(path));
        if path.is_empty() {
            return Err(open_err("no file name given".into()));
        }
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            return Err(open_err(format!("directory {} does not exist", dir.display())));
        }
        if file.is_dir() {
            return Err(open_err("that is a directory, not a database file".into()));
        }
        if config.must_exist && !file.exists() {
            return Err(open_err(
                "no such database file (this command only reads, so it does not create one; check the path)".into(),
            ));
        }
        // Checked by hand: SQLite itself happily writes a 0444 file when
        // running as root, which would hide a deployment mistake.
        if std::fs::metadata(file).map(|m| m.permissions().readonly()).unwrap_or(false) {
            return Err(StoreError::ReadOnly { url: shown });
        }
        SqliteConnectOptions::new().filename(file)
    };
    let readers = base.clone().busy_timeout(Duration::from_millis(config.busy_timeout_ms)).pragma("query_only", "ON");
    let checkpointer = base.clone().busy_timeout(Duration::from_millis(config.busy_timeout_ms));
    let options = base
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_millis(config.busy_timeout_ms))
        .foreign_keys(true);
    // Checkpoints (copying the WAL into the database, with its fsyncs)
    // run in the background, not inside whichever commit crosses the
    // threshold; the writer still checkpoints if the WAL grows past
    // this many pages (40 MB) all the same.
    let options = if memory { options } else { options.pragma("wal_autocheckpoint", WAL_SAFETY_PAGES) };
    let pool =
        SqlitePoolOptions::new().max_connections(1).connect_with(options).await.map_err(|e| classify(&shown, e))?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await.map_err(|e| {
        let reason = e.to_string();
        if reason.contains("readonly") || reason.contains("read-only") {
            StoreError::ReadOnly { url: shown.clone() }
        } else {
            StoreError::Migrate { url: shown.clone(), reason }
        }
    })?;
    let read = if memory {
        pool.clone()
    } else {
        SqlitePoolOptions::new()
            .max_connections(config.max_connections)
            .connect_with(readers)
            .await
            .map_err(|e| classify(&shown, e))?
    };
    if !memory {
        let ckpt = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(checkpointer)
            .await
            .map_err(|e| classify(&shown, e))?;
        tokio::spawn(checkpoints(ckpt, pool.clone()));
    }
    Ok(Pools { write: pool, read })
}

/// WAL pages past which the writer checkpoints by itself.
const WAL_SAFETY_PAGES: &str = "10000";

/// How often the background checkpoint runs.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies committed WAL frames into the database every [`CHECKPOINT_EVERY`]
/// (`PASSIVE`: never waits for readers or the writer), until the store is
/// closed.
async fn checkpoints(ckpt: SqlitePool, writer: SqlitePool) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if writer.is_closed() {
            break;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&ckpt).await {
            tracing::warn!(error = %e, "background checkpoint failed; the writer checkpoints past the safety size");
        }
    }
    ckpt.close().await;
}

fn classify(shown: &str, e: sqlx::Error) -> StoreError {
    let reason = e.to_string();
    if reason.contains("readonly") {
        StoreError::ReadOnly { url: shown.to_owned() }
    } else if reason.contains("not a database") {
        StoreError::Open { url: shown.to_owned(), reason: "the file exists but is not a SQLite database".into() }
    } else {
        StoreError::Open { url: shown.to_owned(), reason }
    }
}

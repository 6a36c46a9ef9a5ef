//! Throw-away databases for tests and the bench harness: a fresh PostgreSQL
//! database with a unique name on a given server (dropped afterwards, also
//! when a test panics), and a fresh SQLite file in its own temp directory.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Connection, Executor, PgConnection};

use crate::secret::DbUrl;
use crate::store::StoreError;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}_{}_{}", std::process::id(), nanos % 1_000_000_000, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A PostgreSQL database created for one test or bench run.
#[derive(Debug)]
pub struct ScratchDb {
    server: DbUrl,
    url: DbUrl,
    name: String,
    dropped: bool,
}

impl ScratchDb {
    /// Creates `jixia_scratch_…` on the server `server` points at (any
    /// database on it that we can connect to, e.g. `…/postgres`).
    pub async fn create(server: &DbUrl) -> Result<ScratchDb, StoreError> {
        let name = format!("jixia_scratch_{}", unique_suffix());
        let mut conn = PgConnection::connect(server.expose())
            .await
            .map_err(|e| StoreError::Open { url: server.redacted(), reason: e.to_string() })?;
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).await?;
        conn.close().await?;
        Ok(ScratchDb { url: with_database(server, &name), server: server.clone(), name, dropped: false })
    }

    /// The scratch database's URL.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// Drops the database now (terminating connections still open to it).
    pub async fn drop_db(mut self) -> Result<(), StoreError> {
        self.dropped = true;
        drop_database(&self.server, &self.name).await
    }
}

async fn drop_database(server: &DbUrl, name: &str) -> Result<(), StoreError> {
    let mut conn = PgConnection::connect(server.expose())
        .await
        .map_err(|e| StoreError::Open { url: server.redacted(), reason: e.to_string() })?;
    conn.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))).await?;
    conn.close().await?;
    Ok(())
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        // A test that panicked still cleans up: drop the database from a
        // thread of its own, since we may be inside an async runtime.
        let (server, name) = (self.server.clone(), self.name.clone());
        let cleanup = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
            if let Ok(rt) = rt
                && let Err(e) = rt.block_on(drop_database(&server, &name))
            {
                tracing::warn!(error = %e, database = name, "could not drop scratch database");
            }
        });
        let _ = cleanup.join();
    }
}

/// `server` with its database name replaced by `name`.
pub fn with_database(server: &DbUrl, name: &str) -> DbUrl {
    let raw = server.expose();
    let (scheme, rest) = raw.split_once("://").unwrap_or(("postgres", raw));
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let query = tail.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    DbUrl::new(format!("{scheme}://{authority}/{name}{query}"))
}

/// A SQLite database file in a fresh temp directory, removed on drop.
#[derive(Debug)]
pub struct ScratchFile {
    dir: PathBuf,
    url: DbUrl,
}

impl ScratchFile {
    /// Creates the directory; the database file is created when opened.
    pub fn new() -> std::io::Result<ScratchFile> {
        let dir = std::env::temp_dir().join(format!("jixia_scratch_{}", unique_suffix()));
        std::fs::create_dir_all(&dir)?;
        let url = DbUrl::new(dir.join("jixia.db").display().to_string());
        Ok(ScratchFile { dir, url })
    }

    /// The database file's path, as a store URL.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// The directory holding it.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        let u = with_database(&DbUrl::new("postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "x");
        assert_eq!(u.expose(), "postgres://postgres@127.0.0.1:5432/x?sslmode=disable");
        let u = with_database(&DbUrl::new("postgres://h"), "y");
        assert_eq!(u.expose(), "postgres://h/y");
    }
}

//! The PostgreSQL dialect and opener, for shared deployments where several
//! jixia instances use one database. The dialect is what a `*_sql.rs` file
//! compiled for PostgreSQL takes from its parent (`use
//! crate::store::postgres as db`). Migrations take PostgreSQL's advisory
//! lock, so instances starting together migrate once.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::{MergeHook, StoreError, StoreOptions};
use crate::secret::DbUrl;

/// The database.
pub type Db = sqlx::Postgres;
/// One connection (inside a transaction: `&mut *tx`).
pub type Conn = sqlx::PgConnection;
/// One pool, named twice: PostgreSQL readers never wait for writers.
pub type Pools = super::Pools<Db>;
/// Opens a write transaction.
pub const BEGIN: &str = "BEGIN";
/// Row lock for a read followed by a write in the same transaction.
pub const FOR_UPDATE: &str = " FOR UPDATE";
/// Row lock that skips rows another transaction holds (job claims).
pub const FOR_UPDATE_SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";
/// `postgres`.
pub const NAME: &str = "postgres";

/// A feature's merge statements for this backend.
pub fn merge_fn(
    hook: &MergeHook,
) -> for<'c> fn(&'c mut Conn, super::MemberId, super::MemberId) -> super::BoxFuture<'c, Result<(), StoreError>> {
    hook.postgres
}

/// How long a query waits for a connection from the pool.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// How often start-up tries to reach the server again.
const RETRY_EVERY: Duration = Duration::from_millis(250);

/// Connects to and migrates a PostgreSQL database.
pub async fn open(url: &DbUrl, config: &StoreOptions) -> Result<Pools, StoreError> {
    let shown = url.redacted();
    let options = PgConnectOptions::from_str(url.expose())
        .map_err(|e| StoreError::Open { url: shown.clone(), reason: e.to_string() })?;
    // Start-up waits up to `connect_timeout_ms` for the server; once running,
    // a query waits at most ACQUIRE_TIMEOUT for a connection, so an outage
    // costs one short wait before the store is known to be down.
    let deadline = std::time::Instant::now() + Duration::from_millis(config.connect_timeout_ms);
    let acquire = ACQUIRE_TIMEOUT.min(Duration::from_millis(config.connect_timeout_ms.max(1)));
    let pool = loop {
        let attempt = PgPoolOptions::new()
            .max_connections(config.max_connections)
            .acquire_timeout(acquire)
            .connect_with(options.clone())
            .await;
        match attempt {
            Ok(pool) => break pool,
            Err(e) if std::time::Instant::now() + RETRY_EVERY >= deadline => {
                return Err(StoreError::Open { url: shown.clone(), reason: e.to_string() });
            }
            Err(_) => tokio::time::sleep(RETRY_EVERY).await,
        }
    };
    sqlx::migrate!("migrations/postgres")
        .run(&pool)
        .await
        .map_err(|e| StoreError::Migrate { url: shown.clone(), reason: e.to_string() })?;
    Ok(Pools { read: pool.clone(), write: pool })
}

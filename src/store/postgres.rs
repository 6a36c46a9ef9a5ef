//! The PostgreSQL store, for shared deployments where several jixia instances
//! use one database. Migrations take PostgreSQL's advisory lock, so instances
//! starting together migrate once.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::config::DatabaseConfig;
use crate::secret::DbUrl;

/// The PostgreSQL implementation of the store traits.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The same pool (PostgreSQL readers never wait for writers); named for
    /// the queries the SQLite store sends to its readers.
    read: PgPool,
}

impl PgStore {
    /// Connects to and migrates a PostgreSQL database.
    pub async fn open(url: &DbUrl, config: &DatabaseConfig) -> Result<PgStore, StoreError> {
        let shown = url.redacted();
        let options = PgConnectOptions::from_str(url.expose())
            .map_err(|e| StoreError::Open { url: shown.clone(), reason: e.to_string() })?;
        let pool = PgPoolOptions::new()
            .max_connections(config.max_connections)
            .acquire_timeout(Duration::from_millis(config.connect_timeout_ms))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open { url: shown.clone(), reason: e.to_string() })?;
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migrate { url: shown.clone(), reason: e.to_string() })?;
        Ok(PgStore { read: pool.clone(), pool })
    }
}

crate::store::sql::sql_store!(PgStore, "postgres", "BEGIN", "LEAST", "GREATEST");

crate::store::economy_sql::economy_store!(PgStore, sqlx::Postgres, sqlx::PgConnection, "BEGIN", " FOR UPDATE");

crate::store::faq_sql::faq_store!(PgStore, sqlx::Postgres, "BEGIN");
crate::store::jobs_sql::jobs_store!(PgStore, sqlx::PgConnection, "BEGIN", " FOR UPDATE SKIP LOCKED");

crate::store::queue_admin::queue_admin_store!(PgStore);

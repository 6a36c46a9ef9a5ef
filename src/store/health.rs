//! Whether the database answers. When a query fails because the database
//! cannot be reached (connections refused or broken, no connection to be had
//! from a pool that could have opened one), the store is marked down: the outage is logged once,
//! the engine answers at once with its apology instead of making every
//! message wait for the pool's timeout, and one probe per second notices
//! when the database is back (logged once too). A pool that is merely busy
//! (all connections in use) is not an outage.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{Backend, Store, StoreError};

/// How often the probe asks a down database whether it is back.
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// The store's view of its database.
#[derive(Debug, Default)]
pub(crate) struct Health {
    /// Known to be unreachable.
    down: AtomicBool,
    /// When the outage began (for the log line when it ends).
    since: std::sync::Mutex<Option<Instant>>,
}

impl Store {
    /// Whether the database is known to be unreachable right now.
    pub fn is_down(&self) -> bool {
        self.health.down.load(Ordering::Acquire)
    }

    /// Looks at a failure: if it says the database cannot be reached, marks
    /// the store down (logged once per outage) and starts the probe that
    /// marks it up again. Needs a Tokio runtime.
    pub fn note_failure(&self, e: &StoreError) {
        if !self.unreachable(e) || self.health.down.swap(true, Ordering::AcqRel) {
            return;
        }
        *self.health.since.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
        tracing::error!(error = %e, "the database cannot be reached; answering with an apology until it is back");
        let store = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                if store.ping().await {
                    let since = store.health.since.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
                    let secs = since.map_or(0, |s| s.elapsed().as_secs());
                    store.health.down.store(false, Ordering::Release);
                    tracing::warn!(down_for_secs = secs, "the database is back");
                    break;
                }
            }
        });
    }

    /// Whether `e` says the database cannot be reached (as opposed to a bad
    /// query, a constraint, or a pool that is only busy).
    fn unreachable(&self, e: &StoreError) -> bool {
        let StoreError::Db(e) = e else { return false };
        match e {
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
            // No connection to be had although the pool could have opened
            // one: opening failed. When every connection is busy, it is load.
            sqlx::Error::PoolTimedOut => !self.pool_full(),
            // Connection exceptions, and a server shutting down or starting.
            sqlx::Error::Database(db) => db.code().is_some_and(|c| c.starts_with("08") || c == "57P01" || c == "57P03"),
            _ => false,
        }
    }

    /// Whether the writer pool holds all the connections it may.
    fn pool_full(&self) -> bool {
        match self.backend() {
            Backend::Sqlite(p) => p.write.size() >= p.write.options().get_max_connections(),
            Backend::Postgres(p) => p.write.size() >= p.write.options().get_max_connections(),
        }
    }

    /// One trivial query; `true` if it answered.
    pub async fn ping(&self) -> bool {
        match self.backend() {
            Backend::Sqlite(p) => sqlx::query("SELECT 1").execute(&p.write).await.is_ok(),
            Backend::Postgres(p) => sqlx::query("SELECT 1").execute(&p.write).await.is_ok(),
        }
    }
}

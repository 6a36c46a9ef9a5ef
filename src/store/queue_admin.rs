//! The job queue as an operator sees it (`jixia jobs`): jobs of one state
//! with when they last changed, and counts per state and kind. Read-only;
//! retrying goes through [`crate::store::jobs::JobStore::retry_job`].
//! Implemented for both backends by `queue_admin_sql.rs`, the same SQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use super::jobs::JobState;

/// One job, as listed for an operator (no payload: a listing must not fail
/// on a payload that does not decode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSummary {
    /// Its id (what `jixia jobs retry` takes).
    pub id: i64,
    /// The registered kind.
    pub kind: String,
    /// Its unique key.
    pub key: String,
    /// State.
    pub state: JobState,
    /// Attempts started so far.
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it is (next) due.
    pub due: DateTime<Utc>,
    /// When its row last changed (enqueued, claimed, failed, retried…).
    pub changed: DateTime<Utc>,
}

/// How many jobs of one kind are in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobCount {
    /// The state.
    pub state: JobState,
    /// The kind.
    pub kind: String,
    /// How many.
    pub jobs: i64,
    /// The earliest due time among them (for pending jobs: how far behind
    /// the queue is).
    pub oldest_due: DateTime<Utc>,
    /// The latest change among them.
    pub last_changed: DateTime<Utc>,
}

/// Read-only views of the job queue for operators.
#[async_trait]
pub trait QueueAdminStore: Send + Sync {
    /// Jobs in `state`, the most recently changed first, at most `limit`.
    async fn jobs_in_state(&self, state: JobState, limit: i64) -> Result<Vec<JobSummary>, StoreError>;

    /// Jobs per state and kind: pending, running, failed, done; kinds in
    /// name order.
    async fn job_counts(&self) -> Result<Vec<JobCount>, StoreError>;
}

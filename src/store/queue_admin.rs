//! The job queue as an operator sees it (`jixia jobs`): jobs of one state
//! with when they last changed, and counts per state and kind. Read-only;
//! retrying goes through [`crate::store::jobs::JobStore::retry_job`].
//! Implemented for both backends by `queue_admin_store!`, the same SQL.

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

/// Implements [`QueueAdminStore`] for `$store` (which has a `pool` field).
macro_rules! queue_admin_store {
    ($store:ty) => {
        mod queue_admin_impl {
            use async_trait::async_trait;

            use super::*;
            use crate::store::jobs::JobState;
            use crate::store::queue_admin::{JobCount, JobSummary, QueueAdminStore};
            use crate::store::{StoreError, from_ms};

            fn state(s: &str) -> Result<JobState, StoreError> {
                JobState::parse(s).ok_or_else(|| StoreError::Corrupt(format!("job state {s}")))
            }

            type SummaryRow = (i64, String, String, String, i64, i64, Option<String>, i64, i64);

            #[async_trait]
            impl QueueAdminStore for $store {
                async fn jobs_in_state(&self, which: JobState, limit: i64) -> Result<Vec<JobSummary>, StoreError> {
                    let rows: Vec<SummaryRow> = sqlx::query_as(
                        "SELECT id, kind, key, state, attempts, max_attempts, last_error, due_ms, updated_at_ms
                         FROM jobs_queue WHERE state = $1 ORDER BY updated_at_ms DESC, id DESC LIMIT $2",
                    )
                    .bind(which.as_str())
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.into_iter()
                        .map(|r| {
                            Ok(JobSummary {
                                id: r.0,
                                kind: r.1,
                                key: r.2,
                                state: state(&r.3)?,
                                attempts: r.4,
                                max_attempts: r.5,
                                last_error: r.6,
                                due: from_ms(r.7),
                                changed: from_ms(r.8),
                            })
                        })
                        .collect()
                }

                async fn job_counts(&self) -> Result<Vec<JobCount>, StoreError> {
                    let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
                        "SELECT state, kind, COUNT(*), MIN(due_ms), MAX(updated_at_ms)
                         FROM jobs_queue GROUP BY state, kind",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    let mut counts = rows
                        .into_iter()
                        .map(|r| {
                            Ok(JobCount {
                                state: state(&r.0)?,
                                kind: r.1,
                                jobs: r.2,
                                oldest_due: from_ms(r.3),
                                last_changed: from_ms(r.4),
                            })
                        })
                        .collect::<Result<Vec<_>, StoreError>>()?;
                    let rank = |s: JobState| match s {
                        JobState::Pending => 0,
                        JobState::Running => 1,
                        JobState::Failed => 2,
                        JobState::Done => 3,
                    };
                    counts.sort_by(|a, b| rank(a.state).cmp(&rank(b.state)).then_with(|| a.kind.cmp(&b.kind)));
                    Ok(counts)
                }
            }
        }
    };
}

pub(crate) use queue_admin_store;

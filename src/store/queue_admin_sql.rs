//! The operators' view of the job queue: the SQL of [`QueueAdminStore`],
//! compiled once per backend (`db` is the backend's dialect).

use async_trait::async_trait;

use super::db;
use crate::store::jobs::JobState;
use crate::store::queue_admin::{JobCount, JobSummary, QueueAdminStore};
use crate::store::{StoreError, from_ms};

fn state(s: &str) -> Result<JobState, StoreError> {
    JobState::parse(s).ok_or_else(|| StoreError::Corrupt(format!("job state {s}")))
}

/// A job as listed.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    kind: String,
    key: String,
    state: String,
    attempts: i64,
    max_attempts: i64,
    last_error: Option<String>,
    due_ms: i64,
    updated_at_ms: i64,
}

/// Jobs of one kind in one state.
#[derive(sqlx::FromRow)]
struct CountRow {
    state: String,
    kind: String,
    jobs: i64,
    oldest_due_ms: i64,
    last_changed_ms: i64,
}

#[async_trait]
impl QueueAdminStore for db::Pools {
    async fn jobs_in_state(&self, which: JobState, limit: i64) -> Result<Vec<JobSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "SELECT id, kind, key, state, attempts, max_attempts, last_error, due_ms, updated_at_ms
             FROM jobs_queue WHERE state = $1 ORDER BY updated_at_ms DESC, id DESC LIMIT $2",
        )
        .bind(which.as_str())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(JobSummary {
                    state: state(&r.state)?,
                    id: r.id,
                    kind: r.kind,
                    key: r.key,
                    attempts: r.attempts,
                    max_attempts: r.max_attempts,
                    last_error: r.last_error,
                    due: from_ms(r.due_ms),
                    changed: from_ms(r.updated_at_ms),
                })
            })
            .collect()
    }

    async fn job_counts(&self) -> Result<Vec<JobCount>, StoreError> {
        let rows: Vec<CountRow> = sqlx::query_as(
            "SELECT state, kind, COUNT(*) AS jobs, MIN(due_ms) AS oldest_due_ms, MAX(updated_at_ms) AS last_changed_ms
             FROM jobs_queue GROUP BY state, kind",
        )
        .fetch_all(&self.read)
        .await?;
        let mut counts = rows
            .into_iter()
            .map(|r| {
                Ok(JobCount {
                    state: state(&r.state)?,
                    kind: r.kind,
                    jobs: r.jobs,
                    oldest_due: from_ms(r.oldest_due_ms),
                    last_changed: from_ms(r.last_changed_ms),
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

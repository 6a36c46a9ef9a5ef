//! The scheduler's SQL: the durable job queue, the cron schedules per chat
//! and the outbox, compiled once per backend (`db` is the backend's
//! dialect). Claims lock the rows they take (` FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, so concurrent claimers pass each other's rows by; SQLite has
//! one writer).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db;
use crate::message::Platform;
use crate::store::jobs::{
    Job, JobState, JobStore, NewJob, NewOutboxMessage, OutboxFailure, OutboxMessage, OutboxState, Schedule,
    outbox_route,
};
use crate::store::{MemberId, StoreError, from_ms, ms};

/// A job as stored.
#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    key: String,
    payload: String,
    due_ms: i64,
    state: String,
    attempts: i64,
    max_attempts: i64,
    last_error: Option<String>,
    lease_owner: Option<String>,
    lease_until_ms: Option<i64>,
}

// Spliced into queries with AssertSqlSafe: constants only, never input.
const JOB_COLUMNS: &str = "SELECT id, kind, key, payload, due_ms, state, attempts, max_attempts,
    last_error, lease_owner, lease_until_ms FROM jobs_queue";

fn job(r: JobRow) -> Result<Job, StoreError> {
    Ok(Job {
        payload: serde_json::from_str(&r.payload)
            .map_err(|e| StoreError::Corrupt(format!("job {} payload: {e}", r.id)))?,
        state: JobState::parse(&r.state)
            .ok_or_else(|| StoreError::Corrupt(format!("job {} state {}", r.id, r.state)))?,
        id: r.id,
        kind: r.kind,
        key: r.key,
        due: from_ms(r.due_ms),
        attempts: r.attempts,
        max_attempts: r.max_attempts,
        last_error: r.last_error,
        lease_owner: r.lease_owner,
        lease_until: r.lease_until_ms.map(from_ms),
    })
}

/// An outbox message as stored.
#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: i64,
    key: String,
    message: String,
    state: String,
    attempts: i64,
    max_attempts: i64,
    last_error: Option<String>,
    due_ms: i64,
    lease_until_ms: Option<i64>,
    parts_sent: i64,
}

const OUTBOX_COLUMNS: &str =
    "id, key, message, state, attempts, max_attempts, last_error, due_ms, lease_until_ms, parts_sent";

fn outbox_message(r: OutboxRow) -> Result<OutboxMessage, StoreError> {
    Ok(OutboxMessage {
        message: serde_json::from_str(&r.message)
            .map_err(|e| StoreError::Corrupt(format!("outbox {} message: {e}", r.id)))?,
        state: OutboxState::parse(&r.state)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox {} state {}", r.id, r.state)))?,
        id: r.id,
        key: r.key,
        attempts: r.attempts,
        max_attempts: r.max_attempts,
        last_error: r.last_error,
        due: from_ms(r.due_ms),
        lease_until: r.lease_until_ms.map(from_ms),
        parts_sent: r.parts_sent,
    })
}

/// Stores messages in the outbox on `conn` (inside the caller's
/// transaction, so a feature's direct messages commit with its change),
/// skipping keys already stored; returns how many were new.
pub async fn insert_outbox(
    conn: &mut db::Conn,
    out: &[NewOutboxMessage],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut stored = 0;
    for m in out {
        stored += usize::from(insert_outbox_row(conn, m, None, now).await?.is_some());
    }
    Ok(stored)
}

/// Stores one message in the outbox unless its key is stored: pending, or
/// already claimed by `held`'s owner until its lease end. The row stored, if
/// it was new.
async fn insert_outbox_row(
    conn: &mut db::Conn,
    m: &NewOutboxMessage,
    held: Option<(&str, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> Result<Option<OutboxRow>, StoreError> {
    let (platform, destination) = outbox_route(&m.message);
    let message =
        serde_json::to_string(&m.message).map_err(|e| StoreError::Corrupt(format!("outbox message {}: {e}", m.key)))?;
    let row = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO jobs_outbox (key, platform, destination, part, message, max_attempts, due_ms, created_at_ms,
             state, attempts, lease_owner, lease_until_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11)
         ON CONFLICT (key) DO NOTHING RETURNING {OUTBOX_COLUMNS}"
    )))
    .bind(&m.key)
    .bind(platform.as_str())
    .bind(destination)
    .bind(m.part)
    .bind(message)
    .bind(m.max_attempts.max(1))
    .bind(ms(now))
    .bind(if held.is_some() { "sending" } else { "pending" })
    .bind(i64::from(held.is_some()))
    .bind(held.map(|(owner, _)| owner))
    .bind(held.map(|(_, until)| ms(until)))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row)
}

/// Messages of one platform in one state.
#[derive(sqlx::FromRow)]
struct OutboxCountRow {
    platform: String,
    state: String,
    messages: i64,
}

/// A schedule as stored.
#[derive(sqlx::FromRow)]
struct ScheduleRow {
    id: i64,
    community_id: String,
    platform: String,
    chat_id: String,
    kind: String,
    expr: String,
    source: String,
    next_ms: i64,
    created_by: Option<i64>,
}

const SCHEDULE_COLUMNS: &str = "SELECT id, community_id, platform, chat_id, kind, expr, source,
    next_ms, created_by FROM jobs_schedules";

fn schedule(r: ScheduleRow) -> Result<Schedule, StoreError> {
    Ok(Schedule {
        platform: Platform::parse(&r.platform)
            .ok_or_else(|| StoreError::Corrupt(format!("schedule {} platform {}", r.id, r.platform)))?,
        id: r.id,
        community: r.community_id,
        chat_id: r.chat_id,
        kind: r.kind,
        expr: r.expr,
        source: r.source,
        next: from_ms(r.next_ms),
        created_by: r.created_by.map(MemberId),
    })
}

/// Enqueues a job on `conn`, inside the caller's transaction when it has one:
/// a feature that must do something later enqueues the job in the same
/// transaction as the change that needs it (a bounty's expiry with the
/// bounty), so neither exists without the other. `false` when the key is
/// already queued.
pub async fn enqueue_in(conn: &mut db::Conn, j: &NewJob, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO jobs_queue (kind, key, payload, due_ms, max_attempts, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (key) DO NOTHING",
    )
    .bind(&j.kind)
    .bind(&j.key)
    .bind(j.payload.to_string())
    .bind(ms(j.due))
    .bind(j.max_attempts.max(1))
    .bind(ms(now))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl JobStore for db::Pools {
    async fn enqueue(&self, j: &NewJob, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut conn = self.write.acquire().await?;
        enqueue_in(&mut conn, j, now).await
    }

    async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        // A lease that ran out on the last attempt: the instance
        // died (or hung) every time; give up visibly.
        sqlx::query(
            "UPDATE jobs_queue SET state = 'failed', lease_owner = NULL, lease_until_ms = NULL,
                 last_error = COALESCE(last_error, 'lease expired'), updated_at_ms = $1
             WHERE state = 'running' AND lease_until_ms < $1 AND attempts >= max_attempts",
        )
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM jobs_queue
             WHERE (state = 'pending' AND due_ms <= $1) OR (state = 'running' AND lease_until_ms < $1)
             ORDER BY due_ms, id LIMIT $2{}",
            db::FOR_UPDATE_SKIP_LOCKED
        )))
        .bind(ms(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            sqlx::query(
                "UPDATE jobs_queue SET state = 'running', attempts = attempts + 1, lease_owner = $1,
                     lease_until_ms = $2, updated_at_ms = $3 WHERE id = $4",
            )
            .bind(owner)
            .bind(ms(lease_until))
            .bind(ms(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let row: JobRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{JOB_COLUMNS} WHERE id = $1")))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            out.push(job(row)?);
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn complete_with(
        &self,
        id: i64,
        owner: &str,
        out: &[NewOutboxMessage],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let done = sqlx::query(
            "UPDATE jobs_queue SET state = 'done', lease_owner = NULL, lease_until_ms = NULL,
                 updated_at_ms = $1
             WHERE id = $2 AND state = 'running' AND lease_owner = $3",
        )
        .bind(ms(now))
        .bind(id)
        .bind(owner)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_outbox(&mut tx, out, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn outbox_push(&self, out: &[NewOutboxMessage], now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let stored = insert_outbox(&mut tx, out, now).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn fail(
        &self,
        id: i64,
        owner: &str,
        error: &str,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<JobState>, StoreError> {
        let row: Option<String> = sqlx::query_scalar(
            "UPDATE jobs_queue SET
                 state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                 due_ms = $1, last_error = $2, lease_owner = NULL, lease_until_ms = NULL,
                 updated_at_ms = $3
             WHERE id = $4 AND state = 'running' AND lease_owner = $5 RETURNING state",
        )
        .bind(ms(retry_at))
        .bind(error)
        .bind(ms(now))
        .bind(id)
        .bind(owner)
        .fetch_optional(&self.write)
        .await?;
        row.map(|s| JobState::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("job state {s}")))).transpose()
    }

    async fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let row: Option<JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{JOB_COLUMNS} WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.write)
            .await?;
        row.map(job).transpose()
    }

    async fn jobs_of_kind(&self, kind: &str, state: Option<JobState>, limit: i64) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{JOB_COLUMNS} WHERE kind = $1 AND ($2 IS NULL OR state = $2) ORDER BY id LIMIT $3"
        )))
        .bind(kind)
        .bind(state.map(JobState::as_str))
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        rows.into_iter().map(job).collect()
    }

    async fn failed_jobs(&self, limit: i64) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{JOB_COLUMNS} WHERE state = 'failed' ORDER BY updated_at_ms DESC, id DESC LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        rows.into_iter().map(job).collect()
    }

    async fn retry_job(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs_queue SET state = 'pending', attempts = 0, due_ms = $1, updated_at_ms = $1
             WHERE id = $2 AND state = 'failed'",
        )
        .bind(ms(now))
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn put_schedule(&self, s: &Schedule, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO jobs_schedules
                 (community_id, platform, chat_id, kind, expr, source, next_ms, created_by, created_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (community_id, platform, chat_id, kind) DO UPDATE SET
                 expr = excluded.expr, source = excluded.source, next_ms = excluded.next_ms,
                 created_by = excluded.created_by, created_at_ms = excluded.created_at_ms
             RETURNING id",
        )
        .bind(&s.community)
        .bind(s.platform.as_str())
        .bind(&s.chat_id)
        .bind(&s.kind)
        .bind(&s.expr)
        .bind(&s.source)
        .bind(ms(s.next))
        .bind(s.created_by.map(|m| m.0))
        .bind(ms(now))
        .fetch_one(&self.write)
        .await?;
        Ok(id)
    }

    async fn delete_schedule(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        kind: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM jobs_schedules
             WHERE community_id = $1 AND platform = $2 AND chat_id = $3 AND kind = $4",
        )
        .bind(community)
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(kind)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn schedule(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        kind: &str,
    ) -> Result<Option<Schedule>, StoreError> {
        let row: Option<ScheduleRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SCHEDULE_COLUMNS} WHERE community_id = $1 AND platform = $2 AND chat_id = $3 AND kind = $4"
        )))
        .bind(community)
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(kind)
        .fetch_optional(&self.write)
        .await?;
        row.map(schedule).transpose()
    }

    async fn due_schedules(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<Schedule>, StoreError> {
        let rows: Vec<ScheduleRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SCHEDULE_COLUMNS} WHERE next_ms <= $1 ORDER BY next_ms, id LIMIT $2"
        )))
        .bind(ms(now))
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        rows.into_iter().map(schedule).collect()
    }

    async fn advance_schedule(&self, id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE jobs_schedules SET next_ms = $1 WHERE id = $2 AND next_ms = $3")
            .bind(ms(to))
            .bind(id)
            .bind(ms(from))
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn claim_outbox(
        &self,
        platform: Platform,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        sqlx::query(
            "UPDATE jobs_outbox SET state = 'failed', lease_owner = NULL, lease_until_ms = NULL,
                 last_error = COALESCE(last_error, 'lease expired')
             WHERE platform = $1 AND state = 'sending' AND lease_until_ms < $2
                 AND attempts >= max_attempts",
        )
        .bind(platform.as_str())
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM jobs_outbox
             WHERE platform = $1
                 AND ((state = 'pending' AND due_ms <= $2) OR (state = 'sending' AND lease_until_ms < $2))
             ORDER BY part, due_ms, id LIMIT $3{}",
            db::FOR_UPDATE_SKIP_LOCKED
        )))
        .bind(platform.as_str())
        .bind(ms(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row: OutboxRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "UPDATE jobs_outbox SET state = 'sending', attempts = attempts + 1, lease_owner = $1,
                     lease_until_ms = $2 WHERE id = $3 RETURNING {OUTBOX_COLUMNS}"
            )))
            .bind(owner)
            .bind(ms(lease_until))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            out.push(outbox_message(row)?);
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn outbox_hold(
        &self,
        out: &[NewOutboxMessage],
        owner: &str,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let mut held = Vec::with_capacity(out.len());
        for m in out {
            if let Some(row) = insert_outbox_row(&mut tx, m, Some((owner, lease_until)), now).await? {
                held.push(outbox_message(row)?);
            }
        }
        tx.commit().await?;
        Ok(held)
    }

    async fn outbox_progress(&self, id: i64, owner: &str, parts_sent: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs_outbox SET parts_sent = $1
             WHERE id = $2 AND state = 'sending' AND lease_owner = $3 AND parts_sent < $1",
        )
        .bind(parts_sent)
        .bind(id)
        .bind(owner)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn outbox_renew(&self, owner: &str, lease_until: DateTime<Utc>) -> Result<u64, StoreError> {
        let renewed =
            sqlx::query("UPDATE jobs_outbox SET lease_until_ms = $1 WHERE lease_owner = $2 AND state = 'sending'")
                .bind(ms(lease_until))
                .bind(owner)
                .execute(&self.write)
                .await?;
        Ok(renewed.rows_affected())
    }

    async fn outbox_sent(&self, id: i64, owner: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs_outbox SET state = 'sent', sent_at_ms = $1, lease_owner = NULL,
                 lease_until_ms = NULL, last_error = NULL
             WHERE id = $2 AND state = 'sending' AND lease_owner = $3",
        )
        .bind(ms(now))
        .bind(id)
        .bind(owner)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn outbox_unsent(
        &self,
        id: i64,
        owner: &str,
        failure: &OutboxFailure<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<OutboxState>, StoreError> {
        let row: Option<String> = sqlx::query_scalar(
            "UPDATE jobs_outbox SET
                 state = CASE WHEN $1 OR attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                 due_ms = CASE WHEN $1 OR attempts >= max_attempts THEN $6 ELSE $2 END,
                 last_error = $3, lease_owner = NULL, lease_until_ms = NULL,
                 parts_sent = CASE WHEN parts_sent < $7 THEN $7 ELSE parts_sent END
             WHERE id = $4 AND state = 'sending' AND lease_owner = $5 RETURNING state",
        )
        .bind(failure.retry_at.is_none())
        .bind(ms(failure.retry_at.unwrap_or(now)))
        .bind(failure.error)
        .bind(id)
        .bind(owner)
        .bind(ms(now))
        .bind(failure.parts_sent)
        .fetch_optional(&self.write)
        .await?;
        row.map(|s| OutboxState::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("outbox state {s}")))).transpose()
    }

    async fn outbox_prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM jobs_outbox WHERE state = 'sent' AND sent_at_ms < $1")
            .bind(ms(before))
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected())
    }

    async fn outbox_counts(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows: Vec<OutboxCountRow> = sqlx::query_as(
            "SELECT platform, state, COUNT(*) AS messages FROM jobs_outbox GROUP BY platform, state
             ORDER BY platform, state",
        )
        .fetch_all(&self.write)
        .await?;
        Ok(rows.into_iter().map(|r| (r.platform, r.state, r.messages)).collect())
    }

    async fn outbox_failed(&self, limit: i64) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows: Vec<OutboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OUTBOX_COLUMNS} FROM jobs_outbox WHERE state = 'failed' ORDER BY due_ms DESC, id DESC LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        rows.into_iter().map(outbox_message).collect()
    }

    async fn outbox_retry(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs_outbox SET state = 'pending', attempts = 0, due_ms = $1
             WHERE id = $2 AND state = 'failed'",
        )
        .bind(ms(now))
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn outbox_message(&self, id: i64) -> Result<Option<OutboxMessage>, StoreError> {
        let row: Option<OutboxRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {OUTBOX_COLUMNS} FROM jobs_outbox WHERE id = $1")))
                .bind(id)
                .fetch_optional(&self.write)
                .await?;
        row.map(outbox_message).transpose()
    }
}

//! The scheduler: cron schedules per chat become jobs, jobs are claimed from
//! the durable queue and run by their registered kind, and what they produce
//! is stored in the outbox (in the transaction that marks the job done),
//! from which each platform's adapter sends it ([`outbox`]).
//!
//! Exactly once across instances comes from keys, not from timing: a fire is
//! the job `KIND:SCHEDULE:FIRE_UTC_MS`, enqueued idempotently, and a job is
//! claimed atomically with a lease (another instance reclaims it when the
//! lease runs out). After downtime only the latest missed fire runs, and
//! only if it is younger than the kind's catch-up age.

pub mod cron;
pub mod outbox;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::BoxFuture;
use crate::community::Community;
use crate::engine::Engine;
use crate::message::Outgoing;
use crate::store::StoreError;
use crate::store::jobs::{Job, JobState, NewJob, NewOutboxMessage, Schedule};

/// How long a claimed job is ours before another instance may take it.
pub const LEASE_SECS: i64 = 300;
/// First retry delay; doubles per attempt.
pub const BACKOFF_BASE_SECS: i64 = 30;
/// Longest retry delay.
pub const BACKOFF_MAX_SECS: i64 = 3600;
/// Jobs claimed per round, and rounds per tick (the rest waits for the next).
const CLAIM_BATCH: i64 = 50;
const CLAIM_ROUNDS: usize = 20;
/// Schedules handled per tick.
const SCHEDULES_PER_TICK: i64 = 500;

/// Why a job's attempt failed; it is retried with backoff.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The payload or the world is not as the job expects.
    #[error("{0}")]
    Invalid(String),
}

/// What a job handler returns: the messages to send.
pub type JobResult = Result<Vec<Outgoing>, JobError>;

/// A registered kind of job. Features declare theirs in their
/// [`crate::features::Feature::jobs`]; an embedding program may add its own with
/// [`Engine::register_job_kind`].
#[derive(Debug, Clone, Copy)]
pub struct JobKind {
    /// The stored kind name; unique.
    pub name: &'static str,
    /// Attempts before a job of this kind is marked failed.
    pub max_attempts: i64,
    /// How old a missed scheduled fire may be and still run after downtime.
    pub catch_up: fn(&Community) -> Duration,
    /// Runs one job.
    pub run: for<'a> fn(&'a Engine, &'a Job) -> BoxFuture<'a, JobResult>,
}

/// The payload of a job made by a schedule's fire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fire {
    /// The schedule.
    pub schedule: i64,
    /// Its community.
    pub community: String,
    /// The chat's platform (`telegram`…).
    pub platform: String,
    /// The chat's id.
    pub chat_id: String,
    /// The fire's instant, UTC milliseconds.
    pub at_ms: i64,
}

/// The unique key of a schedule's fire.
pub fn fire_key(kind: &str, schedule: i64, at: DateTime<Utc>) -> String {
    format!("{kind}:{schedule}:{}", at.timestamp_millis())
}

/// Delay before the retry after `attempts` failed attempts.
pub fn backoff(attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    Duration::seconds(BACKOFF_BASE_SECS.saturating_mul(1_i64 << exp).min(BACKOFF_MAX_SECS))
}

/// One scheduler step at the engine's "now": enqueue due fires, then claim
/// and run due jobs, storing what they produce in the outbox. Returns the
/// number of jobs completed. Errors are logged; the next tick tries again.
pub async fn tick(engine: &Engine, owner: &str) -> usize {
    let now = engine.now();
    if let Err(e) = enqueue_fires(engine, now).await {
        engine.store().note_failure(&e);
        tracing::error!(error = %e, "could not enqueue scheduled fires");
    }
    run_jobs(engine, owner, now).await
}

/// Turns the fires of due schedules into jobs and moves each schedule on.
pub async fn enqueue_fires(engine: &Engine, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let store = engine.store().jobs();
    let mut enqueued = 0;
    for s in store.due_schedules(now, SCHEDULES_PER_TICK).await? {
        let Some(community) = engine.communities().get(&s.community) else {
            tracing::warn!(schedule = s.id, community = %s.community, "schedule of a community no longer configured");
            continue;
        };
        let expr = match cron::CronExpr::stored(&s.expr, &s.source) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(schedule = s.id, error = %e, "stored schedule does not parse; left alone");
                continue;
            }
        };
        let Some(kind) = engine.job_kind(&s.kind) else {
            tracing::error!(schedule = s.id, kind = %s.kind, "schedule of an unknown job kind; left alone");
            continue;
        };
        let oldest = now - (kind.catch_up)(&community);
        if s.next < oldest {
            tracing::warn!(
                schedule = s.id, kind = %s.kind, missed_since = %s.next, max_age = %(kind.catch_up)(&community),
                "missed fires older than the catch-up age are skipped"
            );
        }
        // The latest fire in (max(next - 1 ms, oldest), now]: at most one per tick.
        let mut cursor = (s.next - Duration::milliseconds(1)).max(oldest);
        let mut latest = None;
        while let Some(f) = expr.next_after(community.tz, cursor).filter(|f| *f <= now) {
            latest = Some(f);
            cursor = f;
        }
        if let Some(at) = latest {
            enqueued += usize::from(enqueue_fire(engine, &s, kind, at, now).await?);
        }
        let next = expr.next_after(community.tz, now).unwrap_or(DateTime::<Utc>::MAX_UTC);
        store.advance_schedule(s.id, s.next, next).await?;
    }
    Ok(enqueued)
}

async fn enqueue_fire(
    engine: &Engine,
    s: &Schedule,
    kind: &JobKind,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let fire = Fire {
        schedule: s.id,
        community: s.community.clone(),
        platform: s.platform.as_str().to_owned(),
        chat_id: s.chat_id.clone(),
        at_ms: at.timestamp_millis(),
    };
    let payload = serde_json::to_value(&fire).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let job = NewJob {
        kind: s.kind.clone(),
        key: fire_key(&s.kind, s.id, at),
        payload,
        due: at,
        max_attempts: kind.max_attempts,
    };
    engine.store().jobs().enqueue(&job, now).await
}

/// Claims and runs due jobs until none are left (or the tick's budget is
/// used); failures are retried with backoff, then kept as failed. What a job
/// produces goes to the outbox together with its completion, so a job whose
/// instance died before completing runs again and its messages are stored
/// once. Returns the number of jobs completed.
pub async fn run_jobs(engine: &Engine, owner: &str, now: DateTime<Utc>) -> usize {
    let store = engine.store().jobs();
    let mut completed = 0;
    for _ in 0..CLAIM_ROUNDS {
        let jobs = match store.claim(owner, now, now + Duration::seconds(LEASE_SECS), CLAIM_BATCH).await {
            Ok(jobs) => jobs,
            Err(e) => {
                engine.store().note_failure(&e);
                tracing::error!(error = %e, "could not claim jobs");
                break;
            }
        };
        if jobs.is_empty() {
            break;
        }
        for job in jobs {
            let result = match engine.job_kind(&job.kind) {
                // A panicking job is a failed attempt (retried with backoff,
                // then kept as failed); the tick goes on with the others.
                Some(k) => crate::supervise::catch_panic((k.run)(engine, &job)).await.unwrap_or_else(|panic| {
                    tracing::error!(job = job.id, kind = %job.kind, panic = %panic, "job panicked");
                    Err(JobError::Invalid(format!("panicked: {panic}")))
                }),
                None => Err(JobError::Invalid(format!("no handler for job kind {}", job.kind))),
            };
            match result {
                Ok(messages) => match store.complete_with(job.id, owner, &outbox_messages(&job, messages), now).await {
                    Ok(true) => {
                        completed += 1;
                        engine.notify_outbox();
                    }
                    Ok(false) => tracing::warn!(job = job.id, "lease lost before completion; output dropped"),
                    Err(e) => tracing::error!(job = job.id, error = %e, "could not complete job"),
                },
                Err(e) => {
                    let retry_at = now + backoff(job.attempts);
                    match store.fail(job.id, owner, &e.to_string(), retry_at, now).await {
                        Ok(Some(JobState::Failed)) => {
                            tracing::error!(job = job.id, kind = %job.kind, error = %e, "job failed for good")
                        }
                        Ok(_) => {
                            tracing::warn!(job = job.id, kind = %job.kind, error = %e, %retry_at, "job failed; will retry")
                        }
                        Err(se) => tracing::error!(job = job.id, error = %se, "could not record job failure"),
                    }
                }
            }
        }
    }
    completed
}

/// A job's output as outbox messages keyed by the job and their place in it.
fn outbox_messages(job: &Job, messages: Vec<Outgoing>) -> Vec<NewOutboxMessage> {
    messages
        .into_iter()
        .zip(0_i64..)
        .map(|(message, part)| NewOutboxMessage {
            key: format!("{}#{part}", job.key),
            part,
            message,
            max_attempts: outbox::MAX_ATTEMPTS,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_kinds_are_unique() {
        let mut names: Vec<&str> = crate::features::ALL.iter().flat_map(|f| f.jobs).map(|k| k.name).collect();
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), before, "two job kinds share a name");
    }

    #[test]
    fn backoff_doubles_up_to_a_maximum() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(3), Duration::seconds(120));
        assert_eq!(backoff(50), Duration::seconds(BACKOFF_MAX_SECS));
    }
}

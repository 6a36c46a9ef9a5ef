//! Storage of the scheduler: the durable job queue and the cron schedules
//! per chat. Implemented for both backends by `jobs_sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{MemberId, StoreError};
use crate::message::Platform;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for its due time (or for a retry).
    Pending,
    /// Claimed by an instance until its lease ends.
    Running,
    /// Finished.
    Done,
    /// Gave up after its last attempt; stays visible until retried by hand.
    Failed,
}

impl JobState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<JobState> {
        [JobState::Pending, JobState::Running, JobState::Done, JobState::Failed].into_iter().find(|k| k.as_str() == s)
    }
}

/// Work to do later, as handed to [`JobStore::enqueue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// The registered kind that runs it (`digest`…).
    pub kind: String,
    /// Unique key: enqueueing the same key again stores nothing.
    pub key: String,
    /// The kind's own arguments, as JSON.
    pub payload: serde_json::Value,
    /// When it becomes due.
    pub due: DateTime<Utc>,
    /// Attempts before it is marked failed.
    pub max_attempts: i64,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Its id.
    pub id: i64,
    /// The registered kind.
    pub kind: String,
    /// Its unique key.
    pub key: String,
    /// Arguments, as JSON.
    pub payload: serde_json::Value,
    /// When it is (next) due.
    pub due: DateTime<Utc>,
    /// State.
    pub state: JobState,
    /// Attempts started so far (a claim counts as one).
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The instance holding the lease, while running.
    pub lease_owner: Option<String>,
    /// When the lease ends; after that another instance may reclaim it.
    pub lease_until: Option<DateTime<Utc>>,
}

/// A cron schedule of one kind of work (a digest) in one chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Its id (0 before it is stored).
    pub id: i64,
    /// The community.
    pub community: String,
    /// The chat's platform.
    pub platform: Platform,
    /// The chat's id on the platform.
    pub chat_id: String,
    /// What it fires (`digest`).
    pub kind: String,
    /// The expression in the cron crate's 6/7-field form.
    pub expr: String,
    /// The expression as the moderator typed it.
    pub source: String,
    /// The next fire not yet handled, UTC.
    pub next: DateTime<Utc>,
    /// Who set it.
    pub created_by: Option<MemberId>,
}

/// The durable job queue and the schedules.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Stores a job unless one with its key exists; `true` when stored.
    async fn enqueue(&self, job: &NewJob, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Claims up to `limit` jobs that are due at `now` (pending, or running
    /// with an expired lease) for `owner` until `lease_until`, atomically:
    /// two claimers never get the same job. Each claim counts an attempt.
    async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError>;

    /// Marks a claimed job done; `false` if `owner` no longer holds it.
    async fn complete(&self, id: i64, owner: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Records a failed attempt: back to pending, due at `retry_at`, or
    /// `failed` when the attempts are used up. Returns the new state, or
    /// `None` if `owner` no longer holds the job.
    async fn fail(
        &self,
        id: i64,
        owner: &str,
        error: &str,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<JobState>, StoreError>;

    /// A job by id.
    async fn job(&self, id: i64) -> Result<Option<Job>, StoreError>;

    /// Jobs that gave up, newest first.
    async fn failed_jobs(&self, limit: i64) -> Result<Vec<Job>, StoreError>;

    /// Puts a failed job back in the queue, due at `now`, with fresh
    /// attempts; `false` if it is not failed.
    async fn retry_job(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Creates or replaces the schedule of its kind in its chat; returns its id.
    async fn put_schedule(&self, s: &Schedule, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Removes the schedule of `kind` in a chat; `false` if there was none.
    async fn delete_schedule(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        kind: &str,
    ) -> Result<bool, StoreError>;

    /// The schedule of `kind` in a chat.
    async fn schedule(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        kind: &str,
    ) -> Result<Option<Schedule>, StoreError>;

    /// Schedules whose next fire is at or before `now`, at most `limit`.
    async fn due_schedules(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<Schedule>, StoreError>;

    /// Moves a schedule's next fire from `from` to `to`; `false` if another
    /// instance moved it first.
    async fn advance_schedule(&self, id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<bool, StoreError>;
}

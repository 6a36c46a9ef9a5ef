//! Storage of the scheduler: the durable job queue, the cron schedules per
//! chat and the outbox of what jobs produced. Implemented for both backends
//! by `jobs_sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{MemberId, StoreError};
use crate::message::{Outgoing, Platform};

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

/// Where an outbox message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxState {
    /// Waiting to be sent (or for a retry).
    Pending,
    /// Claimed by an adapter until its lease ends.
    Sending,
    /// Delivered.
    Sent,
    /// Refused by the platform on every attempt; stays visible.
    Failed,
}

impl OutboxState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<OutboxState> {
        [OutboxState::Pending, OutboxState::Sending, OutboxState::Sent, OutboxState::Failed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A message for the outbox, as a job produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxMessage {
    /// Unique key (`JOBKEY#N`): storing the same key again stores nothing.
    pub key: String,
    /// Its place in the job's output: claims take the first messages of
    /// every job before the second ones, so chats are served in turn.
    pub part: i64,
    /// The message.
    pub message: Outgoing,
    /// Attempts before it is marked failed.
    pub max_attempts: i64,
}

/// A stored outbox message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Its id.
    pub id: i64,
    /// Its unique key.
    pub key: String,
    /// The message.
    pub message: Outgoing,
    /// State.
    pub state: OutboxState,
    /// Attempts started (a claim counts as one).
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it may be sent (pending), or when it was given up (failed).
    pub due: DateTime<Utc>,
    /// While it is being sent: until when the sending instance holds it.
    pub lease_until: Option<DateTime<Utc>>,
    /// How many leading parts (platform messages) of it were delivered by
    /// earlier attempts: a retry starts after them.
    pub parts_sent: i64,
}

/// How a delivery failed, as [`JobStore::outbox_unsent`] records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxFailure<'a> {
    /// What the platform or the sender said.
    pub error: &'a str,
    /// When to try again; `None` when the platform refused it for good.
    pub retry_at: Option<DateTime<Utc>>,
    /// Leading parts delivered so far (a retry starts after them).
    pub parts_sent: i64,
}

/// The platform a message goes out on and the destination it goes to, as
/// stored (`chat:ID` or `dm:USER`).
pub fn outbox_route(m: &Outgoing) -> (Platform, String) {
    match &m.to {
        crate::message::Destination::Chat(c) => (c.platform, format!("chat:{}", c.id)),
        crate::message::Destination::Direct { platform, user_id } => (*platform, format!("dm:{user_id}")),
    }
}

/// The durable job queue, the schedules and the outbox.
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
    async fn complete(&self, id: i64, owner: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        self.complete_with(id, owner, &[], now).await
    }

    /// Marks a claimed job done and stores what it produced in the outbox,
    /// in one transaction (messages whose key is already stored are
    /// skipped). `false`, and nothing stored, if `owner` no longer holds it.
    async fn complete_with(
        &self,
        id: i64,
        owner: &str,
        out: &[NewOutboxMessage],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

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

    /// Jobs of `kind` (in `state`, if given), oldest first.
    async fn jobs_of_kind(&self, kind: &str, state: Option<JobState>, limit: i64) -> Result<Vec<Job>, StoreError>;

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

    /// Stores messages in the outbox (skipping keys already stored), in one
    /// transaction; returns how many were new.
    async fn outbox_push(&self, out: &[NewOutboxMessage], now: DateTime<Utc>) -> Result<usize, StoreError>;

    /// Claims up to `limit` outbox messages of `platform` that may be sent
    /// at `now` (pending and due, or sending with an expired lease) for
    /// `owner` until `lease_until`: first parts of every job before second
    /// ones, oldest first. Each claim counts an attempt.
    async fn claim_outbox(
        &self,
        platform: Platform,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Stores messages (skipping keys already stored) already claimed by
    /// `owner` until `lease_until`, in one transaction: replies an instance
    /// sends itself at once, durable before they are sent. Returns the rows
    /// stored (their first attempt counted).
    async fn outbox_hold(
        &self,
        out: &[NewOutboxMessage],
        owner: &str,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Records that the first `parts_sent` parts of a message `owner` is
    /// sending were delivered (never lowers it); `false` if `owner` no
    /// longer holds it.
    async fn outbox_progress(&self, id: i64, owner: &str, parts_sent: i64) -> Result<bool, StoreError>;

    /// Extends to `lease_until` the lease of every message `owner` is
    /// sending; how many.
    async fn outbox_renew(&self, owner: &str, lease_until: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Marks a claimed message sent; `false` if `owner` no longer holds it.
    async fn outbox_sent(&self, id: i64, owner: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Records a failed delivery: back to pending, due at `retry_at`, or
    /// `failed` when the attempts are used up (or `retry_at` is `None`),
    /// with the parts delivered so far. `None` if `owner` no longer holds
    /// the message.
    async fn outbox_unsent(
        &self,
        id: i64,
        owner: &str,
        failure: &OutboxFailure<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<OutboxState>, StoreError>;

    /// Deletes messages sent before `before`; how many went.
    async fn outbox_prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Outbox messages by platform and state: (platform, state, count).
    async fn outbox_counts(&self) -> Result<Vec<(String, String, i64)>, StoreError>;

    /// Outbox messages that gave up, newest first.
    async fn outbox_failed(&self, limit: i64) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Puts a failed outbox message back, due at `now`, with fresh
    /// attempts; `false` if it is not failed.
    async fn outbox_retry(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// An outbox message by id.
    async fn outbox_message(&self, id: i64) -> Result<Option<OutboxMessage>, StoreError>;
}

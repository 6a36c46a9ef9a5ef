//! At-least-once intake: the group commit in front of the inbox
//! ([`crate::store::inbox`]). Adapters record the updates they receive and
//! confirm them to the platform only once [`Intake::record`] returned (the
//! rows are committed); they mark an update handled, with the replies it
//! owes, when the engine is done with it ([`Intake::handled`]), and done
//! when the replies were sent ([`Intake::done`]).
//!
//! One writer task does every write: it takes whatever requests are waiting
//! (a poll's batch, the webhook requests that arrived meanwhile, the marks of
//! every worker) and writes them in two transactions, records first. A burst
//! costs a few commits, not one per update, so throughput holds.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use crate::Engine;
use crate::message::Outgoing;
use crate::scheduler::outbox::Receipt;
use crate::store::StoreError;
use crate::store::inbox::{InboxState, Mark, NewUpdate, OpenUpdate};

/// Requests the writer takes into one commit, at most.
const BATCH: usize = 1000;
/// Requests waiting for the writer, at most (callers wait beyond it).
const QUEUE: usize = 4096;
/// How long done rows are kept: longer than Telegram keeps an update it
/// could deliver again (24 hours).
const KEEP_DONE: chrono::Duration = chrono::Duration::hours(48);
/// How often the writer prunes done rows.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Open updates taken up at start, at most (a platform holds fewer: Telegram
/// keeps an unconfirmed update for a day).
const RESUME_MAX: i64 = 1_000_000;

/// What an adapter's sender says, in its failure, when it stopped before
/// sending (`the Telegram sender has stopped`): the reply is not kept in the
/// outbox, its update stays open and it goes at the next start.
pub const SENDER_STOPPED: &str = "has stopped";

/// The inbox could not be written.
#[derive(Debug, Clone, thiserror::Error)]
#[error("inbox: {0}")]
pub struct IntakeError(pub String);

impl From<&StoreError> for IntakeError {
    fn from(e: &StoreError) -> IntakeError {
        IntakeError(e.to_string())
    }
}

enum Request {
    Record(Vec<NewUpdate>, oneshot::Sender<Result<Vec<bool>, IntakeError>>),
    Mark(Mark, Option<oneshot::Sender<Result<(), IntakeError>>>),
}

/// The handle adapters use; cheap to clone. The writer ends when every
/// handle is gone.
#[derive(Debug, Clone)]
pub struct Intake {
    source: Arc<str>,
    tx: mpsc::Sender<Request>,
    engine: Arc<Engine>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Request::Record(u, _) => write!(f, "Record({} updates)", u.len()),
            Request::Mark(m, _) => write!(f, "Mark({} {})", m.update_id, m.state.as_str()),
        }
    }
}

impl Intake {
    /// Starts the writer for updates from `source` (`telegram:BOT_ID`).
    pub fn spawn(engine: Arc<Engine>, source: impl Into<String>) -> (Intake, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let task = tokio::spawn(writer(engine.clone(), rx));
        (Intake { source: Arc::from(source.into()), tx, engine }, task)
    }

    /// The source its updates are recorded under.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Records updates (id, JSON) durably; returns for each whether it was
    /// new (a redelivered update is not). Confirm them to the platform only
    /// after this returned `Ok`.
    pub async fn record(&self, updates: Vec<(i64, String)>) -> Result<Vec<bool>, IntakeError> {
        let rows = updates
            .into_iter()
            .map(|(update_id, payload)| NewUpdate { source: self.source.to_string(), update_id, payload })
            .collect();
        let (tx, rx) = oneshot::channel();
        self.tx.send(Request::Record(rows, tx)).await.map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }

    /// The engine has handled update `update_id` and owes `replies`:
    /// recorded durably before this returns (so after a crash the replies
    /// are sent, the update not handled again). With no replies the update
    /// is done, written with the next commit but not waited for: a chat
    /// message that owes nothing does not hold its chat's next update for a
    /// commit (a crash in between handles it again, as it would a crash
    /// during its handling; what such a message does is idempotent).
    pub async fn handled(&self, update_id: i64, replies: &[Outgoing]) -> Result<(), IntakeError> {
        if replies.is_empty() {
            self.done(update_id);
            return Ok(());
        }
        let json = serde_json::to_string(replies).map_err(|e| IntakeError(e.to_string()))?;
        let mark = self.mark(update_id, InboxState::Handled, Some(json));
        let (tx, rx) = oneshot::channel();
        self.tx.send(Request::Mark(mark, Some(tx))).await.map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }

    /// The replies of update `update_id` were sent (written with the next
    /// commit; not waited for: at worst a crash sends them once more).
    pub fn done(&self, update_id: i64) {
        let mark = self.mark(update_id, InboxState::Done, None);
        if let Err(e) = self.tx.try_send(Request::Mark(mark, None)) {
            // Full or stopped: hand it over without holding the caller.
            let tx = self.tx.clone();
            let request = match e {
                mpsc::error::TrySendError::Full(r) | mpsc::error::TrySendError::Closed(r) => r,
            };
            tokio::spawn(async move {
                let _ = tx.send(request).await;
            });
        }
    }

    /// Sends the replies update `update_id` owes through `send` (the
    /// adapter's sender), each with a receipt of its own, and marks the
    /// update done once every one was delivered or kept in the outbox: a
    /// reply the sender gave up on (after its retries, or part-way through
    /// a long one) is retried from there, from the part it got to, and shows
    /// in `jixia jobs outbox`, instead of being dropped with a log line.
    /// When the sender stopped first, or the outbox cannot be written, the
    /// update stays open and its replies go at the next start.
    pub fn send_replies(&self, update_id: i64, replies: Vec<Outgoing>, mut send: impl FnMut(Outgoing, Receipt)) {
        if replies.is_empty() {
            self.done(update_id);
            return;
        }
        let mut outcomes = Vec::with_capacity(replies.len());
        for out in replies {
            let (receipt, outcome) = Receipt::new();
            outcomes.push((out.clone(), outcome));
            send(out, receipt);
        }
        let intake = self.clone();
        let key = format!("reply:{}:{update_id}", self.source);
        tokio::spawn(async move {
            for (n, (out, outcome)) in outcomes.into_iter().enumerate() {
                match outcome.await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) if e.reason.contains(SENDER_STOPPED) => return,
                    Ok(Err(e)) => {
                        if let Err(store) = intake.engine.outbox_keep(&format!("{key}.{n}"), &out, e).await {
                            tracing::error!(update = update_id, error = %store, "could not keep an undelivered reply");
                            return;
                        }
                    }
                    Err(_) => return,
                }
            }
            intake.done(update_id);
        });
    }

    fn mark(&self, update_id: i64, state: InboxState, replies: Option<String>) -> Mark {
        Mark { source: self.source.to_string(), update_id, state, replies }
    }

    /// The updates not done (received, or handled with replies unsent),
    /// oldest first: what a crash left, to take up before new ones.
    pub async fn open(&self) -> Result<Vec<OpenUpdate>, StoreError> {
        self.engine.store().inbox().open(&self.source, RESUME_MAX).await
    }

    /// The highest update id recorded for this source: where to resume.
    pub async fn last_update_id(&self) -> Result<Option<i64>, StoreError> {
        self.engine.store().inbox().last_update_id(&self.source).await
    }
}

fn stopped() -> IntakeError {
    IntakeError("the inbox writer has stopped".to_owned())
}

/// The writer: takes every waiting request and commits them together.
async fn writer(engine: Arc<Engine>, mut rx: mpsc::Receiver<Request>) {
    let mut last_prune: Option<tokio::time::Instant> = None;
    let mut requests = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut requests, BATCH).await > 0 {
        let now = engine.now();
        commit(&engine, std::mem::take(&mut requests), now).await;
        if last_prune.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            last_prune = Some(tokio::time::Instant::now());
            match engine.store().inbox().prune(now - KEEP_DONE).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(rows = n, "inbox: pruned done updates"),
                Err(e) => tracing::warn!(error = %e, "inbox: could not prune done updates"),
            }
        }
    }
}

async fn commit(engine: &Engine, requests: Vec<Request>, now: DateTime<Utc>) {
    let mut rows = Vec::new();
    let mut recorders = Vec::new();
    let mut marks = Vec::new();
    let mut markers = Vec::new();
    for r in requests {
        match r {
            Request::Record(updates, tx) => {
                recorders.push((updates.len(), tx));
                rows.extend(updates);
            }
            Request::Mark(mark, tx) => {
                marks.push(mark);
                markers.extend(tx);
            }
        }
    }
    if !rows.is_empty() {
        let result = engine.store().inbox().record(&rows, now).await;
        if let Err(e) = &result {
            engine.store().note_failure(e);
            tracing::error!(error = %e, updates = rows.len(), "inbox: could not record updates");
        }
        let mut fresh = result.as_ref().map(|v| v.iter().copied()).map_err(IntakeError::from);
        for (n, tx) in recorders {
            let answer = match &mut fresh {
                Ok(it) => Ok(it.by_ref().take(n).collect()),
                Err(e) => Err(e.clone()),
            };
            let _ = tx.send(answer);
        }
    }
    if !marks.is_empty() {
        let result = engine.store().inbox().mark(&marks, now).await.map_err(|e| {
            engine.store().note_failure(&e);
            tracing::error!(error = %e, marks = marks.len(), "inbox: could not mark updates handled");
            IntakeError::from(&e)
        });
        for tx in markers {
            let _ = tx.send(result.clone());
        }
    }
}

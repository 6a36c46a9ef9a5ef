//! The sending side of the outbox, platform-free: an adapter claims the
//! messages of its platform, hands each to its own sender (which paces,
//! splits and retries within the platform's limits) with a [`Receipt`], and
//! the receipt's outcome marks the row sent, or puts it back with backoff,
//! or marks it failed after its last attempt, or at once when the platform
//! refused it for good (the bot was removed from the chat). The engine's side of it
//! (claiming, settling, the pump) is in `engine/outbox.rs`.
//!
//! Nothing is lost: a row is only marked sent after the platform accepted
//! every part of it. At worst a crash between sending and marking sends the
//! rows the instance held once more, after their lease ends. The lease is
//! short ([`LEASE_SECS`]) and renewed while the instance holds the row, so
//! a live instance never loses a row it is still sending, and a dead one's
//! rows go out again within a minute.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::Duration;
use tokio::sync::oneshot;

use crate::message::Outgoing;

/// Attempts at one outbox message before it is kept as failed.
pub const MAX_ATTEMPTS: i64 = 5;
/// How long a claimed message is ours before another instance may send it,
/// unless renewed: a bound on one send (the sender's queue is a few seconds
/// long, [`WINDOW`]), and the longest a dead instance's rows wait.
pub const LEASE_SECS: i64 = 60;
/// How often the pump renews the leases of the rows it holds (a third of
/// the lease, so two renewals may fail before one runs out).
pub const RENEW_SECS: i64 = 20;
/// First retry delay after a failed delivery; doubles per attempt.
pub const RETRY_BASE_SECS: i64 = 30;
/// Messages handed to an adapter's sender and not yet settled, at most: the
/// sender's own queue stays short (a few seconds at Telegram's pace).
pub const WINDOW: usize = 64;
/// How long sent messages are kept (for `jixia jobs outbox` and to tell a
/// re-stored key from a new one) before the pump prunes them.
pub const KEEP_SENT_DAYS: i64 = 30;
/// How often a pump prunes sent messages.
pub const PRUNE_EVERY_SECS: i64 = 3600;
/// How often an idle pump looks for new messages (it is also woken when a
/// job of this instance stores some).
pub const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// One claimed outbox message, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The outbox row.
    pub id: i64,
    /// The message.
    pub message: Outgoing,
    /// Attempts so far, this one included.
    pub attempt: i64,
    /// Leading parts delivered by earlier attempts.
    pub parts_sent: i64,
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    /// What the platform or the sender said.
    pub reason: String,
    /// The platform refused it for good (403: the bot was removed from the
    /// chat, or the member blocked it): sending again cannot help, so it is
    /// kept as failed at once instead of being retried.
    pub permanent: bool,
    /// Leading parts of it (platform messages, when it was split) that were
    /// delivered, counting those of earlier attempts: a retry starts after
    /// them.
    pub parts_sent: usize,
}

impl Undelivered {
    /// A failure worth retrying later (network, 5xx, a stopped sender).
    pub fn transient(reason: impl Into<String>) -> Undelivered {
        Undelivered { reason: reason.into(), permanent: false, parts_sent: 0 }
    }
}

impl From<String> for Undelivered {
    fn from(reason: String) -> Undelivered {
        Undelivered::transient(reason)
    }
}

impl From<&str> for Undelivered {
    fn from(reason: &str) -> Undelivered {
        Undelivered::transient(reason)
    }
}

/// Hears each advance of a message's delivery: the number of leading parts
/// delivered so far (the outbox records it on the row, so a crash does not
/// send them again).
pub type ProgressReport = Box<dyn Fn(usize) + Send + Sync>;

/// How far a message's delivery got, shared by its receipts.
struct Progress {
    /// Parts delivered by earlier attempts: the sender skips them.
    resume_at: usize,
    /// Leading parts delivered, those skipped included.
    sent: AtomicUsize,
    report: Option<ProgressReport>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("resume_at", &self.resume_at)
            .field("sent", &self.sent.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// The outcome of one message's delivery, reported by whoever drops the
/// last clone: delivered unless some part called [`Receipt::failed`] or
/// [`Receipt::refused`]. A sender splitting a message into parts skips the
/// first [`Receipt::resume_at`] (delivered by an earlier attempt) and
/// reports each part it delivers with [`Receipt::part_sent`]; after a failed
/// part it sends none of the later ones, so a retry resumes exactly there.
/// Clones travel with the parts of a split message.
#[derive(Debug, Clone)]
pub struct Receipt(Arc<ReceiptInner>);

#[derive(Debug)]
struct ReceiptInner {
    tx: Mutex<Option<oneshot::Sender<Result<(), Undelivered>>>>,
    error: Mutex<Option<Undelivered>>,
    progress: Arc<Progress>,
}

impl Receipt {
    /// A receipt for a message sent from its first part, and the receiver
    /// of its outcome.
    pub fn new() -> (Receipt, oneshot::Receiver<Result<(), Undelivered>>) {
        Receipt::resuming(0, None)
    }

    /// A receipt for a message whose first `resume_at` parts were delivered
    /// before; `report` hears each advance.
    pub fn resuming(
        resume_at: usize,
        report: Option<ProgressReport>,
    ) -> (Receipt, oneshot::Receiver<Result<(), Undelivered>>) {
        let progress = Progress { resume_at, sent: AtomicUsize::new(resume_at), report };
        Receipt::with_progress(Arc::new(progress))
    }

    fn with_progress(progress: Arc<Progress>) -> (Receipt, oneshot::Receiver<Result<(), Undelivered>>) {
        let (tx, rx) = oneshot::channel();
        (Receipt(Arc::new(ReceiptInner { tx: Mutex::new(Some(tx)), error: Mutex::new(None), progress })), rx)
    }

    /// Parts delivered by earlier attempts, which the sender skips.
    pub fn resume_at(&self) -> usize {
        self.0.progress.resume_at
    }

    /// Leading parts delivered so far, those of earlier attempts included.
    pub fn parts_sent(&self) -> usize {
        self.0.progress.sent.load(Ordering::SeqCst)
    }

    /// Part `index` of `parts` (counted from the message's first part) was
    /// delivered. Reported onwards only while parts remain: the last one
    /// ends the delivery, which the outcome says.
    pub fn part_sent(&self, index: usize, parts: usize) {
        let progress = &self.0.progress;
        let before = progress.sent.fetch_max(index + 1, Ordering::SeqCst);
        if before < index + 1
            && index + 1 < parts
            && let Some(report) = &progress.report
        {
            report(index + 1);
        }
    }

    /// Whether `other` is a receipt of the same message.
    pub fn same(&self, other: &Receipt) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// This part was given up: the message counts as not delivered, and is
    /// tried again later.
    pub fn failed(&self, reason: impl Into<String>) {
        self.0.error.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(Undelivered::transient(reason));
    }

    /// This part was refused for good: the message counts as not delivered
    /// and is not tried again.
    pub fn refused(&self, reason: impl Into<String>) {
        let mut error = self.0.error.lock().unwrap_or_else(PoisonError::into_inner);
        match error.as_mut() {
            Some(e) => e.permanent = true,
            None => *error = Some(Undelivered { reason: reason.into(), permanent: true, parts_sent: 0 }),
        }
    }
}

impl Drop for ReceiptInner {
    fn drop(&mut self) {
        let error = self.error.get_mut().unwrap_or_else(PoisonError::into_inner).take();
        let parts_sent = self.progress.sent.load(Ordering::SeqCst);
        if let Some(tx) = self.tx.get_mut().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = tx.send(error.map_or(Ok(()), |e| Err(Undelivered { parts_sent, ..e })));
        }
    }
}

/// Chains work onto a message's delivery, for an adapter's sender: returns
/// the receipt to send the message with. `delivered` runs once every part of
/// it was delivered (an adapter queues the message's [`Outgoing::then`]
/// there); the outcome is passed on to `outer`, the durable outbox row's own
/// receipt, if there is one, which the new receipt shares its progress
/// with. Call within a Tokio runtime.
pub fn on_delivery(outer: Option<Receipt>, delivered: impl FnOnce() + Send + 'static) -> Receipt {
    let (receipt, rx) = match &outer {
        Some(o) => Receipt::with_progress(o.0.progress.clone()),
        None => Receipt::new(),
    };
    tokio::spawn(async move {
        let outcome = rx.await.unwrap_or_else(|_| Err(Undelivered::transient("the sender stopped")));
        match (outcome, outer) {
            (Ok(()), _) => delivered(),
            (Err(e), Some(r)) if e.permanent => r.refused(e.reason),
            (Err(e), Some(r)) => r.failed(e.reason),
            (Err(_), None) => {}
        }
    });
    receipt
}

/// Delay before the retry after `attempts` failed deliveries.
pub fn retry_delay(attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 10)).unwrap_or(10);
    Duration::seconds(RETRY_BASE_SECS.saturating_mul(1_i64 << exp).min(super::BACKOFF_MAX_SECS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_receipt_reports_delivered_when_every_part_is_done() {
        let (receipt, rx) = Receipt::new();
        let parts = [receipt.clone(), receipt.clone()];
        drop(receipt);
        drop(parts);
        assert_eq!(rx.await, Ok(Ok(())));
    }

    #[tokio::test]
    async fn one_failed_part_fails_the_message() {
        let (receipt, rx) = Receipt::new();
        let part = receipt.clone();
        part.failed("chat not found");
        receipt.failed("second reason is not kept");
        drop((receipt, part));
        assert_eq!(rx.await, Ok(Err(Undelivered::transient("chat not found"))));
    }

    #[tokio::test]
    async fn a_refused_part_fails_the_message_for_good() {
        let (receipt, rx) = Receipt::new();
        let part = receipt.clone();
        part.failed("Bad Gateway");
        receipt.refused("Forbidden: bot was kicked from the group chat");
        drop((receipt, part));
        assert_eq!(rx.await, Ok(Err(Undelivered { reason: "Bad Gateway".into(), permanent: true, parts_sent: 0 })));
    }

    #[tokio::test]
    async fn what_waits_on_delivery_runs_only_after_it() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let sent = tx.clone();
        let receipt = on_delivery(None, move || {
            let _ = sent.send("then");
        });
        drop(receipt);
        assert_eq!(rx.recv().await, Some("then"));
        let (outer, outer_rx) = Receipt::new();
        let refused = on_delivery(Some(outer), move || {
            let _ = tx.send("never");
        });
        refused.refused("Forbidden: bot can't initiate conversation with a user");
        drop(refused);
        let outcome = outer_rx.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome.map_err(|e| e.permanent), Err(true), "the outbox row's receipt hears the refusal");
        assert_eq!(rx.recv().await, None, "nothing followed a refused message");
    }

    #[tokio::test]
    async fn a_failed_message_says_how_many_parts_went_out() {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let log = heard.clone();
        let report: ProgressReport = Box::new(move |n| log.lock().unwrap_or_else(PoisonError::into_inner).push(n));
        let (receipt, rx) = Receipt::resuming(1, Some(report));
        assert_eq!(receipt.resume_at(), 1, "part 0 went out in an earlier attempt");
        let part = receipt.clone();
        part.part_sent(1, 5);
        part.part_sent(2, 5);
        part.part_sent(1, 5);
        receipt.failed("500 Internal Server Error");
        drop((receipt, part));
        let outcome = rx.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome.map_err(|e| e.parts_sent), Err(3));
        assert_eq!(*heard.lock().unwrap_or_else(PoisonError::into_inner), [2, 3], "each advance once, never back");
    }

    #[tokio::test]
    async fn a_chained_receipt_shares_the_rows_progress() {
        let (outer, outer_rx) = Receipt::resuming(2, None);
        let inner = on_delivery(Some(outer), || {});
        assert_eq!(inner.resume_at(), 2);
        inner.part_sent(2, 4);
        inner.failed("timeout");
        drop(inner);
        let outcome = outer_rx.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome.map_err(|e| e.parts_sent), Err(3));
    }

    #[test]
    fn retries_back_off() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(3), Duration::seconds(120));
        assert_eq!(retry_delay(40), Duration::seconds(super::super::BACKOFF_MAX_SECS));
    }
}

//! The sending side of the outbox, platform-free: an adapter claims the
//! messages of its platform, hands each to its own sender (which paces,
//! splits and retries within the platform's limits) with a [`Receipt`], and
//! the receipt's outcome marks the row sent, or puts it back with backoff,
//! or marks it failed after its last attempt.
//!
//! Nothing is lost: a row is only marked sent after the platform accepted
//! every part of it. At worst a crash between sending and marking sends the
//! rows the instance held once more, after their lease ends.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::Duration;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

use crate::engine::Engine;
use crate::message::{Outgoing, Platform};
use crate::store::StoreError;
use crate::store::jobs::OutboxState;

/// Attempts at one outbox message before it is kept as failed.
pub const MAX_ATTEMPTS: i64 = 5;
/// How long a claimed message is ours before another instance may send it.
pub const LEASE_SECS: i64 = 600;
/// First retry delay after a failed delivery; doubles per attempt.
pub const RETRY_BASE_SECS: i64 = 30;
/// Messages handed to an adapter's sender and not yet settled, at most: the
/// sender's own queue stays short (a few seconds at Telegram's pace), so
/// leases never run out while a message waits in memory.
pub const WINDOW: usize = 64;
/// How often an idle pump looks for new messages (it is also woken when a
/// job of this instance stores some).
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// One claimed outbox message, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The outbox row.
    pub id: i64,
    /// The message.
    pub message: Outgoing,
    /// Attempts so far, this one included.
    pub attempt: i64,
}

/// The outcome of one message's delivery, reported by whoever drops the
/// last clone: delivered unless some part called [`Receipt::failed`].
/// Clones travel with the parts of a split message.
#[derive(Debug, Clone)]
pub struct Receipt(Arc<ReceiptInner>);

#[derive(Debug)]
struct ReceiptInner {
    tx: Mutex<Option<oneshot::Sender<Result<(), String>>>>,
    error: Mutex<Option<String>>,
}

impl Receipt {
    /// A receipt and the receiver of its outcome.
    pub fn new() -> (Receipt, oneshot::Receiver<Result<(), String>>) {
        let (tx, rx) = oneshot::channel();
        (Receipt(Arc::new(ReceiptInner { tx: Mutex::new(Some(tx)), error: Mutex::new(None) })), rx)
    }

    /// This part was given up: the message counts as not delivered.
    pub fn failed(&self, reason: impl Into<String>) {
        self.0.error.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(reason.into());
    }
}

impl Drop for ReceiptInner {
    fn drop(&mut self) {
        let error = self.error.get_mut().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(tx) = self.tx.get_mut().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = tx.send(error.map_or(Ok(()), Err));
        }
    }
}

/// Delay before the retry after `attempts` failed deliveries.
pub fn retry_delay(attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 10)).unwrap_or(10);
    Duration::seconds(RETRY_BASE_SECS.saturating_mul(1_i64 << exp).min(super::BACKOFF_MAX_SECS))
}

impl Engine {
    /// Claims up to `limit` outbox messages of `platform` that are due, for
    /// this instance.
    pub async fn outbox_claim(&self, platform: Platform, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let now = self.now();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows =
            self.store.claim_outbox(platform, &self.instance, now, now + Duration::seconds(LEASE_SECS), limit).await?;
        Ok(rows.into_iter().map(|r| Delivery { id: r.id, message: r.message, attempt: r.attempts }).collect())
    }

    /// Records how a claimed message's delivery ended: sent, or back in the
    /// queue with backoff, or failed after its last attempt.
    pub async fn outbox_settle(&self, delivery: &Delivery, outcome: Result<(), String>) -> Result<(), StoreError> {
        let now = self.now();
        match outcome {
            Ok(()) => {
                if !self.store.outbox_sent(delivery.id, &self.instance, now).await? {
                    tracing::warn!(
                        outbox = delivery.id,
                        "sent after the lease ran out; another instance may resend it"
                    );
                }
            }
            Err(error) => {
                let retry_at = now + retry_delay(delivery.attempt);
                match self.store.outbox_unsent(delivery.id, &self.instance, &error, Some(retry_at), now).await? {
                    Some(OutboxState::Failed) => {
                        tracing::error!(outbox = delivery.id, error, "message not delivered after its last attempt")
                    }
                    Some(_) => {
                        tracing::warn!(outbox = delivery.id, error, %retry_at, "message not delivered; will retry")
                    }
                    None => tracing::warn!(outbox = delivery.id, "delivery failed after the lease ran out"),
                }
            }
        }
        Ok(())
    }

    /// Runs until `stop` turns true: keeps up to [`WINDOW`] outbox messages
    /// of `platform` in `hand` (the adapter's sender) and settles each by
    /// its receipt. Messages still in hand at stop keep their lease and are
    /// sent again after it (at most those few are sent twice).
    pub async fn pump_outbox<F>(self: Arc<Self>, platform: Platform, mut hand: F, mut stop: watch::Receiver<bool>)
    where
        F: FnMut(Outgoing, Receipt) + Send,
    {
        let mut in_hand: JoinSet<(Delivery, Result<(), String>)> = JoinSet::new();
        loop {
            if *stop.borrow() {
                break;
            }
            // Claim in batches (half a window at least), not one row per
            // settled message.
            let room = WINDOW.saturating_sub(in_hand.len());
            let claimed = if room >= WINDOW / 2 {
                match self.outbox_claim(platform, room).await {
                    Ok(claimed) => claimed,
                    Err(e) => {
                        tracing::error!(%platform, error = %e, "could not claim outbox messages");
                        Vec::new()
                    }
                }
            } else {
                Vec::new()
            };
            let got = claimed.len();
            for delivery in claimed {
                let (receipt, rx) = Receipt::new();
                hand(delivery.message.clone(), receipt);
                in_hand.spawn(async move {
                    let outcome = rx.await.unwrap_or_else(|_| Err("the sender stopped".to_owned()));
                    (delivery, outcome)
                });
            }
            if got == room && room >= WINDOW / 2 {
                // More may be waiting: settle what is done and claim again.
                while let Some(done) = in_hand.try_join_next() {
                    self.settle_joined(done).await;
                }
                if in_hand.len() < WINDOW {
                    continue;
                }
            }
            let ready = self.outbox_ready.notified();
            tokio::select! {
                Some(done) = in_hand.join_next(), if !in_hand.is_empty() => self.settle_joined(done).await,
                () = ready => {}
                () = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {}
            }
        }
        // Let what is in hand finish briefly, so a normal stop marks it.
        let deadline = tokio::time::sleep(std::time::Duration::from_secs(5));
        tokio::pin!(deadline);
        while !in_hand.is_empty() {
            tokio::select! {
                Some(done) = in_hand.join_next() => self.settle_joined(done).await,
                () = &mut deadline => break,
            }
        }
    }

    async fn settle_joined(&self, done: Result<(Delivery, Result<(), String>), tokio::task::JoinError>) {
        match done {
            Ok((delivery, outcome)) => {
                if let Err(e) = self.outbox_settle(&delivery, outcome).await {
                    tracing::error!(outbox = delivery.id, error = %e, "could not record a delivery");
                }
            }
            Err(e) => tracing::error!(error = %e, "outbox receipt task failed"),
        }
    }
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
        assert_eq!(rx.await, Ok(Err("chat not found".to_owned())));
    }

    #[test]
    fn retries_back_off() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(3), Duration::seconds(120));
        assert_eq!(retry_delay(40), Duration::seconds(super::super::BACKOFF_MAX_SECS));
    }
}

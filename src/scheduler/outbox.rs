//! The sending side of the outbox, platform-free: an adapter claims the
//! messages of its platform, hands each to its own sender (which paces,
//! splits and retries within the platform's limits) with a [`Receipt`], and
//! the receipt's outcome marks the row sent, or puts it back with backoff,
//! or marks it failed after its last attempt. The engine's side of it
//! (claiming, settling, the pump) is in `engine/outbox.rs`.
//!
//! Nothing is lost: a row is only marked sent after the platform accepted
//! every part of it. At worst a crash between sending and marking sends the
//! rows the instance held once more, after their lease ends.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::Duration;
use tokio::sync::oneshot;

use crate::message::Outgoing;

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

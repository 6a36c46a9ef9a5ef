//! The engine's side of the outbox: claiming a platform's due messages for
//! this instance, settling each by its delivery's outcome, and the pump an
//! adapter runs to keep its sender fed.

use std::sync::Arc;

use chrono::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::Engine;
use crate::message::{Outgoing, Platform};
use crate::scheduler::outbox::{Delivery, LEASE_SECS, POLL, RENEW_SECS, Receipt, Undelivered, WINDOW, retry_delay};
use crate::store::StoreError;
use crate::store::jobs::OutboxState;

impl Engine {
    /// Claims up to `limit` outbox messages of `platform` that are due, for
    /// this instance.
    pub async fn outbox_claim(&self, platform: Platform, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let now = self.now();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .store
            .jobs()
            .claim_outbox(platform, &self.instance, now, now + Duration::seconds(LEASE_SECS), limit)
            .await?;
        Ok(rows.into_iter().map(|r| Delivery { id: r.id, message: r.message, attempt: r.attempts }).collect())
    }

    /// Records how a claimed message's delivery ended: sent, or back in the
    /// queue with backoff, or failed after its last attempt.
    pub async fn outbox_settle(&self, delivery: &Delivery, outcome: Result<(), Undelivered>) -> Result<(), StoreError> {
        let now = self.now();
        match outcome {
            Ok(()) => {
                if !self.store.jobs().outbox_sent(delivery.id, &self.instance, now).await? {
                    tracing::warn!(
                        outbox = delivery.id,
                        "sent after the lease ran out; another instance may resend it"
                    );
                }
            }
            Err(error) => {
                let Undelivered { reason: error, permanent } = error;
                let retry_at = (!permanent).then(|| now + retry_delay(delivery.attempt));
                match self.store.jobs().outbox_unsent(delivery.id, &self.instance, &error, retry_at, now).await? {
                    Some(OutboxState::Failed) if permanent => {
                        tracing::warn!(outbox = delivery.id, error, "message refused by the platform; not retried")
                    }
                    Some(OutboxState::Failed) => {
                        tracing::error!(outbox = delivery.id, error, "message not delivered after its last attempt")
                    }
                    Some(_) => {
                        tracing::warn!(outbox = delivery.id, error, retry_at = ?retry_at, "message not delivered; will retry")
                    }
                    None => tracing::warn!(outbox = delivery.id, "delivery failed after the lease ran out"),
                }
            }
        }
        Ok(())
    }

    /// Extends the leases of the outbox messages this instance is sending.
    pub async fn outbox_renew(&self) -> Result<u64, StoreError> {
        self.store.jobs().outbox_renew(&self.instance, self.now() + Duration::seconds(LEASE_SECS)).await
    }

    /// Runs until `stop` turns true: keeps up to [`WINDOW`] outbox messages
    /// of `platform` in `hand` (the adapter's sender) and settles each by
    /// its receipt, renewing their leases every [`RENEW_SECS`] while they
    /// are in hand. Messages still in hand at stop keep their lease and are
    /// sent again after it (at most those few are sent twice).
    pub async fn pump_outbox<F>(self: Arc<Self>, platform: Platform, mut hand: F, mut stop: watch::Receiver<bool>)
    where
        F: FnMut(Outgoing, Receipt) + Send,
    {
        let mut in_hand: JoinSet<(Delivery, Result<(), Undelivered>)> = JoinSet::new();
        let mut renewed_at = self.now();
        loop {
            if *stop.borrow() {
                break;
            }
            if in_hand.is_empty() {
                renewed_at = self.now();
            } else if self.now() - renewed_at >= Duration::seconds(RENEW_SECS) {
                renewed_at = self.now();
                if let Err(e) = self.outbox_renew().await {
                    self.store.note_failure(&e);
                    tracing::error!(%platform, error = %e, "could not renew the leases of outbox messages in hand");
                }
            }
            // Claim in batches (half a window at least), not one row per
            // settled message.
            let room = WINDOW.saturating_sub(in_hand.len());
            let claimed = if room >= WINDOW / 2 && !self.store.is_down() {
                match self.outbox_claim(platform, room).await {
                    Ok(claimed) => claimed,
                    Err(e) => {
                        self.store.note_failure(&e);
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
                let mut message = delivery.message.clone();
                message.key = Some(format!("o{}", delivery.id));
                hand(message, receipt);
                in_hand.spawn(async move {
                    let outcome = rx.await.unwrap_or_else(|_| Err(Undelivered::transient("the sender stopped")));
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

    async fn settle_joined(&self, done: Result<(Delivery, Result<(), Undelivered>), tokio::task::JoinError>) {
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

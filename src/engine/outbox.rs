//! The engine's side of the outbox: claiming a platform's due messages for
//! this instance, settling each by its delivery's outcome, and the pump an
//! adapter runs to keep its sender fed.

use std::sync::Arc;

use chrono::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::Engine;
use crate::message::{Outgoing, Platform};
use crate::scheduler::outbox::{
    Delivery, KEEP_SENT_DAYS, LEASE_SECS, MAX_ATTEMPTS, POLL, PRUNE_EVERY_SECS, ProgressReport, RENEW_SECS, Receipt,
    Undelivered, WINDOW, retry_delay,
};
use crate::store::StoreError;
use crate::store::jobs::{NewOutboxMessage, OutboxFailure, OutboxMessage, OutboxState};

fn delivery(r: OutboxMessage) -> Delivery {
    Delivery { id: r.id, message: r.message, attempt: r.attempts, parts_sent: r.parts_sent }
}

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
        Ok(rows.into_iter().map(delivery).collect())
    }

    /// Stores `replies` in the outbox already claimed by this instance, under
    /// keys `KEY#N`: an adapter's replies are durable before they are sent,
    /// and sent at once by the pump they are handed to
    /// ([`Engine::pump_outbox`]'s `held`). Keys already stored are skipped,
    /// so replies to a redelivered event are not stored twice. If this
    /// instance dies, another sends them after their lease.
    pub async fn outbox_hold(&self, key: &str, replies: &[Outgoing]) -> Result<Vec<Delivery>, StoreError> {
        let out: Vec<NewOutboxMessage> = replies
            .iter()
            .enumerate()
            .map(|(n, message)| NewOutboxMessage {
                key: format!("{key}#{n}"),
                part: i64::try_from(n).unwrap_or(i64::MAX),
                message: message.clone(),
                max_attempts: MAX_ATTEMPTS,
            })
            .collect();
        let now = self.now();
        let rows =
            self.store.jobs().outbox_hold(&out, &self.instance, now + Duration::seconds(LEASE_SECS), now).await?;
        Ok(rows.into_iter().map(delivery).collect())
    }

    /// Keeps in the outbox a reply an adapter sent itself and could not
    /// deliver (after its own retries): retried later from the first part
    /// not delivered, or kept as failed when refused for good, and visible
    /// in `jixia jobs outbox` either way.
    pub async fn outbox_keep(&self, key: &str, reply: &Outgoing, error: Undelivered) -> Result<(), StoreError> {
        for held in self.outbox_hold(key, std::slice::from_ref(reply)).await? {
            self.outbox_settle(&held, Err(error.clone())).await?;
        }
        Ok(())
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
                crate::metrics::metrics().send_error(delivery.message.to.platform());
                let Undelivered { reason: error, permanent, parts_sent } = error;
                let retry_at = (!permanent).then(|| now + retry_delay(delivery.attempt));
                let parts_sent = i64::try_from(parts_sent).unwrap_or(i64::MAX).max(delivery.parts_sent);
                let failure = OutboxFailure { error: &error, retry_at, parts_sent };
                match self.store.jobs().outbox_unsent(delivery.id, &self.instance, &failure, now).await? {
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
    /// are in hand. Messages this instance holds already (its replies, from
    /// [`Engine::outbox_hold`]) arrive on `held`, if given, and go to `hand` at once,
    /// beyond the window. A message resumes at its first part not delivered;
    /// each part delivered is recorded on its row. Messages still in hand at
    /// stop keep their lease and are sent again after it, from the part
    /// they got to (Discord's nonce catches a part that went out unrecorded).
    pub async fn pump_outbox<F>(
        self: Arc<Self>,
        platform: Platform,
        mut hand: F,
        held: Option<mpsc::UnboundedReceiver<Delivery>>,
        mut stop: watch::Receiver<bool>,
    ) where
        F: FnMut(Outgoing, Receipt) + Send,
    {
        let (_none_held, none) = mpsc::unbounded_channel();
        let mut held = held.unwrap_or(none);
        let mut in_hand: JoinSet<(Delivery, Result<(), Undelivered>)> = JoinSet::new();
        let mut renewed_at = self.now();
        let mut pruned_at: Option<chrono::DateTime<chrono::Utc>> = None;
        let mut held_open = true;
        loop {
            if *stop.borrow() {
                break;
            }
            while let Ok(delivery) = held.try_recv() {
                self.give(&mut hand, &mut in_hand, delivery);
            }
            if pruned_at.is_none_or(|at| self.now() - at >= Duration::seconds(PRUNE_EVERY_SECS)) {
                pruned_at = Some(self.now());
                self.prune_sent(platform).await;
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
                self.give(&mut hand, &mut in_hand, delivery);
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
                delivery = held.recv(), if held_open => match delivery {
                    Some(delivery) => self.give(&mut hand, &mut in_hand, delivery),
                    None => held_open = false,
                },
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

    /// Hands one claimed message to the sender, resuming after the parts
    /// delivered before, with a receipt that records each part delivered.
    fn give<F>(
        self: &Arc<Self>,
        hand: &mut F,
        in_hand: &mut JoinSet<(Delivery, Result<(), Undelivered>)>,
        delivery: Delivery,
    ) where
        F: FnMut(Outgoing, Receipt) + Send,
    {
        let (id, engine) = (delivery.id, self.clone());
        let report: ProgressReport = Box::new(move |parts| {
            let engine = engine.clone();
            let parts = i64::try_from(parts).unwrap_or(i64::MAX);
            tokio::spawn(async move {
                if let Err(e) = engine.store.jobs().outbox_progress(id, &engine.instance, parts).await {
                    tracing::warn!(outbox = id, error = %e, "could not record the parts delivered");
                }
            });
        });
        let resume_at = usize::try_from(delivery.parts_sent).unwrap_or(0);
        let (receipt, rx) = Receipt::resuming(resume_at, Some(report));
        let mut message = delivery.message.clone();
        message.key = Some(format!("o{}", delivery.id));
        hand(message, receipt);
        in_hand.spawn(async move {
            let outcome = rx.await.unwrap_or_else(|_| Err(Undelivered::transient("the sender stopped")));
            (delivery, outcome)
        });
    }

    /// Deletes sent messages older than [`KEEP_SENT_DAYS`].
    async fn prune_sent(&self, platform: Platform) {
        match self.store.jobs().outbox_prune(self.now() - Duration::days(KEEP_SENT_DAYS)).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(%platform, messages = n, "outbox: pruned sent messages"),
            Err(e) => tracing::warn!(%platform, error = %e, "outbox: could not prune sent messages"),
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

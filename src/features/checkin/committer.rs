//! Group commit of check-ins: check-ins arriving while others are being
//! written go together in one transaction; each reply still waits for its
//! own commit.

use super::store::{CheckinOutcome, CheckinRequest};
use crate::store::{Store, StoreError};

/// A check-in waiting for its group commit, and where its outcome goes
/// (`None`: the group commit failed, record it alone).
type Waiting = (CheckinRequest, tokio::sync::oneshot::Sender<Option<CheckinOutcome>>);

/// Group commit of check-ins: a member who checks in while other check-ins
/// are being written waits for that transaction to end, then the first of
/// those waiting writes every waiting check-in in one transaction (a few
/// multi-row statements) and hands each its outcome. Nobody is answered
/// before their check-in is committed.
#[derive(Debug, Default)]
pub struct Committer {
    waiting: std::sync::Mutex<Vec<Waiting>>,
    committing: tokio::sync::Mutex<()>,
}

impl Committer {
    /// Records a check-in (no cost) with those waiting alongside it and
    /// returns once it is committed. If the group commit fails, the
    /// check-in is recorded on its own (and fails on its own).
    pub async fn check_in(&self, store: &Store, req: CheckinRequest) -> Result<CheckinOutcome, StoreError> {
        let (tx, mut rx) = tokio::sync::oneshot::channel();
        self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((req.clone(), tx));
        let alone = || store.checkin().check_in(&req.community, req.member, req.day, None, &req.rewards, req.now);
        loop {
            let guard = tokio::select! {
                biased;
                outcome = &mut rx => {
                    return match outcome {
                        Ok(Some(outcome)) => Ok(outcome),
                        // The group commit failed, or whoever wrote it went away.
                        _ => alone().await,
                    };
                }
                guard = self.committing.lock() => guard,
            };
            let batch = std::mem::take(&mut *self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            if batch.is_empty() {
                // Ours went with the previous group; its outcome is on the way.
                continue;
            }
            let reqs: Vec<CheckinRequest> = batch.iter().map(|w| w.0.clone()).collect();
            let outcomes = if let [one] = reqs.as_slice() {
                store
                    .checkin()
                    .check_in(&one.community, one.member, one.day, None, &one.rewards, one.now)
                    .await
                    .map(|o| vec![o])
            } else {
                store.checkin().check_in_batch(&reqs).await
            };
            match outcomes {
                Ok(outcomes) => {
                    for ((_, to), outcome) in batch.into_iter().zip(outcomes) {
                        let _ = to.send(Some(outcome));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, checkins = batch.len(), "group commit of check-ins failed; each goes alone");
                    for (_, to) in batch {
                        let _ = to.send(None);
                    }
                }
            }
            drop(guard);
        }
    }
}

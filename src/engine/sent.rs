//! Which platform message a tracked outgoing message became
//! ([`crate::Outgoing::track`]): adapters report each delivered part, and
//! features read it back when a member reacts to the bot's message.

use chrono::Duration;

use super::Engine;
use crate::message::Platform;
use crate::store::sent::KEEP_DAYS;

impl Engine {
    /// A part of a message whose `track` was set was delivered as the
    /// platform's message `message_id` in `chat_id`: remembered for
    /// [`crate::store::sent::KEEP_DAYS`]. A failure is logged, not returned:
    /// it only means reactions to that message go unread.
    pub async fn sent(&self, track: &str, platform: Platform, chat_id: &str, message_id: &str) {
        let now = self.now();
        let store = self.store.sent();
        if let Err(e) = store.sent_record(platform, chat_id, message_id, track, now).await {
            tracing::warn!(error = %e, track, "could not remember a sent message; reactions to it go unread");
        }
        let prune = {
            let mut last = self.sent_pruned.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = last.is_none_or(|at| now - at >= Duration::hours(1));
            if due {
                *last = Some(now);
            }
            due
        };
        if prune && let Err(e) = store.sent_prune(now - Duration::days(KEEP_DAYS)).await {
            tracing::warn!(error = %e, "could not prune remembered sent messages");
        }
    }
}

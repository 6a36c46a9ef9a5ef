//! The summary feature's state on one engine: which chats are opted in
//! (read from the store at first use and again every [`FRESH_SECS`], so
//! another instance's `/summary on` is seen), and the kept messages
//! waiting for their group commit. A message in a chat that is not opted
//! in costs one hash lookup under a read lock, and no write.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::store::KeptMessage;
use crate::message::Platform;
use crate::store::Store;

/// How long the opted-in chats are used before the store is asked again.
pub const FRESH_SECS: u64 = 5;

/// Kept messages waiting at most (past it, while the database is
/// unreachable, new ones are not kept).
const MAX_PENDING: usize = 10_000;

/// The opted-in chats as last read.
#[derive(Debug, Default)]
struct Opted {
    /// When they were read (`None`: never yet).
    read_at: Option<Instant>,
    /// Chat ids by platform.
    chats: HashMap<Platform, HashSet<String>>,
}

/// Opted-in chats and the messages waiting to be written.
#[derive(Debug, Default)]
pub struct SummaryState {
    opted: RwLock<Opted>,
    /// One reader of the store at a time; the others use what is there.
    reading: tokio::sync::Mutex<()>,
    pending: Mutex<Vec<KeptMessage>>,
    /// One write at a time, so a batch's cap is counted once.
    writing: tokio::sync::Mutex<()>,
    /// When kept messages were last pruned.
    pruned: Mutex<Option<DateTime<Utc>>>,
}

impl SummaryState {
    /// Whether a group chat is opted in, as last read (read first if never
    /// read, again when older than [`FRESH_SECS`]).
    pub async fn opted_in(&self, store: &Store, platform: Platform, chat_id: &str) -> bool {
        let (never, stale) = {
            let o = self.opted.read().unwrap_or_else(PoisonError::into_inner);
            (o.read_at.is_none(), o.read_at.is_none_or(|t| t.elapsed() >= Duration::from_secs(FRESH_SECS)))
        };
        if stale {
            // The first time everyone waits for the read; later only one
            // caller reads and the rest go on with what is there.
            let guard = if never { Some(self.reading.lock().await) } else { self.reading.try_lock().ok() };
            if guard.is_some() {
                let still_stale = {
                    let o = self.opted.read().unwrap_or_else(PoisonError::into_inner);
                    o.read_at.is_none_or(|t| t.elapsed() >= Duration::from_secs(FRESH_SECS))
                };
                if still_stale {
                    self.reload(store).await;
                }
            }
        }
        let o = self.opted.read().unwrap_or_else(PoisonError::into_inner);
        o.chats.get(&platform).is_some_and(|c| c.contains(chat_id))
    }

    async fn reload(&self, store: &Store) {
        let read = store.summary().summary_all_chats().await;
        let mut o = self.opted.write().unwrap_or_else(PoisonError::into_inner);
        o.read_at = Some(Instant::now());
        match read {
            Ok(all) => {
                o.chats.clear();
                for c in all {
                    o.chats.entry(c.platform).or_default().insert(c.chat_id);
                }
            }
            // Keep what there is; try again after FRESH_SECS.
            Err(e) => tracing::error!(error = %e, "could not read the chats opted in to summaries"),
        }
    }

    /// Marks a chat opted in (or out) on this engine at once.
    pub fn set(&self, platform: Platform, chat_id: &str, on: bool) {
        let mut o = self.opted.write().unwrap_or_else(PoisonError::into_inner);
        let chats = o.chats.entry(platform).or_default();
        if on {
            chats.insert(chat_id.to_owned());
        } else {
            chats.remove(chat_id);
            // A message queued before the opt-out is not written.
            drop(o);
            self.pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|m| !(m.platform == platform && m.chat_id == chat_id));
        }
    }

    /// Queues a message's text for the next group commit.
    pub fn keep(&self, m: KeptMessage) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if pending.len() < MAX_PENDING {
            pending.push(m);
        }
    }

    /// Writes the waiting messages, one transaction per community, each
    /// chat's day up to `cap(community)`; on a database error a
    /// community's messages stay queued for the next flush.
    pub async fn flush(&self, store: &Store, cap: impl Fn(&str) -> i64) {
        let _one_at_a_time = self.writing.lock().await;
        let batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        if batch.is_empty() {
            return;
        }
        let mut by_community: Vec<(String, Vec<KeptMessage>)> = Vec::new();
        for m in batch {
            match by_community.iter_mut().find(|(c, _)| *c == m.community) {
                Some((_, ms)) => ms.push(m),
                None => by_community.push((m.community.clone(), vec![m])),
            }
        }
        for (community, batch) in by_community {
            if let Err(e) = store.summary().summary_keep(&batch, cap(&community)).await {
                tracing::error!(error = %e, messages = batch.len(), "kept chat messages not written yet; will retry");
                let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                let room = MAX_PENDING.saturating_sub(pending.len());
                pending.splice(0..0, batch.into_iter().take(room));
            }
        }
    }

    /// Whether pruning is due (at most once an hour); books it.
    pub fn prune_due(&self, now: DateTime<Utc>) -> bool {
        let mut at = self.pruned.lock().unwrap_or_else(PoisonError::into_inner);
        if at.is_some_and(|t| t <= now && now - t < chrono::Duration::hours(1)) {
            return false;
        }
        *at = Some(now);
        true
    }
}

//! The bounty feature's state on one engine: the chats with an open
//! question, so the passive hook returns at once, without a query, for a
//! reply in any other chat (and every message that replies to nothing
//! returns before even looking here). The store stays the truth: the index
//! is rebuilt from it on first use and every [`INDEX_REFRESH_SECS`] of
//! engine time (questions asked through another instance), and this
//! engine's own questions are added as they are asked.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};

use crate::message::Platform;
use crate::store::{Store, StoreError};

/// How often the index is rebuilt from the store, in seconds of engine time.
pub const INDEX_REFRESH_SECS: i64 = 10;

#[derive(Debug, Default)]
struct Index {
    refreshed: Option<DateTime<Utc>>,
    chats: HashSet<(String, Platform, String)>,
}

/// Per-engine bounty state.
#[derive(Debug, Default)]
pub struct BountyState {
    index: Mutex<Index>,
}

impl BountyState {
    fn index(&self) -> std::sync::MutexGuard<'_, Index> {
        self.index.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the chat may have an open question: rebuilds the index
    /// first when it is stale.
    pub async fn open_here(
        &self,
        store: &Store,
        community: &str,
        platform: Platform,
        chat: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let stale = self.index().refreshed.is_none_or(|at| (now - at).num_seconds().abs() >= INDEX_REFRESH_SECS);
        if stale {
            let chats = store.bounty().bounty_open_chats().await?;
            let mut index = self.index();
            index.chats = chats.into_iter().collect();
            index.refreshed = Some(now);
        }
        Ok(self.index().chats.contains(&(community.to_owned(), platform, chat.to_owned())))
    }

    /// A question was asked in the chat.
    pub fn asked(&self, community: &str, platform: Platform, chat: &str) {
        self.index().chats.insert((community.to_owned(), platform, chat.to_owned()));
    }
}

//! Who administers a group, from `getChatAdministrators`, cached per chat
//! for `admin_cache_seconds` so a busy group costs one call per period. The
//! engine makes a group's administrators moderators there.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::Bot;
use teloxide::prelude::Requester;
use teloxide::types::ChatId;
use tokio::time::Instant;

use super::redact::Redactor;

/// How long a failed lookup is remembered (as "no admins") before trying
/// again, so an outage does not turn every message into a call.
const FAILURE_TTL: Duration = Duration::from_secs(30);

/// One group's administrators (user ids) and until when that is believed.
type Entry = (Instant, Arc<HashSet<u64>>);

/// The administrators of groups, cached.
#[derive(Debug)]
pub struct AdminCache {
    ttl: Duration,
    chats: Mutex<HashMap<i64, Entry>>,
}

impl AdminCache {
    /// Entries are fresh for `ttl`.
    pub fn new(ttl: Duration) -> AdminCache {
        AdminCache { ttl, chats: Mutex::new(HashMap::new()) }
    }

    fn cached(&self, chat: i64, now: Instant) -> Option<Arc<HashSet<u64>>> {
        let chats = self.chats.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        chats.get(&chat).filter(|(until, _)| *until > now).map(|(_, set)| set.clone())
    }

    fn store(&self, chat: i64, until: Instant, set: Arc<HashSet<u64>>) {
        let mut chats = self.chats.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if chats.len() > 4096 {
            chats.retain(|_, (u, _)| *u > until.checked_sub(self.ttl).unwrap_or(until));
        }
        chats.insert(chat, (until, set));
    }

    /// Whether `user` administers group `chat`. Lookup failures count as
    /// "no" (logged): a member loses moderator rights for a moment rather
    /// than anyone gaining them.
    pub async fn is_admin(&self, bot: &Bot, redactor: &Redactor, chat: i64, user: u64) -> bool {
        let now = Instant::now();
        if let Some(set) = self.cached(chat, now) {
            return set.contains(&user);
        }
        match bot.get_chat_administrators(ChatId(chat)).await {
            Ok(members) => {
                let set: Arc<HashSet<u64>> = Arc::new(members.iter().map(|m| m.user.id.0).collect());
                self.store(chat, now + self.ttl, set.clone());
                set.contains(&user)
            }
            Err(e) => {
                tracing::warn!(chat, error = %redactor.error(&e), "could not list the group's administrators");
                self.store(chat, now + FAILURE_TTL.min(self.ttl), Arc::new(HashSet::new()));
                false
            }
        }
    }
}

//! Which community a chat belongs to: listed in the config (or a console or
//! direct chat: the default community), registered by one of a community's
//! admins (looked up in the store and cached here), or, for other group
//! chats, none (`bot.unknown_chats = "ignore"`) or a community of its own
//! (`"own"`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

use super::Engine;
use crate::community::Community;
use crate::config::UnknownChats;
use crate::i18n::Locale;
use crate::message::Chat;
use crate::store::StoreError;

/// How long a registration looked up in the store is trusted, in seconds
/// (another instance may register or remove a chat meanwhile).
pub const CACHE_SECS: i64 = 60;
/// Chats remembered at most (the cache starts over beyond it).
const CACHE_MAX: usize = 100_000;

/// A chat's registration as looked up: its community id (if any), and when
/// (engine time).
type LookedUp = (Option<String>, DateTime<Utc>);

/// Registrations looked up, by chat key.
#[derive(Debug, Default)]
pub(crate) struct Registrations(Mutex<HashMap<String, LookedUp>>);

impl Registrations {
    fn cached(&self, chat: &str, now: DateTime<Utc>) -> Option<Option<String>> {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(chat).filter(|(_, at)| *at <= now && now - *at < Duration::seconds(CACHE_SECS)).map(|(c, _)| c.clone())
    }

    fn remember(&self, chat: String, community: Option<String>, now: DateTime<Utc>) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= CACHE_MAX {
            map.clear();
        }
        map.insert(chat, (community, now));
    }
}

impl Engine {
    /// The community `chat` belongs to, or `None` when it belongs to none.
    pub async fn community_of(&self, chat: &Chat) -> Result<Option<Arc<Community>>, StoreError> {
        if let Some(c) = self.communities.listed(chat) {
            return Ok(Some(c));
        }
        let key = chat.key();
        let now = self.now();
        let registered = match self.registrations.cached(&key, now) {
            Some(found) => found,
            None => {
                let found = self.store.community().registered_chat(chat.platform, &chat.id).await?;
                self.registrations.remember(key, found.clone(), now);
                found
            }
        };
        if let Some(id) = registered {
            // A registration of a community no longer configured counts as none.
            return Ok(self.communities.get(&id));
        }
        Ok(match self.communities.unknown_chats() {
            UnknownChats::Own => Some(self.communities.own(chat)),
            UnknownChats::Ignore => None,
        })
    }

    /// Records a change of registration made on this instance, so it holds
    /// at once here (other instances see it within a minute).
    pub(crate) fn chat_registered(&self, chat: &Chat, community: Option<String>) {
        self.registrations.remember(chat.key(), community, self.now());
    }

    /// The language to speak in `chat` without asking the store (adapters'
    /// own notices): its community's, as far as known, else the default
    /// community's.
    pub fn chat_locale(&self, chat: &Chat) -> Locale {
        if let Some(c) = self.communities.listed(chat) {
            return c.locale;
        }
        self.registrations
            .cached(&chat.key(), self.now())
            .flatten()
            .and_then(|id| self.communities.get(&id))
            .map_or(self.communities.default_community().locale, |c| c.locale)
    }
}

//! The quiz feature's state on one engine: a cache of the banks (reloaded
//! when an import raised the store's counter) and an index of the chats
//! with a running round and the members with a running assessment, so the
//! observer returns at once, without a query, for ordinary chat. The store
//! stays the truth: the index is rebuilt from it on first use and every
//! [`INDEX_REFRESH_SECS`] (rounds started by another instance), and kept up
//! to date by this engine's own starts and ends.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use chrono::{DateTime, Utc};

use super::model::{Lang, Question, RoundDefaults};
use crate::BoxFuture;
use crate::engine::Engine;
use crate::message::{Outgoing, Platform};
use crate::store::{MemberId, Store, StoreError};

/// How often the index is rebuilt from the store, in seconds of engine time.
pub const INDEX_REFRESH_SECS: i64 = 10;

/// The banks as the engine uses them.
#[derive(Debug, Default)]
pub struct Banks {
    /// The store's import counter they were read at.
    pub version: i64,
    /// Questions that may be asked (not retired), in bank and file order.
    pub active: Vec<Arc<Question>>,
    /// Every question by id, retired ones too (rounds and days point at them).
    pub by_id: HashMap<String, Arc<Question>>,
    /// Round defaults per topic.
    pub defaults: HashMap<String, RoundDefaults>,
    /// Display names per topic and language.
    pub names: HashMap<(String, Lang), String>,
}

impl Banks {
    /// A question by id.
    pub fn get(&self, id: &str) -> Option<&Arc<Question>> {
        self.by_id.get(id)
    }

    /// Active topics, sorted.
    pub fn topics(&self) -> Vec<&str> {
        let mut t: Vec<&str> = self.active.iter().map(|q| q.topic.as_str()).collect();
        t.sort_unstable();
        t.dedup();
        t
    }

    /// Active questions of a topic with a variant in `lang`.
    pub fn pool(&self, topic: &str, lang: Lang) -> Vec<&Arc<Question>> {
        self.active.iter().filter(|q| q.topic == topic && q.variant(lang).is_some()).collect()
    }

    /// The languages a topic has questions in.
    pub fn langs(&self, topic: &str) -> Vec<Lang> {
        Lang::ALL.into_iter().filter(|l| !self.pool(topic, *l).is_empty()).collect()
    }

    /// A topic's display name in `lang`, else its id.
    pub fn name(&self, topic: &str, lang: Lang) -> String {
        self.names.get(&(topic.to_owned(), lang)).cloned().unwrap_or_else(|| topic.to_owned())
    }
}

/// Chats with a running round and members with a running assessment.
#[derive(Debug, Default)]
struct Index {
    /// When it was last rebuilt from the store (engine time).
    refreshed: Option<DateTime<Utc>>,
    rounds: HashSet<(String, Platform, String)>,
    exams: HashSet<(String, MemberId)>,
}

/// Per-engine quiz state.
#[derive(Debug, Default)]
pub struct QuizState {
    banks: RwLock<Arc<Banks>>,
    index: Mutex<Index>,
    /// One rebuild of the index at a time.
    rebuilding: tokio::sync::Mutex<()>,
}

impl QuizState {
    /// The banks, reloaded first if an import happened since they were read.
    pub async fn banks(&self, store: &Store) -> Result<Arc<Banks>, StoreError> {
        let version = store.quiz().quiz_version().await?;
        let cached = self.banks.read().unwrap_or_else(PoisonError::into_inner).clone();
        if cached.version == version && version != 0 {
            return Ok(cached);
        }
        let cat = store.quiz().quiz_catalogue().await?;
        let mut banks = Banks { version: cat.version, ..Banks::default() };
        for (q, retired) in cat.questions {
            let q = Arc::new(q);
            if !retired {
                banks.active.push(q.clone());
            }
            banks.by_id.insert(q.id.clone(), q);
        }
        banks.defaults = cat.round_defaults.into_iter().collect();
        banks.names = cat.topic_names.into_iter().map(|(t, l, n)| ((t, l), n)).collect();
        let banks = Arc::new(banks);
        *self.banks.write().unwrap_or_else(PoisonError::into_inner) = banks.clone();
        Ok(banks)
    }

    fn index(&self) -> std::sync::MutexGuard<'_, Index> {
        self.index.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Rebuilds the index from the store if it never was, or if `now` is
    /// [`INDEX_REFRESH_SECS`] past the last rebuild (with `now`).
    pub async fn refresh_index(&self, store: &Store, now: Option<DateTime<Utc>>) -> Result<(), StoreError> {
        let due = |i: &Index| match (i.refreshed, now) {
            (None, _) => true,
            (Some(at), Some(now)) => (now - at).num_seconds().abs() >= INDEX_REFRESH_SECS,
            (Some(_), None) => false,
        };
        if !due(&self.index()) {
            return Ok(());
        }
        let _one = self.rebuilding.lock().await;
        if !due(&self.index()) {
            return Ok(());
        }
        let rounds = store.quiz().round_chats().await?;
        let exams = store.quiz().exam_members().await?;
        let mut index = self.index();
        index.rounds = rounds.into_iter().collect();
        index.exams = exams.into_iter().collect();
        index.refreshed = Some(now.unwrap_or_else(Utc::now));
        Ok(())
    }

    /// Whether a round runs in the chat (as far as this engine knows).
    pub fn round_here(&self, community: &str, platform: Platform, chat_id: &str) -> bool {
        self.index().rounds.contains(&(community.to_owned(), platform, chat_id.to_owned()))
    }

    /// Records that a round started or ended in a chat.
    pub fn mark_round(&self, community: &str, platform: Platform, chat_id: &str, running: bool) {
        let key = (community.to_owned(), platform, chat_id.to_owned());
        let mut index = self.index();
        if running {
            index.rounds.insert(key);
        } else {
            index.rounds.remove(&key);
        }
    }

    /// Whether the member has a running assessment (as far as this engine knows).
    pub fn exam_running(&self, community: &str, member: MemberId) -> bool {
        self.index().exams.contains(&(community.to_owned(), member))
    }

    /// Records that a member's assessment started or ended.
    pub fn mark_exam(&self, community: &str, member: MemberId, running: bool) {
        let key = (community.to_owned(), member);
        let mut index = self.index();
        if running {
            index.exams.insert(key);
        } else {
            index.exams.remove(&key);
        }
    }
}

/// The periodic work: the index follows rounds and assessments started or
/// ended by other instances.
pub fn due(engine: &Engine, _: crate::features::Due) -> BoxFuture<'_, Vec<Outgoing>> {
    Box::pin(async move {
        if let Some(state) = engine.state::<QuizState>()
            && let Err(e) = state.refresh_index(engine.store(), Some(engine.now())).await
        {
            tracing::warn!(error = %e, "could not refresh the quiz index");
        }
        Vec::new()
    })
}

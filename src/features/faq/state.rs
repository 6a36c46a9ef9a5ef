//! The FAQ's state on one engine: each community's matcher, built on first
//! use and rebuilt after the FAQ changes (here at once; by another instance
//! or `jixia faq import`, within [`FRESH_SECS`]), and the unanswered
//! questions waiting for their group commit.

use std::collections::HashMap;
use std::sync::Arc;

use super::matcher::{MatchEntry, Matcher};
use super::normalize;
use super::store::{FaqEntry, FaqFingerprint, Miss};
use super::vocab::Vocabulary;
use crate::store::{Store, StoreError};

/// How long a community's matcher is used before the store is asked whether
/// the FAQ changed elsewhere (another instance, `jixia faq import`).
pub const FRESH_SECS: u64 = 5;

/// A built matcher, with what it was built from and when that was last
/// compared with the store.
#[derive(Debug)]
struct Cached {
    matcher: Arc<Matcher>,
    fingerprint: FaqFingerprint,
    checked: std::sync::Mutex<std::time::Instant>,
}

/// The matcher of each community, built on first use and rebuilt after the
/// FAQ changes. Owned by the engine.
#[derive(Debug, Default)]
pub struct FaqState {
    matchers: tokio::sync::RwLock<HashMap<String, Arc<Cached>>>,
    /// Unanswered questions waiting for their group commit: (community, miss).
    misses: std::sync::Mutex<Vec<(String, Miss)>>,
    /// One write of misses at a time.
    writing: tokio::sync::Mutex<()>,
}

/// Write misses early when this many are waiting.
const MISS_BATCH: usize = 256;
/// Keep at most this many misses waiting while the database is unreachable.
const MAX_PENDING_MISSES: usize = 10_000;

impl FaqState {
    /// The community's matcher, built from the store when missing, and
    /// rebuilt when the store's FAQ no longer is what it was built from
    /// (looked at once per [`FRESH_SECS`]).
    pub async fn matcher(&self, store: &Store, community: &str) -> Result<Arc<Matcher>, StoreError> {
        let cached = self.matchers.read().await.get(community).cloned();
        if let Some(c) = &cached {
            let mut checked = c.checked.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if checked.elapsed() < std::time::Duration::from_secs(FRESH_SECS) {
                return Ok(c.matcher.clone());
            }
            // This caller looks; the others go on with the matcher meanwhile.
            *checked = std::time::Instant::now();
        }
        let fingerprint = store.faq().faq_fingerprint(community).await?;
        if let Some(c) = cached.filter(|c| c.fingerprint == fingerprint) {
            return Ok(c.matcher.clone());
        }
        let entries = store.faq().faq_entries(community).await?;
        let matcher = Arc::new(build_matcher(&entries));
        let fresh =
            Cached { matcher: matcher.clone(), fingerprint, checked: std::sync::Mutex::new(std::time::Instant::now()) };
        self.matchers.write().await.insert(community.to_owned(), Arc::new(fresh));
        Ok(matcher)
    }

    /// Queues an unanswered question for the next group commit (misses are
    /// statistics for `/faq gaps`: like activity points, at most the last
    /// flush window of them is lost if the process dies). Returns whether
    /// enough are waiting to write them now.
    pub(super) fn queue_miss(&self, community: &str, miss: Miss) -> bool {
        let mut misses = self.misses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if misses.len() < MAX_PENDING_MISSES {
            misses.push((community.to_owned(), miss));
        }
        misses.len() >= MISS_BATCH
    }

    /// Writes the waiting misses in one transaction. On a database error
    /// they stay queued for the next flush.
    pub async fn flush_misses(&self, store: &Store) {
        let _one_at_a_time = self.writing.lock().await;
        let batch = std::mem::take(&mut *self.misses.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        if batch.is_empty() {
            return;
        }
        if let Err(e) = store.faq().faq_record_misses(&batch).await {
            tracing::error!(error = %e, misses = batch.len(), "unanswered questions not written yet; will retry");
            let mut misses = self.misses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let room = MAX_PENDING_MISSES.saturating_sub(misses.len());
            misses.splice(0..0, batch.into_iter().take(room));
        }
    }

    /// Forgets a community's matcher; the next message rebuilds it.
    pub async fn invalidate(&self, community: &str) {
        self.matchers.write().await.remove(community);
    }
}

/// Builds the matcher over stored entries (also what `jixia faq eval`
/// uses), teaching the segmenter the entries' tags first.
pub fn build_matcher(entries: &[FaqEntry]) -> Matcher {
    for tag in entries.iter().flat_map(|e| &e.tags) {
        normalize::add_domain_word(tag);
    }
    let entries: Vec<MatchEntry> = entries
        .iter()
        .map(|e| MatchEntry {
            id: e.id.clone(),
            lang: e.lang,
            question: e.question.clone(),
            answer: e.answer.clone(),
            aliases: e.aliases.clone(),
            negatives: e.negatives.clone(),
        })
        .collect();
    Matcher::build_with(&entries, Vocabulary::postgres_default())
}

//! The FAQ's state on one engine: each community's matcher, built on first
//! use and rebuilt after the FAQ changes (here at once; by another instance
//! or `jixia faq import`, within [`FRESH_SECS`]), and the unanswered
//! questions waiting for their group commit.

use std::collections::HashMap;
use std::sync::Arc;

use super::matcher::{MatchEntry, Matcher};
use super::normalize;
use super::semantic::Semantic;
use super::store::{FaqEntry, FaqFingerprint, Miss, TermCounts};
use super::vocab::{CHAT_COMMON_SHARE, Vocabulary};
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
    /// Words counted in questions since the last group commit, per
    /// community: (questions, word → questions using it).
    terms: std::sync::Mutex<HashMap<String, Counting>>,
    /// One write of misses at a time.
    writing: tokio::sync::Mutex<()>,
    /// The optional semantic matching's entry vectors and health.
    pub semantic: Arc<Semantic>,
}

/// Words being counted for one community: (questions, word → questions
/// using it).
type Counting = (i64, HashMap<String, i64>);

/// Most distinct words waiting per community; past it only words already
/// waiting are counted (the rest are rare, which is what they would say).
const MAX_PENDING_TERMS: usize = 20_000;

/// Ask for the group commit early when this many misses are waiting.
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
        let lines = store.faq().faq_synonyms(community).await?;
        let mut vocab = Vocabulary::with_lines(&Vocabulary::postgres_default(), lines.iter().map(String::as_str));
        vocab.learn_from_chat(&store.faq().faq_term_counts(community, CHAT_COMMON_SHARE).await?);
        let matcher = Arc::new(build_matcher_with(&entries, Arc::new(vocab)));
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

    /// Counts the words of a question (as the matcher tokenized it) for the
    /// community's term weights; written with the next group commit. Each
    /// word once per question; no allocation for a word already waiting.
    pub(super) fn count_terms(&self, community: &str, words: &[String]) {
        let mut terms = self.terms.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !terms.contains_key(community) {
            terms.insert(community.to_owned(), (0, HashMap::new()));
        }
        let Some((questions, df)) = terms.get_mut(community) else { return };
        *questions += 1;
        for (i, word) in words.iter().enumerate() {
            if words[..i].contains(word) {
                continue;
            }
            let room = df.len() < MAX_PENDING_TERMS;
            match df.get_mut(word) {
                Some(n) => *n += 1,
                None if room => {
                    df.insert(word.clone(), 1);
                }
                None => {}
            }
        }
    }

    /// Writes the waiting misses and word counts (each in one transaction).
    /// On a database error they stay queued for the next flush.
    pub async fn flush_misses(&self, store: &Store) {
        let _one_at_a_time = self.writing.lock().await;
        self.write_terms(store).await;
        self.write_misses(store).await;
    }

    async fn write_terms(&self, store: &Store) {
        let counted = std::mem::take(&mut *self.terms.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        if !counted.is_empty() {
            let batch: Vec<(String, TermCounts)> = counted
                .into_iter()
                .map(|(c, (questions, df))| (c, TermCounts { questions, df: df.into_iter().collect() }))
                .collect();
            if let Err(e) = store.faq().faq_add_term_counts(&batch).await {
                tracing::error!(error = %e, "question word counts not written yet; will retry");
                let mut terms = self.terms.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                for (c, counts) in batch {
                    let (questions, df) = terms.entry(c).or_default();
                    *questions += counts.questions;
                    for (w, n) in counts.df {
                        *df.entry(w).or_default() += n;
                    }
                }
            }
        }
    }

    async fn write_misses(&self, store: &Store) {
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

/// Builds the matcher over stored entries with the default vocabulary
/// (also what `jixia faq eval` uses), teaching the segmenter the entries'
/// tags first.
pub fn build_matcher(entries: &[FaqEntry]) -> Matcher {
    build_matcher_with(entries, Vocabulary::postgres_default())
}

/// [`build_matcher`] with a community's vocabulary.
pub fn build_matcher_with(entries: &[FaqEntry], vocab: Arc<Vocabulary>) -> Matcher {
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
    Matcher::build_with(&entries, vocab)
}

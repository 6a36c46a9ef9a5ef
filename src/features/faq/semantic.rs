//! Optional semantic matching (off unless `[features.faq.semantic]` enables
//! it and the binary provides an [`Embedder`]): the entries' questions are
//! embedded through an OpenAI-compatible `/embeddings` endpoint (a local
//! Ollama or llama.cpp server; the HTTP client lives in the bots crate),
//! cached per entry, model and text in `faq_embeddings`, and a question the
//! lexical matcher has seen is embedded too: its candidates are re-ranked
//! by cosine similarity, and an entry it did not pass is added when the
//! cosine reaches the section's own threshold.
//!
//! The chat path never waits for entries to be embedded: that runs in the
//! background ([`Semantic::refresh`]), one community at a time, and the
//! question uses the vectors there are. A question's own embedding waits at
//! most `timeout_ms`. When the endpoint fails, matching is lexical (one
//! warning, and one line when it works again) and the endpoint is not asked
//! again for `retry_secs`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::matcher::{Match, Matcher};
use super::normalize::Tokens;
use super::store::{EntryVector, FaqEntry};
use crate::BoxFuture;
use crate::config::{ConfigError, check_range};
use crate::i18n::Locale;
use crate::store::{Store, StoreError};

/// `[features.faq.semantic]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SemanticConfig {
    /// Use the embeddings endpoint for this community's redirects.
    pub enabled: bool,
    /// The API's base URL (`…/v1`; `/embeddings` is added).
    pub base_url: String,
    /// The embedding model's name.
    pub model: String,
    /// The environment variable holding the API key (unset or empty: no
    /// `Authorization` header, as a local server wants).
    pub api_key_env: String,
    /// How long a question waits for its embedding, in milliseconds,
    /// before it is matched lexically. 50–10000.
    pub timeout_ms: i64,
    /// How long one call embedding entries may take, in seconds (in the
    /// background). 1–600.
    pub batch_timeout_secs: i64,
    /// Entries embedded per call. 1–512.
    pub batch: i64,
    /// Cosine similarity (0–1) at which an entry is redirected to although
    /// the lexical matcher did not pass it; calibrate it per model.
    pub threshold: f64,
    /// How much the cosine counts against the lexical confidence when
    /// candidates are ordered (0: lexical order only; 1: cosine only).
    pub weight: f64,
    /// After a failure, questions are matched lexically for this many
    /// seconds before the endpoint is tried again. 1–3600.
    pub retry_secs: i64,
}

impl Default for SemanticConfig {
    fn default() -> SemanticConfig {
        SemanticConfig {
            enabled: false,
            base_url: "http://127.0.0.1:11434/v1".into(),
            model: "bge-m3".into(),
            api_key_env: "JIXIA_EMBEDDINGS_API_KEY".into(),
            timeout_ms: 1500,
            batch_timeout_secs: 60,
            batch: 32,
            threshold: 0.8,
            weight: 0.5,
            retry_secs: 60,
        }
    }
}

impl SemanticConfig {
    /// Checks the section; `prefix` is the FAQ section's.
    pub fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        let prefix = format!("{prefix}.semantic");
        let key = |name: &str, message: String| ConfigError::Key { key: format!("{prefix}.{name}"), message };
        check_range(&prefix, "timeout_ms", self.timeout_ms, 50..=10_000)?;
        check_range(&prefix, "batch_timeout_secs", self.batch_timeout_secs, 1..=600)?;
        check_range(&prefix, "batch", self.batch, 1..=512)?;
        check_range(&prefix, "threshold", self.threshold, 0.0..=1.0)?;
        check_range(&prefix, "weight", self.weight, 0.0..=1.0)?;
        check_range(&prefix, "retry_secs", self.retry_secs, 1..=3600)?;
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(key("base_url", format!("`{}` is not an http:// or https:// URL", self.base_url)));
        }
        if self.model.trim().is_empty() {
            return Err(key("model", "must not be empty (an embedding model, e.g. bge-m3)".into()));
        }
        let env_ok = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if self.api_key_env.is_empty() || !self.api_key_env.chars().all(env_ok) {
            return Err(key(
                "api_key_env",
                format!("`{}` is not an environment variable name (letters, digits, _)", self.api_key_env),
            ));
        }
        Ok(())
    }
}

/// Why an embeddings call failed. Never carries the API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmbedError {
    /// No answer in time.
    #[error("timed out after {0} ms")]
    Timeout(u64),
    /// An HTTP error status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// An answer we cannot read (or vectors of the wrong number or size).
    #[error("unreadable answer: {0}")]
    Malformed(String),
    /// The connection failed.
    #[error("network error: {0}")]
    Network(String),
}

/// An embeddings provider (an OpenAI-compatible `/embeddings` endpoint in
/// the binary; a table of vectors in tests and `jixia faq eval`).
pub trait Embedder: Send + Sync + std::fmt::Debug {
    /// The model's name: cached vectors are the model's.
    fn model(&self) -> &str;

    /// One vector per text, in order.
    fn embed<'a>(&'a self, texts: &'a [String]) -> BoxFuture<'a, Result<Vec<Vec<f32>>, EmbedError>>;
}

/// What the binary gives the FAQ feature (`Engine::provide`).
#[derive(Debug, Clone, Default)]
pub struct FaqServices {
    /// The embeddings provider (`None`: matching is lexical only).
    pub embedder: Option<Arc<dyn Embedder>>,
}

/// A stable hash of the text an entry's vector was made from (FNV-1a, 64
/// bits, as 16 hex digits): a changed question is embedded again.
pub fn text_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The text embedded for an entry: its question (the answer's words count
/// in the lexical matcher; a question compares best with a question).
pub fn entry_text(entry: &FaqEntry) -> &str {
    entry.question.trim()
}

/// `v` scaled to length 1 (cosine is then a dot product); `None` for a
/// zero or non-finite vector.
fn unit(mut v: Vec<f32>) -> Option<Vec<f32>> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if !norm.is_finite() || norm <= f32::EPSILON {
        return None;
    }
    v.iter_mut().for_each(|x| *x /= norm);
    Some(v)
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The vectors of one language's entries, unit length, one after another.
#[derive(Debug, Default)]
struct LangVectors {
    ids: Vec<String>,
    data: Vec<f32>,
}

/// A community's entry vectors for one model.
#[derive(Debug)]
pub struct EntryVectors {
    /// The matcher they were gathered for: a rebuilt matcher (the FAQ
    /// changed) makes them stale.
    matcher: Weak<Matcher>,
    model: String,
    dims: usize,
    /// Entry id → (text hash, unit vector), for the next refresh.
    by_entry: HashMap<String, (String, Arc<[f32]>)>,
    zh: LangVectors,
    en: LangVectors,
    /// Every entry has its vector.
    complete: bool,
    /// When a refresh last failed (the next waits `retry_secs`).
    failed_at: Option<DateTime<Utc>>,
}

impl EntryVectors {
    fn lang(&self, lang: Locale) -> &LangVectors {
        match lang {
            Locale::Zh => &self.zh,
            Locale::En => &self.en,
        }
    }

    /// Entries with a vector.
    pub fn len(&self) -> usize {
        self.by_entry.len()
    }

    /// Whether no entry has a vector.
    pub fn is_empty(&self) -> bool {
        self.by_entry.is_empty()
    }

    /// Whether some entry of `lang` has a vector (else a question in it is
    /// not worth embedding).
    pub fn covers(&self, lang: Locale) -> bool {
        !self.lang(lang).ids.is_empty()
    }

    /// Cosine similarity of `query` (unit length) with every entry of
    /// `lang`: (entry id, cosine).
    fn cosines<'a>(&'a self, query: &'a [f32], lang: Locale) -> impl Iterator<Item = (&'a str, f32)> + 'a {
        let l = self.lang(lang);
        l.ids.iter().zip(l.data.chunks_exact(self.dims.max(1))).map(move |(id, v)| (id.as_str(), dot(query, v)))
    }
}

/// Whether the endpoint works, as far as we know: a failure is warned
/// about once, and working again is said once.
#[derive(Debug, Default)]
struct Health {
    /// When the current run of failures started to be skipped from, and
    /// until when; `None` while it works.
    failing: Option<(DateTime<Utc>, DateTime<Utc>)>,
    warnings: u64,
    recoveries: u64,
}

/// The semantic side of the FAQ state (shared with the background
/// refresh).
#[derive(Debug, Default)]
pub struct Semantic {
    vectors: Mutex<HashMap<String, Arc<EntryVectors>>>,
    /// Communities being refreshed (one refresh per community at a time).
    refreshing: Mutex<HashSet<String>>,
    /// Waits for refreshes: held by each while it runs.
    running: tokio::sync::RwLock<()>,
    health: Mutex<Health>,
    /// The engine stops: no new refresh, and running ones stop after their
    /// current call.
    stopping: std::sync::atomic::AtomicBool,
}

/// How many times the endpoint was warned about and said to work again
/// (each is one log line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HealthCounts {
    /// Warnings that the endpoint failed.
    pub warnings: u64,
    /// Lines that it works again.
    pub recoveries: u64,
}

impl Semantic {
    /// The log lines about the endpoint so far.
    pub fn health_counts(&self) -> HealthCounts {
        let h = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        HealthCounts { warnings: h.warnings, recoveries: h.recoveries }
    }

    /// Whether the endpoint may be asked now (not within `retry_secs` of a
    /// failure).
    fn may_ask(&self, now: DateTime<Utc>) -> bool {
        let h = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        h.failing.is_none_or(|(_, until)| now >= until)
    }

    /// A failed call: warned about once per run of failures.
    fn failed(&self, now: DateTime<Utc>, retry_secs: i64, what: &str, e: &EmbedError) {
        let mut h = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        let until = now + chrono::Duration::seconds(retry_secs);
        match &mut h.failing {
            Some((_, u)) => *u = until,
            None => {
                h.failing = Some((now, until));
                h.warnings += 1;
                tracing::warn!(
                    error = %e,
                    during = what,
                    retry_secs,
                    "faq semantic matching: the embeddings endpoint failed; matching lexically until it works again"
                );
            }
        }
    }

    /// A call that worked: said once after failures.
    fn worked(&self, now: DateTime<Utc>) {
        let mut h = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((since, _)) = h.failing.take() {
            h.recoveries += 1;
            tracing::info!(
                failing_secs = (now - since).num_seconds(),
                "faq semantic matching: the embeddings endpoint works again"
            );
        }
    }

    /// The community's entry vectors as they are now (possibly stale or
    /// partial), starting a background refresh when they are stale: the
    /// caller never waits for entries to be embedded.
    pub fn vectors_for(
        self: &Arc<Self>,
        store: &Store,
        embedder: &Arc<dyn Embedder>,
        community: &str,
        matcher: &Arc<Matcher>,
        config: &SemanticConfig,
        now: DateTime<Utc>,
    ) -> Option<Arc<EntryVectors>> {
        let current = self.vectors.lock().unwrap_or_else(PoisonError::into_inner).get(community).cloned();
        let stale = current.as_ref().is_none_or(|v| {
            let retry = v.failed_at.is_none_or(|at| now >= at + chrono::Duration::seconds(config.retry_secs));
            !std::ptr::eq(v.matcher.as_ptr(), Arc::as_ptr(matcher))
                || v.model != embedder.model()
                || (!v.complete && retry)
        });
        if stale && self.may_ask(now) && !self.stopping.load(std::sync::atomic::Ordering::Relaxed) {
            let fresh = self.refreshing.lock().unwrap_or_else(PoisonError::into_inner).insert(community.to_owned());
            if fresh {
                let (this, store, embedder) = (self.clone(), store.clone(), embedder.clone());
                let (community, matcher, config) = (community.to_owned(), Arc::downgrade(matcher), config.clone());
                tokio::spawn(async move {
                    let _running = this.running.read().await;
                    let done = this.refresh(&store, embedder.as_ref(), &community, matcher, &config, now).await;
                    if let Err(e) = done {
                        tracing::error!(error = %e, community, "faq semantic matching: entry vectors not refreshed");
                    }
                    this.refreshing.lock().unwrap_or_else(PoisonError::into_inner).remove(&community);
                });
            }
        }
        current
    }

    /// Before the store closes: no new refresh, and the running ones stop
    /// after their current call (what they made is stored).
    pub async fn stop(&self) {
        self.stopping.store(true, std::sync::atomic::Ordering::Relaxed);
        self.settled().await;
    }

    /// Waits until no refresh runs (tests, the console).
    pub async fn settled(&self) {
        while !self.refreshing.lock().unwrap_or_else(PoisonError::into_inner).is_empty() {
            // Running refreshes hold the read lock; one spawned a moment
            // ago may not have taken it yet, hence the short sleep.
            drop(self.running.write().await);
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }

    /// Gathers the community's entry vectors: kept ones whose question did
    /// not change, then stored ones (another instance may have made them),
    /// then the rest embedded `batch` at a time and stored. Stops at the
    /// first failed call (what was made is kept; the rest wait `retry_secs`),
    /// and returns its error.
    pub async fn refresh(
        &self,
        store: &Store,
        embedder: &dyn Embedder,
        community: &str,
        matcher: Weak<Matcher>,
        config: &SemanticConfig,
        now: DateTime<Utc>,
    ) -> Result<Option<EmbedError>, StoreError> {
        let model = embedder.model().to_owned();
        let entries = store.faq().faq_entries(community).await?;
        let previous = self.vectors.lock().unwrap_or_else(PoisonError::into_inner).get(community).cloned();
        let previous = previous.filter(|p| p.model == model);
        let mut have: HashMap<String, (String, Arc<[f32]>)> = HashMap::new();
        let mut dims = previous.as_ref().map_or(0, |p| p.dims);
        let wanted: Vec<(&FaqEntry, String)> = entries.iter().map(|e| (e, text_hash(entry_text(e)))).collect();
        let mut missing: Vec<&str> = Vec::new();
        for (e, hash) in &wanted {
            match previous.as_ref().and_then(|p| p.by_entry.get(&e.id)).filter(|(h, _)| h == hash) {
                Some(kept) => {
                    have.insert(e.id.clone(), kept.clone());
                }
                None => missing.push(&e.id),
            }
        }
        if !missing.is_empty() {
            // A few entries changed: read theirs; otherwise all at once.
            let only = if previous.is_some() && missing.len() <= 500 { Some(missing.as_slice()) } else { None };
            for stored in store.faq().faq_embeddings(community, &model, only).await? {
                let fits = dims == 0 || stored.vector.len() == dims;
                let current = wanted.iter().any(|(e, h)| e.id == stored.entry_id && *h == stored.text_hash);
                if let (true, true, Some(v)) = (fits, current, unit(stored.vector)) {
                    dims = v.len();
                    have.insert(stored.entry_id, (stored.text_hash, v.into()));
                }
            }
        }
        let todo: Vec<&(&FaqEntry, String)> = wanted.iter().filter(|(e, _)| !have.contains_key(&e.id)).collect();
        let (mut failed_at, mut failure) = (None, None);
        let batch = usize::try_from(config.batch).unwrap_or(32).max(1);
        for chunk in todo.chunks(batch) {
            if self.stopping.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let texts: Vec<String> = chunk.iter().map(|(e, _)| entry_text(e).to_owned()).collect();
            let made = embed_texts(embedder, &texts, dims).await;
            let vectors = match made {
                Ok(v) => {
                    self.worked(now);
                    v
                }
                Err(e) => {
                    self.failed(now, config.retry_secs, "embedding entries", &e);
                    failed_at = Some(now);
                    failure = Some(e);
                    break;
                }
            };
            let mut rows = Vec::with_capacity(chunk.len());
            for ((e, hash), v) in chunk.iter().zip(vectors) {
                dims = v.len();
                rows.push(EntryVector { entry_id: e.id.clone(), text_hash: hash.clone(), vector: v.to_vec() });
                have.insert(e.id.clone(), (hash.clone(), v.into()));
            }
            store.faq().faq_put_embeddings(community, &model, &rows, now).await?;
        }
        let complete = have.len() == entries.len();
        let (mut zh, mut en) = (LangVectors::default(), LangVectors::default());
        for e in &entries {
            if let Some((_, v)) = have.get(&e.id) {
                let l = if e.lang == Locale::Zh { &mut zh } else { &mut en };
                l.ids.push(e.id.clone());
                l.data.extend_from_slice(v);
            }
        }
        let fresh = EntryVectors { matcher, model, dims, by_entry: have, zh, en, complete, failed_at };
        self.vectors.lock().unwrap_or_else(PoisonError::into_inner).insert(community.to_owned(), Arc::new(fresh));
        Ok(failure)
    }

    /// The community's entry vectors, as the last refresh left them.
    pub fn vectors(&self, community: &str) -> Option<Arc<EntryVectors>> {
        self.vectors.lock().unwrap_or_else(PoisonError::into_inner).get(community).cloned()
    }

    /// Embeds one question, within `timeout_ms`, as a unit vector of the
    /// entries' size; `None` (matching stays lexical) when the endpoint
    /// is failing or fails now.
    pub async fn embed_question(
        &self,
        embedder: &dyn Embedder,
        text: &str,
        dims: usize,
        config: &SemanticConfig,
        now: DateTime<Utc>,
    ) -> Option<Vec<f32>> {
        if !self.may_ask(now) {
            return None;
        }
        let texts = [text.to_owned()];
        let wait = std::time::Duration::from_millis(u64::try_from(config.timeout_ms).unwrap_or(1500));
        let made = tokio::time::timeout(wait, embed_texts(embedder, &texts, dims))
            .await
            .unwrap_or(Err(EmbedError::Timeout(wait.as_millis() as u64)));
        match made {
            Ok(mut v) => {
                self.worked(now);
                v.pop()
            }
            Err(e) => {
                self.failed(now, config.retry_secs, "embedding a question", &e);
                None
            }
        }
    }
}

/// One unit vector per text, all of `dims` values (any size when `dims`
/// is 0, but all the same).
pub async fn embed_texts(embedder: &dyn Embedder, texts: &[String], dims: usize) -> Result<Vec<Vec<f32>>, EmbedError> {
    let got = embedder.embed(texts).await?;
    if got.len() != texts.len() {
        return Err(EmbedError::Malformed(format!("{} vectors for {} texts", got.len(), texts.len())));
    }
    let want = if dims == 0 { got.first().map_or(0, Vec::len) } else { dims };
    let mut out = Vec::with_capacity(got.len());
    for v in got {
        if v.len() != want || want == 0 {
            return Err(EmbedError::Malformed(format!("a vector of {} values where {want} were expected", v.len())));
        }
        out.push(unit(v).ok_or_else(|| EmbedError::Malformed("a zero or non-finite vector".into()))?);
    }
    Ok(out)
}

/// The entry to redirect to, from the lexical candidates (best first, with
/// their confidences), the question's cosine with each entry of its
/// language, and the thresholds: an entry qualifies when its lexical
/// confidence reaches `lexical_threshold` or its cosine reaches the
/// semantic threshold (and members have not said it does not answer such a
/// question); of those, the best by `(1 − weight) · lexical + weight ·
/// cosine` wins. Its score is that blend.
pub fn decide(
    lexical: &[Match],
    cosines: &HashMap<&str, f32>,
    lexical_threshold: f32,
    config: &SemanticConfig,
    vetoed: &dyn Fn(&str) -> bool,
) -> Option<Match> {
    let w = config.weight as f32;
    let sem = config.threshold as f32;
    let lex_of = |id: &str| lexical.iter().find(|m| m.id == id).map_or(0.0, |m| m.score);
    let mut ids: Vec<&str> = lexical.iter().map(|m| m.id.as_str()).collect();
    // Of the entries the lexical matcher did not rank, the nearest only.
    let nearest =
        cosines.iter().filter(|(id, _)| !ids.contains(id)).max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)));
    if let Some((id, _)) = nearest {
        ids.push(id);
    }
    let mut best: Option<Match> = None;
    for id in ids {
        let lex = lex_of(id);
        let cos = cosines.get(id).copied();
        let qualifies = lex >= lexical_threshold || cos.is_some_and(|c| c >= sem && !vetoed(id));
        if !qualifies {
            continue;
        }
        let score = match cos {
            Some(c) => (1.0 - w) * lex + w * c,
            None => lex,
        };
        if best.as_ref().is_none_or(|b| score > b.score || (score == b.score && id < b.id.as_str())) {
            best = Some(Match { id: id.to_owned(), score });
        }
    }
    best
}

/// The question's cosine with every entry of `lang` that has a vector.
pub fn cosines<'a>(vectors: &'a EntryVectors, query: &'a [f32], lang: Locale) -> HashMap<&'a str, f32> {
    vectors.cosines(query, lang).collect()
}

/// Size of the vectors (0 before any).
pub fn dims(vectors: &EntryVectors) -> usize {
    vectors.dims
}

/// Whether the matcher's negative examples veto `id` for these tokens.
pub fn vetoed_by<'a>(matcher: &'a Matcher, tokens: &'a Tokens, lang: Locale) -> impl Fn(&str) -> bool + 'a {
    move |id| matcher.said_not_to_answer(id, tokens, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: &str, score: f32) -> Match {
        Match { id: id.into(), score }
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(text_hash(""), "cbf29ce484222325");
        assert_eq!(text_hash("a"), "af63dc4c8601ec8c");
        assert_ne!(text_hash("怎么看版本？"), text_hash("怎么看版本?"));
    }

    #[test]
    fn the_blend_decides_among_qualified_entries() {
        let config = SemanticConfig { threshold: 0.8, weight: 0.5, ..SemanticConfig::default() };
        let lexical = [m("version", 0.6), m("latest", 0.3)];
        let no = |_: &str| false;
        // Re-ranked: "latest" is close in meaning.
        let cos = HashMap::from([("version", 0.4), ("latest", 0.95)]);
        assert_eq!(decide(&lexical, &cos, 0.46, &config, &no).map(|m| m.id), Some("latest".into()));
        // Neither close: the lexical choice stands.
        let cos = HashMap::from([("version", 0.4), ("latest", 0.5)]);
        assert_eq!(decide(&lexical, &cos, 0.46, &config, &no).map(|m| m.id), Some("version".into()));
        // Lexically silent, an entry it did not rank is near enough.
        let cos = HashMap::from([("gui", 0.85), ("other", 0.2)]);
        assert_eq!(decide(&[], &cos, 0.46, &config, &no).map(|m| m.id), Some("gui".into()));
        // …or not near enough.
        let cos = HashMap::from([("gui", 0.79)]);
        assert_eq!(decide(&[m("gui", 0.2)], &cos, 0.46, &config, &no), None);
        // Members said it does not answer this.
        let cos = HashMap::from([("gui", 0.9)]);
        assert_eq!(decide(&[], &cos, 0.46, &config, &|id| id == "gui"), None);
    }

    #[test]
    fn config_errors_name_the_key() {
        let ok = SemanticConfig::default();
        assert!(ok.validate("features.faq").is_ok());
        let bad = SemanticConfig { base_url: "127.0.0.1:11434".into(), ..ok.clone() };
        assert!(bad.validate("features.faq").is_err_and(|e| e.to_string().contains("features.faq.semantic.base_url")));
        let bad = SemanticConfig { threshold: 1.5, ..ok.clone() };
        assert!(bad.validate("features.faq").is_err_and(|e| e.to_string().contains("semantic.threshold")));
        let bad = SemanticConfig { api_key_env: "MY KEY".into(), ..ok.clone() };
        assert!(bad.validate("features.faq").is_err_and(|e| e.to_string().contains("api_key_env")));
        let bad = SemanticConfig { model: " ".into(), ..ok };
        assert!(bad.validate("features.faq").is_err_and(|e| e.to_string().contains("semantic.model")));
    }
}

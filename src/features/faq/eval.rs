//! Measuring the matcher: `jixia faq eval` runs labelled queries through the
//! same matcher the bot uses, at the configured thresholds and without
//! cooldowns, and reports per language recall@1, precision, the
//! false-redirect rate and the correct-redirect rate. With an [`Embedder`]
//! (an endpoint, or vectors recorded from one: [`RecordedVectors`]) it
//! measures the semantic matching of `[features.faq.semantic]` as well.

use serde::Serialize;

use std::collections::HashMap;
use std::sync::Arc;

use super::FaqConfig;
use super::import::ImportError;
use super::matcher::{Match, Matcher};
use super::semantic::{self, EmbedError, Embedder, EntryVectors, Semantic, SemanticConfig};
use crate::BoxFuture;
use crate::i18n::Locale;

/// One labelled query: `{"text", "faq_id" (string or null), "lang"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalQuery {
    /// What a member asked.
    pub text: String,
    /// The entry that answers it, or `None` when the bot must stay silent.
    pub faq_id: Option<String>,
    /// The query's language; candidates are the entries of this language.
    pub lang: Locale,
}

/// The figures for one language (or all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Queries measured.
    pub queries: usize,
    /// Share of answerable queries whose top entry (no threshold) is right.
    pub recall_at_1: f64,
    /// Correct redirects / all redirects at the threshold (1 when there
    /// were no redirects at all).
    pub precision: f64,
    /// Share of unanswerable queries that got a redirect.
    pub false_redirect_rate: f64,
    /// Share of answerable queries redirected to their entry.
    pub correct_redirect_rate: f64,
}

/// The report `jixia faq eval` prints as one JSON object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct EvalReport {
    /// English queries.
    pub en: Scores,
    /// Chinese queries.
    pub zh: Scores,
    /// All queries.
    pub overall: Scores,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    queries: usize,
    answerable: usize,
    top_right: usize,
    redirects: usize,
    right_redirects: usize,
    unanswerable: usize,
    false_redirects: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.queries += o.queries;
        self.answerable += o.answerable;
        self.top_right += o.top_right;
        self.redirects += o.redirects;
        self.right_redirects += o.right_redirects;
        self.unanswerable += o.unanswerable;
        self.false_redirects += o.false_redirects;
    }

    fn scores(&self) -> Scores {
        let ratio = |a: usize, b: usize, empty: f64| if b == 0 { empty } else { a as f64 / b as f64 };
        Scores {
            queries: self.queries,
            recall_at_1: ratio(self.top_right, self.answerable, 0.0),
            precision: ratio(self.right_redirects, self.redirects, 1.0),
            false_redirect_rate: ratio(self.false_redirects, self.unanswerable, 0.0),
            correct_redirect_rate: ratio(self.right_redirects, self.answerable, 0.0),
        }
    }
}

/// What the bot would do with a query: the entry ranked first whatever
/// the thresholds, and the redirect (if any).
type Pick = (Option<Match>, Option<Match>);

/// The lexical matcher's pick.
fn lexical_pick(matcher: &Matcher, q: &EvalQuery, config: &FaqConfig) -> Pick {
    let top = matcher.best(&q.text, Some(q.lang));
    let redirect = top.clone().filter(|m| m.score >= config.threshold(q.lang) as f32);
    (top, redirect)
}

/// Runs every query through `matcher` at `config`'s thresholds.
pub fn evaluate(matcher: &Matcher, queries: &[EvalQuery], config: &FaqConfig) -> EvalReport {
    evaluate_by(queries, |q| lexical_pick(matcher, q, config))
}

fn evaluate_by(queries: &[EvalQuery], pick: impl Fn(&EvalQuery) -> Pick) -> EvalReport {
    let mut zh = Counts::default();
    let mut en = Counts::default();
    for q in queries {
        let c = match q.lang {
            Locale::Zh => &mut zh,
            Locale::En => &mut en,
        };
        c.queries += 1;
        let (top, redirect) = pick(q);
        match &q.faq_id {
            Some(gold) => {
                c.answerable += 1;
                c.top_right += usize::from(top.as_ref().is_some_and(|m| &m.id == gold));
                c.right_redirects += usize::from(redirect.as_ref().is_some_and(|m| &m.id == gold));
            }
            None => {
                c.unanswerable += 1;
                c.false_redirects += usize::from(redirect.is_some());
            }
        }
        c.redirects += usize::from(redirect.is_some());
    }
    let mut all = zh;
    all.add(&en);
    EvalReport { en: en.scores(), zh: zh.scores(), overall: all.scores() }
}

/// The queries `matcher` gets wrong at `config`'s thresholds, one line
/// each: what was asked, the entry it should go to, and what it got.
pub fn mistakes(matcher: &Matcher, queries: &[EvalQuery], config: &FaqConfig) -> Vec<String> {
    mistakes_by(queries, |q| lexical_pick(matcher, q, config))
}

fn mistakes_by(queries: &[EvalQuery], pick: impl Fn(&EvalQuery) -> Pick) -> Vec<String> {
    let mut out = Vec::new();
    for q in queries {
        let (top, redirect) = pick(q);
        let got = redirect.as_ref().map(|m| m.id.as_str());
        if got != q.faq_id.as_deref() {
            let top = top.as_ref().map_or_else(|| "-".to_owned(), |m| format!("{} {:.2}", m.id, m.score));
            out.push(format!("{:?} want {:?} got {:?} (top {top})", q.text, q.faq_id, got));
        }
    }
    out
}

/// The semantic matcher's pick, as the bot makes it ([`semantic::decide`]);
/// the top one is the best blend with no threshold.
fn semantic_pick(
    matcher: &Matcher,
    vectors: &EntryVectors,
    query: Option<&[f32]>,
    q: &EvalQuery,
    config: &FaqConfig,
) -> Pick {
    let Some(query) = query else { return lexical_pick(matcher, q, config) };
    let tokens = matcher.tokenize(&q.text);
    let ranked = matcher.rank_tokens(&tokens, Some(q.lang));
    let cosines = semantic::cosines(vectors, query, q.lang);
    let vetoed = semantic::vetoed_by(matcher, &tokens, q.lang);
    let redirect = semantic::decide(&ranked, &cosines, config.threshold(q.lang) as f32, &config.semantic, &vetoed);
    let anything = SemanticConfig { threshold: -1.0, ..config.semantic.clone() };
    let top = semantic::decide(&ranked, &cosines, f32::MIN, &anything, &vetoed);
    (top, redirect)
}
/// Parses a queries file (JSON Lines). Errors name the line.
pub fn parse_queries(text: &str) -> Result<Vec<EvalQuery>, ImportError> {
    #[derive(serde::Deserialize)]
    struct Line {
        text: String,
        faq_id: Option<String>,
        lang: String,
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Line = serde_json::from_str(line).map_err(|e| ImportError::line(i + 1, e.to_string()))?;
        let lang = Locale::parse(&row.lang)
            .ok_or_else(|| ImportError::line(i + 1, format!("unknown language {:?} (zh or en)", row.lang)))?;
        out.push(EvalQuery { text: row.text, faq_id: row.faq_id, lang });
    }
    Ok(out)
}

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalFailed {
    /// The FAQ file has problems.
    #[error("FAQ file: {0}")]
    Faq(#[from] super::import::ImportFailed),
    /// The queries file has problems.
    #[error("queries file: {0}")]
    Queries(ImportError),
    /// The queries file of this index (from 0) has problems.
    #[error("queries file number {0} (from 0): {1}")]
    QueriesIn(usize, ImportError),
    /// The scratch store could not be opened.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The embeddings could not be made.
    #[error("embeddings: {0}")]
    Embed(EmbedError),
}

/// `jixia faq eval`: loads the FAQ (JSON Lines) into a fresh in-memory
/// store, builds the matcher from it as the bot does, and scores the
/// queries at `config`'s thresholds, without cooldowns.
pub async fn eval_files(faq: &[u8], queries: &str, config: &FaqConfig) -> Result<EvalReport, EvalFailed> {
    let (_, all) = eval_sets(faq, &[queries], config).await?;
    Ok(all)
}

/// `jixia faq eval` with several query files (the heading-style set, the
/// casual set…): a report for each, and one for all of them together.
pub async fn eval_sets(
    faq: &[u8],
    sets: &[&str],
    config: &FaqConfig,
) -> Result<(Vec<EvalReport>, EvalReport), EvalFailed> {
    eval_sets_with(faq, sets, config, None).await
}

/// [`eval_sets`], with semantic matching through `embedder` when given
/// (the entries and every query embedded, `[features.faq.semantic]`'s
/// threshold and weight).
pub async fn eval_sets_with(
    faq: &[u8],
    sets: &[&str],
    config: &FaqConfig,
    embedder: Option<&dyn Embedder>,
) -> Result<(Vec<EvalReport>, EvalReport), EvalFailed> {
    let mut parsed = Vec::with_capacity(sets.len());
    for (i, text) in sets.iter().enumerate() {
        parsed.push(parse_queries(text).map_err(|e| EvalFailed::QueriesIn(i, e))?);
    }
    let all: Vec<EvalQuery> = parsed.concat();
    let (matcher, vectors) = matcher_of(faq, embedder, &config.semantic).await?;
    let Some((embedder, vectors)) = embedder.zip(vectors) else {
        let each = parsed.iter().map(|q| evaluate(&matcher, q, config)).collect();
        return Ok((each, evaluate(&matcher, &all, config)));
    };
    let embedded =
        embed_queries(embedder, &all, semantic::dims(&vectors), &config.semantic).await.map_err(EvalFailed::Embed)?;
    let pick = |q: &EvalQuery| {
        let query = embedded.get(q.text.as_str()).map(Vec::as_slice);
        semantic_pick(&matcher, &vectors, query, q, config)
    };
    let each = parsed.iter().map(|q| evaluate_by(q, pick)).collect();
    Ok((each, evaluate_by(&all, pick)))
}

/// Every query's vector, `batch` at a time.
async fn embed_queries<'q>(
    embedder: &dyn Embedder,
    queries: &'q [EvalQuery],
    dims: usize,
    config: &SemanticConfig,
) -> Result<HashMap<&'q str, Vec<f32>>, EmbedError> {
    let mut texts: Vec<&str> = queries.iter().map(|q| q.text.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    let mut out = HashMap::with_capacity(texts.len());
    for chunk in texts.chunks(usize::try_from(config.batch).unwrap_or(32).max(1)) {
        let owned: Vec<String> = chunk.iter().map(|t| (*t).to_owned()).collect();
        let vectors = semantic::embed_texts(embedder, &owned, dims).await?;
        out.extend(chunk.iter().copied().zip(vectors));
    }
    Ok(out)
}

/// The matcher the bot would build from a FAQ file, and with an embedder
/// the entries' vectors.
async fn matcher_of(
    faq: &[u8],
    embedder: Option<&dyn Embedder>,
    config: &SemanticConfig,
) -> Result<(Arc<Matcher>, Option<Arc<EntryVectors>>), EvalFailed> {
    let url = crate::secret::DbUrl::new("sqlite::memory:");
    let store = crate::store::open(&url, &Default::default()).await?;
    let result = build_in(&store, faq, embedder, config).await;
    store.close().await;
    result
}

async fn build_in(
    store: &crate::store::Store,
    faq: &[u8],
    embedder: Option<&dyn Embedder>,
    config: &SemanticConfig,
) -> Result<(Arc<Matcher>, Option<Arc<EntryVectors>>), EvalFailed> {
    let community = "eval";
    let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    super::import::import_into(store, community, faq, super::import::FaqFormat::Jsonl, now).await?;
    let entries = store.faq().faq_entries(community).await?;
    let matcher = Arc::new(super::build_matcher(&entries));
    let Some(embedder) = embedder else { return Ok((matcher, None)) };
    let semantic = Semantic::default();
    if let Some(e) = semantic.refresh(store, embedder, community, Arc::downgrade(&matcher), config, now).await? {
        return Err(EvalFailed::Embed(e));
    }
    Ok((matcher, semantic.vectors(community)))
}

/// Vectors recorded from an embeddings endpoint, one JSON object a line:
/// `{"text": "…", "embedding": [0.1, …]}`; an [`Embedder`] that answers
/// from them (any other text is an error), so that a semantic evaluation
/// can be repeated without the endpoint.
#[derive(Debug, Default)]
pub struct RecordedVectors {
    vectors: HashMap<String, Vec<f32>>,
}

impl RecordedVectors {
    /// Parses a recording. Errors name the line.
    pub fn parse(text: &str) -> Result<RecordedVectors, ImportError> {
        #[derive(serde::Deserialize)]
        struct Line {
            text: String,
            embedding: Vec<f32>,
        }
        let mut vectors = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let row: Line = serde_json::from_str(line).map_err(|e| ImportError::line(i + 1, e.to_string()))?;
            vectors.insert(row.text, row.embedding);
        }
        Ok(RecordedVectors { vectors })
    }

    /// One recording line.
    pub fn line(text: &str, embedding: &[f32]) -> String {
        serde_json::json!({ "text": text, "embedding": embedding }).to_string()
    }

    /// Texts recorded.
    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }
}

impl Embedder for RecordedVectors {
    fn model(&self) -> &str {
        "recorded"
    }

    fn embed<'a>(&'a self, texts: &'a [String]) -> BoxFuture<'a, Result<Vec<Vec<f32>>, EmbedError>> {
        Box::pin(async move {
            texts
                .iter()
                .map(|t| {
                    self.vectors
                        .get(t)
                        .cloned()
                        .ok_or_else(|| EmbedError::Malformed(format!("no vector recorded for {t:?}")))
                })
                .collect()
        })
    }
}

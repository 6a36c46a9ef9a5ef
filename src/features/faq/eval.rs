//! Measuring the matcher: `jixia faq eval` runs labelled queries through the
//! same matcher the bot uses, at the configured thresholds and without
//! cooldowns, and reports per language recall@1, precision, the
//! false-redirect rate and the correct-redirect rate.

use serde::Serialize;

use super::FaqConfig;
use super::import::ImportError;
use super::matcher::Matcher;
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

/// Runs every query through `matcher` at `config`'s thresholds.
pub fn evaluate(matcher: &Matcher, queries: &[EvalQuery], config: &FaqConfig) -> EvalReport {
    let mut zh = Counts::default();
    let mut en = Counts::default();
    for q in queries {
        let c = match q.lang {
            Locale::Zh => &mut zh,
            Locale::En => &mut en,
        };
        c.queries += 1;
        let top = matcher.best(&q.text, Some(q.lang));
        let redirect = top.as_ref().filter(|m| m.score >= config.threshold(q.lang) as f32);
        match &q.faq_id {
            Some(gold) => {
                c.answerable += 1;
                c.top_right += usize::from(top.as_ref().is_some_and(|m| &m.id == gold));
                c.right_redirects += usize::from(redirect.is_some_and(|m| &m.id == gold));
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
    let mut out = Vec::new();
    for q in queries {
        let top = matcher.best(&q.text, Some(q.lang));
        let redirect = top.as_ref().filter(|m| m.score >= config.threshold(q.lang) as f32);
        let got = redirect.map(|m| m.id.as_str());
        if got != q.faq_id.as_deref() {
            let top = top.as_ref().map_or_else(|| "-".to_owned(), |m| format!("{} {:.2}", m.id, m.score));
            out.push(format!("{:?} want {:?} got {:?} (top {top})", q.text, q.faq_id, got));
        }
    }
    out
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
    let mut parsed = Vec::with_capacity(sets.len());
    for (i, text) in sets.iter().enumerate() {
        parsed.push(parse_queries(text).map_err(|e| EvalFailed::QueriesIn(i, e))?);
    }
    let matcher = matcher_of(faq).await?;
    let each = parsed.iter().map(|q| evaluate(&matcher, q, config)).collect();
    Ok((each, evaluate(&matcher, &parsed.concat(), config)))
}

/// The matcher the bot would build from a FAQ file.
async fn matcher_of(faq: &[u8]) -> Result<Matcher, EvalFailed> {
    let url = crate::secret::DbUrl::new("sqlite::memory:");
    let store = crate::store::open(&url, &Default::default()).await?;
    let community = "eval";
    let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    let imported = super::import::import_into(&store, community, faq, super::import::FaqFormat::Jsonl, now).await;
    let entries = match imported {
        Ok(_) => store.faq().faq_entries(community).await,
        Err(e) => {
            store.close().await;
            return Err(e.into());
        }
    };
    store.close().await;
    Ok(super::build_matcher(&entries?))
}

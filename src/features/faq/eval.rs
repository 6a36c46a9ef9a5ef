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
    /// The scratch store could not be opened.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// `jixia faq eval`: loads the FAQ (JSON Lines) into a fresh in-memory
/// store, builds the matcher from it as the bot does, and scores the
/// queries at `config`'s thresholds, without cooldowns.
pub async fn eval_files(faq: &[u8], queries: &str, config: &FaqConfig) -> Result<EvalReport, EvalFailed> {
    let queries = parse_queries(queries).map_err(EvalFailed::Queries)?;
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
    let matcher = super::build_matcher(&entries?);
    Ok(evaluate(&matcher, &queries, config))
}

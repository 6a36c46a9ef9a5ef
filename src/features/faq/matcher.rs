//! The FAQ matcher: an in-memory index per language over every entry's
//! question (whole and split into its sentences) and aliases. BM25 over
//! words and Chinese bigrams picks candidates; a confidence in 0..1, the
//! IDF-weighted overlap of query and candidate in both directions, decides
//! whether to redirect. Unknown words in a message count against it, which
//! is what keeps the bot quiet on questions the FAQ does not answer.
//!
//! The index is built from entries, never from a database, so SQLite and
//! PostgreSQL give the same answers.

use std::collections::HashMap;
use std::sync::Arc;

use super::normalize::{Tokens, tokenize_with};
use super::vocab::Vocabulary;
use crate::i18n::Locale;

/// What the matcher needs to know of an entry.
#[derive(Debug, Clone, Default)]
pub struct MatchEntry {
    /// The entry's id.
    pub id: String,
    /// The entry's language.
    pub lang: Locale,
    /// Its question.
    pub question: String,
    /// Its answer: words a question shares with the answer count for
    /// something, less than words shared with the question.
    pub answer: String,
    /// Other wordings (added by moderators or learned from redirects).
    pub aliases: Vec<String>,
    /// Wordings members said it did not answer.
    pub negatives: Vec<String>,
}

/// One ranked candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The entry's id.
    pub id: String,
    /// Confidence in 0..1; compared with the language's threshold.
    pub score: f32,
}

/// BM25 parameters (the usual ones).
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Weight of Chinese bigrams against words when picking candidates.
const GRAM_WEIGHT: f32 = 0.4;
/// How much a query word found only in the answer counts.
const ANSWER_WEIGHT: f32 = 0.5;
/// Factor on the confidence when query and candidate ask different kinds of
/// question (why / how / what).
const KIND_MISMATCH: f32 = 0.85;
/// Factor on an entry's confidence when the message is at least as close
/// to a wording members said the entry does not answer.
const NEGATIVE_VETO: f32 = 0.25;
/// How close (0..1) to a negative example a message must at least be for
/// the example to veto the entry.
const NEGATIVE_CLOSE: f32 = 0.6;
/// The least weight a document counts as having, about one distinctive
/// word's: below it, a document is only common words.
const MIN_DOC_WEIGHT: f32 = 2.0;
/// Candidates scored in full per query.
const CANDIDATES: usize = 12;

#[derive(Debug, Clone, Default)]
struct Doc {
    entry: u32,
    /// Distinct word term ids, sorted.
    words: Vec<u32>,
    /// Distinct gram term ids, sorted.
    grams: Vec<u32>,
    word_len: f32,
    gram_len: f32,
    /// The kinds of question it asks (why, how, what).
    asks: u8,
}

/// One term space (words or grams): vocabulary, IDF and postings.
#[derive(Debug, Clone, Default)]
struct Terms {
    ids: HashMap<String, u32>,
    /// Entries containing the term (in any of their documents).
    df: Vec<u32>,
    idf: Vec<f32>,
    /// Documents containing the term, with the term's count there.
    postings: Vec<Vec<(u32, f32)>>,
    avg_len: f32,
}

impl Terms {
    fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.df.len() as u32;
        self.ids.insert(term.to_owned(), id);
        self.df.push(0);
        self.postings.push(Vec::new());
        id
    }

    /// Counts per distinct term id, sorted by id.
    fn add_doc(&mut self, doc: u32, terms: &[String]) -> (Vec<u32>, f32) {
        let mut counts: HashMap<u32, f32> = HashMap::new();
        for t in terms {
            *counts.entry(self.id(t)).or_default() += 1.0;
        }
        let mut ids: Vec<u32> = counts.keys().copied().collect();
        ids.sort_unstable();
        for &id in &ids {
            self.postings[id as usize].push((doc, counts[&id]));
        }
        (ids, terms.len() as f32)
    }

    fn finish(&mut self, entries: usize, total_len: f32, docs: usize, vocab: &Vocabulary) {
        let n = entries as f32;
        self.idf = self.df.iter().map(|&df| idf(n, df as f32)).collect();
        for (term, &id) in &self.ids {
            self.idf[id as usize] *= vocab.weight(term);
        }
        self.avg_len = if docs == 0 { 1.0 } else { (total_len / docs as f32).max(1.0) };
    }

    /// IDF of a query term: known terms theirs, unknown ones the highest
    /// (a word no entry has is strong evidence against every entry).
    fn weight(&self, entries: usize, term: &str, vocab: &Vocabulary) -> (Option<u32>, f32) {
        match self.ids.get(term) {
            Some(&id) => (Some(id), self.idf[id as usize]),
            None => (None, idf(entries as f32, 0.0) * vocab.weight(term)),
        }
    }
}

/// A small FAQ still has rare words: IDF is computed as if there were at
/// least this many entries, so that with five entries a word in one of
/// them is not worth almost nothing next to an unknown word.
const MIN_IDF_ENTRIES: f32 = 50.0;

fn idf(n: f32, df: f32) -> f32 {
    let n = n.max(MIN_IDF_ENTRIES);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The index of one language.
#[derive(Debug, Clone, Default)]
struct LangIndex {
    ids: Vec<String>,
    docs: Vec<Doc>,
    /// Per entry: negative examples.
    negatives: Vec<Vec<Tokens>>,
    /// Per entry: the answer's distinct word ids, sorted.
    answers: Vec<Vec<u32>>,
    words: Terms,
    grams: Terms,
}

/// A query prepared against one language index.
struct Query {
    /// (term id if known, idf), distinct terms.
    words: Vec<(Option<u32>, f32)>,
    grams: Vec<(Option<u32>, f32)>,
    word_total: f32,
    gram_total: f32,
    asks: u8,
}

impl LangIndex {
    fn build(entries: &[&MatchEntry], vocab: &Vocabulary) -> LangIndex {
        let mut ix = LangIndex::default();
        let (mut word_total, mut gram_total) = (0.0, 0.0);
        for (e, entry) in entries.iter().enumerate() {
            ix.ids.push(entry.id.clone());
            let mut texts: Vec<&str> = vec![entry.question.as_str()];
            let sentences = split_sentences(&entry.question);
            if sentences.len() > 1 {
                texts.extend(sentences);
            }
            texts.extend(entry.aliases.iter().map(String::as_str));
            let mut seen_words = std::collections::HashSet::new();
            let mut seen_grams = std::collections::HashSet::new();
            for text in texts {
                let tokens = tokenize_with(text, vocab);
                if tokens.words.is_empty() && tokens.grams.is_empty() {
                    continue;
                }
                let doc = ix.docs.len() as u32;
                let (words, wl) = ix.words.add_doc(doc, &tokens.words);
                let (grams, gl) = ix.grams.add_doc(doc, &tokens.grams);
                seen_words.extend(words.iter().copied());
                seen_grams.extend(grams.iter().copied());
                word_total += wl;
                gram_total += gl;
                ix.docs.push(Doc { entry: e as u32, words, grams, word_len: wl, gram_len: gl, asks: tokens.asks });
            }
            for id in seen_words {
                ix.words.df[id as usize] += 1;
            }
            for id in seen_grams {
                ix.grams.df[id as usize] += 1;
            }
            ix.negatives.push(entry.negatives.iter().map(|n| tokenize_with(n, vocab)).collect());
            let mut answer: Vec<u32> =
                tokenize_with(&entry.answer, vocab).words.iter().map(|w| ix.words.id(w)).collect();
            answer.sort_unstable();
            answer.dedup();
            ix.answers.push(answer);
        }
        let (n, d) = (ix.ids.len(), ix.docs.len());
        ix.words.finish(n, word_total, d, vocab);
        ix.grams.finish(n, gram_total, d, vocab);
        ix
    }

    fn query(&self, tokens: &Tokens, vocab: &Vocabulary) -> Query {
        let n = self.ids.len();
        let distinct = |terms: &[String], space: &Terms| {
            let mut seen = std::collections::HashSet::new();
            terms.iter().filter(|t| seen.insert(t.as_str())).map(|t| space.weight(n, t, vocab)).collect::<Vec<_>>()
        };
        let words = distinct(&tokens.words, &self.words);
        let grams = distinct(&tokens.grams, &self.grams);
        let word_total = words.iter().map(|w| w.1).sum();
        let gram_total = grams.iter().map(|w| w.1).sum();
        Query { words, grams, word_total, gram_total, asks: tokens.asks }
    }

    /// BM25 over words and grams; the best documents.
    fn candidates(&self, q: &Query) -> Vec<u32> {
        let mut acc = vec![0f32; self.docs.len()];
        let mut touched = Vec::new();
        for (terms, space, weight, len_of) in [
            (&q.words, &self.words, 1.0, (|d: &Doc| d.word_len) as fn(&Doc) -> f32),
            (&q.grams, &self.grams, GRAM_WEIGHT, |d: &Doc| d.gram_len),
        ] {
            for &(id, w) in terms {
                let Some(id) = id else { continue };
                for &(doc, tf) in &space.postings[id as usize] {
                    let len = len_of(&self.docs[doc as usize]);
                    let s = w * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / space.avg_len));
                    let slot = &mut acc[doc as usize];
                    if *slot == 0.0 {
                        touched.push(doc);
                    }
                    *slot += weight * s;
                }
            }
        }
        // Only the best few need ordering: select them, do not sort them all.
        let keep = CANDIDATES * 4;
        let by_score = |a: &u32, b: &u32| acc[*b as usize].total_cmp(&acc[*a as usize]);
        if touched.len() > keep {
            touched.select_nth_unstable_by(keep, by_score);
            touched.truncate(keep);
        }
        touched
    }

    /// Confidence that document `d` answers the query: weighted Dice of the
    /// shared words (and, for Chinese, the better of that and the bigrams').
    fn confidence(&self, q: &Query, d: &Doc) -> f32 {
        let words = overlap(&q.words, q.word_total, &d.words, &self.words, &self.answers[d.entry as usize]);
        let score = if q.grams.is_empty() {
            words
        } else {
            let grams = overlap(&q.grams, q.gram_total, &d.grams, &self.grams, &[]);
            // Bigrams catch segmentation differences but also share
            // characters by accident, so they count for less than words.
            (0.6 * words + 0.4 * grams).max(words)
        };
        // "Why does X fail" is rarely answered by "how do I use X".
        if q.asks != 0 && d.asks != 0 && q.asks & d.asks == 0 { score * KIND_MISMATCH } else { score }
    }

    fn negative_similarity(&self, entry: usize, q: &Query, vocab: &Vocabulary) -> f32 {
        let mut best = 0f32;
        for tokens in &self.negatives[entry] {
            let nq = self.query(tokens, vocab);
            let ids: Vec<u32> = {
                let mut v: Vec<u32> = nq.words.iter().filter_map(|w| w.0).collect();
                v.sort_unstable();
                v
            };
            let total: f32 = nq.words.iter().map(|w| w.1).sum();
            let shared = shared_weight(&q.words, &ids);
            let dice = 2.0 * shared / (q.word_total + total).max(1e-6);
            best = best.max(dice);
        }
        best
    }

    fn rank(&self, tokens: &Tokens, vocab: &Vocabulary) -> Vec<Match> {
        if self.docs.is_empty() {
            return Vec::new();
        }
        let q = self.query(tokens, vocab);
        if q.word_total <= 0.0 && q.gram_total <= 0.0 {
            return Vec::new();
        }
        let mut best: HashMap<u32, f32> = HashMap::new();
        for doc in self.candidates(&q) {
            let d = &self.docs[doc as usize];
            let c = self.confidence(&q, d);
            let slot = best.entry(d.entry).or_default();
            *slot = slot.max(c);
        }
        let mut out: Vec<Match> = best
            .into_iter()
            .map(|(e, score)| {
                // A wording members said this entry does not answer, when the
                // message is closer to it than to the entry, vetoes it.
                let neg = if self.negatives[e as usize].is_empty() {
                    0.0
                } else {
                    self.negative_similarity(e as usize, &q, vocab)
                };
                let score = if neg >= score.max(NEGATIVE_CLOSE) { score * NEGATIVE_VETO } else { score };
                Match { id: self.ids[e as usize].clone(), score }
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        out.truncate(CANDIDATES);
        out
    }
}

/// Sum of IDF of query terms found in the sorted `doc` ids.
fn shared_weight(query: &[(Option<u32>, f32)], doc: &[u32]) -> f32 {
    query.iter().filter_map(|(id, w)| id.filter(|id| doc.binary_search(id).is_ok()).map(|_| *w)).sum()
}

/// Harmonic mean of how much of the query the document covers (words
/// found only in the entry's answer counting [`ANSWER_WEIGHT`]) and how much
/// of the document the query covers, each weighted by IDF.
fn overlap(query: &[(Option<u32>, f32)], query_total: f32, doc: &[u32], space: &Terms, answer: &[u32]) -> f32 {
    let shared = shared_weight(query, doc);
    if shared <= 0.0 || query_total <= 0.0 {
        return 0.0;
    }
    let in_answer: f32 = query
        .iter()
        .filter_map(|(id, w)| {
            id.filter(|id| doc.binary_search(id).is_err() && answer.binary_search(id).is_ok()).map(|_| *w)
        })
        .sum();
    // A document of common words only ("What is PostgreSQL?") is not
    // covered by a message that merely names the community.
    let doc_weight: f32 = doc.iter().map(|&id| space.idf[id as usize]).sum();
    let q_cov = ((shared + ANSWER_WEIGHT * in_answer) / query_total).min(1.0);
    let d_cov = if doc_weight < MIN_DOC_WEIGHT {
        // Such a question says little ("Where can I get PostgreSQL?"): its
        // answer says what it is about, and the answer's words the message
        // shares fill what the question lacks, at the answer's weight.
        ((shared + ANSWER_WEIGHT * in_answer) / MIN_DOC_WEIGHT).min(1.0)
    } else {
        shared / doc_weight
    };
    2.0 * q_cov * d_cov / (q_cov + d_cov)
}

/// A question split into its sentences (`A? B?` → `A?`, `B?`).
fn split_sentences(text: &str) -> Vec<&str> {
    text.split_inclusive(['?', '？', '。', '!', '！', ';', '；'])
        .map(str::trim)
        .filter(|s| s.chars().filter(|c| c.is_alphanumeric()).count() >= 4)
        .collect()
}

/// The matcher for one community's FAQ: one index per language.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    zh: LangIndex,
    en: LangIndex,
    entries: usize,
    /// The community's equivalents and common words.
    vocab: Arc<Vocabulary>,
}

impl Matcher {
    /// Builds the index. Cost grows linearly with the entries (10 000
    /// entries: see `benches/faq.rs`).
    pub fn build(entries: &[MatchEntry]) -> Matcher {
        Matcher::build_with(entries, Vocabulary::empty())
    }

    /// Builds the index with a vocabulary of equivalents and common words,
    /// applied to the entries here and to every text ranked later.
    pub fn build_with(entries: &[MatchEntry], vocab: Arc<Vocabulary>) -> Matcher {
        let zh: Vec<&MatchEntry> = entries.iter().filter(|e| e.lang == Locale::Zh).collect();
        let en: Vec<&MatchEntry> = entries.iter().filter(|e| e.lang == Locale::En).collect();
        Matcher { zh: LangIndex::build(&zh, &vocab), en: LangIndex::build(&en, &vocab), entries: entries.len(), vocab }
    }

    /// The vocabulary it applies.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocab
    }

    /// How many entries are indexed.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether the FAQ is empty.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// The entries of `lang` (or, without one, of the language the text is
    /// written in) that best answer `text`, best first, with confidences.
    pub fn rank(&self, text: &str, lang: Option<Locale>) -> Vec<Match> {
        self.rank_tokens(&self.tokenize(text), lang)
    }

    /// A text's tokens as this matcher sees them (its vocabulary applied).
    pub fn tokenize(&self, text: &str) -> Tokens {
        tokenize_with(text, &self.vocab)
    }

    /// [`Matcher::rank`] for tokens from [`Matcher::tokenize`].
    pub fn rank_tokens(&self, tokens: &Tokens, lang: Option<Locale>) -> Vec<Match> {
        let lang = lang.unwrap_or(if tokens.is_chinese() { Locale::Zh } else { Locale::En });
        match lang {
            Locale::Zh => self.zh.rank(tokens, &self.vocab),
            Locale::En => self.en.rank(tokens, &self.vocab),
        }
    }

    /// Whether members said entry `id` (of `lang`) does not answer a
    /// message like this one: its words (known to the index or not) as
    /// close to one of the entry's negative examples as the lexical veto
    /// asks, by plain [`similarity`].
    pub fn said_not_to_answer(&self, id: &str, tokens: &Tokens, lang: Locale) -> bool {
        let ix = match lang {
            Locale::Zh => &self.zh,
            Locale::En => &self.en,
        };
        let Some(e) = ix.ids.iter().position(|x| x == id) else { return false };
        ix.negatives[e].iter().any(|n| similarity(tokens, n) >= NEGATIVE_CLOSE)
    }

    /// The best entry for `text`, if any shares anything with it.
    pub fn best(&self, text: &str, lang: Option<Locale>) -> Option<Match> {
        self.rank(text, lang).into_iter().next()
    }
}

/// Similarity of two texts in 0..1 (weighted by nothing: plain Dice of
/// words and bigrams), for clustering unanswered questions.
pub fn similarity(a: &Tokens, b: &Tokens) -> f32 {
    fn dice(a: &[String], b: &[String]) -> Option<f32> {
        if a.is_empty() && b.is_empty() {
            return None;
        }
        let a: std::collections::HashSet<&String> = a.iter().collect();
        let b: std::collections::HashSet<&String> = b.iter().collect();
        Some(2.0 * a.intersection(&b).count() as f32 / (a.len() + b.len()) as f32)
    }
    match (dice(&a.words, &b.words), dice(&a.grams, &b.grams)) {
        (Some(w), Some(g)) => w.max(g),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => 0.0,
    }
}

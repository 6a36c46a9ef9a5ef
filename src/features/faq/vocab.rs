//! The community's vocabulary of equivalents for FAQ matching: groups of
//! terms that mean the same here (`GUI = graphical = 图形界面`, `自增 =
//! serial = identity`), folded to one token on both sides (entries and
//! messages, either language), and the community's common words (its own
//! name, `数据库`), which count for little when matching.
//!
//! A PostgreSQL community's default ships in `vocabulary.txt`; moderators
//! add groups with `/faq synonym TERM = TERM…`. One line is one group:
//! terms separated by `=`; a line `common: TERM, TERM…` names common words.
//! `#` starts a comment.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use super::normalize::{add_domain_word, fold, is_cjk, tokenize};
use super::store::TermCounts;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};

/// The default vocabulary of a PostgreSQL community.
pub const POSTGRES_DEFAULT: &str = include_str!("vocabulary.txt");

/// How much a common word counts, against an ordinary word of the same
/// rarity in the FAQ.
pub const COMMON_WEIGHT: f32 = 0.2;

/// Words used by more of the community's questions than this share count
/// for less.
pub const CHAT_COMMON_SHARE: f64 = 0.05;
/// Questions counted before the chat says anything about words.
pub const MIN_CHAT_QUESTIONS: i64 = 200;

/// Most terms in one group, and most groups a community may add.
pub const MAX_TERMS: usize = 20;
/// Longest term (characters).
pub const MAX_TERM_CHARS: usize = 40;

/// Why a vocabulary line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VocabError {
    /// Fewer than two terms: nothing is equivalent to anything.
    #[error("a group needs at least two terms separated by =")]
    TooFew,
    /// More than [`MAX_TERMS`] terms.
    #[error("at most {MAX_TERMS} terms in a group")]
    TooMany,
    /// A term mixes Chinese and Latin script (`pg升级`): write each on its own.
    #[error("term {0:?} mixes Chinese and Latin script")]
    Mixed(String),
    /// A term is only stop words or punctuation (`how`, `的`).
    #[error("term {0:?} has no word to match")]
    Empty(String),
    /// A term is longer than [`MAX_TERM_CHARS`].
    #[error("term {0:?} is too long")]
    TooLong(String),
}

/// A term as the tokenizer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// One token: an English word or technical token, or a Chinese word.
    One(String),
    /// Several English tokens in a row (`explain plan`).
    Seq(Vec<String>),
}

/// The tokens a term stands for.
fn key_of(term: &str) -> Result<Key, VocabError> {
    let folded = fold(term.trim());
    if folded.chars().count() > MAX_TERM_CHARS {
        return Err(VocabError::TooLong(term.trim().to_owned()));
    }
    let cjk = folded.chars().filter(|&c| is_cjk(c)).count();
    let latin = folded.chars().filter(char::is_ascii_alphanumeric).count();
    if cjk > 0 && latin > 0 {
        return Err(VocabError::Mixed(term.trim().to_owned()));
    }
    if cjk > 0 {
        let word: String = folded.chars().filter(|&c| is_cjk(c)).collect();
        if tokenize(&word).words.is_empty() {
            return Err(VocabError::Empty(term.trim().to_owned()));
        }
        // Kept whole by the segmenter, so it is one token in a message too.
        add_domain_word(&word);
        return Ok(Key::One(word));
    }
    let mut words = tokenize(&folded).words;
    match words.len() {
        0 => Err(VocabError::Empty(term.trim().to_owned())),
        1 => Ok(Key::One(words.remove(0))),
        _ => Ok(Key::Seq(words)),
    }
}

/// Groups of equivalent terms and the common words, ready to apply to a
/// text's tokens.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// The groups, each a list of keys (the first names the group).
    groups: Vec<Vec<Key>>,
    /// Common words, by key.
    common_keys: Vec<Key>,
    /// A single token → its group.
    single: HashMap<String, u32>,
    /// Sequences by their first token: (the rest, group), longest first.
    phrases: HashMap<String, Vec<(Vec<String>, u32)>>,
    /// Per group, the token it becomes: `~` and its first term.
    canon: Vec<String>,
    /// Tokens (after folding groups) that count for [`COMMON_WEIGHT`].
    common: HashMap<String, f32>,
}

/// The shipped default, parsed once.
static DEFAULT: LazyLock<Arc<Vocabulary>> = LazyLock::new(|| {
    let (vocab, errors) = Vocabulary::parse(POSTGRES_DEFAULT);
    debug_assert!(errors.is_empty(), "{errors:?}");
    Arc::new(vocab)
});

/// No vocabulary at all.
static EMPTY: LazyLock<Arc<Vocabulary>> = LazyLock::new(|| Arc::new(Vocabulary::default()));

impl Vocabulary {
    /// The default vocabulary of a PostgreSQL community.
    pub fn postgres_default() -> Arc<Vocabulary> {
        DEFAULT.clone()
    }

    /// No equivalents, no common words.
    pub fn empty() -> Arc<Vocabulary> {
        EMPTY.clone()
    }

    /// The default with a community's own lines added (lines that do not
    /// parse any more are skipped: they were checked when added).
    pub fn with_lines<'a>(base: &Vocabulary, lines: impl IntoIterator<Item = &'a str>) -> Vocabulary {
        let mut v = base.clone();
        for line in lines {
            let _ = v.add_line(line);
        }
        v.finish();
        v
    }

    /// Parses a vocabulary file; returns it with the (1-based) lines that
    /// did not parse.
    pub fn parse(text: &str) -> (Vocabulary, Vec<(usize, VocabError)>) {
        let mut v = Vocabulary::default();
        let mut errors = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if let Err(e) = v.add_line(line) {
                errors.push((i + 1, e));
            }
        }
        v.finish();
        (v, errors)
    }

    /// Adds what the community's questions say about its words: a word
    /// used by more than [`CHAT_COMMON_SHARE`] of them counts for less, down
    /// to [`COMMON_WEIGHT`] (when most use it). Counts of fewer than
    /// [`MIN_CHAT_QUESTIONS`] questions say nothing yet.
    pub fn learn_from_chat(&mut self, counts: &TermCounts) {
        if counts.questions < MIN_CHAT_QUESTIONS {
            return;
        }
        let all = counts.questions as f32;
        for (term, df) in &counts.df {
            let share = (*df as f32 / all).clamp(1e-6, 1.0);
            let weight = ((1.0 / share).ln() / (1.0 / CHAT_COMMON_SHARE as f32).ln()).clamp(COMMON_WEIGHT, 1.0);
            if weight < 1.0 {
                let slot = self.common.entry(term.clone()).or_insert(1.0);
                *slot = slot.min(weight);
            }
        }
    }

    /// Whether it has nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.common_keys.is_empty()
    }

    /// Adds one line (a group, a `common:` line, a comment or nothing);
    /// call [`Vocabulary::finish`] after the last.
    fn add_line(&mut self, line: &str) -> Result<(), VocabError> {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix("common:") {
            for term in rest.split([',', '，', '=']).map(str::trim).filter(|t| !t.is_empty()) {
                self.common_keys.push(key_of(term)?);
            }
            return Ok(());
        }
        let keys = parse_group(line)?;
        // A term already in a group joins the groups: equivalence is transitive.
        let mut joined: Vec<Key> = Vec::new();
        let mut kept = Vec::with_capacity(self.groups.len());
        for group in std::mem::take(&mut self.groups) {
            if group.iter().any(|k| keys.contains(k)) {
                joined.extend(group);
            } else {
                kept.push(group);
            }
        }
        for k in keys {
            if !joined.contains(&k) {
                joined.push(k);
            }
        }
        kept.push(joined);
        self.groups = kept;
        Ok(())
    }

    /// Builds the lookup tables from the groups.
    fn finish(&mut self) {
        self.single.clear();
        self.phrases.clear();
        self.canon.clear();
        self.common.clear();
        for (g, group) in self.groups.iter().enumerate() {
            let g = g as u32;
            let name = match &group[0] {
                Key::One(w) => w.clone(),
                Key::Seq(ws) => ws.join("_"),
            };
            self.canon.push(format!("~{name}"));
            for key in group {
                match key {
                    Key::One(w) => {
                        self.single.insert(w.clone(), g);
                    }
                    Key::Seq(ws) => self.phrases.entry(ws[0].clone()).or_default().push((ws[1..].to_vec(), g)),
                }
            }
        }
        for list in self.phrases.values_mut() {
            list.sort_by_key(|(rest, _)| std::cmp::Reverse(rest.len()));
        }
        for key in &self.common_keys {
            let token = match key {
                Key::One(w) => self.single.get(w).map_or_else(|| w.clone(), |&g| self.canon[g as usize].clone()),
                Key::Seq(ws) => {
                    let mut ws = ws.clone();
                    self.apply(&mut ws);
                    ws.join(" ")
                }
            };
            self.common.insert(token, COMMON_WEIGHT);
        }
    }

    /// Whether `word` (a Chinese word from the segmenter) is a term, so the
    /// pieces the segmenter also offers of it are dropped.
    pub(super) fn is_whole_term(&self, word: &str) -> bool {
        !self.single.is_empty() && self.single.contains_key(word)
    }

    /// Replaces every term in `words` by its group's token; sequences first,
    /// longest first.
    pub(super) fn apply(&self, words: &mut Vec<String>) {
        if self.groups.is_empty() || words.is_empty() {
            return;
        }
        // Words are moved, not copied: this runs on every question.
        let mut input = std::mem::take(words);
        let mut i = 0;
        'next: while i < input.len() {
            if let Some(candidates) = self.phrases.get(&input[i]) {
                for (rest, g) in candidates {
                    if input[i + 1..].starts_with(rest) {
                        words.push(self.canon[*g as usize].clone());
                        i += 1 + rest.len();
                        continue 'next;
                    }
                }
            }
            match self.single.get(&input[i]) {
                Some(&g) => words.push(self.canon[g as usize].clone()),
                None => words.push(std::mem::take(&mut input[i])),
            }
            i += 1;
        }
    }

    /// How much a token counts: [`COMMON_WEIGHT`] for a common word, else 1.
    pub fn weight(&self, token: &str) -> f32 {
        if self.common.is_empty() { 1.0 } else { self.common.get(token).copied().unwrap_or(1.0) }
    }

    /// The groups, one line each (`a = b = c`), for listing and export.
    pub fn lines(&self) -> Vec<String> {
        self.groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|k| match k {
                        Key::One(w) => w.clone(),
                        Key::Seq(ws) => ws.join(" "),
                    })
                    .collect::<Vec<_>>()
                    .join(" = ")
            })
            .collect()
    }
}

/// Checks a group line (`TERM = TERM…`) and gives its keys, duplicates
/// dropped. What `/faq synonym` stores is the line as typed.
fn parse_group(line: &str) -> Result<Vec<Key>, VocabError> {
    let terms: Vec<&str> = line.split(['=', '＝']).map(str::trim).filter(|t| !t.is_empty()).collect();
    if terms.len() > MAX_TERMS {
        return Err(VocabError::TooMany);
    }
    let mut keys = Vec::new();
    for term in terms {
        let key = key_of(term)?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    if keys.len() < 2 {
        return Err(VocabError::TooFew);
    }
    Ok(keys)
}

/// A group line, checked: `Ok` with the line tidied (`a = b = c`).
pub fn check_line(line: &str) -> Result<String, VocabError> {
    parse_group(line)?;
    Ok(line.split(['=', '＝']).map(str::trim).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" = "))
}

/// What `/faq unsynonym` names, among a community's own `lines`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// These lines: the group written out (`a = b`), or every group with
    /// the term.
    Lines(Vec<String>),
    /// None of the lines; the term is one of the default vocabulary's.
    Builtin,
    /// Nothing.
    Nothing,
}

/// The lines of `lines` that `what` names: a whole group (`a = b`, in any
/// order and spelling that folds the same) or one term (every group with
/// it).
pub fn lines_named(lines: &[String], what: &str) -> Result<Named, VocabError> {
    let keys_of = |line: &str| parse_group(line).unwrap_or_default();
    let named: Vec<String> = if what.contains(['=', '＝']) {
        let mut wanted = parse_group(what)?;
        wanted.sort_by_key(key_text);
        lines
            .iter()
            .filter(|l| {
                let mut keys = keys_of(l);
                keys.sort_by_key(key_text);
                keys == wanted
            })
            .cloned()
            .collect()
    } else {
        let key = key_of(what)?;
        lines.iter().filter(|l| keys_of(l).contains(&key)).cloned().collect()
    };
    if !named.is_empty() {
        return Ok(Named::Lines(named));
    }
    let builtin = |key: &Key| DEFAULT.groups.iter().any(|g| g.contains(key));
    let in_default = match parse_group(what) {
        Ok(keys) => keys.iter().any(builtin),
        Err(_) => key_of(what).is_ok_and(|k| builtin(&k)),
    };
    Ok(if in_default { Named::Builtin } else { Named::Nothing })
}

fn key_text(k: &Key) -> String {
    match k {
        Key::One(w) => w.clone(),
        Key::Seq(ws) => ws.join(" "),
    }
}

/// Why an import of vocabulary lines did nothing.
#[derive(Debug, thiserror::Error)]
pub enum SynonymImportFailed {
    /// Lines that do not parse, (line number, why); nothing was imported.
    #[error("{} line(s) do not parse", .0.len())]
    Lines(Vec<(usize, VocabError)>),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `jixia faq import-synonyms`: adds a vocabulary file's groups (the
/// format of `vocabulary.txt`; `common:` lines are the default's only and
/// are refused) to a community, after checking every line: nothing is
/// imported if one is wrong. Returns (added, already there).
pub async fn import_synonyms(
    store: &Store,
    community: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(usize, usize), SynonymImportFailed> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with("common:") {
            errors.push((i + 1, VocabError::TooFew));
            continue;
        }
        match check_line(line) {
            Ok(l) => lines.push(l),
            Err(e) => errors.push((i + 1, e)),
        }
    }
    if !errors.is_empty() {
        return Err(SynonymImportFailed::Lines(errors));
    }
    let mut added = 0;
    for line in &lines {
        added += usize::from(store.faq().faq_add_synonym(community, line, now).await?);
    }
    Ok((added, lines.len() - added))
}

/// `jixia faq export-synonyms`: the community's own lines, as a file
/// `import-synonyms` reads back.
pub async fn export_synonyms(store: &Store, community: &str) -> Result<String, StoreError> {
    let mut out = format!("# FAQ synonyms of community {community} (jixia faq export-synonyms)\n");
    for line in store.faq().faq_synonyms(community).await? {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::faq::normalize::tokenize_with;

    #[test]
    fn the_default_parses_and_folds_both_languages() {
        let (_, errors) = Vocabulary::parse(POSTGRES_DEFAULT);
        assert!(errors.is_empty(), "{errors:?}");
        let v = Vocabulary::postgres_default();
        let a = tokenize_with("执行计划怎么看？", &v).words;
        let b = tokenize_with("how do I view the explain plan for a query?", &v).words;
        assert!(a.iter().any(|w| b.contains(w) && w.starts_with('~')), "{a:?} / {b:?}");
        let c = tokenize_with("自增列怎么创建？", &v).words;
        let d = tokenize_with("How do I create a serial/auto-incrementing field?", &v).words;
        assert!(c.iter().any(|w| d.contains(w) && w.starts_with('~')), "{c:?} / {d:?}");
    }

    #[test]
    fn words_most_questions_use_count_for_less() {
        let mut v = Vocabulary::default();
        let counts = |questions| TermCounts {
            questions,
            df: vec![
                ("~pg".into(), questions * 6 / 10),
                ("vacuum".into(), questions / 50),
                ("锁".into(), questions / 5),
            ],
        };
        v.learn_from_chat(&counts(100));
        assert_eq!(v.weight("~pg"), 1.0, "too few questions to say");
        v.learn_from_chat(&counts(1000));
        assert_eq!(v.weight("~pg"), COMMON_WEIGHT);
        assert_eq!(v.weight("vacuum"), 1.0);
        assert!((0.3..0.8).contains(&v.weight("锁")), "{}", v.weight("锁"));
    }

    #[test]
    fn groups_join_and_bad_lines_are_refused() {
        let (v, errors) = Vocabulary::parse("a1 = b1\nb1 = c1\nonly\npg升级 = x\n");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(v.lines(), vec!["a1 = b1 = c1"]);
        assert_eq!(check_line(" 主机 ＝ host=电脑 "), Ok("主机 = host = 电脑".to_owned()));
        assert_eq!(check_line("how = what"), Err(VocabError::Empty("how".to_owned())));
    }
}

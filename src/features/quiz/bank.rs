//! Our own bank format: one TOML file per bank, under `config/quizzes/`
//! or given to `jixia quiz import FILE`. Documented with an example in
//! `DESIGN.md` and the README; `starter-bank.toml` is the reference.
//!
//! ```toml
//! [bank]                      # optional
//! id = "postgres"             # default: the file name without extension
//! title = "PostgreSQL 入门"
//! author = "jixia"
//! lang = "zh"                 # language of each question's own text (default zh)
//! topic = "postgres"          # topic of questions that do not name one
//!
//! [topics.postgres]           # optional display names
//! zh = "PostgreSQL"
//! en = "PostgreSQL"
//!
//! [round]                     # optional round defaults (Red's CONFIG)
//! question_secs = 20
//!
//! [[question]]
//! id = "pg_default_port"
//! difficulty = 1
//! text = "PostgreSQL 默认监听哪个 TCP 端口？"
//! answers = ["5432"]          # free answer …
//! explanation = "见 port 参数。"
//! [question.en]               # the same question in English
//! text = "Which TCP port does PostgreSQL listen on by default?"
//! answers = ["5432"]
//!
//! [[question]]
//! id = "pg_vacuum_full"
//! difficulty = 2
//! text = "哪个命令会重写整张表并归还磁盘空间？"
//! options = ["VACUUM", "VACUUM FULL", "ANALYZE"]   # … or multiple choice
//! correct = "VACUUM FULL"                          # one option, or a list of them
//! ```
//!
//! Parsing is all-or-nothing: every problem is collected with its line and
//! the bank is refused if there is any ([`Report`]).

use std::collections::HashMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::answer::fold;
use super::model::{
    Bank, Body, Format, Lang, MAX_DIFFICULTY, MAX_EXPLANATION_CHARS, MAX_OPTIONS, MAX_SHORT_CHARS, MAX_TEXT_CHARS,
    MIN_DIFFICULTY, MIN_OPTIONS, Question, RoundDefaults, Variant, is_id, is_topic,
};
use super::report::{BankError, Problem, Report, closest};

const TOP_KEYS: &[&str] = &["bank", "topics", "round", "question"];
const BANK_KEYS: &[&str] = &["id", "title", "author", "lang", "topic"];
const ROUND_KEYS: &[&str] = &["question_secs", "max_score", "reveal_answer", "idle_stop_secs", "payout_multiplier"];
const QUESTION_KEYS: &[&str] =
    &["id", "topic", "difficulty", "lang", "text", "options", "correct", "answers", "explanation", "zh", "en"];
const VARIANT_KEYS: &[&str] = &["text", "options", "correct", "answers", "explanation"];

/// Range of a question's open time, in seconds (Red's `delay` is at least 4).
pub const QUESTION_SECS: (f64, f64) = (4.0, 600.0);
/// Range of `max_score`.
pub const MAX_SCORE: (i64, i64) = (1, 1000);
/// Range of `idle_stop_secs` (Red's `timeout`: above 0).
pub const IDLE_STOP_SECS: (f64, f64) = (0.0, 86_400.0);
/// Range of `payout_multiplier`.
pub const PAYOUT_MULTIPLIER: (f64, f64) = (0.0, 100.0);

/// The bank id a file gets when it does not name one: its file name
/// without extension, lower-cased, other characters turned into `-`.
pub fn id_from_file(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = name.split_once('.').map_or(name, |(s, _)| s);
    let id: String = stem
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' { c } else { '-' })
        .collect();
    id.trim_matches('-').to_owned()
}

/// Collects problems with their lines.
pub(crate) struct Cx<'a> {
    file: &'a str,
    line_starts: Vec<usize>,
    pub(crate) errors: Vec<BankError>,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(file: &'a str, text: &str) -> Cx<'a> {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Cx { file, line_starts, errors: Vec::new() }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|start| *start <= offset).max(1)
    }

    pub(crate) fn at_line(&mut self, line: usize, problem: Problem) {
        self.errors.push(BankError { file: self.file.to_owned(), line, problem });
    }

    fn at(&mut self, offset: usize, problem: Problem) {
        let line = self.line(offset);
        self.at_line(line, problem);
    }

    pub(crate) fn finish<T>(self, value: T) -> Result<T, Report> {
        if self.errors.is_empty() { Ok(value) } else { Err(Report::sorted(self.errors)) }
    }
}

type Entry<'t, 'i> = (&'t Spanned<std::borrow::Cow<'i, str>>, &'t Spanned<DeValue<'i>>);

/// Reports keys of `table` not in `known`.
fn unknown_keys(cx: &mut Cx<'_>, table: &DeTable<'_>, known: &[&'static str], name: &str) {
    for (k, _) in table.iter() {
        if !known.contains(&k.get_ref().as_ref()) {
            let key = k.get_ref().to_string();
            let suggestion = closest(&key, known);
            cx.at(k.span().start, Problem::UnknownKey { key, table: name.to_owned(), suggestion });
        }
    }
}

fn entry<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<Entry<'t, 'i>> {
    table.iter().find(|(k, _)| k.get_ref().as_ref() == key)
}

/// A text value; reports a wrong type.
fn text(cx: &mut Cx<'_>, table: &DeTable<'_>, key: &str, display: &str) -> Option<(String, usize)> {
    let (_, v) = entry(table, key)?;
    match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), v.span().start)),
        _ => {
            cx.at(v.span().start, Problem::Type { key: display.to_owned(), expected: "text in quotes" });
            None
        }
    }
}

/// A text value checked for emptiness and length.
fn checked_text(cx: &mut Cx<'_>, table: &DeTable<'_>, key: &str, display: &str, max: usize) -> Option<String> {
    let (s, at) = text(cx, table, key, display)?;
    if s.trim().is_empty() {
        cx.at(at, Problem::Empty { key: display.to_owned() });
        return None;
    }
    if s.chars().count() > max {
        cx.at(at, Problem::TooLong { key: display.to_owned(), max });
        return None;
    }
    Some(s.trim().to_owned())
}

/// A number (integer or float) as f64, with its raw text.
fn number(v: &DeValue<'_>) -> Option<(f64, String)> {
    match v {
        DeValue::Integer(i) => {
            let raw = i.as_str().replace('_', "");
            let n = i64::from_str_radix(&raw, i.radix()).ok()?;
            Some((n as f64, n.to_string()))
        }
        DeValue::Float(f) => {
            let raw = f.as_str().replace('_', "");
            raw.parse::<f64>().ok().filter(|x| x.is_finite()).map(|x| (x, raw))
        }
        _ => None,
    }
}

/// A list of texts: an array of strings (numbers count as their text), or
/// one string when `one_ok`.
fn texts(cx: &mut Cx<'_>, v: &Spanned<DeValue<'_>>, display: &str, one_ok: bool) -> Option<Vec<(String, usize)>> {
    let expected = if one_ok { "text or a list of texts" } else { "a list of texts, such as [\"5432\"]" };
    match v.get_ref() {
        DeValue::String(s) if one_ok => Some(vec![(s.to_string(), v.span().start)]),
        DeValue::Array(items) => {
            let mut out = Vec::new();
            for item in items.iter() {
                match item.get_ref() {
                    DeValue::String(s) => out.push((s.to_string(), item.span().start)),
                    other => match number(other) {
                        Some((_, raw)) => out.push((raw, item.span().start)),
                        None => {
                            cx.at(item.span().start, Problem::Type { key: display.to_owned(), expected });
                            return None;
                        }
                    },
                }
            }
            Some(out)
        }
        _ => {
            cx.at(v.span().start, Problem::Type { key: display.to_owned(), expected });
            None
        }
    }
}

/// Bank-wide settings that questions inherit.
#[derive(Debug, Clone)]
struct Defaults {
    lang: Lang,
    topic: Option<String>,
}

/// Parses and validates a bank in our format. `file` names the file in
/// reports and gives the bank id when `[bank] id` is absent.
pub fn parse(file: &str, text_src: &str) -> Result<Bank, Report> {
    let mut cx = Cx::new(file, text_src);
    let doc = match DeTable::parse(text_src) {
        Ok(doc) => doc,
        Err(e) => {
            let line = e.span().map_or(1, |s| cx.line(s.start));
            cx.at_line(line, Problem::Syntax(e.message().to_owned()));
            return cx.finish(Bank::empty(file));
        }
    };
    let doc = doc.get_ref();
    unknown_keys(&mut cx, doc, TOP_KEYS, "the file");
    let mut bank = Bank::empty(file);
    let mut defaults = Defaults { lang: Lang::Zh, topic: None };

    if let Some((_, v)) = entry(doc, "bank") {
        match v.get_ref() {
            DeValue::Table(t) => {
                unknown_keys(&mut cx, t, BANK_KEYS, "[bank]");
                if let Some((id, at)) = text(&mut cx, t, "id", "bank.id") {
                    if is_id(&id) {
                        bank.id = id;
                    } else {
                        cx.at(at, Problem::BadId { id, what: "bank id" });
                    }
                }
                bank.title = checked_text(&mut cx, t, "title", "bank.title", MAX_SHORT_CHARS);
                bank.author = checked_text(&mut cx, t, "author", "bank.author", MAX_SHORT_CHARS);
                if let Some((code, at)) = text(&mut cx, t, "lang", "bank.lang") {
                    match Lang::parse(&code) {
                        Some(l) => defaults.lang = l,
                        None => cx.at(at, Problem::Lang { got: code }),
                    }
                }
                if let Some((topic, at)) = text(&mut cx, t, "topic", "bank.topic") {
                    if is_topic(&topic) {
                        defaults.topic = Some(topic);
                    } else {
                        cx.at(at, Problem::BadId { id: topic, what: "topic" });
                    }
                }
            }
            _ => cx.at(v.span().start, Problem::Type { key: "bank".into(), expected: "a table: [bank]" }),
        }
    }
    if !is_id(&bank.id) {
        cx.at_line(1, Problem::BadId { id: bank.id.clone(), what: "bank id" });
    }

    if let Some((_, v)) = entry(doc, "topics") {
        match v.get_ref() {
            DeValue::Table(t) => {
                for (k, tv) in t.iter() {
                    let topic = k.get_ref().to_string();
                    if !is_topic(&topic) {
                        cx.at(k.span().start, Problem::BadId { id: topic.clone(), what: "topic" });
                        continue;
                    }
                    let DeValue::Table(names) = tv.get_ref() else {
                        cx.at(
                            tv.span().start,
                            Problem::Type {
                                key: format!("topics.{topic}"),
                                expected: "a table of names: zh = \"…\", en = \"…\"",
                            },
                        );
                        continue;
                    };
                    unknown_keys(&mut cx, names, &["zh", "en"], &format!("[topics.{topic}]"));
                    for lang in Lang::ALL {
                        let key = format!("topics.{topic}.{lang}");
                        if let Some(name) = checked_text(&mut cx, names, lang.code(), &key, MAX_SHORT_CHARS) {
                            bank.topic_names.push((topic.clone(), lang, name));
                        }
                    }
                }
            }
            _ => cx.at(v.span().start, Problem::Type { key: "topics".into(), expected: "a table: [topics.NAME]" }),
        }
    }

    if let Some((_, v)) = entry(doc, "round") {
        match v.get_ref() {
            DeValue::Table(t) => bank.round = round(&mut cx, t),
            _ => cx.at(v.span().start, Problem::Type { key: "round".into(), expected: "a table: [round]" }),
        }
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    match entry(doc, "question") {
        Some((_, v)) => match v.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    let line = cx.line(item.span().start);
                    let DeValue::Table(t) = item.get_ref() else {
                        cx.at_line(line, Problem::Type { key: "question".into(), expected: "tables: [[question]]" });
                        continue;
                    };
                    if let Some(q) = question(&mut cx, t, line, &defaults, &mut seen) {
                        bank.questions.push(q);
                    }
                }
            }
            _ => cx.at(v.span().start, Problem::Type { key: "question".into(), expected: "tables: [[question]]" }),
        },
        None => cx.at_line(1, Problem::NoQuestions),
    }
    if bank.questions.is_empty() && cx.errors.is_empty() {
        cx.at_line(1, Problem::NoQuestions);
    }
    cx.finish(bank)
}

impl Bank {
    fn empty(file: &str) -> Bank {
        Bank {
            id: id_from_file(file),
            format: Format::Jixia,
            title: None,
            author: None,
            topic_names: Vec::new(),
            round: RoundDefaults::default(),
            questions: Vec::new(),
        }
    }
}

/// `[round]`.
fn round(cx: &mut Cx<'_>, t: &DeTable<'_>) -> RoundDefaults {
    unknown_keys(cx, t, ROUND_KEYS, "[round]");
    let mut r = RoundDefaults::default();
    for (k, v) in t.iter() {
        let key = k.get_ref().as_ref();
        let at = v.span().start;
        let display = format!("round.{key}");
        match key {
            "reveal_answer" => match v.get_ref() {
                DeValue::Boolean(b) => r.reveal_answer = Some(*b),
                _ => cx.at(at, Problem::Type { key: display, expected: "true or false" }),
            },
            "question_secs" | "idle_stop_secs" | "payout_multiplier" | "max_score" => {
                let Some((n, raw)) = number(v.get_ref()) else {
                    cx.at(at, Problem::Type { key: display, expected: "a number" });
                    continue;
                };
                match key {
                    "question_secs" if (QUESTION_SECS.0..=QUESTION_SECS.1).contains(&n) => {
                        r.question_ms = Some(secs_to_ms(n));
                    }
                    "question_secs" => {
                        cx.at(at, Problem::Range { key: display, got: raw, allowed: "4 to 600 seconds" });
                    }
                    "idle_stop_secs" if n > IDLE_STOP_SECS.0 && n <= IDLE_STOP_SECS.1 => {
                        r.idle_stop_ms = Some(secs_to_ms(n));
                    }
                    "idle_stop_secs" => {
                        cx.at(at, Problem::Range { key: display, got: raw, allowed: "above 0, at most 86400 seconds" });
                    }
                    "payout_multiplier" if (PAYOUT_MULTIPLIER.0..=PAYOUT_MULTIPLIER.1).contains(&n) => {
                        r.payout_multiplier = Some(n);
                    }
                    "payout_multiplier" => {
                        cx.at(at, Problem::Range { key: display, got: raw, allowed: "0 to 100" });
                    }
                    _ => match v.get_ref() {
                        DeValue::Integer(_) if (1.0..=1000.0).contains(&n) => {
                            r.max_score = u32::try_from(n as i64).ok();
                        }
                        DeValue::Integer(_) => {
                            cx.at(
                                at,
                                Problem::Range { key: display, got: raw, allowed: "a whole number from 1 to 1000" },
                            );
                        }
                        _ => cx.at(at, Problem::Type { key: display, expected: "a whole number" }),
                    },
                }
            }
            _ => {}
        }
    }
    r
}

/// Seconds (possibly fractional) to whole milliseconds.
pub fn secs_to_ms(secs: f64) -> u64 {
    // The callers checked the range: positive and far below u64::MAX.
    (secs * 1000.0).round() as u64
}

/// One `[[question]]`. `None` when it has problems (they are in `cx`).
fn question(
    cx: &mut Cx<'_>,
    t: &DeTable<'_>,
    line: usize,
    defaults: &Defaults,
    seen: &mut HashMap<String, usize>,
) -> Option<Question> {
    let before = cx.errors.len();
    unknown_keys(cx, t, QUESTION_KEYS, "[[question]]");
    let id = match text(cx, t, "id", "id") {
        Some((id, at)) if is_id(&id) => {
            if let Some(first) = seen.get(&id) {
                cx.at(at, Problem::DuplicateId { id: id.clone(), first_line: *first });
            } else {
                seen.insert(id.clone(), cx.line(at));
            }
            id
        }
        Some((id, at)) => {
            cx.at(at, Problem::BadId { id: id.clone(), what: "question id" });
            id
        }
        None => {
            if entry(t, "id").is_none() {
                cx.at_line(line, Problem::Missing { key: "id" });
            }
            format!("(line {line})")
        }
    };
    let topic = match text(cx, t, "topic", "topic") {
        Some((topic, _)) if is_topic(&topic) => Some(topic),
        Some((topic, at)) => {
            cx.at(at, Problem::BadId { id: topic, what: "topic" });
            None
        }
        None if entry(t, "topic").is_none() && defaults.topic.is_none() => {
            cx.at_line(line, Problem::Missing { key: "topic" });
            None
        }
        None => defaults.topic.clone(),
    };
    let difficulty = match entry(t, "difficulty") {
        Some((_, v)) => match v.get_ref() {
            DeValue::Integer(_) => {
                let (n, raw) = number(v.get_ref()).unwrap_or((0.0, "?".into()));
                if n >= f64::from(MIN_DIFFICULTY) && n <= f64::from(MAX_DIFFICULTY) {
                    u8::try_from(n as i64).ok()
                } else {
                    cx.at(v.span().start, Problem::Difficulty { got: raw });
                    None
                }
            }
            _ => {
                cx.at(
                    v.span().start,
                    Problem::Type { key: "difficulty".into(), expected: "a whole number from 1 to 5" },
                );
                None
            }
        },
        None => {
            cx.at_line(line, Problem::Missing { key: "difficulty" });
            None
        }
    };
    let lang = match text(cx, t, "lang", "lang") {
        Some((code, at)) => Lang::parse(&code).or_else(|| {
            cx.at(at, Problem::Lang { got: code });
            None
        }),
        None => Some(defaults.lang),
    };
    let base = lang.and_then(|lang| variant(cx, t, &id, lang, line, ""));
    let mut variants: Vec<Variant> = base.into_iter().collect();
    for other in Lang::ALL {
        let Some((k, v)) = entry(t, other.code()) else { continue };
        if Some(other) == lang {
            cx.at(k.span().start, Problem::TranslationSameLang { id: id.clone() });
            continue;
        }
        let DeValue::Table(tt) = v.get_ref() else {
            cx.at(v.span().start, Problem::Type { key: other.code().into(), expected: "a table: [question.en]" });
            continue;
        };
        let tline = cx.line(k.span().start);
        unknown_keys(cx, tt, VARIANT_KEYS, &format!("[question.{other}]"));
        if let Some(tv) = variant(cx, tt, &id, other, tline, &format!("{other}.")) {
            if let Some(b) = variants.first() {
                check_shape(cx, &id, b, &tv, tline);
            }
            variants.push(tv);
        }
    }
    if cx.errors.len() > before {
        return None;
    }
    Some(Question { id, topic: topic?, difficulty: difficulty?, variants, line })
}

/// The text, options or answers, and explanation of one language.
fn variant(cx: &mut Cx<'_>, t: &DeTable<'_>, id: &str, lang: Lang, line: usize, prefix: &str) -> Option<Variant> {
    let text = match checked_text(cx, t, "text", &format!("{prefix}text"), MAX_TEXT_CHARS) {
        Some(s) => Some(s),
        None => {
            if entry(t, "text").is_none() {
                cx.at_line(line, Problem::Missing { key: "text" });
            }
            None
        }
    };
    let explanation = checked_text(cx, t, "explanation", &format!("{prefix}explanation"), MAX_EXPLANATION_CHARS);
    let options = entry(t, "options");
    let correct = entry(t, "correct");
    let answers = entry(t, "answers");
    let body = match (options, answers) {
        (Some(_), Some(_)) => {
            cx.at_line(line, Problem::BothKinds { id: id.to_owned() });
            None
        }
        (None, None) => {
            cx.at_line(line, Problem::NoAnswers { id: id.to_owned() });
            None
        }
        (None, Some((_, av))) => {
            if let Some((k, _)) = correct {
                let suggestion = None;
                cx.at(
                    k.span().start,
                    Problem::UnknownKey {
                        key: "correct".into(),
                        table: "a free-answer question (use `answers`, or add `options`)".into(),
                        suggestion,
                    },
                );
            }
            let list = texts(cx, av, &format!("{prefix}answers"), false)?;
            if list.is_empty() {
                cx.at(av.span().start, Problem::NoAnswers { id: id.to_owned() });
            }
            let mut answers = Vec::new();
            for (a, at) in list {
                if fold(&a).is_empty() {
                    cx.at(at, Problem::Empty { key: format!("{prefix}answers") });
                } else if a.chars().count() > MAX_SHORT_CHARS {
                    cx.at(at, Problem::TooLong { key: format!("{prefix}answers"), max: MAX_SHORT_CHARS });
                } else {
                    answers.push(a.trim().to_owned());
                }
            }
            Some(Body::Free { answers })
        }
        (Some((_, ov)), None) => {
            let list = texts(cx, ov, &format!("{prefix}options"), false)?;
            let at = ov.span().start;
            if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&list.len()) {
                cx.at(at, Problem::OptionCount { id: id.to_owned(), count: list.len() });
            }
            let mut options: Vec<String> = Vec::new();
            for (o, oat) in &list {
                if fold(o).is_empty() {
                    cx.at(*oat, Problem::Empty { key: format!("{prefix}options") });
                } else if o.chars().count() > MAX_SHORT_CHARS {
                    cx.at(*oat, Problem::TooLong { key: format!("{prefix}options"), max: MAX_SHORT_CHARS });
                } else if options.iter().any(|p| fold(p) == fold(o)) {
                    cx.at(*oat, Problem::DuplicateOption { id: id.to_owned(), option: o.clone() });
                } else {
                    options.push(o.trim().to_owned());
                }
            }
            let mut correct_ix = Vec::new();
            match correct {
                None => cx.at_line(line, Problem::NoAnswers { id: id.to_owned() }),
                Some((_, cv)) => {
                    let list = texts(cx, cv, &format!("{prefix}correct"), true)?;
                    if list.is_empty() {
                        cx.at(cv.span().start, Problem::NoAnswers { id: id.to_owned() });
                    }
                    for (c, cat) in list {
                        match options.iter().position(|o| fold(o) == fold(&c)) {
                            Some(i) if !correct_ix.contains(&i) => correct_ix.push(i),
                            Some(_) => {}
                            None => cx.at(cat, Problem::NotAnOption { id: id.to_owned(), answer: c }),
                        }
                    }
                }
            }
            correct_ix.sort_unstable();
            Some(Body::Choice { options, correct: correct_ix })
        }
    };
    Some(Variant { lang, text: text?, body: body?, explanation })
}

/// A translation must ask the same thing: same kind, same number of
/// options, the same options correct.
fn check_shape(cx: &mut Cx<'_>, id: &str, base: &Variant, t: &Variant, line: usize) {
    let lang = t.lang.code().to_owned();
    let what = match (&base.body, &t.body) {
        (Body::Choice { options: a, correct: ca }, Body::Choice { options: b, correct: cb }) => {
            if a.len() != b.len() {
                Some("another number of options")
            } else if ca != cb {
                Some("other correct options")
            } else {
                None
            }
        }
        (Body::Free { .. }, Body::Free { .. }) => None,
        _ => Some("another kind (multiple choice / free answer)"),
    };
    if let Some(what) = what {
        cx.at_line(line, Problem::TranslationShape { id: id.to_owned(), lang, what });
    }
}

/// What the store already holds, for checks across banks.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    /// Question id → the bank holding it.
    pub ids: HashMap<String, String>,
    /// Topic → (bank, its round defaults), for topics with defaults.
    pub round_defaults: HashMap<String, (String, RoundDefaults)>,
}

/// Checks a parsed bank against the other banks in the store: a question id
/// may live in one bank only (re-importing the same bank replaces it), and
/// a topic gets round defaults from one bank only.
pub fn check_against(bank: &Bank, file: &str, existing: &Existing) -> Result<(), Report> {
    let mut errors = Vec::new();
    for q in &bank.questions {
        if let Some(other) = existing.ids.get(&q.id).filter(|b| **b != bank.id) {
            errors.push(BankError {
                file: file.to_owned(),
                line: q.line,
                problem: Problem::IdInOtherBank { id: q.id.clone(), bank: other.clone() },
            });
        }
    }
    if !bank.round.is_empty() {
        for topic in bank.topics() {
            if let Some((other, r)) = existing.round_defaults.get(topic)
                && *other != bank.id
                && *r != bank.round
            {
                errors.push(BankError {
                    file: file.to_owned(),
                    line: 1,
                    problem: Problem::RoundConflict { topic: topic.to_owned(), bank: other.clone() },
                });
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Report::sorted(errors)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::quiz::model::Kind;

    const GOOD: &str = r#"
[bank]
title = "测试"
topic = "postgres"

[round]
question_secs = 15
max_score = 5

[[question]]
id = "port"
difficulty = 1
text = "PostgreSQL 默认端口？"
answers = ["5432"]
explanation = "port 参数"
[question.en]
text = "Default port of PostgreSQL?"
answers = ["5432", "five four three two"]

[[question]]
id = "vacuum_full"
difficulty = 2
text = "哪个命令重写整张表？"
options = ["VACUUM", "VACUUM FULL", "ANALYZE"]
correct = "VACUUM FULL"
[question.en]
text = "Which command rewrites the whole table?"
options = ["VACUUM", "VACUUM FULL", "ANALYZE"]
correct = ["vacuum full"]

[[question]]
id = "en-only"
topic = "sql"
lang = "en"
difficulty = 5
text = "Which are aggregate functions?"
options = ["count", "lower", "sum", "now"]
correct = ["count", "sum"]
"#;

    fn problems(src: &str) -> Vec<(usize, Problem)> {
        match parse("bad.toml", src) {
            Ok(b) => panic!("accepted: {b:?}"),
            Err(Report(errors)) => errors.into_iter().map(|e| (e.line, e.problem)).collect(),
        }
    }

    #[test]
    fn a_good_bank_parses() {
        let bank = parse("config/quizzes/Test Bank 2.toml", GOOD).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(bank.id, "test-bank-2");
        assert_eq!(bank.title.as_deref(), Some("测试"));
        assert_eq!(bank.round.question_ms, Some(15_000));
        assert_eq!(bank.round.max_score, Some(5));
        assert_eq!(bank.questions.len(), 3);
        let port = &bank.questions[0];
        assert_eq!((port.id.as_str(), port.topic.as_str(), port.difficulty, port.line), ("port", "postgres", 1, 10));
        assert_eq!(port.variants.len(), 2);
        assert_eq!(port.variants[0].lang, Lang::Zh);
        assert_eq!(port.variants[0].explanation.as_deref(), Some("port 参数"));
        assert_eq!(port.variants[1].body, Body::Free { answers: vec!["5432".into(), "five four three two".into()] });
        let vf = &bank.questions[1];
        assert_eq!(vf.kind(), Kind::Choice);
        assert_eq!(
            vf.variants[0].body,
            Body::Choice { options: vec!["VACUUM".into(), "VACUUM FULL".into(), "ANALYZE".into()], correct: vec![1] }
        );
        let en = &bank.questions[2];
        assert_eq!((en.topic.as_str(), en.variants[0].lang), ("sql", Lang::En));
        assert!(matches!(&en.variants[0].body, Body::Choice { correct, .. } if *correct == vec![0, 2]));
        assert_eq!(bank.topics(), vec!["postgres", "sql"]);
        assert_eq!(bank.counts().get(&("postgres".to_owned(), 1, Lang::En)), Some(&1));
    }

    #[test]
    fn duplicate_ids_are_reported_with_both_lines() {
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\nanswers = [\"x\"]\n\
                   [[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q2\"\nanswers = [\"y\"]\n";
        assert_eq!(problems(src), vec![(8, Problem::DuplicateId { id: "a".into(), first_line: 2 })]);
    }

    #[test]
    fn a_question_without_answers_is_refused() {
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\n";
        assert_eq!(problems(src), vec![(1, Problem::NoAnswers { id: "a".into() })]);
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\nanswers = []\n";
        assert_eq!(problems(src), vec![(6, Problem::NoAnswers { id: "a".into() })]);
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\noptions = [\"x\", \"y\"]\n";
        assert_eq!(problems(src), vec![(1, Problem::NoAnswers { id: "a".into() })]);
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\nanswers = [\"  \"]\n";
        assert_eq!(problems(src), vec![(6, Problem::Empty { key: "answers".into() })]);
    }

    #[test]
    fn a_correct_answer_must_be_among_the_options() {
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\n\
                   options = [\"x\", \"y\"]\ncorrect = [\"y\", \"z\"]\n";
        assert_eq!(problems(src), vec![(7, Problem::NotAnOption { id: "a".into(), answer: "z".into() })]);
    }

    #[test]
    fn unknown_keys_are_refused_with_a_suggestion() {
        let src = "[bank]\ntitel = \"x\"\n[[question]]\nid = \"a\"\ntopic = \"t\"\ndificulty = 1\ntext = \"q\"\n\
                   answers = [\"x\"]\n[question.en]\ntext = \"q\"\nanswer = [\"x\"]\n[extra]\n";
        let p = problems(src);
        assert!(
            p.contains(&(
                2,
                Problem::UnknownKey { key: "titel".into(), table: "[bank]".into(), suggestion: Some("title") }
            )),
            "{p:?}"
        );
        assert!(
            p.contains(&(
                6,
                Problem::UnknownKey {
                    key: "dificulty".into(),
                    table: "[[question]]".into(),
                    suggestion: Some("difficulty")
                }
            )),
            "{p:?}"
        );
        assert!(p.contains(&(3, Problem::Missing { key: "difficulty" })), "{p:?}");
        assert!(
            p.contains(&(
                11,
                Problem::UnknownKey {
                    key: "answer".into(),
                    table: "[question.en]".into(),
                    suggestion: Some("answers")
                }
            )),
            "{p:?}"
        );
        assert!(
            p.contains(&(12, Problem::UnknownKey { key: "extra".into(), table: "the file".into(), suggestion: None })),
            "{p:?}"
        );
    }

    #[test]
    fn difficulty_out_of_range_is_refused() {
        for (d, got) in [("0", "0"), ("6", "6"), ("-1", "-1")] {
            let src =
                format!("[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = {d}\ntext = \"q\"\nanswers = [\"x\"]\n");
            assert_eq!(problems(&src), vec![(4, Problem::Difficulty { got: got.into() })]);
        }
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 2.5\ntext = \"q\"\nanswers = [\"x\"]\n";
        assert_eq!(
            problems(src),
            vec![(4, Problem::Type { key: "difficulty".into(), expected: "a whole number from 1 to 5" })]
        );
    }

    #[test]
    fn every_problem_is_reported_and_nothing_is_kept() {
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 9\ntext = \"q\"\nanswers = [\"x\"]\n\
                   [[question]]\nid = \"ok\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\nanswers = [\"x\"]\n\
                   [[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\n";
        let p = problems(src);
        assert_eq!(
            p,
            vec![
                (4, Problem::Difficulty { got: "9".into() }),
                (13, Problem::NoAnswers { id: "a".into() }),
                (14, Problem::DuplicateId { id: "a".into(), first_line: 2 }),
            ]
        );
    }

    #[test]
    fn option_counts_and_duplicates() {
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\noptions = [\"x\"]\ncorrect = \"x\"\n";
        assert_eq!(problems(src), vec![(6, Problem::OptionCount { id: "a".into(), count: 1 })]);
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\n\
                   options = [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\"]\ncorrect = \"1\"\n";
        assert_eq!(problems(src), vec![(6, Problem::OptionCount { id: "a".into(), count: 7 })]);
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\n\
                   options = [\"VACUUM\", \"vacuum\"]\ncorrect = \"VACUUM\"\n";
        assert_eq!(problems(src), vec![(6, Problem::DuplicateOption { id: "a".into(), option: "vacuum".into() })]);
    }

    #[test]
    fn both_kinds_at_once_are_refused() {
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\n\
                   options = [\"x\", \"y\"]\ncorrect = \"x\"\nanswers = [\"x\"]\n";
        assert_eq!(problems(src), vec![(1, Problem::BothKinds { id: "a".into() })]);
    }

    #[test]
    fn translations_must_have_the_same_shape() {
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\n\
                   options = [\"x\", \"y\"]\ncorrect = \"x\"\n[question.en]\ntext = \"q\"\n\
                   options = [\"x\", \"y\"]\ncorrect = \"y\"\n";
        assert_eq!(
            problems(src),
            vec![(8, Problem::TranslationShape { id: "a".into(), lang: "en".into(), what: "other correct options" })]
        );
        let src = "[[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\nanswers = [\"x\"]\n\
                   [question.zh]\ntext = \"q\"\nanswers = [\"x\"]\n";
        assert_eq!(problems(src), vec![(7, Problem::TranslationSameLang { id: "a".into() })]);
    }

    #[test]
    fn bad_ids_topics_and_languages() {
        let src = "[[question]]\nid = \"Has Space\"\ntopic = \"result\"\nlang = \"fr\"\ndifficulty = 1\ntext = \"q\"\nanswers = [\"x\"]\n";
        let p = problems(src);
        assert!(p.contains(&(2, Problem::BadId { id: "Has Space".into(), what: "question id" })), "{p:?}");
        assert!(p.contains(&(3, Problem::BadId { id: "result".into(), what: "topic" })), "{p:?}");
        assert!(p.contains(&(4, Problem::Lang { got: "fr".into() })), "{p:?}");
    }

    #[test]
    fn round_settings_are_checked() {
        let src = "[round]\nquestion_secs = 2\nmax_score = 0\nidle_stop_secs = 0\npayout_multiplier = -1\nreveal_answer = \"yes\"\n\
                   [[question]]\nid = \"a\"\ntopic = \"t\"\ndifficulty = 1\ntext = \"q\"\nanswers = [\"x\"]\n";
        let p = problems(src);
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(p.contains(&(
            2,
            Problem::Range { key: "round.question_secs".into(), got: "2".into(), allowed: "4 to 600 seconds" }
        )));
        assert!(p.contains(&(6, Problem::Type { key: "round.reveal_answer".into(), expected: "true or false" })));
    }

    #[test]
    fn syntax_errors_name_their_line() {
        assert_eq!(problems("[[question]]\nid = \"a\"\ntext = \n").first().map(|p| p.0), Some(3));
        assert_eq!(problems(""), vec![(1, Problem::NoQuestions)]);
    }

    #[test]
    fn ids_across_banks_and_round_conflicts() {
        let bank = parse("a.toml", GOOD).unwrap_or_else(|e| panic!("{e}"));
        let mut existing = Existing::default();
        existing.ids.insert("port".into(), "other".into());
        existing.ids.insert("vacuum_full".into(), "a".into());
        existing.round_defaults.insert("sql".into(), ("other".into(), RoundDefaults::default()));
        let Err(Report(errors)) = check_against(&bank, "a.toml", &existing) else { panic!("accepted") };
        assert_eq!(
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            vec![
                "a.toml:1: topic `sql` already has other round defaults from bank `other`",
                "a.toml:10: id `port` is already used by bank `other`",
            ]
        );
    }
}

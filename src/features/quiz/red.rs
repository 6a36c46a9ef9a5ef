//! Red-DiscordBot trivia lists, imported as they are
//! (`jixia quiz import computers.yaml`).
//!
//! The format (Red's `redbot/cogs/trivia/schema.py`): a YAML mapping whose
//! optional keys `AUTHOR` (text, 1–1000 characters), `DESCRIPTION` (text;
//! Red says at most 200 characters, but its own `programming.yaml` has 240,
//! so we take up to 1000), `CONFIG` (a mapping) and `$schema` describe the list, and whose
//! every other key is a question with a list of accepted answers.
//!
//! - The list becomes one bank whose id and topic are the file's name
//!   (`computers.yaml` → `computers`); every question is a free-answer
//!   question of that topic, in one language (English unless told), at one
//!   difficulty (3 unless told): Red has neither.
//! - Answers keep all their variants, in order. Red reads YAML 1.1 with
//!   PyYAML, so an unquoted `yes`, `no`, `on`, `off`, `true` or `false` is a
//!   boolean, which Red turns into `True`/`Yes`/`On` (or
//!   `False`/`No`/`Off`); an unquoted number is a number, which Red turns
//!   into Python's text of it (`1.40` → `1.4`, `007` → `7`). We keep the
//!   text as written and add what Red would accept.
//! - `CONFIG` becomes the round defaults of the topic: `delay` → the time a
//!   question stays open, `timeout` → the round stops after that long
//!   without any answer, `max_score`, `reveal_answer`, `payout_multiplier`.
//!   `bot_plays` and `use_spoilers` are accepted and ignored (our bot never
//!   answers its own questions; spoilers are Discord-only).
//! - A question's id is the topic and a stable hash of its text
//!   (`computers-1f3a9c0e`), so a re-import keeps every member's history.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::bank::{Cx, id_from_file, secs_to_ms};
use super::model::{
    Bank, Body, Format, Lang, MAX_SHORT_CHARS, MAX_TEXT_CHARS, Question, RoundDefaults, Variant, is_topic,
};
use super::report::{Problem, Report, closest};

/// How a Red list is imported: what Red does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedOptions {
    /// The language its questions are written in (`--lang`, default `en`).
    pub lang: Lang,
    /// The difficulty of every question (`--difficulty`, default 3).
    pub difficulty: u8,
    /// The topic (`--topic`); default: the file's name.
    pub topic: Option<String>,
}

impl Default for RedOptions {
    fn default() -> RedOptions {
        RedOptions { lang: Lang::En, difficulty: 3, topic: None }
    }
}

const CONFIG_KEYS: &[&str] =
    &["max_score", "timeout", "delay", "bot_plays", "reveal_answer", "payout_multiplier", "use_spoilers"];

/// A YAML node with the line it starts on.
#[derive(Debug, Clone)]
enum Node {
    Scalar { value: String, style: ScalarStyle, tag: Option<String>, line: usize },
    Seq { items: Vec<Node>, line: usize },
    Map { entries: Vec<(Node, Node)>, line: usize },
}

impl Node {
    fn line(&self) -> usize {
        match self {
            Node::Scalar { line, .. } | Node::Seq { line, .. } | Node::Map { line, .. } => *line,
        }
    }
}

/// A scalar as PyYAML (YAML 1.1) resolves it.
#[derive(Debug, Clone, PartialEq)]
enum Resolved {
    Null,
    Bool(bool),
    /// An integer: Python's text of it.
    Int(String),
    /// A float: its value and Python's text of it.
    Float(f64, String),
    Str,
}

/// Resolves a scalar the way PyYAML's SafeLoader does (sexagesimal numbers
/// aside: `1:30` stays text).
fn resolve(value: &str, style: ScalarStyle, tag: Option<&str>) -> Resolved {
    match tag {
        Some("str") => return Resolved::Str,
        Some("bool") | Some("int") | Some("float") | Some("null") | None => {}
        Some(_) => return Resolved::Str,
    }
    if style != ScalarStyle::Plain && tag.is_none() {
        return Resolved::Str;
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => return Resolved::Bool(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => return Resolved::Bool(false),
        _ => {}
    }
    if let Some(n) = yaml11_int(value) {
        return Resolved::Int(n.to_string());
    }
    if let Some(x) = yaml11_float(value) {
        return Resolved::Float(x, python_float(x));
    }
    Resolved::Str
}

/// YAML 1.1 integers: decimal, `0b…`, `0x…`, `0…` octal; `_` allowed.
fn yaml11_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = |b: &str, radix: u32| -> Option<i128> {
        let clean: String = b.chars().filter(|c| *c != '_').collect();
        if clean.is_empty() || b.starts_with('_') {
            return None;
        }
        i128::from_str_radix(&clean, radix).ok()
    };
    let n = if let Some(b) = body.strip_prefix("0b") {
        digits(b, 2)?
    } else if let Some(b) = body.strip_prefix("0x") {
        digits(b, 16)?
    } else if body.len() > 1 && body.starts_with('0') {
        digits(&body[1..], 8)?
    } else if body.starts_with(|c: char| c.is_ascii_digit()) && body.chars().all(|c| c.is_ascii_digit() || c == '_') {
        digits(body, 10)?
    } else {
        return None;
    };
    Some(if neg { -n } else { n })
}

/// YAML 1.1 floats: a `.` is required; an exponent needs its sign.
fn yaml11_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    match body {
        ".inf" | ".Inf" | ".INF" => return Some(if s.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY }),
        ".nan" | ".NaN" | ".NAN" if body.len() == s.len() => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.')?;
    let ok_int = int.is_empty()
        || (int.starts_with(|c: char| c.is_ascii_digit()) && int.chars().all(|c| c.is_ascii_digit() || c == '_'));
    let ok_frac = frac.chars().all(|c| c.is_ascii_digit() || c == '_');
    let ok_exp =
        exp.is_none_or(|e| e.len() > 1 && e.starts_with(['+', '-']) && e[1..].chars().all(|c| c.is_ascii_digit()));
    if !(ok_int && ok_frac && ok_exp) || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    s.replace('_', "").parse::<f64>().ok()
}

/// Python's `str(float)` for ordinary values (`1.4`, `1.0`, `inf`).
fn python_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{x}");
    if s.contains(['.', 'e']) { s } else { format!("{s}.0") }
}

/// The texts a scalar answer stands for: as written, then what Red makes of it.
fn answer_texts(value: &str, resolved: &Resolved) -> Vec<String> {
    let mut out = vec![value.trim().to_owned()];
    match resolved {
        Resolved::Bool(true) => out.extend(["True", "Yes", "On"].map(String::from)),
        Resolved::Bool(false) => out.extend(["False", "No", "Off"].map(String::from)),
        Resolved::Int(s) | Resolved::Float(_, s) => out.push(s.clone()),
        Resolved::Null | Resolved::Str => {}
    }
    let mut seen = Vec::new();
    out.retain(|a| {
        let fresh = !a.is_empty() && !seen.contains(a);
        seen.push(a.clone());
        fresh
    });
    out
}

/// Builds the node tree from the parser's events.
fn load(cx: &mut Cx<'_>, text: &str) -> Option<Node> {
    enum Frame {
        Seq(Vec<Node>, usize, usize),
        Map(Vec<(Node, Node)>, Option<Node>, usize, usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let mut parser = Parser::new_from_str(text);
    while let Some(ev) = parser.next_event() {
        let (event, span) = match ev {
            Ok(e) => e,
            Err(e) => {
                cx.at_line(e.marker().line().max(1), Problem::Syntax(e.info().to_owned()));
                return None;
            }
        };
        let line = span.start.line().max(1);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    cx.at_line(line, Problem::Syntax("a trivia list is one YAML document".into()));
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| {
                    if t.handle == "tag:yaml.org,2002:" || t.handle == "!!" {
                        t.suffix.clone()
                    } else {
                        format!("{}{}", t.handle, t.suffix)
                    }
                });
                let n = Node::Scalar { value: value.into_owned(), style, tag, line };
                if anchor > 0 {
                    anchors.insert(anchor, n.clone());
                }
                n
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => n.clone(),
                None => {
                    cx.at_line(line, Problem::Syntax("an alias to an unknown anchor".into()));
                    return None;
                }
            },
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq(Vec::new(), anchor, line));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map(Vec::new(), None, anchor, line));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, anchor, l)) => {
                    let n = Node::Seq { items, line: l };
                    if anchor > 0 {
                        anchors.insert(anchor, n.clone());
                    }
                    n
                }
                _ => return None,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, _, anchor, l)) => {
                    let n = Node::Map { entries, line: l };
                    if anchor > 0 {
                        anchors.insert(anchor, n.clone());
                    }
                    n
                }
                _ => return None,
            },
            Event::StreamEnd => break,
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => continue,
        };
        match stack.last_mut() {
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, key, ..)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => root = Some(node),
        }
    }
    root
}

/// Parses and validates a Red trivia list. `file` names the file in
/// reports and gives the bank id and (unless `opts.topic`) the topic.
pub fn parse(file: &str, text: &str, opts: &RedOptions) -> Result<Bank, Report> {
    let mut cx = Cx::new(file, text);
    let id = id_from_file(file);
    let topic = opts.topic.clone().unwrap_or_else(|| id.replace('.', "-"));
    let mut bank = Bank {
        id: id.clone(),
        format: Format::Red,
        title: None,
        author: None,
        topic_names: Vec::new(),
        round: RoundDefaults::default(),
        questions: Vec::new(),
    };
    if !is_topic(&topic) {
        cx.at_line(1, Problem::BadId { id: topic.clone(), what: "topic" });
    }
    let Some(root) = load(&mut cx, text) else {
        if cx.errors.is_empty() {
            cx.at_line(1, Problem::NoQuestions);
        }
        return cx.finish(bank);
    };
    let Node::Map { entries, .. } = root else {
        cx.at_line(root.line(), Problem::Type { key: "the file".into(), expected: "a 'key: value' mapping" });
        return cx.finish(bank);
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut ids: HashMap<String, String> = HashMap::new();
    for (k, v) in entries {
        let line = k.line();
        let Node::Scalar { value: key, style, tag, .. } = &k else {
            cx.at_line(line, Problem::Type { key: "a question".into(), expected: "text (the question)" });
            continue;
        };
        if resolve(key, *style, tag.as_deref()) != Resolved::Str {
            cx.at_line(line, Problem::Type { key: format!("question {key}"), expected: "text (quote it)" });
            continue;
        }
        match key.as_str() {
            "AUTHOR" | "DESCRIPTION" | "$schema" => {
                // Red's schema says DESCRIPTION has at most 200 characters, yet
                // its own `programming.yaml` has 240: accepted up to 1000, like AUTHOR.
                let max = 1000;
                match &v {
                    Node::Scalar { value, style, tag, .. }
                        if resolve(value, *style, tag.as_deref()) == Resolved::Str
                            && (1..=max).contains(&value.chars().count()) =>
                    {
                        match key.as_str() {
                            "AUTHOR" => bank.author = Some(value.trim().to_owned()),
                            "DESCRIPTION" => bank.title = Some(value.trim().to_owned()),
                            _ => {}
                        }
                    }
                    _ => cx.at_line(
                        v.line(),
                        Problem::Type { key: key.clone(), expected: "text of 1 to 1000 characters" },
                    ),
                }
            }
            "CONFIG" => bank.round = config(&mut cx, &v),
            _ => {
                let Some(answers) = answers(&mut cx, key, &v) else { continue };
                if let Some(first) = seen.get(key) {
                    cx.at_line(line, Problem::DuplicateId { id: short(key), first_line: *first });
                    continue;
                }
                seen.insert(key.clone(), line);
                if key.trim().is_empty() {
                    cx.at_line(line, Problem::Empty { key: "question".into() });
                    continue;
                }
                if key.chars().count() > MAX_TEXT_CHARS {
                    cx.at_line(line, Problem::TooLong { key: "question".into(), max: MAX_TEXT_CHARS });
                    continue;
                }
                let mut qid = question_id(&topic, key, 0);
                let mut salt = 1;
                while ids.get(&qid).is_some_and(|t| t != key) {
                    qid = question_id(&topic, key, salt);
                    salt += 1;
                }
                ids.insert(qid.clone(), key.clone());
                bank.questions.push(Question {
                    id: qid,
                    topic: topic.clone(),
                    difficulty: opts.difficulty,
                    variants: vec![Variant {
                        lang: opts.lang,
                        text: key.trim().to_owned(),
                        body: Body::Free { answers },
                        explanation: None,
                    }],
                    line,
                });
            }
        }
    }
    if bank.questions.is_empty() && cx.errors.is_empty() {
        cx.at_line(1, Problem::NoQuestions);
    }
    cx.finish(bank)
}

/// A question's id: topic and a stable 32-bit hash of its text.
fn question_id(topic: &str, text: &str, salt: u32) -> String {
    let h = super::hash::hash_of(&[topic, text, &salt.to_string()]);
    format!("{topic}-{:08x}", h >> 32)
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// A question's list of answers; every variant kept.
fn answers(cx: &mut Cx<'_>, question: &str, v: &Node) -> Option<Vec<String>> {
    let Node::Seq { items, line } = v else {
        cx.at_line(
            v.line(),
            Problem::Type { key: format!("question {}", short(question)), expected: "a list of answers (- answer)" },
        );
        return None;
    };
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let Node::Scalar { value, style, tag, line } = item else {
            cx.at_line(
                item.line(),
                Problem::Type { key: format!("question {}", short(question)), expected: "a list of text answers" },
            );
            return None;
        };
        let resolved = resolve(value, *style, tag.as_deref());
        if resolved == Resolved::Null {
            cx.at_line(*line, Problem::Empty { key: "answer".into() });
            return None;
        }
        if value.chars().count() > MAX_SHORT_CHARS {
            cx.at_line(*line, Problem::TooLong { key: "answer".into(), max: MAX_SHORT_CHARS });
            return None;
        }
        for a in answer_texts(value, &resolved) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    if out.iter().all(|a| super::answer::fold(a).is_empty()) {
        cx.at_line(*line, Problem::NoAnswers { id: short(question) });
        return None;
    }
    Some(out)
}

/// `CONFIG` → round defaults, with Red's own ranges (and ours where
/// stricter: a question is open at most 600 s).
fn config(cx: &mut Cx<'_>, v: &Node) -> RoundDefaults {
    let mut r = RoundDefaults::default();
    let Node::Map { entries, .. } = v else {
        cx.at_line(v.line(), Problem::Type { key: "CONFIG".into(), expected: "a 'key: value' mapping" });
        return r;
    };
    for (k, val) in entries {
        let Node::Scalar { value: key, .. } = k else {
            cx.at_line(k.line(), Problem::Type { key: "CONFIG".into(), expected: "a mapping with text keys" });
            continue;
        };
        let line = val.line();
        let display = format!("CONFIG.{key}");
        if !CONFIG_KEYS.contains(&key.as_str()) {
            cx.at_line(
                k.line(),
                Problem::UnknownKey { key: key.clone(), table: "CONFIG".into(), suggestion: closest(key, CONFIG_KEYS) },
            );
            continue;
        }
        let resolved = match val {
            Node::Scalar { value, style, tag, .. } => (resolve(value, *style, tag.as_deref()), value.clone()),
            _ => (Resolved::Null, String::new()),
        };
        let number = match &resolved.0 {
            Resolved::Int(s) => s.parse::<f64>().ok(),
            Resolved::Float(x, _) if x.is_finite() => Some(*x),
            _ => None,
        };
        match key.as_str() {
            "bot_plays" | "reveal_answer" | "use_spoilers" => match resolved.0 {
                Resolved::Bool(b) => {
                    if key == "reveal_answer" {
                        r.reveal_answer = Some(b);
                    }
                }
                _ => cx.at_line(line, Problem::Type { key: display, expected: "true or false" }),
            },
            "max_score" => match (&resolved.0, number) {
                (Resolved::Int(_), Some(n)) if (1.0..=1000.0).contains(&n) => {
                    r.max_score = u32::try_from(n as i64).ok()
                }
                (Resolved::Int(_), _) => {
                    cx.at_line(
                        line,
                        Problem::Range { key: display, got: resolved.1, allowed: "a whole number from 1 to 1000" },
                    );
                }
                _ => cx.at_line(line, Problem::Type { key: display, expected: "a whole number" }),
            },
            _ => {
                let Some(n) = number else {
                    cx.at_line(line, Problem::Type { key: display, expected: "a number" });
                    continue;
                };
                match key.as_str() {
                    "delay" if (4.0..=600.0).contains(&n) => r.question_ms = Some(secs_to_ms(n)),
                    "delay" => {
                        cx.at_line(line, Problem::Range { key: display, got: resolved.1, allowed: "4 to 600 seconds" })
                    }
                    "timeout" if n > 0.0 && n <= 86_400.0 => r.idle_stop_ms = Some(secs_to_ms(n)),
                    "timeout" => cx.at_line(
                        line,
                        Problem::Range { key: display, got: resolved.1, allowed: "above 0, at most 86400 seconds" },
                    ),
                    _ if (0.0..=100.0).contains(&n) => r.payout_multiplier = Some(n),
                    _ => cx.at_line(line, Problem::Range { key: display, got: resolved.1, allowed: "0 to 100" }),
                }
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list written for these tests in Red's format (not a copy of Red's data).
    const FIXTURE: &str = r#"AUTHOR: jixia tests
DESCRIPTION: A small list in Red's trivia format, written for jixia's tests.
CONFIG:
  delay: 25
  timeout: 90.5
  max_score: 7
  reveal_answer: false
  payout_multiplier: 1.5
  bot_plays: true
Which port does PostgreSQL listen on by default?:
- 5432
Is SQL a programming language?:
- yes
"Does VACUUM FULL lock the table?":
- 'yes'
Which command shows a query plan?:
- EXPLAIN
- explain analyze
What is 0.1 + 0.3?:
- 0.40
How many bits in an octet?:
- 010
“Smart” quotes in a key?:
- “Smart”
"#;

    fn bank() -> Bank {
        parse("tests/fixtures/pg_basics.yaml", FIXTURE, &RedOptions::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn answers_of<'a>(b: &'a Bank, text: &str) -> &'a [String] {
        let q = b.questions.iter().find(|q| q.variants[0].text == text).unwrap_or_else(|| panic!("no {text}"));
        match &q.variants[0].body {
            Body::Free { answers } => answers,
            Body::Choice { .. } => panic!("not free"),
        }
    }

    #[test]
    fn a_list_becomes_free_answer_questions_of_a_topic_named_after_the_file() {
        let b = bank();
        assert_eq!(b.id, "pg_basics");
        assert_eq!(b.format, Format::Red);
        assert_eq!(b.author.as_deref(), Some("jixia tests"));
        assert_eq!(b.questions.len(), 7);
        assert!(b.questions.iter().all(|q| q.topic == "pg_basics" && q.difficulty == 3));
        assert!(b.questions.iter().all(|q| q.variants.len() == 1 && q.variants[0].lang == Lang::En));
        assert_eq!(b.questions[0].line, 10);
        assert!(b.questions[0].id.starts_with("pg_basics-") && b.questions[0].id.len() == "pg_basics-".len() + 8);
    }

    #[test]
    fn config_becomes_the_round_defaults() {
        assert_eq!(
            bank().round,
            RoundDefaults {
                question_ms: Some(25_000),
                max_score: Some(7),
                reveal_answer: Some(false),
                idle_stop_ms: Some(90_500),
                payout_multiplier: Some(1.5),
            }
        );
    }

    #[test]
    fn answers_keep_every_variant_and_what_red_makes_of_yaml_scalars() {
        let b = bank();
        assert_eq!(answers_of(&b, "Which port does PostgreSQL listen on by default?"), ["5432"]);
        assert_eq!(answers_of(&b, "Is SQL a programming language?"), ["yes", "True", "Yes", "On"]);
        assert_eq!(answers_of(&b, "Does VACUUM FULL lock the table?"), ["yes"]);
        assert_eq!(answers_of(&b, "Which command shows a query plan?"), ["EXPLAIN", "explain analyze"]);
        assert_eq!(answers_of(&b, "What is 0.1 + 0.3?"), ["0.40", "0.4"]);
        assert_eq!(answers_of(&b, "How many bits in an octet?"), ["010", "8"]);
        assert_eq!(answers_of(&b, "“Smart” quotes in a key?"), ["“Smart”"]);
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = bank();
        let b = bank();
        assert_eq!(
            a.questions.iter().map(|q| &q.id).collect::<Vec<_>>(),
            b.questions.iter().map(|q| &q.id).collect::<Vec<_>>()
        );
        let mut ids: Vec<&str> = a.questions.iter().map(|q| q.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 7);
    }

    #[test]
    fn options_set_language_difficulty_and_topic() {
        let b = parse(
            "x.yaml",
            "问题？:\n- 答案\n",
            &RedOptions { lang: Lang::Zh, difficulty: 1, topic: Some("misc".into()) },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (b.questions[0].topic.as_str(), b.questions[0].difficulty, b.questions[0].variants[0].lang),
            ("misc", 1, Lang::Zh)
        );
    }

    fn problems(src: &str) -> Vec<(usize, Problem)> {
        match parse("bad.yaml", src, &RedOptions::default()) {
            Ok(b) => panic!("accepted {b:?}"),
            Err(Report(e)) => e.into_iter().map(|e| (e.line, e.problem)).collect(),
        }
    }

    #[test]
    fn bad_lists_are_refused_with_lines() {
        assert_eq!(problems("Q1?:\n- a\nQ2?: []\n"), vec![(3, Problem::NoAnswers { id: "Q2?".into() })]);
        assert_eq!(
            problems("Q1?:\n- a\nQ1?:\n- b\n"),
            vec![(3, Problem::DuplicateId { id: "Q1?".into(), first_line: 1 })]
        );
        assert_eq!(
            problems("Q1?: just text\n"),
            vec![(1, Problem::Type { key: "question Q1?".into(), expected: "a list of answers (- answer)" })]
        );
        assert_eq!(
            problems("CONFIG:\n  delay: 2\n  colour: red\nQ?:\n- a\n"),
            vec![
                (2, Problem::Range { key: "CONFIG.delay".into(), got: "2".into(), allowed: "4 to 600 seconds" }),
                (3, Problem::UnknownKey { key: "colour".into(), table: "CONFIG".into(), suggestion: None }),
            ]
        );
        assert_eq!(
            problems("CONFIG:\n  reveal_answer: maybe\nQ?:\n- a\n"),
            vec![(2, Problem::Type { key: "CONFIG.reveal_answer".into(), expected: "true or false" })]
        );
        assert_eq!(
            problems("AUTHOR: 42\nQ?:\n- a\n"),
            vec![(1, Problem::Type { key: "AUTHOR".into(), expected: "text of 1 to 1000 characters" })]
        );
        assert_eq!(
            problems("42:\n- a\n"),
            vec![(1, Problem::Type { key: "question 42".into(), expected: "text (quote it)" })]
        );
        assert_eq!(problems("Q?:\n- \n"), vec![(2, Problem::Empty { key: "answer".into() })]);
        assert_eq!(problems("AUTHOR: me\n"), vec![(1, Problem::NoQuestions)]);
        assert_eq!(problems(""), vec![(1, Problem::NoQuestions)]);
        assert_eq!(problems("- a\n- b\n").first().map(|p| p.0), Some(1));
        assert!(matches!(problems("Q?: [a\n").first(), Some((_, Problem::Syntax(_)))));
    }

    #[test]
    fn yaml_1_1_scalars_resolve_like_pyyaml() {
        let plain = ScalarStyle::Plain;
        assert_eq!(resolve("Off", plain, None), Resolved::Bool(false));
        assert_eq!(resolve("y", plain, None), Resolved::Str);
        assert_eq!(resolve("0x1F", plain, None), Resolved::Int("31".into()));
        assert_eq!(resolve("1_000", plain, None), Resolved::Int("1000".into()));
        assert_eq!(resolve("-7", plain, None), Resolved::Int("-7".into()));
        assert_eq!(resolve("1.0", plain, None), Resolved::Float(1.0, "1.0".into()));
        assert_eq!(resolve("1e3", plain, None), Resolved::Str);
        assert_eq!(resolve("1.5e+3", plain, None), Resolved::Float(1500.0, "1500.0".into()));
        assert_eq!(resolve("255.255.0.0", plain, None), Resolved::Str);
        assert_eq!(resolve("1.4 MB", plain, None), Resolved::Str);
        assert_eq!(resolve("5", ScalarStyle::DoubleQuoted, None), Resolved::Str);
        assert_eq!(resolve("5", plain, Some("str")), Resolved::Str);
    }
}

//! A question bank as the engine sees it, whatever file it came from.
//!
//! A question has one identity (id, topic, difficulty, kind) and one
//! variant per language it is written in: the same question in Chinese and
//! in English is one question, so an exam never shows it twice, the daily
//! question is one question for the whole community, and counts per
//! language are counts of variants.

use std::fmt;

/// A language questions are written in (the engine's `Locale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// Chinese (Simplified; Traditional answers are folded).
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Every language, in display order.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The code used in files and tables.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// Parses a code (`zh`, `en`); `None` for anything else.
    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == s)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Lowest difficulty.
pub const MIN_DIFFICULTY: u8 = 1;
/// Highest difficulty.
pub const MAX_DIFFICULTY: u8 = 5;
/// Fewest options of a multiple-choice question.
pub const MIN_OPTIONS: usize = 2;
/// Most options of a multiple-choice question (letters A–F, one button row each).
pub const MAX_OPTIONS: usize = 6;
/// Longest question text, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;
/// Longest option, answer or topic name, in characters.
pub const MAX_SHORT_CHARS: usize = 200;
/// Longest explanation, in characters.
pub const MAX_EXPLANATION_CHARS: usize = 1500;
/// Longest id (question or bank), in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Longest topic id, in characters.
pub const MAX_TOPIC_CHARS: usize = 32;

/// Words a topic cannot be called: they are subcommands of `/exam`, so
/// `/exam result` must never mean "an exam on the topic `result`".
pub const RESERVED_TOPICS: &[&str] = &["result", "stop", "announce", "daily", "all"];

/// Whether `s` can be a question or bank id: `a-z 0-9 . _ -`, starting with
/// a letter or digit, at most [`MAX_ID_CHARS`].
pub fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        && s.chars().count() <= MAX_ID_CHARS
}

/// Whether `s` can be a topic: like an id without `.`, at most
/// [`MAX_TOPIC_CHARS`], and not a reserved word. Members type it
/// (`/quiz start postgres`).
pub fn is_topic(s: &str) -> bool {
    is_id(s) && !s.contains('.') && s.chars().count() <= MAX_TOPIC_CHARS && !RESERVED_TOPICS.contains(&s)
}

/// What a variant asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Multiple choice: 2–6 options, one or more correct (indexes into
    /// `options`, ascending).
    Choice {
        /// The options, in the order shown (A, B, C…).
        options: Vec<String>,
        /// Indexes of the correct options.
        correct: Vec<usize>,
    },
    /// Free answer: any of the accepted answers, matched by
    /// [`super::answer::matches`]. The first is the one revealed.
    Free {
        /// Accepted answers, as written (every variant kept).
        answers: Vec<String>,
    },
}

/// Which kind a question is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Multiple choice.
    Choice,
    /// Free answer.
    Free,
}

impl Kind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Choice => "choice",
            Kind::Free => "free",
        }
    }
}

impl Body {
    /// Its kind.
    pub fn kind(&self) -> Kind {
        match self {
            Body::Choice { .. } => Kind::Choice,
            Body::Free { .. } => Kind::Free,
        }
    }
}

/// A question in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Its language.
    pub lang: Lang,
    /// The question.
    pub text: String,
    /// Options or accepted answers.
    pub body: Body,
    /// Shown after the question closes, if any.
    pub explanation: Option<String>,
}

/// One question of a bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Unique across all banks; stable across re-imports (history points to it).
    pub id: String,
    /// The topic members choose (`postgres`).
    pub topic: String,
    /// 1 (easy) to 5 (hard).
    pub difficulty: u8,
    /// One per language; the first is the question's own language.
    pub variants: Vec<Variant>,
    /// Line in the source file where it starts (reports and `jixia quiz list`).
    pub line: usize,
}

impl Question {
    /// Its kind (all variants share it; the validator checks).
    pub fn kind(&self) -> Kind {
        self.variants.first().map_or(Kind::Free, |v| v.body.kind())
    }

    /// The variant in `lang`, if written.
    pub fn variant(&self, lang: Lang) -> Option<&Variant> {
        self.variants.iter().find(|v| v.lang == lang)
    }
}

/// Defaults for group rounds of a bank's topics: Red's `CONFIG`, or our
/// `[round]` table. Unset values fall back to `[features.quiz]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundDefaults {
    /// How long each question stays open, in milliseconds (Red: `delay`).
    pub question_ms: Option<u64>,
    /// The round ends when a player reaches this score (Red: `max_score`).
    pub max_score: Option<u32>,
    /// Show the answer when a question closes unanswered (Red: `reveal_answer`).
    pub reveal_answer: Option<bool>,
    /// The round stops after this long without any answer attempt, in
    /// milliseconds (Red: `timeout`).
    pub idle_stop_ms: Option<u64>,
    /// Multiplies `points_per_correct` (Red: `payout_multiplier`).
    pub payout_multiplier: Option<f64>,
}

impl RoundDefaults {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == RoundDefaults::default()
    }
}

/// Where a bank came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Our TOML format.
    Jixia,
    /// A Red-DiscordBot trivia list.
    Red,
}

/// A whole bank: one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Bank {
    /// Its id (a re-import of the same id replaces it).
    pub id: String,
    /// The file's format.
    pub format: Format,
    /// Title or description.
    pub title: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Display names of topics per language (`[topics.postgres] zh = "…"`).
    pub topic_names: Vec<(String, Lang, String)>,
    /// Round defaults for this bank's topics.
    pub round: RoundDefaults,
    /// The questions, in file order.
    pub questions: Vec<Question>,
}

impl Bank {
    /// The topics of its questions, sorted, each once.
    pub fn topics(&self) -> Vec<&str> {
        let mut t: Vec<&str> = self.questions.iter().map(|q| q.topic.as_str()).collect();
        t.sort_unstable();
        t.dedup();
        t
    }

    /// Questions per (topic, difficulty, language): what `jixia quiz list` prints.
    pub fn counts(&self) -> std::collections::BTreeMap<(String, u8, Lang), usize> {
        let mut out = std::collections::BTreeMap::new();
        for q in &self.questions {
            for v in &q.variants {
                *out.entry((q.topic.clone(), q.difficulty, v.lang)).or_insert(0) += 1;
            }
        }
        out
    }
}

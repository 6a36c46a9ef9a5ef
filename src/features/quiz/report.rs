//! What is wrong with a bank file: every problem with its file, line and
//! reason, so an import is all-or-nothing and the operator can fix every
//! problem in one pass. Problems are sorted by line.

use std::fmt;

/// One problem, at one line of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankError {
    /// The file as given on the command line (or `config/quizzes/NAME`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for BankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.problem)
    }
}

/// The reasons a bank is refused. The CLI prints them (operators read
/// English there, like every other `jixia` subcommand); tests match on
/// the variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file is not valid TOML / YAML.
    Syntax(String),
    /// The file holds no question.
    NoQuestions,
    /// A key that the format does not have.
    UnknownKey {
        /// The key as written.
        key: String,
        /// Where (`question`, `question.en`, `bank`, `round`, `CONFIG`…).
        table: String,
        /// The closest known key, if one is close.
        suggestion: Option<&'static str>,
    },
    /// A key that must be there is missing.
    Missing {
        /// The key.
        key: &'static str,
    },
    /// A value of the wrong type.
    Type {
        /// The key.
        key: String,
        /// What it must be.
        expected: &'static str,
    },
    /// An id (question or bank) or topic that is malformed.
    BadId {
        /// What was written.
        id: String,
        /// `id` or `topic`.
        what: &'static str,
    },
    /// Two questions with one id.
    DuplicateId {
        /// The id.
        id: String,
        /// Where the first one is.
        first_line: usize,
    },
    /// A question id already used by another bank in the store.
    IdInOtherBank {
        /// The id.
        id: String,
        /// The bank holding it.
        bank: String,
    },
    /// A question (or one of its translations) without answers: a
    /// free-answer question with no accepted answer, a multiple-choice one
    /// with no correct option, or neither `options` nor `answers`.
    NoAnswers {
        /// The question.
        id: String,
    },
    /// A multiple-choice correct answer that is not one of the options.
    NotAnOption {
        /// The question.
        id: String,
        /// The correct answer as written.
        answer: String,
    },
    /// Both `options` and `answers`.
    BothKinds {
        /// The question.
        id: String,
    },
    /// Fewer than 2 or more than 6 options.
    OptionCount {
        /// The question.
        id: String,
        /// How many there are.
        count: usize,
    },
    /// Two options that read the same once folded.
    DuplicateOption {
        /// The question.
        id: String,
        /// The option.
        option: String,
    },
    /// A difficulty outside 1–5.
    Difficulty {
        /// What was written.
        got: String,
    },
    /// A number outside its range (round defaults, Red's `CONFIG`).
    Range {
        /// The key.
        key: String,
        /// What was written.
        got: String,
        /// The allowed range, in words.
        allowed: &'static str,
    },
    /// A language other than `zh` and `en`.
    Lang {
        /// What was written.
        got: String,
    },
    /// Empty text (question, option, answer — empty once folded counts).
    Empty {
        /// The key.
        key: String,
    },
    /// Text over its length limit.
    TooLong {
        /// The key.
        key: String,
        /// The limit in characters.
        max: usize,
    },
    /// A translation that does not have the same shape as the question:
    /// another kind, another number of options, other correct options.
    TranslationShape {
        /// The question.
        id: String,
        /// The translation's language.
        lang: String,
        /// What differs.
        what: &'static str,
    },
    /// A translation in the question's own language.
    TranslationSameLang {
        /// The question.
        id: String,
    },
    /// The same topic already has other round defaults from another bank.
    RoundConflict {
        /// The topic.
        topic: String,
        /// The other bank.
        bank: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Syntax(m) => write!(f, "not readable: {m}"),
            Problem::NoQuestions => write!(f, "the bank has no questions"),
            Problem::UnknownKey { key, table, suggestion } => {
                write!(f, "unknown key `{key}` in {table}")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            Problem::Missing { key } => write!(f, "`{key}` is missing"),
            Problem::Type { key, expected } => write!(f, "`{key}` must be {expected}"),
            Problem::BadId { id, what } => write!(
                f,
                "`{id}` cannot be a {what}: use a-z, 0-9, `-` and `_`{}, starting with a letter or digit{}",
                if *what == "topic" { "" } else { " and `.`" },
                if *what == "topic" { ", at most 32 characters, not result/stop/announce/daily/all" } else { "" }
            ),
            Problem::DuplicateId { id, first_line } => {
                write!(f, "duplicate id `{id}` (first used at line {first_line})")
            }
            Problem::IdInOtherBank { id, bank } => write!(f, "id `{id}` is already used by bank `{bank}`"),
            Problem::NoAnswers { id } => write!(f, "question `{id}` has no answers"),
            Problem::NotAnOption { id, answer } => {
                write!(f, "question `{id}`: correct answer `{answer}` is not among the options")
            }
            Problem::BothKinds { id } => {
                write!(f, "question `{id}` has both `options` (multiple choice) and `answers` (free answer); keep one")
            }
            Problem::OptionCount { id, count } => {
                write!(f, "question `{id}` has {count} options; a multiple-choice question has 2 to 6")
            }
            Problem::DuplicateOption { id, option } => write!(f, "question `{id}`: option `{option}` is listed twice"),
            Problem::Difficulty { got } => write!(f, "difficulty {got} is out of range: use 1 (easy) to 5 (hard)"),
            Problem::Range { key, got, allowed } => write!(f, "`{key}` = {got} is out of range: {allowed}"),
            Problem::Lang { got } => write!(f, "language `{got}` is not supported: use zh or en"),
            Problem::Empty { key } => write!(f, "`{key}` is empty"),
            Problem::TooLong { key, max } => write!(f, "`{key}` is longer than {max} characters"),
            Problem::TranslationShape { id, lang, what } => {
                write!(f, "question `{id}`: the `{lang}` translation has {what} than the question")
            }
            Problem::TranslationSameLang { id } => {
                write!(f, "question `{id}`: a translation in the question's own language")
            }
            Problem::RoundConflict { topic, bank } => {
                write!(f, "topic `{topic}` already has other round defaults from bank `{bank}`")
            }
        }
    }
}

/// A refused bank: every problem found, sorted by line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.0))]
pub struct Report(pub Vec<BankError>);

fn render(errors: &[BankError]) -> String {
    let mut s =
        format!("{} problem{} found; nothing was imported:", errors.len(), if errors.len() == 1 { "" } else { "s" });
    for e in errors {
        s.push('\n');
        s.push_str(&e.to_string());
    }
    s
}

impl Report {
    /// Sorts by line (stable: problems of one line keep their order).
    pub fn sorted(mut errors: Vec<BankError>) -> Report {
        errors.sort_by_key(|e| e.line);
        Report(errors)
    }
}

/// Levenshtein distance over characters, for "did you mean".
pub fn closest(word: &str, known: &[&'static str]) -> Option<&'static str> {
    known
        .iter()
        .map(|k| (distance(&word.to_lowercase(), k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_file_line_reason() {
        let e = BankError { file: "pg.toml".into(), line: 12, problem: Problem::Difficulty { got: "7".into() } };
        assert_eq!(e.to_string(), "pg.toml:12: difficulty 7 is out of range: use 1 (easy) to 5 (hard)");
        let r = Report::sorted(vec![
            e.clone(),
            BankError { file: "pg.toml".into(), line: 3, problem: Problem::NoAnswers { id: "a".into() } },
        ]);
        assert_eq!(
            r.to_string(),
            "2 problems found; nothing was imported:\npg.toml:3: question `a` has no answers\n\
             pg.toml:12: difficulty 7 is out of range: use 1 (easy) to 5 (hard)"
        );
    }

    #[test]
    fn suggests_close_keys() {
        assert_eq!(closest("dificulty", &["difficulty", "text"]), Some("difficulty"));
        assert_eq!(closest("colour", &["difficulty", "text"]), None);
    }
}

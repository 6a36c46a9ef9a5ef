//! Short ids members type: questions `Q17`, answers `Q17-A2` (the `Q`, the
//! `A` and the dash may be left out or typed in any case: `q17a2`, `17-2`).

use std::fmt;

/// A question's number in its community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuestionNo(pub i64);

/// An answer: its question's number and its own number there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnswerRef {
    /// The question.
    pub question: QuestionNo,
    /// The answer's number under it.
    pub answer: i64,
}

impl fmt::Display for QuestionNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Q{}", self.0)
    }
}

impl fmt::Display for AnswerRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-A{}", self.question, self.answer)
    }
}

fn number(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 15 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|n| *n > 0)
}

impl QuestionNo {
    /// `Q17`, `q17` or `17`.
    pub fn parse(s: &str) -> Option<QuestionNo> {
        let s = s.trim();
        let s = s.strip_prefix(['Q', 'q']).unwrap_or(s);
        number(s).map(QuestionNo)
    }
}

impl AnswerRef {
    /// `Q17-A2`, `q17a2`, `17-2`.
    pub fn parse(s: &str) -> Option<AnswerRef> {
        let s = s.trim();
        let s = s.strip_prefix(['Q', 'q']).unwrap_or(s);
        let split = s.find(|c: char| !c.is_ascii_digit())?;
        let (q, rest) = s.split_at(split);
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        let rest = rest.strip_prefix(['A', 'a']).unwrap_or(rest);
        Some(AnswerRef { question: QuestionNo(number(q)?), answer: number(rest)? })
    }
}

/// The first `Q17-A2` in `text` (the bot's own post of an answer).
pub fn answer_in(text: &str) -> Option<AnswerRef> {
    words(text).find_map(|w| AnswerRef::parse(w).filter(|_| w.starts_with(['Q', 'q'])))
}

/// The first `Q17` in `text` that is not part of an answer id (the bot's
/// own post of a question).
pub fn question_in(text: &str) -> Option<QuestionNo> {
    words(text).find_map(|w| QuestionNo::parse(w).filter(|_| w.starts_with(['Q', 'q'])))
}

/// Runs of ASCII letters, digits and dashes.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_in_their_forms() {
        assert_eq!(QuestionNo::parse("Q17"), Some(QuestionNo(17)));
        assert_eq!(QuestionNo::parse("q17"), Some(QuestionNo(17)));
        assert_eq!(QuestionNo::parse("17"), Some(QuestionNo(17)));
        assert_eq!(QuestionNo::parse("Q0"), None);
        assert_eq!(QuestionNo::parse("Q-1"), None);
        assert_eq!(QuestionNo::parse("Qx"), None);
        let a = AnswerRef { question: QuestionNo(17), answer: 2 };
        for s in ["Q17-A2", "q17a2", "17-2", "Q17-2", "q17-a2"] {
            assert_eq!(AnswerRef::parse(s), Some(a), "{s}");
        }
        assert_eq!(AnswerRef::parse("Q17"), None);
        assert_eq!(AnswerRef::parse("Q17-A"), None);
        assert_eq!(a.to_string(), "Q17-A2");
    }

    #[test]
    fn ids_are_found_in_the_bots_posts() {
        assert_eq!(question_in("❓ Q12 · 50 积分 (悬赏)"), Some(QuestionNo(12)));
        assert_eq!(question_in("答案 Q12-A3 已记录"), None);
        assert_eq!(answer_in("答案 Q12-A3 已记录"), Some(AnswerRef { question: QuestionNo(12), answer: 3 }));
        assert_eq!(question_in("no ids here 17"), None);
    }
}

//! How a typed answer is compared with the accepted ones.
//!
//! Both sides are folded the same way ([`fold`]): Unicode NFKC (full-width
//! letters, digits and punctuation become half-width; the ideographic space
//! a space), smart quotes and primes become `'` and `"`, dash-like
//! characters become `-`, lower case, Traditional → Simplified Chinese, and
//! runs of white space one space.
//!
//! Then Red-DiscordBot's rule (`redbot/cogs/trivia/session.py`,
//! `TriviaSession.check_answer`), extended for Chinese:
//! - an answer with Chinese characters in it matches when the guess
//!   contains it (Chinese is written without spaces);
//! - an answer of several words matches when the guess contains it as a
//!   phrase (Red: `" " in answer and answer in guess`);
//! - a one-word answer matches when one word of the guess is exactly it
//!   (Red: `any(word == answer for word in guess.split(" "))`). Words are
//!   split at white space and, beyond Red, at Chinese characters (so
//!   `端口是5432` has the word `5432`), and a word may carry sentence
//!   punctuation or quotes around it (`5432。`, `"mouse"!`).

use unicode_normalization::UnicodeNormalization;

/// Whether `c` is a CJK ideograph (the scripts written without spaces).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0xF900..=0xFAFF | 0x3040..=0x30FF)
}

/// Folds text for comparison (see the module doc).
pub fn fold(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    let mut mapped = String::with_capacity(nfkc.len());
    for c in nfkc.chars() {
        mapped.push(match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        });
    }
    let simplified = fast2s::convert(&mapped.to_lowercase());
    simplified.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sentence punctuation that may follow (or precede) a word.
const EDGE: &[char] = &[
    '.', ',', '!', '?', ';', ':', '。', '，', '！', '？', '；', '：', '、', '"', '\'', '(', ')', '[', ']', '{', '}',
    '<', '>', '「', '」', '『', '』', '《', '》', '（', '）', '【', '】', '～', '~',
];

/// The words of a folded guess: split at white space and at CJK characters.
fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| c.is_whitespace() || is_cjk(c)).filter(|w| !w.is_empty())
}

/// Whether a folded guess matches one folded answer.
fn matches_folded(guess: &str, answer: &str) -> bool {
    if answer.is_empty() {
        return false;
    }
    if answer.chars().any(is_cjk) || answer.contains(' ') {
        return guess.contains(answer);
    }
    // A word matches when it is the answer with nothing but sentence
    // punctuation or quotes around it (`EDGE* answer EDGE*`), so `;!`
    // still answers `;`.
    let edge = |s: &str| s.chars().all(|c| EDGE.contains(&c));
    words(guess).any(|w| w.match_indices(answer).any(|(i, _)| edge(&w[..i]) && edge(&w[i + answer.len()..])))
}

/// Whether `guess` matches any of `answers` (both as written; folded here).
pub fn matches<S: AsRef<str>>(guess: &str, answers: &[S]) -> bool {
    let guess = fold(guess);
    answers.iter().any(|a| matches_folded(&guess, &fold(a.as_ref())))
}

/// Answers folded once, for checking many guesses against one question
/// (every chat message while a free-answer question is open).
#[derive(Debug, Clone)]
pub struct Matcher {
    answers: Vec<String>,
}

impl Matcher {
    /// Folds the accepted answers.
    pub fn new<S: AsRef<str>>(answers: &[S]) -> Matcher {
        Matcher { answers: answers.iter().map(|a| fold(a.as_ref())).filter(|a| !a.is_empty()).collect() }
    }

    /// Whether `guess` matches.
    pub fn matches(&self, guess: &str) -> bool {
        let guess = fold(guess);
        self.answers.iter().any(|a| matches_folded(&guess, a))
    }
}

/// The label of option `i` (0-based): `A`…`F`.
pub fn option_label(i: usize) -> char {
    char::from(b'A' + u8::try_from(i.min(25)).unwrap_or(25))
}

/// Reads a typed choice among `options` (as written): the option's letter
/// (`b`, `B.`, `(B)`, `ｂ`, `选B`), its number (`2`), or its whole text.
/// Numbers are positions only when no option is itself a number (for
/// options `2 / 4 / 8 / 16`, typing `4` means the option `4`; letters still
/// mean positions). `None` when the text is not a choice: in a group it is
/// just chat.
pub fn read_choice<S: AsRef<str>>(typed: &str, options: &[S]) -> Option<usize> {
    let folded = fold(typed);
    let options: Vec<String> = options.iter().map(|o| fold(o.as_ref())).collect();
    if let Some(i) = options.iter().position(|o| *o == folded) {
        return Some(i);
    }
    let mut core = folded.trim_matches(EDGE).trim();
    for prefix in ["选项", "选", "答案是", "答案", "option", "answer"] {
        if let Some(rest) = core.strip_prefix(prefix) {
            core = rest.trim_start_matches([' ', ':']).trim();
            break;
        }
    }
    let core = core.trim_matches(EDGE).trim();
    if let Some(i) = options.iter().position(|o| o == core) {
        return Some(i);
    }
    let mut chars = core.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else { return None };
    let numbers_are_options = options.iter().any(|o| o.parse::<f64>().is_ok());
    let index = match c {
        'a'..='f' => usize::from(u8::try_from(c).unwrap_or(b'z') - b'a'),
        '1'..='6' if !numbers_are_options => usize::from(u8::try_from(c).unwrap_or(b'0') - b'1'),
        _ => return None,
    };
    (index < options.len()).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(guess: &str, answers: &[&str]) {
        assert!(matches(guess, answers), "{guess:?} should match {answers:?}");
    }

    fn no(guess: &str, answers: &[&str]) {
        assert!(!matches(guess, answers), "{guess:?} should not match {answers:?}");
    }

    #[test]
    fn case_is_ignored() {
        ok("mouse", &["Mouse"]);
        ok("MOUSE", &["mouse"]);
        ok("select", &["SELECT"]);
    }

    #[test]
    fn full_width_and_half_width_are_folded() {
        ok("ＳＥＬＥＣＴ", &["SELECT"]);
        ok("５４３２", &["5432"]);
        ok("pg_dump", &["ｐｇ＿ｄｕｍｐ"]);
        ok("ｈａｒｄ　ｄｉｓｋ", &["hard disk"]); // ideographic space
    }

    #[test]
    fn smart_quotes_are_folded() {
        ok(
            "the inventor is a fan of “Monty Python’s Flying Circus”",
            &["The inventor is a fan of \"Monty Python's Flying Circus\""],
        );
        ok("Monty Python‘s Flying Circus", &["Monty Python's Flying Circus"]);
        ok("sometimes there’s a difference, sometimes not", &["Sometimes there's a difference, sometimes not"]);
    }

    #[test]
    fn traditional_and_simplified_are_folded() {
        ok("預寫式日誌", &["预写式日志"]);
        ok("预写式日志", &["預寫式日誌"]);
        ok("是邏輯複製吧", &["逻辑复制"]);
    }

    #[test]
    fn a_multi_word_answer_matches_as_a_contained_phrase() {
        ok("I think it is the Central Processing Unit!", &["Central processing unit"]);
        ok("hard disks", &["hard disk"]); // Red's rule is a plain substring test
        no("central unit", &["Central processing unit"]);
        no("processing central unit", &["Central processing unit"]);
        ok("guido   van\trossum", &["Guido van Rossum"]);
    }

    #[test]
    fn a_one_word_answer_must_be_a_whole_word() {
        ok("it's the mouse", &["Mouse"]);
        no("mousetrap", &["Mouse"]);
        no("c++", &["C"]);
        ok("C", &["C"]);
        ok("mouse!", &["Mouse"]);
        ok("\"mouse\".", &["Mouse"]);
        ok("main()", &["main()"]);
        ok(";", &[";"]);
        ok("%", &["%"]);
        ok("<?php", &["<?php"]);
        ok("it is c++.", &["c++"]);
        no("xor", &["or"]);
    }

    #[test]
    fn chinese_answers_match_as_contained_strings() {
        ok("应该是主键吧", &["主键"]);
        ok("主键", &["主键"]);
        no("外键", &["主键"]);
        ok("答案：VACUUM FULL 会重写整张表", &["vacuum full"]);
        ok("默认端口是5432", &["5432"]);
        ok("默认端口是５４３２。", &["5432"]);
        no("默认端口是54321", &["5432"]);
        ok("用 WAL 日志", &["WAL"]);
    }

    #[test]
    fn numbers_and_yaml_booleans_count_as_their_text() {
        ok("1969", &["1969"]);
        ok("no", &["False", "No", "Off"]);
    }

    #[test]
    fn empty_answers_never_match() {
        no("", &[""]);
        no("anything", &["   "]);
        assert!(!Matcher::new(&["", " "]).matches(""));
    }

    #[test]
    fn the_matcher_agrees_with_matches() {
        let m = Matcher::new(&["Central processing unit", "CPU"]);
        assert!(m.matches("cpu"));
        assert!(m.matches("the central processing unit"));
        assert!(!m.matches("gpu"));
    }

    #[test]
    fn choices_are_read_by_letter_number_or_text() {
        let opts = ["VACUUM", "VACUUM FULL", "ANALYZE", "REINDEX"];
        assert_eq!(read_choice("b", &opts), Some(1));
        assert_eq!(read_choice("B.", &opts), Some(1));
        assert_eq!(read_choice("(B)", &opts), Some(1));
        assert_eq!(read_choice("ｂ", &opts), Some(1));
        assert_eq!(read_choice("选B", &opts), Some(1));
        assert_eq!(read_choice("选 b", &opts), Some(1));
        assert_eq!(read_choice("2", &opts), Some(1));
        assert_eq!(read_choice("２", &opts), Some(1));
        assert_eq!(read_choice("vacuum full", &opts), Some(1));
        assert_eq!(read_choice("e", &opts), None);
        assert_eq!(read_choice("5", &opts), None);
        assert_eq!(read_choice("I think b", &opts), None);
        assert_eq!(read_choice("hello", &opts), None);
    }

    #[test]
    fn numbers_are_options_when_options_are_numbers() {
        let opts = ["2", "4", "8", "16"];
        assert_eq!(read_choice("4", &opts), Some(1));
        assert_eq!(read_choice("16", &opts), Some(3));
        assert_eq!(read_choice("1", &opts), None);
        assert_eq!(read_choice("d", &opts), Some(3));
    }

    #[test]
    fn labels() {
        assert_eq!((0..6).map(option_label).collect::<String>(), "ABCDEF");
    }
}

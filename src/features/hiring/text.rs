//! Small text helpers shared by the parsers: folding for comparison (the
//! FAQ's fold: NFKC, lower case, Traditional → Simplified) and counting.

use unicode_normalization::UnicodeNormalization;

use crate::features::faq::normalize::fold;
use crate::i18n::Prompt;

/// Builds a prompt's arguments in place (`Prompt::key("…").str("id", "J7")`),
/// as the parsers report their problems.
pub trait PromptExt {
    /// Adds a text argument.
    fn str(self, name: &'static str, value: impl Into<String>) -> Self;
    /// Adds a number argument.
    fn num(self, name: &'static str, value: i64) -> Self;
}

impl PromptExt for Prompt {
    fn str(mut self, name: &'static str, value: impl Into<String>) -> Prompt {
        self.args = self.args.str(name, value);
        self
    }

    fn num(mut self, name: &'static str, value: i64) -> Prompt {
        self.args = self.args.num(name, value);
        self
    }
}

/// Folds a key, a filter word or a city for comparison: the FAQ's fold
/// (full-width → ASCII, lower case, Traditional → Simplified), accents
/// removed (`Běijīng` → `beijing`), surrounding white space trimmed.
pub fn fold_word(s: &str) -> String {
    let folded = fold(s.trim());
    if folded.is_ascii() {
        return folded;
    }
    // NFKD and drop combining marks: pinyin tone marks, é, ü…
    let stripped: String = folded.nfkd().filter(|c| !is_combining_mark(*c)).collect();
    stripped.nfkc().collect()
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Characters, as members count them (not bytes).
pub fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The first `max` characters of `s`, with `…` when it was cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let s = s.trim();
    if chars(s) <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Whether `c` is a CJK ideograph (as the FAQ tokenizer decides).
pub fn is_cjk(c: char) -> bool {
    crate::features::faq::normalize::is_cjk(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold_word("  ＢｅｉＪｉｎｇ "), "beijing");
        assert_eq!(fold_word("Běijīng"), "beijing");
        assert_eq!(fold_word("廣州"), "广州");
        assert_eq!(fold_word("職位"), "职位");
        assert_eq!(fold_word("Zürich"), "zurich");
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("短", 5), "短");
        assert_eq!(excerpt("一二三四五六", 3), "一二三…");
        assert_eq!(excerpt("ab   cdef", 4), "ab…");
        assert_eq!(chars("数据库"), 3);
    }
}

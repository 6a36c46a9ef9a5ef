//! Short ids members type: `J7` for a post, `S3` for a subscription. Numbers
//! count per community from 1 (`hiring_counters`). Typed any case, with or
//! without the letter or a `#`, full-width or not: `J7`, `j7`, `#J7`, `7`,
//! `Ｊ７` are all post 7.

use std::fmt;

use crate::features::hiring::text::fold_word;

/// A post's number in its community, shown as `J7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostNo(pub i64);

/// A subscription's number in its community, shown as `S3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubNo(pub i64);

impl fmt::Display for PostNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "J{}", self.0)
    }
}

impl fmt::Display for SubNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}", self.0)
    }
}

/// Largest number accepted (ids are shown in chat; anything longer is a typo).
const MAX_NO: i64 = 999_999_999;

fn parse_with(prefix: char, s: &str) -> Option<i64> {
    let f = fold_word(s);
    let f = f.strip_prefix('#').unwrap_or(&f);
    let digits = f.strip_prefix(prefix).unwrap_or(f);
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().filter(|n| (1..=MAX_NO).contains(n))
}

impl PostNo {
    /// Parses `J7`, `j7`, `#J7`, `7`; `None` for anything else (the reply
    /// is `hiring-bad-post-id`).
    pub fn parse(s: &str) -> Option<PostNo> {
        parse_with('j', s).map(PostNo)
    }
}

impl SubNo {
    /// Parses `S3`, `s3`, `#S3`, `3`; `None` for anything else.
    pub fn parse(s: &str) -> Option<SubNo> {
        parse_with('s', s).map(SubNo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_ids() {
        for s in ["J7", "j7", "#J7", "7", "Ｊ７", " J7 ", "J007"] {
            assert_eq!(PostNo::parse(s), Some(PostNo(7)), "{s}");
        }
        for s in ["", "J", "J0", "S7", "J-7", "J7a", "J1234567890", "post", "七", "J 7"] {
            assert_eq!(PostNo::parse(s), None, "{s}");
        }
        assert_eq!(PostNo(12).to_string(), "J12");
    }

    #[test]
    fn subscription_ids() {
        for s in ["S3", "s3", "#s3", "3", "Ｓ３"] {
            assert_eq!(SubNo::parse(s), Some(SubNo(3)), "{s}");
        }
        for s in ["J3", "S", "S0", "sub3"] {
            assert_eq!(SubNo::parse(s), None, "{s}");
        }
        assert_eq!(SubNo(3).to_string(), "S3");
    }
}

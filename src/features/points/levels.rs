//! Levels and titles from lifetime contribution. The points needed to go
//! from level L to L+1 are `a·L² + b·L + c` (default 5L² + 50L + 100, the
//! curve MEE6 members know); titles name ranges of levels.

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

/// A title held from `level` up to the next title's level.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Title {
    /// The first level with this title.
    pub level: i64,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
}

impl Title {
    fn new(level: i64, zh: &str, en: &str) -> Title {
        Title { level, zh: zh.into(), en: en.into() }
    }

    /// The name in `locale`.
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::Zh => &self.zh,
            Locale::En => &self.en,
        }
    }
}

/// The default titles: 新手 → 学徒 → 能手 → 专家 → 大师 → 宗师.
pub fn default_titles() -> Vec<Title> {
    vec![
        Title::new(0, "新手", "Newcomer"),
        Title::new(5, "学徒", "Apprentice"),
        Title::new(10, "能手", "Adept"),
        Title::new(20, "专家", "Expert"),
        Title::new(35, "大师", "Master"),
        Title::new(50, "宗师", "Grandmaster"),
    ]
}

/// Where a contribution total stands on the curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The level reached.
    pub level: i64,
    /// Points earned within this level.
    pub into_level: i64,
    /// Points this level takes in all.
    pub level_size: i64,
}

/// The highest level levels reach; keeps loops bounded whatever the config.
pub const MAX_LEVEL: i64 = 1000;

/// Points needed to go from `level` to `level + 1`, at least 1.
pub fn step(curve: [i64; 3], level: i64) -> i64 {
    let [a, b, c] = curve;
    a.saturating_mul(level).saturating_mul(level).saturating_add(b.saturating_mul(level)).saturating_add(c).max(1)
}

/// The level and progress for a contribution total.
pub fn progress(curve: [i64; 3], contribution: i64) -> Progress {
    let mut level = 0;
    let mut left = contribution.max(0);
    loop {
        let size = step(curve, level);
        if left < size || level >= MAX_LEVEL {
            return Progress { level, into_level: left, level_size: size };
        }
        left -= size;
        level += 1;
    }
}

/// The title of a level: the last title whose level is at most `level`.
pub fn title_for(titles: &[Title], level: i64) -> Option<&Title> {
    titles.iter().filter(|t| t.level <= level).max_by_key(|t| t.level)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURVE: [i64; 3] = [5, 50, 100];

    #[test]
    fn the_default_curve_matches_the_formula() {
        assert_eq!(step(CURVE, 0), 100);
        assert_eq!(step(CURVE, 1), 155);
        assert_eq!(step(CURVE, 2), 220);
        assert_eq!(progress(CURVE, 0), Progress { level: 0, into_level: 0, level_size: 100 });
        assert_eq!(progress(CURVE, 99).level, 0);
        assert_eq!(progress(CURVE, 100), Progress { level: 1, into_level: 0, level_size: 155 });
        assert_eq!(progress(CURVE, 254).level, 1);
        assert_eq!(progress(CURVE, 255).level, 2);
        assert_eq!(progress(CURVE, -5).level, 0);
    }

    #[test]
    fn a_degenerate_curve_stays_bounded() {
        assert_eq!(progress([0, 0, 0], 10).level, 10, "each level takes at least one point");
        assert_eq!(progress([0, 0, 1], i64::MAX).level, MAX_LEVEL);
    }

    #[test]
    fn titles_cover_ranges_of_levels() {
        let titles = default_titles();
        assert_eq!(title_for(&titles, 0).map(|t| t.zh.as_str()), Some("新手"));
        assert_eq!(title_for(&titles, 9).map(|t| t.en.as_str()), Some("Apprentice"));
        assert_eq!(title_for(&titles, 10).map(|t| t.zh.as_str()), Some("能手"));
        assert_eq!(title_for(&titles, 500).map(|t| t.zh.as_str()), Some("宗师"));
        assert_eq!(title_for(&[], 3), None);
    }
}

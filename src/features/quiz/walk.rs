//! The 段位 assessment: an adaptive walk over difficulties, its score, the
//! ladder of levels, and the choice of each next question.
//!
//! - **Walk.** The first question has the configured start difficulty
//!   (default 3); a right answer makes the next one a step harder, a wrong
//!   one (or a timeout) a step easier, within 1–5.
//! - **Score, 0–100.** A right answer earns its difficulty in points; the
//!   score is the points earned over the points of the all-right walk of
//!   the same length from the same start (10 questions from 3: 3+4+5×8 =
//!   47), rounded. So all right is 100 and all wrong is 0, and a member who
//!   reliably answers up to difficulty k scores 9, 21, 32, 49 for k
//!   = 1…4 ([`tests::stable_members_land_on_their_rung`]).
//! - **Ladder.** The score's level: the highest rung whose threshold it
//!   reaches. Default 青铜 0 · 白银 15 · 黄金 28 · 铂金 42 · 钻石 60 · 王者 85.
//! - **Next question.** Same topic, the member's language, never one
//!   already asked in this exam; the nearest difficulty to the wanted one,
//!   where a question seen in the member's last attempts counts as two
//!   steps further away; ties broken by a stable hash of the exam and step,
//!   so the choice looks random but a test can predict it.

use std::collections::HashSet;

use super::model::{MAX_DIFFICULTY, MIN_DIFFICULTY};

/// The next difficulty after an answer.
pub fn next_difficulty(current: u8, right: bool) -> u8 {
    if right { current.saturating_add(1).min(MAX_DIFFICULTY) } else { current.saturating_sub(1).max(MIN_DIFFICULTY) }
}

/// One answered step: the difficulty actually asked and whether it was right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The question's difficulty.
    pub difficulty: u8,
    /// Answered right (a timeout or an unanswered question is wrong).
    pub right: bool,
}

/// The points of the all-right walk of `questions` steps from `start`.
pub fn max_points(questions: u32, start: u8) -> u32 {
    let mut d = start.clamp(MIN_DIFFICULTY, MAX_DIFFICULTY);
    let mut total = 0;
    for _ in 0..questions {
        total += u32::from(d);
        d = next_difficulty(d, true);
    }
    total
}

/// The score (0–100) of an exam planned for `questions` steps from `start`.
/// Steps never answered (an exam stopped early) count as wrong.
pub fn score(steps: &[Step], questions: u32, start: u8) -> u8 {
    let max = max_points(questions, start);
    if max == 0 {
        return 0;
    }
    let earned: u32 = steps.iter().filter(|s| s.right).map(|s| u32::from(s.difficulty)).sum();
    let pct = (f64::from(earned.min(max)) * 100.0 / f64::from(max)).round();
    // In 0..=100 by construction.
    pct as u8
}

/// The difficulty to ask at each step, given the answers so far.
pub fn wanted_difficulty(start: u8, steps: &[Step]) -> u8 {
    steps.last().map_or(start.clamp(MIN_DIFFICULTY, MAX_DIFFICULTY), |s| next_difficulty(s.difficulty, s.right))
}

/// One rung of the ladder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rung {
    /// Chinese name (青铜).
    pub zh: String,
    /// English name (Bronze).
    pub en: String,
    /// Lowest score (0–100) at this rung.
    pub min_score: u8,
}

/// The default ladder: 青铜 → 白银 → 黄金 → 铂金 → 钻石 → 王者.
pub fn default_ladder() -> Vec<Rung> {
    [
        ("青铜", "Bronze", 0),
        ("白银", "Silver", 15),
        ("黄金", "Gold", 28),
        ("铂金", "Platinum", 42),
        ("钻石", "Diamond", 60),
        ("王者", "Grandmaster", 85),
    ]
    .into_iter()
    .map(|(zh, en, min_score)| Rung { zh: zh.into(), en: en.into(), min_score })
    .collect()
}

/// Why a ladder is refused (config validation names `features.quiz.levels`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LadderError {
    /// Fewer than 2 or more than 10 rungs.
    #[error("a ladder has 2 to 10 levels, not {0}")]
    Count(usize),
    /// The first rung does not start at 0.
    #[error("the first level starts at min_score = 0")]
    FirstNotZero,
    /// Thresholds not strictly rising, or above 100.
    #[error("level {0} must have a min_score above the previous one and at most 100")]
    NotRising(usize),
    /// An empty name.
    #[error("level {0} needs a name in zh and en")]
    NoName(usize),
}

/// Checks a ladder from config.
pub fn check_ladder(ladder: &[Rung]) -> Result<(), LadderError> {
    if !(2..=10).contains(&ladder.len()) {
        return Err(LadderError::Count(ladder.len()));
    }
    if ladder.first().is_some_and(|r| r.min_score != 0) {
        return Err(LadderError::FirstNotZero);
    }
    for (i, pair) in ladder.windows(2).enumerate() {
        if pair[1].min_score <= pair[0].min_score || pair[1].min_score > 100 {
            return Err(LadderError::NotRising(i + 2));
        }
    }
    if let Some(i) = ladder.iter().position(|r| r.zh.trim().is_empty() || r.en.trim().is_empty()) {
        return Err(LadderError::NoName(i + 1));
    }
    Ok(())
}

/// The rung (0-based index) a score reaches.
pub fn level_for(ladder: &[Rung], score: u8) -> usize {
    ladder.iter().rposition(|r| score >= r.min_score).unwrap_or(0)
}

/// A question the exam may ask: its id and difficulty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// Question id.
    pub id: &'a str,
    /// Its difficulty.
    pub difficulty: u8,
}

/// Picks the next question (see the module doc). `seed` identifies the exam
/// and step (`exam id`, `step`); `None` when every question was asked in
/// this exam already.
pub fn pick_question<'a>(
    pool: &[Candidate<'a>],
    wanted: u8,
    asked: &HashSet<&str>,
    recent: &HashSet<&str>,
    seed: (i64, u32),
) -> Option<Candidate<'a>> {
    let (exam, step) = (seed.0.to_string(), seed.1.to_string());
    pool.iter()
        .filter(|c| !asked.contains(c.id))
        .min_by_key(|c| {
            let distance = c.difficulty.abs_diff(wanted);
            let seen = u8::from(recent.contains(c.id));
            (distance + 2 * seen, distance, super::hash::hash_of(&[&exam, &step, c.id]))
        })
        .copied()
}

/// When a member may take the assessment on a topic again: the start of
/// their last counted attempt plus the cooldown (milliseconds). Cancelled
/// attempts (a restart) do not count; stopped ones do.
pub fn retake_at(last_counted_start_ms: Option<i64>, cooldown_ms: i64) -> Option<i64> {
    last_counted_start_ms.map(|s| s.saturating_add(cooldown_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(start: u8, n: u32, knows_up_to: u8) -> Vec<Step> {
        let mut steps = Vec::new();
        for _ in 0..n {
            let d = wanted_difficulty(start, &steps);
            steps.push(Step { difficulty: d, right: d <= knows_up_to });
        }
        steps
    }

    #[test]
    fn right_raises_wrong_lowers_within_bounds() {
        assert_eq!(next_difficulty(3, true), 4);
        assert_eq!(next_difficulty(3, false), 2);
        assert_eq!(next_difficulty(5, true), 5);
        assert_eq!(next_difficulty(1, false), 1);
        let steps = [Step { difficulty: 3, right: true }, Step { difficulty: 4, right: false }];
        assert_eq!(wanted_difficulty(3, &[]), 3);
        assert_eq!(wanted_difficulty(3, &steps[..1]), 4);
        assert_eq!(wanted_difficulty(3, &steps), 3);
        assert_eq!(wanted_difficulty(9, &[]), 5);
    }

    #[test]
    fn all_right_is_100_and_all_wrong_is_0() {
        assert_eq!(max_points(10, 3), 47);
        assert_eq!(max_points(10, 1), 1 + 2 + 3 + 4 + 5 * 6);
        assert_eq!(score(&walk(3, 10, 5), 10, 3), 100);
        assert_eq!(score(&walk(3, 10, 0), 10, 3), 0);
        assert_eq!(score(&[], 10, 3), 0);
        assert_eq!(score(&[Step { difficulty: 5, right: true }; 20], 10, 3), 100);
    }

    #[test]
    fn stable_members_land_on_their_rung() {
        let ladder = default_ladder();
        let names: Vec<&str> =
            (0..=5).map(|k| ladder[level_for(&ladder, score(&walk(3, 10, k), 10, 3))].zh.as_str()).collect();
        assert_eq!(names, ["青铜", "青铜", "白银", "黄金", "铂金", "王者"]);
        let scores: Vec<u8> = (0..=5).map(|k| score(&walk(3, 10, k), 10, 3)).collect();
        assert_eq!(scores, [0, 9, 21, 32, 49, 100]);
        // One slip at the very end of a perfect run is still 王者; one at the start 钻石.
        let mut late = walk(3, 10, 5);
        late[9].right = false;
        assert_eq!(ladder[level_for(&ladder, score(&late, 10, 3))].zh, "王者");
        let mut early = vec![Step { difficulty: 3, right: false }];
        for _ in 1..10 {
            let d = wanted_difficulty(3, &early);
            early.push(Step { difficulty: d, right: true });
        }
        assert_eq!(score(&early, 10, 3), 83);
        assert_eq!(ladder[level_for(&ladder, 83)].zh, "钻石");
    }

    #[test]
    fn the_ladder_maps_thresholds_inclusively() {
        let ladder = default_ladder();
        assert_eq!(level_for(&ladder, 0), 0);
        assert_eq!(level_for(&ladder, 14), 0);
        assert_eq!(level_for(&ladder, 15), 1);
        assert_eq!(level_for(&ladder, 84), 4);
        assert_eq!(level_for(&ladder, 85), 5);
        assert_eq!(level_for(&ladder, 100), 5);
        assert_eq!(check_ladder(&ladder), Ok(()));
    }

    #[test]
    fn bad_ladders_are_refused() {
        let mut l = default_ladder();
        l[0].min_score = 5;
        assert_eq!(check_ladder(&l), Err(LadderError::FirstNotZero));
        let mut l = default_ladder();
        l[3].min_score = 28;
        assert_eq!(check_ladder(&l), Err(LadderError::NotRising(4)));
        let mut l = default_ladder();
        l[5].min_score = 101;
        assert_eq!(check_ladder(&l), Err(LadderError::NotRising(6)));
        assert_eq!(check_ladder(&default_ladder()[..1]), Err(LadderError::Count(1)));
        let mut l = default_ladder();
        l[2].en = " ".into();
        assert_eq!(check_ladder(&l), Err(LadderError::NoName(3)));
    }

    fn pool() -> Vec<Candidate<'static>> {
        vec![
            Candidate { id: "a1", difficulty: 1 },
            Candidate { id: "b2", difficulty: 2 },
            Candidate { id: "c3", difficulty: 3 },
            Candidate { id: "d3", difficulty: 3 },
            Candidate { id: "e4", difficulty: 4 },
            Candidate { id: "f5", difficulty: 5 },
        ]
    }

    #[test]
    fn the_next_question_has_the_wanted_difficulty_when_it_can() {
        let none = HashSet::new();
        let p = pool();
        let first = pick_question(&p, 3, &none, &none, (7, 0)).map(|c| c.id);
        assert!(matches!(first, Some("c3" | "d3")));
        // Deterministic for the same exam and step.
        assert_eq!(pick_question(&p, 3, &none, &none, (7, 0)).map(|c| c.id), first);
        // Across many exams both questions of difficulty 3 come up.
        let ids: HashSet<&str> =
            (0..50).filter_map(|e| pick_question(&p, 3, &none, &none, (e, 0)).map(|c| c.id)).collect();
        assert_eq!(ids, HashSet::from(["c3", "d3"]));
    }

    #[test]
    fn questions_asked_in_this_exam_are_never_asked_again() {
        let none = HashSet::new();
        let p = pool();
        let asked = HashSet::from(["c3", "d3"]);
        let next = pick_question(&p, 3, &asked, &none, (1, 2)).map(|c| c.id);
        assert!(matches!(next, Some("b2" | "e4")), "{next:?}");
        let all: HashSet<&str> = p.iter().map(|c| c.id).collect();
        assert_eq!(pick_question(&p, 3, &all, &none, (1, 2)), None);
    }

    #[test]
    fn recently_seen_questions_count_as_two_steps_away() {
        let none = HashSet::new();
        let p = pool();
        let recent = HashSet::from(["c3", "d3"]);
        // A fresh question one step away beats a recent one at the right difficulty…
        assert!(matches!(pick_question(&p, 3, &none, &recent, (1, 0)).map(|c| c.id), Some("b2" | "e4")));
        // …but a recent one at the right difficulty beats a fresh one three steps away.
        let recent = HashSet::from(["e4"]);
        let asked = HashSet::from(["f5"]);
        let p4 = [
            Candidate { id: "a1", difficulty: 1 },
            Candidate { id: "e4", difficulty: 4 },
            Candidate { id: "f5", difficulty: 5 },
        ];
        assert_eq!(pick_question(&p4, 4, &asked, &recent, (1, 0)).map(|c| c.id), Some("e4"));
        // When only recent questions are left they are still asked.
        let all_recent: HashSet<&str> = p.iter().map(|c| c.id).collect();
        assert!(pick_question(&p, 3, &none, &all_recent, (1, 0)).is_some());
    }

    #[test]
    fn retakes_wait_for_the_cooldown() {
        assert_eq!(retake_at(None, 86_400_000), None);
        assert_eq!(retake_at(Some(1_000), 86_400_000), Some(86_401_000));
    }
}

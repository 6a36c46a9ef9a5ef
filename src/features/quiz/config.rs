//! `[features.quiz]`: every setting with its default and its range. The
//! error names the key (`features.quiz.question_secs`), as the rest of the
//! config does.

use serde::{Deserialize, Serialize};

use super::model::is_topic;
use super::walk::{Rung, check_ladder, default_ladder};
use crate::config::ConfigError;
use crate::features::FeatureConfig;

/// `[features.quiz]`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuizConfig {
    /// Quizzes are on in this community (needs `points` for payouts).
    pub enabled: bool,
    /// Members (not only moderators) may start a group round.
    pub members_may_start: bool,
    /// The folder of bank files (`*.toml` ours, `*.yaml` Red lists) imported
    /// at start; relative to the working directory. Read from the top-level
    /// `[features.quiz]` only: banks are shared by every community.
    pub bank_dir: String,
    /// Topics this community may use; empty: every imported topic.
    pub topics: Vec<String>,
    /// Questions in a round when `/quiz start` gives no number. 1–50.
    pub round_questions: u32,
    /// Most questions a round may have (`/quiz start postgres 80` is
    /// refused above it). 1–100.
    pub max_round_questions: u32,
    /// How long a question stays open, in seconds. 4–600 (Red's `delay` ≥ 4).
    pub question_secs: u32,
    /// Show the answer and explanation when a question closes unanswered.
    pub reveal_answer: bool,
    /// A round stops after this many seconds without any answer attempt;
    /// 0 never. 0 or 30–86400 (Red's `timeout`, default 120).
    pub idle_stop_secs: u32,
    /// Points per correct answer in a round, paid at its end. 0–1000.
    pub points_per_correct: i64,
    /// Human players a round needs for its points to be paid. 1–100.
    pub min_players: u32,
    /// A round question or exam step overdue by more than this (the bot was
    /// down) is cancelled with a message instead of resumed, in seconds.
    /// 10–3600.
    pub resume_grace_secs: u32,
    /// Questions in an assessment. 3–50.
    pub exam_questions: u32,
    /// Difficulty of an assessment's first question. 1–5.
    pub exam_start_difficulty: u8,
    /// How long an assessment question waits for its answer, in seconds;
    /// then it counts as wrong. 10–600.
    pub exam_question_secs: u32,
    /// Hours before the same topic can be assessed again. 0–720.
    pub exam_cooldown_hours: u32,
    /// Questions from this many latest attempts (per member and topic) are
    /// avoided. 0–20.
    pub exam_avoid_attempts: u32,
    /// Points for an assessment that reaches a new best level (a
    /// promotion). 0–1000; 0: promotions earn nothing.
    pub exam_promotion_points: i64,
    /// The ladder (`[[features.quiz.levels]] zh, en, min_score`): 2–10
    /// rungs, the first at 0, strictly rising, at most 100.
    pub levels: Vec<Rung>,
    /// When `/quiz daily here` without a time posts the daily question
    /// (community time zone), `HH:MM`.
    pub daily_time: String,
    /// Points for a member's first correct daily answer of the day. 0–1000.
    pub daily_reward: i64,
    /// Tries per member per day for a free-answer daily question (a
    /// multiple-choice one has one). 1–10.
    pub daily_max_tries: u32,
    /// Topics the daily question is drawn from; empty: all of `topics`.
    pub daily_topics: Vec<String>,
}

impl Default for QuizConfig {
    fn default() -> QuizConfig {
        QuizConfig {
            enabled: true,
            members_may_start: false,
            bank_dir: "config/quizzes".into(),
            topics: Vec::new(),
            round_questions: 10,
            max_round_questions: 30,
            question_secs: 20,
            reveal_answer: true,
            idle_stop_secs: 120,
            points_per_correct: 10,
            min_players: 3,
            resume_grace_secs: 120,
            exam_questions: 10,
            exam_start_difficulty: 3,
            exam_question_secs: 60,
            exam_cooldown_hours: 24,
            exam_avoid_attempts: 3,
            exam_promotion_points: 0,
            levels: default_ladder(),
            daily_time: "09:00".into(),
            daily_reward: 5,
            daily_max_tries: 3,
            daily_topics: Vec::new(),
        }
    }
}

/// Parses `HH:MM` (24-hour) into minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once([':', '：'])?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.trim().chars().count() <= 5).then_some(h * 60 + m)
}

impl FeatureConfig for QuizConfig {
    fn enabled(&self) -> bool {
        self.enabled
    }

    /// The checks serde cannot do. `prefix` is where the section sits
    /// (`features.quiz` or `communities.ID.features.quiz`).
    fn validate(&self, prefix: &str) -> Result<(), ConfigError> {
        let err = |key: &str, message: String| ConfigError::Key { key: format!("{prefix}.{key}"), message };
        let ranges: [(&str, i64, i64, i64); 15] = [
            ("round_questions", self.round_questions.into(), 1, 50),
            ("max_round_questions", self.max_round_questions.into(), 1, 100),
            ("question_secs", self.question_secs.into(), 4, 600),
            ("idle_stop_secs", self.idle_stop_secs.into(), 0, 86_400),
            ("points_per_correct", self.points_per_correct, 0, 1000),
            ("min_players", self.min_players.into(), 1, 100),
            ("resume_grace_secs", self.resume_grace_secs.into(), 10, 3600),
            ("exam_questions", self.exam_questions.into(), 3, 50),
            ("exam_start_difficulty", self.exam_start_difficulty.into(), 1, 5),
            ("exam_question_secs", self.exam_question_secs.into(), 10, 600),
            ("exam_cooldown_hours", self.exam_cooldown_hours.into(), 0, 720),
            ("exam_avoid_attempts", self.exam_avoid_attempts.into(), 0, 20),
            ("exam_promotion_points", self.exam_promotion_points, 0, 1000),
            ("daily_reward", self.daily_reward, 0, 1000),
            ("daily_max_tries", self.daily_max_tries.into(), 1, 10),
        ];
        for (key, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                return Err(err(key, format!("{value} is out of range: {min} to {max}")));
            }
        }
        if (1..30).contains(&self.idle_stop_secs) {
            return Err(err(
                "idle_stop_secs",
                format!("{} is too short: 0 (never) or 30 to 86400", self.idle_stop_secs),
            ));
        }
        if self.round_questions > self.max_round_questions {
            return Err(err(
                "round_questions",
                format!("{} is above max_round_questions ({})", self.round_questions, self.max_round_questions),
            ));
        }
        if self.bank_dir.trim().is_empty() {
            return Err(err("bank_dir", "must name a folder (the default is config/quizzes)".into()));
        }
        if parse_hhmm(&self.daily_time).is_none() {
            return Err(err("daily_time", format!("`{}` is not a time such as 09:00", self.daily_time)));
        }
        for (key, list) in [("topics", &self.topics), ("daily_topics", &self.daily_topics)] {
            if let Some(bad) = list.iter().find(|t| !is_topic(t)) {
                return Err(err(key, format!("`{bad}` is not a topic name (a-z, 0-9, - and _)")));
            }
        }
        if !self.topics.is_empty()
            && let Some(t) = self.daily_topics.iter().find(|t| !self.topics.contains(t))
        {
            return Err(err("daily_topics", format!("`{t}` is not among `topics`")));
        }
        check_ladder(&self.levels).map_err(|e| err("levels", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_an_empty_section_means_defaults() {
        assert!(QuizConfig::default().validate("features.quiz").is_ok());
        let c: QuizConfig = toml::from_str("").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c, QuizConfig::default());
    }

    #[test]
    fn a_custom_ladder_reads_from_toml() {
        let c: QuizConfig = toml::from_str(
            "question_secs = 30\n[[levels]]\nzh = \"新手\"\nen = \"Novice\"\nmin_score = 0\n\
             [[levels]]\nzh = \"高手\"\nen = \"Expert\"\nmin_score = 70\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.levels.len(), 2);
        assert!(c.validate("features.quiz").is_ok());
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = toml::from_str::<QuizConfig>("question_seconds = 30").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("unknown field `question_seconds`"), "{e}");
    }

    #[test]
    fn out_of_range_values_name_their_key() {
        let bad = |c: QuizConfig| c.validate("features.quiz").err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            bad(QuizConfig { question_secs: 2, ..QuizConfig::default() }),
            "config key `features.quiz.question_secs`: 2 is out of range: 4 to 600"
        );
        assert_eq!(
            bad(QuizConfig { idle_stop_secs: 5, ..QuizConfig::default() }),
            "config key `features.quiz.idle_stop_secs`: 5 is too short: 0 (never) or 30 to 86400"
        );
        assert!(bad(QuizConfig { min_players: 0, ..QuizConfig::default() }).contains("features.quiz.min_players"));
        assert!(bad(QuizConfig { daily_time: "25:00".into(), ..QuizConfig::default() }).contains("daily_time"));
        assert!(bad(QuizConfig { round_questions: 40, ..QuizConfig::default() }).contains("max_round_questions"));
        assert!(
            bad(QuizConfig { topics: vec!["Bad Topic".into()], ..QuizConfig::default() })
                .contains("features.quiz.topics")
        );
        assert!(
            bad(QuizConfig { topics: vec!["a".into()], daily_topics: vec!["b".into()], ..QuizConfig::default() })
                .contains("not among `topics`")
        );
        let mut levels = default_ladder();
        levels[1].min_score = 0;
        assert_eq!(
            bad(QuizConfig { levels, ..QuizConfig::default() }),
            "config key `features.quiz.levels`: level 2 must have a min_score above the previous one and at most 100"
        );
    }

    #[test]
    fn times_of_day() {
        assert_eq!(parse_hhmm("09:00"), Some(540));
        assert_eq!(parse_hhmm("9:05"), Some(545));
        assert_eq!(parse_hhmm("21：30"), Some(1290));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("9"), None);
        assert_eq!(parse_hhmm("09:00:00"), None);
    }
}

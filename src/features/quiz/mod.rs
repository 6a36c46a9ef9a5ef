//! Quizzes: group trivia rounds with a timer, a private adaptive skill
//! assessment (段位测评) that places a member at a level per topic, a daily
//! question, and question banks in our own TOML format or as
//! Red-DiscordBot trivia lists (imported from `bank_dir` at start, or with
//! `jixia quiz import FILE`).
//!
//! Nothing waits in memory: a round, its plan and its timers are rows and
//! jobs (`quiz_close`, `quiz_exam_close`, `quiz_daily`), so a restart
//! resumes them, or cancels them with a message when the bot was down past
//! `resume_grace_secs`. The engine only keeps a cache of the banks and an
//! index of the chats with a running round (and members with a running
//! assessment), so ordinary chat costs the observer nothing.
//!
//! Grammar: `/quiz start [TOPIC] [N]` · `/quiz stop` · `/quiz answer ANSWER…`
//! · `/quiz pick TOKEN N` (buttons) · `/quiz topics` · `/quiz daily [ANSWER…]`
//! · (moderators) `/quiz daily here [HH:MM]` · `/quiz daily off` ·
//! `/exam [TOPIC]` (in a direct message) · `/exam result` · `/exam stop` ·
//! `/exam announce on|off`

pub mod answer;
pub mod bank;
mod commands;
pub mod config;
pub mod cycle;
mod daily;
mod digest;
mod exam;
pub mod export;
pub mod hash;
pub mod load;
pub mod model;
pub mod red;
mod render;
pub mod report;
mod round;
pub mod state;
pub mod store;
pub mod walk;

use std::sync::Arc;

use chrono::Duration;

use crate::community::Community;
use crate::features::{Feature, FeatureId, PromptFile};
use crate::ledger::MovementKind;
use crate::scheduler::JobKind;
use crate::store::MergeHook;

pub use config::QuizConfig;
pub use load::{BankFormat, ImportFailed, import_file};
pub use state::QuizState;

/// Points for right answers in a group round, paid at its end.
pub const ROUND: MovementKind = MovementKind::earning("quiz_round");
/// A member's first right answer to the daily question.
pub const DAILY: MovementKind = MovementKind::earning("quiz_daily");
/// An assessment that reached a new best level (`exam_promotion_points`).
pub const PROMOTION: MovementKind = MovementKind::earning("quiz_promotion");

/// A round question's close: reveal, then the next question or the end.
pub const CLOSE_JOB: JobKind =
    JobKind { name: "quiz_close", max_attempts: 5, catch_up: no_catch_up, run: round::run_close };
/// An assessment question's timeout: counts as wrong, then the next one.
pub const EXAM_JOB: JobKind =
    JobKind { name: "quiz_exam_close", max_attempts: 5, catch_up: no_catch_up, run: exam::run_close };
/// The daily question posted in a chat (a schedule's fire).
pub const DAILY_JOB: JobKind =
    JobKind { name: "quiz_daily", max_attempts: 5, catch_up: daily_catch_up, run: daily::run_fire };

fn no_catch_up(_: &Community) -> Duration {
    Duration::zero()
}

/// A daily question missed during downtime is still posted the same day.
fn daily_catch_up(_: &Community) -> Duration {
    Duration::hours(12)
}

/// The quiz feature.
pub static FEATURE: Feature = Feature {
    requires: &[FeatureId::Points],
    commands: commands::COMMANDS,
    observe: Some(commands::observe),
    due: Some(state::due),
    state: Some(|_| Arc::new(QuizState::default())),
    jobs: &[CLOSE_JOB, EXAM_JOB, DAILY_JOB],
    digest: Some(digest::render),
    movements: &[ROUND, DAILY, PROMOTION],
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    profile: Some(exam::profile),
    load: Some(load::at_start),
    ..Feature::new(
        FeatureId::Quiz,
        PromptFile {
            zh: include_str!("../../../prompts/zh/quiz.ftl"),
            en: include_str!("../../../prompts/en/quiz.ftl"),
        },
    )
};

/// The quiz SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::ledger::on_sqlite::sql as ledger;
    use crate::store::on_sqlite::jobs as queue;
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The quiz SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::ledger::on_postgres::sql as ledger;
    use crate::store::on_postgres::jobs as queue;
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

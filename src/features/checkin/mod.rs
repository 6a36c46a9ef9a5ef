//! Daily check-in (签到): one per calendar day in the community's time zone,
//! streaks with a capped bonus, milestone rewards announced in the chat, and
//! make-up cards (补签) bought with points to fill a recent missed day.
//! Check-ins arriving together are committed together ([`Committer`]); each
//! reply still waits for its own commit.
//!
//! Grammar: `/checkin` · `/checkin makeup YYYY-MM-DD`

mod commands;
mod committer;
pub mod config;
mod digest;
mod figures;
pub mod store;

use std::sync::Arc;

use crate::features::{Feature, FeatureId, PromptFile};
use crate::ledger::MovementKind;
use crate::store::MergeHook;

pub use commands::streak_ending;
pub use committer::Committer;
pub use config::{CheckinConfig, Milestone};

/// A daily check-in or a make-up day's base reward.
pub const CHECKIN: MovementKind = MovementKind::earning("checkin");
/// A check-in streak milestone.
pub const MILESTONE: MovementKind = MovementKind::earning("milestone");
/// Buying a make-up card.
pub const MAKEUP: MovementKind = MovementKind::neutral("makeup");

/// The check-in feature.
pub static FEATURE: Feature = Feature {
    requires: &[FeatureId::Points],
    commands: commands::COMMANDS,
    state: Some(|_| Arc::new(Committer::default())),
    digest: Some(digest::streaks),
    figures: Some(figures::figures),
    movements: &[CHECKIN, MILESTONE, MAKEUP],
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    ..Feature::new(
        FeatureId::Checkin,
        PromptFile {
            zh: include_str!("../../../prompts/zh/checkin.ftl"),
            en: include_str!("../../../prompts/en/checkin.ftl"),
        },
    )
};

/// The check-in SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::ledger::on_sqlite::sql as ledger;
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The check-in SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::ledger::on_postgres::sql as ledger;
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

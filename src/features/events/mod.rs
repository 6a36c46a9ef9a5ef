//! Event sign-ups (活动报名): salons and meetups, online and offline.
//! Organisers (moderators, and members named in the config) create events
//! in one line or in `key: value` lines with dates as people type them
//! ([`when`]); members join and leave, with a capacity and a waitlist in
//! arrival order whose first member is promoted (and told by direct
//! message) when a seat frees; reminders go out before the start as
//! durable jobs ([`jobs`]); edits and cancels tell everyone signed up; a
//! calendar file ([`ics`]) goes with every event; and an attendance code
//! marks members present and pays contribution points through the ledger
//! (wrong codes limited per member as link codes are). An event may be
//! limited to a points level and to the community's named roles
//! ([`crate::roles`]); moderators and organisers may always join.
//!
//! Grammar: `/events [PAGE]` · `/event ID [ics]` · `/event create …` ·
//! `/event edit ID key=value…` · `/event cancel ID` · `/event code ID` ·
//! `/event attendees ID` · `/join ID` · `/leave ID` · `/attend CODE` ·
//! `/remind [on|off]` · `/timezone [ZONE|off]`
//!
//! Layout: the pure parts — [`when`] (dates), [`form`] (the create and
//! edit text), [`ics`] — take everything as arguments and are tested
//! exhaustively; [`commands`], [`jobs`] and [`digest`] use them with the
//! [`store`] and [`render`] them in the member's language and zone.

mod commands;
pub mod config;
mod digest;
pub mod form;
pub mod ics;
mod jobs;
pub mod render;
pub mod store;
pub mod when;

use std::sync::Arc;

use crate::features::{Feature, FeatureId, PromptFile};
use crate::ledger::MovementKind;
use crate::store::MergeHook;

pub use config::EventsConfig;
pub use jobs::{REMIND, reminder_jobs};

/// Attending an event: earned contribution.
pub const ATTEND: MovementKind = MovementKind::earning("event");

/// The events feature.
pub static FEATURE: Feature = Feature {
    commands: commands::COMMANDS,
    jobs: &[REMIND],
    digest: Some(digest::coming),
    movements: &[ATTEND],
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    state: Some(|_| Arc::new(commands::WrongCodes::default())),
    ..Feature::new(
        FeatureId::Events,
        PromptFile {
            zh: include_str!("../../../prompts/zh/events.ftl"),
            en: include_str!("../../../prompts/en/events.ftl"),
        },
    )
};

/// The events SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::ledger::on_sqlite::sql as ledger;
    use crate::store::on_sqlite::jobs as queue;
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The events SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::ledger::on_postgres::sql as ledger;
    use crate::store::on_postgres::jobs as queue;
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

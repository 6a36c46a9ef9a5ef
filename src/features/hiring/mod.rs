//! Job notifications (招聘): recruiters and moderators post jobs as
//! `key: value` lines, moderators review them, members list and search the
//! open ones, and subscriptions bring each matching new post by direct
//! message — never the same post twice, at most `dm_per_day` a day with the
//! rest bundled the next morning. A post is listed until its last day; its
//! poster hears the day before. Everything later is a durable job
//! ([`jobs`]); every direct message goes through the outbox.
//!
//! Grammar: `/job ID` · `/job post` + lines · `/job approve ID` ·
//! `/job reject ID REASON…` · `/job close ID` · `/jobs [PAGE]` ·
//! `/jobs search WORDS…` · `/jobs pending` ·
//! `/jobs subscribe KEYWORDS… [city:CITY] [remote] [salary>=N]` ·
//! `/jobs subscriptions` · `/jobs unsubscribe ID`
//!
//! Layout: the pure parts — [`post`] (the post format), [`salary`],
//! [`expiry`], [`city`], [`query`] (subscriptions and searches), [`matcher`],
//! [`ids`] — take everything as arguments and are tested exhaustively;
//! [`commands`], [`jobs`] and [`digest`] use them with the [`store`] and
//! [`render`] them in the member's language. The feature is named `hiring`
//! (module, config section, tables) because the scheduler owns `jobs`; its
//! commands are still `/job` and `/jobs`.

pub mod city;
mod commands;
pub mod config;
mod digest;
mod docs;
pub mod expiry;
pub mod ids;
mod jobs;
pub mod matcher;
pub mod post;
pub mod query;
pub mod render;
pub mod salary;
pub mod store;
pub(crate) mod text;

use std::sync::Arc;

use crate::features::{Feature, FeatureId, PromptFile};
use crate::store::MergeHook;

pub use config::HiringConfig;
pub use jobs::{BUNDLE, EXPIRE, FANOUT, NOTICE};

/// The hiring feature.
pub static FEATURE: Feature = Feature {
    commands: commands::COMMANDS,
    state: Some(|_| Arc::new(docs::Docs::default())),
    jobs: &[FANOUT, BUNDLE, NOTICE, EXPIRE],
    digest: Some(digest::new_jobs),
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    ..Feature::new(
        FeatureId::Hiring,
        PromptFile {
            zh: include_str!("../../../prompts/zh/hiring.ftl"),
            en: include_str!("../../../prompts/en/hiring.ftl"),
        },
    )
};

/// The hiring SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::store::on_sqlite::jobs as queue;
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The hiring SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::store::on_postgres::jobs as queue;
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

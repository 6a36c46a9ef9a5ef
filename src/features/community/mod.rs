//! Which chats belong to a community, from inside the chats: an admin of a
//! community gets a single-use code (`/community code`, by direct message)
//! and sends `/community add CODE` in the new group chat, which then belongs
//! to that community (as if the config listed it). Only the admin's own
//! accounts can use their code. `/community remove` lets a registered chat
//! go, `/community chats` lists them. In a group chat that belongs to no
//! community nothing else runs: the bot says once how to add it.
//!
//! Grammar: `/community code` · `/community add CODE` · `/community remove` ·
//! `/community chats`

mod commands;
pub mod store;

use crate::features::{Feature, FeatureId, PromptFile};
use crate::store::MergeHook;

/// The community feature: always on.
pub static FEATURE: Feature = Feature {
    commands: commands::COMMANDS,
    state: Some(|_| std::sync::Arc::new(commands::State::default())),
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    unbound: Some(commands::unbound),
    ..Feature::new(
        FeatureId::Community,
        PromptFile {
            zh: include_str!("../../../prompts/zh/community.ftl"),
            en: include_str!("../../../prompts/en/community.ftl"),
        },
    )
};

/// The community SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The community SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

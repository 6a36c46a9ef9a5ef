//! Bounty Q&A (悬赏问答): a member asks a question with points on it, held
//! in the ledger's `escrow` account; members answer (with `/answer` or by
//! replying to the question) and vote; the asker accepts one answer, which
//! gets the points and the contribution. Unaccepted bounties are settled by
//! a durable expiry job: half to the best-voted answer with at least two
//! votes, the rest back to the asker. Urgent (加急) bounties need more
//! points, run shorter, are listed first and are announced by direct
//! message to the members who asked for it.
//!
//! Grammar: `/ask [N] TEXT…` (`/悬赏`, `/bounty`) · `/ask urgent N TEXT…`
//! (`/加急`) · `/answer Q17 TEXT…` (or a reply to the question) ·
//! `/upvote Q17-A2` (or a 👍 reaction on the answer) · `/accept Q17-A2` (or `/accept` replying to the
//! answer) · `/questions [mine] [PAGE]` · `/question Q17` ·
//! `/bounty notify on|off` · `/bounty answers on|off`
//!
//! Layout: [`ids`] (the short ids) and [`config`] are pure; [`commands`]
//! parses and answers; [`store`] (SQL in `sql.rs`) keeps every state change
//! and its points movement in one transaction; [`jobs`] are the expiry and
//! the direct messages; [`state`] is the in-memory index that keeps the
//! passive hook free for chats without an open question.

mod commands;
pub mod config;
mod digest;
pub mod ids;
mod jobs;
mod state;
pub mod store;

use std::sync::Arc;

use crate::features::{Feature, FeatureId, PromptFile};
use crate::ledger::MovementKind;
use crate::store::{MergeHook, Store, StoreError};

pub use config::BountyConfig;
pub use jobs::{ANNOUNCE, EXPIRE, NOTICE};
pub use store::EscrowDrift;

/// Points put on a question, into escrow.
pub const ESCROW: MovementKind = MovementKind::neutral("bounty_escrow");
/// A bounty paid to an answer (accepted, or the best-voted at expiry).
pub const AWARD: MovementKind = MovementKind::earning("bounty_award");
/// A bounty (or what is left of it) back to its asker at expiry.
pub const RETURN: MovementKind = MovementKind::neutral("bounty_return");
/// The fee kept from an unanswered bounty.
pub const FEE: MovementKind = MovementKind::neutral("bounty_fee");

/// The bounty feature.
pub static FEATURE: Feature = Feature {
    requires: &[FeatureId::Points],
    commands: commands::COMMANDS,
    observe: Some(commands::observe),
    react: Some(commands::react),
    state: Some(|_| Arc::new(state::BountyState::default())),
    jobs: &[EXPIRE, ANNOUNCE, NOTICE],
    digest: Some(digest::render),
    movements: &[ESCROW, AWARD, RETURN, FEE],
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    ..Feature::new(
        FeatureId::Bounty,
        PromptFile {
            zh: include_str!("../../../prompts/zh/bounty.ftl"),
            en: include_str!("../../../prompts/en/bounty.ftl"),
        },
    )
};

/// Communities whose escrow account is not the sum of their open bounties
/// (`jixia doctor`).
pub async fn escrow_drift(store: &Store) -> Result<Vec<EscrowDrift>, StoreError> {
    store.bounty().bounty_escrow_drift().await
}

/// The bounty SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::ledger::on_sqlite::sql as ledger;
    use crate::store::on_sqlite::jobs as queue;
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The bounty SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::ledger::on_postgres::sql as ledger;
    use crate::store::on_postgres::jobs as queue;
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

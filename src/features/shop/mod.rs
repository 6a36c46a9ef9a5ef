//! The rewards shop: a catalogue in config (salon tickets, recorded
//! courses, T-shirts…), redeemed with points into a moderators' order queue;
//! refunds return the points and the stock. Stock never goes below zero,
//! whatever redemptions race.
//!
//! Grammar: `/shop` · `/redeem ITEM` · `/orders` · `/orders done ID` ·
//! `/orders refund ID`

mod commands;
pub mod config;
mod figures;
pub mod store;

use crate::features::{Feature, FeatureId, PromptFile};
use crate::ledger::MovementKind;
use crate::store::MergeHook;

pub use config::{ShopConfig, ShopItem};

/// Redeeming a shop item.
pub const REDEEM: MovementKind = MovementKind::neutral("redeem");
/// A shop order refunded.
pub const REFUND: MovementKind = MovementKind::neutral("refund");

/// The shop feature.
pub static FEATURE: Feature = Feature {
    requires: &[FeatureId::Points],
    commands: commands::COMMANDS,
    movements: &[REDEEM, REFUND],
    figures: Some(figures::figures),
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    ..Feature::new(
        FeatureId::Shop,
        PromptFile {
            zh: include_str!("../../../prompts/zh/shop.ftl"),
            en: include_str!("../../../prompts/en/shop.ftl"),
        },
    )
};

/// The shop SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::ledger::on_sqlite::sql as ledger;
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The shop SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::ledger::on_postgres::sql as ledger;
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

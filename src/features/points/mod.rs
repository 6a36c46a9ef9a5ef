//! Points: what members see of the ledger. Members earn by taking part
//! (chat activity, thanks, check-ins…) and spend in the shop; lifetime
//! contribution gives levels and titles; leaderboards rank contribution per
//! week, month or all time. Moderators grant and deduct with a reason. The
//! ledger itself ([`crate::ledger`]) is shared mechanism every feature pays
//! through; this feature shows it.
//!
//! Grammar: `/points [@MEMBER]` · `/points history [@MEMBER]` ·
//! `/points grant @MEMBER N REASON…` · `/points deduct @MEMBER N REASON…` ·
//! `/top [week|month|all]`
//!
//! `/top` and the rank in `/points` come from a leaderboard snapshot at most
//! a few seconds old ([`board`]); balances and contribution are read fresh.

pub mod activity;
pub mod board;
mod commands;
pub mod config;
mod digest;
mod figures;
pub mod levels;
pub mod store;

use std::sync::Arc;

use crate::BoxFuture;
use crate::community::Community;
use crate::engine::Engine;
use crate::features::{Feature, FeatureId, Observed, PromptFile};
use crate::handler::Ctx;
use crate::i18n::{Args, Locale};
use crate::ledger::MovementKind;
use crate::message::Outgoing;
use crate::rich::RichText;
use crate::store::{MemberId, MergeHook, StoreError};

pub use activity::Activity;
pub use board::Boards;
pub use commands::period_start;
pub use config::PointsConfig;
use levels::{progress, title_for};

/// Chatting (a random amount, cooled down).
pub const ACTIVITY: MovementKind = MovementKind::earning("activity");
/// Being thanked in a reply.
pub const THANKS: MovementKind = MovementKind::earning("thanks");
/// A moderator's grant.
pub const GRANT: MovementKind = MovementKind::earning("grant");
/// A moderator's deduction (a correction: lowers contribution too).
pub const DEDUCT: MovementKind = MovementKind::correction("deduct");

/// The points feature.
pub static FEATURE: Feature = Feature {
    commands: commands::COMMANDS,
    observe: Some(observe),
    due: Some(flush),
    state: Some(|_| Arc::new(PointsState::default())),
    digest: Some(digest::top),
    figures: Some(figures::figures),
    movements: &[ACTIVITY, THANKS, GRANT, DEDUCT],
    merge: Some(MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge }),
    ..Feature::new(
        FeatureId::Points,
        PromptFile {
            zh: include_str!("../../../prompts/zh/points.ftl"),
            en: include_str!("../../../prompts/en/points.ftl"),
        },
    )
};

/// The points SQL compiled for SQLite.
#[path = "."]
mod on_sqlite {
    use crate::store::sqlite as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The points SQL compiled for PostgreSQL.
#[path = "."]
mod on_postgres {
    use crate::store::postgres as db;
    #[path = "sql.rs"]
    pub(super) mod sql;
}

/// The points feature's state on one engine.
#[derive(Debug, Default)]
pub struct PointsState {
    /// Activity awards waiting for their group commit.
    pub activity: Activity,
    /// Leaderboard snapshots.
    pub boards: Boards,
}

fn observe<'a>(ctx: &'a Ctx<'a>) -> BoxFuture<'a, Observed> {
    Box::pin(async move {
        match ctx.engine.state::<PointsState>() {
            Some(state) => Observed::pass(state.activity.observe(ctx, &ctx.community.features.points).await),
            None => Observed::default(),
        }
    })
}

fn flush(engine: &Engine, _: crate::features::Due) -> BoxFuture<'_, Vec<Outgoing>> {
    Box::pin(async move {
        match engine.state::<PointsState>() {
            Some(state) => state.activity.flush(engine).await,
            None => Vec::new(),
        }
    })
}

/// If `member` crossed into a new level between `before` and `after`
/// contribution, records it (once, across instances) and returns the
/// announcement in `locale`: the member's own when it follows their
/// command (a check-in, a grant they asked about), the community's when
/// nobody asked (a level reached by chatting). A new title is named only
/// when the title changed.
pub(crate) async fn level_up(
    engine: &Engine,
    community: &Community,
    locale: Locale,
    member: MemberId,
    name: &str,
    before: i64,
    after: i64,
) -> Result<Option<RichText>, StoreError> {
    let config = &community.features.points;
    let (old, new) = (progress(config.level_curve, before).level, progress(config.level_curve, after).level);
    if new <= old || !engine.store().points().reach_level(&community.id, member, new).await? {
        return Ok(None);
    }
    let (was, now) = (title_for(&config.titles, old), title_for(&config.titles, new));
    let args = Args::new().str("name", name).num("level", new);
    Ok(Some(match now.filter(|t| was.map(|w| w.level) != Some(t.level)) {
        Some(title) => {
            let args = args.str("title", title.name(locale).to_owned());
            engine.prompts().format(locale, "points-level-up", &args)
        }
        None => engine.prompts().format(locale, "points-level-up-same-title", &args),
    }))
}

//! The points feature's storage: levels reached and leaderboards (balances
//! and transfers are the ledger's). Implemented for both backends by
//! `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::store::{Backend, MemberId, Store, StoreError};

/// A member's place on a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// Dense rank: ties share a rank, the next rank follows directly.
    pub rank: i64,
    /// The member.
    pub member: MemberId,
    /// Their display name.
    pub name: String,
    /// Contribution earned in the period.
    pub points: i64,
}

/// Levels and leaderboards.
#[async_trait]
pub trait PointsStore: Send + Sync {
    /// The members ranked `limit` or better by contribution earned since
    /// `since` (all time when `None`), dense-ranked: ties share a rank, so a
    /// top 10 may show more than ten names (at most 30).
    async fn leaderboard(
        &self,
        community: &str,
        since: Option<DateTime<Utc>>,
        limit: i64,
    ) -> Result<Vec<Standing>, StoreError>;

    /// The contribution one member earned since `since` (all time when
    /// `None`), read from their own rows only (no rank: ranks come from the
    /// board's snapshot).
    async fn earned(&self, community: &str, member: MemberId, since: Option<DateTime<Utc>>) -> Result<i64, StoreError>;

    /// Every member who earned contribution since `since` (all time when
    /// `None`), with their display name and points, in no order: what
    /// leaderboard snapshots are ranked from.
    async fn board_points(
        &self,
        community: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<(MemberId, String, i64)>, StoreError>;

    /// Records that `member` reached `level`; `true` only the first time
    /// (so a level-up is announced once, across instances).
    async fn reach_level(&self, community: &str, member: MemberId, level: i64) -> Result<bool, StoreError>;
}

impl Store {
    /// Levels and leaderboards.
    pub fn points(&self) -> &dyn PointsStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

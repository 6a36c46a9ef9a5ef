//! The check-in feature's storage: the days members checked in, recorded
//! together with their rewards (and a make-up card's cost) in one
//! transaction. Implemented for both backends by `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::ledger::{Balance, Transfer};
use crate::store::{Backend, MemberId, Store, StoreError};

/// A day a member checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckinDay {
    /// The calendar day in the community's time zone.
    pub day: NaiveDate,
    /// Filled in later with a make-up card.
    pub makeup: bool,
}

/// A check-in without a cost, as [`CheckinStore::check_in_batch`] takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRequest {
    /// The community.
    pub community: String,
    /// Who checks in.
    pub member: MemberId,
    /// The day.
    pub day: CheckinDay,
    /// The rewards for it.
    pub rewards: Vec<Transfer>,
    /// When.
    pub now: DateTime<Utc>,
}

/// What a check-in did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinOutcome {
    /// The day is recorded and the reward (and any cost) applied.
    Done(Balance),
    /// The day was already checked in; nothing changed.
    AlreadyDone,
    /// The cost could not be paid; nothing changed.
    Insufficient {
        /// The member's balance.
        balance: i64,
    },
}

/// Daily check-ins.
#[async_trait]
pub trait CheckinStore: Send + Sync {
    /// The member's check-in days, newest first, at most `limit`.
    async fn checkin_days(&self, community: &str, member: MemberId, limit: i64) -> Result<Vec<CheckinDay>, StoreError>;

    /// In one transaction: pays `cost` (a make-up card), records `day`, and
    /// applies `rewards`. All or nothing.
    async fn check_in(
        &self,
        community: &str,
        member: MemberId,
        day: CheckinDay,
        cost: Option<&Transfer>,
        rewards: &[Transfer],
        now: DateTime<Utc>,
    ) -> Result<CheckinOutcome, StoreError>;

    /// Many check-ins in one transaction (group commit), each as
    /// [`CheckinStore::check_in`] without a cost would record it. All are
    /// committed together, or none.
    async fn check_in_batch(&self, reqs: &[CheckinRequest]) -> Result<Vec<CheckinOutcome>, StoreError>;

    /// Make-up days recorded at or after `since`.
    async fn makeups_since(&self, community: &str, member: MemberId, since: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Every member's check-in days from `since` on, with their display
    /// names, newest day first per member (streak leaders for digests).
    async fn checkin_days_since(
        &self,
        community: &str,
        since: NaiveDate,
    ) -> Result<Vec<(MemberId, String, NaiveDate)>, StoreError>;
}

impl Store {
    /// Daily check-ins.
    pub fn checkin(&self) -> &dyn CheckinStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

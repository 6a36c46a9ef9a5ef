//! Storage types of the points economy: the double-entry ledger, check-in
//! days and shop orders. The traits are implemented for both backends by
//! `economy_sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::{MemberId, StoreError};

/// Who holds an account: a member, or one of the system roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A member's spendable balance.
    Member(MemberId),
    /// Where rewards come from; the only account allowed below zero.
    Mint,
    /// Points held for open bounties.
    Escrow,
    /// Where spent points go (rewards shop, make-up cards).
    Shop,
}

impl Owner {
    /// The stored form: `member:ID`, `mint`, `escrow`, `shop`.
    pub fn key(self) -> String {
        match self {
            Owner::Member(id) => format!("member:{}", id.0),
            Owner::Mint => "mint".into(),
            Owner::Escrow => "escrow".into(),
            Owner::Shop => "shop".into(),
        }
    }

    /// The member, for member accounts.
    pub fn member(self) -> Option<MemberId> {
        match self {
            Owner::Member(id) => Some(id),
            _ => None,
        }
    }
}

/// Why points moved. Decides whether the receiver's contribution grows
/// (earning) or the payer's shrinks (a moderator's correction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MovementKind {
    /// Chatting (random amount, cooled down).
    Activity,
    /// Being thanked in a reply.
    Thanks,
    /// A moderator's grant.
    Grant,
    /// A moderator's deduction (a correction: lowers contribution too).
    Deduct,
    /// A daily check-in or a make-up day's base reward.
    Checkin,
    /// A check-in streak milestone.
    Milestone,
    /// Buying a make-up card.
    Makeup,
    /// Redeeming a shop item.
    Redeem,
    /// A shop order refunded.
    Refund,
}

impl MovementKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Activity => "activity",
            MovementKind::Thanks => "thanks",
            MovementKind::Grant => "grant",
            MovementKind::Deduct => "deduct",
            MovementKind::Checkin => "checkin",
            MovementKind::Milestone => "milestone",
            MovementKind::Makeup => "makeup",
            MovementKind::Redeem => "redeem",
            MovementKind::Refund => "refund",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<MovementKind> {
        use MovementKind::*;
        [Activity, Thanks, Grant, Deduct, Checkin, Milestone, Makeup, Redeem, Refund]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// Whether the receiving member earns contribution.
    pub fn earns(self) -> bool {
        matches!(
            self,
            MovementKind::Activity
                | MovementKind::Thanks
                | MovementKind::Grant
                | MovementKind::Checkin
                | MovementKind::Milestone
        )
    }

    /// Whether the paying member's contribution is corrected down.
    pub fn corrects(self) -> bool {
        self == MovementKind::Deduct
    }
}

/// One movement of points between two accounts of a community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The community.
    pub community: String,
    /// Idempotency key, derived from the event that caused the movement; the
    /// same key applied twice changes nothing.
    pub key: String,
    /// Why.
    pub kind: MovementKind,
    /// Free text shown in histories (a moderator's reason, an item name).
    pub reason: String,
    /// Who caused it, if a member did.
    pub actor: Option<MemberId>,
    /// Paying account.
    pub from: Owner,
    /// Receiving account.
    pub to: Owner,
    /// Points moved; positive.
    pub amount: i64,
    /// When.
    pub at: DateTime<Utc>,
}

/// A member's two numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balance {
    /// Spendable points.
    pub balance: i64,
    /// Lifetime earned points (levels come from this).
    pub contribution: i64,
}

/// What a transfer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferOutcome {
    /// Applied; the member side's numbers afterwards (the receiver if it is a
    /// member, else the payer).
    Applied(Balance),
    /// The key was applied before; nothing changed.
    Duplicate,
    /// The payer's balance is too small; nothing changed.
    Insufficient {
        /// The payer's balance.
        balance: i64,
    },
}

/// One line of a member's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub kind: MovementKind,
    /// Reason text.
    pub reason: String,
    /// Signed change of the member's balance.
    pub amount: i64,
    /// Who caused it (display name), when a member did.
    pub actor: Option<String>,
}

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

/// The result of checking the ledger's invariants.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerAudit {
    /// Accounts checked.
    pub accounts: i64,
    /// Movements recorded.
    pub movements: i64,
    /// Communities whose accounts do not sum to zero, with their sum.
    pub unbalanced: Vec<(String, i64)>,
    /// Accounts whose cached numbers differ from their entries:
    /// (account id, owner, cached balance, sum of entries).
    pub drifted: Vec<(i64, String, i64, i64)>,
    /// Movements whose entries do not come in one pair summing to zero.
    pub broken_movements: Vec<i64>,
    /// Member accounts below zero.
    pub negative: Vec<(i64, String, i64)>,
}

impl LedgerAudit {
    /// Whether every invariant holds.
    pub fn is_clean(&self) -> bool {
        self.unbalanced.is_empty()
            && self.drifted.is_empty()
            && self.broken_movements.is_empty()
            && self.negative.is_empty()
    }
}

/// The ledger.
#[async_trait]
pub trait PointsStore: Send + Sync {
    /// Applies one transfer in its own transaction.
    async fn transfer(&self, t: &Transfer) -> Result<TransferOutcome, StoreError>;

    /// Applies many transfers in one transaction (group commit for activity
    /// points); each is idempotent on its own key.
    async fn transfer_batch(&self, ts: &[Transfer]) -> Result<Vec<TransferOutcome>, StoreError>;

    /// A member's balance and contribution (zero when they have no account).
    async fn balance(&self, community: &str, member: MemberId) -> Result<Balance, StoreError>;

    /// A member's latest movements, newest first.
    async fn history(&self, community: &str, member: MemberId, limit: i64) -> Result<Vec<HistoryEntry>, StoreError>;

    /// The members ranked `limit` or better by contribution earned since
    /// `since` (all time when `None`), dense-ranked: ties share a rank, so a
    /// top 10 may show more than ten names (at most 30).
    async fn leaderboard(
        &self,
        community: &str,
        since: Option<DateTime<Utc>>,
        limit: i64,
    ) -> Result<Vec<Standing>, StoreError>;

    /// One member's standing on the same board, if they earned anything.
    async fn standing(
        &self,
        community: &str,
        member: MemberId,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Standing>, StoreError>;

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

    /// Checks every invariant of the ledger.
    async fn audit(&self) -> Result<LedgerAudit, StoreError>;
}

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

/// A shop order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Its number.
    pub id: i64,
    /// Who ordered.
    pub member: MemberId,
    /// Their display name.
    pub member_name: String,
    /// The catalogue item.
    pub item: String,
    /// Points paid.
    pub price: i64,
    /// `open`, `done` or `refunded`.
    pub state: String,
    /// When ordered.
    pub created_at: DateTime<Utc>,
}

/// What a redemption did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedeemOutcome {
    /// Paid and queued for the moderators.
    Ordered {
        /// The order number.
        order: i64,
        /// The member's numbers afterwards.
        balance: Balance,
    },
    /// This event already placed an order; nothing changed.
    Duplicate,
    /// No stock left; nothing changed.
    OutOfStock,
    /// The price is more than the balance; nothing changed.
    Insufficient {
        /// The member's balance.
        balance: i64,
    },
}

/// What settling an order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettleOutcome {
    /// Marked done, or refunded (points returned, stock put back).
    Settled(Order),
    /// No such order in this community.
    NotFound,
    /// It was already done or refunded.
    AlreadySettled(Order),
}

/// The rewards shop.
#[async_trait]
pub trait ShopStore: Send + Sync {
    /// In one transaction: takes one from stock (when `stock` is limited),
    /// pays, and records an open order.
    async fn redeem(
        &self,
        community: &str,
        member: MemberId,
        item: &str,
        stock: Option<i64>,
        payment: &Transfer,
    ) -> Result<RedeemOutcome, StoreError>;

    /// One order by number.
    async fn order(&self, community: &str, order: i64) -> Result<Option<Order>, StoreError>;

    /// How many of an item were sold (refunds put them back).
    async fn sold(&self, community: &str, item: &str) -> Result<i64, StoreError>;

    /// Orders in a state (all when `None`), oldest first.
    async fn orders(&self, community: &str, state: Option<&str>, limit: i64) -> Result<Vec<Order>, StoreError>;

    /// Marks an open order done, or refunds it with `refund` (which must pay
    /// the order's price back) in one transaction.
    async fn settle_order(
        &self,
        community: &str,
        order: i64,
        refund: Option<&Transfer>,
        now: DateTime<Utc>,
    ) -> Result<SettleOutcome, StoreError>;
}

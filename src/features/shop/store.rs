//! The shop's storage: stock, orders, and their payments and refunds in one
//! transaction each. Implemented for both backends by `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::ledger::{Balance, Transfer};
use crate::store::{Backend, MemberId, Store, StoreError};

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

impl Store {
    /// The rewards shop.
    pub fn shop(&self) -> &dyn ShopStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

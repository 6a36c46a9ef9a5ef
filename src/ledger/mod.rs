//! The ledger: one double-entry book of points per community, shared
//! mechanism that features pay through (points is the feature that shows
//! balances and levels; the ledger is how any feature moves points).
//!
//! Every movement is a pair of entries between two accounts (members, and
//! the system's `mint`, `escrow` and `shop`), applied once per idempotency
//! key derived from the event that caused it; a member's balance never goes
//! below zero and every community's accounts sum to zero. Features that must
//! move points together with their own rows (a check-in day, a shop order)
//! call the per-backend `apply` from their own SQL, inside their own
//! transaction (`crate::ledger::on_sqlite::sql::apply`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::store::{Backend, MemberId, MergeHook, Store, StoreError};

/// The ledger's SQL compiled for SQLite.
#[path = "."]
pub mod on_sqlite {
    use crate::store::sqlite as db;
    /// The queries.
    #[path = "sql.rs"]
    pub mod sql;
}

/// The ledger's SQL compiled for PostgreSQL.
#[path = "."]
pub mod on_postgres {
    use crate::store::postgres as db;
    /// The queries.
    #[path = "sql.rs"]
    pub mod sql;
}

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

/// Why points moved: declared by the feature that moves them (check-ins
/// declare `checkin` and `milestone`, the shop `redeem` and `refund`…) and
/// listed in its [`crate::features::Feature::movements`]. Stored by name;
/// histories label it with the prompt `points-kind-NAME`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MovementKind {
    name: &'static str,
    earns: bool,
    corrects: bool,
}

impl MovementKind {
    /// Points earned: the receiving member's contribution grows with them.
    pub const fn earning(name: &'static str) -> MovementKind {
        MovementKind { name, earns: true, corrects: false }
    }

    /// Points that move without changing anyone's contribution (spending,
    /// refunds, escrow).
    pub const fn neutral(name: &'static str) -> MovementKind {
        MovementKind { name, earns: false, corrects: false }
    }

    /// A moderator's correction: the paying member's contribution shrinks
    /// with the points taken back.
    pub const fn correction(name: &'static str) -> MovementKind {
        MovementKind { name, earns: false, corrects: true }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.name
    }

    /// Whether the receiving member earns contribution.
    pub fn earns(self) -> bool {
        self.earns
    }

    /// Whether the paying member's contribution is corrected down.
    pub fn corrects(self) -> bool {
        self.corrects
    }

    /// The prompt key of its label in histories.
    pub fn label_key(self) -> String {
        format!("points-kind-{}", self.name)
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
    /// Why: the stored name of its [`MovementKind`].
    pub kind: String,
    /// Reason text.
    pub reason: String,
    /// Signed change of the member's balance.
    pub amount: i64,
    /// Who caused it (display name), when a member did.
    pub actor: Option<String>,
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

/// The ledger's storage.
#[async_trait]
pub trait LedgerStore: Send + Sync {
    /// Applies one transfer in its own transaction.
    async fn transfer(&self, t: &Transfer) -> Result<TransferOutcome, StoreError>;

    /// Applies many transfers in one transaction (group commit for activity
    /// points); each is idempotent on its own key.
    async fn transfer_batch(&self, ts: &[Transfer]) -> Result<Vec<TransferOutcome>, StoreError>;

    /// A member's balance and contribution (zero when they have no account).
    async fn balance(&self, community: &str, member: MemberId) -> Result<Balance, StoreError>;

    /// A member's latest movements, newest first.
    async fn history(&self, community: &str, member: MemberId, limit: i64) -> Result<Vec<HistoryEntry>, StoreError>;

    /// Checks every invariant of the ledger.
    async fn audit(&self) -> Result<LedgerAudit, StoreError>;
}

impl Store {
    /// The ledger.
    pub fn ledger(&self) -> &dyn LedgerStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

/// What `/link` re-points in the ledger: the merged member's entries move to
/// the kept member's account, whose cached numbers absorb theirs.
pub const MERGE: MergeHook = MergeHook { sqlite: on_sqlite::sql::merge, postgres: on_postgres::sql::merge };

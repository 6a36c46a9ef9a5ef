//! The dashboard's storage: login links and sessions (hashed, with their
//! expiry, so any instance redeems them and a restart loses nothing), and
//! the few read-only lists its pages show that no feature's store offers.
//! Implemented for both backends by `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::store::{Backend, MemberId, Store, StoreError};

/// How a member was a moderator when they asked for a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Named in the community's `moderators` or `admins`: checked again on
    /// every page.
    Listed,
    /// A group admin by the platform's flag, which only a chat message
    /// carries: good until the session ends.
    Platform,
}

impl Grant {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::Listed => "listed",
            Grant::Platform => "platform",
        }
    }

    /// From what is stored; anything unknown is the stricter `Listed`.
    pub fn parse(s: &str) -> Grant {
        if s == "platform" { Grant::Platform } else { Grant::Listed }
    }
}

/// A login link (or a session) as stored: whose, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    /// The hash of the link's random part (of the session cookie).
    pub hash: String,
    /// The community it opens.
    pub community: String,
    /// The member it logs in.
    pub member: MemberId,
    /// How they were a moderator when it was made.
    pub grant: Grant,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// When it stops working.
    pub expires: DateTime<Utc>,
}

/// What redeeming a login link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// Unused and in time: now used.
    Fresh(Pass),
    /// Already used once.
    Used,
    /// Its ten minutes are over.
    Expired,
    /// No such link (never made, or long purged).
    Unknown,
}

/// A member who joined recently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    /// The member.
    pub member: MemberId,
    /// Their name as last seen.
    pub name: String,
    /// When first seen.
    pub joined: DateTime<Utc>,
}

/// A FAQ entry with what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqLine {
    /// The entry's id.
    pub id: String,
    /// Its question.
    pub question: String,
    /// Automatic redirects to it.
    pub redirects: i64,
    /// Of those, marked unhelpful (👎).
    pub unhelpful: i64,
    /// Times it was shown in all (`/faq` lookups too).
    pub hits: i64,
}

/// A message that could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedDelivery {
    /// The platform.
    pub platform: String,
    /// Its last error.
    pub error: String,
    /// Attempts made.
    pub attempts: i64,
    /// When it was stored.
    pub created: DateTime<Utc>,
}

/// Login links, sessions, and the dashboard's own lists.
#[async_trait]
pub trait DashboardStore: Send + Sync {
    /// Stores a new login link, and forgets links and sessions that ended
    /// more than a day before `now`.
    async fn put_login(&self, login: &Pass, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Marks the link `hash` used if it is unused and in time, in one
    /// statement: of two browsers (or two instances) racing, one wins.
    async fn redeem_login(&self, hash: &str, now: DateTime<Utc>) -> Result<Redeemed, StoreError>;

    /// Stores a new session.
    async fn put_session(&self, session: &Pass) -> Result<(), StoreError>;

    /// The session `hash`, if it has not expired.
    async fn session(&self, hash: &str, now: DateTime<Utc>) -> Result<Option<Pass>, StoreError>;

    /// Ends the session `hash`; `true` if there was one.
    async fn end_session(&self, hash: &str) -> Result<bool, StoreError>;

    /// The members who joined last, newest first.
    async fn new_members(&self, community: &str, limit: i64) -> Result<Vec<NewMember>, StoreError>;

    /// Every FAQ entry with its redirects and 👎, most redirected first.
    async fn faq_lines(&self, community: &str, limit: i64) -> Result<Vec<FaqLine>, StoreError>;

    /// When the oldest message waiting in the outbox was stored.
    async fn oldest_pending(&self) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// The last messages that failed for good, newest first.
    async fn failed_deliveries(&self, limit: i64) -> Result<Vec<FailedDelivery>, StoreError>;
}

impl Store {
    /// Login links, sessions, and the dashboard's own lists.
    pub fn dashboard(&self) -> &dyn DashboardStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

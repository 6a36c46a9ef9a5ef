//! The community feature's storage: chats registered by a community's
//! admins, the single-use codes that register them, and the chats told once
//! that they belong to no community. Implemented for both backends by
//! `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::message::Platform;
use crate::store::{Backend, MemberId, Store, StoreError};

/// A registration code, as `/community code` stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationCode {
    /// The community the chat will join.
    pub community: String,
    /// The admin who asked for it; only their accounts may use it.
    pub member: MemberId,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A chat registered into a community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredChat {
    /// Its platform.
    pub platform: Platform,
    /// Its id on the platform.
    pub chat_id: String,
    /// Who registered it.
    pub by: MemberId,
    /// When.
    pub at: DateTime<Utc>,
}

/// What using a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterOutcome {
    /// The chat now belongs to the code's community; the code is used up.
    Registered,
    /// The code was used or expired meanwhile (single use).
    CodeGone,
    /// The chat was registered meanwhile (into this community or another).
    AlreadyRegistered(String),
}

/// Registered chats and registration codes.
#[async_trait]
pub trait CommunityStore: Send + Sync {
    /// The community a chat was registered into, if any.
    async fn registered_chat(&self, platform: Platform, chat_id: &str) -> Result<Option<String>, StoreError>;

    /// The chats registered into `community`, oldest first.
    async fn registered_chats(&self, community: &str) -> Result<Vec<RegisteredChat>, StoreError>;

    /// Stores a fresh code for `member` of `community`, replacing their
    /// earlier ones; `false` if the code is taken (draw another).
    async fn put_registration_code(
        &self,
        community: &str,
        code: &str,
        member: MemberId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// A code, if it exists (expired or not).
    async fn registration_code(&self, code: &str) -> Result<Option<RegistrationCode>, StoreError>;

    /// In one transaction: uses up `code` (still valid at `now`) and
    /// registers the chat into its community.
    async fn register_chat(
        &self,
        code: &str,
        platform: Platform,
        chat_id: &str,
        now: DateTime<Utc>,
    ) -> Result<RegisterOutcome, StoreError>;

    /// Removes a chat's registration in `community`; `false` if it had none.
    async fn unregister_chat(&self, community: &str, platform: Platform, chat_id: &str) -> Result<bool, StoreError>;

    /// Records that a chat was told it belongs to no community; `true` only
    /// the first time.
    async fn first_notice(&self, platform: Platform, chat_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;
}

impl Store {
    /// Registered chats and registration codes.
    pub fn community(&self) -> &dyn CommunityStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

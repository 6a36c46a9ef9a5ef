//! The language model's storage: tokens spent per community and budget
//! day, reserved before a call and settled after it. Implemented for both
//! backends by `sql.rs`.

use async_trait::async_trait;

use crate::store::{Backend, Store, StoreError};

/// Token accounting.
#[async_trait]
pub trait LlmStore: Send + Sync {
    /// Adds `tokens` to the community's `day` if the total stays within
    /// `budget`; returns the new total, or `None` (nothing added) when it
    /// would not.
    async fn llm_reserve(
        &self,
        community: &str,
        day: &str,
        tokens: i64,
        budget: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// Replaces a reservation of `reserved` tokens on `day` by what the
    /// call cost, `actual`.
    async fn llm_settle(&self, community: &str, day: &str, reserved: i64, actual: i64) -> Result<(), StoreError>;

    /// Tokens spent and reserved on `day`.
    async fn llm_spent(&self, community: &str, day: &str) -> Result<i64, StoreError>;
}

impl Store {
    /// Language-model token accounting.
    pub fn llm(&self) -> &dyn LlmStore {
        match self.backend() {
            Backend::Sqlite(p) => p,
            Backend::Postgres(p) => p,
        }
    }
}

//! The language model's SQL, compiled once per backend (`db` is the
//! backend's dialect). A reservation is one conditional UPDATE, so two
//! calls at once cannot both take the budget's last tokens.

use async_trait::async_trait;

use super::db;
use crate::llm::store::LlmStore;
use crate::store::StoreError;

#[async_trait]
impl LlmStore for db::Pools {
    async fn llm_reserve(
        &self,
        community: &str,
        day: &str,
        tokens: i64,
        budget: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        sqlx::query(
            "INSERT INTO llm_usage (community_id, day, tokens) VALUES ($1, $2, 0)
             ON CONFLICT (community_id, day) DO NOTHING",
        )
        .bind(community)
        .bind(day)
        .execute(&mut *tx)
        .await?;
        let total: Option<i64> = sqlx::query_scalar(
            "UPDATE llm_usage SET tokens = tokens + $3
             WHERE community_id = $1 AND day = $2 AND tokens + $3 <= $4 RETURNING tokens",
        )
        .bind(community)
        .bind(day)
        .bind(tokens)
        .bind(budget)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(total)
    }

    async fn llm_settle(&self, community: &str, day: &str, reserved: i64, actual: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE llm_usage SET tokens = CASE WHEN tokens - $3 + $4 < 0 THEN 0 ELSE tokens - $3 + $4 END
             WHERE community_id = $1 AND day = $2",
        )
        .bind(community)
        .bind(day)
        .bind(reserved)
        .bind(actual)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn llm_spent(&self, community: &str, day: &str) -> Result<i64, StoreError> {
        let n: Option<i64> = sqlx::query_scalar("SELECT tokens FROM llm_usage WHERE community_id = $1 AND day = $2")
            .bind(community)
            .bind(day)
            .fetch_optional(&self.read)
            .await?;
        Ok(n.unwrap_or(0))
    }
}

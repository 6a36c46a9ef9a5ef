//! The SQL of the bot's tracked messages, compiled once per backend (`db`
//! is the backend's dialect).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db;
use crate::message::Platform;
use crate::store::sent::SentStore;
use crate::store::{StoreError, ms};

#[async_trait]
impl SentStore for db::Pools {
    async fn sent_record(
        &self,
        platform: Platform,
        chat_id: &str,
        message_id: &str,
        track: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sent_messages (platform, chat_id, message_id, track, sent_at_ms) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (platform, chat_id, message_id) DO NOTHING",
        )
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(message_id)
        .bind(track)
        .bind(ms(at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn sent_track(
        &self,
        platform: Platform,
        chat_id: &str,
        message_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT track FROM sent_messages WHERE platform = $1 AND chat_id = $2 AND message_id = $3",
        )
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(message_id)
        .fetch_optional(&self.read)
        .await?)
    }

    async fn sent_prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let gone = sqlx::query("DELETE FROM sent_messages WHERE sent_at_ms < $1")
            .bind(ms(before))
            .execute(&self.write)
            .await?;
        Ok(gone.rows_affected())
    }
}

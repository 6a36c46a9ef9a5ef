//! The community feature's SQL, compiled once per backend (`db` is the
//! backend's dialect).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db;
use crate::BoxFuture;
use crate::features::community::store::{CommunityStore, RegisterOutcome, RegisteredChat, RegistrationCode};
use crate::message::Platform;
use crate::store::{MemberId, StoreError, from_ms, ms};

/// A code as stored.
#[derive(sqlx::FromRow)]
struct CodeRow {
    community_id: String,
    member_id: i64,
    expires_at_ms: i64,
}

/// A registered chat as stored.
#[derive(sqlx::FromRow)]
struct ChatRow {
    platform: String,
    chat_id: String,
    registered_by: i64,
    at_ms: i64,
}

#[async_trait]
impl CommunityStore for db::Pools {
    async fn registered_chat(&self, platform: Platform, chat_id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT community_id FROM community_chats WHERE platform = $1 AND chat_id = $2")
            .bind(platform.as_str())
            .bind(chat_id)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn registered_chats(&self, community: &str) -> Result<Vec<RegisteredChat>, StoreError> {
        let rows: Vec<ChatRow> = sqlx::query_as(
            "SELECT platform, chat_id, registered_by, at_ms FROM community_chats
             WHERE community_id = $1 ORDER BY at_ms, platform, chat_id",
        )
        .bind(community)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|r| {
                let platform = Platform::parse(&r.platform)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown platform {:?}", r.platform)))?;
                Ok(RegisteredChat { platform, chat_id: r.chat_id, by: MemberId(r.registered_by), at: from_ms(r.at_ms) })
            })
            .collect()
    }

    async fn put_registration_code(
        &self,
        community: &str,
        code: &str,
        member: MemberId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        sqlx::query("DELETE FROM community_codes WHERE member_id = $1 OR expires_at_ms < $2")
            .bind(member.0)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO community_codes (code, community_id, member_id, created_at_ms, expires_at_ms)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(code)
        .bind(community)
        .bind(member.0)
        .bind(ms(now))
        .bind(ms(expires_at))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(inserted == 1)
    }

    async fn registration_code(&self, code: &str) -> Result<Option<RegistrationCode>, StoreError> {
        let row: Option<CodeRow> =
            sqlx::query_as("SELECT community_id, member_id, expires_at_ms FROM community_codes WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.map(|r| RegistrationCode {
            community: r.community_id,
            member: MemberId(r.member_id),
            expires_at: from_ms(r.expires_at_ms),
        }))
    }

    async fn register_chat(
        &self,
        code: &str,
        platform: Platform,
        chat_id: &str,
        now: DateTime<Utc>,
    ) -> Result<RegisterOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let used: Option<CodeRow> = sqlx::query_as(
            "DELETE FROM community_codes WHERE code = $1 AND expires_at_ms >= $2
             RETURNING community_id, member_id, expires_at_ms",
        )
        .bind(code)
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(used) = used else {
            return Ok(RegisterOutcome::CodeGone);
        };
        let inserted = sqlx::query(
            "INSERT INTO community_chats (platform, chat_id, community_id, registered_by, at_ms)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, chat_id) DO NOTHING",
        )
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(&used.community_id)
        .bind(used.member_id)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            // Keep the code: it was not what failed.
            tx.rollback().await?;
            let home = self.registered_chat(platform, chat_id).await?.unwrap_or_default();
            return Ok(RegisterOutcome::AlreadyRegistered(home));
        }
        tx.commit().await?;
        Ok(RegisterOutcome::Registered)
    }

    async fn unregister_chat(&self, community: &str, platform: Platform, chat_id: &str) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM community_chats WHERE community_id = $1 AND platform = $2 AND chat_id = $3")
                .bind(community)
                .bind(platform.as_str())
                .bind(chat_id)
                .execute(&self.write)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn first_notice(&self, platform: Platform, chat_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO community_notices (platform, chat_id, at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (platform, chat_id) DO NOTHING",
        )
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(ms(now))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Chats and codes the merged member registered or asked for become the
/// kept member's.
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        for sql in [
            "UPDATE community_chats SET registered_by = $1 WHERE registered_by = $2",
            "UPDATE community_codes SET member_id = $1 WHERE member_id = $2",
        ] {
            sqlx::query(sql).bind(kept.0).bind(gone.0).execute(&mut *conn).await?;
        }
        Ok(())
    })
}

//! The summary feature's SQL, compiled once per backend (`db` is the
//! backend's dialect). A batch of kept messages is one transaction: each
//! chat's day is counted once and filled up to the cap.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db;
use crate::features::summary::store::{ChatSummary, KeptMessage, OptedChat, SummaryStore};
use crate::message::Platform;
use crate::store::{StoreError, from_ms, ms};

#[derive(sqlx::FromRow)]
struct ChatRow {
    community_id: String,
    platform: String,
    chat_id: String,
    label: String,
    enabled_by: String,
    enabled_at_ms: i64,
}

fn chat(r: ChatRow) -> Result<OptedChat, StoreError> {
    let platform = Platform::parse(&r.platform)
        .ok_or_else(|| StoreError::Corrupt(format!("summary chat platform {}", r.platform)))?;
    Ok(OptedChat {
        community: r.community_id,
        platform,
        chat_id: r.chat_id,
        label: r.label,
        enabled_by: r.enabled_by,
        enabled_at: from_ms(r.enabled_at_ms),
    })
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    community_id: String,
    platform: String,
    chat_id: String,
    day: String,
    at_ms: i64,
    text: String,
}

#[derive(sqlx::FromRow)]
struct TextRow {
    messages: i64,
    summary: String,
    model: String,
}

const CHAT_FIELDS: &str = "community_id, platform, chat_id, label, enabled_by, enabled_at_ms";

#[async_trait]
impl SummaryStore for db::Pools {
    async fn summary_opt_in(&self, c: &OptedChat) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO summary_chats (community_id, platform, chat_id, label, enabled_by, enabled_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, chat_id) DO NOTHING",
        )
        .bind(&c.community)
        .bind(c.platform.as_str())
        .bind(&c.chat_id)
        .bind(&c.label)
        .bind(&c.enabled_by)
        .bind(ms(c.enabled_at))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn summary_opt_out(&self, platform: Platform, chat_id: &str) -> Result<bool, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let done = sqlx::query("DELETE FROM summary_chats WHERE platform = $1 AND chat_id = $2")
            .bind(platform.as_str())
            .bind(chat_id)
            .execute(&mut *tx)
            .await?;
        for table in ["summary_messages", "summary_texts"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE platform = $1 AND chat_id = $2")))
                .bind(platform.as_str())
                .bind(chat_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    async fn summary_chat(&self, platform: Platform, chat_id: &str) -> Result<Option<OptedChat>, StoreError> {
        let row: Option<ChatRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CHAT_FIELDS} FROM summary_chats WHERE platform = $1 AND chat_id = $2"
        )))
        .bind(platform.as_str())
        .bind(chat_id)
        .fetch_optional(&self.read)
        .await?;
        row.map(chat).transpose()
    }

    async fn summary_all_chats(&self) -> Result<Vec<OptedChat>, StoreError> {
        let rows: Vec<ChatRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CHAT_FIELDS} FROM summary_chats ORDER BY enabled_at_ms, platform, chat_id"
        )))
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(chat).collect()
    }

    async fn summary_keep(&self, batch: &[KeptMessage], cap: i64) -> Result<usize, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        // Room left per chat and day; `None`: the chat is no longer opted in.
        let mut room: HashMap<(Platform, &str, &str), Option<i64>> = HashMap::new();
        let mut stored = 0;
        for m in batch {
            let key = (m.platform, m.chat_id.as_str(), m.day.as_str());
            let left = match room.get(&key) {
                Some(left) => *left,
                None => {
                    let opted: Option<String> = sqlx::query_scalar(
                        "SELECT community_id FROM summary_chats WHERE platform = $1 AND chat_id = $2",
                    )
                    .bind(m.platform.as_str())
                    .bind(&m.chat_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let left = match opted {
                        None => None,
                        Some(_) => {
                            let n: i64 = sqlx::query_scalar(
                                "SELECT COUNT(*) FROM summary_messages WHERE platform = $1 AND chat_id = $2 AND day = $3",
                            )
                            .bind(m.platform.as_str())
                            .bind(&m.chat_id)
                            .bind(&m.day)
                            .fetch_one(&mut *tx)
                            .await?;
                            Some(cap - n)
                        }
                    };
                    room.insert(key, left);
                    left
                }
            };
            let Some(left) = left.filter(|l| *l > 0) else { continue };
            sqlx::query(
                "INSERT INTO summary_messages (community_id, platform, chat_id, day, at_ms, text)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&m.community)
            .bind(m.platform.as_str())
            .bind(&m.chat_id)
            .bind(&m.day)
            .bind(ms(m.at))
            .bind(&m.text)
            .execute(&mut *tx)
            .await?;
            room.insert(key, Some(left - 1));
            stored += 1;
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn summary_messages(
        &self,
        platform: Platform,
        chat_id: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<KeptMessage>, StoreError> {
        let mut rows: Vec<MessageRow> = sqlx::query_as(
            "SELECT community_id, platform, chat_id, day, at_ms, text FROM summary_messages
             WHERE platform = $1 AND chat_id = $2 AND at_ms > $3 ORDER BY at_ms DESC, id DESC LIMIT $4",
        )
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(ms(since))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.reverse();
        Ok(rows
            .into_iter()
            .map(|r| KeptMessage {
                community: r.community_id,
                platform: Platform::parse(&r.platform).unwrap_or(platform),
                chat_id: r.chat_id,
                day: r.day,
                at: from_ms(r.at_ms),
                text: r.text,
            })
            .collect())
    }

    async fn summary_count_on(&self, platform: Platform, chat_id: &str, day: &str) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM summary_messages WHERE platform = $1 AND chat_id = $2 AND day = $3",
        )
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(day)
        .fetch_one(&self.read)
        .await?;
        Ok(n)
    }

    async fn summary_text(
        &self,
        platform: Platform,
        chat_id: &str,
        day: &str,
    ) -> Result<Option<ChatSummary>, StoreError> {
        let row: Option<TextRow> = sqlx::query_as(
            "SELECT messages, summary, model FROM summary_texts WHERE platform = $1 AND chat_id = $2 AND day = $3",
        )
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(day)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|r| ChatSummary { messages: r.messages, summary: r.summary, model: r.model }))
    }

    async fn summary_put_text(
        &self,
        community: &str,
        platform: Platform,
        chat_id: &str,
        day: &str,
        s: &ChatSummary,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO summary_texts (platform, chat_id, day, community_id, messages, summary, model, created_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (platform, chat_id, day) DO UPDATE SET messages = excluded.messages,
                 summary = excluded.summary, model = excluded.model, created_at_ms = excluded.created_at_ms",
        )
        .bind(platform.as_str())
        .bind(chat_id)
        .bind(day)
        .bind(community)
        .bind(s.messages)
        .bind(&s.summary)
        .bind(&s.model)
        .bind(ms(now))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn summary_prune(
        &self,
        community: &str,
        before: DateTime<Utc>,
        texts_before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let gone = sqlx::query("DELETE FROM summary_messages WHERE community_id = $1 AND at_ms < $2")
            .bind(community)
            .bind(ms(before))
            .execute(&self.write)
            .await?;
        sqlx::query("DELETE FROM summary_texts WHERE community_id = $1 AND created_at_ms < $2")
            .bind(community)
            .bind(ms(texts_before))
            .execute(&self.write)
            .await?;
        Ok(gone.rows_affected())
    }
}

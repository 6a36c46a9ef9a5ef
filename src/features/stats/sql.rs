//! The stats feature's SQL, compiled once per backend (`db` is the
//! backend's dialect).

use async_trait::async_trait;
use chrono::NaiveDate;

use super::db;
use crate::BoxFuture;
use crate::features::stats::figures::{Binds, Query, day_text};
use crate::features::stats::store::{ChatCount, StatsStore, Tallied};
use crate::store::{MemberId, StoreError, ms};

/// A first reply counts as an answer this long after the question.
const ANSWER_WITHIN_MS: i64 = 24 * 3600 * 1000;

fn query(
    q: Query,
    binds: &Binds,
) -> sqlx::query::QueryScalar<'static, db::Db, Option<i64>, <db::Db as sqlx::Database>::Arguments> {
    let scalar = sqlx::query_scalar::<db::Db, Option<i64>>(q.sql());
    match binds.clone() {
        Binds::Ms(c, from, to) => scalar.bind(c).bind(from).bind(to),
        Binds::Days(c, from, to) => scalar.bind(c).bind(from).bind(to),
        Binds::Until(c, to) => scalar.bind(c).bind(to),
    }
}

#[async_trait]
impl StatsStore for db::Pools {
    async fn stats_record(&self, batch: &Tallied) -> Result<(), StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        for c in &batch.chats {
            sqlx::query(
                "INSERT INTO stats_chat_days (community_id, day, platform, chat_id, messages) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (community_id, day, platform, chat_id)
                 DO UPDATE SET messages = stats_chat_days.messages + excluded.messages",
            )
            .bind(&c.community)
            .bind(day_text(c.day))
            .bind(c.platform.as_str())
            .bind(&c.chat)
            .bind(c.messages)
            .execute(&mut *tx)
            .await?;
        }
        for m in &batch.members {
            sqlx::query(
                "INSERT INTO stats_member_days (community_id, day, member_id, messages) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (community_id, day, member_id)
                 DO UPDATE SET messages = stats_member_days.messages + excluded.messages",
            )
            .bind(&m.community)
            .bind(day_text(m.day))
            .bind(m.member.0)
            .bind(m.messages)
            .execute(&mut *tx)
            .await?;
        }
        for q in &batch.questions {
            sqlx::query(
                "INSERT INTO stats_questions (community_id, platform, chat_id, message_id, asker_id, asked_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (community_id, platform, chat_id, message_id) DO NOTHING",
            )
            .bind(&q.at.community)
            .bind(q.at.platform.as_str())
            .bind(&q.at.chat)
            .bind(&q.at.message_id)
            .bind(q.asker.0)
            .bind(ms(q.at.at))
            .execute(&mut *tx)
            .await?;
        }
        for r in &batch.replies {
            sqlx::query(
                "UPDATE stats_questions SET first_reply_ms = $5
                 WHERE community_id = $1 AND platform = $2 AND chat_id = $3 AND message_id = $4
                   AND first_reply_ms IS NULL AND $5 >= asked_at_ms AND $5 - asked_at_ms <= $6",
            )
            .bind(&r.community)
            .bind(r.platform.as_str())
            .bind(&r.chat)
            .bind(&r.message_id)
            .bind(ms(r.at))
            .bind(ANSWER_WITHIN_MS)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn figure(&self, q: Query, binds: &Binds) -> Result<i64, StoreError> {
        Ok(query(q, binds).fetch_optional(&self.read).await?.flatten().unwrap_or(0))
    }

    async fn figure_values(&self, q: Query, binds: &Binds) -> Result<Vec<i64>, StoreError> {
        Ok(query(q, binds).fetch_all(&self.read).await?.into_iter().flatten().collect())
    }

    async fn messages_by_chat(
        &self,
        community: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ChatCount>, StoreError> {
        let rows: Vec<ChatCountRow> = sqlx::query_as(
            "SELECT platform, chat_id, CAST(SUM(messages) AS BIGINT) AS messages FROM stats_chat_days
             WHERE community_id = $1 AND day >= $2 AND day < $3
             GROUP BY platform, chat_id ORDER BY messages DESC, platform, chat_id",
        )
        .bind(community)
        .bind(day_text(from))
        .bind(day_text(to))
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ChatCount { platform: r.platform, chat: r.chat_id, messages: r.messages })
            .collect())
    }
}

/// Messages in one chat over a span.
#[derive(sqlx::FromRow)]
struct ChatCountRow {
    platform: String,
    chat_id: String,
    messages: i64,
}

/// Moves the merged member's days and questions to the kept one, adding
/// up a day both spoke on.
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        sqlx::query(
            "INSERT INTO stats_member_days (community_id, day, member_id, messages)
             SELECT community_id, day, $1, messages FROM stats_member_days WHERE member_id = $2
             ON CONFLICT (community_id, day, member_id)
             DO UPDATE SET messages = stats_member_days.messages + excluded.messages",
        )
        .bind(kept.0)
        .bind(gone.0)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM stats_member_days WHERE member_id = $1").bind(gone.0).execute(&mut *conn).await?;
        sqlx::query("UPDATE stats_questions SET asker_id = $1 WHERE asker_id = $2")
            .bind(kept.0)
            .bind(gone.0)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

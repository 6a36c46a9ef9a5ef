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

/// Rows per multi-row insert (at most 6 binds each: 1 200 binds, well
/// within both backends' limits).
const ROWS_PER_STATEMENT: usize = 200;

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
        // Many rows per statement: one round trip to the database per
        // chunk, not per row, so the writer is held for milliseconds. Keys
        // are distinct within a batch (they were counted in maps), as
        // PostgreSQL's ON CONFLICT DO UPDATE wants.
        for chunk in batch.chats.chunks(ROWS_PER_STATEMENT) {
            let mut qb = sqlx::QueryBuilder::<db::Db>::new(
                "INSERT INTO stats_chat_days (community_id, day, platform, chat_id, messages) ",
            );
            qb.push_values(chunk, |mut b, c| {
                b.push_bind(&c.community)
                    .push_bind(day_text(c.day))
                    .push_bind(c.platform.as_str())
                    .push_bind(&c.chat)
                    .push_bind(c.messages);
            });
            qb.push(
                " ON CONFLICT (community_id, day, platform, chat_id)
                  DO UPDATE SET messages = stats_chat_days.messages + excluded.messages",
            );
            qb.build().execute(&mut *tx).await?;
        }
        for chunk in batch.members.chunks(ROWS_PER_STATEMENT) {
            let mut qb = sqlx::QueryBuilder::<db::Db>::new(
                "INSERT INTO stats_member_days (community_id, day, member_id, messages) ",
            );
            qb.push_values(chunk, |mut b, m| {
                b.push_bind(&m.community).push_bind(day_text(m.day)).push_bind(m.member.0).push_bind(m.messages);
            });
            qb.push(
                " ON CONFLICT (community_id, day, member_id)
                  DO UPDATE SET messages = stats_member_days.messages + excluded.messages",
            );
            qb.build().execute(&mut *tx).await?;
        }
        for chunk in batch.questions.chunks(ROWS_PER_STATEMENT) {
            let mut qb = sqlx::QueryBuilder::<db::Db>::new(
                "INSERT INTO stats_questions (community_id, platform, chat_id, message_id, asker_id, asked_at_ms) ",
            );
            qb.push_values(chunk, |mut b, q| {
                b.push_bind(&q.at.community)
                    .push_bind(q.at.platform.as_str())
                    .push_bind(&q.at.chat)
                    .push_bind(&q.at.message_id)
                    .push_bind(q.asker.0)
                    .push_bind(ms(q.at.at));
            });
            qb.push(" ON CONFLICT (community_id, platform, chat_id, message_id) DO NOTHING");
            qb.build().execute(&mut *tx).await?;
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

//! The inbox's SQL, compiled once per backend (`db` is the backend's
//! dialect). Updates are recorded with multi-row inserts (a poll's batch,
//! or the webhook requests that arrived together, in one transaction).

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db;
use crate::store::inbox::{InboxState, InboxStore, Mark, NewUpdate, OpenUpdate};
use crate::store::{StoreError, ms};

/// Rows per insert statement (PostgreSQL slows down past about 200).
const CHUNK: usize = 100;

#[derive(sqlx::FromRow)]
struct OpenRow {
    update_id: i64,
    payload: String,
    state: String,
    replies: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CountRow {
    source: String,
    state: String,
    updates: i64,
}

#[async_trait]
impl InboxStore for db::Pools {
    async fn record(&self, updates: &[NewUpdate], now: DateTime<Utc>) -> Result<Vec<bool>, StoreError> {
        if updates.is_empty() {
            return Ok(Vec::new());
        }
        let mut inserted: HashSet<(String, i64)> = HashSet::new();
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        for chunk in updates.chunks(CHUNK) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${}, ${}, ${})", 4 * i + 1, 4 * i + 2, 4 * i + 3, 4 * i + 4))
                .collect();
            // Only placeholders and constants are spliced in.
            let sql = format!(
                "INSERT INTO inbox (source, update_id, payload, received_at_ms) VALUES {}
                 ON CONFLICT (source, update_id) DO NOTHING RETURNING source, update_id",
                values.join(", ")
            );
            let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
            for u in chunk {
                query = query.bind(&u.source).bind(u.update_id).bind(&u.payload).bind(ms(now));
            }
            inserted.extend(query.fetch_all(&mut *tx).await?);
        }
        tx.commit().await?;
        // The same update twice in one batch is new once.
        Ok(updates.iter().map(|u| inserted.remove(&(u.source.clone(), u.update_id))).collect())
    }

    async fn mark(&self, marks: &[Mark], now: DateTime<Utc>) -> Result<(), StoreError> {
        if marks.is_empty() {
            return Ok(());
        }
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        // Handled first, one row each (each has its own replies); a row
        // already done stays done.
        for m in marks.iter().filter(|m| m.state == InboxState::Handled) {
            sqlx::query(
                "UPDATE inbox SET state = 'handled', replies = $1, handled_at_ms = $2
                 WHERE source = $3 AND update_id = $4 AND state = 'received'",
            )
            .bind(&m.replies)
            .bind(ms(now))
            .bind(&m.source)
            .bind(m.update_id)
            .execute(&mut *tx)
            .await?;
        }
        // Done: most updates (a chat message owes no reply), a statement per
        // source and chunk of ids rather than a round trip each.
        let mut done: Vec<(&str, i64)> =
            marks.iter().filter(|m| m.state == InboxState::Done).map(|m| (m.source.as_str(), m.update_id)).collect();
        done.sort_unstable();
        for same_source in done.chunk_by(|a, b| a.0 == b.0) {
            for chunk in same_source.chunks(CHUNK) {
                let ids: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
                // Only placeholders are spliced in.
                let sql = format!(
                    "UPDATE inbox SET state = 'done', replies = NULL, handled_at_ms = COALESCE(handled_at_ms, $1)
                     WHERE source = $2 AND update_id IN ({})",
                    ids.join(", ")
                );
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ms(now)).bind(chunk[0].0);
                for (_, id) in chunk {
                    query = query.bind(*id);
                }
                query.execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn open(&self, source: &str, limit: i64) -> Result<Vec<OpenUpdate>, StoreError> {
        let rows: Vec<OpenRow> = sqlx::query_as(
            "SELECT update_id, payload, state, replies FROM inbox
             WHERE source = $1 AND state IN ('received', 'handled') ORDER BY update_id LIMIT $2",
        )
        .bind(source)
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(OpenUpdate {
                    state: InboxState::parse(&r.state)
                        .ok_or_else(|| StoreError::Corrupt(format!("inbox {} state {}", r.update_id, r.state)))?,
                    update_id: r.update_id,
                    payload: r.payload,
                    replies: r.replies,
                })
            })
            .collect()
    }

    async fn last_update_id(&self, source: &str) -> Result<Option<i64>, StoreError> {
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(update_id) FROM inbox WHERE source = $1")
            .bind(source)
            .fetch_one(&self.write)
            .await?;
        Ok(last)
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM inbox WHERE state = 'done' AND received_at_ms < $1
             AND update_id < (SELECT MAX(i.update_id) FROM inbox i WHERE i.source = inbox.source)",
        )
        .bind(ms(before))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected())
    }

    async fn counts(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows: Vec<CountRow> = sqlx::query_as(
            "SELECT source, state, COUNT(*) AS updates FROM inbox GROUP BY source, state ORDER BY source, state",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|r| (r.source, r.state, r.updates)).collect())
    }
}

//! The dashboard's SQL, compiled once per backend (`db` is the backend's
//! dialect).

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::db;
use crate::features::dashboard::store::{DashboardStore, FailedDelivery, FaqLine, Grant, NewMember, Pass, Redeemed};
use crate::store::{MemberId, StoreError, from_ms, ms};

/// A link or session row.
#[derive(sqlx::FromRow)]
struct PassRow {
    hash: String,
    community_id: String,
    member_id: i64,
    grant_kind: String,
    created_at_ms: i64,
    expires_at_ms: i64,
}

impl PassRow {
    fn pass(self) -> Pass {
        Pass {
            hash: self.hash,
            community: self.community_id,
            member: MemberId(self.member_id),
            grant: Grant::parse(&self.grant_kind),
            created: from_ms(self.created_at_ms),
            expires: from_ms(self.expires_at_ms),
        }
    }
}

/// Why a link was not redeemed.
#[derive(sqlx::FromRow)]
struct LinkStateRow {
    expires_at_ms: i64,
    used_at_ms: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct NewMemberRow {
    id: i64,
    display_name: String,
    joined_at_ms: i64,
}

#[derive(sqlx::FromRow)]
struct FaqLineRow {
    id: String,
    question: String,
    redirects: i64,
    unhelpful: i64,
    hits: i64,
}

#[derive(sqlx::FromRow)]
struct FailedRow {
    platform: String,
    last_error: Option<String>,
    attempts: i64,
    created_at_ms: i64,
}

#[async_trait]
impl DashboardStore for db::Pools {
    async fn put_login(&self, login: &Pass, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let gone = ms(now - Duration::days(1));
        sqlx::query("DELETE FROM dashboard_logins WHERE expires_at_ms < $1").bind(gone).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM dashboard_sessions WHERE expires_at_ms < $1").bind(gone).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO dashboard_logins (token_hash, community_id, member_id, grant_kind, created_at_ms, expires_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&login.hash)
        .bind(&login.community)
        .bind(login.member.0)
        .bind(login.grant.as_str())
        .bind(ms(login.created))
        .bind(ms(login.expires))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn redeem_login(&self, hash: &str, now: DateTime<Utc>) -> Result<Redeemed, StoreError> {
        let now = ms(now);
        let won: Option<PassRow> = sqlx::query_as(
            "UPDATE dashboard_logins SET used_at_ms = $2
             WHERE token_hash = $1 AND used_at_ms IS NULL AND expires_at_ms > $2
             RETURNING token_hash AS hash, community_id, member_id, grant_kind, created_at_ms, expires_at_ms",
        )
        .bind(hash)
        .bind(now)
        .fetch_optional(&self.write)
        .await?;
        if let Some(row) = won {
            return Ok(Redeemed::Fresh(row.pass()));
        }
        let state: Option<LinkStateRow> =
            sqlx::query_as("SELECT expires_at_ms, used_at_ms FROM dashboard_logins WHERE token_hash = $1")
                .bind(hash)
                .fetch_optional(&self.write)
                .await?;
        Ok(match state {
            None => Redeemed::Unknown,
            Some(s) if s.used_at_ms.is_some() => Redeemed::Used,
            Some(s) if s.expires_at_ms <= now => Redeemed::Expired,
            // Unused and in time, yet not redeemed: only a clock running
            // backwards between the two statements; refuse it as used.
            Some(_) => Redeemed::Used,
        })
    }

    async fn put_session(&self, session: &Pass) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO dashboard_sessions
                 (session_hash, community_id, member_id, grant_kind, created_at_ms, expires_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.hash)
        .bind(&session.community)
        .bind(session.member.0)
        .bind(session.grant.as_str())
        .bind(ms(session.created))
        .bind(ms(session.expires))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn session(&self, hash: &str, now: DateTime<Utc>) -> Result<Option<Pass>, StoreError> {
        let row: Option<PassRow> = sqlx::query_as(
            "SELECT session_hash AS hash, community_id, member_id, grant_kind, created_at_ms, expires_at_ms
             FROM dashboard_sessions WHERE session_hash = $1 AND expires_at_ms > $2",
        )
        .bind(hash)
        .bind(ms(now))
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(PassRow::pass))
    }

    async fn end_session(&self, hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM dashboard_sessions WHERE session_hash = $1")
            .bind(hash)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn new_members(&self, community: &str, limit: i64) -> Result<Vec<NewMember>, StoreError> {
        let rows: Vec<NewMemberRow> = sqlx::query_as(
            "SELECT id, display_name, joined_at_ms FROM members
             WHERE community_id = $1 AND merged_into IS NULL
             ORDER BY joined_at_ms DESC, id DESC LIMIT $2",
        )
        .bind(community)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| NewMember { member: MemberId(r.id), name: r.display_name, joined: from_ms(r.joined_at_ms) })
            .collect())
    }

    async fn faq_lines(&self, community: &str, limit: i64) -> Result<Vec<FaqLine>, StoreError> {
        let rows: Vec<FaqLineRow> = sqlx::query_as(
            "SELECT e.id, e.question, CAST(e.hits AS BIGINT) AS hits,
                    (SELECT COUNT(*) FROM faq_redirects r
                     WHERE r.community_id = e.community_id AND r.entry_id = e.id AND r.automatic = TRUE) AS redirects,
                    (SELECT COUNT(*) FROM faq_redirects r
                     WHERE r.community_id = e.community_id AND r.entry_id = e.id AND r.automatic = TRUE
                       AND EXISTS (SELECT 1 FROM faq_feedback f
                                   WHERE f.redirect_id = r.id AND f.kind = 'unhelpful')) AS unhelpful
             FROM faq_entries e WHERE e.community_id = $1
             ORDER BY redirects DESC, e.id LIMIT $2",
        )
        .bind(community)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| FaqLine {
                id: r.id,
                question: r.question,
                redirects: r.redirects,
                unhelpful: r.unhelpful,
                hits: r.hits,
            })
            .collect())
    }

    async fn oldest_pending(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar("SELECT MIN(created_at_ms) FROM jobs_outbox WHERE state = 'pending'")
            .fetch_one(&self.read)
            .await?;
        Ok(at.map(from_ms))
    }

    async fn failed_deliveries(&self, limit: i64) -> Result<Vec<FailedDelivery>, StoreError> {
        let rows: Vec<FailedRow> = sqlx::query_as(
            "SELECT platform, last_error, CAST(attempts AS BIGINT) AS attempts, created_at_ms FROM jobs_outbox
             WHERE state = 'failed' ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| FailedDelivery {
                platform: r.platform,
                error: r.last_error.unwrap_or_default(),
                attempts: r.attempts,
                created: from_ms(r.created_at_ms),
            })
            .collect())
    }
}

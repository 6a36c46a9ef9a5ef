//! Members, their accounts, link codes and merges, and the diagnostics: the
//! SQL of [`MemberStore`], [`LinkStore`] and [`DiagStore`], compiled once per
//! backend (`db` is the backend's dialect).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db;
use crate::i18n::Locale;
use crate::message::Platform;
use crate::store::{
    Account, DiagStore, LinkOutcome, LinkStore, Member, MemberId, MemberStore, MergeHook, StoreError, from_ms, ms,
};

/// A member as stored.
#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    community_id: String,
    display_name: String,
    locale: Option<String>,
    joined_at_ms: i64,
}

impl From<MemberRow> for Member {
    fn from(r: MemberRow) -> Member {
        Member {
            id: MemberId(r.id),
            community: r.community_id,
            display_name: r.display_name,
            locale: r.locale.as_deref().and_then(Locale::parse),
            joined_at: from_ms(r.joined_at_ms),
        }
    }
}

/// A member seen through one of their accounts.
#[derive(sqlx::FromRow)]
struct SeenRow {
    #[sqlx(flatten)]
    member: MemberRow,
    account_name: String,
    last_seen_ms: i64,
}

/// An account as stored.
#[derive(sqlx::FromRow)]
struct AccountRow {
    platform: String,
    user_id: String,
    display_name: String,
    last_seen_ms: i64,
}

/// A link code as stored.
#[derive(sqlx::FromRow)]
struct CodeRow {
    member_id: i64,
    expires_at_ms: i64,
}

const MEMBER_COLUMNS: &str = "m.id, m.community_id, m.display_name, m.locale, m.joined_at_ms";

/// Refresh `last_seen` at most this often, to keep chat traffic from turning
/// into one write per message.
const SEEN_GRANULARITY_MS: i64 = 5 * 60 * 1000;

#[async_trait]
impl MemberStore for db::Pools {
    async fn member_for_account(
        &self,
        community: &str,
        platform: Platform,
        user_id: &str,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> Result<Member, StoreError> {
        let found: Option<SeenRow> = sqlx::query_as(
            "SELECT m.id, m.community_id, m.display_name, m.locale, m.joined_at_ms,
                    a.display_name AS account_name, a.last_seen_ms
             FROM member_accounts a JOIN members m ON m.id = a.member_id
             WHERE a.community_id = $1 AND a.platform = $2 AND a.user_id = $3",
        )
        .bind(community)
        .bind(platform.as_str())
        .bind(user_id)
        .fetch_optional(&self.read)
        .await?;
        if let Some(SeenRow { mut member, account_name, last_seen_ms }) = found {
            if account_name != display_name || ms(now) - last_seen_ms >= SEEN_GRANULARITY_MS {
                let mut tx = self.write.begin_with(db::BEGIN).await?;
                sqlx::query(
                    "UPDATE member_accounts SET display_name = $1, last_seen_ms = $2
                     WHERE community_id = $3 AND platform = $4 AND user_id = $5",
                )
                .bind(display_name)
                .bind(ms(now))
                .bind(community)
                .bind(platform.as_str())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE members SET display_name = $1 WHERE id = $2")
                    .bind(display_name)
                    .bind(member.id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                display_name.clone_into(&mut member.display_name);
            }
            return Ok(member.into());
        }
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO members (community_id, display_name, joined_at_ms) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(community)
        .bind(display_name)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO member_accounts
                 (community_id, platform, user_id, member_id, display_name, linked_at_ms, last_seen_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING",
        )
        .bind(community)
        .bind(platform.as_str())
        .bind(user_id)
        .bind(id)
        .bind(display_name)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            // Another instance created the account first: use theirs.
            tx.rollback().await?;
            return Box::pin(self.member_for_account(community, platform, user_id, display_name, now)).await;
        }
        tx.commit().await?;
        Ok(Member {
            id: MemberId(id),
            community: community.to_owned(),
            display_name: display_name.to_owned(),
            locale: None,
            joined_at: from_ms(ms(now)),
        })
    }

    async fn find_account(
        &self,
        community: &str,
        platform: Platform,
        user_id: &str,
    ) -> Result<Option<Member>, StoreError> {
        let row: Option<MemberRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MEMBER_COLUMNS} FROM member_accounts a JOIN members m ON m.id = a.member_id
             WHERE a.community_id = $1 AND a.platform = $2 AND a.user_id = $3"
        )))
        .bind(community)
        .bind(platform.as_str())
        .bind(user_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(Member::from))
    }

    async fn member(&self, id: MemberId) -> Result<Option<Member>, StoreError> {
        let row: Option<MemberRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MEMBER_COLUMNS} FROM members m
             WHERE m.id = COALESCE((SELECT merged_into FROM members WHERE id = $1), $1)"
        )))
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(Member::from))
    }

    async fn accounts(&self, id: MemberId) -> Result<Vec<Account>, StoreError> {
        let rows: Vec<AccountRow> = sqlx::query_as(
            "SELECT platform, user_id, display_name, last_seen_ms FROM member_accounts
             WHERE member_id = $1 ORDER BY linked_at_ms, platform, user_id",
        )
        .bind(id.0)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|r| {
                let platform = Platform::parse(&r.platform)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown platform {:?}", r.platform)))?;
                Ok(Account {
                    platform,
                    user_id: r.user_id,
                    display_name: r.display_name,
                    last_seen: from_ms(r.last_seen_ms),
                })
            })
            .collect()
    }

    async fn set_locale(&self, id: MemberId, locale: Option<Locale>) -> Result<(), StoreError> {
        sqlx::query("UPDATE members SET locale = $1 WHERE id = $2")
            .bind(locale.map(Locale::code))
            .bind(id.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl LinkStore for db::Pools {
    async fn put_link_code(
        &self,
        community: &str,
        code: &str,
        member: MemberId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        sqlx::query("DELETE FROM link_codes WHERE member_id = $1 OR expires_at_ms < $2")
            .bind(member.0)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO link_codes (code, community_id, member_id, created_at_ms, expires_at_ms)
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

    async fn redeem_link_code(
        &self,
        community: &str,
        code: &str,
        redeemer: MemberId,
        now: DateTime<Utc>,
        hooks: &[MergeHook],
    ) -> Result<LinkOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let row: Option<CodeRow> =
            sqlx::query_as("SELECT member_id, expires_at_ms FROM link_codes WHERE code = $1 AND community_id = $2")
                .bind(code)
                .bind(community)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(CodeRow { member_id: issuer, expires_at_ms }) = row else {
            return Ok(LinkOutcome::Unknown);
        };
        if expires_at_ms < ms(now) {
            sqlx::query("DELETE FROM link_codes WHERE code = $1").bind(code).execute(&mut *tx).await?;
            tx.commit().await?;
            return Ok(LinkOutcome::Expired);
        }
        if issuer == redeemer.0 {
            return Ok(LinkOutcome::AlreadyLinked);
        }
        let (kept, gone) = (issuer, redeemer.0);
        sqlx::query("UPDATE member_accounts SET member_id = $1 WHERE member_id = $2")
            .bind(kept)
            .bind(gone)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE members SET
               locale = COALESCE(locale, (SELECT g.locale FROM members g WHERE g.id = $2)),
               joined_at_ms = (SELECT MIN(x.joined_at_ms) FROM members x WHERE x.id IN ($1, $2))
             WHERE id = $1",
        )
        .bind(kept)
        .bind(gone)
        .execute(&mut *tx)
        .await?;
        // Every table that holds a member's history re-points here, in this
        // transaction: the ledger's and each feature's statements.
        for hook in hooks {
            (db::merge_fn(hook))(&mut tx, MemberId(kept), MemberId(gone)).await?;
        }
        sqlx::query("UPDATE members SET merged_into = $1 WHERE id = $2 OR merged_into = $2")
            .bind(kept)
            .bind(gone)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM link_codes WHERE member_id = $1 OR member_id = $2")
            .bind(kept)
            .bind(gone)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO link_merges (kept_id, merged_id, at_ms) VALUES ($1, $2, $3)")
            .bind(kept)
            .bind(gone)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(LinkOutcome::Linked { kept: MemberId(kept), merged: MemberId(gone) })
    }
}

#[async_trait]
impl DiagStore for db::Pools {
    async fn raw_insert_rate(&self, rows: u32) -> Result<f64, StoreError> {
        sqlx::query("CREATE TABLE IF NOT EXISTS diag_insert_probe (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)")
            .execute(&self.write)
            .await?;
        sqlx::query("DELETE FROM diag_insert_probe").execute(&self.write).await?;
        let start = std::time::Instant::now();
        for i in 0..rows {
            sqlx::query("INSERT INTO diag_insert_probe (id, payload) VALUES ($1, $2)")
                .bind(i64::from(i))
                .bind("a typical chat message of about forty bytes")
                .execute(&self.write)
                .await?;
        }
        let secs = start.elapsed().as_secs_f64();
        sqlx::query("DROP TABLE diag_insert_probe").execute(&self.write).await?;
        Ok(f64::from(rows) / secs.max(1e-9))
    }
}

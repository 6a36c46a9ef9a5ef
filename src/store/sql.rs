//! The SQL both backends share. SQLite and PostgreSQL accept the same runtime
//! SQL here (`$n` placeholders, `RETURNING`, `ON CONFLICT`), so the query
//! code is written once and instantiated per backend by [`sql_store!`]; what
//! differs (connecting, the write-transaction statement) lives in
//! `sqlite.rs` and `postgres.rs`.

/// Implements the store traits for `$store` (which has a `pool` field) with
/// `$begin` as the statement that opens a write transaction and `$least` as
/// the two-argument minimum function (`MIN` in SQLite, `LEAST` in PostgreSQL),
/// `$greatest` the maximum (`MAX`, `GREATEST`).
macro_rules! sql_store {
    ($store:ty, $backend:literal, $begin:literal, $least:literal, $greatest:literal) => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};

        use crate::i18n::Locale;
        use crate::message::Platform;
        use crate::store::{
            Account, DiagStore, LinkOutcome, LinkStore, Member, MemberId, MemberStore, StoreError, from_ms, ms,
        };

        type MemberRow = (i64, String, String, Option<String>, i64);

        fn member_from_row(r: MemberRow) -> Member {
            Member {
                id: MemberId(r.0),
                community: r.1,
                display_name: r.2,
                locale: r.3.as_deref().and_then(Locale::parse),
                joined_at: from_ms(r.4),
            }
        }

        /// Refresh `last_seen` at most this often, to keep chat traffic from
        /// turning into one write per message.
        const SEEN_GRANULARITY_MS: i64 = 5 * 60 * 1000;

        #[async_trait]
        impl MemberStore for $store {
            async fn member_for_account(
                &self,
                community: &str,
                platform: Platform,
                user_id: &str,
                display_name: &str,
                now: DateTime<Utc>,
            ) -> Result<Member, StoreError> {
                let found: Option<(i64, String, String, Option<String>, i64, String, i64)> = sqlx::query_as(
                    "SELECT m.id, m.community_id, m.display_name, m.locale, m.joined_at_ms, a.display_name, a.last_seen_ms
                     FROM member_accounts a JOIN members m ON m.id = a.member_id
                     WHERE a.community_id = $1 AND a.platform = $2 AND a.user_id = $3",
                )
                .bind(community)
                .bind(platform.as_str())
                .bind(user_id)
                .fetch_optional(&self.read)
                .await?;
                if let Some((id, community_id, member_name, locale, joined, account_name, last_seen)) = found {
                    if account_name != display_name || ms(now) - last_seen >= SEEN_GRANULARITY_MS {
                        let mut tx = self.pool.begin_with($begin).await?;
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
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        tx.commit().await?;
                        return Ok(member_from_row((id, community_id, display_name.to_owned(), locale, joined)));
                    }
                    return Ok(member_from_row((id, community_id, member_name, locale, joined)));
                }
                let mut tx = self.pool.begin_with($begin).await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO members (community_id, display_name, joined_at_ms) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(community)
                .bind(display_name)
                .bind(ms(now))
                .fetch_one(&mut *tx)
                .await?;
                let inserted = sqlx::query(
                    "INSERT INTO member_accounts (community_id, platform, user_id, member_id, display_name, linked_at_ms, last_seen_ms)
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
                Ok(member_from_row((id, community.to_owned(), display_name.to_owned(), None, ms(now))))
            }

            async fn find_account(
                &self,
                community: &str,
                platform: Platform,
                user_id: &str,
            ) -> Result<Option<Member>, StoreError> {
                let row: Option<MemberRow> = sqlx::query_as(
                    "SELECT m.id, m.community_id, m.display_name, m.locale, m.joined_at_ms
                     FROM member_accounts a JOIN members m ON m.id = a.member_id
                     WHERE a.community_id = $1 AND a.platform = $2 AND a.user_id = $3",
                )
                .bind(community)
                .bind(platform.as_str())
                .bind(user_id)
                .fetch_optional(&self.read)
                .await?;
                Ok(row.map(member_from_row))
            }

            async fn member(&self, id: MemberId) -> Result<Option<Member>, StoreError> {
                let row: Option<MemberRow> = sqlx::query_as(
                    "SELECT m.id, m.community_id, m.display_name, m.locale, m.joined_at_ms
                     FROM members m WHERE m.id = COALESCE((SELECT merged_into FROM members WHERE id = $1), $1)",
                )
                .bind(id.0)
                .fetch_optional(&self.read)
                .await?;
                Ok(row.map(member_from_row))
            }

            async fn accounts(&self, id: MemberId) -> Result<Vec<Account>, StoreError> {
                let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
                    "SELECT platform, user_id, display_name, last_seen_ms FROM member_accounts
                     WHERE member_id = $1 ORDER BY linked_at_ms, platform, user_id",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                rows.into_iter()
                    .map(|(p, user_id, display_name, seen)| {
                        let platform =
                            Platform::parse(&p).ok_or_else(|| StoreError::Corrupt(format!("unknown platform {p:?}")))?;
                        Ok(Account { platform, user_id, display_name, last_seen: from_ms(seen) })
                    })
                    .collect()
            }

            async fn set_locale(&self, id: MemberId, locale: Option<Locale>) -> Result<(), StoreError> {
                sqlx::query("UPDATE members SET locale = $1 WHERE id = $2")
                    .bind(locale.map(Locale::code))
                    .bind(id.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }

        #[async_trait]
        impl LinkStore for $store {
            async fn put_link_code(
                &self,
                community: &str,
                code: &str,
                member: MemberId,
                now: DateTime<Utc>,
                expires_at: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
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
            ) -> Result<LinkOutcome, StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                let row: Option<(i64, i64)> =
                    sqlx::query_as("SELECT member_id, expires_at_ms FROM link_codes WHERE code = $1 AND community_id = $2")
                        .bind(code)
                        .bind(community)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((issuer, expires_at)) = row else {
                    return Ok(LinkOutcome::Unknown);
                };
                if expires_at < ms(now) {
                    sqlx::query("DELETE FROM link_codes WHERE code = $1").bind(code).execute(&mut *tx).await?;
                    tx.commit().await?;
                    return Ok(LinkOutcome::Expired);
                }
                if issuer == redeemer.0 {
                    return Ok(LinkOutcome::AlreadyLinked);
                }
                let (kept, gone) = (issuer, redeemer.0);
                // Every table that holds a member's history re-points here;
                // features add their statements to this transaction.
                sqlx::query("UPDATE member_accounts SET member_id = $1 WHERE member_id = $2")
                    .bind(kept)
                    .bind(gone)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(concat!(
                    "UPDATE members SET
                       locale = COALESCE(locale, (SELECT g.locale FROM members g WHERE g.id = $2)),
                       joined_at_ms = ",
                    $least,
                    "(joined_at_ms, (SELECT g.joined_at_ms FROM members g WHERE g.id = $2))
                     WHERE id = $1"
                ))
                .bind(kept)
                .bind(gone)
                .execute(&mut *tx)
                .await?;
                // Points: the merged member's entries move to the kept
                // member's account, whose cached numbers absorb theirs.
                sqlx::query(
                    "INSERT INTO points_accounts (community_id, owner, member_id)
                     SELECT community_id, $3, $1 FROM points_accounts WHERE owner = $4
                     ON CONFLICT (community_id, owner) DO NOTHING",
                )
                .bind(kept)
                .bind(gone)
                .bind(format!("member:{kept}"))
                .bind(format!("member:{gone}"))
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE points_entries SET account_id = (SELECT k.id FROM points_accounts k
                        JOIN points_accounts g ON g.community_id = k.community_id
                        WHERE k.owner = $1 AND g.owner = $2)
                     WHERE account_id = (SELECT id FROM points_accounts WHERE owner = $2)",
                )
                .bind(format!("member:{kept}"))
                .bind(format!("member:{gone}"))
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE points_accounts SET
                        balance = balance + COALESCE((SELECT g.balance FROM points_accounts g WHERE g.owner = $2), 0),
                        contribution = contribution + COALESCE((SELECT g.contribution FROM points_accounts g WHERE g.owner = $2), 0)
                     WHERE owner = $1",
                )
                .bind(format!("member:{kept}"))
                .bind(format!("member:{gone}"))
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM points_accounts WHERE owner = $1")
                    .bind(format!("member:{gone}"))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(concat!(
                    "UPDATE points_levels SET level = ",
                    $greatest,
                    "(level, COALESCE((SELECT g.level FROM points_levels g WHERE g.member_id = $2), 0))
                     WHERE member_id = $1"
                ))
                .bind(kept)
                .bind(gone)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE points_levels SET member_id = $1 WHERE member_id = $2 AND NOT EXISTS
                     (SELECT 1 FROM points_levels k WHERE k.member_id = $1)")
                    .bind(kept)
                    .bind(gone)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM points_levels WHERE member_id = $1").bind(gone).execute(&mut *tx).await?;
                // Check-ins: the union of both members' days.
                sqlx::query(
                    "UPDATE checkin_days SET member_id = $1 WHERE member_id = $2 AND day NOT IN
                     (SELECT k.day FROM checkin_days k WHERE k.member_id = $1)",
                )
                .bind(kept)
                .bind(gone)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM checkin_days WHERE member_id = $1").bind(gone).execute(&mut *tx).await?;
                sqlx::query("UPDATE shop_orders SET member_id = $1 WHERE member_id = $2")
                    .bind(kept)
                    .bind(gone)
                    .execute(&mut *tx)
                    .await?;
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
        impl DiagStore for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn raw_insert_rate(&self, rows: u32) -> Result<f64, StoreError> {
                sqlx::query("CREATE TABLE IF NOT EXISTS diag_insert_probe (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)")
                    .execute(&self.pool)
                    .await?;
                sqlx::query("DELETE FROM diag_insert_probe").execute(&self.pool).await?;
                let start = std::time::Instant::now();
                for i in 0..rows {
                    sqlx::query("INSERT INTO diag_insert_probe (id, payload) VALUES ($1, $2)")
                        .bind(i64::from(i))
                        .bind("a typical chat message of about forty bytes")
                        .execute(&self.pool)
                        .await?;
                }
                let secs = start.elapsed().as_secs_f64();
                sqlx::query("DROP TABLE diag_insert_probe").execute(&self.pool).await?;
                Ok(f64::from(rows) / secs.max(1e-9))
            }

            async fn close(&self) {
                self.read.close().await;
                self.pool.close().await;
            }
        }
    };
}

pub(crate) use sql_store;

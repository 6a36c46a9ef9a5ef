//! The check-in feature's SQL, compiled once per backend (`db` is the
//! backend's dialect; `ledger` the ledger's SQL for the same backend, so a
//! day and its rewards are one transaction).

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::{db, ledger};
use crate::BoxFuture;
use crate::features::checkin::store::{CheckinDay, CheckinOutcome, CheckinRequest, CheckinStore};
use crate::ledger::{Balance, LedgerStore, Transfer, TransferOutcome};
use crate::store::{MemberId, StoreError, ms};

/// Rows per multi-row statement (PostgreSQL slows down sharply past a few
/// hundred rows).
const CHUNK: usize = 200;

/// A check-in day as stored.
#[derive(sqlx::FromRow)]
struct DayRow {
    day: String,
    makeup: i64,
}

/// The key of a day recorded by a group commit.
#[derive(sqlx::FromRow)]
struct DayKeyRow {
    community_id: String,
    member_id: i64,
    day: String,
}

/// A member's day, with their name.
#[derive(sqlx::FromRow)]
struct MemberDayRow {
    member_id: i64,
    display_name: String,
    day: String,
}

fn parse_day(day: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("check-in day {day:?}")))
}

impl db::Pools {
    /// A member's numbers after a check-in that moved none of them.
    async fn ledger_balance(&self, community: &str, member: MemberId) -> Result<Balance, StoreError> {
        LedgerStore::balance(self, community, member).await
    }
}

#[async_trait]
impl CheckinStore for db::Pools {
    async fn checkin_days(&self, community: &str, member: MemberId, limit: i64) -> Result<Vec<CheckinDay>, StoreError> {
        let rows: Vec<DayRow> = sqlx::query_as(
            "SELECT day, makeup FROM checkin_days WHERE community_id = $1 AND member_id = $2
             ORDER BY day DESC LIMIT $3",
        )
        .bind(community)
        .bind(member.0)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(|r| Ok(CheckinDay { day: parse_day(&r.day)?, makeup: r.makeup != 0 })).collect()
    }

    async fn check_in(
        &self,
        community: &str,
        member: MemberId,
        day: CheckinDay,
        cost: Option<&Transfer>,
        rewards: &[Transfer],
        now: DateTime<Utc>,
    ) -> Result<CheckinOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let inserted = sqlx::query(
            "INSERT INTO checkin_days (community_id, member_id, day, makeup, at_ms) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (community_id, member_id, day) DO NOTHING",
        )
        .bind(community)
        .bind(member.0)
        .bind(day.day.format("%Y-%m-%d").to_string())
        .bind(i64::from(day.makeup))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(CheckinOutcome::AlreadyDone);
        }
        if let Some(cost) = cost {
            // A make-up pays the shop, then the mint rewards it:
            // the mint is locked first, as everywhere, so this
            // cannot wait in a cycle with an activity flush.
            if !rewards.is_empty() {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT id FROM points_accounts WHERE community_id = $1 AND owner = 'mint'{}",
                    db::FOR_UPDATE
                )))
                .bind(community)
                .fetch_optional(&mut *tx)
                .await?;
            }
            match ledger::apply(&mut tx, cost).await? {
                TransferOutcome::Insufficient { balance } => {
                    tx.rollback().await?;
                    return Ok(CheckinOutcome::Insufficient { balance });
                }
                TransferOutcome::Applied(_) | TransferOutcome::Duplicate => {}
            }
        }
        let mut last = None;
        for reward in rewards {
            if let TransferOutcome::Applied(b) = ledger::apply(&mut tx, reward).await? {
                last = Some(b);
            }
        }
        tx.commit().await?;
        let balance = match last {
            Some(b) => b,
            None => self.ledger_balance(community, member).await?,
        };
        Ok(CheckinOutcome::Done(balance))
    }

    async fn check_in_batch(&self, reqs: &[CheckinRequest]) -> Result<Vec<CheckinOutcome>, StoreError> {
        let mut out = vec![CheckinOutcome::AlreadyDone; reqs.len()];
        if reqs.is_empty() {
            return Ok(out);
        }
        let day_of = |r: &CheckinRequest| r.day.day.format("%Y-%m-%d").to_string();
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let mut fresh: HashSet<(String, i64, String)> = HashSet::new();
        for chunk in reqs.chunks(CHUNK) {
            let mut qb = sqlx::QueryBuilder::<db::Db>::new(
                "INSERT INTO checkin_days (community_id, member_id, day, makeup, at_ms) ",
            );
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(r.community.clone())
                    .push_bind(r.member.0)
                    .push_bind(day_of(r))
                    .push_bind(i64::from(r.day.makeup))
                    .push_bind(ms(r.now));
            });
            qb.push(" ON CONFLICT (community_id, member_id, day) DO NOTHING RETURNING community_id, member_id, day");
            fresh.extend(
                qb.build_query_as::<DayKeyRow>()
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|r| (r.community_id, r.member_id, r.day)),
            );
        }
        // Rewards of the days recorded now (the first request of a
        // day that is asked twice in one batch wins).
        let mut rewards = Vec::new();
        let mut request_of = Vec::new();
        let mut done = Vec::new();
        for (i, r) in reqs.iter().enumerate() {
            if fresh.remove(&(r.community.clone(), r.member.0, day_of(r))) {
                done.push(i);
                for t in &r.rewards {
                    rewards.push(t.clone());
                    request_of.push(i);
                }
            }
        }
        let applied = ledger::apply_all(&mut tx, &rewards).await?;
        tx.commit().await?;
        let mut last: Vec<Option<Balance>> = vec![None; reqs.len()];
        for (i, outcome) in request_of.into_iter().zip(applied) {
            if let TransferOutcome::Applied(b) = outcome {
                last[i] = Some(b);
            }
        }
        for i in done {
            let balance = match last[i] {
                Some(b) => b,
                None => self.ledger_balance(&reqs[i].community, reqs[i].member).await?,
            };
            out[i] = CheckinOutcome::Done(balance);
        }
        Ok(out)
    }

    async fn checkin_days_since(
        &self,
        community: &str,
        since: NaiveDate,
    ) -> Result<Vec<(MemberId, String, NaiveDate)>, StoreError> {
        let rows: Vec<MemberDayRow> = sqlx::query_as(
            "SELECT c.member_id, m.display_name, c.day FROM checkin_days c
             JOIN members m ON m.id = c.member_id
             WHERE c.community_id = $1 AND c.day >= $2
             ORDER BY c.member_id, c.day DESC",
        )
        .bind(community)
        .bind(since.format("%Y-%m-%d").to_string())
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(|r| Ok((MemberId(r.member_id), r.display_name, parse_day(&r.day)?))).collect()
    }

    async fn makeups_since(&self, community: &str, member: MemberId, since: DateTime<Utc>) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM checkin_days
             WHERE community_id = $1 AND member_id = $2 AND makeup = 1 AND at_ms >= $3",
        )
        .bind(community)
        .bind(member.0)
        .bind(ms(since))
        .fetch_one(&self.read)
        .await?;
        Ok(n)
    }
}

/// The union of both members' days.
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        sqlx::query(
            "UPDATE checkin_days SET member_id = $1 WHERE member_id = $2 AND day NOT IN
             (SELECT k.day FROM checkin_days k WHERE k.member_id = $1)",
        )
        .bind(kept.0)
        .bind(gone.0)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM checkin_days WHERE member_id = $1").bind(gone.0).execute(&mut *conn).await?;
        Ok(())
    })
}

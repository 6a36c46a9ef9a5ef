//! The points feature's SQL (levels reached, leaderboards), compiled once per
//! backend (`db` is the backend's dialect). Balances and transfers are the
//! ledger's (`crate::ledger`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db;
use crate::BoxFuture;
use crate::features::points::store::{PointsStore, Standing};
use crate::ledger::Owner;
use crate::store::{MemberId, StoreError, ms};

fn since_ms(since: Option<DateTime<Utc>>) -> i64 {
    since.map(ms).unwrap_or(i64::MIN)
}

/// Contribution per member earned since `$2` (all time when `$2`
/// is the minimum), with dense ranks.
const BOARD: &str = "
    SELECT rank, member_id, display_name, points FROM (
        SELECT DENSE_RANK() OVER (ORDER BY t.points DESC) AS rank, t.member_id, m.display_name, t.points
        FROM (
            SELECT a.member_id AS member_id, CAST(SUM(e.contribution) AS BIGINT) AS points
            FROM points_entries e JOIN points_accounts a ON a.id = e.account_id
            WHERE a.community_id = $1 AND a.member_id IS NOT NULL AND e.at_ms >= $2
            GROUP BY a.member_id
        ) t JOIN members m ON m.id = t.member_id
        WHERE t.points > 0
    ) ranked";

/// The all-time board from cached contribution: the `$2` highest
/// distinct values, and the members holding them, dense-ranked.
const ALL_TIME_BOARD: &str = "
    WITH top AS (
        SELECT DISTINCT contribution FROM points_accounts
        WHERE community_id = $1 AND member_id IS NOT NULL AND contribution > 0
        ORDER BY contribution DESC LIMIT $2
    )
    SELECT (SELECT COUNT(*) FROM top t WHERE t.contribution > a.contribution) + 1 AS rank,
           a.member_id, m.display_name, a.contribution AS points
    FROM points_accounts a JOIN members m ON m.id = a.member_id
    WHERE a.community_id = $1 AND a.member_id IS NOT NULL
      AND a.contribution >= (SELECT MIN(contribution) FROM top)
    ORDER BY a.contribution DESC, a.member_id LIMIT 30";

/// Rows a leaderboard shows at most, however many tie.
const BOARD_ROWS: i64 = 30;

/// A place on a leaderboard.
#[derive(sqlx::FromRow)]
struct StandingRow {
    rank: i64,
    member_id: i64,
    display_name: String,
    points: i64,
}

impl From<StandingRow> for Standing {
    fn from(r: StandingRow) -> Standing {
        Standing { rank: r.rank, member: MemberId(r.member_id), name: r.display_name, points: r.points }
    }
}

/// A member's points in a period, unranked.
#[derive(sqlx::FromRow)]
struct PointsRow {
    member_id: i64,
    display_name: String,
    points: i64,
}

#[async_trait]
impl PointsStore for db::Pools {
    async fn leaderboard(
        &self,
        community: &str,
        since: Option<DateTime<Utc>>,
        limit: i64,
    ) -> Result<Vec<Standing>, StoreError> {
        let rows: Vec<StandingRow> = match since {
            // All time: the cached contribution, through its index.
            None => sqlx::query_as(ALL_TIME_BOARD).bind(community).bind(limit).fetch_all(&self.read).await?,
            Some(_) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{BOARD} WHERE rank <= $3 ORDER BY rank, member_id LIMIT {BOARD_ROWS}"
                )))
                .bind(community)
                .bind(since_ms(since))
                .bind(limit)
                .fetch_all(&self.read)
                .await?
            }
        };
        Ok(rows.into_iter().map(Standing::from).collect())
    }

    async fn earned(&self, community: &str, member: MemberId, since: Option<DateTime<Utc>>) -> Result<i64, StoreError> {
        let owner = Owner::Member(member).key();
        let points: Option<i64> = match since {
            None => {
                sqlx::query_scalar("SELECT contribution FROM points_accounts WHERE community_id = $1 AND owner = $2")
                    .bind(community)
                    .bind(&owner)
                    .fetch_optional(&self.read)
                    .await?
            }
            Some(since) => {
                sqlx::query_scalar(
                    "SELECT CAST(SUM(e.contribution) AS BIGINT) FROM points_entries e
                     JOIN points_accounts a ON a.id = e.account_id
                     WHERE a.community_id = $1 AND a.owner = $2 AND e.at_ms >= $3",
                )
                .bind(community)
                .bind(&owner)
                .bind(ms(since))
                .fetch_one(&self.read)
                .await?
            }
        };
        Ok(points.unwrap_or(0).max(0))
    }

    async fn board_points(
        &self,
        community: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<(MemberId, String, i64)>, StoreError> {
        let rows: Vec<PointsRow> = match since {
            None => {
                sqlx::query_as(
                    "SELECT a.member_id, m.display_name, a.contribution AS points
                     FROM points_accounts a JOIN members m ON m.id = a.member_id
                     WHERE a.community_id = $1 AND a.member_id IS NOT NULL AND a.contribution > 0",
                )
                .bind(community)
                .fetch_all(&self.read)
                .await?
            }
            Some(since) => {
                sqlx::query_as(
                    "SELECT a.member_id, m.display_name, CAST(SUM(e.contribution) AS BIGINT) AS points
                     FROM points_entries e JOIN points_accounts a ON a.id = e.account_id
                     JOIN members m ON m.id = a.member_id
                     WHERE a.community_id = $1 AND a.member_id IS NOT NULL AND e.at_ms >= $2
                     GROUP BY a.member_id, m.display_name
                     HAVING SUM(e.contribution) > 0",
                )
                .bind(community)
                .bind(ms(since))
                .fetch_all(&self.read)
                .await?
            }
        };
        Ok(rows.into_iter().map(|r| (MemberId(r.member_id), r.display_name, r.points)).collect())
    }

    async fn reach_level(&self, community: &str, member: MemberId, level: i64) -> Result<bool, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        sqlx::query(
            "INSERT INTO points_levels (community_id, member_id, level) VALUES ($1, $2, 0)
             ON CONFLICT (community_id, member_id) DO NOTHING",
        )
        .bind(community)
        .bind(member.0)
        .execute(&mut *tx)
        .await?;
        let raised = sqlx::query(
            "UPDATE points_levels SET level = $3 WHERE community_id = $1 AND member_id = $2 AND level < $3",
        )
        .bind(community)
        .bind(member.0)
        .bind(level)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(raised == 1)
    }
}

/// Keeps the higher of the two members' levels reached (so a merge never
/// announces a level again).
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        sqlx::query(
            "UPDATE points_levels SET level = (SELECT MAX(x.level) FROM points_levels x WHERE x.member_id IN ($1, $2))
             WHERE member_id = $1",
        )
        .bind(kept.0)
        .bind(gone.0)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE points_levels SET member_id = $1 WHERE member_id = $2 AND NOT EXISTS
             (SELECT 1 FROM points_levels k WHERE k.member_id = $1)",
        )
        .bind(kept.0)
        .bind(gone.0)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM points_levels WHERE member_id = $1").bind(gone.0).execute(&mut *conn).await?;
        Ok(())
    })
}

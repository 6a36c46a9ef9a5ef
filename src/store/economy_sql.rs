//! The economy's SQL, shared by both backends like `sql.rs`: `$lock` is the
//! row-lock suffix for a read that is followed by a write (` FOR UPDATE` on
//! PostgreSQL; SQLite's `BEGIN IMMEDIATE` already holds the write lock).

/// Implements the economy traits for `$store` over database `$db` with
/// connections of type `$conn`.
macro_rules! economy_store {
    ($store:ty, $db:ty, $conn:ty, $begin:literal, $lock:literal) => {
        mod economy_impl {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};

            use super::*;
            use crate::store::economy::{
                Balance, CheckinDay, CheckinOutcome, CheckinRequest, CheckinStore, HistoryEntry, LedgerAudit, MovementKind, Order,
                Owner, PointsStore, RedeemOutcome, SettleOutcome, ShopStore, Standing, Transfer, TransferOutcome,
            };
            use crate::store::{MemberId, StoreError, from_ms, ms};

            /// The member a (possibly merged-away) id stands for now.
            async fn current_owner(conn: &mut $conn, owner: Owner) -> Result<Owner, StoreError> {
                let Owner::Member(id) = owner else { return Ok(owner) };
                let row: Option<(Option<i64>,)> = sqlx::query_as("SELECT merged_into FROM members WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut *conn)
                    .await?;
                Ok(Owner::Member(MemberId(row.and_then(|r| r.0).unwrap_or(id.0))))
            }

            /// Adds `amount` and `contribution` to an account, creating it
            /// when missing, in one statement; returns its id and numbers
            /// afterwards. The row stays locked for the rest of the
            /// transaction.
            async fn credit(
                conn: &mut $conn,
                community: &str,
                owner: Owner,
                amount: i64,
                contribution: i64,
            ) -> Result<(i64, i64, i64), StoreError> {
                let row: (i64, i64, i64) = sqlx::query_as(
                    "INSERT INTO points_accounts (community_id, owner, member_id, balance, contribution)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (community_id, owner) DO UPDATE SET
                         balance = points_accounts.balance + excluded.balance,
                         contribution = points_accounts.contribution + excluded.contribution
                     RETURNING id, balance, contribution",
                )
                .bind(community)
                .bind(owner.key())
                .bind(owner.member().map(|m| m.0))
                .bind(amount)
                .bind(contribution)
                .fetch_one(&mut *conn)
                .await?;
                Ok(row)
            }

            /// [`credit`] for a member's account, resolving a member merged
            /// away to the one they were merged into in the same statement;
            /// also returns that member.
            async fn credit_member(
                conn: &mut $conn,
                community: &str,
                member: MemberId,
                amount: i64,
                contribution: i64,
            ) -> Result<(i64, i64, i64, MemberId), StoreError> {
                let row: Option<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
                    "INSERT INTO points_accounts (community_id, owner, member_id, balance, contribution)
                     SELECT $1, 'member:' || CAST(COALESCE(m.merged_into, m.id) AS TEXT), COALESCE(m.merged_into, m.id), $3, $4
                     FROM members m WHERE m.id = $2
                     ON CONFLICT (community_id, owner) DO UPDATE SET
                         balance = points_accounts.balance + excluded.balance,
                         contribution = points_accounts.contribution + excluded.contribution
                     RETURNING id, balance, contribution, member_id",
                )
                .bind(community)
                .bind(member.0)
                .bind(amount)
                .bind(contribution)
                .fetch_optional(&mut *conn)
                .await?;
                match row {
                    Some((id, balance, contribution, Some(owner))) => Ok((id, balance, contribution, MemberId(owner))),
                    _ => Err(StoreError::Corrupt(format!("no member {member} to credit"))),
                }
            }

            /// Applies one transfer inside an open transaction. Writes nothing
            /// unless it returns `Applied`.
            ///
            /// Statements: the idempotency key is claimed by the movement's
            /// insert itself; an account is created and updated in one
            /// upsert, except a payer that must not go below zero (read,
            /// then updated). System accounts (mint, shop, escrow) are
            /// locked before member accounts, the order the group commit
            /// uses too, so that PostgreSQL transactions never wait on each
            /// other in a cycle.
            pub(super) async fn apply(conn: &mut $conn, t: &Transfer) -> Result<TransferOutcome, StoreError> {
                if t.amount <= 0 {
                    return Err(StoreError::Corrupt(format!("transfer {} of {} points", t.key, t.amount)));
                }
                let from = current_owner(conn, t.from).await?;
                // A receiving member is resolved by the upsert that credits them.
                let to = t.to;
                let inserted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO points_movements (community_id, idem_key, kind, reason, actor_id, at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (community_id, idem_key) DO NOTHING RETURNING id",
                )
                .bind(&t.community)
                .bind(&t.key)
                .bind(t.kind.as_str())
                .bind(&t.reason)
                .bind(t.actor.map(|a| a.0))
                .bind(ms(t.at))
                .fetch_optional(&mut *conn)
                .await?;
                let Some((movement,)) = inserted else {
                    return Ok(TransferOutcome::Duplicate);
                };
                let to_c = if t.kind.earns() && to.member().is_some() { t.amount } else { 0 };
                // System sides first.
                let mut from_row = None;
                if from == Owner::Mint {
                    from_row = Some(credit(conn, &t.community, from, -t.amount, 0).await?);
                }
                let mut to_row = None;
                if to.member().is_none() {
                    to_row = Some(credit(conn, &t.community, to, t.amount, 0).await?);
                }
                // A payer other than the mint must cover the amount.
                let mut from_c = 0;
                if from != Owner::Mint {
                    let row: Option<(i64, i64, i64)> = sqlx::query_as(concat!(
                        "SELECT id, balance, contribution FROM points_accounts WHERE community_id = $1 AND owner = $2",
                        $lock
                    ))
                    .bind(&t.community)
                    .bind(from.key())
                    .fetch_optional(&mut *conn)
                    .await?;
                    let Some((id, balance, contribution)) = row.filter(|r| r.1 >= t.amount) else {
                        // Undo what this transfer wrote so far.
                        if to.member().is_none() {
                            credit(conn, &t.community, to, -t.amount, 0).await?;
                        }
                        sqlx::query("DELETE FROM points_movements WHERE id = $1").bind(movement).execute(&mut *conn).await?;
                        return Ok(TransferOutcome::Insufficient { balance: row.map_or(0, |r| r.1) });
                    };
                    if t.kind.corrects() && from.member().is_some() {
                        from_c = -t.amount.min(contribution);
                    }
                    sqlx::query(
                        "UPDATE points_accounts SET balance = balance + $1, contribution = contribution + $2 WHERE id = $3",
                    )
                    .bind(-t.amount)
                    .bind(from_c)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                    from_row = Some((id, balance - t.amount, contribution + from_c));
                }
                if let Owner::Member(member) = to {
                    let (id, balance, contribution, _) = credit_member(conn, &t.community, member, t.amount, to_c).await?;
                    to_row = Some((id, balance, contribution));
                }
                let (Some(from_row), Some(to_row)) = (from_row, to_row) else {
                    return Err(StoreError::Corrupt(format!("accounts missing for {}", t.key)));
                };
                sqlx::query(
                    "INSERT INTO points_entries (movement_id, account_id, amount, contribution, at_ms)
                     VALUES ($1, $2, $3, $4, $5), ($1, $6, $7, $8, $5)",
                )
                .bind(movement)
                .bind(from_row.0)
                .bind(-t.amount)
                .bind(from_c)
                .bind(ms(t.at))
                .bind(to_row.0)
                .bind(t.amount)
                .bind(to_c)
                .execute(&mut *conn)
                .await?;
                Ok(TransferOutcome::Applied(if to.member().is_some() {
                    Balance { balance: to_row.1, contribution: to_row.2 }
                } else {
                    Balance { balance: from_row.1, contribution: from_row.2 }
                }))
            }

            /// Rows per multi-row statement (PostgreSQL slows down sharply
            /// past a few hundred rows or a couple of thousand binds).
            const CHUNK: usize = 200;

            /// Group commit of rewards from the mint (activity, thanks): a few
            /// multi-row statements per chunk instead of a dozen statements per
            /// award. Same rules as [`apply`]: idempotent per key, entries in
            /// pairs, cached numbers updated with them.
            async fn apply_mint_batch(conn: &mut $conn, ts: &[Transfer]) -> Result<Vec<TransferOutcome>, StoreError> {
                use std::collections::HashMap;
                let mut out = vec![TransferOutcome::Duplicate; ts.len()];
                let mut base = 0;
                // The mint of each community first, as in `apply`: one lock
                // order for every transaction that moves points.
                let mut communities: Vec<&str> = ts.iter().map(|t| t.community.as_str()).collect();
                communities.sort_unstable();
                communities.dedup();
                for community in communities {
                    sqlx::query(concat!("SELECT id FROM points_accounts WHERE community_id = $1 AND owner = 'mint'", $lock))
                        .bind(community)
                        .fetch_optional(&mut *conn)
                        .await?;
                }
                for chunk in ts.chunks(CHUNK) {
                    // Members merged away since the award was queued.
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, merged_into FROM members WHERE merged_into IS NOT NULL AND id IN (",
                    );
                    let mut sep = qb.separated(", ");
                    for t in chunk {
                        sep.push_bind(t.to.member().map(|m| m.0).unwrap_or(0));
                    }
                    qb.push(")");
                    let merged: HashMap<i64, i64> = qb
                        .build_query_as::<(i64, Option<i64>)>()
                        .fetch_all(&mut *conn)
                        .await?
                        .into_iter()
                        .filter_map(|(id, into)| into.map(|i| (id, i)))
                        .collect();
                    let owner_of = |t: &Transfer| match t.to {
                        Owner::Member(m) => Owner::Member(MemberId(merged.get(&m.0).copied().unwrap_or(m.0))),
                        other => other,
                    };
                    // Accounts: create the missing ones, then read them all.
                    let mut wanted: Vec<(String, Owner)> = Vec::new();
                    for t in chunk {
                        for o in [Owner::Mint, owner_of(t)] {
                            if !wanted.iter().any(|(c, w)| *c == t.community && *w == o) {
                                wanted.push((t.community.clone(), o));
                            }
                        }
                    }
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO points_accounts (community_id, owner, member_id) ");
                    qb.push_values(&wanted, |mut b, (c, o)| {
                        b.push_bind(c.clone()).push_bind(o.key()).push_bind(o.member().map(|m| m.0));
                    });
                    qb.push(" ON CONFLICT (community_id, owner) DO NOTHING");
                    qb.build().execute(&mut *conn).await?;
                    // By community, then owner: the unique index's order.
                    let mut qb =
                        sqlx::QueryBuilder::<$db>::new("SELECT id, community_id, owner, balance, contribution FROM points_accounts WHERE ");
                    let mut communities: Vec<&str> = wanted.iter().map(|(c, _)| c.as_str()).collect();
                    communities.sort_unstable();
                    communities.dedup();
                    for (i, community) in communities.into_iter().enumerate() {
                        qb.push(if i == 0 { "(community_id = " } else { " OR (community_id = " })
                            .push_bind(community.to_owned())
                            .push(" AND owner IN (");
                        let mut sep = qb.separated(", ");
                        for (_, o) in wanted.iter().filter(|(c, _)| c == community) {
                            sep.push_bind(o.key());
                        }
                        qb.push("))");
                    }
                    let mut accounts: HashMap<(String, String), (i64, i64, i64)> = qb
                        .build_query_as::<(i64, String, String, i64, i64)>()
                        .fetch_all(&mut *conn)
                        .await?
                        .into_iter()
                        .map(|(id, c, o, b, k)| ((c, o), (id, b, k)))
                        .collect();
                    // Movements: the ones whose key is new come back.
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO points_movements (community_id, idem_key, kind, reason, actor_id, at_ms) ",
                    );
                    qb.push_values(chunk, |mut b, t| {
                        b.push_bind(t.community.clone())
                            .push_bind(t.key.clone())
                            .push_bind(t.kind.as_str())
                            .push_bind(t.reason.clone())
                            .push_bind(t.actor.map(|a| a.0))
                            .push_bind(ms(t.at));
                    });
                    qb.push(" ON CONFLICT (community_id, idem_key) DO NOTHING RETURNING id, community_id, idem_key");
                    let mut fresh: HashMap<(String, String), i64> = qb
                        .build_query_as::<(i64, String, String)>()
                        .fetch_all(&mut *conn)
                        .await?
                        .into_iter()
                        .map(|(id, c, k)| ((c, k), id))
                        .collect();
                    // Entries and new numbers, in order.
                    let mut entries: Vec<(i64, i64, i64, i64, i64)> = Vec::new();
                    let mut deltas: HashMap<i64, (i64, i64)> = HashMap::new();
                    for (i, t) in chunk.iter().enumerate() {
                        let Some(movement) = fresh.remove(&(t.community.clone(), t.key.clone())) else { continue };
                        let mint = accounts.get(&(t.community.clone(), Owner::Mint.key())).map(|a| a.0);
                        let to = accounts.get_mut(&(t.community.clone(), owner_of(t).key()));
                        let (Some(mint), Some(to)) = (mint, to) else {
                            return Err(StoreError::Corrupt(format!("accounts missing for {}", t.key)));
                        };
                        let earned = if t.kind.earns() { t.amount } else { 0 };
                        to.1 += t.amount;
                        to.2 += earned;
                        out[base + i] = TransferOutcome::Applied(Balance { balance: to.1, contribution: to.2 });
                        entries.push((movement, mint, -t.amount, 0, ms(t.at)));
                        entries.push((movement, to.0, t.amount, earned, ms(t.at)));
                        let d = deltas.entry(to.0).or_default();
                        d.0 += t.amount;
                        d.1 += earned;
                        let m = deltas.entry(mint).or_default();
                        m.0 -= t.amount;
                    }
                    base += chunk.len();
                    if entries.is_empty() {
                        continue;
                    }
                    for part in entries.chunks(CHUNK) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO points_entries (movement_id, account_id, amount, contribution, at_ms) ",
                        );
                        qb.push_values(part, |mut b, e| {
                            b.push_bind(e.0).push_bind(e.1).push_bind(e.2).push_bind(e.3).push_bind(e.4);
                        });
                        qb.build().execute(&mut *conn).await?;
                    }
                    let deltas: Vec<(i64, (i64, i64))> = deltas.into_iter().collect();
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "UPDATE points_accounts SET balance = balance + v.column2, contribution = contribution + v.column3 FROM (",
                    );
                    qb.push_values(&deltas, |mut b, (id, (amount, earned))| {
                        b.push("CAST(").push_bind_unseparated(*id).push_unseparated(" AS BIGINT)");
                        b.push("CAST(").push_bind_unseparated(*amount).push_unseparated(" AS BIGINT)");
                        b.push("CAST(").push_bind_unseparated(*earned).push_unseparated(" AS BIGINT)");
                    });
                    qb.push(") AS v WHERE points_accounts.id = v.column1");
                    qb.build().execute(&mut *conn).await?;
                }
                Ok(out)
            }

            /// Applies many transfers inside an open transaction: by multi-row
            /// statements when they are all rewards from the mint, else one by one.
            async fn apply_all(conn: &mut $conn, ts: &[Transfer]) -> Result<Vec<TransferOutcome>, StoreError> {
                let rewards = ts.iter().all(|t| t.from == Owner::Mint && t.to.member().is_some() && t.amount > 0);
                if rewards {
                    return apply_mint_batch(conn, ts).await;
                }
                let mut out = Vec::with_capacity(ts.len());
                for t in ts {
                    out.push(apply(conn, t).await?);
                }
                Ok(out)
            }

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
                SELECT (SELECT COUNT(*) FROM top t WHERE t.contribution > a.contribution) + 1, a.member_id, m.display_name, a.contribution
                FROM points_accounts a JOIN members m ON m.id = a.member_id
                WHERE a.community_id = $1 AND a.member_id IS NOT NULL
                  AND a.contribution >= (SELECT MIN(contribution) FROM top)
                ORDER BY a.contribution DESC, a.member_id LIMIT 30";

            /// One member's all-time dense rank: one more than the number of
            /// distinct contributions above theirs.
            const ALL_TIME_STANDING: &str = "
                SELECT (SELECT COUNT(DISTINCT o.contribution) FROM points_accounts o
                        WHERE o.community_id = $1 AND o.member_id IS NOT NULL AND o.contribution > a.contribution) + 1,
                       a.member_id, m.display_name, a.contribution
                FROM points_accounts a JOIN members m ON m.id = a.member_id
                WHERE a.community_id = $1 AND a.owner = 'member:' || CAST($2 AS TEXT) AND a.contribution > 0";

            /// Rows a leaderboard shows at most, however many tie.
            const BOARD_ROWS: i64 = 30;

            #[async_trait]
            impl PointsStore for $store {
                async fn transfer(&self, t: &Transfer) -> Result<TransferOutcome, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await?;
                    let out = apply(&mut tx, t).await?;
                    tx.commit().await?;
                    Ok(out)
                }

                async fn transfer_batch(&self, ts: &[Transfer]) -> Result<Vec<TransferOutcome>, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await?;
                    let out = apply_all(&mut tx, ts).await?;
                    tx.commit().await?;
                    Ok(out)
                }

                async fn balance(&self, community: &str, member: MemberId) -> Result<Balance, StoreError> {
                    let row: Option<(i64, i64)> = sqlx::query_as(
                        "SELECT balance, contribution FROM points_accounts WHERE community_id = $1 AND owner = $2",
                    )
                    .bind(community)
                    .bind(Owner::Member(member).key())
                    .fetch_optional(&self.read)
                    .await?;
                    Ok(row.map(|(balance, contribution)| Balance { balance, contribution }).unwrap_or_default())
                }

                async fn history(
                    &self,
                    community: &str,
                    member: MemberId,
                    limit: i64,
                ) -> Result<Vec<HistoryEntry>, StoreError> {
                    let rows: Vec<(i64, String, String, i64, Option<String>)> = sqlx::query_as(
                        "SELECT mv.at_ms, mv.kind, mv.reason, e.amount, actor.display_name
                         FROM points_entries e
                         JOIN points_accounts a ON a.id = e.account_id
                         JOIN points_movements mv ON mv.id = e.movement_id
                         LEFT JOIN members actor ON actor.id = mv.actor_id
                         WHERE a.community_id = $1 AND a.owner = $2
                         ORDER BY mv.at_ms DESC, mv.id DESC LIMIT $3",
                    )
                    .bind(community)
                    .bind(Owner::Member(member).key())
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await?;
                    rows.into_iter()
                        .map(|(at, kind, reason, amount, actor)| {
                            let kind = MovementKind::parse(&kind)
                                .ok_or_else(|| StoreError::Corrupt(format!("unknown movement kind {kind:?}")))?;
                            Ok(HistoryEntry { at: from_ms(at), kind, reason, amount, actor })
                        })
                        .collect()
                }

                async fn leaderboard(
                    &self,
                    community: &str,
                    since: Option<DateTime<Utc>>,
                    limit: i64,
                ) -> Result<Vec<Standing>, StoreError> {
                    let rows: Vec<(i64, i64, String, i64)> = match since {
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
                    Ok(rows
                        .into_iter()
                        .map(|(rank, member, name, points)| Standing { rank, member: MemberId(member), name, points })
                        .collect())
                }

                async fn standing(
                    &self,
                    community: &str,
                    member: MemberId,
                    since: Option<DateTime<Utc>>,
                ) -> Result<Option<Standing>, StoreError> {
                    let row: Option<(i64, i64, String, i64)> = match since {
                        None => sqlx::query_as(ALL_TIME_STANDING).bind(community).bind(member.0).fetch_optional(&self.read).await?,
                        Some(_) => {
                            sqlx::query_as(sqlx::AssertSqlSafe(format!("{BOARD} WHERE member_id = $3")))
                                .bind(community)
                                .bind(since_ms(since))
                                .bind(member.0)
                                .fetch_optional(&self.read)
                                .await?
                        }
                    };
                    Ok(row.map(|(rank, member, name, points)| Standing { rank, member: MemberId(member), name, points }))
                }

                async fn board_points(
                    &self,
                    community: &str,
                    since: Option<DateTime<Utc>>,
                ) -> Result<Vec<(MemberId, String, i64)>, StoreError> {
                    let rows: Vec<(i64, String, i64)> = match since {
                        None => {
                            sqlx::query_as(
                                "SELECT a.member_id, m.display_name, a.contribution
                                 FROM points_accounts a JOIN members m ON m.id = a.member_id
                                 WHERE a.community_id = $1 AND a.member_id IS NOT NULL AND a.contribution > 0",
                            )
                            .bind(community)
                            .fetch_all(&self.read)
                            .await?
                        }
                        Some(since) => {
                            sqlx::query_as(
                                "SELECT a.member_id, m.display_name, CAST(SUM(e.contribution) AS BIGINT)
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
                    Ok(rows.into_iter().map(|(member, name, points)| (MemberId(member), name, points)).collect())
                }

                async fn reach_level(&self, community: &str, member: MemberId, level: i64) -> Result<bool, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await?;
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

                async fn audit(&self) -> Result<LedgerAudit, StoreError> {
                    let mut audit = LedgerAudit::default();
                    let (accounts,): (i64,) =
                        sqlx::query_as("SELECT COUNT(*) FROM points_accounts").fetch_one(&self.read).await?;
                    let (movements,): (i64,) =
                        sqlx::query_as("SELECT COUNT(*) FROM points_movements").fetch_one(&self.read).await?;
                    audit.accounts = accounts;
                    audit.movements = movements;
                    audit.unbalanced = sqlx::query_as(
                        "SELECT community_id, CAST(SUM(balance) AS BIGINT) FROM points_accounts
                         GROUP BY community_id HAVING SUM(balance) <> 0",
                    )
                    .fetch_all(&self.read)
                    .await?;
                    audit.drifted = sqlx::query_as(
                        "SELECT a.id, a.owner, a.balance, CAST(COALESCE(SUM(e.amount), 0) AS BIGINT)
                         FROM points_accounts a LEFT JOIN points_entries e ON e.account_id = a.id
                         GROUP BY a.id, a.owner, a.balance, a.contribution
                         HAVING a.balance <> COALESCE(SUM(e.amount), 0)
                             OR a.contribution <> COALESCE(SUM(e.contribution), 0)",
                    )
                    .fetch_all(&self.read)
                    .await?;
                    let broken: Vec<(i64,)> = sqlx::query_as(
                        "SELECT mv.id FROM points_movements mv LEFT JOIN points_entries e ON e.movement_id = mv.id
                         GROUP BY mv.id HAVING COUNT(e.movement_id) <> 2 OR COALESCE(SUM(e.amount), 0) <> 0",
                    )
                    .fetch_all(&self.read)
                    .await?;
                    audit.broken_movements = broken.into_iter().map(|(id,)| id).collect();
                    audit.negative = sqlx::query_as(
                        "SELECT id, owner, balance FROM points_accounts WHERE owner <> 'mint' AND balance < 0",
                    )
                    .fetch_all(&self.read)
                    .await?;
                    Ok(audit)
                }
            }

            #[async_trait]
            impl CheckinStore for $store {
                async fn checkin_days(
                    &self,
                    community: &str,
                    member: MemberId,
                    limit: i64,
                ) -> Result<Vec<CheckinDay>, StoreError> {
                    let rows: Vec<(String, i64)> = sqlx::query_as(
                        "SELECT day, makeup FROM checkin_days WHERE community_id = $1 AND member_id = $2
                         ORDER BY day DESC LIMIT $3",
                    )
                    .bind(community)
                    .bind(member.0)
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await?;
                    rows.into_iter()
                        .map(|(day, makeup)| {
                            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                                .map_err(|_| StoreError::Corrupt(format!("check-in day {day:?}")))?;
                            Ok(CheckinDay { day, makeup: makeup != 0 })
                        })
                        .collect()
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
                    let mut tx = self.pool.begin_with($begin).await?;
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
                            sqlx::query(concat!(
                                "SELECT id FROM points_accounts WHERE community_id = $1 AND owner = 'mint'",
                                $lock
                            ))
                            .bind(community)
                            .fetch_optional(&mut *tx)
                            .await?;
                        }
                        match apply(&mut tx, cost).await? {
                            TransferOutcome::Insufficient { balance } => {
                                tx.rollback().await?;
                                return Ok(CheckinOutcome::Insufficient { balance });
                            }
                            TransferOutcome::Applied(_) | TransferOutcome::Duplicate => {}
                        }
                    }
                    let mut last = None;
                    for reward in rewards {
                        if let TransferOutcome::Applied(b) = apply(&mut tx, reward).await? {
                            last = Some(b);
                        }
                    }
                    tx.commit().await?;
                    let balance = match last {
                        Some(b) => b,
                        None => self.balance(community, member).await?,
                    };
                    Ok(CheckinOutcome::Done(balance))
                }

                async fn check_in_batch(&self, reqs: &[CheckinRequest]) -> Result<Vec<CheckinOutcome>, StoreError> {
                    use std::collections::HashSet;
                    let mut out = vec![CheckinOutcome::AlreadyDone; reqs.len()];
                    if reqs.is_empty() {
                        return Ok(out);
                    }
                    let day_of = |r: &CheckinRequest| r.day.day.format("%Y-%m-%d").to_string();
                    let mut tx = self.pool.begin_with($begin).await?;
                    let mut fresh: HashSet<(String, i64, String)> = HashSet::new();
                    for chunk in reqs.chunks(CHUNK) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
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
                        fresh.extend(qb.build_query_as::<(String, i64, String)>().fetch_all(&mut *tx).await?);
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
                    let applied = apply_all(&mut tx, &rewards).await?;
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
                            None => self.balance(&reqs[i].community, reqs[i].member).await?,
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
                    let rows: Vec<(i64, String, String)> = sqlx::query_as(
                        "SELECT c.member_id, m.display_name, c.day FROM checkin_days c
                         JOIN members m ON m.id = c.member_id
                         WHERE c.community_id = $1 AND c.day >= $2
                         ORDER BY c.member_id, c.day DESC",
                    )
                    .bind(community)
                    .bind(since.format("%Y-%m-%d").to_string())
                    .fetch_all(&self.read)
                    .await?;
                    rows.into_iter()
                        .map(|(member, name, day)| {
                            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                                .map_err(|_| StoreError::Corrupt(format!("check-in day {day:?}")))?;
                            Ok((MemberId(member), name, day))
                        })
                        .collect()
                }

                async fn makeups_since(
                    &self,
                    community: &str,
                    member: MemberId,
                    since: DateTime<Utc>,
                ) -> Result<i64, StoreError> {
                    let (n,): (i64,) = sqlx::query_as(
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

            type OrderRow = (i64, i64, String, String, i64, String, i64);

            fn order_from_row(r: OrderRow) -> Order {
                Order {
                    id: r.0,
                    member: MemberId(r.1),
                    member_name: r.2,
                    item: r.3,
                    price: r.4,
                    state: r.5,
                    created_at: from_ms(r.6),
                }
            }

            const ORDER_SELECT: &str = "SELECT o.id, o.member_id, m.display_name, o.item_id, o.price, o.state, o.created_at_ms
                 FROM shop_orders o JOIN members m ON m.id = o.member_id";

            #[async_trait]
            impl ShopStore for $store {
                async fn redeem(
                    &self,
                    community: &str,
                    member: MemberId,
                    item: &str,
                    stock: Option<i64>,
                    payment: &Transfer,
                ) -> Result<RedeemOutcome, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await?;
                    let seen: Option<(i64,)> =
                        sqlx::query_as("SELECT id FROM shop_orders WHERE community_id = $1 AND idem_key = $2")
                            .bind(community)
                            .bind(&payment.key)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if seen.is_some() {
                        return Ok(RedeemOutcome::Duplicate);
                    }
                    sqlx::query(
                        "INSERT INTO shop_stock (community_id, item_id, sold) VALUES ($1, $2, 0)
                         ON CONFLICT (community_id, item_id) DO NOTHING",
                    )
                    .bind(community)
                    .bind(item)
                    .execute(&mut *tx)
                    .await?;
                    let taken = sqlx::query(
                        "UPDATE shop_stock SET sold = sold + 1 WHERE community_id = $1 AND item_id = $2 AND sold < $3",
                    )
                    .bind(community)
                    .bind(item)
                    .bind(stock.unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if taken == 0 {
                        tx.rollback().await?;
                        return Ok(RedeemOutcome::OutOfStock);
                    }
                    let balance = match apply(&mut tx, payment).await? {
                        TransferOutcome::Applied(b) => b,
                        TransferOutcome::Insufficient { balance } => {
                            tx.rollback().await?;
                            return Ok(RedeemOutcome::Insufficient { balance });
                        }
                        TransferOutcome::Duplicate => {
                            tx.rollback().await?;
                            return Ok(RedeemOutcome::Duplicate);
                        }
                    };
                    let (order,): (i64,) = sqlx::query_as(
                        "INSERT INTO shop_orders (community_id, member_id, item_id, price, state, idem_key, created_at_ms, updated_at_ms)
                         VALUES ($1, $2, $3, $4, 'open', $5, $6, $6) RETURNING id",
                    )
                    .bind(community)
                    .bind(member.0)
                    .bind(item)
                    .bind(payment.amount)
                    .bind(&payment.key)
                    .bind(ms(payment.at))
                    .fetch_one(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(RedeemOutcome::Ordered { order, balance })
                }

                async fn order(&self, community: &str, order: i64) -> Result<Option<Order>, StoreError> {
                    let row: Option<OrderRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "{ORDER_SELECT} WHERE o.community_id = $1 AND o.id = $2"
                    )))
                    .bind(community)
                    .bind(order)
                    .fetch_optional(&self.read)
                    .await?;
                    Ok(row.map(order_from_row))
                }

                async fn sold(&self, community: &str, item: &str) -> Result<i64, StoreError> {
                    let row: Option<(i64,)> =
                        sqlx::query_as("SELECT sold FROM shop_stock WHERE community_id = $1 AND item_id = $2")
                            .bind(community)
                            .bind(item)
                            .fetch_optional(&self.read)
                            .await?;
                    Ok(row.map(|r| r.0).unwrap_or(0))
                }

                async fn orders(&self, community: &str, state: Option<&str>, limit: i64) -> Result<Vec<Order>, StoreError> {
                    let rows: Vec<OrderRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "{ORDER_SELECT} WHERE o.community_id = $1 AND ($2 = '' OR o.state = $2) ORDER BY o.id LIMIT $3"
                    )))
                    .bind(community)
                    .bind(state.unwrap_or(""))
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await?;
                    Ok(rows.into_iter().map(order_from_row).collect())
                }

                async fn settle_order(
                    &self,
                    community: &str,
                    order: i64,
                    refund: Option<&Transfer>,
                    now: DateTime<Utc>,
                ) -> Result<SettleOutcome, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await?;
                    let row: Option<OrderRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "{ORDER_SELECT} WHERE o.community_id = $1 AND o.id = $2"
                    )))
                    .bind(community)
                    .bind(order)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(found) = row.map(order_from_row) else {
                        return Ok(SettleOutcome::NotFound);
                    };
                    let state = if refund.is_some() { "refunded" } else { "done" };
                    let changed = sqlx::query(
                        "UPDATE shop_orders SET state = $3, updated_at_ms = $4
                         WHERE community_id = $1 AND id = $2 AND state = 'open'",
                    )
                    .bind(community)
                    .bind(order)
                    .bind(state)
                    .bind(ms(now))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if changed == 0 {
                        return Ok(SettleOutcome::AlreadySettled(found));
                    }
                    if let Some(refund) = refund {
                        if refund.amount != found.price || refund.to != Owner::Member(found.member) {
                            return Err(StoreError::Corrupt(format!("refund of order {order} does not match it")));
                        }
                        if let TransferOutcome::Insufficient { .. } = apply(&mut tx, refund).await? {
                            return Err(StoreError::Corrupt(format!("the shop cannot refund order {order}")));
                        }
                        sqlx::query("UPDATE shop_stock SET sold = sold - 1 WHERE community_id = $1 AND item_id = $2 AND sold > 0")
                            .bind(community)
                            .bind(&found.item)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(SettleOutcome::Settled(Order { state: state.into(), ..found }))
                }
            }
        }
    };
}

pub(crate) use economy_store;

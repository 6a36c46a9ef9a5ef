//! The ledger's SQL, compiled once per backend (`db` is the backend's
//! dialect): applying transfers (one, or a group commit of rewards), reading
//! balances and histories, the audit, and what a member merge re-points.
//! `$n` placeholders, `RETURNING` and `ON CONFLICT` read the same on both.

use std::collections::HashMap;

use async_trait::async_trait;

use super::db;
use crate::BoxFuture;
use crate::ledger::{Balance, HistoryEntry, LedgerAudit, LedgerStore, Owner, Transfer, TransferOutcome};
use crate::store::{MemberId, StoreError, from_ms, ms};

/// The member a (possibly merged-away) id stands for now.
async fn current_owner(conn: &mut db::Conn, owner: Owner) -> Result<Owner, StoreError> {
    let Owner::Member(id) = owner else { return Ok(owner) };
    let merged_into: Option<Option<i64>> = sqlx::query_scalar("SELECT merged_into FROM members WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(Owner::Member(MemberId(merged_into.flatten().unwrap_or(id.0))))
}

/// An account's numbers, as a statement returns them.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
struct AccountRow {
    id: i64,
    balance: i64,
    contribution: i64,
}

/// A member's account after a credit, with the member it belongs to now.
#[derive(sqlx::FromRow)]
struct CreditedRow {
    #[sqlx(flatten)]
    account: AccountRow,
    member_id: Option<i64>,
}

/// Adds `amount` and `contribution` to an account, creating it
/// when missing, in one statement; returns its id and numbers
/// afterwards. The row stays locked for the rest of the
/// transaction.
async fn credit(
    conn: &mut db::Conn,
    community: &str,
    owner: Owner,
    amount: i64,
    contribution: i64,
) -> Result<AccountRow, StoreError> {
    let row: AccountRow = sqlx::query_as(
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
/// returns the account (its `member_id` is that member).
async fn credit_member(
    conn: &mut db::Conn,
    community: &str,
    member: MemberId,
    amount: i64,
    contribution: i64,
) -> Result<AccountRow, StoreError> {
    let row: Option<CreditedRow> = sqlx::query_as(
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
        Some(CreditedRow { account, member_id: Some(_) }) => Ok(account),
        _ => Err(StoreError::Corrupt(format!("no member {member} to credit"))),
    }
}

/// Locks accounts of a community until the transaction ends, in the
/// ledger's order: system accounts (mint, escrow, shop) before member
/// accounts, each kind by its key, the order [`apply`] and the group commit
/// take them in. A feature whose check must hold until its transfer is
/// applied (a limit counted from its own rows) locks the accounts the
/// transfer will touch first, then checks, then applies: on PostgreSQL a
/// second transaction waits here and checks after the first committed.
/// Accounts that do not exist are not created; a merged member's account
/// is the one they were merged into. (SQLite's writer takes the whole
/// database at `BEGIN IMMEDIATE`; there is nothing more to lock.)
pub async fn lock(conn: &mut db::Conn, community: &str, owners: &[Owner]) -> Result<(), StoreError> {
    let mut keys = Vec::with_capacity(owners.len());
    for owner in owners {
        let owner = current_owner(conn, *owner).await?;
        keys.push((owner.member().is_some(), owner.key()));
    }
    keys.sort();
    keys.dedup();
    for (_, key) in keys {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM points_accounts WHERE community_id = $1 AND owner = $2{}",
            db::FOR_UPDATE
        )))
        .bind(community)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    }
    Ok(())
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
pub async fn apply(conn: &mut db::Conn, t: &Transfer) -> Result<TransferOutcome, StoreError> {
    if t.amount <= 0 {
        return Err(StoreError::Corrupt(format!("transfer {} of {} points", t.key, t.amount)));
    }
    let from = current_owner(conn, t.from).await?;
    // A receiving member is resolved by the upsert that credits them.
    let to = t.to;
    let inserted: Option<i64> = sqlx::query_scalar(
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
    let Some(movement) = inserted else {
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
        let row: Option<AccountRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, balance, contribution FROM points_accounts WHERE community_id = $1 AND owner = $2{}",
            db::FOR_UPDATE
        )))
        .bind(&t.community)
        .bind(from.key())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(AccountRow { id, balance, contribution }) = row.filter(|r| r.balance >= t.amount) else {
            // Undo what this transfer wrote so far.
            if to.member().is_none() {
                credit(conn, &t.community, to, -t.amount, 0).await?;
            }
            sqlx::query("DELETE FROM points_movements WHERE id = $1").bind(movement).execute(&mut *conn).await?;
            return Ok(TransferOutcome::Insufficient { balance: row.map_or(0, |r| r.balance) });
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
        from_row = Some(AccountRow { id, balance: balance - t.amount, contribution: contribution + from_c });
    }
    if let Owner::Member(member) = to {
        to_row = Some(credit_member(conn, &t.community, member, t.amount, to_c).await?);
    }
    let (Some(from_row), Some(to_row)) = (from_row, to_row) else {
        return Err(StoreError::Corrupt(format!("accounts missing for {}", t.key)));
    };
    sqlx::query(
        "INSERT INTO points_entries (movement_id, account_id, amount, contribution, at_ms)
         VALUES ($1, $2, $3, $4, $5), ($1, $6, $7, $8, $5)",
    )
    .bind(movement)
    .bind(from_row.id)
    .bind(-t.amount)
    .bind(from_c)
    .bind(ms(t.at))
    .bind(to_row.id)
    .bind(t.amount)
    .bind(to_c)
    .execute(&mut *conn)
    .await?;
    crate::metrics::metrics().movement(t.kind.as_str());
    Ok(TransferOutcome::Applied(if to.member().is_some() {
        Balance { balance: to_row.balance, contribution: to_row.contribution }
    } else {
        Balance { balance: from_row.balance, contribution: from_row.contribution }
    }))
}

/// Rows per multi-row statement (PostgreSQL slows down sharply
/// past a few hundred rows or a couple of thousand binds).
const CHUNK: usize = 200;

/// A member id and whom it was merged into.
#[derive(sqlx::FromRow)]
struct MergedRow {
    id: i64,
    merged_into: Option<i64>,
}

/// An account with its community and owner.
#[derive(sqlx::FromRow)]
struct OwnedAccountRow {
    community_id: String,
    owner: String,
    #[sqlx(flatten)]
    account: AccountRow,
}

/// A movement whose key was new.
#[derive(sqlx::FromRow)]
struct NewMovementRow {
    id: i64,
    community_id: String,
    idem_key: String,
}

/// Group commit of rewards from the mint (activity, thanks): a few
/// multi-row statements per chunk instead of a dozen statements per
/// award. Same rules as [`apply`]: idempotent per key, entries in
/// pairs, cached numbers updated with them.
async fn apply_mint_batch(conn: &mut db::Conn, ts: &[Transfer]) -> Result<Vec<TransferOutcome>, StoreError> {
    let mut out = vec![TransferOutcome::Duplicate; ts.len()];
    let mut base = 0;
    // The mint of each community first, as in `apply`: one lock
    // order for every transaction that moves points.
    let mut communities: Vec<&str> = ts.iter().map(|t| t.community.as_str()).collect();
    communities.sort_unstable();
    communities.dedup();
    for community in communities {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM points_accounts WHERE community_id = $1 AND owner = 'mint'{}",
            db::FOR_UPDATE
        )))
        .bind(community)
        .fetch_optional(&mut *conn)
        .await?;
    }
    for chunk in ts.chunks(CHUNK) {
        // Members merged away since the award was queued.
        let mut qb = sqlx::QueryBuilder::<db::Db>::new(
            "SELECT id, merged_into FROM members WHERE merged_into IS NOT NULL AND id IN (",
        );
        let mut sep = qb.separated(", ");
        for t in chunk {
            sep.push_bind(t.to.member().map(|m| m.0).unwrap_or(0));
        }
        qb.push(")");
        let merged: HashMap<i64, i64> = qb
            .build_query_as::<MergedRow>()
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .filter_map(|r| r.merged_into.map(|into| (r.id, into)))
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
        let mut qb = sqlx::QueryBuilder::<db::Db>::new("INSERT INTO points_accounts (community_id, owner, member_id) ");
        qb.push_values(&wanted, |mut b, (c, o)| {
            b.push_bind(c.clone()).push_bind(o.key()).push_bind(o.member().map(|m| m.0));
        });
        qb.push(" ON CONFLICT (community_id, owner) DO NOTHING");
        qb.build().execute(&mut *conn).await?;
        // By community, then owner: the unique index's order.
        let mut qb = sqlx::QueryBuilder::<db::Db>::new(
            "SELECT id, community_id, owner, balance, contribution FROM points_accounts WHERE ",
        );
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
        let mut accounts: HashMap<(String, String), AccountRow> = qb
            .build_query_as::<OwnedAccountRow>()
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| ((r.community_id, r.owner), r.account))
            .collect();
        // Movements: the ones whose key is new come back.
        let mut qb = sqlx::QueryBuilder::<db::Db>::new(
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
            .build_query_as::<NewMovementRow>()
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| ((r.community_id, r.idem_key), r.id))
            .collect();
        // Entries and new numbers, in order.
        let mut entries: Vec<(i64, i64, i64, i64, i64)> = Vec::new();
        let mut deltas: HashMap<i64, (i64, i64)> = HashMap::new();
        for (i, t) in chunk.iter().enumerate() {
            let Some(movement) = fresh.remove(&(t.community.clone(), t.key.clone())) else { continue };
            let mint = accounts.get(&(t.community.clone(), Owner::Mint.key())).map(|a| a.id);
            let to = accounts.get_mut(&(t.community.clone(), owner_of(t).key()));
            let (Some(mint), Some(to)) = (mint, to) else {
                return Err(StoreError::Corrupt(format!("accounts missing for {}", t.key)));
            };
            let earned = if t.kind.earns() { t.amount } else { 0 };
            to.balance += t.amount;
            to.contribution += earned;
            out[base + i] = TransferOutcome::Applied(Balance { balance: to.balance, contribution: to.contribution });
            crate::metrics::metrics().movement(t.kind.as_str());
            entries.push((movement, mint, -t.amount, 0, ms(t.at)));
            entries.push((movement, to.id, t.amount, earned, ms(t.at)));
            let d = deltas.entry(to.id).or_default();
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
            let mut qb = sqlx::QueryBuilder::<db::Db>::new(
                "INSERT INTO points_entries (movement_id, account_id, amount, contribution, at_ms) ",
            );
            qb.push_values(part, |mut b, e| {
                b.push_bind(e.0).push_bind(e.1).push_bind(e.2).push_bind(e.3).push_bind(e.4);
            });
            qb.build().execute(&mut *conn).await?;
        }
        let deltas: Vec<(i64, (i64, i64))> = deltas.into_iter().collect();
        let mut qb = sqlx::QueryBuilder::<db::Db>::new(
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
pub async fn apply_all(conn: &mut db::Conn, ts: &[Transfer]) -> Result<Vec<TransferOutcome>, StoreError> {
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

#[async_trait]
impl LedgerStore for db::Pools {
    async fn transfer(&self, t: &Transfer) -> Result<TransferOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let out = apply(&mut tx, t).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn transfer_batch(&self, ts: &[Transfer]) -> Result<Vec<TransferOutcome>, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let out = apply_all(&mut tx, ts).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn balance(&self, community: &str, member: MemberId) -> Result<Balance, StoreError> {
        let row: Option<BalanceRow> =
            sqlx::query_as("SELECT balance, contribution FROM points_accounts WHERE community_id = $1 AND owner = $2")
                .bind(community)
                .bind(Owner::Member(member).key())
                .fetch_optional(&self.read)
                .await?;
        Ok(row.map(|r| Balance { balance: r.balance, contribution: r.contribution }).unwrap_or_default())
    }

    async fn history(&self, community: &str, member: MemberId, limit: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows: Vec<HistoryRow> = sqlx::query_as(
            "SELECT mv.at_ms, mv.kind, mv.reason, e.amount, actor.display_name AS actor
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
        Ok(rows
            .into_iter()
            .map(|r| HistoryEntry {
                at: from_ms(r.at_ms),
                kind: r.kind,
                reason: r.reason,
                amount: r.amount,
                actor: r.actor,
            })
            .collect())
    }

    async fn audit(&self) -> Result<LedgerAudit, StoreError> {
        let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM points_accounts").fetch_one(&self.read).await?;
        let movements: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM points_movements").fetch_one(&self.read).await?;
        let unbalanced: Vec<UnbalancedRow> = sqlx::query_as(
            "SELECT community_id, CAST(SUM(balance) AS BIGINT) AS total FROM points_accounts
             GROUP BY community_id HAVING SUM(balance) <> 0",
        )
        .fetch_all(&self.read)
        .await?;
        let drifted: Vec<DriftRow> = sqlx::query_as(
            "SELECT a.id, a.owner, a.balance, CAST(COALESCE(SUM(e.amount), 0) AS BIGINT) AS entries
             FROM points_accounts a LEFT JOIN points_entries e ON e.account_id = a.id
             GROUP BY a.id, a.owner, a.balance, a.contribution
             HAVING a.balance <> COALESCE(SUM(e.amount), 0)
                 OR a.contribution <> COALESCE(SUM(e.contribution), 0)",
        )
        .fetch_all(&self.read)
        .await?;
        let broken_movements: Vec<i64> = sqlx::query_scalar(
            "SELECT mv.id FROM points_movements mv LEFT JOIN points_entries e ON e.movement_id = mv.id
             GROUP BY mv.id HAVING COUNT(e.movement_id) <> 2 OR COALESCE(SUM(e.amount), 0) <> 0",
        )
        .fetch_all(&self.read)
        .await?;
        let negative: Vec<NegativeRow> =
            sqlx::query_as("SELECT id, owner, balance FROM points_accounts WHERE owner <> 'mint' AND balance < 0")
                .fetch_all(&self.read)
                .await?;
        Ok(LedgerAudit {
            accounts,
            movements,
            unbalanced: unbalanced.into_iter().map(|r| (r.community_id, r.total)).collect(),
            drifted: drifted.into_iter().map(|r| (r.id, r.owner, r.balance, r.entries)).collect(),
            broken_movements,
            negative: negative.into_iter().map(|r| (r.id, r.owner, r.balance)).collect(),
        })
    }
}

/// A member's two numbers as stored.
#[derive(sqlx::FromRow)]
struct BalanceRow {
    balance: i64,
    contribution: i64,
}

/// One line of a member's history.
#[derive(sqlx::FromRow)]
struct HistoryRow {
    at_ms: i64,
    kind: String,
    reason: String,
    amount: i64,
    actor: Option<String>,
}

/// A community whose accounts do not sum to zero.
#[derive(sqlx::FromRow)]
struct UnbalancedRow {
    community_id: String,
    total: i64,
}

/// An account whose cached numbers differ from its entries.
#[derive(sqlx::FromRow)]
struct DriftRow {
    id: i64,
    owner: String,
    balance: i64,
    entries: i64,
}

/// An account below zero.
#[derive(sqlx::FromRow)]
struct NegativeRow {
    id: i64,
    owner: String,
    balance: i64,
}

/// Moves member `gone`'s account into member `kept`'s, inside the merge's
/// transaction: entries re-point, cached numbers add up.
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        let kept_id = kept.0;
        let (kept, gone) = (Owner::Member(kept).key(), Owner::Member(gone).key());
        sqlx::query(
            "INSERT INTO points_accounts (community_id, owner, member_id)
             SELECT community_id, $1, $3 FROM points_accounts WHERE owner = $2
             ON CONFLICT (community_id, owner) DO NOTHING",
        )
        .bind(&kept)
        .bind(&gone)
        .bind(kept_id)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE points_entries SET account_id = (SELECT k.id FROM points_accounts k
                JOIN points_accounts g ON g.community_id = k.community_id
                WHERE k.owner = $1 AND g.owner = $2)
             WHERE account_id = (SELECT id FROM points_accounts WHERE owner = $2)",
        )
        .bind(&kept)
        .bind(&gone)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE points_accounts SET
                balance = balance + COALESCE((SELECT g.balance FROM points_accounts g WHERE g.owner = $2), 0),
                contribution = contribution
                    + COALESCE((SELECT g.contribution FROM points_accounts g WHERE g.owner = $2), 0)
             WHERE owner = $1",
        )
        .bind(&kept)
        .bind(&gone)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM points_accounts WHERE owner = $1").bind(&gone).execute(&mut *conn).await?;
        Ok(())
    })
}

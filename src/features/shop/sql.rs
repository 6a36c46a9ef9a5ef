//! The shop's SQL, compiled once per backend (`db` is the backend's
//! dialect; `ledger` the ledger's SQL for the same backend, so stock, order
//! and payment change in one transaction).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{db, ledger};
use crate::BoxFuture;
use crate::features::shop::store::{Order, RedeemOutcome, SettleOutcome, ShopStore};
use crate::ledger::{Owner, Transfer, TransferOutcome};
use crate::store::{MemberId, StoreError, from_ms, ms};

/// An order as stored, with its member's name.
#[derive(sqlx::FromRow)]
struct OrderRow {
    id: i64,
    member_id: i64,
    display_name: String,
    item_id: String,
    price: i64,
    state: String,
    created_at_ms: i64,
}

impl From<OrderRow> for Order {
    fn from(r: OrderRow) -> Order {
        Order {
            id: r.id,
            member: MemberId(r.member_id),
            member_name: r.display_name,
            item: r.item_id,
            price: r.price,
            state: r.state,
            created_at: from_ms(r.created_at_ms),
        }
    }
}

const ORDER_SELECT: &str = "SELECT o.id, o.member_id, m.display_name, o.item_id, o.price, o.state, o.created_at_ms
     FROM shop_orders o JOIN members m ON m.id = o.member_id";

#[async_trait]
impl ShopStore for db::Pools {
    async fn redeem(
        &self,
        community: &str,
        member: MemberId,
        item: &str,
        stock: Option<i64>,
        payment: &Transfer,
    ) -> Result<RedeemOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let seen: Option<i64> =
            sqlx::query_scalar("SELECT id FROM shop_orders WHERE community_id = $1 AND idem_key = $2")
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
        let taken =
            sqlx::query("UPDATE shop_stock SET sold = sold + 1 WHERE community_id = $1 AND item_id = $2 AND sold < $3")
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
        let balance = match ledger::apply(&mut tx, payment).await? {
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
        let order: i64 = sqlx::query_scalar(
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
        let row: Option<OrderRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{ORDER_SELECT} WHERE o.community_id = $1 AND o.id = $2")))
                .bind(community)
                .bind(order)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.map(Order::from))
    }

    async fn sold(&self, community: &str, item: &str) -> Result<i64, StoreError> {
        let row: Option<i64> =
            sqlx::query_scalar("SELECT sold FROM shop_stock WHERE community_id = $1 AND item_id = $2")
                .bind(community)
                .bind(item)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.unwrap_or(0))
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
        Ok(rows.into_iter().map(Order::from).collect())
    }

    async fn settle_order(
        &self,
        community: &str,
        order: i64,
        refund: Option<&Transfer>,
        now: DateTime<Utc>,
    ) -> Result<SettleOutcome, StoreError> {
        let mut tx = self.write.begin_with(db::BEGIN).await?;
        let row: Option<OrderRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{ORDER_SELECT} WHERE o.community_id = $1 AND o.id = $2")))
                .bind(community)
                .bind(order)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(found) = row.map(Order::from) else {
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
            if let TransferOutcome::Insufficient { .. } = ledger::apply(&mut tx, refund).await? {
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

/// The merged member's orders become the kept member's.
pub fn merge(conn: &mut db::Conn, kept: MemberId, gone: MemberId) -> BoxFuture<'_, Result<(), StoreError>> {
    Box::pin(async move {
        sqlx::query("UPDATE shop_orders SET member_id = $1 WHERE member_id = $2")
            .bind(kept.0)
            .bind(gone.0)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

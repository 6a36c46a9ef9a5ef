//! The shop's lines in the community's figures: orders placed and the
//! points redeemed by them (refunded orders given back).

use crate::BoxFuture;
use crate::features::stats::{Figure, Query, Span, Value};
use crate::store::StoreError;

/// Orders placed in the span.
const ORDERS: Query = Query::Ms(
    "SELECT COUNT(*) FROM shop_orders WHERE community_id = $1 AND created_at_ms >= $2 AND created_at_ms < $3",
);

/// Points redeemed by the span's orders that were not refunded.
const REDEEMED: Query = Query::Ms(
    "SELECT CAST(SUM(price) AS BIGINT) FROM shop_orders
     WHERE community_id = $1 AND created_at_ms >= $2 AND created_at_ms < $3 AND state <> 'refunded'",
);

/// Orders and points redeemed.
pub fn figures<'a>(span: &'a Span<'a>, _before: &'a [Figure]) -> BoxFuture<'a, Result<Vec<Figure>, StoreError>> {
    Box::pin(async move {
        Ok(vec![
            Figure::new("shop.orders", "shop-figure-orders", Value::count(span.count(ORDERS).await?)),
            Figure::new("points.redeemed", "shop-figure-redeemed", Value::count(span.count(REDEEMED).await?)),
        ])
    })
}

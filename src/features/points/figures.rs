//! The ledger's lines in the community's figures: points minted (rewards
//! paid from the mint) and spent (paid by members into the shop or a
//! bounty's escrow).

use crate::BoxFuture;
use crate::features::stats::{Figure, Query, Span, Value};
use crate::store::StoreError;

/// Points that left the mint (rewards), less nothing: corrections back to
/// the mint are not un-minting.
const MINTED: Query = Query::Ms(
    "SELECT CAST(-SUM(e.amount) AS BIGINT) FROM points_entries e JOIN points_accounts a ON a.id = e.account_id
     WHERE a.community_id = $1 AND a.owner = 'mint' AND e.amount < 0 AND e.at_ms >= $2 AND e.at_ms < $3",
);

/// Points paid into the shop (rewards, make-up cards) or into escrow
/// (bounties).
const SPENT: Query = Query::Ms(
    "SELECT CAST(SUM(e.amount) AS BIGINT) FROM points_entries e JOIN points_accounts a ON a.id = e.account_id
     WHERE a.community_id = $1 AND a.owner IN ('shop', 'escrow') AND e.amount > 0
       AND e.at_ms >= $2 AND e.at_ms < $3",
);

/// Minted and spent.
pub fn figures<'a>(span: &'a Span<'a>, _before: &'a [Figure]) -> BoxFuture<'a, Result<Vec<Figure>, StoreError>> {
    Box::pin(async move {
        Ok(vec![
            Figure::new("points.minted", "points-figure-minted", Value::count(span.count(MINTED).await?)),
            Figure::new("points.spent", "points-figure-spent", Value::count(span.count(SPENT).await?)),
        ])
    })
}

//! The check-ins' lines in the community's figures: check-ins, and the
//! habit: of the members who checked in during the last seven days, the
//! share who did on three or more of them.

use crate::BoxFuture;
use crate::features::stats::{Figure, Query, Span, Value};
use crate::store::StoreError;

/// Check-ins on the span's days (make-up days not counted: they were
/// bought, not kept).
const CHECKINS: Query =
    Query::Days("SELECT COUNT(*) FROM checkin_days WHERE community_id = $1 AND day >= $2 AND day < $3 AND makeup = 0");

/// Members who checked in at least once on the span's days.
const CHECKED_IN: Query = Query::Days(
    "SELECT COUNT(DISTINCT member_id) FROM checkin_days WHERE community_id = $1 AND day >= $2 AND day < $3",
);

/// Members who checked in on three or more of the span's days.
const HABIT: Query = Query::Days(
    "SELECT COUNT(*) FROM (SELECT member_id FROM checkin_days
                           WHERE community_id = $1 AND day >= $2 AND day < $3
                           GROUP BY member_id HAVING COUNT(*) >= 3) habitual",
);

/// Check-ins and the habit of the last seven days of the span.
pub fn figures<'a>(span: &'a Span<'a>, _before: &'a [Figure]) -> BoxFuture<'a, Result<Vec<Figure>, StoreError>> {
    Box::pin(async move {
        let week = span.trailing(7);
        Ok(vec![
            Figure::new("checkins", "checkin-figure-checkins", Value::count(span.count(CHECKINS).await?)),
            Figure::new(
                "checkins.habit",
                "checkin-figure-habit",
                Value::share(week.count(HABIT).await?, week.count(CHECKED_IN).await?),
            ),
        ])
    })
}

//! The FAQ's lines in the community's figures: automatic redirects, the
//! share marked unhelpful (👎 or "没用"), and deflection: questions the FAQ
//! answered without complaint, out of every question asked.

use crate::BoxFuture;
use crate::features::stats::{Figure, QUESTIONS_FIGURE, Query, Span, Value};
use crate::store::StoreError;

/// Redirects the matcher made.
const REDIRECTS: Query = Query::Ms(
    "SELECT COUNT(*) FROM faq_redirects
     WHERE community_id = $1 AND automatic = TRUE AND at_ms >= $2 AND at_ms < $3",
);

/// Automatic redirects someone marked unhelpful: a 👎 on the redirect, or a
/// "没用" that taught the matcher the question as a negative example within
/// ten minutes of it.
const UNHELPFUL: Query = Query::Ms(
    "SELECT COUNT(*) FROM faq_redirects r
     WHERE r.community_id = $1 AND r.automatic = TRUE AND r.at_ms >= $2 AND r.at_ms < $3
       AND (EXISTS (SELECT 1 FROM faq_feedback f WHERE f.redirect_id = r.id AND f.kind = 'unhelpful')
            OR EXISTS (SELECT 1 FROM faq_negatives n
                       WHERE n.community_id = r.community_id AND n.entry_id = r.entry_id AND n.text = r.query
                         AND n.added_at_ms >= r.at_ms AND n.added_at_ms <= r.at_ms + 600000))",
);

/// Redirects, their unhelpful share, and deflection (of the questions the
/// stats feature counted before this hook).
pub fn figures<'a>(span: &'a Span<'a>, before: &'a [Figure]) -> BoxFuture<'a, Result<Vec<Figure>, StoreError>> {
    Box::pin(async move {
        let redirects = span.count(REDIRECTS).await?;
        let unhelpful = span.count(UNHELPFUL).await?;
        let mut out = vec![
            Figure::new("faq.redirects", "faq-figure-redirects", Value::count(redirects)),
            Figure::new("faq.unhelpful", "faq-figure-unhelpful", Value::share(unhelpful, redirects)),
        ];
        if let Some(Value::Count { n: questions }) =
            crate::features::stats::figures::find(before, QUESTIONS_FIGURE).map(|f| f.value)
        {
            let kept = (redirects - unhelpful).min(questions);
            out.push(Figure::new("faq.deflection", "faq-figure-deflection", Value::share(kept, questions)));
        }
        Ok(out)
    })
}

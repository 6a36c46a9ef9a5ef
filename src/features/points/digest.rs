//! The points feature's digest section: the period's top contributors.

use crate::BoxFuture;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::i18n::Args;
use crate::rich::RichText;

/// The digest's "top contributors of the period" section.
pub fn top<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let board = d.engine.store().points().leaderboard(&d.community.id, Some(d.since), d.top).await?;
        if board.is_empty() {
            return Ok(None);
        }
        let lines: Vec<String> = board
            .iter()
            .take(usize::try_from(d.top).unwrap_or(5))
            .map(|s| {
                d.text(
                    "digest-top-line",
                    &Args::new().num("rank", s.rank).str("name", s.name.clone()).num("points", s.points),
                )
                .to_plain()
            })
            .collect();
        let hours = (d.now - d.since).num_hours();
        let mut body = d.text("digest-top", &Args::new().num("hours", hours));
        body.append(RichText::list(&lines));
        Ok(Some(body))
    })
}

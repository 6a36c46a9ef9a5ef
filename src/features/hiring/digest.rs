//! The hiring feature's digest section: the jobs listed in the period that
//! are still open, newest first — title, company, city and `/job ID`. Never
//! the contact or the salary: digests go to groups.

use crate::BoxFuture;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::features::hiring::render::View;
use crate::i18n::Args;
use crate::rich::RichText;

/// New posts read for one digest at most (the count says how many there were).
const READ: i64 = 200;

/// The digest's "new jobs" section.
pub fn new_jobs<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let posts = d.engine.store().hiring().hiring_opened_since(&d.community.id, d.since, d.now, READ).await?;
        if posts.is_empty() {
            return Ok(None);
        }
        let v = View { prompts: d.engine.prompts(), locale: d.locale, tz: d.community.tz };
        let count = i64::try_from(posts.len()).unwrap_or(i64::MAX);
        let lines: Vec<String> = posts
            .iter()
            .take(usize::try_from(d.top).unwrap_or(5))
            .map(|p| {
                v.plain(
                    "hiring-digest-line",
                    &Args::new().str("line", v.digest_line(p)).str("id", p.number.to_string()),
                )
            })
            .collect();
        let mut body = d.text("hiring-digest-new", &Args::new().num("count", count));
        body.append(RichText::list(&lines));
        Ok(Some(body))
    })
}

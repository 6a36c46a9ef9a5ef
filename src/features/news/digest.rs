//! The news feature's digest section: items stored in the period, newest
//! first, one line each, with how many there were.

use crate::BoxFuture;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::features::news::render::View;
use crate::i18n::Args;
use crate::rich::RichText;

/// The digest's "news" section.
pub fn new_items<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let (items, count) = d.engine.store().news().news_stored_since(&d.community.id, d.since, d.top).await?;
        if items.is_empty() {
            return Ok(None);
        }
        let items = crate::features::news::translate::with_translations(d.engine, items, d.locale).await?;
        let v = View { prompts: d.engine.prompts(), locale: d.locale, tz: d.community.tz };
        let lines: Vec<String> = items.iter().map(|i| v.line(i)).collect();
        let mut body = d.text("news-digest", &Args::new().num("count", count));
        body.append(RichText::list(&lines));
        Ok(Some(body))
    })
}

//! The events feature's digest section: the coming week's events (the
//! period `digest_days`), soonest first, with seats left.

use chrono::Duration;

use crate::BoxFuture;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::features::events::render::View;
use crate::i18n::Args;
use crate::rich::RichText;

/// The digest's "coming events" section.
pub fn coming<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let days = d.community.features.events.digest_days;
        let until = d.now + Duration::days(days);
        let events = d.engine.store().events().events_upcoming(&d.community.id, d.now, until, d.top.max(1), 0).await?;
        if events.is_empty() {
            return Ok(None);
        }
        let v = View::new(d.engine.prompts(), d.locale, None);
        let lines: Vec<String> = events.iter().map(|e| v.line(e)).collect();
        let mut body = d.text("events-digest", &Args::new().num("days", days));
        body.append(RichText::list(&lines));
        Ok(Some(body))
    })
}

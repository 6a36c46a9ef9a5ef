//! The check-in feature's digest section: streak leaders.

use chrono::{Duration, NaiveDate};

use super::commands::streak_ending;
use crate::BoxFuture;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::i18n::Args;
use crate::rich::RichText;

/// Days of history a digest reads for streaks; longer streaks show as this.
const DIGEST_STREAK_HORIZON: i64 = 400;

/// The digest's "check-in streak leaders" section: current streaks (ending
/// today or yesterday) of at least two days.
pub fn streaks<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let today = d.now.with_timezone(&d.community.tz).date_naive();
        let since = today - Duration::days(DIGEST_STREAK_HORIZON);
        let rows = d.engine.store().checkin().checkin_days_since(&d.community.id, since).await?;
        let mut leaders: Vec<(i64, String)> = Vec::new();
        for group in rows.chunk_by(|a, b| a.0 == b.0) {
            let days: Vec<NaiveDate> = group.iter().map(|r| r.2).collect();
            let streak = streak_ending(&days, today).max(streak_ending(&days, today - Duration::days(1)));
            if streak >= 2 {
                leaders.push((streak, group[0].1.clone()));
            }
        }
        if leaders.is_empty() {
            return Ok(None);
        }
        leaders.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let lines: Vec<String> = leaders
            .iter()
            .take(usize::try_from(d.top).unwrap_or(5))
            .map(|(days, name)| {
                d.text("digest-streak-line", &Args::new().str("name", name.clone()).num("days", *days)).to_plain()
            })
            .collect();
        let mut body = d.text("digest-streaks", &Args::new());
        body.append(RichText::list(&lines));
        Ok(Some(body))
    })
}

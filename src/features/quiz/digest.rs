//! The quiz feature's digest section: who solved the daily question in
//! the digest's period, and the week's assessment promotions.

use chrono::Duration;

use super::exam::level_name;
use crate::BoxFuture;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::i18n::Args;
use crate::rich::RichText;

/// The daily question's solvers and the week's promotions; `None` when
/// there are neither.
pub fn render<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let quiz = d.engine.store().quiz();
        let solvers = quiz.daily_solvers_since(&d.community.id, d.since.timestamp_millis()).await?;
        let week = (d.now - Duration::days(7)).timestamp_millis();
        let promotions = quiz.quiz_promotions_since(&d.community.id, week).await?;
        if solvers.is_empty() && promotions.is_empty() {
            return Ok(None);
        }
        let top = usize::try_from(d.top).unwrap_or(5);
        let mut body = RichText::default();
        if !solvers.is_empty() {
            body.append(d.text("digest-quiz-daily", &Args::new().num("count", solvers.len() as i64)));
            let lines: Vec<String> = solvers
                .iter()
                .take(top)
                .map(|n| d.text("digest-quiz-daily-line", &Args::new().str("name", n.clone())).to_plain())
                .collect();
            body.append(RichText::list(&lines));
        }
        if !promotions.is_empty() {
            body.append(d.text("digest-quiz-promotions", &Args::new()));
            let config = &d.community.features.quiz;
            let lines: Vec<String> = promotions
                .iter()
                .rev()
                .take(top)
                .map(|(name, topic, level)| {
                    d.text(
                        "digest-quiz-promotion-line",
                        &Args::new()
                            .str("name", name.clone())
                            .str("topic", topic.clone())
                            .str("level", level_name(config, d.locale, *level)),
                    )
                    .to_plain()
                })
                .collect();
            body.append(RichText::list(&lines));
        }
        Ok(Some(body))
    })
}

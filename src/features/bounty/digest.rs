//! The bounty section of a digest: open urgent bounties, the bounties that
//! closed in the period, and the answerers whose answers were accepted most.

use super::jobs::excerpt;
use crate::BoxFuture;
use crate::features::digest::{DigestCtx, SectionResult};
use crate::i18n::Args;
use crate::rich::RichText;

/// Characters of a question in the digest.
const EXCERPT: usize = 40;

/// The section.
pub fn render<'a>(d: &'a DigestCtx<'a>) -> BoxFuture<'a, SectionResult> {
    Box::pin(async move {
        let s = d.engine.store().bounty().bounty_summary(&d.community.id, d.since, d.top).await?;
        if s.urgent.is_empty() && s.closed.is_empty() && s.top.is_empty() {
            return Ok(None);
        }
        let mut body = RichText::default();
        if !s.urgent.is_empty() {
            body.append(d.text("digest-bounty-urgent", &Args::new().num("count", s.urgent.len() as i64)));
            let lines: Vec<String> = s
                .urgent
                .iter()
                .map(|q| {
                    let args = Args::new()
                        .str("id", q.number.to_string())
                        .num("bounty", q.bounty)
                        .num("answers", q.answers)
                        .str("question", excerpt(&q.text, EXCERPT));
                    d.text("digest-bounty-urgent-line", &args).to_plain()
                })
                .collect();
            body.append(RichText::list(&lines));
        }
        if !s.closed.is_empty() {
            body.append(d.text("digest-bounty-closed", &Args::new().num("count", s.closed.len() as i64)));
            let lines: Vec<String> = s
                .closed
                .iter()
                .map(|q| {
                    let state = d.engine.prompts().plain(d.locale, &format!("bounty-state-{}", q.state.as_str()));
                    let args = Args::new()
                        .str("id", q.number.to_string())
                        .num("bounty", q.bounty)
                        .str("state", state)
                        .str("question", excerpt(&q.text, EXCERPT));
                    d.text("digest-bounty-closed-line", &args).to_plain()
                })
                .collect();
            body.append(RichText::list(&lines));
        }
        if !s.top.is_empty() {
            body.append(d.text("digest-bounty-top", &Args::new()));
            let lines: Vec<String> = s
                .top
                .iter()
                .map(|(name, n, points)| {
                    let args = Args::new().str("name", name.clone()).num("accepted", *n).num("points", *points);
                    d.text("digest-bounty-top-line", &args).to_plain()
                })
                .collect();
            body.append(RichText::list(&lines));
        }
        Ok(Some(body))
    })
}
